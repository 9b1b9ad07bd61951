"""Which part of a span of clock time falls at night, on a holiday or inside a window, on a
local wall clock (DST included: the windows are built from local times, compared as instants).
"""

from __future__ import annotations

from collections.abc import Callable, Container
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

SECOND = timedelta(seconds=1)


def seconds_between(start: datetime, end: datetime) -> int:
    # in UTC: Python subtracts and compares two datetimes of the same zone on the wall clock,
    # which is an hour off across a DST change
    return max(0, (end.astimezone(UTC) - start.astimezone(UTC)) // SECOND)


def _overlap(a: datetime, b: datetime, c: datetime, d: datetime) -> int:
    a, b, c, d = (moment.astimezone(UTC) for moment in (a, b, c, d))
    return seconds_between(max(a, c), min(b, d))


def _local(day: date, at: time, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, at, tzinfo=zone).astimezone(UTC)


def _days_touched(start: datetime, end: datetime, zone: ZoneInfo) -> list[date]:
    first = start.astimezone(zone).date() - timedelta(days=1)
    last = end.astimezone(zone).date()
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def seconds_in_daily_window(
    start: datetime,
    end: datetime,
    window_starts: time,
    window_ends: time,
    zone: ZoneInfo,
    on_day: Callable[[date], bool] = lambda day: True,
) -> int:
    """Seconds of [start, end) between ``window_starts`` and ``window_ends`` local time of
    each day that ``on_day`` accepts (the day the window opens); a window whose end is not
    after its start runs past midnight (22:00-06:00)."""
    total = 0
    for day in _days_touched(start, end, zone):
        if not on_day(day):
            continue
        opens = _local(day, window_starts, zone)
        closes_day = day if window_ends > window_starts else day + timedelta(days=1)
        closes = _local(closes_day, window_ends, zone)
        total += _overlap(start, end, opens, closes)
    return total


def seconds_on_days(start: datetime, end: datetime, days: Container[date], zone: ZoneInfo) -> int:
    """Seconds of [start, end) that fall on local dates in ``days``."""
    total = 0
    for day in _days_touched(start, end, zone):
        if day in days:
            opens = _local(day, time(0), zone)
            closes = _local(day + timedelta(days=1), time(0), zone)
            total += _overlap(start, end, opens, closes)
    return total


def window_seconds_in_days(
    first: date,
    last: date,
    window_starts: time,
    window_ends: time,
    zone: ZoneInfo,
    weekdays: Container[int] | None = None,
) -> int:
    """How many seconds the daily window is open from ``first`` to ``last`` (windows opening
    on those days), on the given weekdays (None: every day)."""
    total = 0
    day = first
    while day <= last:
        if weekdays is None or day.weekday() in weekdays:
            opens = _local(day, window_starts, zone)
            closes_day = day if window_ends > window_starts else day + timedelta(days=1)
            total += seconds_between(opens, _local(closes_day, window_ends, zone))
        day += timedelta(days=1)
    return total
