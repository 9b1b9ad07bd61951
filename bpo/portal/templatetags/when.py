"""One way to show a date or a time, everywhere: ``{% load when %}`` then ``{{ value|when }}``
(the formats live in ``bpo.dates``, which Python code showing a date uses too).

- a date-time: ``2 December 2026, 14:05 CET``, in the active time zone: the client's on a client's
  pages (``ClientFromPathMiddleware`` activates it), UTC on the provider's (or the zone of an
  enclosing ``{% timezone %}`` block);
- a date: ``2 December 2026``; a time of day (opening hours): ``14:05``;
- ``|when:"date"``: a date-time's date only (in the zone); ``|when:"time"``: its time and zone
  (``14:05 CET``); ``|when:"weekday"``: the same with the weekday first (``Wednesday 2
  December 2026, 14:05 CET``), where the day of the week matters (hours, the resolver);
  ``|when:"day"``: the compact form in tables of one week (``Wed 2 Dec``, ``Wed 2 Dec, 14:05``);
- ``|when_iso``: the machine-readable form for ``<time datetime="...">``.

Anything else (a value of the history that is no date) is given back unchanged; ``None``
shows as nothing (so ``|when|default:"never"`` works). ``tests/portal/test_dates.py`` checks that no template formats a date any other way.
"""

from __future__ import annotations

from datetime import date, datetime, time

from django import template
from django.utils import timezone

from bpo.dates import format_when

register = template.Library()


@register.filter(name="when")
def when(value, style: str = ""):
    return format_when(value, style)


@register.filter(name="when_iso")
def when_iso(value) -> str:
    if isinstance(value, datetime):
        return (timezone.localtime(value) if timezone.is_aware(value) else value).isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    return ""


@register.simple_tag(name="now_when")
def now_when(style: str = "") -> str:
    """The current instant, as ``|when`` shows it (``{% now_when "time" %}``)."""
    return format_when(timezone.now(), style)
