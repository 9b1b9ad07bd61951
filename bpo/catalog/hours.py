"""Hours of operation: "is this line open at <instant>" and "open intervals between a and b".

Plain data in, aware UTC datetimes out; no Django. The week is written in the client's local
wall time (IANA zone); each local span is converted to UTC on its own date, so a span keeps
its wall-clock times across daylight-saving changes (a 00:00-00:00 day lasts 23 or 25 hours
on the change days). A wall time stands for the first instant at which the local clock shows
it or a later time: one that does not exist (skipped by a spring-forward change, 02:30 in New
York) is the end of the gap (03:00, when the clock jumps past it); an ambiguous one (repeated
by a fall-back change) is its first occurrence.

Rules, in order, for the spans that open on a local date:
1. a date override (closed, or other hours) wins;
2. else, on a public holiday of the country when the line closes on holidays: closed;
3. else, the weekday's spans (every day 00:00-00:00 for a 24/7 line).
A span that runs past midnight belongs to the day on which it opens.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays as holidays_library

MIDNIGHT = time(0, 0)


@dataclass(frozen=True)
class Span:
    weekday: int  # 0 = Monday
    opens_at: time
    closes_at: time

    @property
    def crosses_midnight(self) -> bool:
        return self.closes_at <= self.opens_at

    def minutes(self) -> int:
        start = self.opens_at.hour * 60 + self.opens_at.minute
        end = self.closes_at.hour * 60 + self.closes_at.minute
        return end - start if end > start else end - start + 24 * 60


@dataclass(frozen=True)
class DayHours:
    """A date's own hours: closed (no times) or open from ``opens_at`` to ``closes_at``."""

    is_closed: bool
    opens_at: time | None = None
    closes_at: time | None = None


@dataclass(frozen=True)
class WeeklyHours:
    time_zone: str
    spans: tuple[Span, ...] = ()
    is_open_24_7: bool = False
    country: str | None = None  # ISO 3166-1 alpha-2; None: no public holidays
    closed_on_public_holidays: bool = True
    overrides: Mapping[date, DayHours] = field(default_factory=dict)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)


@lru_cache(maxsize=256)
def _holidays_of_year(country: str, year: int) -> dict[date, str]:
    try:
        calendar = holidays_library.country_holidays(country, years=year)
    except NotImplementedError:  # a country the library does not cover: no holidays
        return {}
    return dict(sorted(calendar.items()))


def public_holidays(country: str | None, start: date, end: date) -> dict[date, str]:
    """The country's public holidays from ``start`` to ``end`` inclusive, by date."""
    if not country:
        return {}
    found: dict[date, str] = {}
    for year in range(start.year, end.year + 1):
        for day, name in _holidays_of_year(country.upper(), year).items():
            if start <= day <= end:
                found[day] = name
    return found


def is_supported_country(country: str) -> bool:
    return bool(country) and country.upper() in holidays_library.list_supported_countries()


def to_utc(day: date, wall_time: time, zone: ZoneInfo) -> datetime:
    """The first instant at which the clock of ``zone`` shows ``wall_time`` on ``day`` or later.

    An ambiguous wall time (a fall-back night repeats it) is its first occurrence; a skipped
    one (a spring-forward night jumps over it) is the instant of the jump, the end of the gap:
    a line that opens at 02:30 opens when the clock jumps from 02:00 to 03:00, and one that
    closes at 02:30 closes then too (never later than any wall time it shows).
    """
    local = datetime.combine(day, wall_time, tzinfo=zone)  # fold=0: the earlier offset
    instant = local.astimezone(UTC)
    if instant.astimezone(zone).replace(tzinfo=None) == local.replace(tzinfo=None):
        return instant
    # Skipped: with the offset before the jump, ``instant`` lands after it; with the offset
    # after the jump, before it. The jump lies between; offsets change on whole seconds.
    earlier = local.replace(fold=1).astimezone(UTC)
    return _first_instant_with_offset(earlier, instant, zone, instant.astimezone(zone).utcoffset())


def _first_instant_with_offset(
    low: datetime, high: datetime, zone: ZoneInfo, offset: timedelta | None
) -> datetime:
    """The earliest whole second in (``low``, ``high``] whose offset in ``zone`` is ``offset``
    (``high`` has it, ``low`` not; one change lies between)."""
    low_second, high_second = int(low.timestamp()), int(high.timestamp())
    while high_second - low_second > 1:
        middle = (low_second + high_second) // 2
        if datetime.fromtimestamp(middle, UTC).astimezone(zone).utcoffset() == offset:
            high_second = middle
        else:
            low_second = middle
    return datetime.fromtimestamp(high_second, UTC)


