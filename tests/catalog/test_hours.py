"""Hours of operation (``bpo.catalog.hours``): pure logic, no database.

Daylight-saving changes used below (2026):
- America/New_York: spring forward Sun 8 Mar 02:00 -> 03:00; fall back Sun 1 Nov 02:00 -> 01:00.
- Europe/Berlin: spring forward Sun 29 Mar 02:00 -> 03:00; fall back Sun 25 Oct 03:00 -> 02:00.
"""

from __future__ import annotations

import itertools
import time as time_module
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bpo.catalog.hours import (
    DayHours,
    Span,
    WeeklyHours,
    first_overlap,
    is_open,
    is_supported_country,
    local_spans,
    open_intervals,
    public_holidays,
    to_utc,
)

NEW_YORK = "America/New_York"
BERLIN = "Europe/Berlin"
MONDAY, TUESDAY, THURSDAY, FRIDAY, SATURDAY, SUNDAY = 0, 1, 3, 4, 5, 6
MIDNIGHT = time(0, 0)


def at(zone: str, *args: int, fold: int = 0) -> datetime:
    return datetime(*args, tzinfo=ZoneInfo(zone), fold=fold)


def week(zone: str, *spans: Span, **options) -> WeeklyHours:
    options.setdefault("closed_on_public_holidays", False)
    return WeeklyHours(time_zone=zone, spans=spans, **options)


def duration(interval: tuple[datetime, datetime]) -> timedelta:
    return interval[1] - interval[0]


def local(instant: datetime, zone: str) -> str:
    return instant.astimezone(ZoneInfo(zone)).strftime("%Y-%m-%d %H:%M %Z")


# --- daylight-saving changes -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("zone", "day", "hours"),
    [
        (NEW_YORK, date(2026, 3, 8), 23),  # spring forward
        (NEW_YORK, date(2026, 11, 1), 25),  # fall back
        (NEW_YORK, date(2026, 3, 15), 24),  # an ordinary Sunday
        (BERLIN, date(2026, 3, 29), 23),
        (BERLIN, date(2026, 10, 25), 25),
        (BERLIN, date(2026, 10, 18), 24),
    ],
)
def test_a_00_00_to_00_00_day_lasts_as_long_as_the_local_day(zone, day, hours):
    # given a line open all of Sunday, wall clock 00:00-00:00
    line = week(zone, Span(SUNDAY, MIDNIGHT, MIDNIGHT))
    # when asked over the days around it
    start = datetime.combine(day - timedelta(days=1), MIDNIGHT, tzinfo=ZoneInfo(zone))
    intervals = open_intervals(line, start, start + timedelta(days=3))
    # then it is open from local midnight to local midnight: 23 or 25 hours on change days
    assert len(intervals) == 1
    assert duration(intervals[0]) == timedelta(hours=hours)
    assert intervals[0][0].astimezone(ZoneInfo(zone)).time() == MIDNIGHT
    assert intervals[0][0].astimezone(ZoneInfo(zone)).date() == day
    assert intervals[0][1].astimezone(ZoneInfo(zone)).time() == MIDNIGHT
    assert intervals[0][1].astimezone(ZoneInfo(zone)).date() == day + timedelta(days=1)


@pytest.mark.parametrize(
    ("zone", "saturday", "hours", "closes"),
    [
        (NEW_YORK, date(2026, 3, 7), 7, "2026-03-08 06:00 EDT"),
        (NEW_YORK, date(2026, 10, 31), 9, "2026-11-01 06:00 EST"),
        (BERLIN, date(2026, 3, 28), 7, "2026-03-29 06:00 CEST"),
        (BERLIN, date(2026, 10, 24), 9, "2026-10-25 06:00 CET"),
        (BERLIN, date(2026, 10, 17), 8, "2026-10-18 06:00 CEST"),
    ],
)
def test_a_22_00_to_06_00_span_keeps_its_wall_times_across_a_change_night(
    zone, saturday, hours, closes
):
    # given a Saturday night span
    line = week(zone, Span(SATURDAY, time(22, 0), time(6, 0)))
    # when
    start = datetime.combine(saturday, time(12, 0), tzinfo=ZoneInfo(zone))
    intervals = open_intervals(line, start, start + timedelta(days=1))
    # then it opens at 22:00 and closes at 06:00 local: 7 h in spring, 9 h in autumn
    assert len(intervals) == 1
    assert local(intervals[0][0], zone).startswith(f"{saturday:%Y-%m-%d} 22:00")
    assert local(intervals[0][1], zone) == closes
    assert duration(intervals[0]) == timedelta(hours=hours)


