"""What an agent worked before a week, from its shifts (pure): runs of days worked and off
before Monday, weekends of the three weeks before, the kind of Sunday's shift; and the kind of a
shift from its times."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from scheduling.engine.optimiser.model import AgentHistory
from scheduling.roster.work_history import history_before, shift_kind

LISBON = ZoneInfo("Europe/Lisbon")


def local(day: date, hour: int, zone=LISBON) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=zone)


def shift(day: date, hour: int = 8, hours: int = 8, zone=LISBON) -> tuple[datetime, datetime]:
    start = local(day, hour, zone)
    return start.astimezone(UTC), (start + timedelta(hours=hours)).astimezone(UTC)


@pytest.mark.parametrize(
    ("start", "minutes", "kind"),
    [
        (6 * 60, 480, "day"),
        (8 * 60 + 30, 480, "day"),
        (14 * 60, 480, "evening"),
        (22 * 60, 480, "night"),  # runs into the next morning's 00:00-05:00
        (0, 480, "night"),
        (4 * 60 + 30, 480, "night"),
        (5 * 60, 480, "day"),
        (15 * 60, 540, "evening"),  # ends at 24:00 sharp: no minute of the night
        (15 * 60, 570, "night"),  # until 00:30
    ],
)
def test_the_kind_of_a_shift_follows_its_times(start, minutes, kind):
    assert shift_kind(start, minutes) == kind


def test_runs_and_weekends_before_monday():
    # given Monday 14 Dec 2026; worked Wed 9 to Sun 13 (five days), and Sat 28 Nov
    monday = date(2026, 12, 14)
    worked = [shift(date(2026, 12, d)) for d in range(9, 14)] + [shift(date(2026, 11, 28))]
    # when
    history = history_before(monday=monday, time_zone="Europe/Lisbon", shifts=worked)
    # then the run ends on Sunday; two of the three weekends before had work
    assert history == AgentHistory(
        consecutive_days_worked=5,
        days_off_run=0,
        weekends_worked_previous_3=2,
        last_shift_kind="day",
    )


def test_days_off_before_monday_and_nothing_at_all():
    monday = date(2026, 12, 14)
    worked = [shift(date(2026, 12, 10))]  # Thursday, then Fri, Sat, Sun off
    assert history_before(monday=monday, time_zone="Europe/Lisbon", shifts=worked) == (
        AgentHistory(days_off_run=3)
    )
    empty = history_before(monday=monday, time_zone="Europe/Lisbon", shifts=[])
    assert empty == AgentHistory(days_off_run=28)


def test_a_booking_across_midnight_is_the_day_it_starts_and_a_night_shift():
    # given Sunday 22:00 to Monday 06:00, and Saturday 22:00 to Sunday 06:00
    monday = date(2026, 12, 14)
    worked = [shift(date(2026, 12, 12), 22), shift(date(2026, 12, 13), 22)]
    history = history_before(monday=monday, time_zone="Europe/Lisbon", shifts=worked)
    # then Saturday and Sunday are worked (not Monday), and Sunday's shift was a night shift
    assert history.consecutive_days_worked == 2
    assert history.last_shift_kind == "night"
    assert history.weekends_worked_previous_3 == 1
    # and a shift starting on Monday itself is the week's, not history
    later = history_before(
        monday=monday, time_zone="Europe/Lisbon", shifts=[shift(date(2026, 12, 14), 0)]
    )
    assert later == AgentHistory(days_off_run=28)


def test_days_follow_the_wall_clock_across_a_dst_change():
    # given the week after Sunday 25 Oct 2026, when Lisbon's clocks went back (a 25-hour day):
    # shifts 23:30-07:30 local Fri, Sat and Sun; Sunday's starts 23:30 WET = 23:30 UTC, the
    # others 22:30 UTC (WEST)
    monday = date(2026, 10, 26)
    worked = [shift(date(2026, 10, d), 23) for d in (23, 24, 25)]
    history = history_before(monday=monday, time_zone="Europe/Lisbon", shifts=worked)
    assert history.consecutive_days_worked == 3
    assert history.last_shift_kind == "night"
    # the same instants read in New York (still on summer time) start on Fri, Sat and Sun at
    # 18:00 or 19:00 and run past midnight: night shifts of the same three days
    in_new_york = history_before(monday=monday, time_zone="America/New_York", shifts=worked)
    assert in_new_york.consecutive_days_worked == 3
    assert in_new_york.last_shift_kind == "night"
    # and in Tokyo (UTC+9) they start on Sat, Sun and Mon: Monday's is this week's
    in_tokyo = history_before(monday=monday, time_zone="Asia/Tokyo", shifts=worked)
    assert in_tokyo.consecutive_days_worked == 2


def test_a_spring_forward_sunday_is_still_one_day():
    # given Sunday 29 Mar 2026 (Lisbon skips 01:00-02:00): a shift at 00:30 and the Saturday
    monday = date(2026, 3, 30)
    start = datetime(2026, 3, 29, 0, 30, tzinfo=LISBON)
    worked = [(start.astimezone(UTC), (start + timedelta(hours=8)).astimezone(UTC))]
    worked.append(shift(date(2026, 3, 28)))
    history = history_before(monday=monday, time_zone="Europe/Lisbon", shifts=worked)
    assert history.consecutive_days_worked == 2
    assert history.last_shift_kind == "night"
