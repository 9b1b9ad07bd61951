"""The aggregated integer model: one integer count per (group of interchangeable agents, shift).

Variables
    x[g, o]   integer, agents of group g working shift option o
    w[g]      >= 0, weekend days worked beyond the free ones, summed over group g
    y[k, t, q] >= 0, agents of skill class k covering queue q in interval t
    under[q, t], over[q, t] >= 0
(an x column costs its pay, plus the agent's preference weights for a one-member group with
preferences)
Rows (n_g = size of group g)
    clique rows     sum_{o in clique} x[g, o] <= n_g     (one start per day, 11 h rest)
    shifts/hours    n_g*min <= sum_o x[g, o] * (1 or hours_o) <= n_g*max
    weekend         sum_{o on weekend} x[g, o] - w[g] <= n_g * free_weekend_days
    day patterns    sum_d coef_d * sum_{o on d} x[g, o] <= n_g * rhs   (max consecutive days,
                    min days off; the per-agent rows of :mod:`patterns` summed over the group)
    working         sum_q y[k, t, q] = sum_{g in k} sum_{o covers t} x[g, o]
    coverage        sum_k y[k, t, q] + under[q, t] - over[q, t] = requirement[q, t]

Why it is exact enough: any per-agent plan maps to a feasible point of this model with the same
objective (sum of per-agent weekend excess >= group excess), so its LP and MIP optima are lower
bounds of the per-agent problem; and the LP relaxation equals the per-agent LP relaxation (average
a per-agent LP solution over each group, or split a group solution evenly), so the reported
``lower_bound`` *is* the LP relaxation of the named-agent model. An integer solution is turned
back into named agents by :mod:`disaggregate`; with the clique rows this almost always succeeds
exactly, and the plan's objective is recomputed from the named agents anyway.
"""

from __future__ import annotations

from dataclasses import dataclass

import highspy
import numpy as np
from scipy import sparse

from scheduling.engine.optimiser.highs import model_highs
from scheduling.engine.optimiser.model import SchedulingProblem
from scheduling.engine.optimiser.options import AgentGroup, ShiftOptions
from scheduling.engine.optimiser.patterns import option_rows


@dataclass
class AggregatedModel:
    """Column layout and data of the aggregated model, ready to pass to HiGHS."""

    x_group: np.ndarray
    x_option: np.ndarray
    x_count: int
    col_cost: np.ndarray
    col_lower: np.ndarray
    col_upper: np.ndarray
    row_lower: np.ndarray
    row_upper: np.ndarray
    matrix: sparse.csc_matrix
    group_rows: np.ndarray
    """Row index range start per group (rows of group g are group_rows[g]:group_rows[g+1])."""

    @property
    def num_col(self) -> int:
        return len(self.col_cost)

    @property
    def num_row(self) -> int:
        return len(self.row_lower)


