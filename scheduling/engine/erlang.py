"""Erlang B, C and A staffing formulas, for one interval or vectorised over a week of them.

Why these formulas and not a simulation: they are the industry's common language (a client
asks for "80/20" and expects the Erlang C answer its own planning tool gives), they are exact
for their queueing model, and they are cheap enough to run for every interval of a week.

Conventions used throughout:

- ``traffic`` is the offered load in erlangs: ``volume * aht_seconds / interval_seconds``.
- Probabilities, service levels, occupancy caps and shrinkage are fractions in [0, 1];
  a person-facing layer converts from percent.
- Erlang C (M/M/n): nobody abandons. Erlang A (M/M/n+M): waiting callers abandon after an
  exponential patience with mean ``patience_seconds``; an abandoned contact counts as *not*
  answered within the target, and ASA is the mean time in queue over *all* arrivals (answered
  and abandoned), which equals ``probability_of_abandon * patience_seconds`` by Little's law.

Numerical stability: Erlang B comes from the recursion ``B(k) = a B(k-1) / (k + a B(k-1))``,
which only ever handles numbers in [0, 1] (no factorials, no overflow at thousands of agents).
Erlang A uses the Palm/Mandelbaum-Zeltyn closed form written through the series
``S(x, y) = sum_k y^k / ((x+1)...(x+k))``; it is summed directly while it converges
geometrically (no cancellation, so abandonment stays accurate when patience is huge) and
otherwise taken from scipy's regularised incomplete gamma function in log space.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import optimize, special

from scheduling.engine.errors import EngineInputError

__all__ = [
    "IntervalMetrics",
    "QueueMetrics",
    "StaffingSummary",
    "asa_seconds",
    "erlang_a",
    "erlang_b",
    "erlang_b_traffic",
    "erlang_c",
    "erlang_c_metrics",
    "interval_metrics",
    "occupancy",
    "required_agents",
    "required_agents_series",
    "scheduled_agents",
    "scheduled_agents_series",
    "service_level",
    "staffing_summary",
    "traffic_erlangs",
]

# A target counts as met when the computed value is within this of it: a service level of
# 0.7999999999999999 from float rounding must not cost one more agent.
_TOLERANCE = 1e-12
# Series terms before falling back to the incomplete-gamma form (only reached when the load is
# within a hair of the agents and patience is enormous), and the largest block of terms held
# in memory at once.
_MAX_SERIES_TERMS = 10_000_000
_MAX_BLOCK_CELLS = 1 << 18
# Never search beyond this many agents for one interval: a requirement this large is an input
# error (a volume typed with extra zeros), not a staffing answer.
_MAX_AGENTS = 1_000_000
# The largest offered load the calculator takes: above it the requirement exceeds
# ``_MAX_AGENTS`` anyway (10**9 contacts of 10**8 s would ask for 5 * 10**13 agents).
_MAX_TRAFFIC = float(_MAX_AGENTS)


# --------------------------------------------------------------------------------------------
# Results


@dataclass(frozen=True, slots=True)
class QueueMetrics:
    """How one interval performs with a given number of agents.

    ``probability_of_abandon`` is 0.0 under Erlang C, where nobody abandons.
    """

    traffic_erlangs: float
    agents: int
    probability_of_waiting: float
    service_level: float
    asa_seconds: float
    occupancy: float
    probability_of_abandon: float = 0.0


@dataclass(frozen=True, slots=True)
class IntervalMetrics:
    """Per-interval arrays of the same figures as ``QueueMetrics``, for a whole week at once."""

    traffic_erlangs: NDArray[np.float64]
    agents: NDArray[np.int64]
    probability_of_waiting: NDArray[np.float64]
    service_level: NDArray[np.float64]
    asa_seconds: NDArray[np.float64]
    occupancy: NDArray[np.float64]
    probability_of_abandon: NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class StaffingSummary:
    """What the staffing calculator shows: one interval, searched or evaluated.

    ``agents`` is the requirement found by the search, or the number the caller asked to
    evaluate; ``meets_target`` says whether that number meets the service-level target and the
    occupancy cap. ``probability_of_abandon`` is ``None`` under Erlang C.
    """

    model: str
    traffic_erlangs: float
    agents: int
    scheduled_agents: int
    service_level: float
    probability_of_waiting: float
    asa_seconds: float
    occupancy: float
    probability_of_abandon: float | None
    meets_target: bool
    target_level: float
    target_seconds: float
    max_occupancy: float
    shrinkage: float

    def as_dict(self) -> dict[str, Any]:
        """The public JSON shape: the keys the command's ``--json`` and the API promise.

        An infinite ASA (Erlang C with no more agents than erlangs) becomes ``None``, since
        JSON has no infinity.
        """
        payload: dict[str, Any] = {
            "traffic_erlangs": self.traffic_erlangs,
            "agents": self.agents,
            "scheduled_agents": self.scheduled_agents,
            "service_level": self.service_level,
            "probability_of_waiting": self.probability_of_waiting,
            "asa_seconds": self.asa_seconds if math.isfinite(self.asa_seconds) else None,
            "occupancy": self.occupancy,
        }
        if self.probability_of_abandon is not None:
            payload["probability_of_abandon"] = self.probability_of_abandon
        return payload


# --------------------------------------------------------------------------------------------
# Validation


def _finite(field: str, value: float) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise EngineInputError(field, f"must be a number, got {value!r}") from None
    if not math.isfinite(number):
        raise EngineInputError(field, f"must be a finite number, got {value!r}")
    return number


def _non_negative(field: str, value: float) -> float:
    number = _finite(field, value)
    if number < 0:
        raise EngineInputError(field, f"must not be negative, got {value!r}")
    return number


def _positive(field: str, value: float) -> float:
    number = _finite(field, value)
    if number <= 0:
        raise EngineInputError(field, f"must be greater than zero, got {value!r}")
    return number


def _agent_count(field: str, value: int) -> int:
    if isinstance(value, bool) or not float(value).is_integer():
        raise EngineInputError(field, f"must be a whole number, got {value!r}")
    count = int(value)
    if count < 0:
        raise EngineInputError(field, f"must not be negative, got {value!r}")
    return count


def _fraction_level(field: str, value: float) -> float:
    number = _finite(field, value)
    if not 0 < number <= 1:
        raise EngineInputError(
            field, f"must be a fraction above 0 and at most 1 (0.8 for 80 %), got {value!r}"
        )
    return number


def _shrinkage_fraction(value: float) -> float:
    number = _finite("shrinkage", value)
    if not 0 <= number < 1:
        raise EngineInputError(
            "shrinkage", f"must be a fraction from 0 up to (not including) 1, got {value!r}"
        )
    return number


def _array(field: str, values: ArrayLike, *, allow_zero: bool) -> NDArray[np.float64]:
    array = np.asarray(values, dtype=np.float64)
    if not np.all(np.isfinite(array)):
        raise EngineInputError(field, "must contain only finite numbers")
    if allow_zero and np.any(array < 0):
        raise EngineInputError(field, "must not contain negative values")
    if not allow_zero and np.any(array <= 0):
        raise EngineInputError(field, "must contain only values greater than zero")
    return array


# --------------------------------------------------------------------------------------------
# Erlang B and C, scalar


def traffic_erlangs(*, volume: float, interval_seconds: float, aht_seconds: float) -> float:
    """Offered load in erlangs: the agents that would be busy if nobody ever waited."""
    volume = _non_negative("volume", volume)
    interval_seconds = _positive("interval_seconds", interval_seconds)
    aht_seconds = _positive("aht_seconds", aht_seconds)
    return volume * aht_seconds / interval_seconds


def erlang_b(*, traffic: float, servers: int) -> float:
    """Blocking probability of an M/M/n/n loss system (lines, trunks, callbacks slots)."""
    traffic = _non_negative("traffic", traffic)
    servers = _agent_count("servers", servers)
    blocking = 1.0
    for k in range(1, servers + 1):
        blocking = traffic * blocking / (k + traffic * blocking)
    return blocking


def erlang_b_traffic(*, servers: int, blocking: float) -> float:
    """The offered traffic that ``servers`` lines carry at the given blocking probability.

    The inverse people actually ask for when sizing trunks ("how much traffic do 15 lines take
    at 1 % blocking?"). Erlang B rises strictly with traffic, so a bracketed root find is exact.
    """
    servers = _agent_count("servers", servers)
    if servers == 0:
        raise EngineInputError("servers", "must be at least 1")
    blocking = _finite("blocking", blocking)
    if not 0 < blocking < 1:
        raise EngineInputError("blocking", f"must be strictly between 0 and 1, got {blocking!r}")
    upper = float(servers) + 1.0
    while erlang_b(traffic=upper, servers=servers) < blocking:
        upper *= 2.0
    return float(
        optimize.brentq(
            lambda traffic: erlang_b(traffic=traffic, servers=servers) - blocking,
            0.0,
            upper,
            xtol=1e-12,
            rtol=1e-12,
        )
    )


def erlang_c(*, traffic: float, agents: int) -> float:
    """Probability that a contact waits at all (Erlang C); 1.0 when the queue never empties."""
    traffic = _non_negative("traffic", traffic)
    agents = _agent_count("agents", agents)
    if traffic == 0:
        return 0.0
    if agents <= traffic:
        return 1.0
    blocking = erlang_b(traffic=traffic, servers=agents)
    return agents * blocking / (agents - traffic * (1.0 - blocking))


def service_level(
    *, traffic: float, agents: int, aht_seconds: float, target_seconds: float
) -> float:
    """Share of contacts answered within ``target_seconds`` (Erlang C)."""
    aht_seconds = _positive("aht_seconds", aht_seconds)
    target_seconds = _non_negative("target_seconds", target_seconds)
    waiting = erlang_c(traffic=traffic, agents=agents)
    if waiting == 0:
        return 1.0
    if agents <= traffic:
        return 0.0
    level = 1.0 - waiting * math.exp(-(agents - traffic) * target_seconds / aht_seconds)
    return min(1.0, max(0.0, level))


def asa_seconds(*, traffic: float, agents: int, aht_seconds: float) -> float:
    """Average speed of answer (mean wait over all contacts, Erlang C); ``inf`` if unstable."""
    aht_seconds = _positive("aht_seconds", aht_seconds)
    waiting = erlang_c(traffic=traffic, agents=agents)
    if waiting == 0:
        return 0.0
    if agents <= traffic:
        return math.inf
    return waiting * aht_seconds / (agents - traffic)


def occupancy(*, traffic: float, agents: int) -> float:
    """Share of staffed time agents spend handling contacts (Erlang C: traffic / agents)."""
    traffic = _non_negative("traffic", traffic)
    agents = _agent_count("agents", agents)
    if agents == 0:
        return 1.0 if traffic > 0 else 0.0
    return min(1.0, traffic / agents)


def erlang_c_metrics(
    *, traffic: float, agents: int, aht_seconds: float, target_seconds: float
) -> QueueMetrics:
    """All Erlang C figures for one interval in one call."""
    return QueueMetrics(
        traffic_erlangs=_non_negative("traffic", traffic),
        agents=_agent_count("agents", agents),
        probability_of_waiting=erlang_c(traffic=traffic, agents=agents),
        service_level=service_level(
            traffic=traffic, agents=agents, aht_seconds=aht_seconds, target_seconds=target_seconds
        ),
        asa_seconds=asa_seconds(traffic=traffic, agents=agents, aht_seconds=aht_seconds),
        occupancy=occupancy(traffic=traffic, agents=agents),
    )


# --------------------------------------------------------------------------------------------
# Shrinkage


def scheduled_agents(*, agents: int, shrinkage: float) -> int:
    """Agents to schedule so that ``agents`` remain after shrinkage (breaks, training, absence).

    ``ceil(agents / (1 - shrinkage))``, rounded to 9 decimals first because 14 / 0.7 is
    20.000000000000004 in binary floating point and must give 20, not 21.
    """
    agents = _agent_count("agents", agents)
    shrinkage = _shrinkage_fraction(shrinkage)
    return max(agents, math.ceil(round(agents / (1.0 - shrinkage), 9)))


def scheduled_agents_series(*, agents: ArrayLike, shrinkage: float) -> NDArray[np.int64]:
    """``scheduled_agents`` for every interval of an array."""
    shrinkage = _shrinkage_fraction(shrinkage)
    counts = _array("agents", agents, allow_zero=True)
    if np.any(counts != np.round(counts)):
        raise EngineInputError("agents", "must contain whole numbers")
    grossed = np.ceil(np.round(counts / (1.0 - shrinkage), 9))
    return np.maximum(counts, grossed).astype(np.int64)


# --------------------------------------------------------------------------------------------
# Vectorised core


def _blocking_table(traffic: NDArray[np.float64], max_servers: int) -> NDArray[np.float64]:
    """Erlang B for every server count 0..max_servers (rows) and every traffic (columns)."""
    table = np.empty((max_servers + 1, traffic.size), dtype=np.float64)
    blocking = np.ones(traffic.size, dtype=np.float64)
    table[0] = blocking
    for k in range(1, max_servers + 1):
        carried = traffic * blocking
        blocking = carried / (k + carried)
        table[k] = blocking
    return table


def _blocking_at(traffic: NDArray[np.float64], servers: NDArray[np.int64]) -> NDArray[np.float64]:
    """Erlang B at each interval's own server count, without keeping the whole table."""
    result = np.ones(traffic.size, dtype=np.float64)
    blocking = np.ones(traffic.size, dtype=np.float64)
    top = int(servers.max(initial=0))
    for k in range(1, top + 1):
        carried = traffic * blocking
        blocking = carried / (k + carried)
        hit = servers == k
        if hit.any():
            result[hit] = blocking[hit]
    return result


def _erlang_c_from_blocking(
    traffic: NDArray[np.float64], agents: NDArray[np.float64], blocking: NDArray[np.float64]
) -> NDArray[np.float64]:
    stable = agents > traffic
    waiting = np.ones(traffic.size, dtype=np.float64)
    denominator = agents[stable] - traffic[stable] * (1.0 - blocking[stable])
    waiting[stable] = agents[stable] * blocking[stable] / denominator
    waiting[traffic == 0] = 0.0
    return waiting


def _series(
    a: NDArray[np.float64], z: NDArray[np.float64]
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """``S(a, z) = sum_k z^k / ((a+1)...(a+k))`` and ``W = sum_k t_k (k+1) / (a+k+1)``.

    Only called where ``z < a`` so every term ratio is below one and no term exceeds 1: the
    sum has no cancellation. Terms are generated in blocks (a cumulative product per block)
    because near-critical loads with huge patience need hundreds of thousands of them.
    Elements not converged after ``_MAX_SERIES_TERMS`` come back as NaN.
    """
    total = np.ones_like(a)
    weighted = 1.0 / (a + 1.0)
    last = np.ones_like(a)
    active = np.arange(a.size)
    done = 0
    block = 32
    while active.size and done < _MAX_SERIES_TERMS:
        block = min(block, max(32, _MAX_BLOCK_CELLS // active.size))
        steps = done + np.arange(1, block + 1, dtype=np.float64)
        a_active = a[active][:, None]
        terms = last[active][:, None] * np.cumprod(z[active][:, None] / (a_active + steps), axis=1)
        total[active] += terms.sum(axis=1)
        weighted[active] += (terms * (steps + 1.0) / (a_active + steps + 1.0)).sum(axis=1)
        last[active] = terms[:, -1]
        done += block
        next_ratio = z[active] / (a[active] + done + 1.0)
        tail = last[active] * next_ratio / (1.0 - next_ratio)
        converged = tail <= 1e-17 * total[active]
        active = active[~converged]
        block *= 2
    total[active] = np.nan
    weighted[active] = np.nan
    return total, weighted


def _log_series_gamma(a: NDArray[np.float64], z: NDArray[np.float64]) -> NDArray[np.float64]:
    """``log S(a, z)`` through the incomplete gamma function: ``S = a e^z z^-a gamma(a, z)``.

    ``z - a log z + log Gamma(a+1)`` is written as ``a (d - log1p d)`` plus Stirling's
    remainder (``d = z/a - 1``) so that large ``a`` does not cancel two huge numbers.
    """
    d = (z - a) / a
    stirling = a * (d - np.log1p(d))
    big = a > 1e4
    remainder = np.where(
        big,
        0.5 * np.log(2.0 * np.pi * a) + 1.0 / (12.0 * a),
        special.gammaln(a + 1.0) - a * np.log(a) + a,
    )
    with np.errstate(divide="ignore"):
        log_total = stirling + remainder + np.log(special.gammainc(a, z))
    # S >= 1 always; an underflowed incomplete gamma must not turn into log S = -inf.
    return np.maximum(log_total, 0.0)


def _log_series(
    a: NDArray[np.float64], z: NDArray[np.float64]
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """``log S(a, z)`` and, where the direct sum was used, ``W(a, z)`` (NaN elsewhere)."""
    log_total = np.empty_like(a)
    weighted = np.full_like(a, np.nan)
    direct = z < a
    if direct.any():
        total, weighted_direct = _series(a[direct], z[direct])
        log_total[direct] = np.log(total)
        weighted[direct] = weighted_direct
    fallback = ~direct | np.isnan(weighted)
    if fallback.any():
        log_total[fallback] = _log_series_gamma(a[fallback], z[fallback])
    return log_total, weighted


def _erlang_a_arrays(
    *,
    traffic: NDArray[np.float64],
    agents: NDArray[np.float64],
    blocking: NDArray[np.float64],
    aht_seconds: NDArray[np.float64],
    patience_seconds: float,
    target_seconds: float,
) -> dict[str, NDArray[np.float64]]:
    """Erlang A (M/M/n+M) figures from the Erlang B value of each interval.

    With ``x = n mu / theta`` and ``y = lambda / theta`` (mu service rate, theta abandonment
    rate) and ``E`` the Erlang B value:
    ``P(wait) = A E / (1 - E + A E)`` with ``A = S(x, y)``; the state "all agents busy, nobody
    queued" has probability ``pi_n = P(wait) / A``; ``P(abandon) = pi_n W(x, y)``; and the
    contacts answered after waiting longer than the target are
    ``pi_n x/(x+1) c^(x+1) e^(y(1-c)) S(x+1, c y)`` with ``c = exp(-target / patience)``
    (Mandelbaum & Zeltyn; the last term follows from the offered wait of a caller with j others
    ahead, whose ``exp(-theta V)`` is Beta(x, j+1) distributed).
    """
    size = traffic.size
    waiting = np.zeros(size)
    abandon = np.zeros(size)
    level = np.ones(size)
    busy = np.zeros(size)
    nobody = agents == 0
    loaded = traffic > 0
    waiting[nobody & loaded] = 1.0
    abandon[nobody & loaded] = 1.0
    level[nobody & loaded] = 0.0
    busy[nobody & loaded] = 1.0
    work = loaded & ~nobody
    if work.any():
        a = traffic[work]
        n = agents[work]
        e = blocking[work]
        aht = aht_seconds[work]
        x = n * patience_seconds / aht
        y = a * patience_seconds / aht
        log_big_a, weighted = _log_series(x, y)
        with np.errstate(divide="ignore", over="ignore"):
            log_ratio = np.log1p(-e) - np.log(e) - log_big_a
        p_wait = special.expit(-log_ratio)
        with np.errstate(divide="ignore"):
            log_pi = np.log(p_wait) - log_big_a
        pi = np.exp(log_pi)
        rho = y / x
        p_abandon = np.where(
            np.isnan(weighted),
            # Incomplete-gamma branch (load at or above the agents): both terms are >= 0 here.
            p_wait * (1.0 - 1.0 / rho) + pi / rho,
            pi * np.nan_to_num(weighted),
        )
        p_abandon = np.clip(p_abandon, 0.0, p_wait)
        shift = target_seconds / patience_seconds
        c_y = y * math.exp(-shift)
        log_late, _ = _log_series(x + 1.0, c_y)
        log_answered_late = (
            log_pi + np.log(x / (x + 1.0)) - (x + 1.0) * shift - y * math.expm1(-shift) + log_late
        )
        answered_late = np.exp(log_answered_late)
        waiting[work] = p_wait
        abandon[work] = p_abandon
        level[work] = np.clip(1.0 - p_abandon - answered_late, 0.0, 1.0)
        busy[work] = np.minimum(1.0, a * (1.0 - p_abandon) / n)
    return {
        "probability_of_waiting": waiting,
        "probability_of_abandon": abandon,
        "service_level": level,
        "asa_seconds": abandon * patience_seconds,
        "occupancy": busy,
    }


def _erlang_c_arrays(
    *,
    traffic: NDArray[np.float64],
    agents: NDArray[np.float64],
    blocking: NDArray[np.float64],
    aht_seconds: NDArray[np.float64],
    target_seconds: float,
) -> dict[str, NDArray[np.float64]]:
    waiting = _erlang_c_from_blocking(traffic, agents, blocking)
    stable = agents > traffic
    spare = np.where(stable, agents - traffic, 1.0)
    level = np.where(stable, 1.0 - waiting * np.exp(-spare * target_seconds / aht_seconds), 0.0)
    asa = np.where(stable, waiting * aht_seconds / spare, np.inf)
    idle = traffic == 0
    level[idle] = 1.0
    asa[idle] = 0.0
    with np.errstate(divide="ignore", invalid="ignore"):
        busy = np.where(agents > 0, np.minimum(1.0, traffic / np.maximum(agents, 1)), 1.0)
    busy[idle] = 0.0
    return {
        "probability_of_waiting": waiting,
        "probability_of_abandon": np.zeros(traffic.size),
        "service_level": np.clip(level, 0.0, 1.0),
        "asa_seconds": asa,
        "occupancy": busy,
    }


def _metrics_arrays(
    *,
    traffic: NDArray[np.float64],
    agents: NDArray[np.float64],
    blocking: NDArray[np.float64],
    aht_seconds: NDArray[np.float64],
    target_seconds: float,
    patience_seconds: float | None,
) -> dict[str, NDArray[np.float64]]:
    if patience_seconds is None:
        return _erlang_c_arrays(
            traffic=traffic,
            agents=agents,
            blocking=blocking,
            aht_seconds=aht_seconds,
            target_seconds=target_seconds,
        )
    return _erlang_a_arrays(
        traffic=traffic,
        agents=agents,
        blocking=blocking,
        aht_seconds=aht_seconds,
        patience_seconds=patience_seconds,
        target_seconds=target_seconds,
    )


def _broadcast_aht(aht_seconds: ArrayLike, size: int) -> NDArray[np.float64]:
    aht = _array("aht_seconds", aht_seconds, allow_zero=False)
    if aht.ndim == 0:
        return np.full(size, float(aht))
    if aht.shape != (size,):
        raise EngineInputError(
            "aht_seconds", f"must be one number or one per interval ({size}), got {aht.shape}"
        )
    return aht


def _optional_patience(patience_seconds: float | None) -> float | None:
    if patience_seconds is None:
        return None
    return _positive("patience_seconds", patience_seconds)


# --------------------------------------------------------------------------------------------
# Erlang A, scalar


def erlang_a(
    *,
    traffic: float,
    agents: int,
    aht_seconds: float,
    patience_seconds: float,
    target_seconds: float,
) -> QueueMetrics:
    """All Erlang A (M/M/n+M, exponential patience) figures for one interval.

    Unlike Erlang C it stays finite with fewer agents than erlangs: callers who run out of
    patience leave, so the queue cannot grow without bound.
    """
    traffic = _non_negative("traffic", traffic)
    agents = _agent_count("agents", agents)
    aht = _positive("aht_seconds", aht_seconds)
    patience = _positive("patience_seconds", patience_seconds)
    target = _non_negative("target_seconds", target_seconds)
    figures = _erlang_a_arrays(
        traffic=np.array([traffic]),
        agents=np.array([float(agents)]),
        blocking=np.array([erlang_b(traffic=traffic, servers=agents)]),
        aht_seconds=np.array([aht]),
        patience_seconds=patience,
        target_seconds=target,
    )
    return QueueMetrics(
        traffic_erlangs=traffic,
        agents=agents,
        probability_of_waiting=float(figures["probability_of_waiting"][0]),
        service_level=float(figures["service_level"][0]),
        asa_seconds=float(figures["asa_seconds"][0]),
        occupancy=float(figures["occupancy"][0]),
        probability_of_abandon=float(figures["probability_of_abandon"][0]),
    )


# --------------------------------------------------------------------------------------------
# Series: a whole week of intervals


def interval_metrics(
    *,
    volumes: ArrayLike,
    agents: ArrayLike,
    interval_seconds: float,
    aht_seconds: ArrayLike,
    target_seconds: float,
    patience_seconds: float | None = None,
) -> IntervalMetrics:
    """Evaluate a staffing plan: the figures of every interval given its agents.

    Erlang C unless ``patience_seconds`` is given (then Erlang A).
    """
    volume = _array("volumes", volumes, allow_zero=True).ravel()
    interval_seconds = _positive("interval_seconds", interval_seconds)
    target_seconds = _non_negative("target_seconds", target_seconds)
    patience = _optional_patience(patience_seconds)
    aht = _broadcast_aht(aht_seconds, volume.size)
    counts = _array("agents", agents, allow_zero=True).ravel()
    if counts.shape != volume.shape:
        raise EngineInputError("agents", "must have one value per interval")
    if np.any(counts != np.round(counts)):
        raise EngineInputError("agents", "must contain whole numbers")
    traffic = volume * aht / interval_seconds
    whole = counts.astype(np.int64)
    figures = _metrics_arrays(
        traffic=traffic,
        agents=counts,
        blocking=_blocking_at(traffic, whole),
        aht_seconds=aht,
        target_seconds=target_seconds,
        patience_seconds=patience,
    )
    return IntervalMetrics(traffic_erlangs=traffic, agents=whole, **figures)


def required_agents_series(
    *,
    volumes: ArrayLike,
    interval_seconds: float,
    aht_seconds: ArrayLike,
    target_level: float,
    target_seconds: float,
    max_occupancy: float = 1.0,
    patience_seconds: float | None = None,
) -> NDArray[np.int64]:
    """The smallest agents meeting the target in every interval (before shrinkage).

    Erlang C unless ``patience_seconds`` is given (then Erlang A). ``aht_seconds`` is one
    number or one per interval. Service level rises and occupancy falls with every added agent,
    so each interval's requirement is found by bisection over one shared Erlang B table.
    """
    volume = _array("volumes", volumes, allow_zero=True).ravel()
    interval_seconds = _positive("interval_seconds", interval_seconds)
    target_level = _fraction_level("target_level", target_level)
    target_seconds = _non_negative("target_seconds", target_seconds)
    max_occupancy = _fraction_level("max_occupancy", max_occupancy)
    patience = _optional_patience(patience_seconds)
    aht = _broadcast_aht(aht_seconds, volume.size)
    traffic = volume * aht / interval_seconds

    result = np.zeros(volume.size, dtype=np.int64)
    loaded = np.flatnonzero(traffic > 0)
    if loaded.size == 0:
        return result
    load = traffic[loaded]
    handle = aht[loaded]

    # Lower bounds nobody can beat. Erlang C: stability, and the occupancy cap (occupancy is
    # exactly traffic / agents). Erlang A: the service level cannot exceed the share of the
    # traffic the agents can carry; occupancy counts only carried traffic, so no cap bound.
    if patience is None:
        low = np.maximum(np.ceil(np.round(load / max_occupancy, 9)), np.floor(load) + 1.0).astype(
            np.int64
        )
    else:
        low = np.maximum(np.ceil(np.round(target_level * load, 9)), 1.0).astype(np.int64)

    def meets(columns: NDArray[np.int64], counts: NDArray[np.int64]) -> NDArray[np.bool_]:
        figures = _metrics_arrays(
            traffic=load[columns],
            agents=counts.astype(np.float64),
            blocking=table[counts, columns],
            aht_seconds=handle[columns],
            target_seconds=target_seconds,
            patience_seconds=patience,
        )
        return (figures["service_level"] >= target_level - _TOLERANCE) & (
            figures["occupancy"] <= max_occupancy + _TOLERANCE
        )

    # An upper bound that meets the target: start near the square-root staffing rule and
    # double until every interval is covered.
    high = np.maximum(low, np.ceil(load + 6.0 * np.sqrt(load) + 20.0).astype(np.int64))
    columns = np.arange(load.size)
    pending = np.ones(load.size, dtype=np.bool_)
    while pending.any():
        # Checked before the table is built: its size grows with the bound (a load of 10**13
        # erlangs would ask for petabytes).
        if high.max() > _MAX_AGENTS:
            raise EngineInputError(
                "volumes", f"needs more than {_MAX_AGENTS} agents in one interval"
            )
        table = _blocking_table(load, int(high.max()))
        pending[pending] = ~meets(columns[pending], high[pending])
        high[pending] = 2 * high[pending] + 10

    # Bisection: ``low - 1`` is known to fail (or is the bound itself), ``high`` meets.
    failing = low - 1
    while True:
        open_ = np.flatnonzero(high - failing > 1)
        if open_.size == 0:
            break
        middle = (failing[open_] + high[open_]) // 2
        ok = meets(columns[open_], middle)
        high[open_[ok]] = middle[ok]
        failing[open_[~ok]] = middle[~ok]
    result[loaded] = high
    return result


# --------------------------------------------------------------------------------------------
# One interval: requirement and the calculator


def required_agents(
    *,
    volume: float,
    interval_seconds: float,
    aht_seconds: float,
    target_level: float,
    target_seconds: float,
    max_occupancy: float = 1.0,
    patience_seconds: float | None = None,
) -> int:
    """The smallest agents meeting the service-level target with occupancy under the cap.

    Zero volume needs zero agents. Erlang C unless ``patience_seconds`` is given (Erlang A).
    """
    volume = _non_negative("volume", volume)
    aht_seconds = _positive("aht_seconds", aht_seconds)
    return int(
        required_agents_series(
            volumes=[volume],
            interval_seconds=interval_seconds,
            aht_seconds=aht_seconds,
            target_level=target_level,
            target_seconds=target_seconds,
            max_occupancy=max_occupancy,
            patience_seconds=patience_seconds,
        )[0]
    )


def staffing_summary(
    *,
    calls: float,
    interval_minutes: float,
    aht_seconds: float,
    target_level: float,
    target_seconds: float,
    max_occupancy: float = 1.0,
    shrinkage: float = 0.0,
    agents: int | None = None,
    patience_seconds: float | None = None,
) -> StaffingSummary:
    """The staffing calculator behind the command, the API endpoint and the page.

    Searches the requirement, or evaluates ``agents`` when given, and grosses up for
    shrinkage. Fractions, not percent: the person-facing layers convert.
    """
    calls = _non_negative("calls", calls)
    interval_minutes = _positive("interval_minutes", interval_minutes)
    aht_seconds = _positive("aht_seconds", aht_seconds)
    target_level = _fraction_level("target_level", target_level)
    target_seconds = _non_negative("target_seconds", target_seconds)
    max_occupancy = _fraction_level("max_occupancy", max_occupancy)
    shrinkage = _shrinkage_fraction(shrinkage)
    patience = _optional_patience(patience_seconds)
    interval_seconds = interval_minutes * 60.0
    traffic = traffic_erlangs(
        volume=calls, interval_seconds=interval_seconds, aht_seconds=aht_seconds
    )
    if traffic > _MAX_TRAFFIC:
        raise EngineInputError(
            "calls",
            f"with this handle time need more than {_MAX_AGENTS} agents in one interval",
        )
    if agents is None:
        count = required_agents(
            volume=calls,
            interval_seconds=interval_seconds,
            aht_seconds=aht_seconds,
            target_level=target_level,
            target_seconds=target_seconds,
            max_occupancy=max_occupancy,
            patience_seconds=patience,
        )
    else:
        count = _agent_count("agents", agents)
        if count > _MAX_AGENTS:
            raise EngineInputError("agents", f"must be at most {_MAX_AGENTS}, got {agents!r}")
    if patience is None:
        metrics = erlang_c_metrics(
            traffic=traffic, agents=count, aht_seconds=aht_seconds, target_seconds=target_seconds
        )
    else:
        metrics = erlang_a(
            traffic=traffic,
            agents=count,
            aht_seconds=aht_seconds,
            patience_seconds=patience,
            target_seconds=target_seconds,
        )
    meets_target = (
        metrics.service_level >= target_level - _TOLERANCE
        and metrics.occupancy <= max_occupancy + _TOLERANCE
    )
    return StaffingSummary(
        model="erlang_c" if patience is None else "erlang_a",
        traffic_erlangs=traffic,
        agents=count,
        scheduled_agents=scheduled_agents(agents=count, shrinkage=shrinkage),
        service_level=metrics.service_level,
        probability_of_waiting=metrics.probability_of_waiting,
        asa_seconds=metrics.asa_seconds,
        occupancy=metrics.occupancy,
        probability_of_abandon=None if patience is None else metrics.probability_of_abandon,
        meets_target=meets_target,
        target_level=target_level,
        target_seconds=target_seconds,
        max_occupancy=max_occupancy,
        shrinkage=shrinkage,
    )
