"""Reader of the Curtois & Qu shift-scheduling format (schedulingbenchmarks.org/nrp).

The file is a list of sections, each opened by a ``SECTION_<NAME>`` line; ``#`` starts a comment
line; blank lines are ignored; LF and CRLF line endings are both accepted. Every bad line raises
:class:`RosteringFormatError` naming its line number.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from scheduling.engine.errors import EngineInputError

SECTIONS = (
    "SECTION_HORIZON",
    "SECTION_SHIFTS",
    "SECTION_STAFF",
    "SECTION_DAYS_OFF",
    "SECTION_SHIFT_ON_REQUESTS",
    "SECTION_SHIFT_OFF_REQUESTS",
    "SECTION_COVER",
)


class RosteringFormatError(EngineInputError):
    """A line of an instance file that cannot be read; ``line`` is 1-based (0: whole file)."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(f"line {line}" if line else "file", message)
        self.line = line


@dataclass(frozen=True)
class ShiftType:
    id: str
    minutes: int
    cannot_follow: tuple[str, ...]
    """Shift types that may not be worked the day after this one."""


@dataclass(frozen=True)
class Staff:
    id: str
    max_shifts: tuple[tuple[str, int], ...]
    """(shift type, most shifts of that type); a type not listed has no limit beyond the horizon."""
    max_total_minutes: int
    min_total_minutes: int
    max_consecutive_shifts: int
    min_consecutive_shifts: int
    min_consecutive_days_off: int
    max_weekends: int
    days_off: frozenset[int] = frozenset()

    def max_of(self, shift: str, horizon: int) -> int:
        for name, limit in self.max_shifts:
            if name == shift:
                return limit
        return horizon


@dataclass(frozen=True)
class Request:
    """A wish of one employee for one day and shift type; ``weight`` is paid if not honoured."""

    employee: str
    day: int
    shift: str
    weight: int


@dataclass(frozen=True)
class Cover:
    day: int
    shift: str
    requirement: int
    under_weight: int
    over_weight: int


@dataclass(frozen=True)
class RosteringInstance:
    name: str
    horizon: int
    shifts: tuple[ShiftType, ...]
    staff: tuple[Staff, ...]
    on_requests: tuple[Request, ...]
    off_requests: tuple[Request, ...]
    cover: tuple[Cover, ...]

    @property
    def weeks(self) -> int:
        return self.horizon // 7

    def shift(self, shift_id: str) -> ShiftType:
        for shift in self.shifts:
            if shift.id == shift_id:
                return shift
        raise KeyError(shift_id)


def read_instance(path: str | Path) -> RosteringInstance:
    """The instance in ``path`` (named after the file without its suffix)."""
    path = Path(path)
    return parse_instance(path.read_bytes().decode("utf-8-sig"), name=path.stem)