def build_model(
    problem: SchedulingProblem,
    options: ShiftOptions,
    groups: list[AgentGroup],
    classes: list[frozenset[str]],
) -> AggregatedModel:
    """Assemble the aggregated model as one sparse matrix (see the module docstring)."""
    horizon = problem.intervals
    queues = problem.queues
    rules = problem.rules
    penalties = problem.penalties
    weekend = np.isin(options.day, rules.weekend_days)
    use_weekend = bool(rules.weekend_days) and penalties.weekend_day > 0

    x_group_parts, x_option_parts = [], []
    for g, group in enumerate(groups):
        x_group_parts.append(np.full(len(group.options), g, dtype=np.int64))
        x_option_parts.append(group.options)
    x_group = np.concatenate(x_group_parts) if groups else np.zeros(0, dtype=np.int64)
    x_option = np.concatenate(x_option_parts) if groups else np.zeros(0, dtype=np.int64)
    x_count = len(x_group)
    group_start = np.zeros(len(groups) + 1, dtype=np.int64)
    group_start[1:] = np.cumsum([len(g.options) for g in groups])

    cost_parts = [
        options.hours[group.options] * group.hourly_cost
        + (group.option_cost if group.option_cost is not None else 0.0)
        for group in groups
    ]
    costs: list[np.ndarray] = [np.concatenate(cost_parts) if groups else np.zeros(0)]
    col = x_count
    w_col = np.full(len(groups), -1, dtype=np.int64)
    if use_weekend:
        w_col = col + np.arange(len(groups))
        costs.append(np.full(len(groups), penalties.weekend_day))
        col += len(groups)
    y_col: dict[tuple[int, int], int] = {}
    for k, skills in enumerate(classes):
        for q, queue in enumerate(queues):
            if queue in skills:
                y_col[(k, q)] = col
                col += horizon
    costs.append(np.zeros(col - (x_count + (len(groups) if use_weekend else 0))))
    under_col = col
    col += len(queues) * horizon
    over_col = col
    col += len(queues) * horizon
    costs.append(np.full(len(queues) * horizon, penalties.under_coverage))
    costs.append(np.full(len(queues) * horizon, penalties.over_coverage))
    col_cost = np.concatenate(costs)
    col_lower = np.zeros(col)
    col_upper = np.full(col, np.inf)
    sizes = np.array([g.size for g in groups], dtype=np.float64)
    if x_count:
        col_upper[:x_count] = sizes[x_group]

    rows, cols, vals, lower, upper = [], [], [], [], []
    row = 0
    group_rows = np.zeros(len(groups) + 1, dtype=np.int64)

    def add_row(columns: np.ndarray, values: np.ndarray, lo: float, hi: float) -> None:
        nonlocal row
        rows.append(np.full(len(columns), row, dtype=np.int64))
        cols.append(np.asarray(columns, dtype=np.int64))
        vals.append(np.asarray(values, dtype=np.float64))
        lower.append(lo)
        upper.append(hi)
        row += 1

    for g, group in enumerate(groups):
        group_rows[g] = row
        limits = group.limits
        size = float(group.size)
        base = group_start[g]
        position = {int(o): base + i for i, o in enumerate(group.options)}
        seen: set[frozenset[int]] = set()
        for clique in options.cliques:
            members = frozenset(int(o) for o in clique if int(o) in position)
            if len(members) < 2 or members in seen:
                continue
            seen.add(members)
            columns = np.array(sorted(position[o] for o in members))
            add_row(columns, np.ones(len(columns)), -np.inf, size)
        columns = base + np.arange(len(group.options))
        add_row(columns, np.ones(len(columns)), size * limits.min_shifts, size * limits.max_shifts)
        hours = options.hours[group.options]
        if limits.min_hours > 0 or limits.max_hours < hours.max(initial=0) * problem.days:
            add_row(columns, hours, size * limits.min_hours, size * limits.max_hours)
        if use_weekend:
            on_weekend = columns[weekend[group.options]]
            if len(on_weekend) > rules.free_weekend_days:
                add_row(
                    np.append(on_weekend, w_col[g]),
                    np.append(np.ones(len(on_weekend)), -1.0),
                    -np.inf,
                    size * rules.free_weekend_days,
                )
        for positions, values, rhs in option_rows(group.pattern, options.day[group.options]):
            add_row(base + positions, values, -np.inf, size * rhs)
    group_rows[len(groups)] = row

    # working rows: per (class, interval): sum_q y - sum x*cover = 0
    cover_rows = options.cover.tocsr()
    work_row_base = row
    row += len(classes) * horizon
    for k in range(len(classes)):
        for q in range(len(queues)):
            if (k, q) in y_col:
                t = np.arange(horizon)
                rows.append(work_row_base + k * horizon + t)
                cols.append(y_col[(k, q)] + t)
                vals.append(np.ones(horizon))
    if x_count:
        class_of_col = np.array([groups[g].skill_class for g in x_group], dtype=np.int64)
        sub = cover_rows[x_option].tocoo()
        rows.append(work_row_base + class_of_col[sub.row] * horizon + sub.col)
        cols.append(sub.row.astype(np.int64))
        vals.append(-np.ones(len(sub.row)))
    lower.extend([0.0] * (len(classes) * horizon))
    upper.extend([0.0] * (len(classes) * horizon))

    # coverage rows: per (queue, interval)
    cover_row_base = row
    row += len(queues) * horizon
    requirement = np.asarray(problem.requirement, dtype=np.float64)
    for q in range(len(queues)):
        t = np.arange(horizon)
        for k in range(len(classes)):
            if (k, q) in y_col:
                rows.append(cover_row_base + q * horizon + t)
                cols.append(y_col[(k, q)] + t)
                vals.append(np.ones(horizon))
        rows.append(cover_row_base + q * horizon + t)
        cols.append(under_col + q * horizon + t)
        vals.append(np.ones(horizon))
        rows.append(cover_row_base + q * horizon + t)
        cols.append(over_col + q * horizon + t)
        vals.append(-np.ones(horizon))
    lower.extend(requirement.reshape(-1).tolist())
    upper.extend(requirement.reshape(-1).tolist())

    matrix = sparse.csc_matrix(
        (np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))), shape=(row, col)
    )
    return AggregatedModel(
        x_group=x_group,
        x_option=x_option,
        x_count=x_count,
        col_cost=col_cost,
        col_lower=col_lower,
        col_upper=col_upper,
        row_lower=np.array(lower, dtype=np.float64),
        row_upper=np.array(upper, dtype=np.float64),
        matrix=matrix,
        group_rows=group_rows,
    )


def to_highs(
    model: AggregatedModel,
    *,
    integer: bool,
    time_limit: float,
    threads: int = 1,
    seed: int = 0,
    log: bool = False,
    extra_options: dict[str, bool | int | float | str] | None = None,
) -> highspy.Highs:
    """A configured HiGHS instance holding the model (integer x columns if ``integer``)."""
    return model_highs(
        model,
        integer=integer,
        time_limit=time_limit,
        threads=threads,
        seed=seed,
        log=log,
        extra_options=extra_options,
    )
