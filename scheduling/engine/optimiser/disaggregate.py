"""Hand a group's integer shift counts out to its named agents.

The aggregated model only knows that, say, three agents of a group start at 09:00 on Monday.
Which three must still respect every per-agent rule: one start per day, 11 hours of rest, weekly
limits, forbidden successions (cliques), consecutive days and days off (:mod:`patterns`); and
the weekend penalty is per agent, so the split should keep weekend days apart. A
small MIP per group does this exactly (a group is at most a few dozen agents). When the group's
counts cannot be split exactly (the clique rows of the aggregated model are necessary, not
always sufficient, conditions) the MIP may move shifts, at a price, so a valid plan always comes
out.
"""

from __future__ import annotations

import highspy
import numpy as np
from scipy import sparse

from scheduling.engine.optimiser.construct import best_single_agent, choice_is_valid, limits_ok
from scheduling.engine.optimiser.highs import new_highs
from scheduling.engine.optimiser.model import SchedulingProblem
from scheduling.engine.optimiser.options import AgentGroup, ShiftOptions
from scheduling.engine.optimiser.patterns import option_rows, rows_hold

DEVIATION_PRICE = 1000.0


def disaggregate(
    problem: SchedulingProblem,
    options: ShiftOptions,
    groups: list[AgentGroup],
    x_group: np.ndarray,
    x_option: np.ndarray,
    x_value: np.ndarray,
) -> tuple[list[list[int]], int]:
    """Per-agent option choices from group counts; also the number of shifts that had to move."""
    counts = np.rint(np.asarray(x_value)).astype(np.int64)
    choices: list[list[int]] = [[] for _ in problem.agents]
    moved = 0
    for g, group in enumerate(groups):
        mask = (x_group == g) & (counts > 0)
        wanted = dict(zip(x_option[mask].tolist(), counts[mask].tolist(), strict=True))
        if group.size == 1:
            chosen = sorted(o for o, c in wanted.items() if c >= 1)
            if all(c == 1 for c in wanted.values()) and _valid(problem, options, group, chosen):
                choices[group.members[0]] = chosen
                continue
        split = _split_group(problem, options, group, wanted, strict=True)
        if split is None:
            split = _split_group(problem, options, group, wanted, strict=False)
        if split is None:
            # Not even a relaxed split (an agent whose own limits cannot be met): give each
            # agent the best week it can work on its own, and let the plan figures show it.
            value = np.ones(len(group.options))
            split = [
                best_single_agent(
                    problem, options, group.options, group.limits, value, pattern=group.pattern
                )
                for _ in group.members
            ]
        if not _exact(split, wanted):
            placed: dict[int, int] = {}
            for chosen in split:
                for o in chosen:
                    placed[o] = placed.get(o, 0) + 1
            moved += sum(abs(placed.get(o, 0) - c) for o, c in wanted.items())
            moved += sum(c for o, c in placed.items() if o not in wanted)
        for member, chosen in zip(group.members, split, strict=True):
            choices[member] = chosen
    return choices, moved


def _exact(split: list[list[int]], wanted: dict[int, int]) -> bool:
    placed: dict[int, int] = {}
    for chosen in split:
        for o in chosen:
            placed[o] = placed.get(o, 0) + 1
    return placed == {o: c for o, c in wanted.items() if c > 0}


def _valid(
    problem: SchedulingProblem, options: ShiftOptions, group: AgentGroup, chosen: list[int]
) -> bool:
    return (
        choice_is_valid(problem, options, group.options, chosen)
        and limits_ok(options, group.limits, chosen)
        and rows_hold(group.pattern, [int(options.day[o]) for o in chosen])
    )


