"""Solve a rostering instance with HiGHS: the full MIP first, then a large-neighbourhood search.

1. LP relaxation of the full model: a first lower bound.
2. The full MIP under part of the time limit. Small instances end here, proven optimal.
3. Large-neighbourhood search while time is left and the gap is open: free the x columns of a
   random set of employees, or of a window of days for everyone, or of a window of days for a
   set of employees; fix every other x column to the incumbent; solve that smaller MIP with
   HiGHS, warm-started from the incumbent, so it can only keep or improve it. The neighbourhood
   grows when HiGHS proves its optimum quickly and shrinks when it runs out of nodes.
   A sub-MIP result of equal cost replaces the incumbent too, so the search can cross plateaus.
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
    sub_nodes: int = 300,
    sub_seconds: float = 10.0,
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

    lp = to_highs(model, integer=False, time_limit=max(left(), 0.1), threads=threads, seed=seed)
    lp.run()
    lp_bound = 0.0
    if lp.getModelStatus() == OPTIMAL:
        lp_bound = float(lp.getInfo().objective_function_value)
    note(f"LP bound {lp_bound:.2f}")
    bound = _integral(lp_bound)

    best: np.ndarray | None = None
    best_objective = math.inf
    status = "not solved"
    first = to_highs(
        model,
        integer=True,
        time_limit=max(mip_share * left(), min(left(), 5.0)),
        threads=threads,
        seed=seed,
        log=verbose,
        extra_options=options,
    )
    first.run()
    info = first.getInfo()
    status = first.modelStatusToString(first.getModelStatus())
    bound = max(bound, _integral(float(info.mip_dual_bound)))
    if info.primal_solution_status == FEASIBLE:
        best, best_objective = _checked(model, first, note)
    note(f"full MIP: {status}, objective {best_objective:.0f}, bound {bound:.0f}")

    rng = random.Random(seed)
    rounds = improvements = 0
    size = 1.0
    kinds = ("staff", "days", "block")
    while best is not None and best_objective > bound + 1e-6 and left() > 1.0:
        kind = kinds[rounds % len(kinds)]
        free = _neighbourhood(model, kind, size, rng)
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
            time_limit=min(left(), sub_seconds),
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
        if sub_info.primal_solution_status == FEASIBLE:
            point, value = _checked(model, sub, note)
            if point is not None and value < best_objective + 0.5:
                # Ties are taken too: the incumbent moves across plateaus of equal cost.
                best = point
                if value < best_objective - 0.5:
                    improvements += 1
                    note(f"LNS round {rounds} ({kind}, size {size:.2f}): objective {value:.0f}")
                best_objective = min(value, best_objective)
        size = min(size * 1.15, 4.0) if solved else max(size / 1.15, 0.3)

    if best is not None and best_objective <= bound + 1e-6:
        status = "Optimal"
    elif best is not None:
        status = "Time limit reached"
    note(f"{rounds} LNS rounds, {improvements} improvements; {status}")
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


def _neighbourhood(model: RosteringModel, kind: str, size: float, rng: random.Random) -> np.ndarray:
    """x columns to free: some employees' whole horizon, some days for all, or a block of both.

    ``size`` scales the neighbourhood: at 1.0, a quarter of the staff (at least three) for the
    whole horizon, six days for everyone, or half the staff for twelve days.
    """
    n_e, n_d, n_s = model.n_staff, model.n_days, model.n_shifts
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
    columns = [(e * n_d + d) * n_s + s for e in staff for d in days for s in range(n_s)]
    return np.asarray(columns, dtype=np.int64)
