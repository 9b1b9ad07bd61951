"""The time-clock file reader (plain Python): row problems in words, night shifts, several
punches a day, and the days the clocks change (23 and 25 hours)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from scheduling.roster import timeclock

ZONES = {"E-1": "Europe/Lisbon", "E-2": "America/New_York"}
HEADER = "employee_number,date,clock_in,clock_out,in_state_minutes\n"


def read(body: str, header: str = HEADER):
    return timeclock.read_punches((header + body).encode(), zone_of=ZONES)


def test_several_punches_of_a_day_are_summed():
    # given two punches of E-1 on one day and one of E-2
    punches, problems = read(
        "E-1,2026-11-30,08:00,12:00,\ne-1,2026-11-30,12:30,16:45,\nE-2,2026-11-30,09:00,17:00,\n"
    )
    # when
    totals = timeclock.day_totals(punches)
    # then
    assert problems == []
    assert [(t.employee_number, t.day, t.worked_minutes, t.rows) for t in totals] == [
        ("E-1", date(2026, 11, 30), 4 * 60 + 4 * 60 + 15, (2, 3)),
        ("E-2", date(2026, 11, 30), 8 * 60, (4,)),
    ]
    assert totals[0].in_state_minutes is None


def test_a_night_shift_ends_the_next_day_and_counts_on_the_day_it_starts():
    punches, problems = read("E-1,2026-11-30,22:00,06:00,400\n")
    assert problems == []
    (punch,) = punches
    assert punch.starts_at == datetime(2026, 11, 30, 22, tzinfo=UTC)  # Lisbon is UTC in winter
    assert punch.ends_at == datetime(2026, 12, 1, 6, tzinfo=UTC)
    (total,) = timeclock.day_totals(punches)
    assert (total.day, total.worked_minutes, total.in_state_minutes) == (
        date(2026, 11, 30),
        480,
        400,
    )


def test_every_problem_is_named_by_row_and_column():
    punches, problems = read(
        "E-9,2026-11-30,08:00,16:00,\n"
        "E-1,30/11/2026,8h,16:00,\n"
        "E-1,2026-12-01,25:00,16:00,x\n"
        "E-1,2026-12-02,08:00,08:00,\n"
        ",2026-12-03,,16:00,\n"
        "E-2,2026-12-01,08:00,10:00,200\n"
    )
    assert punches == []
    said = [str(problem) for problem in problems]
    assert said == [
        "row 2, employee_number: No agent has the number E-9.",
        "row 3, clock_in: “8h” is not a time of day: write it as HH:MM (24-hour clock).",
        "row 3, date: “30/11/2026” is not a date: write it as YYYY-MM-DD.",
        "row 4, clock_in: “25:00” is not a time of day: hours 00-23, minutes 00-59.",
        "row 4, in_state_minutes: “x” is not a whole number of minutes (0 or more).",
        "row 5, clock_out: The punch ends when it starts (0 minutes).",
        "row 6, clock_in: This value is required.",
        "row 6, employee_number: This value is required.",
        "row 7, in_state_minutes: 200 minutes in the scheduled state, but the punch lasts "
        "120 minutes.",
    ]


def test_overlapping_punches_of_one_agent_are_refused():
    _, problems = read("E-1,2026-11-30,08:00,12:00,\nE-1,2026-11-30,11:00,13:00,\n")
    assert [str(p) for p in problems] == [
        "row 3, clock_in: It overlaps the punch on row 2 (E-1, 30 Nov 2026)."
    ]


def test_the_file_itself_is_checked():
    assert [str(p) for p in read("", header="employee_number,date,clock_in,shoe\n")[1]] == [
        "row 1, shoe: Unknown column (see docs/roster.md).",
        "row 1, clock_out: This column is required.",
    ]
    assert [str(p) for p in read("")[1]] == ["the file: The file has a header but no punches."]
    spreadsheet = timeclock.read_punches(b"PK\x03\x04rest", zone_of=ZONES)[1]
    assert "spreadsheet" in str(spreadsheet[0])
    assert "not UTF-8" in str(timeclock.read_punches(b"\xff\xfe\x00a", zone_of=ZONES)[1][0])


def test_semicolons_separate_values_too():
    punches, problems = read("E-1;2026-11-30;08:00;16:00;\n", header=HEADER.replace(",", ";"))
    assert problems == [] and punches[0].minutes == 480


def test_the_night_the_clocks_go_forward_is_an_hour_shorter():
    # Lisbon, 29 Mar 2026: 01:00 becomes 02:00
    punches, problems = read("E-1,2026-03-28,22:00,06:00,\n")
    assert problems == [] and punches[0].minutes == 7 * 60
    _, problems = read("E-1,2026-03-29,01:30,09:00,\n")
    assert [str(p) for p in problems] == [
        "row 2, clock_in: 01:30 does not exist on 29 Mar 2026 in Europe/Lisbon: the clocks go "
        "forward that night."
    ]


def test_the_night_the_clocks_go_back_is_an_hour_longer():
    # Lisbon, 25 Oct 2026: 02:00 becomes 01:00
    punches, problems = read("E-1,2026-10-24,22:00,06:00,\n")
    assert problems == [] and punches[0].minutes == 9 * 60


def test_a_day_has_23_or_25_hours_when_the_clocks_change():
    lisbon = ZoneInfo("Europe/Lisbon")
    short = timeclock.day_bounds(date(2026, 3, 29), lisbon)
    long = timeclock.day_bounds(date(2026, 10, 25), lisbon)
    assert timeclock.minutes_between(*short) == 23 * 60
    assert timeclock.minutes_between(*long) == 25 * 60
    # a booking of the whole day counts its real length, and only on the day it starts
    assert timeclock.scheduled_minutes([short], date(2026, 3, 29), lisbon) == 23 * 60
    assert timeclock.scheduled_minutes([long], date(2026, 10, 25), lisbon) == 25 * 60
    assert timeclock.scheduled_minutes([long], date(2026, 10, 26), lisbon) == 0


def test_overlap_of_punches_and_bookings():
    def at(hour, minute=0):
        return datetime(2026, 11, 30, hour, minute, tzinfo=UTC)

    punches = [(at(8, 10), at(12)), (at(12, 30), at(16, 30))]
    bookings = [(at(8), at(16))]
    assert timeclock.overlap_minutes(punches, bookings) == 230 + 210


def test_productive_rows_are_read_with_their_problems():
    rows, problems = timeclock.read_productive(
        b"employee_number,date,client,line,minutes\n"
        b"E-1,2026-11-30,ShopRight,Orders,200\n"
        b"E-1,2026-11-30,shopright,,2000\n"
    )
    assert [(r.row, r.client, r.line, r.minutes) for r in rows] == [(2, "shopright", "Orders", 200)]
    assert [str(p) for p in problems] == [
        "row 3, line: This value is required.",
        "row 3, minutes: More minutes than a day has.",
    ]
