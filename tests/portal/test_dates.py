"""One date format everywhere, in the client's zone: ``bpo.dates`` / ``|when``, the pages that
show it, and a check that no template formats a date any other way."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from bpo.audit.models import LogEntry
from bpo.catalog.models import ScriptVersion
from bpo.dates import format_when
from bpo.portal.todos import Todo
from tenants.models import Client
from tests.catalog.script_helpers import make_script, make_version

NEW_YORK = ZoneInfo("America/New_York")
# 19:05 UTC on 2 December 2026 is 14:05 in New York (EST, UTC-5).
MOMENT = datetime(2026, 12, 2, 19, 5, tzinfo=UTC)


# --- the format ---------------------------------------------------------------------------------


def test_the_one_format_in_a_zone():
    assert format_when(MOMENT, zone=NEW_YORK) == "2 December 2026, 14:05 EST"
    assert format_when(MOMENT, zone=ZoneInfo("UTC")) == "2 December 2026, 19:05 UTC"
    assert format_when(MOMENT, "date", zone=NEW_YORK) == "2 December 2026"
    assert format_when(MOMENT, "time", zone=NEW_YORK) == "14:05 EST"
    assert format_when(MOMENT, "weekday", zone=NEW_YORK) == "Wednesday 2 December 2026, 14:05 EST"
    # a date-time late in the evening in New York is the next day in UTC: the date follows the zone
    late = datetime(2026, 12, 3, 3, 30, tzinfo=UTC)
    assert format_when(late, "date", zone=NEW_YORK) == "2 December 2026"
    # summer time has its own abbreviation
    assert format_when(datetime(2026, 7, 4, 16, 0, tzinfo=UTC), zone=NEW_YORK) == (
        "4 July 2026, 12:00 EDT"
    )


def test_dates_times_and_other_values():
    assert format_when(date(2026, 12, 24)) == "24 December 2026"
    assert format_when(date(2026, 12, 24), "weekday") == "Thursday 24 December 2026"
    assert format_when(time(9, 0)) == "09:00"
    assert format_when(None) == ""
    assert format_when("In review") == "In review"
    assert format_when(3) == 3
    with pytest.raises(ValueError):
        format_when(MOMENT, "long")


def test_the_active_zone_is_used_unless_one_is_given():
    with timezone.override(NEW_YORK):
        assert format_when(MOMENT) == "2 December 2026, 14:05 EST"
    with timezone.override(ZoneInfo("UTC")):
        assert format_when(MOMENT) == "2 December 2026, 19:05 UTC"


# --- pages -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_client_page_shows_its_times_in_the_clients_zone(client, client_a, client_a_admin):
    # given a client in New York and a version written at a known instant
    Client.objects.filter(pk=client_a.pk).update(time_zone="America/New_York")
    connection.set_tenant(client_a)
    script = make_script()
    version = make_version(script=script)
    ScriptVersion.objects.filter(pk=version.pk).update(created_at=MOMENT)
    LogEntry.objects.update(timestamp=MOMENT)
    connection.set_schema_to_public()
    client.force_login(client_a_admin)
    # when its page is read
    url = reverse("client:script_version", args=[client_a.slug, script.service_line_id, version.pk])
    html = client.get(url).content.decode()
    # then the facts and the history show the one format, at New York's time
    assert '<time datetime="2026-12-02T14:05:00-05:00">2 December 2026, 14:05 EST</time>' in html
    assert (
        '<time class="muted" datetime="2026-12-02T14:05:00-05:00">2 December 2026, 14:05 EST</time>'
        in html
    )
    assert "19:05" not in html and "2026-12-02 19" not in html


@pytest.mark.django_db
def test_the_same_instant_on_a_provider_page_is_in_utc(client, provider_admin):
    # given a staff member who joined at a known instant
    type(provider_admin).objects.filter(pk=provider_admin.pk).update(
        date_joined=MOMENT, last_login=MOMENT
    )
    client.force_login(provider_admin)
    type(provider_admin).objects.filter(pk=provider_admin.pk).update(last_login=MOMENT)
    # when the provider's staff page is read
    html = client.get(reverse("accounts:staff_detail", args=[provider_admin.pk])).content.decode()
    # then it shows UTC, in the same format
    assert "<dt>Joined</dt><dd>2 December 2026</dd>" in html
    assert "<dt>Last login</dt><dd>2 December 2026, 19:05 UTC</dd>" in html


@pytest.mark.django_db
def test_a_todo_shows_its_clients_time(client_a):
    Client.objects.filter(pk=client_a.pk).update(time_zone="America/New_York")
    client_a.refresh_from_db()
    todo = Todo(title="Approve", url="/", client=client_a, when=MOMENT, kind="script_review")
    provider_wide = Todo(title="Retry", url="/", client=None, when=MOMENT, kind="onboarding")
    assert todo.when_display == "2 December 2026, 14:05 EST"
    assert provider_wide.when_display == "2 December 2026, 19:05 UTC"


# --- no other format ----------------------------------------------------------------------------

TEMPLATES = settings.BASE_DIR / "templates"
# Ways of showing a date or a time other than |when.
OTHER_FORMATS = re.compile(
    r"\|\s*(date|time|timesince|timeuntil|naturaltime|naturalday)\b|\{%\s*now\b"
)
# A variable printed as it is ({{ version.created_at }}) would show Python's own format.
OUTPUT = re.compile(r"\{\{\s*([\w.]+)\s*((?:\|[^}]*)?)\}\}")
DATE_LIKE = re.compile(r"(^|_)(at|date|joined|login|timestamp|deadline|when)$")


def _templates():
    return sorted(path for path in TEMPLATES.rglob("*") if path.suffix in {".html", ".txt", ".xml"})


def test_no_template_formats_a_date_another_way():
    offenders = []
    for path in _templates():
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            if OTHER_FORMATS.search(line):
                offenders.append(f"{path.relative_to(TEMPLATES)}:{number}: {line.strip()}")
            for match in OUTPUT.finditer(line):
                name = match.group(1).split(".")[-1]
                filters = match.group(2)
                if DATE_LIKE.search(name) and not filters.startswith(("|when", "|when_iso")):
                    offenders.append(f"{path.relative_to(TEMPLATES)}:{number}: {match.group(0)}")
    assert offenders == [], "show dates with |when (bpo/portal/templatetags/when.py):\n" + (
        "\n".join(offenders)
    )


def test_the_check_finds_other_formats():
    # the patterns above catch what they are meant to (so the check can fail)
    for line in [
        '{{ x.created_at|date:"Y-m-d" }}',
        "{{ span.opens_at|time:'H:i' }}",
        "{{ run.created_at|timesince }}",
        '{% now "H:i" %}',
    ]:
        assert OTHER_FORMATS.search(line), line
    name, filters = OUTPUT.search("{{ version.created_at }}").groups()
    assert DATE_LIKE.search(name.split(".")[-1]) and not filters
    assert not DATE_LIKE.search("time_zone") and not DATE_LIKE.search("weekday")


def test_python_code_formats_dates_only_through_bpo_dates():
    offenders = []
    for package in ("bpo", "tenants", "billing", "scheduling"):
        for path in sorted((settings.BASE_DIR / package).rglob("*.py")):
            if path == settings.BASE_DIR / "bpo" / "dates.py":
                continue
            text = path.read_text()
            if "dateformat" in text or "DATE_FORMAT" in text:
                offenders.append(str(path.relative_to(settings.BASE_DIR)))
    assert offenders == []


def test_the_compact_day_form_for_tables_of_one_week():
    from datetime import UTC, date, datetime
    from zoneinfo import ZoneInfo

    from bpo.dates import format_when

    # a date and an instant, in the compact form of one week's tables
    assert format_when(date(2026, 12, 2), "day") == "Wed 2 Dec"
    instant = datetime(2026, 12, 2, 19, 5, tzinfo=UTC)
    assert format_when(instant, "day", zone=ZoneInfo("America/New_York")) == "Wed 2 Dec, 14:05"


def test_the_clock_and_short_forms_of_a_moment():
    # a range's first half, whose second half carries the zone; a rule message inside a week
    from bpo.dates import format_when

    zone = ZoneInfo("America/New_York")
    assert format_when(MOMENT, "clock", zone=zone) == "14:05"
    assert format_when(MOMENT, "short", zone=zone) == "Wed 14:05"
    assert format_when(MOMENT, "short", zone=ZoneInfo("Asia/Tokyo")) == "Thu 04:05"


def test_the_month_form_of_a_billing_period():
    # a date's month; a moment's month on the zone's clock (1 Dec 01:00 UTC is 30 Nov in NY)
    from bpo.dates import format_when

    assert format_when(date(2026, 11, 17), "month") == "November 2026"
    instant = datetime(2026, 12, 1, 1, 0, tzinfo=UTC)
    assert format_when(instant, "month", zone=ZoneInfo("America/New_York")) == "November 2026"
    assert format_when(instant, "month", zone=ZoneInfo("Europe/Berlin")) == "December 2026"
