"""Reads of forecasts, their intervals and staffing requirements, shaped for pages and the API.
Run with the client's schema active (another client's ids simply do not exist here)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Prefetch, QuerySet

from bpo.catalog.models import ServiceLine, ServiceLineStatus
from bpo.dates import format_when
from bpo.errors import NotFoundError
from scheduling.planning.models import (
    Forecast,
    ForecastAdjustment,
    ForecastInterval,
    ForecastStatus,
    IntervalStatistic,
    StaffingRequirement,
)

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def list_forecasts(*, service_line_id: int | None = None, status: str = "") -> QuerySet[Forecast]:
    forecasts = Forecast.objects.select_related("service_line").order_by("-created_at", "-id")
    if service_line_id is not None:
        forecasts = forecasts.filter(service_line_id=service_line_id)
    if status:
        forecasts = forecasts.filter(status=status)
    return forecasts


def get_forecast(*, forecast_id) -> Forecast:
    """The forecast, or ``NotFoundError``."""
    try:
        return Forecast.objects.select_related("service_line").get(pk=forecast_id)
    except (Forecast.DoesNotExist, ValueError, TypeError):
        raise NotFoundError("No such forecast.") from None


def latest_ready_forecast(*, service_line_id: int) -> Forecast | None:
    return (
        Forecast.objects.select_related("service_line")
        .filter(service_line_id=service_line_id, status=ForecastStatus.READY)
        .order_by("-version")
        .first()
    )


def list_forecastable_lines() -> QuerySet[ServiceLine]:
    """Lines that can be forecast (not retired), each with its runs newest first (2 queries)."""
    return (
        ServiceLine.objects.exclude(status=ServiceLineStatus.RETIRED)
        .order_by("name", "id")
        .prefetch_related(
            Prefetch(
                "forecasts",
                queryset=Forecast.objects.order_by("-created_at", "-id"),
                to_attr="runs",
            )
        )
    )


def list_adjustments(*, forecast: Forecast) -> QuerySet[ForecastAdjustment]:
    return ForecastAdjustment.objects.filter(forecast=forecast).order_by("-created_at", "-id")


# --- weeks of a forecast ------------------------------------------------------------------------


@dataclass(frozen=True)
class Week:
    index: int  # 0 = the forecast's first week
    first_day: date
    starts_at: datetime
    ends_at: datetime

    @property
    def label(self) -> str:
        last = self.first_day + timedelta(days=6)
        return f"Week of {format_when(self.first_day, 'date')} to {format_when(last, 'date')}"


def weeks_of(forecast: Forecast) -> list[Week]:
    zone = ZoneInfo(forecast.time_zone)
    first_day = forecast.starts_at.astimezone(zone).date()
    weeks = []
    for index in range(forecast.weeks):
        day = first_day + timedelta(days=7 * index)
        weeks.append(
            Week(
                index=index,
                first_day=day,
                starts_at=_midnight(day, zone),
                ends_at=_midnight(day + timedelta(days=7), zone),
            )
        )
    return weeks


def _midnight(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, datetime.min.time(), tzinfo=zone)


def week_of(forecast: Forecast, index) -> Week:
    weeks = weeks_of(forecast)
    try:
        number = int(index)
    except (TypeError, ValueError):
        number = 0
    return weeks[max(0, min(number, len(weeks) - 1))]


@dataclass
class DayFigures:
    day: date
    forecast: float = 0.0
    original: float = 0.0
    baseline: float = 0.0
    actual: float | None = None
    required_hours: float = 0.0
    scheduled_hours: float = 0.0
    peak_scheduled: int = 0

    @property
    def fte(self) -> float:
        return self.scheduled_hours / 40


@dataclass
class WeekFigures:
    """One week of a forecast, per interval (for the chart) and per day (for the table)."""

    week: Week
    starts: list[datetime] = field(default_factory=list)
    forecast: list[float] = field(default_factory=list)
    original: list[float] = field(default_factory=list)
    actual: list[float | None] = field(default_factory=list)
    days: list[DayFigures] = field(default_factory=list)
    is_adjusted: bool = False
    has_actuals: bool = False


def week_figures(*, forecast: Forecast, week: Week) -> WeekFigures:
    """Forecast (adjusted and original) and actuals per interval of one week (2 queries)."""
    zone = ZoneInfo(forecast.time_zone)
    rows = list(
        ForecastInterval.objects.filter(
            forecast=forecast, starts_at__gte=week.starts_at, starts_at__lt=week.ends_at
        )
        .order_by("starts_at")
        .values_list("starts_at", "volume", "adjusted_volume", "baseline_volume")
    )
    actuals: dict[datetime, float] = defaultdict(float)
    step = timedelta(minutes=forecast.interval_minutes)
    for start, offered, minutes in IntervalStatistic.objects.filter(
        service_line_id=forecast.service_line_id,
        starts_at__gte=week.starts_at,
        starts_at__lt=week.ends_at,
    ).values_list("starts_at", "offered", "interval_minutes"):
        parts = max(1, minutes // forecast.interval_minutes)
        for offset in range(parts):
            actuals[start + offset * step] += offered / parts
    figures = WeekFigures(week=week)
    days: dict[date, DayFigures] = {}
    for start, volume, adjusted, baseline in rows:
        day = start.astimezone(zone).date()
        totals = days.setdefault(day, DayFigures(day=day))
        totals.forecast += adjusted
        totals.original += volume
        totals.baseline += baseline
        actual = actuals.get(start)
        if actual is not None:
            totals.actual = (totals.actual or 0.0) + actual
            figures.has_actuals = True
        figures.starts.append(start)
        figures.forecast.append(adjusted)
        figures.original.append(volume)
        figures.actual.append(actual)
        if abs(adjusted - volume) > 1e-9:
            figures.is_adjusted = True
    figures.days = [days[day] for day in sorted(days)]
    return figures


@dataclass
class RequirementWeek:
    """A week of a requirement: agents per interval for the chart, a table of local times
    (rows) by day (columns) behind it, and the day totals."""

    week: Week
    starts: list[datetime] = field(default_factory=list)
    required: list[int] = field(default_factory=list)
    scheduled: list[int] = field(default_factory=list)
    table: list[tuple[str, list[int | None]]] = field(default_factory=list)
    days: list[DayFigures] = field(default_factory=list)


def requirement_week(*, forecast: Forecast, week: Week) -> RequirementWeek:
    zone = ZoneInfo(forecast.time_zone)
    hours = forecast.interval_minutes / 60
    rows = StaffingRequirement.objects.filter(
        forecast=forecast, starts_at__gte=week.starts_at, starts_at__lt=week.ends_at
    ).order_by("starts_at")
    result = RequirementWeek(week=week)
    day_list = [week.first_day + timedelta(days=offset) for offset in range(7)]
    days = {day: DayFigures(day=day) for day in day_list}
    by_time: dict[str, dict[date, int]] = defaultdict(dict)
    for row in rows.values_list("starts_at", "required_agents", "scheduled_agents"):
        start, required, scheduled = row
        local = start.astimezone(zone)
        result.starts.append(start)
        result.required.append(required)
        result.scheduled.append(scheduled)
        totals = days.get(local.date())
        if totals is not None:
            totals.required_hours += required * hours
            totals.scheduled_hours += scheduled * hours
            totals.peak_scheduled = max(totals.peak_scheduled, scheduled)
        cell = by_time[f"{local:%H:%M}"]
        cell[local.date()] = max(cell.get(local.date(), 0), scheduled)
    for time_label in sorted(by_time):
        cells = by_time[time_label]
        if any(cells.values()):
            result.table.append((time_label, [cells.get(day) for day in day_list]))
    result.days = [days[day] for day in day_list]
    return result


def requirement_rows(*, forecast: Forecast) -> QuerySet[StaffingRequirement]:
    return StaffingRequirement.objects.filter(forecast=forecast).order_by("starts_at")


def forecast_interval_rows(*, forecast: Forecast) -> QuerySet[ForecastInterval]:
    return ForecastInterval.objects.filter(forecast=forecast).order_by("starts_at")


def latest_ready_forecasts() -> QuerySet[Forecast]:
    """The newest ready forecast of each active line (the to-dos read its columns)."""
    return (
        Forecast.objects.filter(status=ForecastStatus.READY)
        .filter(service_line__status=ServiceLineStatus.ACTIVE)
        .order_by("service_line_id", "-completed_at", "-id")
        .distinct("service_line_id")
    )


def stale_forecast_lines(*, older_than: datetime) -> list[tuple[ServiceLine, Forecast]]:
    """Active lines whose newest ready forecast was made before ``older_than`` (one query)."""
    latest = latest_ready_forecasts().select_related("service_line")
    return [
        (forecast.service_line, forecast)
        for forecast in latest
        if forecast.completed_at is not None and forecast.completed_at < older_than
    ]


# --- the quote simulator ----------------------------------------------------------------------


@dataclass(frozen=True)
class FteComparison:
    forecast: Forecast
    week: Week
    figures: list  # requirements.FteFigure, one per target
    note: str = ""


def lines_with_ready_forecasts() -> QuerySet[ServiceLine]:
    return (
        ServiceLine.objects.filter(forecasts__status=ForecastStatus.READY)
        .distinct()
        .order_by("name", "id")
    )


def compare_targets_fte(
    *,
    service_line_id: int,
    targets: list,
    now: datetime,
    shrinkage_percent: float,
    max_occupancy_percent: float,
) -> FteComparison | None:
    """What each target costs in FTE for the line's newest forecast, over next week (or the
    forecast's first week when it does not cover next week). No writes."""
    import numpy as np

    from scheduling.planning.forecasting import next_week_start
    from scheduling.planning.requirements import compute_requirement, fte_of, target_of

    forecast = latest_ready_forecast(service_line_id=service_line_id)
    if forecast is None:
        return None
    zone = ZoneInfo(forecast.time_zone)
    next_monday = next_week_start(zone=zone, now=now)
    weeks = weeks_of(forecast)
    week = next((w for w in weeks if w.first_day == next_monday), weeks[0])
    rows = list(
        ForecastInterval.objects.filter(
            forecast=forecast, starts_at__gte=week.starts_at, starts_at__lt=week.ends_at
        )
        .order_by("starts_at")
        .values_list("adjusted_volume", "aht_seconds", "is_open")
    )
    volume = np.array([row[0] for row in rows], dtype=np.float64)
    aht = np.array([row[1] for row in rows], dtype=np.float64)
    is_open = np.array([row[2] for row in rows], dtype=bool)
    line = forecast.service_line
    note = ""
    if not line.is_live_channel:
        own = target_of(line)
        targets = [own] if own else []
        note = (
            "Targets A and B are live-channel targets (% within seconds); this line's work is a "
            "backlog, shown with its own first-response target."
        )
    figures = []
    for target in targets:
        result = compute_requirement(
            line=line,
            volumes=volume,
            aht_seconds=aht,
            is_open=is_open,
            interval_minutes=forecast.interval_minutes,
            shrinkage_percent=shrinkage_percent,
            max_occupancy_percent=max_occupancy_percent,
            target=target,
        )
        figures.append(
            fte_of(result, interval_minutes=forecast.interval_minutes, target_label=target.label())
        )
    return FteComparison(forecast=forecast, week=week, figures=figures, note=note)
