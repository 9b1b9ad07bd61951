"""Adapts ``scheduling.engine.forecasting`` to a service line's stored statistics: UTC
intervals become whole local days (the engine's convention) and the forecast's local days
become UTC intervals again, closed intervals (the line's hours, holidays, date overrides)
forecast zero. Reads only; the worker stores what comes out.

Daylight saving: statistics are placed on the local wall-clock grid, so the repeated hour of
a fall-back night adds up in one local slot and the skipped hour of a spring-forward night is
an empty slot. Going back, every UTC interval of the horizon reads its local slot: the two
intervals of a repeated hour both read it (the hour is forecast twice, a slight over-forecast
at night), the skipped hour has no UTC interval.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
from numpy.typing import NDArray

from bpo.catalog.selectors.service_lines import holidays_of, open_intervals_of
from bpo.dates import format_when
from bpo.errors import DomainError
from scheduling.engine import forecasting
from scheduling.engine.errors import EngineInputError
from scheduling.planning.models import IntervalStatistic

MIN_HISTORY_WEEKS = forecasting.MIN_HISTORY_WEEKS
MAX_HISTORY_WEEKS = 104
MAX_WEEKS_AHEAD = 6
# Statistics older than this before the forecast starts make a trend extrapolation a guess.
MAX_GAP_DAYS = 8 * 7


@dataclass(frozen=True)
class History:
    engine: forecasting.IntervalHistory
    first_day: date  # local
    end_day: date  # local, exclusive
    rows: int
    starts_at: datetime  # UTC
    ends_at: datetime  # UTC

    @property
    def weeks(self) -> float:
        return (self.end_day - self.first_day).days / 7


@dataclass(frozen=True)
class ForecastResult:
    starts: list[datetime]  # UTC interval starts of the horizon
    is_open: NDArray[np.bool_]
    volume: NDArray[np.float64]
    baseline_volume: NDArray[np.float64]
    aht_seconds: NDArray[np.float64]
    parameters: dict[str, Any]
    backtest: dict[str, Any]


def next_week_start(*, zone: ZoneInfo, now: datetime) -> date:
    """The local Monday after today (plans are weekly, Monday to Sunday)."""
    today = now.astimezone(zone).date()
    return today + timedelta(days=7 - today.weekday())


def local_midnight_utc(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, datetime.min.time(), tzinfo=zone).astimezone(UTC)


def statistics_span(*, service_line) -> tuple[datetime | None, datetime | None, int]:
    """First interval start, last interval end (UTC) and row count of the line's statistics."""
    from django.db.models import Count, Max, Min

    figures = IntervalStatistic.objects.filter(service_line=service_line).aggregate(
        first=Min("starts_at"), last=Max("starts_at"), rows=Count("id")
    )
    last = figures["last"]
    if last is not None:
        last = last + timedelta(minutes=_interval_of_row_at(service_line, last))
    return figures["first"], last, figures["rows"]


def _interval_of_row_at(service_line, starts_at: datetime) -> int:
    return (
        IntervalStatistic.objects.filter(service_line=service_line, starts_at=starts_at)
        .values_list("interval_minutes", flat=True)
        .first()
        or 15
    )


def check_history(*, service_line, zone: ZoneInfo, start_day: date) -> tuple[date, date]:
    """The whole local days of statistics a forecast from ``start_day`` would use, or the
    ``DomainError`` that says why there are not enough."""
    first, last, _ = statistics_span(service_line=service_line)
    if first is None or last is None:
        raise DomainError(
            f"{service_line.name} has no statistics yet: a forecast needs at least "
            f"{MIN_HISTORY_WEEKS} weeks of them.",
            field="service_line",
        )
    first_day, end_day = _whole_days(first, last, zone)
    # A forecast of a week that has begun (or passed) learns only from the days before it, as
    # it would have been made then.
    end_day = min(end_day, start_day)
    days = (end_day - first_day).days
    if days < MIN_HISTORY_WEEKS * 7:
        raise DomainError(
            f"{service_line.name} has {max(days, 0) / 7:.1f} weeks of statistics "
            f"({_span_words(first_day, end_day)}); a forecast needs at least "
            f"{MIN_HISTORY_WEEKS} weeks.",
            field="service_line",
        )
    if (start_day - end_day).days > MAX_GAP_DAYS:
        raise DomainError(
            f"The newest statistics of {service_line.name} end on "
            f"{format_when(end_day - timedelta(days=1), 'date')}, more than {MAX_GAP_DAYS // 7} weeks "
            "before the forecast would start: import recent statistics first.",
            field="service_line",
        )
    return first_day, end_day