def _split_group(
    problem: SchedulingProblem,
    options: ShiftOptions,
    group: AgentGroup,
    wanted: dict[int, int],
    *,
    strict: bool,
) -> list[list[int]] | None:
    """Solve the per-group split; ``strict`` keeps the counts exact, else deviations cost."""
    usable = np.array(sorted(wanted), dtype=np.int64) if strict else group.options
    if strict and len(usable) == 0:
        usable = np.zeros(0, dtype=np.int64)
    n_agents, n_opt = group.size, len(usable)
    limits = group.limits
    weekend = np.isin(options.day[usable], problem.rules.weekend_days)
    position = {int(o): i for i, o in enumerate(usable)}
    n_x = n_agents * n_opt
    z_base = n_x
    n_col = n_x + n_agents + (0 if strict else 2 * n_opt)
    dev_base = n_x + n_agents
    rows: list[int] = []
    cols: list[int] = []
    vals: list[float] = []
    lower: list[float] = []
    upper: list[float] = []

    def add(columns: list[int], values: list[float], lo: float, hi: float) -> None:
        row = len(lower)
        rows.extend([row] * len(columns))
        cols.extend(columns)
        vals.extend(values)
        lower.append(lo)
        upper.append(hi)

    cliques = []
    seen: set[frozenset[int]] = set()
    for clique in options.cliques:
        inside = frozenset(position[int(o)] for o in clique if int(o) in position)
        if len(inside) > 1 and inside not in seen:
            seen.add(inside)
            cliques.append(sorted(inside))
    pattern = option_rows(group.pattern, options.day[usable])
    for a in range(n_agents):
        base = a * n_opt
        for members in cliques:
            add([base + i for i in members], [1.0] * len(members), -np.inf, 1.0)
        for positions, coefs, rhs in pattern:
            add((base + positions).tolist(), coefs.tolist(), -np.inf, rhs)
        every = [base + i for i in range(n_opt)]
        add(every, [1.0] * n_opt, limits.min_shifts, limits.max_shifts)
        add(every, options.hours[usable].tolist(), limits.min_hours - 1e-9, limits.max_hours + 1e-9)
        on_weekend = [base + int(i) for i in np.flatnonzero(weekend)]
        if on_weekend:
            add(
                [*on_weekend, z_base + a],
                [1.0] * len(on_weekend) + [-1.0],
                -np.inf,
                float(problem.rules.free_weekend_days),
            )
    for i, o in enumerate(usable.tolist()):
        columns = [a * n_opt + i for a in range(n_agents)]
        target = float(wanted.get(o, 0))
        if strict:
            add(columns, [1.0] * n_agents, target, target)
        else:
            add(
                [*columns, dev_base + i, dev_base + n_opt + i],
                [1.0] * n_agents + [-1.0, 1.0],
                target,
                target,
            )
    cost = np.zeros(n_col)
    cost[z_base : z_base + n_agents] = problem.penalties.weekend_day
    if not strict:
        cost[dev_base:] = DEVIATION_PRICE
    upper_bound = np.full(n_col, np.inf)
    upper_bound[:n_x] = 1.0
    if not lower:
        return [[] for _ in range(n_agents)]
    matrix = sparse.csc_matrix((vals, (rows, cols)), shape=(len(lower), n_col))
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = n_col, len(lower)
    lp.col_cost_ = cost
    lp.col_lower_ = np.zeros(n_col)
    lp.col_upper_ = upper_bound
    lp.row_lower_ = np.array(lower, dtype=np.float64)
    lp.row_upper_ = np.array(upper, dtype=np.float64)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = matrix.indptr.astype(np.int32)
    lp.a_matrix_.index_ = matrix.indices.astype(np.int32)
    lp.a_matrix_.value_ = matrix.data
    lp.integrality_ = [highspy.HighsVarType.kInteger] * n_x + [highspy.HighsVarType.kContinuous] * (
        n_col - n_x
    )
    highs = new_highs(time_limit=10.0)
    highs.passModel(lp)
    highs.run()
    if highs.getInfo().primal_solution_status != 2:
        return None
    x = np.asarray(highs.getSolution().col_value)[:n_x].reshape(n_agents, n_opt)
    split = [sorted(int(usable[i]) for i in np.flatnonzero(x[a] > 0.5)) for a in range(n_agents)]
    if not all(_valid(problem, options, group, chosen) for chosen in split):
        return None
    return split
