"""Day-pattern rules of one agent as linear rows on its per-day working indicators.

``W_d`` is 1 when the agent starts a shift on day d (at most one a day). The contract rules

- at most ``k`` consecutive working days (``max_consecutive_days``),
- runs of days off between two working days at least ``m`` long (``min_consecutive_days_off``),
- at most ``N`` weekends with work in four weeks (``max_weekends_per_4_weeks``),

together with the agent's history before Monday become either *blocked days* (a day the agent may
not start a shift on at all, e.g. the first days of the week when it already worked ``k`` days in a
row) or rows ``sum_d coef_d * W_d <= rhs``:

- consecutive days: every window of ``k + 1`` days, history days counted as worked constants;
- days off: ``W_{d-1} - W_d + W_{d+j} <= 1`` for ``1 <= j < m`` (work, then off, then work again
  within ``j`` days), and ``W_j <= W_0`` when the previous Sunday was worked;
- weekends: only history can make this bite within one week, so it is a block of the weekend days.

The week is *not* cyclic for these rules (unlike the 11-hour rest, which wraps Sunday to Monday):
what came before Monday is the agent's :class:`AgentHistory`, and a run still open at Sunday is
left for the next week to judge. Forbidden successions between template kinds are cliques of
options (see :mod:`options`); only their Sunday-to-Monday part comes from history, here.

The rows are the same for every agent with the same contract and history, so they are part of the
group key; the aggregated model sums them over a group (``rhs`` times the group size), the
per-agent MIPs (repair, disaggregation) use them as they are. The validator does not use this
module: it checks the rules on its own.
"""

from __future__ import annotations

import numpy as np

from scheduling.engine.optimiser.model import Agent, SchedulingProblem

Row = tuple[tuple[tuple[int, float], ...], float]
"""((day, coefficient), ...), rhs: sum of coefficient * W_day <= rhs."""


def blocked_days(problem: SchedulingProblem, agent: Agent) -> set[int]:
    """Days on which the agent may start no shift because of its history and contract."""
    contract = problem.contracts[agent.contract]
    history = agent.history
    blocked: set[int] = set()
    if history is None:
        if contract.max_weekends_per_4_weeks == 0:
            blocked |= set(problem.rules.weekend_days)
        return blocked
    k = contract.max_consecutive_days
    if k is not None and history.consecutive_days_worked >= k:
        blocked.add(0)
    m = contract.min_consecutive_days_off
    if m is not None and 0 < history.days_off_run < m:
        blocked |= set(range(min(m - history.days_off_run, problem.days)))
    n = contract.max_weekends_per_4_weeks
    if n is not None and history.weekends_worked_previous_3 >= n:
        blocked |= set(problem.rules.weekend_days)
    return blocked


def blocked_options(problem: SchedulingProblem, day: np.ndarray, kind: list[str], agent: Agent):
    """Bool mask over options: blocked days, and Monday shifts of a kind that may not follow the
    kind of the agent's last shift before Monday."""
    mask = np.isin(day, sorted(blocked_days(problem, agent)))
    history = agent.history
    if history is not None and history.last_shift_kind:
        after = {b for a, b in problem.rules.forbidden_successions if a == history.last_shift_kind}
        if after:
            mask |= (day == 0) & np.isin(np.array(kind, dtype=object), sorted(after))
    return mask


def pattern_rows(problem: SchedulingProblem, agent: Agent) -> tuple[Row, ...]:
    """The agent's consecutive-days and days-off rows (empty when its contract has neither)."""
    contract = problem.contracts[agent.contract]
    if not contract.has_pattern_rules:
        return ()
    days = problem.days
    history = agent.history
    blocked = blocked_days(problem, agent)
    rows: list[Row] = []
    k = contract.max_consecutive_days
    if k is not None:
        before = history.consecutive_days_worked if history is not None else 0
        for first in range(-k, days - k):
            window = [d for d in range(max(first, 0), first + k + 1) if d not in blocked]
            rhs = k - (min(before, -first) if first < 0 else 0)
            if len(window) > max(rhs, 0):
                rows.append((tuple((d, 1.0) for d in window), float(max(rhs, 0))))
    m = contract.min_consecutive_days_off
    if m is not None and m > 1:
        for first_off in range(1, days):
            for j in range(1, m):
                back = first_off + j
                if back >= days:
                    break
                rows.append((((first_off - 1, 1.0), (first_off, -1.0), (back, 1.0)), 1.0))
        if history is not None and history.consecutive_days_worked > 0:
            for j in range(1, min(m, days)):
                rows.append((((0, -1.0), (j, 1.0)), 0.0))
    return tuple(_clean(row, blocked) for row in rows)


def _clean(row: Row, blocked: set[int]) -> Row:
    """Drop blocked days (their W is 0) from a row, merging repeated days."""
    merged: dict[int, float] = {}
    for d, c in row[0]:
        if d not in blocked:
            merged[d] = merged.get(d, 0.0) + c
    return tuple(sorted((d, c) for d, c in merged.items() if c != 0.0)), row[1]


def rows_hold(rows: tuple[Row, ...], days_worked: set[int] | list[int]) -> bool:
    """Whether a set of working days satisfies every row."""
    worked = set(days_worked)
    return all(sum(c for d, c in terms if d in worked) <= rhs + 1e-9 for terms, rhs in rows)


def option_rows(
    rows: tuple[Row, ...], option_day: np.ndarray
) -> list[tuple[np.ndarray, np.ndarray, float]]:
    """The rows over a list of options (positions into ``option_day``), skipping empty rows."""
    out = []
    for terms, rhs in rows:
        coef = dict(terms)
        positions = np.flatnonzero(np.isin(option_day, list(coef)))
        if len(positions) == 0:
            continue
        values = np.array([coef[int(option_day[p])] for p in positions], dtype=np.float64)
        if rhs >= values[values > 0].sum():
            continue  # can never bind
        out.append((positions, values, rhs))
    return out


def preference_cost(agent: Agent, day: int, template: str, start: int) -> float:
    """Signed preference weight of one shift for the agent (0 without preferences)."""
    return sum(p.signed_weight for p in agent.preferences if p.matches(day, template, start))