def test_a_skipped_opening_time_opens_when_the_clock_jumps():
    # given a line that opens at 02:30 on Sundays: 8 Mar 2026 has no 02:30 in New York
    line = week(NEW_YORK, Span(SUNDAY, time(2, 30), time(10, 0)))
    # when
    intervals = open_intervals(line, at(NEW_YORK, 2026, 3, 8), at(NEW_YORK, 2026, 3, 9))
    # then it opens at 03:00 EDT (the jump), not at 03:30
    assert [(local(a, NEW_YORK), local(b, NEW_YORK)) for a, b in intervals] == [
        ("2026-03-08 03:00 EDT", "2026-03-08 10:00 EDT")
    ]


def test_a_skipped_closing_time_closes_when_the_clock_jumps():
    # given a line open 01:00-02:30 on Sundays
    line = week(NEW_YORK, Span(SUNDAY, time(1, 0), time(2, 30)))
    jump = datetime(2026, 3, 8, 7, 0, tzinfo=UTC)  # 02:00 EST = 03:00 EDT
    # then it is open up to the jump and closed from it (03:15 EDT is after 02:30)
    assert is_open(line, jump - timedelta(seconds=1))
    assert not is_open(line, jump)
    assert not is_open(line, at(NEW_YORK, 2026, 3, 8, 3, 15))
    assert duration(open_intervals(line, jump - timedelta(hours=3), jump)[0]) == timedelta(hours=1)


def test_a_span_inside_the_skipped_hour_does_not_open_that_day():
    # given 02:10-02:50 on Sundays
    line = week(NEW_YORK, Span(SUNDAY, time(2, 10), time(2, 50)))
    # then the spring-forward Sunday has nothing, the next Sunday has 40 minutes
    assert open_intervals(line, at(NEW_YORK, 2026, 3, 8), at(NEW_YORK, 2026, 3, 9)) == []
    next_sunday = open_intervals(line, at(NEW_YORK, 2026, 3, 15), at(NEW_YORK, 2026, 3, 16))
    assert [duration(i) for i in next_sunday] == [timedelta(minutes=40)]


def test_a_repeated_wall_time_means_its_first_occurrence():
    # given a line that opens at 01:30 on Sundays: 1 Nov 2026 shows 01:30 twice in New York
    line = week(NEW_YORK, Span(SUNDAY, time(1, 30), time(9, 0)))
    # when
    intervals = open_intervals(line, at(NEW_YORK, 2026, 11, 1), at(NEW_YORK, 2026, 11, 2))
    # then it opens at the first 01:30 (EDT) and is open through the repeated hour
    assert intervals[0][0] == datetime(2026, 11, 1, 5, 30, tzinfo=UTC)
    assert duration(intervals[0]) == timedelta(hours=8, minutes=30)
    assert is_open(line, at(NEW_YORK, 2026, 11, 1, 1, 15, fold=1))  # second 01:15, EST


def test_to_utc_of_skipped_and_repeated_wall_times():
    berlin = ZoneInfo(BERLIN)
    assert to_utc(date(2026, 3, 29), time(2, 30), berlin) == datetime(2026, 3, 29, 1, 0, tzinfo=UTC)
    assert to_utc(date(2026, 10, 25), time(2, 30), berlin) == datetime(
        2026, 10, 25, 0, 30, tzinfo=UTC
    )
    assert to_utc(date(2026, 7, 1), time(9, 0), berlin) == datetime(2026, 7, 1, 7, 0, tzinfo=UTC)
    # a zone whose clocks jump at midnight: 00:00 does not exist that day
    santiago = ZoneInfo("America/Santiago")
    assert to_utc(date(2026, 9, 6), MIDNIGHT, santiago).astimezone(santiago).time() == time(1, 0)


# --- midnight and the week's end -----------------------------------------------------------------


