"""Breaks and lunches placed inside the shifts of a solved plan, staggered to keep coverage.

Runs after the solve: the shifts and the queue each agent covers are fixed, and each template's
:class:`BreakRule` (say a 30-minute lunch starting between hours 3 and 5 of the shift) says where a
break may start. Breaks are placed one at a time, greedily and deterministically:

1. the breaks to place are ordered by the width of their window (tightest first), then agent,
   day and the rule's order in the template;
2. each takes the start on its grid, inside its window and not overlapping a break already
   placed in the same shift, whose loss of coverage costs least: for every interval it touches,
   the change of ``under_coverage * max(0, req - net) + over_coverage * max(0, net - req)`` when
   the agent's queue loses that fraction of the interval (so breaks go where the queue is
   over-covered first); ties go to the earliest start;
3. the queue's net coverage is lowered at once, so the next break sees it.

The plan then reports ``net_coverage`` (per queue and interval, fractions of an interval) and
``breaks``; pay, the objective and the gross coverage stay those of the solve (breaks are paid,
the benchmark page has none). A shift whose windows leave no non-overlapping start gets the
least bad start anyway, and the validator names the overlap.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from scheduling.engine.optimiser.model import Penalties, PlacedBreak, SchedulingProblem, ShiftPlan


def has_break_rules(problem: SchedulingProblem) -> bool:
    return any(template.breaks for template in problem.templates.values())


def place_breaks(problem: SchedulingProblem, plan: ShiftPlan) -> ShiftPlan:
    """A copy of ``plan`` with every shift's breaks placed and coverage net of breaks."""
    per_day = problem.intervals_per_day
    step = 24 * 60 // per_day
    week = problem.days * 24 * 60
    requirement = np.asarray(problem.requirement, dtype=np.float64)
    queue_of = np.asarray(plan.queue_of)
    net = np.asarray(plan.coverage, dtype=np.float64).copy()
    penalties = problem.penalties
    todo = []
    for a, row in enumerate(plan.shifts):
        for shift in row:
            if shift is None:
                continue
            template = problem.templates[shift.template]
            begin = (shift.day * per_day + shift.start) * step
            for order, rule in enumerate(template.breaks):
                width = rule.latest_minute - rule.earliest_minute
                todo.append((width, a, shift.day, order, begin, rule))
    todo.sort(key=lambda item: item[:4])
    placed: list[list[PlacedBreak]] = [[] for _ in problem.agents]
    taken: dict[tuple[int, int], list[tuple[int, int]]] = {}

    def loss(a: int, start: int, minutes: int) -> float:
        total = 0.0
        for t, fraction in _touched(start, minutes, step, week):
            q = int(queue_of[a, t])
            if q < 0:
                continue
            before = _penalty(net[q, t], requirement[q, t], penalties)
            total += _penalty(net[q, t] - fraction, requirement[q, t], penalties) - before
        return total

    for _, a, day, _, begin, rule in todo:
        spans = taken.setdefault((a, day), [])
        best: tuple[bool, float, int] | None = None
        for offset in range(rule.earliest_minute, rule.latest_minute + 1, rule.step_minutes):
            overlaps = any(offset < end and first < offset + rule.minutes for first, end in spans)
            key = (overlaps, loss(a, begin + offset, rule.minutes), offset)
            if best is None or key < best:
                best = key
        assert best is not None  # the window holds at least its earliest start
        offset = best[2]
        spans.append((offset, offset + rule.minutes))
        start = (begin + offset) % week
        for t, fraction in _touched(start, rule.minutes, step, week):
            q = int(queue_of[a, t])
            if q >= 0:
                net[q, t] -= fraction
        placed[a].append(
            PlacedBreak(day=day, name=rule.name, start_minute=start, minutes=rule.minutes)
        )
    for mine in placed:
        mine.sort(key=lambda b: (b.day, b.start_minute))
    return dataclasses.replace(plan, breaks=placed, net_coverage=net)


def _touched(start: int, minutes: int, step: int, week: int) -> list[tuple[int, float]]:
    """(interval, fraction of it) covered by a break of ``minutes`` from minute ``start``."""
    out: dict[int, float] = {}
    minute = start
    end = start + minutes
    while minute < end:
        t = (minute % week) // step
        boundary = (minute // step + 1) * step
        chunk = min(end, boundary) - minute
        out[t] = out.get(t, 0.0) + chunk / step
        minute += chunk
    return sorted(out.items())


def _penalty(net: float, required: float, penalties: Penalties) -> float:
    return penalties.under_coverage * max(0.0, required - net) + penalties.over_coverage * max(
        0.0, net - required
    )


def net_under(problem: SchedulingProblem, plan: ShiftPlan) -> float:
    """Under-coverage net of breaks (agent-intervals, fractional), or the gross one without."""
    if plan.net_coverage is None:
        return float(np.asarray(plan.under).sum())
    requirement = np.asarray(problem.requirement, dtype=np.float64)
    return float(np.maximum(requirement - plan.net_coverage, 0.0).sum())
