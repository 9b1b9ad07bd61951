"""Confidence intervals of QA figures and the number of evaluations a chosen precision needs.
Pure (no Django; the import-linter contract "Pure algorithms stay free of Django" lists it).

A week's QA score is an estimate from a sample of interactions, so every figure comes with its
interval (95 % unless told otherwise):

- a **pass rate** (evaluations passed / evaluated) with the Wilson score interval
  (``statsmodels.stats.proportion.proportion_confint(method="wilson")``): right near 0 % and
  100 % and for small samples, where the normal ("Wald") interval collapses or leaves 0-100;
- a **mean score** (percent; bonus criteria may lift one above 100) with Student's t interval
  (``scipy.stats.t``): mean +- t(1 - alpha/2, n - 1) * s / sqrt(n), s the sample standard
  deviation. One evaluation gives no interval (``None``), nor does a sample whose scores are all
  equal give a width (its interval is the point itself).
- **evaluations needed** for a margin (half-width) E: for a pass rate
  n = z^2 p (1 - p) / E^2 with the observed p (0.5, the worst case, without one); for a mean
  the smallest n with t(1 - alpha/2, n - 1) * s / sqrt(n) <= E, s the observed deviation.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from scipy import stats
from statsmodels.stats.proportion import proportion_confint

DEFAULT_CONFIDENCE = 0.95
# Enough for any sampling plan; a precision needing more says "more than".
MAX_NEEDED = 100_000


@dataclass(frozen=True)
class Interval:
    estimate: float
    low: float
    high: float
    confidence: float = DEFAULT_CONFIDENCE

    @property
    def margin(self) -> float:
        """The half-width: the larger distance from the estimate to a bound."""
        return max(self.estimate - self.low, self.high - self.estimate)


def _check_confidence(confidence: float) -> None:
    if not 0 < confidence < 1:
        raise ValueError("The confidence level is a share between 0 and 1, e.g. 0.95.")


def pass_rate_interval(
    passed: int, evaluated: int, *, confidence: float = DEFAULT_CONFIDENCE
) -> Interval | None:
    """The share passed (0 to 1) with its Wilson interval; ``None`` without evaluations."""
    _check_confidence(confidence)
    if evaluated < 0 or not 0 <= passed <= evaluated:
        raise ValueError("Passed evaluations are between 0 and the number evaluated.")
    if evaluated == 0:
        return None
    low, high = proportion_confint(passed, evaluated, alpha=1 - confidence, method="wilson")
    return Interval(passed / evaluated, float(low), float(high), confidence)


def mean_interval(
    values: Sequence[float], *, confidence: float = DEFAULT_CONFIDENCE
) -> Interval | None:
    """The mean with Student's t interval; ``None`` for fewer than two values."""
    _check_confidence(confidence)
    n = len(values)
    if n < 2:
        return None
    mean = math.fsum(values) / n
    deviation = _sample_deviation(values, mean)
    half = float(stats.t.ppf(1 - (1 - confidence) / 2, n - 1)) * deviation / math.sqrt(n)
    return Interval(mean, mean - half, mean + half, confidence)


def _sample_deviation(values: Sequence[float], mean: float) -> float:
    return math.sqrt(math.fsum((value - mean) ** 2 for value in values) / (len(values) - 1))


def evaluations_needed_for_pass_rate(
    margin: float, *, observed: float | None = None, confidence: float = DEFAULT_CONFIDENCE
) -> int:
    """Evaluations for a pass-rate interval of half-width ``margin`` (a share, e.g. 0.05 for
    five points): z^2 p (1 - p) / margin^2 rounded up, p the observed rate (0.5 unknown)."""
    _check_confidence(confidence)
    if not 0 < margin < 1:
        raise ValueError("The margin is a share between 0 and 1, e.g. 0.05 for 5 points.")
    rate = 0.5 if observed is None else observed
    if not 0 <= rate <= 1:
        raise ValueError("The observed pass rate is a share between 0 and 1.")
    z = float(stats.norm.ppf(1 - (1 - confidence) / 2))
    # A rate of exactly 0 or 1 gives a width of 0 under the normal formula; one evaluation is
    # never "enough", so the floor is the rule-of-three size for that margin.
    variance = max(rate * (1 - rate), 0.0)
    if variance == 0:
        return min(MAX_NEEDED, math.ceil(3 / margin))
    return min(MAX_NEEDED, math.ceil(z * z * variance / (margin * margin) - 1e-9))


def evaluations_needed_for_mean(
    margin: float, *, deviation: float, confidence: float = DEFAULT_CONFIDENCE
) -> int:
    """The smallest n whose t interval of the mean has half-width at most ``margin`` (score
    points) for a sample standard deviation ``deviation`` (at least 2)."""
    _check_confidence(confidence)
    if margin <= 0:
        raise ValueError("The margin is a positive number of score points.")
    if deviation < 0:
        raise ValueError("A standard deviation is never negative.")
    if deviation == 0:
        return 2
    quantile = 1 - (1 - confidence) / 2
    z = float(stats.norm.ppf(quantile))
    # The normal size is a lower bound (t > z); step up from it until t's width fits.
    n = max(2, math.ceil((z * deviation / margin) ** 2))
    while n < MAX_NEEDED:
        if float(stats.t.ppf(quantile, n - 1)) * deviation / math.sqrt(n) <= margin:
            return n
        n += 1
    return MAX_NEEDED


def sample_deviation(values: Sequence[float]) -> float | None:
    """The sample standard deviation (n - 1); ``None`` for fewer than two values."""
    if len(values) < 2:
        return None
    return _sample_deviation(values, math.fsum(values) / len(values))
