"""The statistics import: vendor samples, idempotent re-import, bad input, DST weeks."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, time, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command

from scheduling.planning.models import IntervalStatistic, PlanningSettings, StatisticsImport
from scheduling.planning.services import statistics_import as services
from tests.catalog.factories import ServiceLineFactory
from tests.scheduling.statistics_helpers import SAMPLES, csv_bytes, neutral_row, upload

pytestmark = pytest.mark.django_db


def _check(data: bytes, *, line=None, format="neutral", zone="UTC", mapping=None, unit=None):
    return services.start_statistics_import(
        actor=None,
        file=upload(data),
        file_name="export.csv",
        format=format,
        time_zone=zone,
        service_line=line,
        queue_mapping=mapping,
        duration_unit=unit,
        in_background=False,
    )


def _import(data: bytes, **kwargs) -> StatisticsImport:
    record = _check(data, **kwargs)
    assert record.can_be_committed, record.errors
    return services.commit_statistics_import(
        statistics_import=record, actor=None, in_background=False
    )


def _messages(record) -> list[tuple[int, str, str]]:
    return [(e["row"], e["column"], e["message"]) for e in record.errors]


# --- vendor samples through the command ----------------------------------------------------------


def test_the_neutral_sample_through_the_command(in_client_a):
    # given the two lines the sample names
    orders = ServiceLineFactory(name="Order support")
    returns = ServiceLineFactory(name="Returns by e-mail", channel="email")
    out = StringIO()

    # when
    call_command(
        "import_statistics", str(SAMPLES / "neutral-intervals.csv"), client="acme-a", stdout=out
    )

    # then every row is stored once, on its line, in UTC
    assert "Stored 96 intervals (96 new, 0 replaced)" in out.getvalue()
    assert IntervalStatistic.objects.filter(service_line=orders).count() == 48
    first = IntervalStatistic.objects.filter(service_line=orders).earliest("starts_at")
    assert first.starts_at == datetime(2026, 11, 16, 13, 0, tzinfo=UTC)  # 08:00 EST
    email = IntervalStatistic.objects.filter(service_line=returns)
    assert email.count() == 48
    assert sum(row.first_responses for row in email) > 0


def test_the_genesys_sample_through_the_command_with_a_queue_mapping(in_client_a):
    # given
    english = ServiceLineFactory(name="Order support")
    spanish = ServiceLineFactory(name="Order support ES")
    out = StringIO()

    # when
    call_command(
        "import_statistics",
        str(SAMPLES / "genesys-cloud-queue-performance-intervals.csv"),
        client="acme-a",
        format="genesys-cloud",
        queue=["SR Orders EN = Order support", "SR Orders ES = Order support ES"],
        stdout=out,
    )

    # then: 272 intervals a queue, durations read as milliseconds, SL% turned into a count
    assert "Stored 544 intervals" in out.getvalue()
    assert "'Service Level %' -> answered_within_threshold" in out.getvalue()
    first = IntervalStatistic.objects.get(
        service_line=english, starts_at=datetime(2026, 11, 16, 13, 0, tzinfo=UTC)
    )
    # the first row: Offer 10, Answer 9, Abandon 1, SL 70 % of (9 + 1 - 0), ASA 8667 ms
    assert (first.offered, first.answered, first.abandoned) == (10, 9, 1)
    assert first.answered_within_threshold == 7
    assert first.answered_wait_seconds == 78  # 8.667 s x 9 answered
    assert first.talk_seconds == 2995  # Total Talk 2,995,000 ms
    assert IntervalStatistic.objects.filter(service_line=spanish).count() == 272


def test_the_amazon_connect_sample_through_the_command(in_client_a):
    # given a line in New York time (the sample's local times have no offset)
    line = ServiceLineFactory(name="Order support")
    out = StringIO()

    # when
    call_command(
        "import_statistics",
        str(SAMPLES / "amazon-connect-historical-metrics-queues.csv"),
        client="acme-a",
        service_line="Order support",
        format="amazon-connect",
        time_zone="America/New_York",
        stdout=out,
    )

    # then
    assert "Stored 272 intervals" in out.getvalue()
    first = IntervalStatistic.objects.get(
        service_line=line, starts_at=datetime(2026, 11, 16, 13, 0, tzinfo=UTC)
    )
    # Contacts queued 9, handled 6, abandoned 3; 00:00:08 x 6; 66.67 % of 9 queued
    assert (first.offered, first.answered, first.abandoned) == (9, 6, 3)
    assert first.answered_wait_seconds == 48
    assert first.talk_seconds == 313 * 6
    assert first.answered_within_threshold == 6


def test_the_command_prints_every_problem_and_stores_nothing(in_client_a, tmp_path):
    # given
    ServiceLineFactory(name="Order support")
    path = tmp_path / "bad.csv"
    path.write_bytes(
        csv_bytes(
            [
                neutral_row("Order support", "2026-11-16T13:00:00Z"),
                neutral_row("Order support", "2026-11-16T13:15:00Z", answered=12),
            ]
        )
    )
    out = StringIO()

    # when / then
    with pytest.raises(CommandError, match="Nothing was stored"):
        call_command("import_statistics", str(path), client="acme-a", stdout=out)
    assert "row 2, column answered: answered (12) is more than offered (10)" in out.getvalue()
    assert not IntervalStatistic.objects.exists()


# --- idempotent re-import ---------------------------------------------------------------------------


def test_reimporting_the_same_intervals_replaces_them(in_client_a):
    # given an import of two intervals
    line = ServiceLineFactory(name="Order support")
    rows = [neutral_row("Order support", f"2026-11-16T13:{m:02d}:00Z") for m in (0, 15)]
    first = _import(csv_bytes(rows))
    assert (first.inserted_count, first.replaced_count) == (2, 0)

    # when the same file comes again, then with one interval changed
    again = _import(csv_bytes(rows))
    rows[1] = neutral_row("Order support", "2026-11-16T13:15:00Z", offered=20, answered=19)
    changed = _import(csv_bytes(rows))

    # then the intervals are stored once, with the latest figures
    assert (again.inserted_count, again.replaced_count) == (0, 2)
    assert (changed.inserted_count, changed.replaced_count) == (0, 2)
    stored = IntervalStatistic.objects.filter(service_line=line).order_by("starts_at")
    assert [row.offered for row in stored] == [10, 20]
    assert changed.replaced_from == datetime(2026, 11, 16, 13, 0, tzinfo=UTC)
    assert changed.replaced_until == datetime(2026, 11, 16, 13, 30, tzinfo=UTC)


def test_a_preview_stores_nothing_and_a_commit_twice_is_refused(in_client_a):
    ServiceLineFactory(name="Order support")
    record = _check(csv_bytes([neutral_row("Order support", "2026-11-16T13:00:00Z")]))
    assert record.status == "preview"
    assert record.preview_rows[0]["offered"] == 10
    assert not IntervalStatistic.objects.exists()
    record = services.commit_statistics_import(
        statistics_import=record, actor=None, in_background=False
    )
    from bpo.errors import ConflictError

    with pytest.raises(ConflictError):
        services.commit_statistics_import(statistics_import=record, actor=None)
    assert IntervalStatistic.objects.count() == 1


# --- bad input ----------------------------------------------------------------------------------------


def test_a_spreadsheet_renamed_csv_is_refused_in_words(in_client_a):
    record = _check(b"PK\x03\x04\x14\x00\x06\x00" + b"\x00" * 200)
    assert record.status == "failed"
    assert "Excel workbook (XLSX)" in record.errors[0]["message"]


def test_a_file_that_is_not_utf8_is_refused_in_words(in_client_a):
    ServiceLineFactory(name="Café Reservas")
    data = csv_bytes([neutral_row("Café Reservas", "2026-11-16T13:00:00Z")]).decode()
    record = _check(data.encode("latin-1"))
    assert record.status == "failed"
    assert "not UTF-8" in record.errors[0]["message"]
    assert "line 2" in record.errors[0]["message"]


def test_a_file_in_another_format_names_the_right_one(in_client_a):
    data = (SAMPLES / "genesys-cloud-queue-performance-intervals.csv").read_bytes()
    record = _check(data, format="neutral")
    assert record.status == "failed"
    message = record.errors[0]["message"]
    assert "'offered' missing" in message
    assert "Genesys Cloud" in message


def test_every_row_error_names_row_column_and_reason_and_nothing_is_stored(in_client_a):
    # given one good row among bad ones
    ServiceLineFactory(name="Order support")
    rows = [
        neutral_row("Order support", "2026-11-16T13:00:00Z"),  # 1: good
        neutral_row("Order support", "2026-11-16T13:15:00Z", offered=-4),  # 2
        neutral_row("Order support", "2026-11-16T13:30:00Z", answered=11),  # 3
        neutral_row("Order support", "2026-11-16T13:37:00Z"),  # 4: off the grid
        neutral_row("Order support", "2026-11-16T14:00:00Z", minutes=30),  # 5: 30 minutes
        neutral_row("Order support", "2026-11-16T13:00:00Z"),  # 6: repeats row 1
        neutral_row("Order support", "2026-11-16T14:15:00Z", talk_seconds="12.5"),  # 7
        neutral_row("Nowhere", "2026-11-16T14:30:00Z"),  # 8: unknown line
        neutral_row("Order support", "yesterday"),  # 9
    ]
    header = ["service_line", "interval_start", "interval_minutes"]
    from scheduling.planning.importing.presets import FIELDS

    data = csv_bytes([[*row, "x"] for row in rows], header=[*header, *FIELDS, "Agent Name"])

    # when
    record = _check(data)
    committed = None
    if record.can_be_committed:
        committed = services.commit_statistics_import(statistics_import=record, actor=None)

    # then every problem is reported at once, and nothing is stored
    found = _messages(record)
    assert committed is None
    assert not IntervalStatistic.objects.exists()
    assert record.unknown_columns == ["Agent Name"]
    assert (2, "offered", "is negative (-4); counts and seconds are never below zero.") in found
    assert (3, "answered", "answered (11) is more than offered (10).") in found
    assert any(r == 4 and "not on the 15-minute grid" in m for r, _, m in found)
    assert any(r == 5 and "30-minute interval" in m for r, c, m in found)
    assert (
        6,
        "interval_start",
        "repeats the interval of row 1 (same service line and start); a file holds each "
        "interval once.",
    ) in found
    assert (7, "talk_seconds", "'12.5' is not a whole number.") in found
    assert any(r == 8 and c == "service_line" and "'Nowhere'" in m for r, c, m in found)
    assert any(r == 9 and "is not a date and time" in m for r, _, m in found)
    assert record.error_count == len(found) == 8


def test_the_interval_grid_follows_the_planning_settings(in_client_a):
    # given a client that plans in 30-minute intervals
    settings = PlanningSettings.current()
    settings.interval_minutes = 30
    settings.save()
    ServiceLineFactory(name="Order support")
    rows = [
        neutral_row("Order support", "2026-11-16T13:00:00Z", minutes=30),
        neutral_row("Order support", "2026-11-16T13:15:00Z", minutes=30),
    ]

    # when
    record = _check(csv_bytes(rows))

    # then 13:15 is off a 30-minute grid
    assert _messages(record) == [
        (
            2,
            "interval_start",
            "2026-11-16 13:15 UTC is not on the 30-minute grid (intervals start at :00, :30).",
        )
    ]


def test_a_file_with_several_queues_cannot_all_go_to_one_line(in_client_a):
    line = ServiceLineFactory(name="Order support")
    data = (SAMPLES / "genesys-cloud-queue-performance-intervals.csv").read_bytes()
    record = _check(data, format="genesys-cloud", line=line)
    assert record.error_count == 272
    assert "holds queue 'SR Orders ES'" in record.errors[0]["message"]


# --- DST ---------------------------------------------------------------------------------------------------


def _local_week_rows(line: str, zone: ZoneInfo, monday: date) -> list[list]:
    """A 24/7 week of 15-minute intervals as an export in local time writes it: the repeated
    hour of the autumn change appears twice, in order."""
    rows = []
    moment = datetime.combine(monday, time(0), tzinfo=zone).astimezone(UTC)
    end = datetime.combine(monday + timedelta(days=7), time(0), tzinfo=zone).astimezone(UTC)
    while moment < end:
        local = moment.astimezone(zone).replace(tzinfo=None)
        rows.append(neutral_row(line, local.isoformat(timespec="minutes")))
        moment += timedelta(minutes=15)
    return rows


@pytest.mark.parametrize(
    ("zone_name", "monday", "change_day"),
    [
        ("America/New_York", date(2026, 10, 26), date(2026, 11, 1)),
        ("Europe/Berlin", date(2026, 10, 19), date(2026, 10, 25)),
    ],
)
def test_a_week_across_the_autumn_change_in_local_time(in_client_a, zone_name, monday, change_day):
    # given a week whose Sunday has 25 hours, written in local time without offsets
    zone = ZoneInfo(zone_name)
    line = ServiceLineFactory(name="Night line", is_open_24_7=True)
    rows = _local_week_rows("Night line", zone, monday)
    assert len(rows) == 7 * 96 + 4

    # when
    record = _import(csv_bytes(rows), zone=zone_name)

    # then every interval is stored once, the repeated local hour as two UTC hours
    assert record.inserted_count == 7 * 96 + 4
    stored = list(
        IntervalStatistic.objects.filter(service_line=line).values_list("starts_at", flat=True)
    )
    assert len(set(stored)) == len(stored) == 7 * 96 + 4
    steps = {b - a for a, b in itertools.pairwise(stored)}
    assert steps == {timedelta(minutes=15)}
    change = datetime.combine(change_day, time(0), tzinfo=zone)
    sunday = [s for s in stored if s.astimezone(zone).date() == change.date()]
    assert len(sunday) == 100


@pytest.mark.parametrize(
    ("zone_name", "skipped"),
    [("America/New_York", "2026-03-08T02:15"), ("Europe/Berlin", "2026-03-29T02:30")],
)
def test_a_local_time_the_spring_change_skips_is_an_error(in_client_a, zone_name, skipped):
    ServiceLineFactory(name="Night line", is_open_24_7=True)
    record = _check(csv_bytes([neutral_row("Night line", skipped)]), zone=zone_name)
    assert record.error_count == 1
    assert f"does not exist in {zone_name}" in record.errors[0]["message"]
    assert record.errors[0]["row"] == 1


def test_times_with_an_offset_ignore_the_chosen_zone(in_client_a):
    line = ServiceLineFactory(name="Order support")
    _import(
        csv_bytes([neutral_row("Order support", "2026-11-01T01:30:00-05:00")]),
        zone="Europe/Berlin",
    )
    assert IntervalStatistic.objects.get(service_line=line).starts_at == datetime(
        2026, 11, 1, 6, 30, tzinfo=UTC
    )
