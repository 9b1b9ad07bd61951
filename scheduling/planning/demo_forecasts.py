"""The demo's stored forecasts, for ``seed_demo``: a forecast and staffing requirement of next
week for every demo line with enough statistics (``demo_statistics`` writes ten weeks of them).
Runs the same path as the worker, synchronously. Idempotent: a line with a ready forecast of
next week is left alone."""

from __future__ import annotations

from datetime import date, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from bpo.catalog.models import ServiceLine, ServiceLineStatus
from bpo.errors import DomainError
from scheduling.planning.forecasting import local_midnight_utc, next_week_start
from scheduling.planning.models import Forecast, ForecastStatus
from scheduling.planning.services.forecasts import create_forecast_now


def seed_forecasts(*, client, scheduler=None, weeks_back: int = 0) -> list[str]:
    """Forecast next week for each of ``client``'s lines (its schema active), and with
    ``weeks_back`` the weeks before it too (this week, last week: the demo plans them)."""
    zone = ZoneInfo(client.time_zone)
    next_monday = next_week_start(zone=zone, now=timezone.now())
    changes: list[str] = []
    for back in range(weeks_back, -1, -1):
        changes.extend(
            _seed_week(client, scheduler, next_monday - timedelta(weeks=back), next_monday)
        )
    return changes


def _seed_week(client, scheduler, monday: date, next_monday: date) -> list[str]:
    changes: list[str] = []
    starts_at = local_midnight_utc(monday, ZoneInfo(client.time_zone))
    which = "next week" if monday == next_monday else f"the week of {monday.isoformat()}"
    lines = ServiceLine.objects.exclude(status=ServiceLineStatus.RETIRED).order_by("name")
    for line in lines:
        if Forecast.objects.filter(
            service_line=line, status=ForecastStatus.READY, starts_at=starts_at
        ).exists():
            continue
        try:
            forecast = create_forecast_now(
                service_line=line,
                weeks=1,
                actor=scheduler,
                start_day=None if monday == next_monday else monday,
            )
        except DomainError:
            continue  # too little history (a line without statistics): nothing to forecast
        if forecast.is_ready:
            changes.append(
                f"forecast of {line.name} for {which} (version {forecast.version}, "
                f"{forecast.requirement_model or 'no requirement'})"
            )
    return changes
