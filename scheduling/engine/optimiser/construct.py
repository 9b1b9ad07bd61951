"""Fast constructive plans: a greedy that always yields a rule-abiding plan, and per-agent repair.

The greedy exists so the optimiser never returns nothing: it runs in about a second for 1000
agents, before any solver is started, and every later plan must beat it to replace it.
"""

from __future__ import annotations

import highspy
import numpy as np
from scipy import sparse

from scheduling.engine.optimiser.highs import new_highs
from scheduling.engine.optimiser.model import SchedulingProblem
from scheduling.engine.optimiser.options import ShiftOptions, WeeklyLimits
from scheduling.engine.optimiser.patterns import (
    Row,
    option_rows,
    pattern_rows,
    preference_cost,
    rows_hold,
)


def choice_is_valid(
    problem: SchedulingProblem, options: ShiftOptions, allowed: np.ndarray, chosen: list[int]
) -> bool:
    """Whether one agent's chosen options respect its contract and the rest rules."""
    if not set(chosen) <= set(allowed.tolist()):
        return False
    days = [int(options.day[o]) for o in chosen]
    if len(set(days)) != len(days):
        return False
    for i, o in enumerate(chosen):
        for p in chosen[i + 1 :]:
            if options.conflict[o, p]:
                return False
    return True


def limits_ok(options: ShiftOptions, limits: WeeklyLimits, chosen: list[int]) -> bool:
    """Whether the number of shifts and hours lie within the agent's weekly limits."""
    hours = float(options.hours[chosen].sum()) if chosen else 0.0
    return (
        limits.min_shifts <= len(chosen) <= limits.max_shifts
        and limits.min_hours - 1e-9 <= hours <= limits.max_hours + 1e-9
    )


def best_single_agent(
    problem: SchedulingProblem,
    options: ShiftOptions,
    allowed: np.ndarray,
    limits: WeeklyLimits,
    value: np.ndarray,
    pattern: tuple[Row, ...] = (),
) -> list[int]:
    """Highest-value rule-abiding week for one agent (tiny MIP); [] if none exists.

    Used when the greedy paints an agent into a corner, so the constructive plan stays valid
    for any input, not only the benchmark's. ``pattern`` holds the agent's consecutive-days and
    days-off rows (:mod:`patterns`).
    """
    if len(allowed) == 0:
        return []
    n = len(allowed)
    position = {int(o): i for i, o in enumerate(allowed)}
    rows, cols, lower, upper = [], [], [], []
    row = 0
    for clique in options.cliques:
        members = [position[int(o)] for o in clique if int(o) in position]
        if len(members) > 1:
            rows += [row] * len(members)
            cols += members
            lower.append(-np.inf)
            upper.append(1.0)
            row += 1
    rows += [row] * n + [row + 1] * n
    cols += list(range(n)) * 2
    lower += [limits.min_shifts, limits.min_hours]
    upper += [limits.max_shifts, limits.max_hours]
    row += 2
    values = np.ones(len(rows))
    values[len(rows) - n :] = options.hours[allowed]  # the last row counts hours
    if pattern:
        rows, cols, values, lower, upper, row = _with_pattern_rows(
            options, allowed, pattern, rows, cols, values, lower, upper, row
        )
    matrix = sparse.csc_matrix((values, (rows, cols)), shape=(row, n))
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = n, row
    lp.col_cost_ = -np.asarray(value, dtype=np.float64)
    lp.col_lower_ = np.zeros(n)
    lp.col_upper_ = np.ones(n)
    lp.row_lower_ = np.array(lower, dtype=np.float64)
    lp.row_upper_ = np.array(upper, dtype=np.float64)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = matrix.indptr.astype(np.int32)
    lp.a_matrix_.index_ = matrix.indices.astype(np.int32)
    lp.a_matrix_.value_ = matrix.data
    lp.integrality_ = [highspy.HighsVarType.kInteger] * n
    highs = new_highs(time_limit=5.0)
    highs.passModel(lp)
    highs.run()
    if highs.getInfo().primal_solution_status != 2:
        return []
    x = np.asarray(highs.getSolution().col_value)
    return sorted(int(allowed[i]) for i in np.flatnonzero(x > 0.5))


def _with_pattern_rows(
    options: ShiftOptions,
    allowed: np.ndarray,
    pattern: tuple[Row, ...],
    rows: list,
    cols: list,
    values: np.ndarray,
    lower: list,
    upper: list,
    row: int,
) -> tuple[list, list, np.ndarray, list, list, int]:
    """Append the agent's day-pattern rows to the one-agent MIP's triplets."""
    extra_values = []
    for positions, coefs, rhs in option_rows(pattern, options.day[allowed]):
        rows = [*rows, *([row] * len(positions))]
        cols = [*cols, *positions.tolist()]
        extra_values.append(coefs)
        lower = [*lower, -np.inf]
        upper = [*upper, rhs]
        row += 1
    values = np.concatenate([values, *extra_values]) if extra_values else values
    return rows, cols, values, lower, upper, row


