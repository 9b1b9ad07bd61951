"""Writes of forecasts: start a run (a background job), adjust a version, (re)compute its
staffing requirement and its accuracy against the actuals.

A run is a ``Forecast`` row from the moment it is requested; it gets its version number when
it is ready (one transaction with its intervals and requirement), so failed runs leave no gap
in the versions. Adjustments are rows; each applies its percentage to ``adjusted_volume`` and
the requirement is computed again, while ``volume`` keeps what the model said.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

import numpy as np
from auditlog.context import set_actor
from django.db import transaction
from django.db.models import Count, F, Max, Sum
from django.utils import timezone

from bpo.catalog.models import ServiceLine, ServiceLineStatus
from bpo.dates import format_when
from bpo.errors import ConflictError, DomainError
from bpo.jobs import services as job_services
from scheduling.planning import forecast_tasks
from scheduling.planning.forecasting import (
    MAX_WEEKS_AHEAD,
    check_history,
    local_midnight_utc,
    next_week_start,
)
from scheduling.planning.models import (
    AdjustmentScope,
    Forecast,
    ForecastAdjustment,
    ForecastInterval,
    ForecastStatus,
    IntervalStatistic,
    PlanningSettings,
)
from scheduling.planning.workers.forecasts import recompute_requirement, run_forecast
from tenants.db import tenant_connection

REASON_MAX = ForecastAdjustment._meta.get_field("reason").max_length or 300
PERCENT_LOWEST = Decimal("-99")
PERCENT_HIGHEST = Decimal("1000")


def _client():
    client = getattr(tenant_connection(), "tenant", None)
    if client is None or client.schema_name == "public":
        raise RuntimeError("forecast services run with a client's schema active")
    return client


def _check_weeks(weeks) -> int:
    if isinstance(weeks, bool) or not str(weeks).strip().isdigit():
        raise DomainError(
            f"Give the weeks ahead as a whole number from 1 to {MAX_WEEKS_AHEAD}.", field="weeks"
        )
    number = int(str(weeks).strip())
    if not 1 <= number <= MAX_WEEKS_AHEAD:
        raise DomainError(
            f"A forecast covers 1 to {MAX_WEEKS_AHEAD} weeks ahead, not {number}.", field="weeks"
        )
    return number


def _prepare(*, service_line: ServiceLine, weeks, actor, client, start_day=None) -> Forecast:
    """Validate and create the queued run (inside the caller's transaction)."""
    if client.is_offboarded:
        raise ConflictError(
            "This client is offboarded: its records are final.", field="service_line"
        )
    weeks = _check_weeks(weeks)
    line = ServiceLine.objects.select_for_update().get(pk=service_line.pk)
    if line.status == ServiceLineStatus.RETIRED:
        raise DomainError(
            f"{line.name} is retired: it is not forecast any more.", field="service_line"
        )
    for other in Forecast.objects.filter(
        service_line=line, status__in=[ForecastStatus.QUEUED, ForecastStatus.RUNNING]
    ).select_for_update():
        other = settle_forecast(forecast=other)
        if other.is_in_progress and other.job is not None and other.job.is_stalled:
            # Its broker message is lost (a worker would have started it): a late delivery
            # finds it failed and does nothing, so the new run may take its place.
            _fail_run(other, "No worker picked this run up; a newer run replaced it.")
        elif other.is_in_progress:
            raise ConflictError(
                f"A forecast of {line.name} is running already; wait for it to finish.",
                field="service_line",
            )
    zone = ZoneInfo(client.time_zone)
    start_day = start_day or next_week_start(zone=zone, now=timezone.now())
    check_history(service_line=line, zone=zone, start_day=start_day)
    interval = PlanningSettings.current().interval_minutes
    return Forecast.objects.create(
        service_line=line,
        weeks=weeks,
        starts_at=local_midnight_utc(start_day, zone),
        ends_at=local_midnight_utc(start_day + timedelta(days=7 * weeks), zone),
        interval_minutes=interval,
        time_zone=client.time_zone,
        created_by=actor,
    )


def _fail_run(forecast: Forecast, error: str) -> None:
    Forecast.objects.filter(pk=forecast.pk).update(
        status=ForecastStatus.FAILED, error=error[:5000], completed_at=timezone.now()
    )
    if forecast.job_id:
        job_services.fail_job(job_id=forecast.job_id, error=error, message="Not run")
    forecast.status, forecast.error = ForecastStatus.FAILED, error


def settle_forecast(*, forecast: Forecast) -> Forecast:
    """A run whose job failed before any worker started it (the broker could not be reached:
    ``enqueue_after_commit`` records that on the job) is failed too, with the job's reason;
    called on read, so the page and the API tell the truth and the line can be run again."""
    if not forecast.is_in_progress or not forecast.job_id:
        return forecast
    job = forecast.job
    if job is not None and job.status == "failed":
        Forecast.objects.filter(pk=forecast.pk, status__in=["queued", "running"]).update(
            status=ForecastStatus.FAILED, error=job.error[:5000], completed_at=timezone.now()
        )
        forecast.status, forecast.error = ForecastStatus.FAILED, job.error
    return forecast


@transaction.atomic
def start_forecast(*, service_line: ServiceLine, weeks, actor) -> Forecast:
    """Request a forecast of ``service_line`` for the ``weeks`` (1-6) from next Monday; a
    worker computes it after commit (job progress in ``forecast.job``).

    Refused at once (``DomainError`` on ``service_line``) with fewer than eight weeks of
    statistics, and (``ConflictError``) while another run of the line is in progress.
    """
    client = _client()
    with set_actor(actor):
        forecast = _prepare(service_line=service_line, weeks=weeks, actor=actor, client=client)
        job = job_services.create_job(kind="forecast", created_by=actor, client=client)
        forecast.job_id = job.pk
        forecast.save(update_fields=["job"])
    job_services.enqueue_after_commit(
        job_id=job.pk, send=lambda: forecast_tasks.run_forecast_task.delay(forecast.pk)
    )
    return forecast


def create_forecast_now(
    *, service_line: ServiceLine, weeks: int = 1, actor=None, start_day: date | None = None
) -> Forecast:
    """Forecast synchronously, the same path the worker takes (demo data, tests). The
    forecast starts next Monday unless ``start_day`` (a local Monday) says otherwise."""
    if start_day is not None and start_day.weekday() != 0:
        raise DomainError("A forecast starts on a Monday.", field="start_day")
    client = _client()
    with transaction.atomic(), set_actor(actor):
        forecast = _prepare(
            service_line=service_line, weeks=weeks, actor=actor, client=client, start_day=start_day
        )
    return run_forecast(forecast_id=forecast.pk)


# --- adjustments ----------------------------------------------------------------------------


@dataclass(frozen=True)
class AdjustmentRequest:
    scope: str
    percent: object
    reason: str
    day: date | None = None
    starts_at: datetime | None = None
    ends_at: datetime | None = None


def _parse_percent(value) -> Decimal:
    try:
        percent = Decimal(str(value).strip().replace(",", "."))
    except (InvalidOperation, ValueError):
        raise DomainError("Give the change in percent, e.g. 10 or -15.", field="percent") from None
    if not percent.is_finite():
        raise DomainError("Give the change in percent, e.g. 10 or -15.", field="percent")
    if percent == 0:
        raise DomainError("A change of 0 % changes nothing.", field="percent")
    if not PERCENT_LOWEST <= percent <= PERCENT_HIGHEST:
        raise DomainError(
            f"The change must be from {PERCENT_LOWEST} % to +{PERCENT_HIGHEST} %, got {percent} %.",
            field="percent",
        )
    return percent.quantize(Decimal("0.01"))


def _adjustment_range(forecast: Forecast, request: AdjustmentRequest) -> tuple[datetime, datetime]:
    zone = ZoneInfo(forecast.time_zone)
    if request.scope == AdjustmentScope.DAY:
        if request.day is None:
            raise DomainError("Choose the day to change.", field="day")
        starts_at = local_midnight_utc(request.day, zone)
        ends_at = local_midnight_utc(request.day + timedelta(days=1), zone)
        field = "day"
    elif request.scope == AdjustmentScope.RANGE:
        if request.starts_at is None:
            raise DomainError("Give the first interval to change.", field="starts_at")
        if request.ends_at is None:
            raise DomainError("Give the end of the range.", field="ends_at")
        starts_at, ends_at = request.starts_at, request.ends_at
        if ends_at <= starts_at:
            raise DomainError("The range must end after it starts.", field="ends_at")
        field = "starts_at"
    else:
        raise DomainError("Change a whole day or a range of intervals.", field="scope")
    if ends_at <= forecast.starts_at or starts_at >= forecast.ends_at:
        first = forecast.starts_at.astimezone(zone)
        last = (forecast.ends_at - timedelta(days=1)).astimezone(zone)
        raise DomainError(
            f"The forecast covers {format_when(first, 'date')} to {format_when(last, 'date')}; choose a time inside it.",
            field=field,
        )
    return max(starts_at, forecast.starts_at), min(ends_at, forecast.ends_at)


@transaction.atomic
def adjust_forecast(*, forecast: Forecast, request: AdjustmentRequest, actor) -> ForecastAdjustment:
    """Change the volume of a ready version by a percentage over a local day or a range of
    intervals, with a reason; the requirement is computed again. Every problem of the
    request is reported at once (``DomainError.fields``)."""
    problems: dict[str, list[str]] = {}
    percent = Decimal(0)
    try:
        percent = _parse_percent(request.percent)
    except DomainError as exc:
        problems.update(exc.fields)
    reason = (request.reason or "").strip()
    if not reason:
        problems["reason"] = ["Say why the forecast changes (a campaign, an outage, ...)."]
    elif len(reason) > REASON_MAX:
        problems["reason"] = [f"Keep the reason under {REASON_MAX} characters."]
    starts_at = ends_at = None
    try:
        starts_at, ends_at = _adjustment_range(forecast, request)
    except DomainError as exc:
        problems.update(exc.fields)
    if problems:
        first = next(iter(problems.values()))[0]
        raise DomainError(first, fields=problems, field=next(iter(problems)))
    assert starts_at is not None and ends_at is not None
    forecast = (
        Forecast.objects.select_for_update().select_related("service_line").get(pk=forecast.pk)
    )
    if not forecast.is_ready:
        raise ConflictError("Only a finished forecast can be adjusted.", field="forecast")
    if _client().is_offboarded:
        raise ConflictError("This client is offboarded: its records are final.", field="forecast")
    intervals = ForecastInterval.objects.filter(
        forecast=forecast, starts_at__gte=starts_at, starts_at__lt=ends_at
    )
    before = intervals.aggregate(volume=Sum("adjusted_volume"), count=Count("id"))
    factor = float(1 + percent / 100)
    intervals.update(adjusted_volume=F("adjusted_volume") * factor)
    with set_actor(actor):
        adjustment = ForecastAdjustment.objects.create(
            forecast=forecast,
            scope=request.scope,
            day=request.day if request.scope == AdjustmentScope.DAY else None,
            starts_at=starts_at,
            ends_at=ends_at,
            percent=percent,
            reason=reason,
            intervals_changed=before["count"] or 0,
            volume_before=before["volume"] or 0.0,
            volume_after=(before["volume"] or 0.0) * factor,
            created_by=actor,
        )
    recompute_requirement(forecast=forecast)
    forecast.accuracy_signature = ""  # the adjusted figures changed: measure again on read
    forecast.save(update_fields=["accuracy_signature"])
    return adjustment


# --- accuracy -------------------------------------------------------------------------------


def _statistics_in(forecast: Forecast):
    return IntervalStatistic.objects.filter(
        service_line_id=forecast.service_line_id,
        starts_at__gte=forecast.starts_at,
        starts_at__lt=forecast.ends_at,
    )


def _signature(count, total, newest) -> str:
    return hashlib.sha1(f"{count}:{total}:{newest}".encode()).hexdigest()


def accuracy_signature(forecast: Forecast) -> str:
    """What the stored actuals of the forecast's range look like (count, sum, newest row)."""
    figures = _statistics_in(forecast).aggregate(
        count=Count("id"), total=Sum("offered"), newest=Max("id")
    )
    return _signature(figures["count"], figures["total"], figures["newest"])


def refresh_forecast_accuracy(*, forecast: Forecast, signature: str | None = None) -> Forecast:
    """Measure the version against the actuals stored for its range, when they changed since
    the last measure (one aggregate query otherwise). WAPE and bias of the adjusted forecast,
    WAPE of the original, and the seasonal-naive baseline's, over the intervals that have
    statistics."""
    if not forecast.is_ready:
        return forecast
    signature = signature or accuracy_signature(forecast)
    if signature == forecast.accuracy_signature:
        return forecast
    step = timedelta(minutes=forecast.interval_minutes)
    rows = list(
        ForecastInterval.objects.filter(forecast=forecast)
        .order_by("starts_at")
        .values_list("starts_at", "volume", "adjusted_volume", "baseline_volume")
    )
    position = {row[0]: index for index, row in enumerate(rows)}
    actual = np.zeros(len(rows))
    covered = np.zeros(len(rows), dtype=bool)
    for start, offered, minutes in _statistics_in(forecast).values_list(
        "starts_at", "offered", "interval_minutes"
    ):
        parts = max(1, minutes // forecast.interval_minutes)
        for offset in range(parts):
            # A longer statistics interval is spread over the forecast's shorter ones.
            index = position.get(start + offset * step)
            if index is not None:
                actual[index] += offered / parts
                covered[index] = True
    original = np.array([row[1] for row in rows])
    adjusted = np.array([row[2] for row in rows])
    baseline = np.array([row[3] for row in rows])
    total = float(actual[covered].sum())
    forecast.actual_intervals = int(covered.sum())
    forecast.actual_volume = total if covered.any() else None

    def ratio(values, *, signed=False):
        if total <= 0:
            return None
        error = values[covered] - actual[covered]
        return float((error.sum() if signed else np.abs(error).sum()) / total)

    forecast.wape = ratio(adjusted)
    forecast.bias = ratio(adjusted, signed=True)
    forecast.original_wape = ratio(original)
    forecast.baseline_wape = ratio(baseline)
    forecast.baseline_bias = ratio(baseline, signed=True)
    forecast.accuracy_signature = signature
    forecast.accuracy_computed_at = timezone.now()
    Forecast.objects.filter(pk=forecast.pk).update(
        actual_intervals=forecast.actual_intervals,
        actual_volume=forecast.actual_volume,
        wape=forecast.wape,
        bias=forecast.bias,
        original_wape=forecast.original_wape,
        baseline_wape=forecast.baseline_wape,
        baseline_bias=forecast.baseline_bias,
        accuracy_signature=signature,
        accuracy_computed_at=forecast.accuracy_computed_at,
    )
    return forecast


def refresh_accuracies(*, forecasts: list[Forecast]) -> list[Forecast]:
    """``refresh_forecast_accuracy`` for a page of versions: their signatures in one query,
    then a measure only for those whose actuals changed."""
    ready = [forecast for forecast in forecasts if forecast.is_ready]
    if not ready:
        return forecasts
    from django.db.models import OuterRef, Subquery
    from django.db.models.functions import Coalesce

    def of_range(aggregate):
        return Subquery(
            IntervalStatistic.objects.filter(
                service_line_id=OuterRef("service_line_id"),
                starts_at__gte=OuterRef("starts_at"),
                starts_at__lt=OuterRef("ends_at"),
            )
            .order_by()
            .values("service_line_id")
            .annotate(value=aggregate)
            .values("value")[:1]
        )

    figures = Forecast.objects.filter(pk__in=[f.pk for f in ready]).annotate(
        stat_count=Coalesce(of_range(Count("id")), 0),
        stat_total=of_range(Sum("offered")),
        stat_newest=of_range(Max("id")),
    )
    signatures = {
        row.pk: _signature(row.stat_count, row.stat_total, row.stat_newest) for row in figures
    }
    return [
        refresh_forecast_accuracy(forecast=forecast, signature=signatures[forecast.pk])
        if forecast.pk in signatures
        else forecast
        for forecast in forecasts
    ]


def refresh_line_accuracies(*, service_line_id: int) -> int:
    """Measure again every ready version of the line whose actuals changed: the call an
    import of statistics makes after it committed (``forecast_tasks.refresh_forecast_accuracy_task``
    runs it in the background). Returns how many versions were looked at."""
    forecasts = list(
        Forecast.objects.filter(service_line_id=service_line_id, status=ForecastStatus.READY)
    )
    refresh_accuracies(forecasts=forecasts)
    return len(forecasts)
