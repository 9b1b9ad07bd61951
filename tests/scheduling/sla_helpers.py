"""Interval statistics made directly (bulk_create) for the SLA figures' tests."""

from __future__ import annotations

from datetime import datetime, timedelta

from scheduling.planning.models import IntervalStatistic


def interval(line, starts_at: datetime, minutes: int = 15, **counts) -> IntervalStatistic:
    """One interval; ``answered``/``abandoned`` default to what ``offered`` allows."""
    counts.setdefault("offered", counts.get("answered", 0) + counts.get("abandoned", 0))
    return IntervalStatistic(
        service_line=line, starts_at=starts_at, interval_minutes=minutes, **counts
    )


def store(*rows: IntervalStatistic) -> list[IntervalStatistic]:
    return IntervalStatistic.objects.bulk_create(rows)


def busy_week(lines, monday_utc: datetime, minutes: int = 15) -> int:
    """Every interval of a week (7 x 24 h from ``monday_utc``) for each of ``lines``, with
    realistic varying counts. Returns the number of rows stored."""
    rows = []
    steps = 7 * 24 * 60 // minutes
    for line_number, line in enumerate(lines):
        for step in range(steps):
            offered = 5 + (step * 7 + line_number * 3) % 40
            answered = offered - offered // 8
            abandoned = offered - answered
            rows.append(
                IntervalStatistic(
                    service_line=line,
                    starts_at=monday_utc + timedelta(minutes=minutes * step),
                    interval_minutes=minutes,
                    offered=offered,
                    answered=answered,
                    abandoned=abandoned,
                    short_abandoned=abandoned // 3,
                    answered_within_threshold=answered - answered // 5,
                    abandoned_within_threshold=abandoned // 2,
                    answered_wait_seconds=answered * 14,
                    talk_seconds=answered * 240,
                    hold_seconds=answered * 20,
                    acw_seconds=answered * 40,
                )
            )
    IntervalStatistic.objects.bulk_create(rows, batch_size=2000)
    return len(rows)
