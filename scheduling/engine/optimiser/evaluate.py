"""Turn per-agent shift choices into a complete :class:`ShiftPlan` with its figures.

Given who works when, the best queue assignment is a small transportation problem per
interval (skill classes -> queues, under-coverage at 100 and over-coverage at 10); its matrix is
totally unimodular, so HiGHS returns integer counts, which are then handed out to named agents.
"""

from __future__ import annotations

import highspy
import numpy as np
from scipy import sparse

from scheduling.engine.optimiser.highs import new_highs
from scheduling.engine.optimiser.model import AssignedShift, SchedulingProblem, ShiftPlan
from scheduling.engine.optimiser.options import ShiftOptions
from scheduling.engine.optimiser.patterns import preference_cost


def skill_class_of_agents(problem: SchedulingProblem, classes: list[frozenset[str]]) -> np.ndarray:
    """Index of each agent's skill set in ``classes``."""
    return np.array(
        [classes.index(frozenset(a.skills & set(problem.queues))) for a in problem.agents],
        dtype=np.int64,
    )


def assign_queue_counts(
    problem: SchedulingProblem, classes: list[frozenset[str]], working: np.ndarray
) -> np.ndarray:
    """Optimal integer counts y[k, q, t] of class-k agents covering queue q in interval t.

    ``working[k, t]`` agents of class k are at work; every one of them must cover exactly one
    queue it is skilled for.
    """
    horizon = problem.intervals
    queues = problem.queues
    n_class, n_queue = len(classes), len(queues)
    pairs = [(k, q) for k in range(n_class) for q in range(n_queue) if queues[q] in classes[k]]
    counts = np.zeros((n_class, n_queue, horizon), dtype=np.int64)
    if not pairs or working.sum() == 0:
        return counts
    t = np.arange(horizon)
    rows, cols, vals = [], [], []
    for p, (k, q) in enumerate(pairs):
        rows += [k * horizon + t, n_class * horizon + q * horizon + t]
        cols += [p * horizon + t, p * horizon + t]
        vals += [np.ones(horizon), np.ones(horizon)]
    y_cols = len(pairs) * horizon
    for q in range(n_queue):
        rows += [n_class * horizon + q * horizon + t] * 2
        cols += [y_cols + q * horizon + t, y_cols + (n_queue + q) * horizon + t]
        vals += [np.ones(horizon), -np.ones(horizon)]
    n_col = y_cols + 2 * n_queue * horizon
    n_row = (n_class + n_queue) * horizon
    matrix = sparse.csc_matrix(
        (np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))), shape=(n_row, n_col)
    )
    bounds = np.concatenate(
        [working.reshape(-1).astype(np.float64), np.asarray(problem.requirement, float).reshape(-1)]
    )
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = n_col, n_row
    lp.col_cost_ = np.concatenate(
        [
            np.zeros(y_cols),
            np.full(n_queue * horizon, problem.penalties.under_coverage),
            np.full(n_queue * horizon, problem.penalties.over_coverage),
        ]
    )
    lp.col_lower_ = np.zeros(n_col)
    lp.col_upper_ = np.full(n_col, np.inf)
    lp.row_lower_ = bounds
    lp.row_upper_ = bounds
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = matrix.indptr.astype(np.int32)
    lp.a_matrix_.index_ = matrix.indices.astype(np.int32)
    lp.a_matrix_.value_ = matrix.data
    lp.integrality_ = [highspy.HighsVarType.kInteger] * y_cols + [
        highspy.HighsVarType.kContinuous
    ] * (2 * n_queue * horizon)
    highs = new_highs()
    highs.passModel(lp)
    highs.run()
    if highs.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        # Always feasible (under/over absorb everything), so this is a solver failure.
        raise RuntimeError(
            f"queue assignment failed: {highs.modelStatusToString(highs.getModelStatus())}"
        )
    values = np.rint(np.asarray(highs.getSolution().col_value)[:y_cols]).astype(np.int64)
    for p, (k, q) in enumerate(pairs):
        counts[k, q] = values[p * horizon : (p + 1) * horizon]
    return counts


def build_plan(
    problem: SchedulingProblem,
    options: ShiftOptions,
    classes: list[frozenset[str]],
    choices: list[list[int]],
) -> ShiftPlan:
    """The full plan for per-agent option choices (``choices[a]`` = option ids of agent a)."""
    horizon = problem.intervals
    n_agents = len(problem.agents)
    class_of = skill_class_of_agents(problem, classes)
    cover = options.cover.toarray().astype(bool)
    works = np.zeros((n_agents, horizon), dtype=bool)
    for a, chosen in enumerate(choices):
        for o in chosen:
            works[a] |= cover[o]
    working = np.zeros((len(classes), horizon), dtype=np.int64)
    for k in range(len(classes)):
        working[k] = works[class_of == k].sum(axis=0)
    counts = assign_queue_counts(problem, classes, working)
    queue_of = np.full((n_agents, horizon), -1, dtype=np.int64)
    for k in range(len(classes)):
        members = np.flatnonzero(class_of == k)
        for t in range(horizon):
            at_work = members[works[members, t]]
            if len(at_work) == 0:
                continue
            queue_of[at_work, t] = np.repeat(np.arange(len(problem.queues)), counts[k, :, t])
    return plan_from_assignment(problem, options, choices, queue_of)


def plan_from_assignment(
    problem: SchedulingProblem,
    options: ShiftOptions,
    choices: list[list[int]],
    queue_of: np.ndarray,
) -> ShiftPlan:
    """Figures of a plan whose shifts and queue assignment are fixed."""
    n_queue = len(problem.queues)
    requirement = np.asarray(problem.requirement, dtype=np.int64)
    coverage = np.zeros_like(requirement)
    for q in range(n_queue):
        coverage[q] = (queue_of == q).sum(axis=0)
    under = np.maximum(requirement - coverage, 0)
    over = np.maximum(coverage - requirement, 0)
    weekend = set(problem.rules.weekend_days)
    cost = 0.0
    beyond = 0
    wishes = 0.0
    shifts: list[list[AssignedShift | None]] = []
    for a, chosen in enumerate(choices):
        rate = problem.agents[a].hourly_cost
        if problem.agents[a].preferences:
            wishes += sum(
                preference_cost(
                    problem.agents[a],
                    int(options.day[o]),
                    options.template[o],
                    int(options.start[o]),
                )
                for o in chosen
            )
        row: list[AssignedShift | None] = [None] * problem.days
        for o in chosen:
            row[int(options.day[o])] = AssignedShift(
                options.template[o], int(options.day[o]), int(options.start[o])
            )
            cost += float(options.hours[o]) * rate
        shifts.append(row)
        worked = sum(1 for o in chosen if int(options.day[o]) in weekend)
        beyond += max(0, worked - problem.rules.free_weekend_days)
    penalties = problem.penalties
    objective = (
        penalties.under_coverage * float(under.sum())
        + penalties.over_coverage * float(over.sum())
        + cost
        + penalties.weekend_day * beyond
        + wishes
    )
    return ShiftPlan(
        shifts=shifts,
        queue_of=queue_of,
        coverage=coverage,
        under=under,
        over=over,
        cost=cost,
        weekend_days_beyond_free=beyond,
        objective=objective,
        preference_cost=wishes,
    )
