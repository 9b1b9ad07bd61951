"""Independent check of a plan against every hard rule, and a recount of its figures.

Deliberately shares no code with the solver (no option tables, no conflict matrix, no groups):
it reads only the problem and the plan, walks each agent's week interval by interval, and
recomputes coverage, cost and objective from scratch. Tests run it on every solver output, so a
modelling mistake in the optimiser shows up as a violation here rather than as a silently wrong
schedule.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from scheduling.engine.optimiser.model import SchedulingProblem, ShiftPlan


@dataclass(frozen=True)
class Violation:
    """One broken rule: which rule, which agent (or "plan"), and a readable explanation."""

    rule: str
    agent: str
    detail: str

    def __str__(self) -> str:
        return f"{self.rule} [{self.agent}]: {self.detail}"


def validate_plan(
    problem: SchedulingProblem, plan: ShiftPlan, *, tolerance: float = 1e-6
) -> list[Violation]:
    """Every violated hard rule and every figure of the plan that does not add up."""
    found: list[Violation] = []
    horizon = problem.days * problem.intervals_per_day
    per_day = problem.intervals_per_day
    n_agents = len(problem.agents)
    if len(plan.shifts) != n_agents:
        return [Violation("shape", "plan", f"{len(plan.shifts)} shift rows for {n_agents} agents")]
    queue_of = np.asarray(plan.queue_of)
    if queue_of.shape != (n_agents, horizon):
        return [Violation("shape", "plan", f"queue_of has shape {queue_of.shape}")]

    cost = 0.0
    beyond = 0
    for a, agent in enumerate(problem.agents):
        row = plan.shifts[a]
        name = agent.name
        if len(row) != problem.days:
            found.append(Violation("shape", name, f"{len(row)} days instead of {problem.days}"))
            continue
        contract = problem.contracts[agent.contract]
        worked = np.zeros(horizon, dtype=np.int64)
        spans: list[tuple[int, int]] = []
        hours = 0.0
        for day, shift in enumerate(row):
            if shift is None:
                continue
            if shift.day != day:
                found.append(Violation("one start per day", name, f"day {day} holds {shift}"))
            template = problem.templates.get(shift.template)
            if template is None or shift.template not in contract.templates:
                found.append(
                    Violation("contract", name, f"template {shift.template!r} not allowed")
                )
                continue
            if shift.start not in template.start_intervals:
                found.append(Violation("template", name, f"start {shift.start} not allowed"))
            first = day * per_day + shift.start
            spans.append((first, template.length_intervals))
            for step in range(template.length_intervals):
                worked[(first + step) % horizon] += 1
            hours += template.length_intervals * 24.0 / per_day
        if (worked > 1).any():
            found.append(Violation("rest", name, "two shifts overlap"))
        spans.sort()
        for i, (first, length) in enumerate(spans):
            if len(spans) < 2:
                break
            following = spans[(i + 1) % len(spans)][0] + (horizon if i == len(spans) - 1 else 0)
            rest = following - (first + length)
            if rest < problem.rules.min_rest_intervals:
                found.append(
                    Violation(
                        "rest",
                        name,
                        f"only {rest} intervals of rest after the shift starting at interval "
                        f"{first}",
                    )
                )
        blocked = [t for t in agent.unavailable_intervals if worked[t % horizon]]
        if blocked:
            found.append(Violation("time off", name, f"works unavailable intervals {blocked[:3]}"))
        if not agent.works_nights:
            nights = [
                int(t)
                for t in np.flatnonzero(worked)
                if t % per_day in problem.night_intervals_of_day
            ]
            if nights:
                found.append(Violation("night", name, f"works night intervals {nights[:3]}"))
        shifts = len(spans)
        min_shifts, min_hours = _prorated_minimums(problem, a)
        if not min_shifts <= shifts <= contract.max_shifts:
            found.append(
                Violation(
                    "shifts per week",
                    name,
                    f"{shifts} shifts, allowed {min_shifts}..{contract.max_shifts}",
                )
            )
        if not min_hours - tolerance <= hours <= contract.max_hours + tolerance:
            found.append(
                Violation(
                    "hours per week",
                    name,
                    f"{hours} hours, allowed {min_hours}..{contract.max_hours}",
                )
            )
        working = worked > 0
        assigned = queue_of[a] >= 0
        if (working != assigned).any():
            found.append(Violation("queue", name, "covers a queue exactly when working: broken"))
        for t in np.flatnonzero(assigned):
            queue = (
                problem.queues[int(queue_of[a, t])]
                if queue_of[a, t] < len(problem.queues)
                else None
            )
            if queue not in agent.skills:
                found.append(Violation("skills", name, f"covers {queue!r} in interval {t}"))
                break
        cost += hours * agent.hourly_cost
        weekend_days = sum(1 for d in problem.rules.weekend_days if row[d] is not None)
        beyond += max(0, weekend_days - problem.rules.free_weekend_days)

    requirement = np.asarray(problem.requirement)
    coverage = np.array([(queue_of == q).sum(axis=0) for q in range(len(problem.queues))])
    coverage = coverage.reshape(requirement.shape)
    under = np.maximum(requirement - coverage, 0)
    over = np.maximum(coverage - requirement, 0)
    penalties = problem.penalties
    objective = (
        penalties.under_coverage * under.sum()
        + penalties.over_coverage * over.sum()
        + cost
        + penalties.weekend_day * beyond
    )
    for label, reported, actual in (
        ("coverage", plan.coverage, coverage),
        ("under-coverage", plan.under, under),
        ("over-coverage", plan.over, over),
    ):
        if np.asarray(reported).shape != actual.shape or (np.asarray(reported) != actual).any():
            found.append(Violation("figures", "plan", f"reported {label} does not add up"))
    for label, reported_figure, actual_figure in (
        ("cost", plan.cost, cost),
        ("weekend days", plan.weekend_days_beyond_free, beyond),
        ("objective", plan.objective, objective),
    ):
        recount = float(actual_figure)
        if abs(float(reported_figure) - recount) > tolerance * max(1.0, abs(recount)):
            found.append(
                Violation("figures", "plan", f"{label} {reported_figure} but recount {recount}")
            )
    if plan.lower_bound > objective + tolerance * max(1.0, abs(float(objective))):
        found.append(
            Violation("bound", "plan", f"lower bound {plan.lower_bound} above {objective}")
        )
    return found


def _prorated_minimums(problem: SchedulingProblem, a: int) -> tuple[int, float]:
    """Contract minimums lowered to what the agent's availability allows.

    Mirrors the documented rule (docs/scheduling-engine.md): a minimum that time off makes
    impossible becomes the number of days the agent can start an allowed shift on, and the hour
    minimum what the longest allowed shifts of those days add up to.
    """
    agent = problem.agents[a]
    contract = problem.contracts[agent.contract]
    per_day = problem.intervals_per_day
    horizon = problem.days * per_day
    longest_per_day = []
    for day in range(problem.days):
        longest = 0
        for name in contract.templates:
            template = problem.templates[name]
            for start in template.start_intervals:
                covered = [
                    (day * per_day + start + i) % horizon for i in range(template.length_intervals)
                ]
                if any(t in agent.unavailable_intervals for t in covered):
                    continue
                if not agent.works_nights and any(
                    t % per_day in problem.night_intervals_of_day for t in covered
                ):
                    continue
                longest = max(longest, template.length_intervals)
        if longest:
            longest_per_day.append(longest * 24.0 / per_day)
    longest_per_day.sort(reverse=True)
    min_shifts = min(contract.min_shifts, len(longest_per_day))
    min_hours = min(contract.min_hours, sum(longest_per_day[: contract.max_shifts]))
    return min_shifts, min_hours
