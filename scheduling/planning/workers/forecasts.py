"""What a worker runs for a forecast: read the statistics, fit, store the version with its
intervals and staffing requirement. Runs in the client's schema (the task carries it)."""

from __future__ import annotations

import logging
import time

import numpy as np
from auditlog.context import set_actor
from django.db import DatabaseError, transaction
from django.db.models import Max
from django.utils import timezone

from bpo.catalog.models import ServiceLine
from bpo.errors import DomainError
from bpo.jobs import services as job_services
from scheduling.planning.forecasting import forecast_line
from scheduling.planning.models import (
    Forecast,
    ForecastInterval,
    ForecastStatus,
    PlanningSettings,
    StaffingRequirement,
)
from scheduling.planning.requirements import compute_requirement, missing_target_message, target_of
from tenants.db import tenant_connection

logger = logging.getLogger(__name__)


def run_forecast(*, forecast_id: int) -> Forecast:
    """Compute and store one forecast run; idempotent (a finished run is returned as it is).

    Progress is reported between steps, outside any transaction; the version number, the
    intervals and the requirement are written in one transaction at the end. A failure marks
    the run and its job failed with the reason.
    """
    forecast = Forecast.objects.select_related("service_line").get(pk=forecast_id)
    if forecast.status in {ForecastStatus.READY, ForecastStatus.FAILED}:
        return forecast
    client = tenant_connection().tenant
    job_id = forecast.job_id

    def report(percent: int, message: str) -> None:
        if job_id:
            job_services.report_progress(job_id=job_id, progress=percent, message=message)

    if job_id:
        job_services.start_job(job_id=job_id)
    Forecast.objects.filter(pk=forecast.pk).update(status=ForecastStatus.RUNNING)
    started = time.perf_counter()
    try:
        report(2, "Starting")
        zone_start = forecast.starts_at.astimezone(_zone(forecast)).date()
        history, result = forecast_line(
            service_line=forecast.service_line,
            client=client,
            weeks=forecast.weeks,
            start_day=zone_start,
            interval_minutes=forecast.interval_minutes,
            progress=report,
        )
        report(80, "Storing the forecast and its staffing requirement")
        forecast = _store(forecast=forecast, history=history, result=result)
    except Exception as exc:
        message = exc.message if isinstance(exc, DomainError) else f"{type(exc).__name__}: {exc}"
        try:
            Forecast.objects.filter(pk=forecast_id).update(
                status=ForecastStatus.FAILED, error=message[:5000], completed_at=timezone.now()
            )
            if job_id:
                job_services.fail_job(job_id=job_id, error=message, message="The forecast failed")
        except DatabaseError:  # the connection is gone: a retry records the outcome
            logger.exception("Could not record the failure of forecast %s", forecast_id)
        if isinstance(exc, DomainError):
            return Forecast.objects.get(pk=forecast_id)
        raise
    seconds = time.perf_counter() - started
    if job_id:
        job_services.finish_job(
            job_id=job_id,
            result={
                "forecast": forecast.pk,
                "version": forecast.version,
                "seconds": round(seconds, 3),
            },
            message=f"Version {forecast.version} of the {forecast.service_line.name} forecast is ready",
        )
    return forecast


def _zone(forecast: Forecast):
    from zoneinfo import ZoneInfo

    return ZoneInfo(forecast.time_zone)


@transaction.atomic
def _store(*, forecast: Forecast, history, result) -> Forecast:
    # The line's row is the lock that numbers versions one after the other.
    ServiceLine.objects.select_for_update().get(pk=forecast.service_line_id)
    forecast = (
        Forecast.objects.select_for_update().select_related("service_line").get(pk=forecast.pk)
    )
    if forecast.status == ForecastStatus.READY:  # a second delivery finished first
        return forecast
    ForecastInterval.objects.filter(forecast=forecast).delete()
    ForecastInterval.objects.bulk_create(
        ForecastInterval(
            forecast=forecast,
            starts_at=start,
            is_open=bool(result.is_open[index]),
            volume=float(result.volume[index]),
            adjusted_volume=float(result.volume[index]),
            baseline_volume=float(result.baseline_volume[index]),
            aht_seconds=float(result.aht_seconds[index]),
        )
        for index, start in enumerate(result.starts)
    )
    latest = Forecast.objects.filter(service_line_id=forecast.service_line_id).aggregate(
        latest=Max("version")
    )["latest"]
    forecast.version = (latest or 0) + 1
    forecast.status = ForecastStatus.READY
    forecast.completed_at = timezone.now()
    forecast.history_starts_at = history.starts_at
    forecast.history_ends_at = history.ends_at
    forecast.history_intervals = history.rows
    forecast.parameters = result.parameters
    forecast.backtest = result.backtest
    forecast.error = ""
    with set_actor(forecast.created_by):
        forecast.save(
            update_fields=[
                "version",
                "status",
                "completed_at",
                "history_starts_at",
                "history_ends_at",
                "history_intervals",
                "parameters",
                "backtest",
                "error",
            ]
        )
    try:
        recompute_requirement(forecast=forecast)
    except DomainError as exc:
        # The forecast stands without a requirement; the page says why.
        forecast.requirement_note = exc.message[:300]
        forecast.save(update_fields=["requirement_note"])
    return forecast


def recompute_requirement(*, forecast: Forecast) -> Forecast:
    """Replace the version's staffing requirement from its (adjusted) intervals. Without a
    target on the line, no rows and a note saying what is missing. Call inside a transaction."""
    line = forecast.service_line
    StaffingRequirement.objects.filter(forecast=forecast).delete()
    settings = PlanningSettings.current()
    forecast.requirement_computed_at = timezone.now()
    target = target_of(line)
    if target is None:
        forecast.requirement_model = ""
        forecast.requirement_inputs = {}
        forecast.requirement_note = missing_target_message(line)
        forecast.save(
            update_fields=[
                "requirement_model",
                "requirement_inputs",
                "requirement_note",
                "requirement_computed_at",
            ]
        )
        return forecast
    rows = list(
        ForecastInterval.objects.filter(forecast=forecast)
        .order_by("starts_at")
        .values_list("starts_at", "adjusted_volume", "aht_seconds", "is_open")
    )
    starts = [row[0] for row in rows]
    volume = np.array([row[1] for row in rows], dtype=np.float64)
    aht = np.array([row[2] for row in rows], dtype=np.float64)
    is_open = np.array([row[3] for row in rows], dtype=bool)
    result = compute_requirement(
        line=line,
        volumes=volume,
        aht_seconds=aht,
        is_open=is_open,
        interval_minutes=forecast.interval_minutes,
        shrinkage_percent=float(settings.shrinkage_percent),
        max_occupancy_percent=float(settings.max_occupancy_percent),
    )
    StaffingRequirement.objects.bulk_create(
        StaffingRequirement(
            forecast=forecast,
            starts_at=start,
            volume=float(volume[index]) if is_open[index] else 0.0,
            aht_seconds=float(aht[index]),
            workload_erlangs=float(result.workload_erlangs[index]),
            required_agents=int(result.required_agents[index]),
            scheduled_agents=int(result.scheduled_agents[index]),
        )
        for index, start in enumerate(starts)
    )
    forecast.requirement_model = result.model
    forecast.requirement_inputs = result.inputs
    forecast.requirement_note = ""
    forecast.save(
        update_fields=[
            "requirement_model",
            "requirement_inputs",
            "requirement_note",
            "requirement_computed_at",
        ]
    )
    return forecast
