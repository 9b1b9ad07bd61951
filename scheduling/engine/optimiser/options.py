"""Shift options, rest conflicts and groups of interchangeable agents.

A *shift option* is one concrete shift in the week: (day, template, start). Every agent can take
a subset of the options (its contract's templates, minus those touching its time off, minus night
shifts when it may not work nights). Agents with the same skills, contract, hourly cost and
allowed options are interchangeable for every rule and for the objective, so the integer model is
written per *group* with integer counts instead of per agent; that is what keeps 1000 agents
tractable (see docs/scheduling-engine.md).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import sparse

from scheduling.engine.optimiser.model import SchedulingProblem
from scheduling.engine.optimiser.patterns import (
    Row,
    blocked_options,
    pattern_rows,
    preference_cost,
    rows_hold,
)


@dataclass(frozen=True)
class ShiftOptions:
    """All (day, template, start) shifts of the week, as arrays indexed by option id."""

    day: np.ndarray
    template: list[str]
    start: np.ndarray
    length: np.ndarray
    hours: np.ndarray
    is_night: np.ndarray
    cover: sparse.csr_matrix
    """(options, intervals) 0/1 matrix: option o covers interval t."""
    cliques: list[np.ndarray]
    """Sets of options of which one agent can take at most one (same day, or too little rest)."""
    conflict: np.ndarray
    """(options, options) bool: the two options cannot both be worked by one agent."""

    @property
    def count(self) -> int:
        return len(self.day)


@dataclass(frozen=True)
class WeeklyLimits:
    """An agent's weekly shift and hour limits after prorating for unavailability.

    A contract minimum the agent cannot reach because of time off (say four shifts with four
    days off) is lowered to the number of days it can still start a shift on, and the hour
    minimum to what those days can hold; otherwise the whole plan would be infeasible.
    """

    min_shifts: int
    max_shifts: int
    min_hours: float
    max_hours: float


def weekly_limits(
    problem: SchedulingProblem,
    options: ShiftOptions,
    contract_name: str,
    allowed: np.ndarray,
    pattern: tuple[Row, ...] = (),
) -> WeeklyLimits:
    """The contract limits, prorated for the days on which the agent has an allowed shift.

    With day-pattern rows (consecutive days, days off) the minimums are also lowered to what the
    best set of working days that keeps those rows can reach (:func:`_reachable_with_pattern`).
    """
    contract = problem.contracts[contract_name]
    if pattern:
        return _reachable_with_pattern(problem, options, contract_name, allowed, pattern)
    days = np.unique(options.day[allowed])
    longest = sorted(
        (float(options.hours[allowed][options.day[allowed] == d].max()) for d in days),
        reverse=True,
    )
    reachable_hours = sum(longest[: contract.max_shifts])
    return WeeklyLimits(
        min_shifts=min(contract.min_shifts, len(days)),
        max_shifts=contract.max_shifts,
        min_hours=min(contract.min_hours, reachable_hours),
        max_hours=contract.max_hours,
    )


def _reachable_with_pattern(
    problem: SchedulingProblem,
    options: ShiftOptions,
    contract_name: str,
    allowed: np.ndarray,
    pattern: tuple[Row, ...],
) -> WeeklyLimits:
    """Minimums lowered to the most shifts and hours a rule-abiding set of days can hold.

    Every set of at most ``max_shifts`` days with an allowed shift is tried (2^7 at most); a day
    counts with its longest allowed shift. The validator applies the same rule on its own.
    """
    contract = problem.contracts[contract_name]
    longest = {
        int(d): float(options.hours[allowed][options.day[allowed] == d].max())
        for d in np.unique(options.day[allowed])
    }
    days = sorted(longest)
    most_shifts, most_hours = 0, 0.0
    for mask in range(1 << len(days)):
        chosen = [d for i, d in enumerate(days) if mask >> i & 1]
        if len(chosen) > contract.max_shifts or not rows_hold(pattern, chosen):
            continue
        most_shifts = max(most_shifts, len(chosen))
        most_hours = max(most_hours, sum(longest[d] for d in chosen))
    return WeeklyLimits(
        min_shifts=min(contract.min_shifts, most_shifts),
        max_shifts=contract.max_shifts,
        min_hours=min(contract.min_hours, most_hours),
        max_hours=contract.max_hours,
    )


@dataclass(frozen=True)
class AgentGroup:
    """Interchangeable agents: same skills, contract, hourly cost and allowed options."""

    members: tuple[int, ...]
    skills: frozenset[str]
    skill_class: int
    contract: str
    hourly_cost: float
    options: np.ndarray
    """Allowed option ids, ascending."""
    limits: WeeklyLimits
    pattern: tuple[Row, ...] = ()
    """Consecutive-days and days-off rows of every member (:mod:`patterns`); the same for all."""
    option_cost: np.ndarray | None = None
    """Signed preference weight per allowed option (a group with preferences has one member)."""

    @property
    def size(self) -> int:
        return len(self.members)


def build_options(problem: SchedulingProblem) -> ShiftOptions:
    """Enumerate every shift of the week and the rest/one-start-per-day conflicts between them."""
    per_day = problem.intervals_per_day
    horizon = problem.intervals
    days, templates, starts, lengths = [], [], [], []
    used = sorted({name for c in problem.contracts.values() for name in c.templates})
    for day in range(problem.days):
        for name in used:
            template = problem.templates[name]
            for start in sorted(set(template.start_intervals)):
                days.append(day)
                templates.append(name)
                starts.append(start)
                lengths.append(template.length_intervals)
    day_arr = np.array(days, dtype=np.int64)
    start_arr = np.array(starts, dtype=np.int64)
    length_arr = np.array(lengths, dtype=np.int64)
    count = len(days)
    rows, cols = [], []
    is_night = np.zeros(count, dtype=bool)
    for o in range(count):
        first = day_arr[o] * per_day + start_arr[o]
        covered = (first + np.arange(length_arr[o])) % horizon
        rows.extend([o] * len(covered))
        cols.extend(covered.tolist())
        is_night[o] = any(int(t) % per_day in problem.night_intervals_of_day for t in covered)
    cover = sparse.csr_matrix(
        (np.ones(len(rows), dtype=np.float64), (rows, cols)), shape=(count, horizon)
    )
    conflict, cliques = _conflicts(problem, day_arr, start_arr, length_arr)
    if problem.rules.forbidden_successions:
        kinds = [problem.templates[name].kind for name in templates]
        _add_successions(problem, day_arr, kinds, conflict, cliques)
    return ShiftOptions(
        day=day_arr,
        template=templates,
        start=start_arr,
        length=length_arr,
        hours=length_arr * problem.interval_hours,
        is_night=is_night,
        cover=cover,
        cliques=cliques,
        conflict=conflict,
    )


def _conflicts(
    problem: SchedulingProblem, day: np.ndarray, start: np.ndarray, length: np.ndarray
) -> tuple[np.ndarray, list[np.ndarray]]:
    """Pairwise conflicts and a clique cover of them.

    Between a shift on day d and one on day e (e after d, cyclically) the rest is
    ``delta*per_day + start_e - end_d``; it is too short when ``end_d - start_e`` exceeds a
    threshold, so the conflict graph between two days is a threshold graph and its maximal
    cliques are {shifts on d ending at or after tau} + {shifts on e starting before
    tau - threshold}. Writing those cliques (rather than pairs) gives a much tighter LP.
    """
    per_day = problem.intervals_per_day
    rest = problem.rules.min_rest_intervals
    count = len(day)
    end = start + length
    conflict = np.zeros((count, count), dtype=bool)
    cliques: list[np.ndarray] = []
    by_day = [np.flatnonzero(day == d) for d in range(problem.days)]
    for d in range(problem.days):
        same = by_day[d]
        conflict[np.ix_(same, same)] = True
        if len(same) > 1:
            cliques.append(same)
    for d in range(problem.days):
        for delta in range(1, problem.days):
            e = (d + delta) % problem.days
            first, second = by_day[d], by_day[e]
            if len(first) == 0 or len(second) == 0:
                continue
            threshold = delta * per_day - rest
            clash = end[first][:, None] - start[second][None, :] > threshold
            if not clash.any():
                continue
            conflict[np.ix_(first, second)] |= clash
            conflict[np.ix_(second, first)] |= clash.T
            previous: frozenset[int] | None = None
            for tau in np.unique(end[first]):
                later = first[end[first] >= tau]
                earlier = second[start[second] < tau - threshold]
                key = frozenset(earlier.tolist())
                if not key or key == previous:
                    continue
                previous = key
                cliques.append(np.concatenate([later, earlier]))
    np.fill_diagonal(conflict, False)
    return conflict, cliques


def _add_successions(
    problem: SchedulingProblem,
    day: np.ndarray,
    kind: list[str],
    conflict: np.ndarray,
    cliques: list[np.ndarray],
) -> None:
    """Forbidden successions as cliques: {kind a on day d} + {kind b on day d+1}.

    Shifts of one day already exclude each other, so the union is a clique (one row per pair of
    days, not one per pair of shifts). Not cyclic: Sunday to Monday comes from history.
    """
    kinds = np.array(kind, dtype=object)
    for first, second in problem.rules.forbidden_successions:
        for d in range(problem.days - 1):
            earlier = np.flatnonzero((day == d) & (kinds == first))
            later = np.flatnonzero((day == d + 1) & (kinds == second))
            if len(earlier) == 0 or len(later) == 0:
                continue
            conflict[np.ix_(earlier, later)] = True
            conflict[np.ix_(later, earlier)] = True
            cliques.append(np.concatenate([earlier, later]))


def allowed_options(
    problem: SchedulingProblem, options: ShiftOptions, agent_index: int
) -> np.ndarray:
    """Option ids the agent may take: contract templates, availability and night restriction."""
    agent = problem.agents[agent_index]
    contract = problem.contracts[agent.contract]
    allowed = np.isin(np.array(options.template), list(contract.templates))
    if not agent.works_nights:
        allowed &= ~options.is_night
    if agent.unavailable_intervals:
        blocked = np.zeros(problem.intervals)
        blocked[list(agent.unavailable_intervals)] = 1.0
        allowed &= options.cover @ blocked == 0
    if agent.history is not None or _contract_blocks(problem, agent.contract):
        kinds = [problem.templates[name].kind for name in options.template]
        allowed &= ~blocked_options(problem, options.day, kinds, agent)
    return np.flatnonzero(allowed)


def _contract_blocks(problem: SchedulingProblem, contract_name: str) -> bool:
    return problem.contracts[contract_name].max_weekends_per_4_weeks == 0


def build_groups(
    problem: SchedulingProblem, options: ShiftOptions, *, aggregate: bool = True
) -> tuple[list[AgentGroup], list[frozenset[str]]]:
    """Group interchangeable agents; also return the distinct skill sets (skill classes).

    ``aggregate=False`` puts each agent in a group of its own (the plain named-agent model).
    """
    classes: list[frozenset[str]] = []
    keyed: dict[tuple, list[int]] = {}
    allowed_of: dict[tuple, np.ndarray] = {}
    pattern_of: dict[tuple, tuple[Row, ...]] = {}
    for index, agent in enumerate(problem.agents):
        skills = frozenset(agent.skills & set(problem.queues))
        if skills not in classes:
            classes.append(skills)
        allowed = allowed_options(problem, options, index)
        key: tuple = (tuple(sorted(skills)), agent.contract, agent.hourly_cost, allowed.tobytes())
        pattern = pattern_rows(problem, agent)
        if pattern:
            key = (*key, pattern)
        if not aggregate or agent.preferences:
            key = (*key, index)
        keyed.setdefault(key, []).append(index)
        allowed_of[key] = allowed
        pattern_of[key] = pattern
    classes.sort(key=lambda s: (len(s), sorted(s)))
    groups = [
        AgentGroup(
            members=tuple(members),
            skills=frozenset(key[0]),
            skill_class=classes.index(frozenset(key[0])),
            contract=key[1],
            hourly_cost=key[2],
            options=allowed_of[key],
            limits=weekly_limits(problem, options, key[1], allowed_of[key], pattern_of[key]),
            pattern=pattern_of[key],
            option_cost=_option_costs(problem, options, members, allowed_of[key]),
        )
        for key, members in keyed.items()
    ]
    return groups, classes


def _option_costs(
    problem: SchedulingProblem, options: ShiftOptions, members: list[int], allowed: np.ndarray
) -> np.ndarray | None:
    """Preference weights per allowed option of a one-member group with preferences."""
    agent = problem.agents[members[0]]
    if not agent.preferences:
        return None
    return np.array(
        [
            preference_cost(agent, int(options.day[o]), options.template[o], int(options.start[o]))
            for o in allowed
        ],
        dtype=np.float64,
    )