def test_an_overnight_span_belongs_to_the_day_it_opens():
    # given Friday 20:00-04:00 only
    line = week(NEW_YORK, Span(FRIDAY, time(20, 0), time(4, 0)))
    # then Saturday 03:00 is open (Friday's span), Saturday 21:00 is not
    assert is_open(line, at(NEW_YORK, 2026, 7, 11, 3, 0))
    assert not is_open(line, at(NEW_YORK, 2026, 7, 11, 4, 0))
    assert not is_open(line, at(NEW_YORK, 2026, 7, 11, 21, 0))
    assert not is_open(line, at(NEW_YORK, 2026, 7, 10, 19, 59))
    assert is_open(line, at(NEW_YORK, 2026, 7, 10, 20, 0))


def test_sunday_night_runs_into_monday():
    # given Sunday 22:00-02:00
    line = week(BERLIN, Span(SUNDAY, time(22, 0), time(2, 0)))
    # then Monday 01:59 is open and Monday 02:00 is closed
    assert is_open(line, at(BERLIN, 2026, 6, 8, 1, 59))
    assert not is_open(line, at(BERLIN, 2026, 6, 8, 2, 0))
    assert not is_open(line, at(BERLIN, 2026, 6, 7, 21, 59))


def test_spans_meeting_at_midnight_merge_into_one_interval():
    # given Sunday 18:00-00:00 and Monday 00:00-06:00
    line = week(BERLIN, Span(SUNDAY, time(18, 0), MIDNIGHT), Span(MONDAY, MIDNIGHT, time(6, 0)))
    # when
    intervals = open_intervals(line, at(BERLIN, 2026, 6, 7), at(BERLIN, 2026, 6, 9))
    # then
    assert [(local(a, BERLIN), local(b, BERLIN)) for a, b in intervals] == [
        ("2026-06-07 18:00 CEST", "2026-06-08 06:00 CEST")
    ]


def test_intervals_are_clipped_to_the_range_and_merged():
    # given Monday 09:00-12:00 and 12:00-17:00 (touching)
    line = week(NEW_YORK, Span(MONDAY, time(9, 0), time(12, 0)), Span(MONDAY, time(12), time(17)))
    # when asked from 10:30 to 16:00
    intervals = open_intervals(line, at(NEW_YORK, 2026, 7, 6, 10, 30), at(NEW_YORK, 2026, 7, 6, 16))
    # then one interval, clipped at both ends
    assert intervals == [(at(NEW_YORK, 2026, 7, 6, 10, 30), at(NEW_YORK, 2026, 7, 6, 16))]
    assert all(a.tzinfo is UTC and b.tzinfo is UTC for a, b in intervals)


def test_an_empty_or_reversed_range_has_no_interval_and_naive_instants_are_refused():
    line = week(NEW_YORK, is_open_24_7=True)
    instant = at(NEW_YORK, 2026, 7, 6, 10)
    assert open_intervals(line, instant, instant) == []
    assert open_intervals(line, instant, instant - timedelta(hours=1)) == []
    with pytest.raises(ValueError, match="aware"):
        is_open(line, datetime(2026, 7, 6, 10))  # noqa: DTZ001 - the point of the test


def test_a_24_7_line_is_one_interval_across_a_change():
    # given 24/7 without holidays
    line = week(NEW_YORK, is_open_24_7=True)
    start, end = at(NEW_YORK, 2026, 3, 6), at(NEW_YORK, 2026, 3, 10)
    # then the whole range, in one piece, 4 days less the skipped hour
    assert open_intervals(line, start, end) == [(start.astimezone(UTC), end.astimezone(UTC))]
    assert end.astimezone(UTC) - start.astimezone(UTC) == timedelta(days=4, hours=-1)
    assert is_open(line, at(NEW_YORK, 2026, 3, 8, 3, 0))


# --- public holidays and overrides ------------------------------------------------------------------