def rule_candidates(
    options: ShiftOptions, pattern: tuple[Row, ...], chosen: list[int], candidates: np.ndarray
) -> np.ndarray:
    """Candidates whose day keeps the agent's day-pattern rows satisfied.

    Every such rule can only break further when a working day is added, so checking each step
    keeps the greedy's plan valid.
    """
    if len(candidates) == 0:
        return candidates
    days = [int(options.day[o]) for o in chosen]
    candidate_days = options.day[candidates]
    fine = [int(d) for d in np.unique(candidate_days) if rows_hold(pattern, [*days, int(d)])]
    return candidates[np.isin(candidate_days, fine)]


def preference_values(problem: SchedulingProblem, options: ShiftOptions, a: int) -> np.ndarray:
    """Signed preference weight of every option for agent a."""
    agent = problem.agents[a]
    return np.array(
        [
            preference_cost(agent, int(options.day[o]), options.template[o], int(options.start[o]))
            for o in range(options.count)
        ],
        dtype=np.float64,
    )


def greedy_plan(
    problem: SchedulingProblem,
    options: ShiftOptions,
    allowed_of: list[np.ndarray],
    limits_of: list[WeeklyLimits],
    seed: int,
    bias: list[np.ndarray] | None = None,
) -> list[list[int]]:
    """Round-robin greedy: each round every agent takes its most valuable compatible shift.

    The value of a shift is 100 per interval it covers where some queue the agent is skilled for
    is still short, -10 per interval it would over-cover, minus its pay and any weekend penalty.
    Rounds up to the contract minimum are mandatory; later ones only take positive value.
    ``bias[a]`` (per option), if given, is added to agent a's values (the LP-guided greedy).
    """
    rng = np.random.default_rng(seed)
    n_agents = len(problem.agents)
    penalties = problem.penalties
    residual = np.asarray(problem.requirement, dtype=np.float64).copy()
    queue_index = {q: i for i, q in enumerate(problem.queues)}
    skill_rows = [
        np.array(sorted(queue_index[s] for s in agent.skills if s in queue_index))
        for agent in problem.agents
    ]
    cover = options.cover.tocsr()
    cover_dense = cover.toarray().astype(bool)
    weekend = np.isin(options.day, problem.rules.weekend_days)
    choices: list[list[int]] = [[] for _ in range(n_agents)]
    order = rng.permutation(n_agents)
    patterns = [pattern_rows(problem, agent) for agent in problem.agents]
    wishes = {
        a: preference_values(problem, options, a)
        for a in range(n_agents)
        if problem.agents[a].preferences
    }
    max_rounds = max((c.max_shifts for c in problem.contracts.values()), default=0)
    for round_number in range(max_rounds):
        for a in order:
            agent = problem.agents[a]
            limits = limits_of[a]
            chosen = choices[a]
            if len(chosen) >= limits.max_shifts:
                continue
            candidates = allowed_of[a]
            if chosen:
                blocked = options.conflict[np.ix_(candidates, chosen)].any(axis=1)
                used_days = np.isin(options.day[candidates], options.day[chosen])
                candidates = candidates[~blocked & ~used_days]
            hours_now = float(options.hours[chosen].sum()) if chosen else 0.0
            candidates = candidates[
                hours_now + options.hours[candidates] <= limits.max_hours + 1e-9
            ]
            if patterns[a]:
                candidates = rule_candidates(options, patterns[a], chosen, candidates)
            if len(candidates) == 0:
                continue
            short = residual[skill_rows[a]].max(axis=0) > 0
            gain = np.where(short, penalties.under_coverage, -penalties.over_coverage)
            value = cover[candidates] @ gain - options.hours[candidates] * agent.hourly_cost
            weekend_worked = int(weekend[chosen].sum()) if chosen else 0
            if weekend_worked >= problem.rules.free_weekend_days:
                value = value - penalties.weekend_day * weekend[candidates]
            if a in wishes:
                value = value - wishes[a][candidates]
            if bias is not None:
                value = value + bias[a][candidates]
            best = int(np.argmax(value))
            mandatory = round_number < limits.min_shifts
            if not mandatory and value[best] <= 0:
                continue
            option = int(candidates[best])
            chosen.append(option)
            for t in np.flatnonzero(cover_dense[option]):
                rows = skill_rows[a]
                residual[rows[int(np.argmax(residual[rows, t]))], t] -= 1
    for a in range(n_agents):
        if not limits_ok(options, limits_of[a], choices[a]):
            value = np.full(len(allowed_of[a]), 1.0)
            choices[a] = best_single_agent(
                problem, options, allowed_of[a], limits_of[a], value, pattern=patterns[a]
            )
    return [sorted(c) for c in choices]
