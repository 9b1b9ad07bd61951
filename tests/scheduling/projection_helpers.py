"""A week for the SLA projection's tests: client A (New York) in 2026-W50, Monday 7 December
2026 00:00 local = 05:00 UTC; a ready forecast of 30-minute intervals made directly, and a
plan published through the publishing service."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from scheduling.planning.models import Forecast, ForecastInterval, Plan, PlanShift
from scheduling.planning.selectors.sla import IsoWeek, week_bounds
from scheduling.planning.services.publishing import publish_plan

NEW_YORK = ZoneInfo("America/New_York")
WEEK = IsoWeek(2026, 50)


def local(day: int, hour: float, week: IsoWeek = WEEK) -> datetime:
    """``hour`` o'clock New York time on day ``day`` (0 Monday) of ``week``, in UTC."""
    when = week.monday + timedelta(days=day)
    whole = int(hour)
    moment = datetime(
        when.year, when.month, when.day, whole, int((hour - whole) * 60), tzinfo=NEW_YORK
    )
    return moment.astimezone(UTC)


def make_forecast(
    line,
    volumes: dict[datetime, float],
    *,
    week: IsoWeek = WEEK,
    aht_seconds: float = 180,
    until: datetime | None = None,
    minutes: int = 30,
    version: int = 1,
) -> Forecast:
    """A ready forecast of ``week`` on a ``minutes`` grid in UTC steps (a DST week has 338 or
    334 half hours), ``volumes`` at the given starts and 0 elsewhere, up to ``until``."""
    start, end = week_bounds(week, NEW_YORK)
    forecast = Forecast.objects.create(
        service_line=line,
        version=version,
        status="ready",
        weeks=1,
        starts_at=start,
        ends_at=end,
        interval_minutes=minutes,
        time_zone="America/New_York",
        completed_at=datetime.now(UTC),
    )
    step, rows, moment = timedelta(minutes=minutes), [], start
    while moment < (until or end):
        volume = volumes.get(moment, 0.0)
        rows.append(
            ForecastInterval(
                forecast=forecast,
                starts_at=moment,
                volume=volume,
                adjusted_volume=volume,
                baseline_volume=volume,
                aht_seconds=aht_seconds if volume else 0,
            )
        )
        moment += step
    ForecastInterval.objects.bulk_create(rows)
    return forecast


def work(start: datetime, end: datetime, line) -> dict:
    return {"start": start.isoformat(), "end": end.isoformat(), "kind": "work", "line": line.pk}


def lunch(start: datetime, end: datetime) -> dict:
    return {"start": start.isoformat(), "end": end.isoformat(), "kind": "lunch", "line": None}


def publish(user, shifts, *, week: IsoWeek = WEEK) -> Plan:
    """Publish a plan of ``shifts``: (agent, line, start, end, activities or None)."""
    plan = Plan.objects.create(week_starts_on=week.monday, time_zone="America/New_York")
    for agent, line, start, end, activities in shifts:
        PlanShift.objects.create(
            plan=plan,
            agent_id=agent.pk,
            service_line=line,
            starts_at=start,
            ends_at=end,
            activities=activities or [],
        )
    publish_plan(plan=plan, user=user)
    plan.refresh_from_db()
    return plan
