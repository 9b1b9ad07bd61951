"""The portal's one date format (shown through ``|when``, ``bpo/portal/templatetags/when.py``).

- a date-time: ``2 December 2026, 14:05 CET``, in the given zone or the active one (the client's on
  a client's pages, UTC on the provider's);
- a date: ``2 December 2026``; a time of day (opening hours): ``14:05``;
- style ``"date"``: a date-time's date only; ``"time"``: its time and zone (``14:05 CET``);
  ``"weekday"``: the weekday first (``Wednesday 2 December 2026, 14:05 CET``); ``"day"``: the
  compact form for table rows, column heads and pickers where the week or year is given around
  it (``Wed 2 Dec``; a date-time ``Wed 2 Dec, 14:05``); ``"clock"``: a date-time's time alone,
  for the first half of a range whose second half carries the zone (``09:00``-``17:00 CST``);
  ``"short"``: weekday and time, for rule messages inside one week (``Tue 22:00``);
  ``"month"``: a month in words and its year, for billing periods (``November 2026``).

Anything else is given back unchanged; ``None`` is "".
"""

from __future__ import annotations

from datetime import date, datetime, time, tzinfo

from django.utils import dateformat, timezone

DATE_FORMAT = "j F Y"  # 2 December 2026 (a month in words: never read the wrong way round)
TIME_FORMAT = "H:i"  # 14:05
ZONE_FORMAT = "T"  # CET, EST, UTC
DATE_TIME_FORMAT = f"{DATE_FORMAT}, {TIME_FORMAT} {ZONE_FORMAT}"  # 2 December 2026, 14:05 CET
WEEKDAY_FORMAT = "l"  # Wednesday
DAY_FORMAT = "D j M"  # Wed 2 Dec (the compact form, in tables of one week)
MONTH_FORMAT = "F Y"  # November 2026 (a billing period)
STYLES = ("", "date", "time", "weekday", "day", "clock", "short", "month")


def format_when(value, style: str = "", *, zone: tzinfo | None = None):
    """``value`` in the portal's one format (see the module); ``zone`` defaults to the active
    time zone."""
    if style not in STYLES:
        raise ValueError(f"Unknown date style {style!r}: one of {STYLES}.")
    if value is None or value == "":
        return ""
    weekday = f"{WEEKDAY_FORMAT} " if style == "weekday" else ""
    if style == "month" and isinstance(value, date):
        if isinstance(value, datetime) and timezone.is_aware(value):
            value = timezone.localtime(value, zone)
        return dateformat.format(value, MONTH_FORMAT)
    if isinstance(value, datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value, zone)
        if style == "day":
            return dateformat.format(value, f"{DAY_FORMAT}, {TIME_FORMAT}")
        if style == "date":
            return dateformat.format(value, DATE_FORMAT)
        if style == "time":
            return dateformat.format(value, f"{TIME_FORMAT} {ZONE_FORMAT}")
        if style == "clock":
            return dateformat.format(value, TIME_FORMAT)
        if style == "short":
            return dateformat.format(value, f"D {TIME_FORMAT}")
        return dateformat.format(value, weekday + DATE_TIME_FORMAT)
    if isinstance(value, date):
        if style == "day":
            return dateformat.format(value, DAY_FORMAT)
        return dateformat.format(value, weekday + DATE_FORMAT)
    if isinstance(value, time):
        return dateformat.time_format(value, TIME_FORMAT)
    return value