def test_independence_day_closes_the_line_and_an_override_opens_it():
    # given a US line open Saturdays 09:00-17:00 that closes on public holidays; 4 Jul 2026 is
    # a Saturday
    line = week(NEW_YORK, Span(SATURDAY, time(9), time(17)), country="US")
    closing = WeeklyHours(**{**line.__dict__, "closed_on_public_holidays": True})
    # then without the rule it is open, with it closed
    assert is_open(line, at(NEW_YORK, 2026, 7, 4, 12))
    assert not is_open(closing, at(NEW_YORK, 2026, 7, 4, 12))
    assert open_intervals(closing, at(NEW_YORK, 2026, 7, 4), at(NEW_YORK, 2026, 7, 5)) == []
    # and an override for the date wins over the holiday
    overridden = WeeklyHours(
        **{
            **closing.__dict__,
            "overrides": {date(2026, 7, 4): DayHours(False, time(10), time(14))},
        }
    )
    assert open_intervals(overridden, at(NEW_YORK, 2026, 7, 4), at(NEW_YORK, 2026, 7, 5)) == [
        (at(NEW_YORK, 2026, 7, 4, 10).astimezone(UTC), at(NEW_YORK, 2026, 7, 4, 14).astimezone(UTC))
    ]
    # the next Saturday is a normal one
    assert is_open(closing, at(NEW_YORK, 2026, 7, 11, 12))


def test_a_24_7_line_closes_for_the_whole_local_holiday():
    # given 24/7 in the US closing on holidays; Labor Day is Monday 7 Sep 2026
    line = WeeklyHours(time_zone=NEW_YORK, is_open_24_7=True, country="US")
    # when
    intervals = open_intervals(line, at(NEW_YORK, 2026, 9, 6), at(NEW_YORK, 2026, 9, 9))
    # then the gap is exactly Monday, local midnight to midnight
    assert [(local(a, NEW_YORK), local(b, NEW_YORK)) for a, b in intervals] == [
        ("2026-09-06 00:00 EDT", "2026-09-07 00:00 EDT"),
        ("2026-09-08 00:00 EDT", "2026-09-09 00:00 EDT"),
    ]


def test_a_closed_override_closes_an_ordinary_day():
    line = week(
        BERLIN,
        Span(MONDAY, time(8), time(18)),
        overrides={date(2026, 6, 8): DayHours(is_closed=True)},
    )
    assert not is_open(line, at(BERLIN, 2026, 6, 8, 12))
    assert is_open(line, at(BERLIN, 2026, 6, 15, 12))
    assert local_spans(line, date(2026, 6, 8)) == []


def test_an_overnight_override_runs_into_the_next_day():
    line = week(BERLIN, overrides={date(2026, 12, 31): DayHours(False, time(20), time(2))})
    assert is_open(line, at(BERLIN, 2027, 1, 1, 1, 30))
    assert not is_open(line, at(BERLIN, 2027, 1, 1, 2, 0))


def test_german_unity_day_closes_a_berlin_line():
    # 3 Oct 2026 is a Saturday
    line = WeeklyHours(time_zone=BERLIN, spans=(Span(SATURDAY, time(9), time(13)),), country="DE")
    assert not is_open(line, at(BERLIN, 2026, 10, 3, 10))
    assert is_open(line, at(BERLIN, 2026, 10, 10, 10))


def test_the_span_of_the_evening_before_a_holiday_still_runs_into_it():
    # given Thursday and Friday 22:00-06:00; Friday 3 Jul 2026 is Independence Day (observed)
    line = WeeklyHours(
        time_zone=NEW_YORK,
        spans=(Span(THURSDAY, time(22), time(6)), Span(FRIDAY, time(22), time(6))),
        country="US",
    )
    # then Thursday night's span runs into the holiday (it belongs to Thursday) ...
    assert is_open(line, at(NEW_YORK, 2026, 7, 3, 5))
    # ... and the holiday's own span does not open; a week later it does
    assert not is_open(line, at(NEW_YORK, 2026, 7, 3, 23))
    assert is_open(line, at(NEW_YORK, 2026, 7, 10, 23))


def test_public_holidays_come_from_the_library_and_unknown_countries_have_none():
    us = public_holidays("US", date(2026, 7, 1), date(2026, 7, 31))
    assert us == {
        date(2026, 7, 3): "Independence Day (observed)",
        date(2026, 7, 4): "Independence Day",
    }
    assert public_holidays("us", date(2026, 12, 25), date(2026, 12, 25)) == {
        date(2026, 12, 25): "Christmas Day"
    }
    assert public_holidays("XX", date(2026, 1, 1), date(2026, 12, 31)) == {}
    assert public_holidays(None, date(2026, 1, 1), date(2026, 12, 31)) == {}
    # a range over New Year takes both years
    assert set(public_holidays("DE", date(2026, 12, 25), date(2027, 1, 1))) == {
        date(2026, 12, 25),
        date(2026, 12, 26),
        date(2027, 1, 1),
    }


