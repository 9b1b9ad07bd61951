"""History for forecast tests: interval statistics written straight into a client's schema
(bulk_create), a weekly pattern with a little deterministic noise."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np

from scheduling.planning.models import IntervalStatistic


def day_pattern(interval_minutes: int) -> np.ndarray:
    """Contacts per interval over a day: none at night, a morning and an afternoon peak."""
    per_day = 24 * 60 // interval_minutes
    hours = np.arange(per_day) * interval_minutes / 60
    open_ = (hours >= 8) & (hours < 20)
    shape = np.exp(-((hours - 10.5) ** 2) / 4) + 0.8 * np.exp(-((hours - 15) ** 2) / 5)
    return np.where(open_, 2 + 18 * shape, 0.0) * interval_minutes / 15


WEEKDAY_FACTOR = (1.2, 1.1, 1.0, 1.0, 0.9, 0.5, 0.4)


def write_history(
    *,
    line,
    time_zone: str,
    end_day: date,
    weeks: int = 10,
    interval_minutes: int = 15,
    aht_seconds: int = 240,
    seed: int = 1,
) -> int:
    """``weeks`` of statistics for ``line`` ending at local ``end_day`` (exclusive)."""
    zone = ZoneInfo(time_zone)
    rng = np.random.default_rng(seed)
    pattern = day_pattern(interval_minutes)
    step = timedelta(minutes=interval_minutes)
    rows = []
    first_day = end_day - timedelta(days=7 * weeks)
    day = first_day
    while day < end_day:
        midnight = datetime.combine(day, datetime.min.time(), tzinfo=zone).astimezone(UTC)
        volumes = rng.poisson(pattern * WEEKDAY_FACTOR[day.weekday()])
        for index, offered in enumerate(volumes):
            rows.append(
                statistic(
                    line, midnight + index * step, int(offered), interval_minutes, aht_seconds
                )
            )
        day += timedelta(days=1)
    IntervalStatistic.objects.bulk_create(rows, batch_size=5000)
    return len(rows)


def statistic(line, starts_at, offered: int, interval_minutes: int = 15, aht_seconds: int = 240):
    answered = offered
    return IntervalStatistic(
        service_line=line,
        starts_at=starts_at,
        interval_minutes=interval_minutes,
        offered=offered,
        answered=answered,
        answered_within_threshold=answered,
        talk_seconds=answered * (aht_seconds - 40),
        acw_seconds=answered * 40,
    )


def history_end(time_zone: str) -> date:
    """Today's local date: the history covers every whole day before it."""
    return datetime.now(UTC).astimezone(ZoneInfo(time_zone)).date()


def make_ready_forecast(
    line, *, time_zone: str = "America/New_York", days: int = 7, volume: float = 10.0
):
    """A ready forecast version made directly (no history, no job): one week of 15-minute
    intervals of ``volume`` contacts each, from next Monday, with no requirement."""
    from django.db.models import Max

    from scheduling.planning.forecasting import local_midnight_utc, next_week_start
    from scheduling.planning.models import Forecast, ForecastInterval

    zone = ZoneInfo(time_zone)
    start_day = next_week_start(zone=zone, now=datetime.now(UTC))
    version = (Forecast.objects.filter(service_line=line).aggregate(v=Max("version"))["v"] or 0) + 1
    forecast = Forecast.objects.create(
        service_line=line,
        version=version,
        status="ready",
        weeks=1,
        starts_at=local_midnight_utc(start_day, zone),
        ends_at=local_midnight_utc(start_day + timedelta(days=7), zone),
        interval_minutes=15,
        time_zone=time_zone,
        completed_at=datetime.now(UTC),
    )
    step = timedelta(minutes=15)
    ForecastInterval.objects.bulk_create(
        ForecastInterval(
            forecast=forecast,
            starts_at=forecast.starts_at + index * step,
            volume=volume,
            adjusted_volume=volume,
            baseline_volume=volume,
            aht_seconds=240,
        )
        for index in range(days * 96)
    )
    return forecast
