"""Independent check of a plan against every hard rule, and a recount of its figures.

Deliberately shares no code with the solver (no option tables, no conflict matrix, no groups):
it reads only the problem and the plan, walks each agent's week interval by interval, and
recomputes coverage, cost and objective from scratch. Tests run it on every solver output, so a
modelling mistake in the optimiser shows up as a violation here rather than as a silently wrong
schedule.
"""

from __future__ import annotations

import itertools
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
    wishes = 0.0
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
        found.extend(_day_pattern_violations(problem, a, row))
        wishes += _preference_sum(problem, a, row)
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
        + wishes
    )
    found.extend(_break_violations(problem, plan, tolerance))
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
        ("preference cost", plan.preference_cost, wishes),
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
    longest_on: dict[int, float] = {}
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
            longest_on[day] = longest * 24.0 / per_day
    if (
        contract.max_consecutive_days is not None
        or contract.min_consecutive_days_off is not None
        or contract.max_weekends_per_4_weeks is not None
    ):
        return _reachable_minimums(problem, a, longest_on)
    longest_per_day.sort(reverse=True)
    min_shifts = min(contract.min_shifts, len(longest_per_day))
    min_hours = min(contract.min_hours, sum(longest_per_day[: contract.max_shifts]))
    return min_shifts, min_hours


def _reachable_minimums(
    problem: SchedulingProblem, a: int, longest_on: dict[int, float]
) -> tuple[int, float]:
    """With day rules, the minimums are what the best rule-abiding set of days can reach: every
    set of at most ``max_shifts`` available days is tried, each day with its longest shift."""
    contract = problem.contracts[problem.agents[a].contract]
    days = sorted(longest_on)
    most_shifts, most_hours = 0, 0.0
    for mask in range(1 << len(days)):
        chosen = {d for i, d in enumerate(days) if mask >> i & 1}
        if len(chosen) > contract.max_shifts:
            continue
        if _day_rule_violations(problem, a, [d in chosen for d in range(problem.days)]):
            continue
        most_shifts = max(most_shifts, len(chosen))
        most_hours = max(most_hours, sum(longest_on[d] for d in chosen))
    return min(contract.min_shifts, most_shifts), min(contract.min_hours, most_hours)


DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def _day(problem: SchedulingProblem, day: int) -> str:
    return DAY_NAMES[day] if problem.days == 7 else f"day {day}"


def _clock(problem: SchedulingProblem, minute_of_week: int) -> str:
    """'Tue 22:00' for a minute of the week."""
    week = problem.days * 24 * 60
    minute = minute_of_week % week
    return f"{_day(problem, minute // 1440)} {minute % 1440 // 60:02d}:{minute % 60:02d}"


def _day_pattern_violations(problem: SchedulingProblem, a: int, row: list) -> list[Violation]:
    """Consecutive working days, days off, weekends in four weeks and forbidden successions.

    Days count by shift start. What came before Monday is the agent's history (none: the week is
    judged alone); a run of days off still open at Sunday is not judged.
    """
    found = _day_rule_violations(problem, a, [shift is not None for shift in row])
    agent = problem.agents[a]
    history = agent.history
    name = agent.name
    forbidden = set(problem.rules.forbidden_successions)
    if forbidden:
        kinds = [
            problem.templates[s.template].kind
            if s is not None and s.template in problem.templates
            else None
            for s in row
        ]
        last = history.last_shift_kind if history is not None and history.last_shift_kind else None
        for day, kind in enumerate(kinds):
            if last is not None and kind is not None and (last, kind) in forbidden:
                where = "the previous Sunday" if day == 0 else _day(problem, day - 1)
                found.append(
                    Violation(
                        "succession",
                        name,
                        f"a {kind} shift on {_day(problem, day)} follows a {last} shift on {where}",
                    )
                )
            last = kind
    return found


def _day_rule_violations(problem: SchedulingProblem, a: int, worked: list[bool]) -> list[Violation]:
    """Consecutive working days, days off in a row and weekends in four weeks, for the days
    worked (``worked[d]``), with the agent's history before Monday."""
    agent = problem.agents[a]
    contract = problem.contracts[agent.contract]
    history = agent.history
    name = agent.name
    found: list[Violation] = []
    before_worked = history.consecutive_days_worked if history is not None else 0
    before_off = history.days_off_run if history is not None else 0
    limit = contract.max_consecutive_days
    if limit is not None:
        run, first = before_worked, 0
        for day, works in enumerate(worked):
            if not works:
                run, first = 0, day + 1
                continue
            run += 1
            if run > limit:
                carried = (
                    f"{before_worked} before Monday, then " if first == 0 and before_worked else ""
                )
                found.append(
                    Violation(
                        "consecutive days",
                        name,
                        f"works {run} days in a row ({carried}{_day(problem, first)} to "
                        f"{_day(problem, day)}), at most {limit}",
                    )
                )
                break
    least = contract.min_consecutive_days_off
    if least is not None:
        off = before_off
        bounded = history is not None and (before_worked > 0 or before_off > 0)
        for day, works in enumerate(worked):
            if not works:
                off += 1
                continue
            if bounded and 0 < off < least:
                carried = f" ({before_off} before Monday)" if off > day else ""
                found.append(
                    Violation(
                        "days off",
                        name,
                        f"only {off} day(s) off{carried} before working again on "
                        f"{_day(problem, day)}, at least {least} in a row",
                    )
                )
                break
            off, bounded = 0, True
    most = contract.max_weekends_per_4_weeks
    if most is not None:
        previous = history.weekends_worked_previous_3 if history is not None else 0
        this_week = any(worked[d] for d in problem.rules.weekend_days if d < len(worked))
        if this_week and previous + 1 > most:
            found.append(
                Violation(
                    "weekends",
                    name,
                    f"works this weekend after {previous} of the previous 3, at most {most} "
                    "weekends in 4 weeks",
                )
            )
    return found