# --- overlapping spans (validation) -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("spans", "clash"),
    [
        ([Span(MONDAY, time(9), time(17)), Span(MONDAY, time(12), time(20))], True),
        ([Span(MONDAY, time(9), time(12)), Span(MONDAY, time(12), time(17))], False),
        ([Span(SUNDAY, time(22), time(6)), Span(MONDAY, time(5), time(9))], True),
        ([Span(SUNDAY, time(22), time(6)), Span(MONDAY, time(6), time(9))], False),
        ([Span(MONDAY, MIDNIGHT, MIDNIGHT), Span(TUESDAY, MIDNIGHT, MIDNIGHT)], False),
        ([Span(MONDAY, time(8), time(8)), Span(TUESDAY, time(7), time(9))], True),
        ([Span(FRIDAY, time(9), time(17)), Span(FRIDAY, time(9), time(17))], True),
        ([Span(SATURDAY, time(20), time(4)), Span(SUNDAY, time(3), time(5))], True),
    ],
)
def test_overlapping_spans(spans, clash):
    assert (first_overlap(spans) is not None) is clash


def _first_clash_of_every_pair(spans: list[Span]) -> tuple[Span, Span] | None:
    """The former quadratic check: every pair in order of opening, the first clash."""
    week = 7 * 24 * 60

    def minutes(span: Span) -> tuple[int, int]:
        start = span.weekday * 24 * 60 + span.opens_at.hour * 60 + span.opens_at.minute
        return start, start + span.minutes()

    ordered = sorted(spans, key=lambda s: minutes(s)[0])
    for index, first in enumerate(ordered):
        first_start, first_end = minutes(first)
        for second in ordered[index + 1 :]:
            second_start, second_end = minutes(second)
            if second_start < first_end or first_start + week < second_end:
                return first, second
    return None


def test_first_overlap_names_the_wrap_of_the_week():
    monday = Span(MONDAY, time(5), time(9))
    sunday = Span(SUNDAY, time(22), time(6))
    assert first_overlap([sunday, Span(THURSDAY, time(9), time(17)), monday]) == (monday, sunday)