def local_spans(hours: WeeklyHours, day: date) -> list[tuple[time, time]]:
    """The (opens, closes) wall-time spans that open on local ``day`` after all the rules."""
    override = hours.overrides.get(day)
    if override is not None:
        if override.is_closed or override.opens_at is None or override.closes_at is None:
            return []
        return [(override.opens_at, override.closes_at)]
    if hours.closed_on_public_holidays and public_holidays(hours.country, day, day):
        return []
    if hours.is_open_24_7:
        return [(MIDNIGHT, MIDNIGHT)]
    weekday = day.weekday()
    return sorted((s.opens_at, s.closes_at) for s in hours.spans if s.weekday == weekday)


def _day_intervals(hours: WeeklyHours, day: date) -> list[tuple[datetime, datetime]]:
    zone = hours.zone
    intervals = []
    for opens_at, closes_at in local_spans(hours, day):
        start = to_utc(day, opens_at, zone)
        end_day = day + timedelta(days=1) if closes_at <= opens_at else day
        end = to_utc(end_day, closes_at, zone)
        if end > start:
            intervals.append((start, end))
    return intervals


def _merge(intervals: Iterable[tuple[datetime, datetime]]) -> list[tuple[datetime, datetime]]:
    merged: list[tuple[datetime, datetime]] = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def _require_aware(*instants: datetime) -> None:
    for instant in instants:
        if instant.tzinfo is None or instant.utcoffset() is None:
            raise ValueError("instants must be time-zone aware")


def open_intervals(
    hours: WeeklyHours, start: datetime, end: datetime
) -> list[tuple[datetime, datetime]]:
    """The open intervals between ``start`` and ``end`` (clipped, merged, in UTC)."""
    _require_aware(start, end)
    # In UTC first: Python compares two datetimes of the same zone by their wall times, which
    # puts the second 01:15 of a fall-back night before the first 01:59.
    start_utc, end_utc = start.astimezone(UTC), end.astimezone(UTC)
    if end_utc <= start_utc:
        return []
    zone = hours.zone
    # A span opening the day before ``start`` may still be running (overnight).
    first_day = start_utc.astimezone(zone).date() - timedelta(days=1)
    last_day = end_utc.astimezone(zone).date()
    intervals: list[tuple[datetime, datetime]] = []
    day = first_day
    while day <= last_day:
        intervals.extend(_day_intervals(hours, day))
        day += timedelta(days=1)
    clipped = (
        (max(a, start_utc), min(b, end_utc)) for a, b in intervals if b > start_utc and a < end_utc
    )
    return _merge(clipped)


def is_open(hours: WeeklyHours, at: datetime) -> bool:
    """Whether the line is open at the instant ``at`` (intervals are closed-open: open at
    the opening instant, closed at the closing one)."""
    _require_aware(at)
    instant = at.astimezone(UTC)  # adding to a local time would drop its fold
    return bool(open_intervals(hours, instant, instant + timedelta(microseconds=1)))


def first_overlap(spans: Iterable[Span]) -> tuple[Span, Span] | None:
    """The first two spans that overlap in the week, by wall time (for validation), or None.

    "First" as when comparing every pair in order of opening: the earlier-opening span of
    the pair comes first. Sorting by opening time makes that one linear pass (a span that
    overlaps a later one overlaps its next neighbour too), plus the wrap of the week: a
    Sunday span past midnight against the week's first span.
    """
    week = 7 * 24 * 60

    def start_of(span: Span) -> int:
        return span.weekday * 24 * 60 + span.opens_at.hour * 60 + span.opens_at.minute

    ordered = sorted(((start_of(span), span) for span in spans), key=lambda pair: pair[0])
    if len(ordered) < 2:
        return None
    ends = [start + span.minutes() for start, span in ordered]
    first_start = ordered[0][0]
    wrap = next((j for j in range(1, len(ordered)) if first_start + week < ends[j]), None)
    clash = next((i for i in range(len(ordered) - 1) if ordered[i + 1][0] < ends[i]), None)
    if clash is not None and (clash == 0 or wrap is None):
        return ordered[clash][1], ordered[clash + 1][1]
    if wrap is not None:
        return ordered[0][1], ordered[wrap][1]
    return None
