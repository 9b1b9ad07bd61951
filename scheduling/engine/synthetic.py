"""Contact histories with a known structure, for the forecast benchmark and tests.

Deterministic from a seed, so that every model and every version is measured on the same
data. The structure follows the scheduling benchmark's demand curve (weekday factors from
1.15 on Monday to 0.45 on Sunday; peaks at 10:30, 14:30 and a smaller one at 19:30; a night
floor of 3 % of the peak), plus what a real history has and a forecast must cope with: growth,
public holidays, weekends peaking later, day-to-day swings and overdispersed counts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import numpy as np
from numpy.typing import NDArray

from scheduling.engine.errors import EngineInputError
from scheduling.engine.forecasting import MINUTES_PER_DAY, IntervalHistory

__all__ = ["SyntheticHistory", "generate_history", "intraday_shape"]

WEEKDAY_FACTORS = (1.15, 1.05, 1.0, 0.95, 0.9, 0.6, 0.45)
DEFAULT_START = datetime(2024, 1, 1, tzinfo=UTC)  # a Monday


@dataclass(frozen=True, eq=False)
class SyntheticHistory:
    """A generated history, its holidays and the noise-free volume it was drawn from."""

    history: IntervalHistory
    holidays: frozenset[date]
    expected_volume: NDArray[np.float64]


def intraday_shape(*, interval_minutes: int, weekend: bool = False) -> NDArray[np.float64]:
    """Relative volume per interval of a day: 1.0 at the main peak, 3 % floor at night.

    Weekends start later: their peaks come an hour after the weekdays'.
    """
    per_day = MINUTES_PER_DAY // interval_minutes
    hours = (np.arange(per_day) + 0.5) * interval_minutes / 60.0
    shift = 1.0 if weekend else 0.0
    peaks = (
        1.0 * np.exp(-0.5 * ((hours - 10.5 - shift) / 1.6) ** 2)
        + 0.9 * np.exp(-0.5 * ((hours - 14.5 - shift) / 1.8) ** 2)
        + 0.5 * np.exp(-0.5 * ((hours - 19.5 - shift) / 1.3) ** 2)
    )
    shape = np.maximum(peaks / peaks.max(), 0.03)
    return shape / shape.max()


def generate_history(
    *,
    weeks: int,
    seed: int,
    interval_minutes: int = 30,
    start: datetime = DEFAULT_START,
    peak_volume: float = 220.0,
    weekly_growth: float = 0.01,
    holiday_factor: float = 0.35,
    holiday_rate: float = 0.3,
    day_noise: float = 0.04,
    interval_dispersion: float = 200.0,
    aht_seconds: float = 300.0,
) -> SyntheticHistory:
    """Generate ``weeks`` weeks of interval volume and handle time.

    - ``peak_volume``: expected contacts in a Monday's peak 30 minutes at the start;
    - ``weekly_growth``: multiplicative trend per week;
    - holidays: in each week, with probability ``holiday_rate``, one weekday is a holiday whose
      volume is ``holiday_factor`` of an ordinary day's;
    - noise: a lognormal day effect of ``day_noise`` (weather, news: no model can know it),
      then gamma-Poisson counts with shape ``interval_dispersion`` (more spread than Poisson);
    - handle time: ``aht_seconds`` about 10 % longer at night and on weekends, averaged over
      the interval's contacts with a coefficient of variation of 0.8 per contact.
    """
    if isinstance(weeks, bool) or not isinstance(weeks, int) or weeks < 1:
        raise EngineInputError("weeks", "must be a whole number of at least 1")
    if interval_minutes not in (15, 30, 60):
        raise EngineInputError("interval_minutes", "must be 15, 30 or 60")
    rng = np.random.default_rng(seed)
    per_day = MINUTES_PER_DAY // interval_minutes
    days = weeks * 7
    scale = peak_volume * interval_minutes / 30.0

    holidays: set[date] = set()
    first_monday = start.date() - timedelta(days=start.weekday())
    for week in range(weeks):
        if rng.random() < holiday_rate:
            holiday = first_monday + timedelta(days=7 * week + int(rng.integers(0, 5)))
            if start.date() <= holiday < start.date() + timedelta(days=days):
                holidays.add(holiday)

    weekday_shape = intraday_shape(interval_minutes=interval_minutes)
    weekend_shape = intraday_shape(interval_minutes=interval_minutes, weekend=True)
    night = 1.0 - weekday_shape  # 0 at the peak, ~1 at night
    expected = np.empty((days, per_day))
    aht_expected = np.empty((days, per_day))
    for day in range(days):
        current = start.date() + timedelta(days=day)
        weekday = current.weekday()
        weekend = weekday >= 5
        level = scale * WEEKDAY_FACTORS[weekday] * (1.0 + weekly_growth) ** (day / 7.0)
        if current in holidays:
            level *= holiday_factor
        expected[day] = level * (weekend_shape if weekend else weekday_shape)
        aht_expected[day] = aht_seconds * (1.0 + 0.1 * night + (0.1 if weekend else 0.0))

    day_effect = rng.lognormal(mean=-0.5 * day_noise**2, sigma=day_noise, size=(days, 1))
    rates = rng.gamma(interval_dispersion, expected * day_effect / interval_dispersion)
    volume = rng.poisson(rates).astype(np.float64)
    spread = 0.8 * aht_expected / np.sqrt(np.maximum(volume, 1.0))
    aht = np.maximum(aht_expected + spread * rng.standard_normal((days, per_day)), 30.0)
    return SyntheticHistory(
        history=IntervalHistory(
            start=start,
            interval_minutes=interval_minutes,
            volume=volume.ravel(),
            aht_seconds=aht.ravel(),
        ),
        holidays=frozenset(holidays),
        expected_volume=expected.ravel(),
    )