def test_first_overlap_of_a_week_of_minutes():
    # every minute of the week as its own span: 10,080 spans, none overlapping
    week = [
        Span(day, time(hour, minute), time((hour + (minute + 1) // 60) % 24, (minute + 1) % 60))
        for day in range(7)
        for hour in range(24)
        for minute in range(60)
    ]
    assert first_overlap(week) is None
    assert first_overlap([*week, Span(MONDAY, time(0), time(0, 2))]) is not None


# --- properties ------------------------------------------------------------------------------------

ZONES = [NEW_YORK, BERLIN, "Australia/Lord_Howe", "Asia/Kolkata", "UTC", "America/Santiago"]
quarter_hours = st.builds(
    time, st.integers(min_value=0, max_value=23), st.sampled_from([0, 15, 30, 45])
)
spans = st.builds(Span, st.integers(min_value=0, max_value=6), quarter_hours, quarter_hours)
instants = st.datetimes(
    min_value=datetime(2026, 1, 1),  # noqa: DTZ001 - made aware by `timezones`
    max_value=datetime(2027, 12, 31),  # noqa: DTZ001
    timezones=st.just(UTC),
)
weekly_hours = st.builds(
    WeeklyHours,
    time_zone=st.sampled_from(ZONES),
    spans=st.lists(spans, max_size=6).map(tuple),
    is_open_24_7=st.booleans(),
    country=st.sampled_from([None, "US", "DE"]),
    closed_on_public_holidays=st.booleans(),
    overrides=st.dictionaries(
        st.dates(min_value=date(2026, 1, 1), max_value=date(2027, 12, 31)),
        st.one_of(
            st.just(DayHours(is_closed=True)),
            st.builds(DayHours, st.just(False), quarter_hours, quarter_hours),
        ),
        max_size=4,
    ),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    hours=weekly_hours,
    start=instants,
    length=st.integers(min_value=0, max_value=10 * 24 * 60),
    probes=st.lists(st.integers(min_value=0, max_value=10 * 24 * 60), max_size=15),
)
def test_is_open_agrees_with_the_open_intervals(hours, start, length, probes):
    end = start + timedelta(minutes=length)
    intervals = open_intervals(hours, start, end)
    # the intervals are in the range, ordered, non-empty and apart (merged)
    for first, second in itertools.pairwise(intervals):
        assert first[1] < second[0]
    for a, b in intervals:
        assert start <= a < b <= end
    # every probe, and both sides of every boundary, agree with membership
    points = [start + timedelta(minutes=minutes) for minutes in probes if minutes < length]
    for a, b in intervals:
        points += [a, b - timedelta(microseconds=1)]
        points += [p for p in (a - timedelta(microseconds=1), b) if start <= p < end]
    for point in points:
        assert is_open(hours, point) == any(a <= point < b for a, b in intervals), point


@settings(max_examples=100, deadline=None)
@given(hours=weekly_hours, start=instants, first=st.integers(0, 5000), second=st.integers(0, 5000))
def test_open_intervals_split_anywhere_add_up(hours, start, first, second):
    middle = start + timedelta(minutes=first)
    end = middle + timedelta(minutes=second)
    whole = open_intervals(hours, start, end)
    parts = open_intervals(hours, start, middle) + open_intervals(hours, middle, end)
    merged: list[tuple[datetime, datetime]] = []
    for a, b in parts:
        if merged and a <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(b, merged[-1][1]))
        else:
            merged.append((a, b))
    assert merged == whole


@settings(max_examples=300, deadline=None)
@given(week=st.lists(spans, max_size=12))
def test_first_overlap_is_the_first_clash_of_every_pair(week):
    assert first_overlap(week) == _first_clash_of_every_pair(week)


# --- gaps found by mutation testing (docs/testing.md) ----------------------------------------------


def test_a_closed_override_that_keeps_its_times_stays_closed():
    # given an override marked closed that still carries the hours it had before
    day = date(2026, 6, 10)
    hours = week(
        NEW_YORK,
        Span(day.weekday(), time(9), time(17)),
        overrides={day: DayHours(is_closed=True, opens_at=time(8), closes_at=time(20))},
    )
    # then the date is closed, by its own rule and in the intervals
    assert local_spans(hours, day) == []
    assert not is_open(hours, at(NEW_YORK, 2026, 6, 10, 12))


def test_an_open_override_missing_a_time_is_closed():
    day = date(2026, 6, 10)
    for override in (
        DayHours(is_closed=False, opens_at=None, closes_at=time(17)),
        DayHours(is_closed=False, opens_at=time(9), closes_at=None),
    ):
        hours = week(NEW_YORK, Span(day.weekday(), time(9), time(17)), overrides={day: override})
        assert local_spans(hours, day) == []


@pytest.mark.parametrize("wall", [time(2, 0, 1), time(2, 17), time(2, 17, 59), time(2, 59, 59)])
def test_skipped_wall_times_off_the_half_hour_map_to_the_jump_to_the_second(wall):
    # 2026-03-08 in New York: the clock jumps from 02:00 EST (07:00 UTC) to 03:00 EDT
    assert to_utc(date(2026, 3, 8), wall, ZoneInfo(NEW_YORK)) == datetime(2026, 3, 8, 7, tzinfo=UTC)


def test_skipped_half_hour_of_lord_howe_maps_to_the_jump():
    # Lord Howe Island moves its clock 30 minutes, 02:00 -> 02:30 (15:30 UTC the day before)
    zone = ZoneInfo("Australia/Lord_Howe")
    jump = datetime(2026, 10, 3, 15, 30, tzinfo=UTC)
    assert to_utc(date(2026, 10, 4), time(2, 13, 7), zone) == jump


def test_a_span_opens_on_its_local_date_east_of_utc():
    # given a Tokyo line open from midnight to 01:00 on Tuesdays (Monday 15:00-16:00 UTC)
    hours = week("Asia/Tokyo", Span(TUESDAY, MIDNIGHT, time(1)))
    start = datetime(2026, 6, 8, 15, tzinfo=UTC)  # Monday in UTC, Tuesday 00:00 in Tokyo
    # when asked within that hour (both ends on Monday's UTC date)
    intervals = open_intervals(hours, start, datetime(2026, 6, 8, 15, 30, tzinfo=UTC))
    # then Tuesday's local span is found
    assert intervals == [(start, datetime(2026, 6, 8, 15, 30, tzinfo=UTC))]


def test_a_span_running_from_the_local_day_before_west_of_utc():
    # given a Los Angeles line open 23:00-23:59 on Mondays (Tuesday 06:00-06:59 UTC)
    hours = week("America/Los_Angeles", Span(MONDAY, time(23), time(23, 59)))
    start = datetime(2026, 6, 9, 6, 30, tzinfo=UTC)
    intervals = open_intervals(hours, start, start + timedelta(minutes=10))
    assert intervals == [(start, start + timedelta(minutes=10))]


@pytest.mark.parametrize(
    ("country", "supported"),
    [("US", True), ("de", True), ("", False), ("XX", False), ("ZZZ", False)],
)
def test_is_supported_country(country, supported):
    assert is_supported_country(country) is supported


# --- what mutation testing found (docs/testing.md) ---------------------------------------------


class _NoOffset(tzinfo):
    """A tzinfo that does not know its offset: the datetime is naive in all but name."""

    def utcoffset(self, dt):
        return None

    def dst(self, dt):
        return None

    def tzname(self, dt):
        return None


@pytest.mark.parametrize("which", ["start", "end"])
def test_open_intervals_refuses_a_naive_start_and_a_naive_end(which):
    # given one aware and one naive end of the range
    line = week(NEW_YORK, is_open_24_7=True)
    ends = {"start": at(NEW_YORK, 2026, 7, 6, 10), "end": at(NEW_YORK, 2026, 7, 6, 12)}
    ends[which] = ends[which].replace(tzinfo=None)
    # when / then: refused with the rule in words
    with pytest.raises(ValueError, match=r"^instants must be time-zone aware$"):
        open_intervals(line, ends["start"], ends["end"])


def test_an_instant_whose_zone_has_no_offset_is_refused():
    # given an instant with a tzinfo that answers no offset
    instant = datetime(2026, 7, 6, 10, tzinfo=_NoOffset())
    # when / then
    with pytest.raises(ValueError, match="aware"):
        is_open(week(NEW_YORK, is_open_24_7=True), instant)


def test_to_utc_keeps_the_seconds_and_microseconds_of_the_wall_time():
    # given a wall time with seconds and microseconds on an ordinary Berlin day (UTC+2)
    wall = time(9, 15, 30, 250000)
    # when / then: nothing is rounded to the whole second
    assert to_utc(date(2026, 7, 6), wall, ZoneInfo(BERLIN)) == datetime(
        2026, 7, 6, 7, 15, 30, 250000, tzinfo=UTC
    )


@pytest.fixture
def server_in_kiritimati(monkeypatch):
    """The server's own zone far east of UTC (+14): the results must not depend on it."""
    monkeypatch.setenv("TZ", "Pacific/Kiritimati")
    time_module.tzset()
    yield
    monkeypatch.undo()
    time_module.tzset()


def test_results_are_in_utc_whatever_the_server_zone(server_in_kiritimati):
    # given a Berlin line 09:00-17:00 on Mondays, asked for the whole Monday
    hours = week(BERLIN, Span(MONDAY, time(9), time(17)))
    # when
    result = to_utc(date(2026, 7, 6), time(9), ZoneInfo(BERLIN))
    intervals = open_intervals(hours, at(BERLIN, 2026, 7, 6), at(BERLIN, 2026, 7, 7))
    # then UTC datetimes, not the server's zone
    assert result.utcoffset() == timedelta(0)
    assert intervals == [
        (datetime(2026, 7, 6, 7, tzinfo=UTC), datetime(2026, 7, 6, 15, tzinfo=UTC))
    ]
    assert all(a.utcoffset() == b.utcoffset() == timedelta(0) for a, b in intervals)


def test_the_first_day_is_read_in_the_client_zone_not_the_server_zone(server_in_kiritimati):
    # given a Pago Pago line (UTC-11) open 22:00-02:00 from Mondays; the server is 25 h ahead
    hours = week("Pacific/Pago_Pago", Span(MONDAY, time(22), time(2)))
    # when asked at Tuesday 00:30 local (11:30 UTC, already Wednesday 01:30 on the server)
    start = at("Pacific/Pago_Pago", 2026, 7, 7, 0, 30)
    intervals = open_intervals(hours, start, start + timedelta(minutes=30))
    # then Monday's span, still running, is found
    assert intervals == [(start.astimezone(UTC), (start + timedelta(minutes=30)).astimezone(UTC))]
