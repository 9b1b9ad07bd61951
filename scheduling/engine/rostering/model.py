"""The rostering MIP: one binary per (employee, day, shift type), every hard rule as rows.

Variables
    x[e, d, s]   binary: employee e works shift type s on day d (upper bound 0 on listed days
                 off and for types the employee may not work)
    k[e, w]      in [0, 1]: employee e works weekend w (integral whenever x is)
    under[d, s], over[d, s] >= 0: missing and extra people against the cover
Rows (y[e, d] = sum_s x[e, d, s], the employee works on day d)
    one shift    y[e, d] <= 1
    succession   x[e, d, s] + sum_{t cannot follow s} x[e, d+1, t] <= 1
    per type     sum_d x[e, d, s] <= max_s
    minutes      min <= sum_{d,s} minutes_s x[e, d, s] <= max
    longest run  sum of y over any C+1 consecutive days <= C
    shortest run a run that starts on day d >= 1 (y[d] = 1, y[d-1] = 0) goes on through each
                 day d+j, j < min shifts, inside the horizon: y[d] - y[d-1] <= y[d+j]; days off
                 alike: y[d-1] - y[d] <= 1 - y[d+j]. A run starting on day 0 has no row, and a
                 run reaching the last day meets every row, so runs touching either edge of the
                 horizon are exempt, as the format says. (Stronger in the LP than forbidding
                 each short pattern off, l x on, off.)
    weekends     k[e, w] >= y[e, Saturday], k[e, w] >= y[e, Sunday], sum_w k[e, w] <= max
    cover        sum_e x[e, d, s] + under[d, s] - over[d, s] = requirement[d, s]
Objective: on-request weight x (1 - x), off-request weight x x, cover weights x slacks; the
constant part (all on-request weights) is the model's offset, so HiGHS's objective is the
benchmark's.
"""

from __future__ import annotations

from dataclasses import dataclass

import highspy
import numpy as np
from scipy import sparse

from scheduling.engine.optimiser.highs import model_highs
from scheduling.engine.rostering.reader import RosteringInstance


@dataclass
class RosteringModel:
    n_staff: int
    n_days: int
    n_shifts: int
    x_count: int
    col_cost: np.ndarray
    col_lower: np.ndarray
    col_upper: np.ndarray
    row_lower: np.ndarray
    row_upper: np.ndarray
    matrix: sparse.csc_matrix
    offset: float
    weekend_days: tuple[tuple[int, tuple[int, ...]], ...] = ()
    """Per weekend column (after the x columns): its employee and its days inside the horizon."""
    cover_cells: tuple[tuple[int, int, int], ...] = ()
    """Per cover row (under and over columns after the weekends): day, shift index, requirement."""
    shift_minutes: tuple[int, ...] = ()
    minutes_range: tuple[tuple[int, int], ...] = ()
    """Per employee, the least and most total minutes."""

    @property
    def num_col(self) -> int:
        return len(self.col_cost)

    @property
    def num_row(self) -> int:
        return len(self.row_lower)

    def x(self, e: int, d: int, s: int) -> int:
        return (e * self.n_days + d) * self.n_shifts + s


class _Rows:
    def __init__(self) -> None:
        self.rows: list[int] = []
        self.cols: list[int] = []
        self.values: list[float] = []
        self.lower: list[float] = []
        self.upper: list[float] = []

    def add(self, terms: list[tuple[int, float]], lower: float, upper: float) -> None:
        r = len(self.lower)
        for col, value in terms:
            self.rows.append(r)
            self.cols.append(col)
            self.values.append(value)
        self.lower.append(lower)
        self.upper.append(upper)