def _span_words(first_day: date, end_day: date) -> str:
    if end_day <= first_day:
        return "no whole day"
    return f"{format_when(first_day, 'date')} to {format_when(end_day - timedelta(days=1), 'date')}"


def _whole_days(first: datetime, last_end: datetime, zone: ZoneInfo) -> tuple[date, date]:
    first_local = first.astimezone(zone)
    first_day = first_local.date()
    if (first_local.hour, first_local.minute) != (0, 0):
        first_day += timedelta(days=1)
    end_day = last_end.astimezone(zone).date()  # the day it ends in is partial (or next)
    first_day = max(first_day, end_day - timedelta(days=7 * MAX_HISTORY_WEEKS))
    return first_day, end_day


def load_history(
    *, service_line, zone: ZoneInfo, interval_minutes: int, first_day: date, end_day: date
) -> History:
    """The line's statistics from ``first_day`` to ``end_day`` on the local grid."""
    per_day = 24 * 60 // interval_minutes
    days = (end_day - first_day).days
    size = days * per_day
    volume = np.zeros(size)
    handled = np.zeros(size)
    seconds = np.zeros(size)
    starts_at = local_midnight_utc(first_day, zone)
    ends_at = local_midnight_utc(end_day, zone)
    rows = (
        IntervalStatistic.objects.filter(
            service_line=service_line, starts_at__gte=starts_at, starts_at__lt=ends_at
        )
        .order_by("starts_at")
        .values_list(
            "starts_at",
            "interval_minutes",
            "offered",
            "answered",
            "first_responses",
            "talk_seconds",
            "hold_seconds",
            "acw_seconds",
        )
    )
    count = 0
    for start, minutes, offered, answered, responses, talk, hold, acw in rows.iterator(
        chunk_size=5000
    ):
        count += 1
        local = start.astimezone(zone)
        index = (local.date() - first_day).days * per_day + (
            local.hour * 60 + local.minute
        ) // interval_minutes
        # A row longer than the grid's interval is spread evenly over the slots it covers.
        parts = max(1, minutes // interval_minutes)
        done = answered or responses
        for offset in range(parts):
            slot = index + offset
            if 0 <= slot < size:
                volume[slot] += offered / parts
                handled[slot] += done / parts
                seconds[slot] += (talk + hold + acw) / parts
    total_handled = handled.sum()
    mean_aht = seconds.sum() / total_handled if total_handled > 0 else 0.0
    with np.errstate(invalid="ignore", divide="ignore"):
        aht = np.where(handled > 0, seconds / np.maximum(handled, 1e-12), mean_aht)
    try:
        engine_history = forecasting.IntervalHistory(
            start=datetime.combine(first_day, datetime.min.time()),
            interval_minutes=interval_minutes,
            volume=volume,
            aht_seconds=aht,
        )
    except EngineInputError as exc:
        raise DomainError(f"The statistics cannot be forecast: {exc.message}.") from exc
    return History(
        engine=engine_history,
        first_day=first_day,
        end_day=end_day,
        rows=count,
        starts_at=starts_at,
        ends_at=ends_at,
    )


def closed_dates(*, service_line, client, start: date, end: date) -> set[date]:
    """Public holidays of the client's country and the line's closed date overrides."""
    found = {
        row.date
        for row in holidays_of(service_line=service_line, client=client, start=start, end=end)
    }
    found |= {
        row.date
        for row in service_line.date_overrides.all()
        if row.is_closed and start <= row.date <= end
    }
    return found


def open_flags(
    *, service_line, client, starts: list[datetime], interval_minutes: int
) -> NDArray[np.bool_]:
    """For each interval start, whether the line is open during any part of it."""
    if not starts:
        return np.zeros(0, dtype=bool)
    step = timedelta(minutes=interval_minutes)
    spans = open_intervals_of(
        service_line=service_line, client=client, start=starts[0], end=starts[-1] + step
    )
    flags = np.zeros(len(starts), dtype=bool)
    position = 0
    for index, start in enumerate(starts):
        end = start + step
        while position < len(spans) and spans[position][1] <= start:
            position += 1
        flags[index] = position < len(spans) and spans[position][0] < end
    return flags


def forecast_line(
    *,
    service_line,
    client,
    weeks: int,
    start_day: date,
    interval_minutes: int,
    progress=None,
) -> tuple[History, ForecastResult]:
    """Forecast ``weeks`` weeks from local ``start_day`` for the line (no writes)."""
    zone = ZoneInfo(client.time_zone)
    report = progress or (lambda percent, message: None)
    first_day, end_day = check_history(service_line=service_line, zone=zone, start_day=start_day)
    report(10, "Reading the statistics")
    history = load_history(
        service_line=service_line,
        zone=zone,
        interval_minutes=interval_minutes,
        first_day=first_day,
        end_day=end_day,
    )
    horizon_end = start_day + timedelta(days=7 * weeks)
    holidays = closed_dates(
        service_line=service_line, client=client, start=first_day, end=horizon_end
    )
    gap_days = (start_day - end_day).days
    engine_weeks = math.ceil((gap_days + 7 * weeks) / 7)
    report(35, f"Fitting the model on {history.weeks:.1f} weeks of history")
    try:
        model = forecasting.forecast_intervals(
            history=history.engine, horizon_weeks=engine_weeks, holidays=holidays
        )
        naive = forecasting.seasonal_naive(history=history.engine, horizon_weeks=engine_weeks)
    except EngineInputError as exc:
        raise DomainError(f"The forecast could not be computed: {exc.message}.") from exc
    report(55, "Checking the model on the last weeks of history")
    backtest = _backtest(history, holidays)

    per_day = history.engine.intervals_per_day
    step = timedelta(minutes=interval_minutes)
    begin = local_midnight_utc(start_day, zone)
    finish = local_midnight_utc(horizon_end, zone)
    starts: list[datetime] = []
    slots: list[int] = []
    instant = begin
    while instant < finish:
        local = instant.astimezone(zone)
        day_index = (local.date() - end_day).days
        slots.append(day_index * per_day + (local.hour * 60 + local.minute) // interval_minutes)
        starts.append(instant)
        instant += step
    index = np.asarray(slots, dtype=np.int64)
    is_open = open_flags(
        service_line=service_line, client=client, starts=starts, interval_minutes=interval_minutes
    )
    volume = np.where(is_open, model.volume[index], 0.0)
    baseline = np.where(is_open, naive.volume[index], 0.0)
    aht = model.aht_seconds[index] if model.aht_seconds is not None else np.zeros(index.size)
    parameters = {
        "model": "daily totals: Poisson GLM (trend, weekday, holiday); intraday profile and "
        "handle time per weekday, pooled",
        "half_life_weeks": forecasting.HALF_LIFE_WEEKS,
        "min_history_weeks": MIN_HISTORY_WEEKS,
        "history_days": (end_day - first_day).days,
        "history_first_day": first_day.isoformat(),
        "history_last_day": (end_day - timedelta(days=1)).isoformat(),
        "statistics_rows": history.rows,
        "gap_days": gap_days,
        "holidays": sorted(day.isoformat() for day in holidays),
        "time_zone": client.time_zone,
        "interval_minutes": interval_minutes,
    }
    report(70, "Forecast computed")
    return history, ForecastResult(
        starts=starts,
        is_open=is_open,
        volume=volume,
        baseline_volume=baseline,
        aht_seconds=np.maximum(aht, 0.0),
        parameters=parameters,
        backtest=backtest,
    )


def _backtest(history: History, holidays: set[date]) -> dict[str, Any]:
    folds = min(4, history.engine.days // 7 - MIN_HISTORY_WEEKS)
    if folds < 1:
        return {}
    try:
        result = forecasting.backtest(
            history=history.engine, holidays=holidays, horizon_weeks=1, folds=folds
        )
    except EngineInputError:
        return {}  # e.g. the folds' weeks have no contacts at all
    return {
        "folds": folds,
        "horizon_weeks": 1,
        "wape": result.wape,
        "bias": result.bias,
        "baseline_wape": result.naive_wape,
        "baseline_bias": result.naive_bias,
    }
