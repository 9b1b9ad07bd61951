"""Solve a rostering instance with HiGHS: the full MIP first, then a large-neighbourhood search.

1. LP relaxation of the full model (interior point with crossover): a first lower bound.
2. The full MIP for at most ``mip_share`` of the time, stopped earlier once its incumbent has
   not improved for ``mip_stall`` seconds (default 5 % of the limit, at least 10 s). Small
   instances end here, proven optimal; on the others HiGHS finds its last good point early.
3. Large-neighbourhood search while time is left and the gap is open: free some x columns, fix
   every other x column to the incumbent, solve that smaller MIP with HiGHS warm-started from
   the incumbent (so it can only keep or improve it; a result of equal cost is taken too, so
   the search crosses plateaus). Seven kinds of neighbourhood: three random (some employees'
   whole horizon, a window of days for everyone, a block of both) and four aimed at the
   incumbent's costs (a costly cover cell and the people who could fix it, over a block of days
   or their whole horizon; two costly cells at once; the employees with unmet requests). A kind
   is drawn with probability proportional to a score that rises when it improves the incumbent
   and decays when it does not; each kind's size grows when HiGHS proves its sub-MIP optimal
   and shrinks when it does not. Sub-MIPs are short (4 s, longer on large instances).
   The lower bound is the full MIP's (step 2), never the sub-MIPs'.

The same solver and helper as the weekly optimiser (HiGHS through ``new_highs``); no other
solver. Neighbourhoods come from ``random.Random(seed)``, and each sub-MIP stops at a node
limit, so with one thread the search is repeatable up to where the wall clock cuts it short.
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import highspy
import numpy as np

from scheduling.engine.rostering.model import (
    RosteringModel,
    build_model,
    complete_point,
    point_objective,
    point_violation,
    roster_from_values,
    to_highs,
)
from scheduling.engine.rostering.reader import RosteringInstance

OPTIMAL = highspy.HighsModelStatus.kOptimal
FEASIBLE = 2


@dataclass
class RosteringResult:
    roster: list[list[str | None]] | None
    """One shift ID (or None, a day off) per employee and day; None if nothing was found."""
    objective: float
    lower_bound: float
    lp_bound: float
    status: str
    seconds: float
    lns_rounds: int = 0
    lns_improvements: int = 0
    log: list[str] = field(default_factory=list)

    @property
    def gap(self) -> float:
        if self.roster is None or self.objective <= 0:
            return 0.0 if self.roster is not None else math.inf
        return (self.objective - self.lower_bound) / self.objective


def solve_roster(
    instance: RosteringInstance,
    *,
    time_limit: float = 60.0,
    threads: int = 1,
    seed: int = 0,
    mip_share: float = 0.25,
    mip_stall: float | None = None,
    sub_nodes: int = 300,
    sub_seconds: float | None = None,
    verbose: bool = False,
    progress: Callable[[str], None] | None = None,
) -> RosteringResult:
    """Best roster found within ``time_limit`` seconds, with the best proven lower bound."""
    started = time.perf_counter()
    deadline = started + time_limit
    notes: list[str] = []

    def note(text: str) -> None:
        line = f"[{time.perf_counter() - started:7.1f}s] {text}"
        notes.append(line)
        if progress is not None:
            progress(line)

    def left() -> float:
        return deadline - time.perf_counter()

    model = build_model(instance)
    note(f"model: {model.num_col} columns ({model.x_count} binary), {model.num_row} rows")
    options: dict[str, bool | int | float | str] = {"mip_rel_gap": 0.0, "mip_abs_gap": 0.999}

    # Interior point (with crossover, so the value is a vertex's, exact): on the largest
    # instance the dual simplex needs several times longer for this LP.
    lp = to_highs(
        model,
        integer=False,
        time_limit=max(min(left(), 0.1 * time_limit), 0.1),
        threads=threads,
        seed=seed,
        extra_options={"solver": "ipm"},
    )
    lp.run()
    lp_bound = 0.0
    if lp.getModelStatus() == OPTIMAL:
        lp_bound = float(lp.getInfo().objective_function_value)
    note(f"LP bound {lp_bound:.2f}")
    bound = _integral(lp_bound)

    best: np.ndarray | None = None
    best_objective = math.inf
    status = "not solved"
    # The full MIP runs for at most ``mip_share`` of the time, and stops earlier once its
    # incumbent has not improved for ``mip_stall`` seconds: on most instances HiGHS finds its
    # last good point early and then only works on the bound, time the LNS uses better; on the
    # largest ones it keeps improving, and keeps the time.
    cap = max(mip_share * left(), min(left(), 5.0))
    stall = mip_stall if mip_stall is not None else max(10.0, 0.05 * time_limit)
    first = to_highs(
        model,
        integer=True,
        time_limit=cap,
        threads=threads,
        seed=seed,
        log=verbose,
        extra_options=options,
    )
    first_started = time.perf_counter()
    last_gain = [first_started]

    def improved(_event) -> None:
        last_gain[0] = time.perf_counter()

    def maybe_stop(event) -> None:
        now = time.perf_counter()
        has_point = math.isfinite(float(event.data_out.objective_function_value))
        if has_point and now - last_gain[0] > stall and now - first_started > stall:
            event.interrupt()

    first.cbMipImprovingSolution.subscribe(improved)
    first.cbMipInterrupt.subscribe(maybe_stop)
    first.run()
    info = first.getInfo()
    status = first.modelStatusToString(first.getModelStatus())
    bound = max(bound, _integral(float(info.mip_dual_bound)))
    if info.primal_solution_status == FEASIBLE:
        best, best_objective = _checked(model, first, note)
    note(
        f"full MIP: {status} after {time.perf_counter() - first_started:.1f}s "
        f"(last gain at {last_gain[0] - first_started:.1f}s), objective {best_objective:.0f}, "
        f"bound {bound:.0f}"
    )

    # Short sub-MIPs (many rounds) pay on the small instances; a large one needs longer to
    # presolve and search a neighbourhood of the same share of its staff.
    sub_limit = sub_seconds if sub_seconds is not None else max(4.0, model.x_count / 1680)
    rng = random.Random(seed)
    rounds = improvements = proven = 0
    sizes = dict.fromkeys(KINDS, 1.0)
    scores = dict.fromkeys(KINDS, 1.0)
    while best is not None and best_objective > bound + 1e-6 and left() > 1.0:
        kind = _pick(scores, rng)
        size = sizes[kind]
        free = _neighbourhood(model, kind, size, rng, best)
        lower = model.col_lower.copy()
        upper = model.col_upper.copy()
        fixed = np.ones(model.x_count, dtype=bool)
        fixed[free] = False
        incumbent = np.round(best[: model.x_count])
        lower[: model.x_count][fixed] = incumbent[fixed]
        upper[: model.x_count][fixed] = np.minimum(
            incumbent[fixed], model.col_upper[: model.x_count][fixed]
        )
        sub = to_highs(
            model,
            integer=True,
            time_limit=min(left(), sub_limit),
            threads=threads,
            seed=seed + rounds,
            col_lower=lower,
            col_upper=upper,
            extra_options={**options, "mip_max_nodes": sub_nodes},
        )
        sub.setSolution(model.num_col, np.arange(model.num_col, dtype=np.int32), best)
        sub.run()
        rounds += 1
        sub_info = sub.getInfo()
        solved = sub.getModelStatus() == OPTIMAL
        proven += solved
        gained = False
        if sub_info.primal_solution_status == FEASIBLE:
            point, value = _checked(model, sub, note)
            if point is not None and value < best_objective + 0.5:
                # Ties are taken too: the incumbent moves across plateaus of equal cost.
                best = point
                if value < best_objective - 0.5:
                    gained = True
                    improvements += 1
                    note(f"LNS round {rounds} ({kind}, size {size:.2f}): objective {value:.0f}")
                best_objective = min(value, best_objective)
        scores[kind] = _score(scores[kind], gained)
        sizes[kind] = _resize(size, solved)

    if best is not None and best_objective <= bound + 1e-6:
        status = "Optimal"
    elif best is not None:
        status = "Time limit reached"
    note(
        f"{rounds} LNS rounds ({proven} solved to their optimum), {improvements} improvements; "
        f"{status}"
    )
    return RosteringResult(
        roster=roster_from_values(instance, model, best) if best is not None else None,
        objective=best_objective,
        lower_bound=bound,
        lp_bound=lp_bound,
        status=status,
        seconds=time.perf_counter() - started,
        lns_rounds=rounds,
        lns_improvements=improvements,
        log=notes,
    )


def _checked(
    model: RosteringModel, highs: highspy.Highs, note: Callable[[str], None]
) -> tuple[np.ndarray | None, float]:
    """HiGHS's point with x rounded and the other columns recomputed, and its true objective.

    HiGHS's own objective value is not trusted: the point is rebuilt from its x columns and
    checked against every row, and a point that breaks one is dropped (None, inf).
    """
    point = complete_point(model, np.asarray(highs.getSolution().col_value))
    violation = point_violation(model, point)
    value = point_objective(model, point)
    reported = float(highs.getInfo().objective_function_value)
    if violation > 1e-6:
        note(f"HiGHS point breaks a row by {violation:g}; dropped")
        return None, math.inf
    if abs(value - reported) > 0.5:
        note(f"HiGHS reported objective {reported:.0f} for a point worth {value:.0f}")
    return point, value


def _integral(bound: float) -> float:
    """A bound on an integer objective rounds up (a hair of tolerance for HiGHS's arithmetic)."""
    return float(math.ceil(bound - 1e-6)) if math.isfinite(bound) else 0.0


KINDS = ("staff", "days", "block", "cover", "cover_staff", "cover_pair", "requests")
"""The neighbourhoods: three random ones, and three aimed at the incumbent's costs."""


def _pick(scores: dict[str, float], rng: random.Random) -> str:
    """A neighbourhood kind, drawn with probability proportional to its score."""
    kinds = list(scores)
    return rng.choices(kinds, weights=[scores[k] for k in kinds])[0]


def _score(score: float, gained: bool) -> float:
    """A kind that just improved the incumbent is drawn more often; others slowly less."""
    return min(score + 1.0, 8.0) if gained else max(score * 0.97, 0.3)


def _resize(size: float, solved: bool) -> float:
    """Grow a neighbourhood HiGHS solved to its optimum; shrink one it could not finish."""
    return min(size * 1.15, 4.0) if solved else max(size / 1.15, 0.3)


def cell_costs(model: RosteringModel, point: np.ndarray) -> np.ndarray:
    """Per cover cell (in ``model.cover_cells`` order), its under- plus over-cover cost."""
    first = model.x_count + len(model.weekend_days)
    slacks = np.asarray(point[first : first + 2 * len(model.cover_cells)], dtype=float)
    costs = model.col_cost[first : first + 2 * len(model.cover_cells)] * slacks
    return costs.reshape(-1, 2).sum(axis=1)


def request_costs(model: RosteringModel, point: np.ndarray) -> np.ndarray:
    """Per employee, the weight of their requests the point does not honour."""
    x = np.round(np.asarray(point[: model.x_count], dtype=float))
    cost = model.col_cost[: model.x_count]
    paid = np.where(cost > 0, cost * x, -cost * (1.0 - x))
    return paid.reshape(model.n_staff, -1).sum(axis=1)


def _neighbourhood(
    model: RosteringModel,
    kind: str,
    size: float,
    rng: random.Random,
    point: np.ndarray | None = None,
) -> np.ndarray:
    """x columns to free: some employees' whole horizon, some days for all, or a block of both.

    ``size`` scales the neighbourhood: at 1.0, a quarter of the staff (at least three) for the
    whole horizon, six days for everyone, or half the staff for twelve days. The aimed kinds
    read the incumbent ``point`` (without one they fall back to a random kind):

    - ``cover``: a cover cell drawn by its cost (missing or extra people), and a block of ten
      days around its day for half the staff, half of them people who could fix the cell (who
      may work the shift and do not, for a shortfall; who work it, for an excess);
    - ``cover_staff``: such people, and others, for the whole horizon;
    - ``cover_pair``: two cells drawn so, six days around each, half the staff with people
      who could fix either (a shortfall here is often mended by a shift moved from there);
    - ``requests``: employees drawn by the weight of their unhonoured requests, whole horizon.
    """
    n_e, n_d, n_s = model.n_staff, model.n_days, model.n_shifts
    if kind in ("cover", "cover_staff", "cover_pair") and point is not None:
        costs = cell_costs(model, point)
        if costs.sum() > 0:
            cells = rng.choices(range(len(costs)), weights=costs.tolist(), k=2)
            if kind != "cover_pair":
                cells = cells[:1]
            fixers = [_fixers(model, point, c) for c in cells]
            if kind == "cover_staff":
                count = max(2, min(n_e - 1, round(size * max(3.0, 0.25 * n_e))))
                days = list(range(n_d))
                staff = _mixed_sample(fixers[0], n_e, count, rng)
            else:
                count = max(2, min(n_e, round(size * 0.5 * n_e)))
                width = max(2, min(n_d, round(size * (10 if kind == "cover" else 6))))
                chosen_days: set[int] = set()
                for c in cells:
                    day = model.cover_cells[c][0]
                    start = min(max(0, day - rng.randrange(0, width)), n_d - width)
                    chosen_days.update(range(start, start + width))
                days = sorted(chosen_days)
                preferred = sorted({e for group in fixers for e in group})
                staff = _mixed_sample(preferred, n_e, count, rng)
            return _columns(staff, days, n_d, n_s)
        kind = "staff"
    if kind == "requests" and point is not None:
        costs = request_costs(model, point)
        count = max(2, min(n_e - 1, round(size * max(3.0, 0.25 * n_e))))
        wanted = [e for e in range(n_e) if costs[e] > 0]
        if wanted:
            weights = [float(costs[e]) for e in wanted]
            chosen: set[int] = set()
            for _ in range(min(len(wanted), max(1, count // 2)) * 3):
                chosen.add(rng.choices(wanted, weights=weights)[0])
                if len(chosen) >= max(1, count // 2):
                    break
            staff = _mixed_sample(sorted(chosen), n_e, count, rng, share=1.0)
            return _columns(staff, list(range(n_d)), n_d, n_s)
        kind = "staff"
    if kind in KINDS[3:]:
        kind = "staff"
    if kind == "staff":
        count = max(2, min(n_e - 1, round(size * max(3.0, 0.25 * n_e))))
        staff = rng.sample(range(n_e), count)
        days = list(range(n_d))
    elif kind == "days":
        width = max(2, min(n_d - 1, round(size * 6)))
        start = rng.randrange(0, n_d - width + 1)
        staff = list(range(n_e))
        days = list(range(start, start + width))
    else:
        count = max(2, min(n_e, round(size * 0.5 * n_e)))
        width = max(2, min(n_d, round(size * 12)))
        start = rng.randrange(0, n_d - width + 1)
        staff = rng.sample(range(n_e), count)
        days = list(range(start, start + width))
    return _columns(staff, days, n_d, n_s)


def _fixers(model: RosteringModel, point: np.ndarray, cell: int) -> list[int]:
    """Employees who could fix a cover cell: for a shortfall, those who may work its shift
    that day and do not; for an excess (or an exact cover), those who work it. Among them,
    those whose total minutes leave room for one more shift (a shortfall) or one fewer (an
    excess), when there are any: the others would have to give a shift up elsewhere first."""
    n_e, n_d, n_s = model.n_staff, model.n_days, model.n_shifts
    day, shift, requirement = model.cover_cells[cell]
    grid = np.round(np.asarray(point[: model.x_count])).reshape(n_e, n_d, n_s)
    x = grid[:, day, shift]
    upper = model.col_upper[: model.x_count].reshape(n_e, n_d, n_s)[:, day, shift]
    minutes = grid.sum(axis=1) @ np.asarray(model.shift_minutes, dtype=float)
    length = model.shift_minutes[shift]
    if x.sum() < requirement:
        found = [e for e in range(n_e) if x[e] < 0.5 and upper[e] > 0]
        room = [e for e in found if minutes[e] + length <= model.minutes_range[e][1]]
    else:
        found = [e for e in range(n_e) if x[e] > 0.5]
        room = [e for e in found if minutes[e] - length >= model.minutes_range[e][0]]
    return room or found


def _mixed_sample(
    preferred: list[int], n_e: int, count: int, rng: random.Random, share: float = 0.5
) -> list[int]:
    """``count`` employees: up to ``share`` of them from ``preferred``, the rest at random."""
    take = min(len(preferred), max(1, round(share * count)))
    staff = set(rng.sample(preferred, take)) if take else set()
    others = [e for e in range(n_e) if e not in staff]
    staff.update(rng.sample(others, min(len(others), count - len(staff))))
    return sorted(staff)


def _columns(staff: list[int], days: list[int], n_d: int, n_s: int) -> np.ndarray:
    columns = [(e * n_d + d) * n_s + s for e in staff for d in days for s in range(n_s)]
    return np.asarray(columns, dtype=np.int64)