def build_model(instance: RosteringInstance) -> RosteringModel:
    """The MIP of ``instance`` as arrays (x columns first, then weekends, then cover slacks)."""
    staff, horizon, shifts = instance.staff, instance.horizon, instance.shifts
    n_e, n_d, n_s = len(staff), horizon, len(shifts)
    shift_index = {shift.id: s for s, shift in enumerate(shifts)}
    staff_index = {member.id: e for e, member in enumerate(staff)}
    x_count = n_e * n_d * n_s

    def x(e: int, d: int, s: int) -> int:
        return (e * n_d + d) * n_s + s

    cost = [0.0] * x_count
    lower = [0.0] * x_count
    upper = [1.0] * x_count
    for e, member in enumerate(staff):
        for s, shift in enumerate(shifts):
            if member.max_of(shift.id, horizon) == 0:
                for d in range(n_d):
                    upper[x(e, d, s)] = 0.0
        for d in member.days_off:
            for s in range(n_s):
                upper[x(e, d, s)] = 0.0
    offset = 0.0
    for request in instance.on_requests:
        cost[x(staff_index[request.employee], request.day, shift_index[request.shift])] -= (
            request.weight
        )
        offset += request.weight
    for request in instance.off_requests:
        cost[x(staff_index[request.employee], request.day, shift_index[request.shift])] += (
            request.weight
        )

    rows = _Rows()
    saturdays = [day for day in range(5, horizon, 7)]

    def y(e: int, d: int, sign: float = 1.0) -> list[tuple[int, float]]:
        return [(x(e, d, s), sign) for s in range(n_s)]

    for e, member in enumerate(staff):
        for d in range(n_d):
            rows.add(y(e, d), -np.inf, 1.0)
        for d in range(n_d - 1):
            for s, shift in enumerate(shifts):
                follow = [(x(e, d + 1, shift_index[t]), 1.0) for t in shift.cannot_follow]
                if follow:
                    rows.add([(x(e, d, s), 1.0), *follow], -np.inf, 1.0)
        for s, shift in enumerate(shifts):
            limit = member.max_of(shift.id, horizon)
            if 0 < limit < n_d:
                rows.add([(x(e, d, s), 1.0) for d in range(n_d)], -np.inf, float(limit))
        rows.add(
            [(x(e, d, s), float(shifts[s].minutes)) for d in range(n_d) for s in range(n_s)],
            float(member.min_total_minutes),
            float(member.max_total_minutes),
        )
        longest = member.max_consecutive_shifts
        for start in range(n_d - longest):
            terms = [t for d in range(start, start + longest + 1) for t in y(e, d)]
            rows.add(terms, -np.inf, float(longest))
        # A run starting on day d (worked, day d-1 off) lasts through day d+j for every
        # j < min inside the horizon: a shorter run would end before the last day.
        for d in range(1, n_d):
            for j in range(1, member.min_consecutive_shifts):
                if d + j < n_d:
                    rows.add(y(e, d) + y(e, d - 1, -1.0) + y(e, d + j, -1.0), -np.inf, 0.0)
            for j in range(1, member.min_consecutive_days_off):
                if d + j < n_d:
                    rows.add(y(e, d - 1) + y(e, d, -1.0) + y(e, d + j), -np.inf, 1.0)

    weekend_cols: list[tuple[int, int]] = []
    for e, member in enumerate(staff):
        if member.max_weekends < len(saturdays):
            weekend_cols += [(e, w) for w in range(len(saturdays))]
    k_first = x_count
    for c, (e, w) in enumerate(weekend_cols):
        k = k_first + c
        for d in (saturdays[w], saturdays[w] + 1):
            if d < n_d:
                rows.add([(k, 1.0), *y(e, d, -1.0)], 0.0, np.inf)
    by_staff: dict[int, list[int]] = {}
    for c, (e, _w) in enumerate(weekend_cols):
        by_staff.setdefault(e, []).append(k_first + c)
    for e, cols in by_staff.items():
        rows.add([(k, 1.0) for k in cols], -np.inf, float(staff[e].max_weekends))
    cost += [0.0] * len(weekend_cols)
    lower += [0.0] * len(weekend_cols)
    upper += [1.0] * len(weekend_cols)

    slack = x_count + len(weekend_cols)
    for cover in instance.cover:
        s = shift_index[cover.shift]
        under, over = slack, slack + 1
        slack += 2
        cost += [float(cover.under_weight), float(cover.over_weight)]
        lower += [0.0, 0.0]
        upper += [np.inf, np.inf]
        terms = [(x(e, cover.day, s), 1.0) for e in range(n_e)]
        rows.add([*terms, (under, 1.0), (over, -1.0)], cover.requirement, cover.requirement)

    matrix = sparse.csc_matrix(
        (rows.values, (rows.rows, rows.cols)), shape=(len(rows.lower), len(cost))
    )
    matrix.sum_duplicates()
    return RosteringModel(
        n_staff=n_e,
        n_days=n_d,
        n_shifts=n_s,
        x_count=x_count,
        col_cost=np.asarray(cost),
        col_lower=np.asarray(lower),
        col_upper=np.asarray(upper),
        row_lower=np.asarray(rows.lower, dtype=float),
        row_upper=np.asarray(rows.upper, dtype=float),
        matrix=matrix,
        offset=offset,
        weekend_days=tuple(
            (e, tuple(d for d in (saturdays[w], saturdays[w] + 1) if d < n_d))
            for e, w in weekend_cols
        ),
        cover_cells=tuple(
            (cover.day, shift_index[cover.shift], cover.requirement) for cover in instance.cover
        ),
        shift_minutes=tuple(shift.minutes for shift in shifts),
        minutes_range=tuple((m.min_total_minutes, m.max_total_minutes) for m in staff),
    )