def _preference_sum(problem: SchedulingProblem, a: int, row: list) -> float:
    """The agent's preference weights over its worked shifts, matched field by field."""
    total = 0.0
    for shift in row:
        if shift is None:
            continue
        for wish in problem.agents[a].preferences:
            if wish.day is not None and wish.day != shift.day:
                continue
            if wish.template is not None and wish.template != shift.template:
                continue
            if wish.earliest_start is not None and shift.start < wish.earliest_start:
                continue
            if wish.latest_start is not None and shift.start > wish.latest_start:
                continue
            total += -wish.weight if wish.wanted else wish.weight
    return total


def _break_violations(
    problem: SchedulingProblem, plan: ShiftPlan, tolerance: float
) -> list[Violation]:
    """Every break inside its window and its shift, one per rule, none overlapping; net coverage."""
    if not any(t.breaks for t in problem.templates.values()) and not plan.breaks:
        return []
    found: list[Violation] = []
    per_day = problem.intervals_per_day
    step = 24 * 60 // per_day
    week = problem.days * 24 * 60
    if len(plan.breaks) != len(problem.agents):
        return [Violation("breaks", "plan", f"{len(plan.breaks)} break rows")]
    queue_of = np.asarray(plan.queue_of)
    net = np.array(
        [(queue_of == q).sum(axis=0) for q in range(len(problem.queues))], dtype=np.float64
    ).reshape(np.asarray(problem.requirement).shape)
    for a, agent in enumerate(problem.agents):
        row = plan.shifts[a]
        placed = plan.breaks[a]
        for shift in row:
            if shift is None or shift.template not in problem.templates:
                continue
            template = problem.templates[shift.template]
            begin = (shift.day * per_day + shift.start) * step
            length = template.length_intervals * step
            mine = [b for b in placed if b.day == shift.day]
            names = sorted(b.name for b in mine)
            if names != sorted(r.name for r in template.breaks):
                found.append(
                    Violation(
                        "breaks",
                        agent.name,
                        f"the shift starting {_clock(problem, begin)} has breaks {names}, its "
                        f"template asks for {sorted(r.name for r in template.breaks)}",
                    )
                )
            spans = []
            for b in mine:
                offset = (b.start_minute - begin) % week
                rule = next((r for r in template.breaks if r.name == b.name), None)
                if offset + b.minutes > length:
                    found.append(
                        Violation(
                            "breaks",
                            agent.name,
                            f"{b.name} {_clock(problem, b.start_minute)}-"
                            f"{_clock(problem, b.start_minute + b.minutes)} lies outside the "
                            f"shift {_clock(problem, begin)}-{_clock(problem, begin + length)}",
                        )
                    )
                elif rule is not None and not (
                    rule.earliest_minute <= offset <= rule.latest_minute
                    and b.minutes == rule.minutes
                ):
                    found.append(
                        Violation(
                            "breaks",
                            agent.name,
                            f"{b.name} of {b.minutes} min starts {_clock(problem, b.start_minute)}"
                            f", outside its window {_clock(problem, begin + rule.earliest_minute)}"
                            f"..{_clock(problem, begin + rule.latest_minute)} ({rule.minutes} min)",
                        )
                    )
                spans.append((offset, offset + b.minutes, b.name))
            spans.sort()
            for (_, end, first), (start, _, second) in itertools.pairwise(spans):
                if start < end:
                    found.append(Violation("breaks", agent.name, f"{first} and {second} overlap"))
        days = {s.day for s in row if s is not None}
        for b in placed:
            if b.day not in days:
                found.append(
                    Violation("breaks", agent.name, f"{b.name} on {_day(problem, b.day)}, no shift")
                )
            for minute in range(b.start_minute, b.start_minute + b.minutes):
                t = (minute % week) // step
                q = int(queue_of[a, t])
                if q >= 0:
                    net[q, t] -= 1.0 / step
    if plan.net_coverage is None or np.asarray(plan.net_coverage).shape != net.shape:
        found.append(Violation("figures", "plan", "coverage net of breaks is missing"))
    elif np.abs(np.asarray(plan.net_coverage) - net).max(initial=0.0) > 1e-6 + tolerance:
        found.append(
            Violation("figures", "plan", "reported coverage net of breaks does not add up")
        )
    return found
