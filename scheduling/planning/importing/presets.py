"""How each export format's columns map onto the stored interval fields (pure: no Django).

A :class:`Preset` names the columns it knows (header text, compared without case and spaces at
either end) and what each becomes. :class:`IntervalReader` reads the rows of one file with a
preset and turns each into a :class:`ParsedRow`: the queue (or line) named, the interval start
in UTC, its length and the stored fields as text. Whole-number and consistency checks run later,
set-based, in SQL (``services/statistics_import``); what only Python can judge (dates, zones,
durations, averages) is checked here and reported as :class:`RowError` with row and column.

Local times without an offset are read in the given zone. In the hour a DST change repeats
(autumn), the first occurrence of a local time for a queue is the earlier instant and the second
the later one, as exports list them in order; a local time the spring change skips does not
exist and is an error.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from operator import itemgetter
from zoneinfo import ZoneInfo

from scheduling.planning.importing.reading import FileRefused

COUNT_FIELDS = (
    "offered",
    "answered",
    "abandoned",
    "short_abandoned",
    "answered_within_threshold",
    "abandoned_within_threshold",
    "flowed_out",
    "first_responses",
    "first_responses_within_target",
)
SECONDS_FIELDS = (
    "answered_wait_seconds",
    "talk_seconds",
    "hold_seconds",
    "acw_seconds",
    "first_response_seconds",
)
FIELDS = COUNT_FIELDS + SECONDS_FIELDS
FIELD_INDEX = {name: index for index, name in enumerate(FIELDS)}

# Roles of a column besides a stored field.
START, END, MINUTES, QUEUE, IGNORED = "start", "end", "minutes", "queue", "ignored"
NULL = "\\N"  # COPY's text format for a missing value
_DIGITS_ROW = re.compile(r"(?:[0-9]{1,15}\t)*[0-9]{1,15}")


@dataclass(frozen=True)
class RowError:
    row: int  # 1 = the first data row after the header
    column: str
    message: str

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "message": self.message}


@dataclass(slots=True)
class ParsedRow:
    number: int
    line_key: str
    starts_at: datetime | None  # UTC; None when the start could not be read
    minutes: int | None
    values: str  # FIELDS in order, tab-separated: digits, "-" digits (SQL refuses it) or NULL


@dataclass(frozen=True)
class Column:
    """One known column: ``names`` (header aliases), and what it becomes.

    ``kind`` is ``count`` (a whole number into ``target``), ``total`` (a duration summed over
    the interval into ``target``), ``average`` (an average duration, times the count in
    ``base``), ``percent`` (a percent of the contacts ``base`` names, into ``target``), or a
    role (``start``, ``end``, ``minutes``, ``queue``, ``ignored``)."""

    names: tuple[str, ...]
    kind: str
    target: str = ""
    base: str = ""
    note: str = ""


@dataclass(frozen=True)
class Preset:
    key: str
    label: str
    columns: tuple[Column, ...]
    required: tuple[str, ...]  # header names that must be present (first alias of a column)
    pass_through: bool = False  # neutral: values go to SQL as written
    default_duration_unit: str = "seconds"
    prefix_patterns: tuple[tuple[re.Pattern, Column], ...] = ()

    def find(self, header: str) -> Column | None:
        key = _norm(header)
        for column in self.columns:
            if key in (_norm(name) for name in column.names):
                return column
        for pattern, column in self.prefix_patterns:
            match = pattern.fullmatch(header.strip())
            if match:
                return Column(
                    names=(header,),
                    kind=column.kind,
                    target=column.target,
                    base=column.base,
                    note=column.note.format(*match.groups()),
                )
        return None


def _norm(text: str) -> str:
    return " ".join(text.strip().lower().replace("_", " ").split())


NEUTRAL = Preset(
    key="neutral",
    label="Neutral columns",
    pass_through=True,
    columns=(
        Column(("interval_start",), START),
        Column(("interval_minutes",), MINUTES),
        Column(("service_line", "queue"), QUEUE),
        *(Column((name,), "count", name) for name in COUNT_FIELDS),
        *(Column((name,), "total", name) for name in SECONDS_FIELDS),
    ),
    required=("interval_start", "offered"),
)

GENESYS_CLOUD = Preset(
    key="genesys-cloud",
    label="Genesys Cloud (queue performance, interval view)",
    default_duration_unit="milliseconds",
    columns=(
        Column(("Interval Start",), START),
        Column(("Interval End",), END),
        Column(("Queue Name", "Queue"), QUEUE),
        Column(("Offer", "Offered"), "count", "offered"),
        Column(("Answer", "Answered"), "count", "answered"),
        Column(("Abandon", "Abandoned"), "count", "abandoned"),
        Column(("Short Abandon",), "count", "short_abandoned"),
        Column(("Flow-Out", "Flowout"), "count", "flowed_out"),
        Column(
            ("Service Level %",),
            "percent",
            "answered_within_threshold",
            base="answered+abandoned-short_abandoned",
            note="answered within threshold = Service Level % x (Answer + Abandon - Short Abandon)",
        ),
        Column(
            ("ASA", "Avg Answer"),
            "average",
            "answered_wait_seconds",
            base="answered",
            note="x Answer",
        ),
        Column(("Total Talk",), "total", "talk_seconds"),
        Column(("Total Hold",), "total", "hold_seconds"),
        Column(("Total ACW",), "total", "acw_seconds"),
        Column(
            ("Interval Complete", "Filters", "Media Type", "Queue Id", "Answer %", "Abandon %"),
            IGNORED,
            note="not stored: context or computed from the counts",
        ),
        Column(
            (
                "Service Level Target %",
                "Avg Wait",
                "Avg Handle",
                "Avg Talk",
                "Avg Hold",
                "Avg ACW",
                "Total Handle",
                "Wait",
                "Handle",
            ),
            IGNORED,
            note="not stored: computed from the totals",
        ),
    ),
    required=("Interval Start", "Offer", "Answer", "Abandon"),
)

AMAZON_CONNECT = Preset(
    key="amazon-connect",
    label="Amazon Connect (historical metrics report)",
    columns=(
        Column(("StartInterval", "Interval start time", "Start interval"), START),
        Column(("EndInterval", "Interval end time", "End interval"), END),
        Column(("Queue",), QUEUE),
        Column(("Contacts queued",), "count", "offered"),
        Column(("Contacts handled",), "count", "answered"),
        Column(("Contacts abandoned",), "count", "abandoned"),
        Column(("Contacts transferred out from queue",), "count", "flowed_out"),
        Column(
            ("Average queue answer time",),
            "average",
            "answered_wait_seconds",
            base="answered",
            note="x Contacts handled",
        ),
        Column(
            ("Average agent interaction time", "Agent interaction time"),
            "average",
            "talk_seconds",
            base="answered",
            note="x Contacts handled",
        ),
        Column(
            ("Average customer hold time",),
            "average",
            "hold_seconds",
            base="answered",
            note="x Contacts handled",
        ),
        Column(
            ("Average after contact work time", "After contact work time"),
            "average",
            "acw_seconds",
            base="answered",
            note="x Contacts handled",
        ),
        Column(
            (
                "Channel",
                "Average handle time",
                "Average queue abandon time",
                "Abandonment rate",
                "Contacts handled incoming",
                "Contacts transferred out",
                "Contacts put on hold",
                "Occupancy",
            ),
            IGNORED,
            note="not stored: context or computed from the counts",
        ),
    ),
    prefix_patterns=(
        (
            re.compile(r"Service level (\d+) seconds?", re.IGNORECASE),
            Column(
                (),
                "percent",
                "answered_within_threshold",
                base="offered",
                note="answered within threshold = Service level {0} s x Contacts queued",
            ),
        ),
    ),
    required=("StartInterval", "Queue", "Contacts queued", "Contacts handled"),
)

PRESETS = {preset.key: preset for preset in (NEUTRAL, GENESYS_CLOUD, AMAZON_CONNECT)}


# --- values ---------------------------------------------------------------------------------------

_DATETIME_PATTERNS_READ = (
    "%m/%d/%Y %H:%M",
    "%m/%d/%Y %H:%M:%S",
    "%m/%d/%Y %I:%M %p",
    "%m/%d/%Y %I:%M:%S %p",
    "%m/%d/%y %H:%M",
    "%m/%d/%y %I:%M %p",
    "%d.%m.%Y %H:%M",
)


def parse_timestamp(text: str) -> datetime:
    """A datetime from ISO 8601 (with or without offset) or a US/European spreadsheet form."""
    text = text.strip()
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        pass
    for pattern in _DATETIME_PATTERNS_READ:
        try:
            return datetime.strptime(text, pattern)  # noqa: DTZ007 (read in the file's zone)
        except ValueError:
            continue
    raise ValueError(text)


_CLOCK = re.compile(r"(\d+):([0-5]\d):([0-5]\d(?:\.\d+)?)")


def parse_duration(text: str, unit: str) -> float:
    """Seconds from ``HH:MM:SS[.fff]`` or a plain number in ``unit``; ValueError otherwise."""
    text = text.strip()
    match = _CLOCK.fullmatch(text)
    if match:
        hours, minutes, seconds = match.groups()
        return int(hours) * 3600 + int(minutes) * 60 + float(seconds)
    value = float(text.replace(",", ""))
    if value != value or value in (float("inf"), float("-inf")):
        raise ValueError(text)
    return value / 1000 if unit == "milliseconds" else value


def parse_number(text: str) -> float:
    text = text.strip().rstrip("%").replace(",", "")
    value = float(text)
    if value != value or value in (float("inf"), float("-inf")):
        raise ValueError(text)
    return value


class TimeReader:
    """Local or offset times to UTC, in one zone, with the autumn hour read in file order."""

    def __init__(self, zone: ZoneInfo) -> None:
        self.zone = zone
        self.cache: dict[str, datetime] = {}
        self.seen_ambiguous: set[tuple[str, datetime]] = set()

    def to_utc(self, text: str, line_key: str) -> datetime:
        cached = self.cache.get(text)
        if cached is not None:
            return cached
        moment = parse_timestamp(text)
        if moment.tzinfo is not None:
            result = moment.astimezone(UTC)
            self.cache[text] = result
            return result
        early = moment.replace(tzinfo=self.zone, fold=0)
        late = moment.replace(tzinfo=self.zone, fold=1)
        result = early.astimezone(UTC)
        if result.astimezone(self.zone).replace(tzinfo=None) != moment:
            raise NonexistentTime(moment)  # in the gap of the spring change
        if early.utcoffset() == late.utcoffset():
            self.cache[text] = result
            return result
        # Repeated hour (autumn): never cached, its reading depends on the order.
        key = (line_key, moment)
        if key in self.seen_ambiguous:
            return late.astimezone(UTC)
        self.seen_ambiguous.add(key)
        return early.astimezone(UTC)


class NonexistentTime(ValueError):
    pass


# --- the reader -------------------------------------------------------------------------------------


@dataclass
class MappedColumn:
    index: int
    header: str
    column: Column


@dataclass
class IntervalReader:
    """Reads the rows of one file with ``preset``; problems gather in ``errors``.

    ``errors`` keeps the first ``max_errors``; ``error_count`` counts all of them."""

    preset: Preset
    zone: ZoneInfo
    duration_unit: str = "seconds"
    max_errors: int = 200
    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0
    warnings: list[str] = field(default_factory=list)
    mapping: list[dict] = field(default_factory=list)
    unknown_columns: list[str] = field(default_factory=list)
    row_count: int = 0

    def error(self, row: int, column: str, message: str) -> None:
        self.error_count += 1
        if len(self.errors) < self.max_errors:
            self.errors.append(RowError(row, column, message))

    def map_header(self, header: list[str]) -> list[MappedColumn]:
        mapped: list[MappedColumn] = []
        found: set[str] = set()
        targets: set[str] = set()
        for index, name in enumerate(header):
            if not name.strip():
                continue
            column = self.preset.find(name)
            if column is None:
                self.unknown_columns.append(name.strip())
                self.mapping.append({"column": name.strip(), "field": "", "note": "not known"})
                continue
            if column.target and column.target in targets:
                self.warnings.append(f"Column '{name.strip()}' repeats {column.target}; ignored.")
                continue
            targets.add(column.target or column.kind)
            found.add(_norm(column.names[0]) if column.names else _norm(name))
            mapped.append(MappedColumn(index, name.strip(), column))
            self.mapping.append(
                {
                    "column": name.strip(),
                    "field": column.target or ("" if column.kind == IGNORED else column.kind),
                    "note": column.note,
                }
            )
        missing = [name for name in self.preset.required if _norm(name) not in found]
        if missing:
            raise FileRefused(self._wrong_format(header, missing))
        return mapped

    def _wrong_format(self, header: list[str], missing: list[str]) -> str:
        names = ", ".join(f"'{name}'" for name in missing)
        message = (
            f"The file does not have the columns of the {self.preset.label} format: "
            f"{names} missing."
        )
        present = {_norm(name) for name in header}
        for other in PRESETS.values():
            if other is not self.preset and all(_norm(r) in present for r in other.required):
                message += f" Its columns are those of the {other.label} format: choose that one."
                break
        return message

    def rows(self, raw_rows: Iterable[list[str]]) -> Iterator[ParsedRow]:
        iterator = iter(raw_rows)
        try:
            header = next(iterator)
        except StopIteration:
            raise FileRefused("The file is empty.") from None
        mapped = self.map_header(header)
        if self.preset.pass_through:
            yield from self._neutral_rows(mapped, iterator)
        else:
            yield from self._preset_rows(mapped, iterator)

    def whole_number(self, text: str, number: int, header: str) -> str:
        """The text of a whole number as COPY takes it; empty is 0. A negative number passes
        (the SQL checks name it); anything else is an error here and NULL in the staging."""
        value = text.strip()
        if not value:
            return "0"
        if value.isdigit() and len(value) <= 15:
            return value
        if value[0] == "-" and value[1:].isdigit() and len(value) <= 16:
            return value
        self.error(number, header, f"'{value}' is not a whole number.")
        return NULL

    # The neutral format's numbers are only read here; SQL checks them set-based.
    def _neutral_rows(self, mapped, iterator) -> Iterator[ParsedRow]:
        times = TimeReader(self.zone)
        start = next(m for m in mapped if m.column.kind == START)
        queue = next((m for m in mapped if m.column.kind == QUEUE), None)
        minutes = next((m for m in mapped if m.column.kind == MINUTES), None)
        slots: list[int | None] = [None] * len(FIELDS)
        for m in mapped:
            if m.column.target in FIELD_INDEX:
                slots[FIELD_INDEX[m.column.target]] = m.index
        width = max(m.index for m in mapped) + 1
        names = {m.index: m.header for m in mapped}
        indexes = [-1 if i is None else i for i in slots]
        pick = itemgetter(*indexes)
        digits_row = _DIGITS_ROW.fullmatch
        number = 0
        for raw in iterator:
            number += 1
            if not raw or (len(raw) == 1 and not raw[0].strip()):
                number -= 1
                continue
            if len(raw) < width:
                raw = raw + [""] * (width - len(raw))
            line_key = raw[queue.index].strip() if queue else ""
            starts_at = self._start(times, raw[start.index], start.header, number, line_key)
            length = None
            if minutes is not None:
                text = raw[minutes.index].strip()
                if text:
                    length = self._minutes(text, minutes.header, number)
            raw.append("0")  # what a column the file lacks reads as
            joined = "\t".join(pick(raw))
            if not digits_row(joined):
                joined = "\t".join(
                    self.whole_number(raw[i], number, names.get(i, "")) for i in indexes
                )
            yield ParsedRow(number, line_key, starts_at, length, joined)
        self.row_count = number

    def _start(self, times: TimeReader, text: str, header: str, number: int, line_key: str):
        if not text.strip():
            self.error(number, header, "is empty; every row needs its interval's start.")
            return None
        try:
            return times.to_utc(text, line_key)
        except NonexistentTime:
            self.error(
                number,
                header,
                f"{text.strip()} does not exist in {self.zone.key}: the clocks moved forward "
                "that night. Export with a UTC offset, or check the zone.",
            )
        except (ValueError, OverflowError):
            self.error(
                number,
                header,
                f"'{text.strip()}' is not a date and time (e.g. 2026-11-23T09:00:00-05:00).",
            )
        return None

    def _minutes(self, text: str, header: str, number: int) -> int | None:
        try:
            value = int(text)
        except ValueError:
            self.error(number, header, f"'{text}' is not a number of minutes.")
            return None
        return value

    def _preset_rows(self, mapped, iterator) -> Iterator[ParsedRow]:
        times = TimeReader(self.zone)
        by_kind: dict[str, list[MappedColumn]] = {}
        for m in mapped:
            by_kind.setdefault(m.column.kind, []).append(m)
        start = by_kind[START][0]
        end = by_kind.get(END, [None])[0]
        queue = by_kind.get(QUEUE, [None])[0]
        counts = by_kind.get("count", [])
        totals = by_kind.get("total", [])
        averages = by_kind.get("average", [])
        percents = by_kind.get("percent", [])
        width = max(m.index for m in mapped) + 1
        unit = self.duration_unit
        number = 0
        for raw in iterator:
            number += 1
            if not raw or (len(raw) == 1 and not raw[0].strip()):
                number -= 1
                continue
            if len(raw) < width:
                raw = raw + [""] * (width - len(raw))
            line_key = raw[queue.index].strip() if queue else ""
            starts_at = self._start(times, raw[start.index], start.header, number, line_key)
            length = None
            if end is not None and starts_at is not None and raw[end.index].strip():
                ends_at = self._start(times, raw[end.index], end.header, number, line_key)
                if ends_at is not None:
                    length = int((ends_at - starts_at) / timedelta(minutes=1))
            numbers: dict[str, float] = {}
            values = ["0"] * len(FIELDS)
            for m in counts:
                numbers[m.column.target] = self._number(raw[m.index], m.header, number, values, m)
            for m in totals:
                text = raw[m.index].strip()
                if text:
                    seconds = self._convert(parse_duration, text, unit, m.header, number)
                    if seconds is not None:
                        values[FIELD_INDEX[m.column.target]] = str(round(seconds))
            for m in averages:
                text = raw[m.index].strip()
                if text:
                    seconds = self._convert(parse_duration, text, unit, m.header, number)
                    if seconds is not None:
                        total = seconds * numbers.get(m.column.base, 0.0)
                        values[FIELD_INDEX[m.column.target]] = str(round(total))
            for m in percents:
                text = raw[m.index].strip()
                if text:
                    percent = self._convert(
                        lambda t, _u: parse_number(t), text, unit, m.header, number
                    )
                    if percent is not None:
                        if not 0 <= percent <= 100:
                            self.error(number, m.header, f"{text} is not a percent from 0 to 100.")
                            continue
                        base = _base(m.column.base, numbers)
                        within = round(percent / 100 * base)
                        within = min(within, int(numbers.get("answered", within)))
                        values[FIELD_INDEX[m.column.target]] = str(max(within, 0))
            yield ParsedRow(number, line_key, starts_at, length, "\t".join(values))
        self.row_count = number

    def _number(self, text: str, header: str, number: int, values: list[str], m) -> float:
        text = text.strip()
        if not text:
            return 0.0
        try:
            value = parse_number(text)
        except ValueError:
            self.error(number, header, f"'{text}' is not a whole number.")
            return 0.0
        if value != int(value):
            self.error(number, header, f"'{text}' is not a whole number.")
            return 0.0
        values[FIELD_INDEX[m.column.target]] = str(int(value))
        return value

    def _convert(self, parse: Callable[[str, str], float], text, unit, header, number):
        try:
            value = parse(text, unit)
        except ValueError:
            self.error(number, header, f"'{text}' is not a duration (seconds, ms or HH:MM:SS).")
            return None
        if value < 0:
            self.error(number, header, f"'{text}' is negative.")
            return None
        return value


def _base(expression: str, numbers: dict[str, float]) -> float:
    """``answered+abandoned-short_abandoned`` over the row's counts."""
    total = 0.0
    for sign, name in re.findall(r"([+-]?)([a-z_]+)", expression):
        value = numbers.get(name, 0.0)
        total += -value if sign == "-" else value
    return max(total, 0.0)