def to_highs(
    model: RosteringModel,
    *,
    integer: bool,
    time_limit: float,
    threads: int = 1,
    seed: int = 0,
    log: bool = False,
    col_lower: np.ndarray | None = None,
    col_upper: np.ndarray | None = None,
    extra_options: dict[str, bool | int | float | str] | None = None,
) -> highspy.Highs:
    """A configured HiGHS instance holding the model (binary x columns if ``integer``)."""
    return model_highs(
        model,
        integer=integer,
        time_limit=time_limit,
        threads=threads,
        seed=seed,
        log=log,
        offset=model.offset,
        col_lower=col_lower,
        col_upper=col_upper,
        extra_options=extra_options,
    )


def roster_from_values(
    instance: RosteringInstance, model: RosteringModel, values: np.ndarray
) -> list[list[str | None]]:
    """The roster (shift ID or None per employee and day) of a solution's x columns."""
    x = np.asarray(values[: model.x_count]).reshape(model.n_staff, model.n_days, model.n_shifts)
    roster: list[list[str | None]] = []
    for e in range(model.n_staff):
        days: list[str | None] = []
        for d in range(model.n_days):
            s = int(np.argmax(x[e, d]))
            days.append(instance.shifts[s].id if x[e, d, s] > 0.5 else None)
        roster.append(days)
    return roster


def values_from_roster(instance: RosteringInstance, model: RosteringModel, roster) -> np.ndarray:
    """The x columns (0/1) of a roster, for warm starts."""
    index = {shift.id: s for s, shift in enumerate(instance.shifts)}
    values = np.zeros(model.x_count)
    for e, days in enumerate(roster):
        for d, shift in enumerate(days):
            if shift is not None:
                values[model.x(e, d, index[shift])] = 1.0
    return values


def complete_point(model: RosteringModel, x_values: np.ndarray) -> np.ndarray:
    """Every column for the given x (rounded to 0/1): weekends worked and exact cover slacks."""
    x = np.round(np.asarray(x_values[: model.x_count], dtype=float))
    grid = x.reshape(model.n_staff, model.n_days, model.n_shifts)
    worked = grid.sum(axis=2)
    weekends = [max((worked[e, d] for d in days), default=0.0) for e, days in model.weekend_days]
    slacks: list[float] = []
    for day, shift, requirement in model.cover_cells:
        people = float(grid[:, day, shift].sum())
        slacks += [max(requirement - people, 0.0), max(people - requirement, 0.0)]
    return np.concatenate([x, np.asarray(weekends, dtype=float), np.asarray(slacks, dtype=float)])


def point_objective(model: RosteringModel, point: np.ndarray) -> float:
    return float(model.col_cost @ point) + model.offset


def point_violation(model: RosteringModel, point: np.ndarray) -> float:
    """The largest amount by which the point breaks a row or a column bound (0: feasible)."""
    activity = model.matrix @ point
    worst = max(
        float(np.max(model.row_lower - activity, initial=0.0)),
        float(np.max(activity - model.row_upper, initial=0.0)),
        float(np.max(model.col_lower - point, initial=0.0)),
        float(np.max(point - model.col_upper, initial=0.0)),
    )
    return max(worst, 0.0)
