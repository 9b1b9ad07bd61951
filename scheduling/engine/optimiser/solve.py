"""The weekly shift optimiser: greedy first, LP bound, then the aggregated MIP, under one deadline.

``solve_schedule`` always returns a valid plan: the greedy plan exists within a second, and each
later stage only replaces the best plan when its recomputed objective is lower. The deadline is
shared by all stages; HiGHS stops at its own time limit and hands back its incumbent.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable

import highspy
import numpy as np

from scheduling.engine.optimiser.aggregate import AggregatedModel, build_model, to_highs
from scheduling.engine.optimiser.breaks import has_break_rules, place_breaks
from scheduling.engine.optimiser.construct import best_single_agent, greedy_plan
from scheduling.engine.optimiser.disaggregate import disaggregate
from scheduling.engine.optimiser.evaluate import build_plan
from scheduling.engine.optimiser.model import SchedulingProblem, ShiftPlan, check_problem
from scheduling.engine.optimiser.options import (
    AgentGroup,
    ShiftOptions,
    WeeklyLimits,
    build_groups,
    build_options,
)

OPTIMAL = highspy.HighsModelStatus.kOptimal


def solve_schedule(
    problem: SchedulingProblem,
    *,
    time_limit: float = 60.0,
    threads: int = 1,
    seed: int = 0,
    verbose: bool = False,
    aggregate: bool = True,
) -> ShiftPlan:
    """Best plan found within ``time_limit`` seconds, with the LP lower bound and the gap.

    Deterministic for the same input and seed when single-threaded and when no stage is cut
    short by the clock (a time limit is wall-clock, so a stage stopped by it can differ).
    ``aggregate=False`` gives every agent its own group: the plain named-agent model, kept for
    measurement and for tests that aggregation loses nothing.
    """
    started = time.perf_counter()
    deadline = started + time_limit
    check_problem(problem)
    notes: list[str] = []

    def note(text: str) -> None:
        line = f"[{time.perf_counter() - started:7.1f}s] {text}"
        notes.append(line)
        if verbose:
            print(line, flush=True)

    options = build_options(problem)
    groups, classes = build_groups(problem, options, aggregate=aggregate)
    if problem.rules.forbidden_successions or any(group.pattern for group in groups):
        groups = reachable_minimums(problem, options, groups, note)
    allowed_of, limits_of = _per_agent(problem, groups)
    note(f"{len(problem.agents)} agents in {len(groups)} groups, {options.count} shift options")

    best = build_plan(
        problem, options, classes, greedy_plan(problem, options, allowed_of, limits_of, seed)
    )
    best.method = "greedy"
    note(f"greedy objective {best.objective:.1f}")

    model = build_model(problem, options, groups, classes)
    note(
        f"aggregated model: {model.num_col} columns ({model.x_count} integer), {model.num_row} rows"
    )

    lower_bound, lp_values = _lp_bound(model, deadline, threads, seed, verbose)
    note(f"LP bound {lower_bound:.1f}" if lp_values is not None else "LP bound not reached")

    def consider(values: np.ndarray, method: str) -> None:
        nonlocal best
        choices, moved = disaggregate(
            problem, options, groups, model.x_group, model.x_option, values[: model.x_count]
        )
        plan = build_plan(problem, options, classes, choices)
        note(f"{method}: objective {plan.objective:.1f} (moved {moved} shifts)")
        if plan.objective < best.objective - 1e-6:
            plan.method = method
            best = plan

    start = _aggregated_point(model, groups, best, options)
    remaining = deadline - time.perf_counter()
    if lp_values is not None and remaining > 2.0 and model.x_count:
        rounded = _rounding_neighbourhood(model, lp_values, 0.3 * remaining, threads, seed, verbose)
        if rounded is not None:
            before = best.objective
            consider(rounded, "LP-guided rounding")
            if best.objective < before:
                start = rounded[: model.x_count]
        else:
            guided = build_plan(
                problem,
                options,
                classes,
                greedy_plan(
                    problem,
                    options,
                    allowed_of,
                    limits_of,
                    seed,
                    bias=_lp_bias(problem, model, groups, lp_values, options.count),
                ),
            )
            note(f"LP-guided greedy: objective {guided.objective:.1f}")
            if guided.objective < best.objective - 1e-6:
                guided.method = "LP-guided greedy"
                best = guided
                start = _aggregated_point(model, groups, best, options)

    mip_bound = lower_bound
    remaining = deadline - time.perf_counter()
    if remaining > 1.0 and model.x_count:
        highs = to_highs(
            model,
            integer=True,
            time_limit=remaining - _reserve(problem),
            threads=threads,
            seed=seed,
            log=verbose,
            extra_options={"mip_rel_gap": 1e-5},
        )
        columns = np.arange(model.x_count, dtype=np.int32)
        highs.setSolution(model.x_count, columns, start)
        highs.run()
        info = highs.getInfo()
        if info.primal_solution_status == 2:
            consider(np.asarray(highs.getSolution().col_value), "aggregated MIP")
        mip_bound = max(mip_bound, float(info.mip_dual_bound))
        best.status = highs.modelStatusToString(highs.getModelStatus())
    else:
        best.status = "LP only" if lp_values is not None else "greedy only"

    if has_break_rules(problem):
        best = place_breaks(problem, best)
        note("breaks placed")
    best.lower_bound = lower_bound
    best.mip_bound = mip_bound
    best.seconds = time.perf_counter() - started
    best.log = notes
    return best


def reachable_minimums(
    problem: SchedulingProblem,
    options: ShiftOptions,
    groups: list[AgentGroup],
    note: Callable[[str], None] | None = None,
) -> list[AgentGroup]:
    """Groups whose contract minimum no rule-abiding week reaches get the minimum lowered.

    The prorating of :func:`options.weekly_limits` counts days; a chain of forbidden successions
    and rest (say Sunday night before, then only nights possible, and a day off on Friday that the
    Thursday night would run into) can leave fewer shifts than that. One such agent would make
    the whole aggregated model infeasible, so each group with day rules is checked with the
    one-agent MIP and, if needed, its minimums become the most shifts and hours it can reach.
    The validator prorates by days only, so it still reports such an agent's missed minimum.
    """
    out = []
    for group in groups:
        value = np.ones(len(group.options))
        if (
            len(group.options) == 0
            or group.limits.min_shifts == 0
            or best_single_agent(
                problem, options, group.options, group.limits, value, pattern=group.pattern
            )
        ):
            out.append(group)
            continue
        free = dataclasses.replace(group.limits, min_shifts=0, min_hours=0.0)
        most = best_single_agent(
            problem, options, group.options, free, value, pattern=group.pattern
        )
        hours = options.hours[group.options]
        longest = best_single_agent(
            problem, options, group.options, free, hours, pattern=group.pattern
        )
        limits = dataclasses.replace(
            group.limits,
            min_shifts=min(group.limits.min_shifts, len(most)),
            min_hours=min(group.limits.min_hours, float(options.hours[longest].sum())),
        )
        if note is not None:
            note(f"group of {group.size} ({group.contract}): minimum lowered to {limits}")
        out.append(dataclasses.replace(group, limits=limits))
    return out


LP_GUIDE = 2000.0
"""Value the LP-guided greedy adds per unit of an agent's LP share of a shift (a shift covers
16 intervals worth 100 each, so the LP's choice outweighs the greedy's own judgement)."""


def _lp_bias(
    problem: SchedulingProblem,
    model: AggregatedModel,
    groups: list[AgentGroup],
    lp_values: np.ndarray,
    option_count: int,
) -> list[np.ndarray]:
    """Per agent and option, ``LP_GUIDE`` times the agent's share of its group's LP count.

    Used when RENS finds nothing in its time (it happens with the day-pattern rules, whose LP is
    less integral): the greedy, which keeps every rule by construction, then follows the LP.
    """
    share = np.zeros((len(groups), option_count))
    x = lp_values[: model.x_count]
    sizes = np.array([g.size for g in groups], dtype=np.float64)
    np.add.at(share, (model.x_group, model.x_option), x / sizes[model.x_group])
    bias: list[np.ndarray] = [np.zeros(0)] * len(problem.agents)
    for g, group in enumerate(groups):
        for member in group.members:
            bias[member] = LP_GUIDE * share[g]
    return bias


def _per_agent(
    problem: SchedulingProblem, groups: list[AgentGroup]
) -> tuple[list, list[WeeklyLimits]]:
    allowed_of: list = [None] * len(problem.agents)
    limits_of: list = [None] * len(problem.agents)
    for group in groups:
        for member in group.members:
            allowed_of[member] = group.options
            limits_of[member] = group.limits
    return allowed_of, limits_of


def _reserve(problem: SchedulingProblem) -> float:
    """Seconds kept back after the MIP for splitting groups and assigning queues."""
    return 1.0 + 0.01 * len(problem.agents)


def _lp_bound(
    model: AggregatedModel, deadline: float, threads: int, seed: int, verbose: bool
) -> tuple[float, np.ndarray | None]:
    """Optimal value of the LP relaxation (0 and None if it does not finish in time)."""
    remaining = deadline - time.perf_counter()
    if remaining <= 0.5:
        return 0.0, None
    highs = to_highs(
        model, integer=False, time_limit=0.6 * remaining, threads=threads, seed=seed, log=verbose
    )
    highs.run()
    if highs.getModelStatus() != OPTIMAL:
        return 0.0, None
    return float(highs.getInfo().objective_function_value), np.asarray(
        highs.getSolution().col_value
    )


def _rounding_neighbourhood(
    model: AggregatedModel,
    lp_values: np.ndarray,
    time_limit: float,
    threads: int,
    seed: int,
    verbose: bool,
) -> np.ndarray | None:
    """Best integer point with every count within one rounding step of the LP optimum.

    This is RENS (relaxation enforcing neighbourhood search): the LP optimum of this model is
    nearly integral, so boxing each count between floor and ceiling of its LP value leaves a
    small MIP that HiGHS solves in seconds, long before the full tree search finds as good a
    plan. Returns None when the box holds no integer point within the time given.
    """
    x = lp_values[: model.x_count]
    lower = model.col_lower.copy()
    upper = model.col_upper.copy()
    lower[: model.x_count] = np.floor(x + 1e-6)
    upper[: model.x_count] = np.ceil(x - 1e-6)
    boxed = dataclasses.replace(model, col_lower=lower, col_upper=upper)
    highs = to_highs(
        boxed,
        integer=True,
        time_limit=time_limit,
        threads=threads,
        seed=seed,
        log=verbose,
        extra_options={"mip_rel_gap": 1e-5},
    )
    highs.run()
    if highs.getInfo().primal_solution_status != 2:
        return None
    return np.asarray(highs.getSolution().col_value)


def _aggregated_point(
    model: AggregatedModel,
    groups: list[AgentGroup],
    plan: ShiftPlan,
    options: ShiftOptions,
) -> np.ndarray:
    """The plan's x counts in the aggregated model's columns (HiGHS completes the rest)."""
    column = {
        (int(g), int(o)): c
        for c, (g, o) in enumerate(zip(model.x_group, model.x_option, strict=True))
    }
    values = np.zeros(model.x_count)
    lookup = _option_lookup(options)
    for g, group in enumerate(groups):
        for member in group.members:
            for shift in plan.shifts[member]:
                if shift is not None:
                    o = lookup[(shift.template, shift.day, shift.start)]
                    values[column[(g, o)]] += 1
    return values


def _option_lookup(options: ShiftOptions) -> dict[tuple[str, int, int], int]:
    return {
        (options.template[o], int(options.day[o]), int(options.start[o])): o
        for o in range(options.count)
    }
