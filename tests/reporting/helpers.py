"""Statistics of one client week for the weekly report's tests and benchmark, made directly
(bulk_create), and the report rendered through the worker's own path."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from bpo.catalog.models import Channel
from scheduling.planning.models import DailyExperience, IntervalStatistic
from scheduling.planning.selectors.sla import IsoWeek, week_bounds


def week_rows(line, week: IsoWeek, zone: ZoneInfo, *, seed: int = 0, minutes: int = 15):
    """Every interval of the local week (167, 168 or 169 hours) with varying counts."""
    start, end = week_bounds(week, zone)
    rows = []
    step = 0
    moment = start
    while moment < end:
        hour = moment.astimezone(zone).hour
        busy = 8 <= hour < 20
        offered = (12 + (step * 7 + seed * 5) % 30) if busy else (step + seed) % 4
        abandoned = offered // 9 + (step % 3 == 0 and offered > 3)
        answered = offered - abandoned
        rows.append(
            IntervalStatistic(
                service_line=line,
                starts_at=moment,
                interval_minutes=minutes,
                offered=offered,
                answered=answered,
                abandoned=abandoned,
                short_abandoned=abandoned // 3,
                answered_within_threshold=answered - (answered * ((step + seed) % 5)) // 10,
                abandoned_within_threshold=abandoned // 2,
                answered_wait_seconds=answered * (8 + (step + seed) % 25),
                talk_seconds=answered * (200 + (step * 13 + seed) % 90),
                hold_seconds=answered * 15,
                acw_seconds=answered * (30 + step % 20),
            )
        )
        moment += timedelta(minutes=minutes)
        step += 1
    return rows


def store_week(lines, week: IsoWeek, zone: ZoneInfo) -> list[IntervalStatistic]:
    rows = []
    for index, line in enumerate(lines):
        rows.extend(week_rows(line, week, zone, seed=index))
    return IntervalStatistic.objects.bulk_create(rows, batch_size=2000)


def store_experience(line, week: IsoWeek, channel: str = Channel.VOICE) -> list[DailyExperience]:
    rows = [
        DailyExperience(
            service_line=line,
            day=day,
            channel=channel,
            source="aggregate",
            csat_responses=20 + index,
            csat_satisfied=15 + index // 2,
            csat_sum=(20 + index) * 4,
            ces_responses=10,
            ces_sum=30 + index,
            fcr_responses=30,
            fcr_resolved=22 + index % 3,
        )
        for index, day in enumerate(week.days)
    ]
    return DailyExperience.objects.bulk_create(rows)


def line_targets() -> dict:
    return {
        "service_level_percent": Decimal("80"),
        "service_level_seconds": 20,
        "asa_seconds": 30,
        "max_abandon_percent": Decimal("8"),
        "csat_percent": Decimal("75"),
        "fcr_percent": Decimal("70"),
    }


def utc(*args) -> datetime:
    from datetime import UTC

    return datetime(*args, tzinfo=UTC)
