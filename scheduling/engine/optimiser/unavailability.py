"""Periods an agent cannot work, as the optimiser's ``Agent.unavailable_intervals``.

Plain numbers only: a period is ``(start, end)`` in minutes after interval 0 (Monday 00:00 of
the planned week), end exclusive. Every interval a period touches, even by a minute, is
unavailable, so no shift can cover any part of it. Periods reaching outside the week are
clipped to it (the week is cyclic for shifts, but time off next Monday is next week's).
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from scheduling.engine.errors import EngineInputError


def unavailable_intervals(
    periods: Iterable[tuple[float, float]], *, interval_minutes: float, intervals: int
) -> frozenset[int]:
    """Indices of the week's intervals that overlap any of ``periods``."""
    if interval_minutes <= 0 or intervals <= 0:
        raise EngineInputError(
            field="interval_minutes", message="intervals must be positive and the week non-empty"
        )
    blocked: set[int] = set()
    week_minutes = interval_minutes * intervals
    for start, end in periods:
        if end < start:
            raise EngineInputError(
                field="unavailable", message=f"period ({start}, {end}) ends before it starts"
            )
        start, end = max(start, 0.0), min(end, week_minutes)
        if end <= start:
            continue
        first = math.floor(start / interval_minutes)
        last = math.ceil(end / interval_minutes)  # exclusive
        blocked.update(range(first, min(last, intervals)))
    return frozenset(blocked)
