"""Time-clock files and the minutes of a local day: plain Python, no Django.

A time-clock file has one punch per row: ``employee_number``, ``date`` (the local day the punch
starts, ``YYYY-MM-DD``), ``clock_in`` and ``clock_out`` (``HH:MM`` on the agent's own clock),
and optionally ``in_state_minutes`` (the ACD's adherence export: minutes of the punch spent in
the scheduled state). A ``clock_out`` at or before ``clock_in`` ends on the next day (a night
shift); several punches of a day are summed. A punch, like a booked shift, counts on the day
it starts, so a night shift's conformance compares like with like.

Local times become instants with the agent's zone: a day has 23 or 25 hours when the clocks
change; a time the clocks skip (01:30 when they jump from 01:00 to 02:00) is refused in words;
a time that happens twice (when they fall back) is its first occurrence.

Row numbers are the spreadsheet's: the header is row 1, the first punch row 2. Every problem
names its row, column and reason; the services refuse a file with any problem (all or nothing).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from scheduling.roster.csv_files import RowProblem, read_table

MAX_ROWS = 50_000
LONGEST_DAY_MINUTES = 25 * 60
CLOCK = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?$")

TIMECLOCK_COLUMNS = ("employee_number", "date", "clock_in", "clock_out", "in_state_minutes")
TIMECLOCK_REQUIRED = ("employee_number", "date", "clock_in", "clock_out")
PRODUCTIVE_COLUMNS = ("employee_number", "date", "client", "line", "minutes")
PRODUCTIVE_REQUIRED = PRODUCTIVE_COLUMNS


@dataclass(frozen=True)
class Punch:
    row: int
    employee_number: str
    day: date
    starts_at: datetime  # UTC
    ends_at: datetime  # UTC
    in_state_minutes: int | None

    @property
    def minutes(self) -> int:
        return minutes_between(self.starts_at, self.ends_at)


@dataclass(frozen=True)
class DayTotal:
    """One agent's punches of one local day, summed."""

    employee_number: str
    day: date
    worked_minutes: int
    in_state_minutes: int | None  # None: the file gave none for this day
    punches: tuple[Punch, ...]
    rows: tuple[int, ...]


@dataclass(frozen=True)
class ProductiveRow:
    row: int
    employee_number: str
    day: date
    client: str
    line: str
    minutes: int


# --- the clock ------------------------------------------------------------------------------


def minutes_between(start: datetime, end: datetime) -> int:
    return int((end - start).total_seconds() // 60)


def day_bounds(day: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """The UTC instants of ``day``'s local midnight and the next one (23 to 25 hours apart)."""
    start = datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)
    end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone).astimezone(UTC)
    return start, end


def local_instant(day: date, clock: time, zone: ZoneInfo) -> datetime:
    """``clock`` on ``day`` in ``zone`` as UTC; ``ValueError`` when the clocks skip it."""
    local = datetime.combine(day, clock, tzinfo=zone)
    instant = local.astimezone(UTC)
    if instant.astimezone(zone).replace(tzinfo=None) != local.replace(tzinfo=None):
        raise ValueError(
            f"{clock:%H:%M} does not exist on {day:%-d %b %Y} in {zone.key}: the clocks "
            "go forward that night."
        )
    return instant


def scheduled_minutes(intervals: Iterable[tuple[datetime, datetime]], day: date, zone) -> int:
    """Minutes of the booked ``intervals`` (UTC) that start on ``day`` in ``zone`` (a shift
    counts on the day it starts, as a punch does)."""
    start, end = day_bounds(day, zone)
    return sum(minutes_between(a, b) for a, b in intervals if start <= a < end)