def parse_instance(text: str, *, name: str = "instance") -> RosteringInstance:
    """The instance written in ``text`` (the whole file)."""
    sections: dict[str, list[tuple[int, str]]] = {}
    current: str | None = None
    for number, raw in enumerate(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("SECTION_"):
            if line not in SECTIONS:
                raise RosteringFormatError(number, f"unknown section {line!r}")
            if line in sections:
                raise RosteringFormatError(number, f"section {line} appears twice")
            current = line
            sections[current] = []
            continue
        if current is None:
            raise RosteringFormatError(number, f"{line!r} comes before any SECTION_ line")
        sections[current].append((number, line))

    def required(section: str) -> list[tuple[int, str]]:
        if section not in sections:
            raise RosteringFormatError(0, f"{section} is missing")
        return sections[section]

    horizon = _horizon(required("SECTION_HORIZON"))
    shifts = _shifts(required("SECTION_SHIFTS"))
    shift_ids = {shift.id for shift in shifts}
    staff = _staff(required("SECTION_STAFF"), shift_ids)
    staff_ids = {member.id for member in staff}
    days_off = _days_off(sections.get("SECTION_DAYS_OFF", []), staff_ids, horizon)
    staff = tuple(
        Staff(**{**member.__dict__, "days_off": days_off.get(member.id, frozenset())})
        for member in staff
    )
    context = (staff_ids, shift_ids, horizon)
    on_requests = _requests(sections.get("SECTION_SHIFT_ON_REQUESTS", []), *context)
    off_requests = _requests(sections.get("SECTION_SHIFT_OFF_REQUESTS", []), *context)
    cover = _cover(sections.get("SECTION_COVER", []), shift_ids, horizon)
    return RosteringInstance(
        name=name,
        horizon=horizon,
        shifts=shifts,
        staff=staff,
        on_requests=on_requests,
        off_requests=off_requests,
        cover=cover,
    )


def _int(number: int, text: str, what: str, *, minimum: int = 0) -> int:
    try:
        value = int(text.strip())
    except ValueError:
        raise RosteringFormatError(number, f"{what} must be a whole number, not {text!r}") from None
    if value < minimum:
        raise RosteringFormatError(number, f"{what} must be at least {minimum}, not {value}")
    return value


def _fields(number: int, line: str, count: int, section: str) -> list[str]:
    fields = [field.strip() for field in line.split(",")]
    if len(fields) != count:
        raise RosteringFormatError(
            number, f"{section} lines have {count} comma-separated fields, this one {len(fields)}"
        )
    return fields


def _horizon(lines: list[tuple[int, str]]) -> int:
    if len(lines) != 1:
        raise RosteringFormatError(
            lines[1][0] if lines else 0, "SECTION_HORIZON holds exactly one number"
        )
    number, line = lines[0]
    return _int(number, line, "the horizon", minimum=1)


def _shifts(lines: list[tuple[int, str]]) -> tuple[ShiftType, ...]:
    shifts: list[ShiftType] = []
    seen: set[str] = set()
    for number, line in lines:
        shift_id, minutes, follow = _fields(number, line, 3, "SECTION_SHIFTS")
        if not shift_id:
            raise RosteringFormatError(number, "the shift ID is empty")
        if shift_id in seen:
            raise RosteringFormatError(number, f"shift {shift_id!r} is defined twice")
        seen.add(shift_id)
        cannot = tuple(part.strip() for part in follow.split("|") if part.strip())
        shifts.append(ShiftType(shift_id, _int(number, minutes, "the shift length"), cannot))
    if not shifts:
        raise RosteringFormatError(0, "SECTION_SHIFTS defines no shift")
    for number, line in lines:
        shift = next(s for s in shifts if s.id == line.split(",")[0].strip())
        for other in shift.cannot_follow:
            if other not in seen:
                raise RosteringFormatError(
                    number, f"unknown shift {other!r} in the cannot-follow list"
                )
    return tuple(shifts)


def _staff(lines: list[tuple[int, str]], shift_ids: set[str]) -> tuple[Staff, ...]:
    staff: list[Staff] = []
    seen: set[str] = set()
    for number, line in lines:
        fields = _fields(number, line, 8, "SECTION_STAFF")
        employee = fields[0]
        if not employee:
            raise RosteringFormatError(number, "the employee ID is empty")
        if employee in seen:
            raise RosteringFormatError(number, f"employee {employee!r} is listed twice")
        seen.add(employee)
        limits: list[tuple[str, int]] = []
        for part in fields[1].split("|"):
            if not part.strip():
                continue
            shift, equals, limit = part.partition("=")
            shift = shift.strip()
            if not equals:
                raise RosteringFormatError(number, f"{part!r} is not of the form ShiftID=Max")
            if shift not in shift_ids:
                raise RosteringFormatError(number, f"unknown shift {shift!r} in MaxShifts")
            limits.append((shift, _int(number, limit, f"MaxShifts of {shift}")))
        minimum = _int(number, fields[3], "MinTotalMinutes")
        maximum = _int(number, fields[2], "MaxTotalMinutes")
        if minimum > maximum:
            raise RosteringFormatError(
                number, f"MinTotalMinutes {minimum} is above MaxTotalMinutes {maximum}"
            )
        staff.append(
            Staff(
                id=employee,
                max_shifts=tuple(limits),
                max_total_minutes=maximum,
                min_total_minutes=minimum,
                max_consecutive_shifts=_int(number, fields[4], "MaxConsecutiveShifts", minimum=1),
                min_consecutive_shifts=_int(number, fields[5], "MinConsecutiveShifts"),
                min_consecutive_days_off=_int(number, fields[6], "MinConsecutiveDaysOff"),
                max_weekends=_int(number, fields[7], "MaxWeekends"),
            )
        )
    if not staff:
        raise RosteringFormatError(0, "SECTION_STAFF lists no employee")
    return tuple(staff)


def _day(number: int, text: str, horizon: int) -> int:
    day = _int(number, text, "the day")
    if day >= horizon:
        raise RosteringFormatError(number, f"day {day} is outside the horizon 0..{horizon - 1}")
    return day


def _days_off(
    lines: list[tuple[int, str]], staff_ids: set[str], horizon: int
) -> dict[str, frozenset[int]]:
    days_off: dict[str, frozenset[int]] = {}
    for number, line in lines:
        fields = [field.strip() for field in line.split(",")]
        employee = fields[0]
        if employee not in staff_ids:
            raise RosteringFormatError(number, f"unknown employee {employee!r}")
        days = frozenset(_day(number, field, horizon) for field in fields[1:] if field)
        days_off[employee] = days_off.get(employee, frozenset()) | days
    return days_off


def _requests(
    lines: list[tuple[int, str]], staff_ids: set[str], shift_ids: set[str], horizon: int
) -> tuple[Request, ...]:
    requests: list[Request] = []
    for number, line in lines:
        employee, day, shift, weight = _fields(number, line, 4, "request")
        if employee not in staff_ids:
            raise RosteringFormatError(number, f"unknown employee {employee!r}")
        if shift not in shift_ids:
            raise RosteringFormatError(number, f"unknown shift {shift!r}")
        requests.append(
            Request(employee, _day(number, day, horizon), shift, _int(number, weight, "the weight"))
        )
    return tuple(requests)


def _cover(lines: list[tuple[int, str]], shift_ids: set[str], horizon: int) -> tuple[Cover, ...]:
    cover: list[Cover] = []
    seen: set[tuple[int, str]] = set()
    for number, line in lines:
        day, shift, requirement, under, over = _fields(number, line, 5, "SECTION_COVER")
        if shift not in shift_ids:
            raise RosteringFormatError(number, f"unknown shift {shift!r}")
        key = (_day(number, day, horizon), shift)
        if key in seen:
            raise RosteringFormatError(
                number, f"cover for day {key[0]} shift {shift} is given twice"
            )
        seen.add(key)
        cover.append(
            Cover(
                key[0],
                shift,
                _int(number, requirement, "the requirement"),
                _int(number, under, "the under-cover weight"),
                _int(number, over, "the over-cover weight"),
            )
        )
    return tuple(cover)