def overlap_minutes(
    first: Iterable[tuple[datetime, datetime]], second: Iterable[tuple[datetime, datetime]]
) -> int:
    """Minutes both sets of intervals cover (each set without overlaps of its own)."""
    seconds = 0.0
    second = list(second)
    for a_start, a_end in first:
        for b_start, b_end in second:
            start, end = max(a_start, b_start), min(a_end, b_end)
            if end > start:
                seconds += (end - start).total_seconds()
    return int(seconds // 60)


# --- reading files --------------------------------------------------------------------------


def parse_day(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(f"“{text}” is not a date: write it as YYYY-MM-DD.") from None


def parse_clock(text: str) -> time:
    match = CLOCK.match(text.strip())
    if not match:
        raise ValueError(f"“{text}” is not a time of day: write it as HH:MM (24-hour clock).")
    hour, minute = int(match[1]), int(match[2])
    second = int(match[3] or 0)
    if hour > 23 or minute > 59 or second > 59:
        raise ValueError(f"“{text}” is not a time of day: hours 00-23, minutes 00-59.")
    return time(hour, minute, second)


def parse_minutes(text: str) -> int:
    text = text.strip()
    if not text.isdigit():
        raise ValueError(f"“{text}” is not a whole number of minutes (0 or more).")
    return int(text)


def read_punches(
    content: bytes, *, zone_of: Mapping[str, str]
) -> tuple[list[Punch], list[RowProblem]]:
    """Every punch of a time-clock file, placed on its agent's clock.

    ``zone_of`` maps each known employee number (as written in the roster, compared without
    case) to the agent's IANA zone; an unknown number is a row problem."""
    raw, problems = read_table(
        content,
        columns=TIMECLOCK_COLUMNS,
        required=TIMECLOCK_REQUIRED,
        what="punches",
        max_rows=MAX_ROWS,
    )
    if not raw:
        return [], problems
    zones = {number.casefold(): name for number, name in zone_of.items()}
    punches: list[Punch] = []
    for number, values in raw:
        row_problems: list[RowProblem] = []

        def read(column: str, parser, values=values, number=number, row_problems=row_problems):
            raw_value = values.get(column, "")
            if not raw_value:
                if column in TIMECLOCK_REQUIRED:
                    row_problems.append(RowProblem(number, column, "This value is required."))
                return None
            try:
                return parser(raw_value)
            except ValueError as error:
                row_problems.append(RowProblem(number, column, str(error)))
                return None

        employee = values.get("employee_number", "")
        zone_name = zones.get(employee.casefold()) if employee else None
        if employee and zone_name is None:
            row_problems.append(
                RowProblem(number, "employee_number", f"No agent has the number {employee}.")
            )
        elif not employee:
            row_problems.append(RowProblem(number, "employee_number", "This value is required."))
        day = read("date", parse_day)
        clock_in = read("clock_in", parse_clock)
        clock_out = read("clock_out", parse_clock)
        in_state = read("in_state_minutes", parse_minutes)
        if clock_in is not None and clock_out is not None and clock_in == clock_out:
            row_problems.append(
                RowProblem(number, "clock_out", "The punch ends when it starts (0 minutes).")
            )
        if row_problems or zone_name is None or day is None:
            problems.extend(row_problems)
            continue
        zone = ZoneInfo(zone_name)
        assert clock_in is not None and clock_out is not None
        out_day = day + timedelta(days=1) if clock_out <= clock_in else day
        try:
            starts_at = local_instant(day, clock_in, zone)
        except ValueError as error:
            problems.append(RowProblem(number, "clock_in", str(error)))
            continue
        try:
            ends_at = local_instant(out_day, clock_out, zone)
        except ValueError as error:
            problems.append(RowProblem(number, "clock_out", str(error)))
            continue
        if ends_at <= starts_at:  # 01:10 -> 01:05 across a fall-back hour
            problems.append(RowProblem(number, "clock_out", "The punch ends before it starts."))
            continue
        punch = Punch(number, employee, day, starts_at, ends_at, in_state)
        if in_state is not None and in_state > punch.minutes:
            problems.append(
                RowProblem(
                    number,
                    "in_state_minutes",
                    f"{in_state} minutes in the scheduled state, but the punch lasts "
                    f"{punch.minutes} minutes.",
                )
            )
            continue
        punches.append(punch)
    problems.extend(_overlaps(punches))
    return punches, sorted(problems, key=lambda problem: (problem.row, problem.column))


def _overlaps(punches: list[Punch]) -> list[RowProblem]:
    problems = []
    by_agent: dict[str, list[Punch]] = {}
    for punch in punches:
        by_agent.setdefault(punch.employee_number.casefold(), []).append(punch)
    for agent_punches in by_agent.values():
        agent_punches.sort(key=lambda punch: punch.starts_at)
        for before, after in itertools.pairwise(agent_punches):
            if after.starts_at < before.ends_at:
                problems.append(
                    RowProblem(
                        after.row,
                        "clock_in",
                        f"It overlaps the punch on row {before.row} "
                        f"({before.employee_number}, {before.day:%-d %b %Y}).",
                    )
                )
    return problems


def day_totals(punches: Iterable[Punch]) -> list[DayTotal]:
    """The punches summed per agent and day (the day each punch starts)."""
    grouped: dict[tuple[str, date], list[Punch]] = {}
    for punch in punches:
        grouped.setdefault((punch.employee_number.casefold(), punch.day), []).append(punch)
    totals = []
    for (_, day), group in sorted(grouped.items(), key=lambda item: (item[0][1], item[0][0])):
        group.sort(key=lambda punch: punch.starts_at)
        states = [punch.in_state_minutes for punch in group if punch.in_state_minutes is not None]
        totals.append(
            DayTotal(
                employee_number=group[0].employee_number,
                day=day,
                worked_minutes=sum(punch.minutes for punch in group),
                in_state_minutes=sum(states) if states else None,
                punches=tuple(group),
                rows=tuple(punch.row for punch in group),
            )
        )
    return totals


def read_productive(content: bytes) -> tuple[list[ProductiveRow], list[RowProblem]]:
    """Productive minutes per agent, day, client and line, as the ACD reports them (the
    references, agent, client and line, are the services' check)."""
    raw, problems = read_table(
        content,
        columns=PRODUCTIVE_COLUMNS,
        required=PRODUCTIVE_REQUIRED,
        what="rows",
        max_rows=MAX_ROWS,
    )
    rows = []
    for number, values in raw:
        row_problems = [
            RowProblem(number, column, "This value is required.")
            for column in PRODUCTIVE_REQUIRED
            if not values.get(column)
        ]
        day = minutes = None
        if values.get("date"):
            try:
                day = parse_day(values["date"])
            except ValueError as error:
                row_problems.append(RowProblem(number, "date", str(error)))
        if values.get("minutes"):
            try:
                minutes = parse_minutes(values["minutes"])
            except ValueError as error:
                row_problems.append(RowProblem(number, "minutes", str(error)))
            if minutes is not None and minutes > LONGEST_DAY_MINUTES:
                row_problems.append(RowProblem(number, "minutes", "More minutes than a day has."))
        if row_problems:
            problems.extend(row_problems)
            continue
        assert day is not None and minutes is not None
        rows.append(
            ProductiveRow(
                number,
                values["employee_number"],
                day,
                values["client"].strip().lower(),
                values["line"],
                minutes,
            )
        )
    return rows, problems
