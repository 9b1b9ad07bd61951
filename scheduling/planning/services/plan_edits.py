"""Manual edits of a client's plan: move a shift (other times, day or agent), add one, remove
one, change the line of part of a shift. Each edit is checked at once against every hard rule
for the agents it touches, over all their bookings of other clients (and this client's other
weeks) plus this plan's shifts as they would be after the edit; a refusal lists every rule
broken, in words ("Rest between Tue 22:00 and Wed 06:00 is 8 h, at least 11 h."), and
changes nothing.

Rules: allowed for the client and line and skilled for it, no overlap with another booking,
one shift a day (by the day it starts in the plan's zone), the minimum rest between shifts,
the contract's weekly maximum hours and shifts (across clients), approved time off, the
weekly availability pattern; then the contract's day rules (working days in a row, days off in
a row, weekends in four weeks, with the agent's history before Monday from the ledger), the
roster's forbidden successions (no day shift after a night shift) and each shift's breaks by
its template's rules, in words (``scheduling.roster.day_rules``), and every further rule of
the engine's independent validator (``scheduling.engine.optimiser.validate``), run on a
one-agent problem of the plan's week with the same contract, history, kinds and breaks, so
that rules the engine gains are checked here too.

An accepted edit marks the plan as having unpublished changes, recomputes its figures and is
audited (django-auditlog on Plan and PlanShift, actor set); nothing is published here.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
from auditlog.context import set_actor
from django.db import transaction
from django.db.backends.postgresql.psycopg_any import DateTimeTZRange

from bpo.catalog.models import ServiceLine
from bpo.errors import ConflictError, DomainError
from scheduling.engine.optimiser import model as engine
from scheduling.engine.optimiser.validate import validate_plan
from scheduling.planning.models import ActivityKind, Plan, PlanShift, PlanStatus
from scheduling.planning.planning_week import WeekClock, engine_breaks, with_breaks
from scheduling.planning.selectors import plans as selectors
from scheduling.roster.day_rules import DayLimits, day_rule_reasons
from scheduling.roster.models import FORBIDDEN_SUCCESSIONS, AgentServiceLine, Booking, ShiftTemplate
from scheduling.roster.models import Agent as RosterAgent
from scheduling.roster.optimiser import engine_histories
from scheduling.roster.selectors import pattern_unavailability_for, unavailability_for
from scheduling.roster.work_history import kind_of_times
from tenants.db import tenant_connection

MIN_REST = timedelta(hours=engine.Rules().min_rest_intervals * 0.5)
ENGINE_INTERVAL_MINUTES = 15
# Rules of the validator this module checks itself, in words and across clients (the
# validator's versions of them read a cyclic week and interval numbers).
CHECKED_HERE = {
    "shape",
    "one start per day",
    "contract",
    "template",
    "rest",
    "time off",
    "night",
    "shifts per week",
    "hours per week",
    "queue",
    "skills",
    "figures",
    "bound",
}
BREAK_KINDS = {ActivityKind.BREAK.value, ActivityKind.LUNCH.value}
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
DISCARDED = "This plan was discarded; it can no longer be edited."
OUTSIDE_WEEK = "The shift must start in the plan's week ({first} to {last})."
ENDS_FIRST = "The shift must end after it starts."
TOO_LONG = "A shift lasts at most 16 h."
RANGE_OUTSIDE = "The part to change must lie within the shift ({times})."


class PlanRuleError(DomainError):
    """An edit that would break hard rules; ``reasons`` names each, in words."""

    def __init__(self, reasons: list[str]) -> None:
        super().__init__(" ".join(reasons), code="rule_broken")
        self.reasons = reasons


@dataclass(frozen=True)
class Stint:
    """One span of work of an agent: this plan's shift (proposed) or another booking."""

    starts_at: datetime
    ends_at: datetime
    owner: str  # "Acme" (this client) or the other client's name
    service_line_id: int | None
    is_this_plan: bool
    activities: tuple = ()
    template_name: str = ""

    @property
    def hours(self) -> float:
        return (self.ends_at - self.starts_at).total_seconds() / 3600


# --- words ----------------------------------------------------------------------------------------


def _hours_text(hours: float) -> str:
    whole = math.floor(hours + 1e-9)
    minutes = round((hours - whole) * 60)
    if minutes == 60:
        whole, minutes = whole + 1, 0
    return f"{whole} h {minutes} min" if minutes else f"{whole} h"


def _at(moment: datetime, zone: ZoneInfo) -> str:
    local = moment.astimezone(zone)
    return f"{WEEKDAYS[local.weekday()]} {local:%H:%M}"


def _span(stint: Stint, zone: ZoneInfo) -> str:
    start, end = stint.starts_at.astimezone(zone), stint.ends_at.astimezone(zone)
    return f"{WEEKDAYS[start.weekday()]} {start.day} {start:%b} {start:%H:%M}\N{EN DASH}{end:%H:%M}"


# --- the checks -------------------------------------------------------------------------------------


def _client():
    client = getattr(tenant_connection(), "tenant", None)
    if client is None or client.schema_name == "public":
        raise RuntimeError("plan edits run with a client's schema active")
    return client


def _other_bookings(agent_id: int, plan: Plan, client) -> list[Stint]:
    """The agent's bookings of every other client, and of this client's other weeks, around the
    plan's week (a day either side, for rest and overlap at the edges). Bookings of another plan
    of this client for the same week are left out: publishing this plan replaces them."""
    start, end = selectors.week_bounds(plan)
    same_week = list(
        Plan.objects.filter(week_starts_on=plan.week_starts_on).values_list("pk", flat=True)
    )
    rows = (
        Booking.objects.filter(
            agent_id=agent_id,
            during__overlap=DateTimeTZRange(start - timedelta(days=2), end + timedelta(days=2)),
        )
        .exclude(client=client, plan_id__in=same_week)
        .select_related("client")
    )
    return [
        Stint(
            row.during.lower,
            row.during.upper,
            row.client.name,
            row.service_line_id,
            is_this_plan=False,
        )
        for row in rows
    ]


def _line_words(line: ServiceLine | None, line_id: int | None) -> str:
    return line.name if line is not None else f"line {line_id}"


def check_agent_week(
    *, plan: Plan, agent: RosterAgent, shifts: Iterable[PlanShift], client=None
) -> list[str]:
    """Every hard rule ``agent`` would break with ``shifts`` as this plan's shifts of theirs
    (unsaved rows are fine), in words; empty when the week holds."""
    client = client or _client()
    zone = ZoneInfo(plan.time_zone)
    name = agent.full_name
    mine = list(shifts)
    reasons: list[str] = []

    # allowed for the client and the line, and skilled for it
    allowed = set(
        AgentServiceLine.objects.filter(agent=agent, client=client).values_list(
            "service_line_id", flat=True
        )
    )
    used_lines = {s.service_line_id for s in mine} | {
        part.line_id
        for s in mine
        for part in selectors.shift_parts(s)
        if part.kind == ActivityKind.WORK and part.line_id
    }
    lines = ServiceLine.objects.in_bulk(used_lines)
    skills = {skill.casefold() for skill in agent.skills.values_list("name", flat=True)}
    for line_id in sorted(used_lines):
        line = lines.get(line_id)
        if None not in allowed and line_id not in allowed:
            reasons.append(
                f"{name} is not allowed for {_line_words(line, line_id)} of {client.name}."
            )
            continue
        # as the planning run reads it (``problem.is_skilled``): every required skill, and one
        # of the line's languages
        missing = sorted(
            skill
            for skill in (line.required_skills if line else [])
            if skill.casefold() not in skills
        )
        if missing:
            reasons.append(
                f"{name} lacks the skill{'s' if len(missing) > 1 else ''} "
                f"{', '.join(missing)} that {_line_words(line, line_id)} needs."
            )
        spoken = {language.casefold() for language in agent.languages or []}
        if line and line.languages and not {x.casefold() for x in line.languages} & spoken:
            reasons.append(
                f"{name} speaks none of the languages of {line.name} ({', '.join(line.languages)})."
            )

    stints = sorted(
        [
            Stint(
                s.starts_at,
                s.ends_at,
                client.name,
                s.service_line_id,
                is_this_plan=True,
                activities=tuple(selectors.shift_parts(s)),
                template_name=s.template_name,
            )
            for s in mine
        ]
        + _other_bookings(agent.pk, plan, client),
        key=lambda stint: (stint.starts_at, stint.ends_at),
    )

    # overlap, then rest, between each shift and the next
    for index, stint in enumerate(stints):
        for later in stints[index + 1 :]:
            if later.starts_at >= stint.ends_at:
                break
            if stint.is_this_plan and later.is_this_plan:
                reasons.append(
                    f"{name}'s shifts {_span(stint, zone)} and {_span(later, zone)} overlap."
                )
            elif stint.is_this_plan or later.is_this_plan:
                other = later if stint.is_this_plan else stint
                this = stint if stint.is_this_plan else later
                reasons.append(
                    f"{name}'s shift {_span(this, zone)} overlaps the booking for "
                    f"{other.owner}, {_span(other, zone)}."
                )
    for first, second in itertools.pairwise(stints):
        if not (first.is_this_plan or second.is_this_plan):
            continue
        rest = second.starts_at - first.ends_at
        if timedelta(0) <= rest < MIN_REST and second.starts_at >= first.ends_at:
            reasons.append(
                f"Rest of {name} between {_at(first.ends_at, zone)} and "
                f"{_at(second.starts_at, zone)} is {_hours_text(rest.total_seconds() / 3600)}, "
                f"at least {_hours_text(MIN_REST.total_seconds() / 3600)}."
            )

    # one shift a day, by the day it starts in the plan's zone
    by_day: dict = {}
    for stint in stints:
        by_day.setdefault(stint.starts_at.astimezone(zone).date(), []).append(stint)
    for day, found in sorted(by_day.items()):
        if len(found) > 1 and any(s.is_this_plan for s in found):
            spans = " and ".join(
                f"{s.starts_at.astimezone(zone):%H:%M}\N{EN DASH}{s.ends_at.astimezone(zone):%H:%M} "
                f"for {s.owner}"
                for s in found
            )
            reasons.append(
                f"{name} would have {len(found)} shifts on {WEEKDAYS[day.weekday()]} "
                f"{day.day} {day:%b} ({spans}); one shift a day at most."
            )

    # the contract's week, across clients
    start, end = selectors.week_bounds(plan)
    week = [s for s in stints if start <= s.starts_at < end]
    hours = sum(s.hours for s in week)
    if hours > float(agent.max_hours_per_week) + 1e-6:
        per_owner: dict[str, float] = {}
        for stint in week:
            per_owner[stint.owner] = per_owner.get(stint.owner, 0) + stint.hours
        split = ", ".join(f"{_hours_text(h)} for {owner}" for owner, h in per_owner.items())
        reasons.append(
            f"{name} would work {_hours_text(hours)} in the week of "
            f"{plan.week_starts_on.day} {plan.week_starts_on:%b} ({split}), "
            f"at most {_hours_text(float(agent.max_hours_per_week))} by contract."
        )
    if len(week) > agent.days_per_week:
        reasons.append(
            f"{name} would have {len(week)} shifts in the week, at most "
            f"{agent.days_per_week} by contract."
        )

    # approved time off and the weekly availability pattern
    window = (start - timedelta(days=1), end + timedelta(days=1))
    time_off = unavailability_for([agent.pk], *window).get(agent.pk, [])
    pattern = pattern_unavailability_for([agent], *window).get(agent.pk, [])
    for stint in (s for s in stints if s.is_this_plan):
        for period in time_off:
            if period.starts_at < stint.ends_at and stint.starts_at < period.ends_at:
                local = max(period.starts_at, stint.starts_at).astimezone(ZoneInfo(agent.time_zone))
                reasons.append(
                    f"{name} has approved time off ({period.kind.replace('_', ' ')}) on "
                    f"{WEEKDAYS[local.weekday()]} {local.day} {local:%b}; the shift "
                    f"{_span(stint, zone)} falls in it."
                )
                break
        else:
            for begin, finish in pattern:
                if begin < stint.ends_at and stint.starts_at < finish:
                    reasons.append(
                        f"The shift {_span(stint, zone)} is outside {name}'s availability "
                        f"({_availability_words(agent)})."
                    )
                    break

    if not reasons:
        reasons.extend(_engine_reasons(plan=plan, agent=agent, stints=stints))
    return reasons


def _availability_words(agent: RosterAgent) -> str:
    pattern = agent.availability or {}
    names = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
    parts = [f"{WEEKDAYS[i]} {pattern[key]}" for i, key in enumerate(names) if key in pattern]
    return ", ".join(parts) if parts else "employment dates"


def _clock_text(minutes: int) -> str:
    return f"{minutes // 60}:{minutes % 60:02d}"


def _templates_of(stints: list[Stint]) -> dict[str, ShiftTemplate]:
    names = {s.template_name for s in stints if s.is_this_plan and s.template_name}
    if not names:
        return {}
    return {
        t.name: t for t in ShiftTemplate.objects.filter(name__in=names).prefetch_related("breaks")
    }


def _kind(stint: Stint, templates: dict[str, ShiftTemplate], zone: ZoneInfo) -> str:
    """A shift's kind: its template's while it keeps the template's length and one of its start
    times; otherwise (moved, added by hand, another client's booking) what its times give."""
    template = templates.get(stint.template_name) if stint.is_this_plan else None
    if template is not None:
        local = stint.starts_at.astimezone(zone)
        minutes = round((stint.ends_at - stint.starts_at).total_seconds() / 60)
        starts = {(t.hour, t.minute) for t in template.start_times}
        if minutes == template.length_minutes and (local.hour, local.minute) in starts:
            return template.kind
    return kind_of_times(stint.starts_at, stint.ends_at, zone)


def _match_breaks(stint: Stint, template: ShiftTemplate, clock: WeekClock):
    """Each of the template's break rules (as the optimiser names them) matched to a break part
    of the shift of its kind and length starting inside its window; the rules left unmatched.
    Minutes after the start are wall-clock minutes, as planning runs place breaks (a night
    across a change of the clocks keeps its lunch at the hour the wall says)."""
    begin = clock.wall_minutes(stint.starts_at)
    length = clock.wall_minutes(stint.ends_at) - begin
    rules = list(template.breaks.all())
    named = engine_breaks(
        [(r.kind, r.minutes, r.earliest_minute, r.latest_minute) for r in rules], 24 * 60
    )
    parts = [p for p in stint.activities if p.kind in BREAK_KINDS]
    used: set[int] = set()
    matched, missing = [], []
    for rule, engine_rule in zip(rules, named, strict=True):
        for index, part in enumerate(parts):
            offset = clock.wall_minutes(part.starts_at) - begin
            minutes = clock.wall_minutes(part.ends_at) - clock.wall_minutes(part.starts_at)
            if (
                index not in used
                and part.kind == rule.kind
                and round(minutes) == rule.minutes
                and rule.earliest_minute <= offset <= rule.latest_minute
                and offset + minutes <= length
            ):
                used.add(index)
                matched.append((engine_rule.name, part))
                break
        else:
            missing.append(rule)
    return matched, missing


def _break_reasons(
    name: str, stints: list[Stint], templates: dict[str, ShiftTemplate], clock: WeekClock
) -> list[str]:
    """This plan's shifts without a break their template asks for, where its rule says."""
    zone = clock.zone
    reasons = []
    for stint in stints:
        template = templates.get(stint.template_name) if stint.is_this_plan else None
        if template is None:
            continue
        begin = clock.wall_minutes(stint.starts_at)
        for rule in _match_breaks(stint, template, clock)[1]:
            earliest = clock.to_utc(begin + rule.earliest_minute)
            latest = clock.to_utc(begin + rule.latest_minute)
            reasons.append(
                f"{name}'s shift {_span(stint, zone)} needs a {rule.kind} of {rule.minutes} min "
                f"starting between {earliest.astimezone(zone):%H:%M} and "
                f"{latest.astimezone(zone):%H:%M} ({_clock_text(rule.earliest_minute)} to "
                f"{_clock_text(rule.latest_minute)} after it starts, as {template.name} says)."
            )
    return reasons


def _engine_reasons(*, plan: Plan, agent: RosterAgent, stints: list[Stint]) -> list[str]:
    """The agent's week judged with the contract's day rules, the history before Monday (the
    ledger of every client), the shifts' kinds and the roster's forbidden successions, and the
    templates' breaks: first in words, then by the engine's validator (one agent, one queue)
    for any rule not checked above, so that the rules the engine gains apply here too."""
    zone = ZoneInfo(plan.time_zone)
    per_day = 24 * 60 // ENGINE_INTERVAL_MINUTES
    origin = datetime.combine(plan.week_starts_on, datetime.min.time())
    start, end = selectors.week_bounds(plan)
    by_template = _templates_of(stints)
    clock = WeekClock(plan.week_starts_on, plan.time_zone)
    history = engine_histories(
        [agent.pk], monday=plan.week_starts_on, time_zone=plan.time_zone
    ).get(agent.pk)
    templates: dict[str, engine.ShiftTemplate] = {}
    row: list[engine.AssignedShift | None] = [None] * 7
    horizon = 7 * per_day
    queue_of = np.full((1, horizon), -1, dtype=np.int64)
    placed: list[engine.PlacedBreak] = []
    kinds: dict[int, str] = {}
    for index, stint in enumerate(s for s in stints if start <= s.starts_at < end):
        wall = stint.starts_at.astimezone(zone).replace(tzinfo=None)
        first = int((wall - origin).total_seconds() // (ENGINE_INTERVAL_MINUTES * 60))
        length = max(1, math.ceil(stint.hours * 60 / ENGINE_INTERVAL_MINUTES))
        day, of_day = divmod(first, per_day)
        if not 0 <= day < 7 or row[day] is not None:
            continue  # two starts a day are refused above already
        kind = _kind(stint, by_template, zone)
        kinds[day] = kind
        rules: tuple[engine.BreakRule, ...] = ()
        roster_template = by_template.get(stint.template_name) if stint.is_this_plan else None
        if roster_template is not None:
            rules = engine_breaks(
                [
                    (r.kind, r.minutes, r.earliest_minute, r.latest_minute)
                    for r in roster_template.breaks.all()
                ],
                24 * 60,
            )
            begin_minute = first * ENGINE_INTERVAL_MINUTES
            for rule_name, part in _match_breaks(stint, roster_template, clock)[0]:
                offset = round(
                    clock.wall_minutes(part.starts_at) - clock.wall_minutes(stint.starts_at)
                )
                minutes = round(
                    clock.wall_minutes(part.ends_at) - clock.wall_minutes(part.starts_at)
                )
                placed.append(
                    engine.PlacedBreak(
                        day, rule_name, (begin_minute + offset) % (7 * 24 * 60), minutes
                    )
                )
        template = f"shift {index}"
        templates[template] = engine.ShiftTemplate(template, length, (of_day,), kind, rules)
        row[day] = engine.AssignedShift(template, day, of_day)
        for step in range(length):
            queue_of[0, (first + step) % horizon] = 0
    contract = engine.Contract(
        "contract",
        tuple(templates),
        0,
        7,
        0.0,
        168.0,
        max_consecutive_days=agent.max_consecutive_days,
        min_consecutive_days_off=agent.min_consecutive_days_off,
        max_weekends_per_4_weeks=agent.max_weekends_per_4_weeks,
    )
    successions = tuple(FORBIDDEN_SUCCESSIONS)
    problem = engine.SchedulingProblem(
        queues=("work",),
        requirement=np.zeros((1, horizon), dtype=np.int64),
        agents=(
            engine.Agent(agent.full_name, frozenset({"work"}), "contract", 0.0, history=history),
        ),
        contracts={"contract": contract},
        templates=templates,
        rules=engine.Rules(min_rest_intervals=0, forbidden_successions=successions),
        intervals_per_day=per_day,
    )
    coverage = (queue_of == 0).sum(axis=0).reshape(1, horizon)
    net = coverage.astype(np.float64)
    for one in placed:
        for minute in range(one.start_minute, one.start_minute + one.minutes):
            net[0, (minute % (7 * 24 * 60)) // ENGINE_INTERVAL_MINUTES] -= (
                1.0 / ENGINE_INTERVAL_MINUTES
            )
    shift_plan = engine.ShiftPlan(
        shifts=[row],
        queue_of=queue_of,
        coverage=coverage,
        under=np.zeros_like(coverage),
        over=coverage,
        cost=0.0,
        weekend_days_beyond_free=0,
        objective=0.0,
        breaks=[sorted(placed, key=lambda b: (b.day, b.start_minute))],
        net_coverage=net,
    )
    worded = day_rule_reasons(
        name=agent.full_name,
        monday=plan.week_starts_on,
        kinds=kinds,
        history=history,
        limits=DayLimits(
            max_consecutive_days=agent.max_consecutive_days,
            min_consecutive_days_off=agent.min_consecutive_days_off,
            max_weekends_per_4_weeks=agent.max_weekends_per_4_weeks,
            forbidden_successions=successions,
        ),
    )
    reasons = list(worded.values())
    breaks = _break_reasons(agent.full_name, stints, by_template, clock)
    if breaks:
        worded["breaks"] = breaks[0]
        reasons.extend(breaks)
    reasons.extend(
        f"{agent.full_name}: {violation.rule}: {violation.detail}."
        for violation in validate_plan(problem, shift_plan)
        if violation.rule not in CHECKED_HERE and violation.rule not in worded
    )
    return reasons


# --- the edits ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EditResult:
    plan: Plan
    shift: PlanShift | None
    summary: str


def _lock(plan: Plan) -> Plan:
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    if plan.status == PlanStatus.DISCARDED:
        raise ConflictError(DISCARDED)
    return plan


def _check_times(plan: Plan, starts_at: datetime, ends_at: datetime) -> None:
    start, end = selectors.week_bounds(plan)
    problems = {}
    if ends_at <= starts_at:
        problems["ends_at"] = [ENDS_FIRST]
    elif ends_at - starts_at > timedelta(hours=16):
        problems["ends_at"] = [TOO_LONG]
    if not start <= starts_at < end:
        days = selectors.week_days(plan)
        problems["starts_at"] = [OUTSIDE_WEEK.format(first=days[0], last=days[-1])]
    if problems:
        raise DomainError(" ".join(m for ms in problems.values() for m in ms), fields=problems)


def _agent(agent_id: int) -> RosterAgent:
    try:
        return RosterAgent.objects.get(pk=agent_id)
    except RosterAgent.DoesNotExist:
        raise DomainError("No such agent.", field="agent") from None


def _check(plan: Plan, agent_ids: set[int], proposed: list[PlanShift], client) -> None:
    """Refuse the edit if any touched agent's week breaks a rule with ``proposed`` (this plan's
    shifts as they would be)."""
    reasons: list[str] = []
    for agent_id in sorted(agent_ids):
        agent = _agent(agent_id)
        reasons += check_agent_week(
            plan=plan,
            agent=agent,
            shifts=[s for s in proposed if s.agent_id == agent_id],
            client=client,
        )
    if reasons:
        raise PlanRuleError(reasons)


def _proposed(plan: Plan, *, without: int | None = None, extra: PlanShift | None = None):
    shifts = [s for s in PlanShift.objects.filter(plan=plan) if s.pk != without]
    return shifts + ([extra] if extra is not None else [])


def _recompute(plan: Plan) -> None:
    plan.figures = {**(plan.figures or {}), **selectors.plan_figures(plan=plan), "edited": True}
    plan.has_unpublished_changes = True
    plan.save(update_fields=["figures", "has_unpublished_changes", "updated_at"])


def _work(starts_at: datetime, ends_at: datetime, line_id: int) -> list[dict]:
    return [
        {
            "start": starts_at.isoformat(),
            "end": ends_at.isoformat(),
            "kind": ActivityKind.WORK.value,
            "line": line_id,
        }
    ]


def _moved_activities(shift: PlanShift, starts_at: datetime, ends_at: datetime) -> list[dict]:
    """The same parts moved with the shift when its length stays; otherwise one work part with
    the breaks its template asks for placed again (``_with_template_breaks``)."""
    if ends_at - starts_at != shift.ends_at - shift.starts_at or not shift.activities:
        return _with_template_breaks(shift, starts_at, ends_at)
    delta = starts_at - shift.starts_at
    return [
        {
            **activity,
            "start": (datetime.fromisoformat(activity["start"]) + delta).isoformat(),
            "end": (datetime.fromisoformat(activity["end"]) + delta).isoformat(),
        }
        for activity in shift.activities
    ]


def _with_template_breaks(shift: PlanShift, starts_at: datetime, ends_at: datetime) -> list[dict]:
    """A resized shift as work with its template's breaks: each keeps its minute after the
    start where the rule's window and the new length allow, else the nearest minute that
    does; a break the shorter shift cannot hold is left out (the check then names it)."""
    template = (
        ShiftTemplate.objects.filter(name=shift.template_name).prefetch_related("breaks").first()
        if shift.template_name
        else None
    )
    work = _work(starts_at, ends_at, shift.service_line_id)
    if template is None:
        return work
    plan = shift.plan
    clock = WeekClock(plan.week_starts_on, plan.time_zone)
    begin, old_begin = clock.wall_minutes(starts_at), clock.wall_minutes(shift.starts_at)
    length = clock.wall_minutes(ends_at) - begin
    before = {
        part.kind: clock.wall_minutes(part.starts_at) - old_begin
        for part in selectors.shift_parts(shift)
        if part.kind in BREAK_KINDS
    }
    periods = []
    taken_until = 0.0
    for rule in template.breaks.all():
        latest = min(rule.latest_minute, length - rule.minutes)
        if rule.earliest_minute > latest:
            continue
        offset = min(max(before.get(rule.kind, rule.earliest_minute), rule.earliest_minute), latest)
        offset = max(offset, min(taken_until, latest))
        taken_until = offset + rule.minutes
        periods.append(
            (
                clock.to_utc(begin + offset),
                clock.to_utc(begin + offset + rule.minutes),
                rule.kind,
            )
        )
    return with_breaks(work, sorted(periods))


def add_shift(
    *,
    plan: Plan,
    agent_id: int,
    service_line_id: int,
    starts_at: datetime,
    ends_at: datetime,
    actor,
) -> EditResult:
    """A new shift of ``agent_id`` on the line; refused with every broken rule."""
    client = _client()
    with transaction.atomic(), set_actor(actor):
        plan = _lock(plan)
        _check_times(plan, starts_at, ends_at)
        if not ServiceLine.objects.filter(pk=service_line_id).exists():
            raise DomainError("No such service line.", field="service_line")
        shift = PlanShift(
            plan=plan,
            agent_id=agent_id,
            service_line_id=service_line_id,
            starts_at=starts_at,
            ends_at=ends_at,
            activities=_work(starts_at, ends_at, service_line_id),
            is_manual=True,
        )
        _check(plan, {agent_id}, _proposed(plan, extra=shift), client)
        shift.save()
        _recompute(plan)
    return EditResult(plan, shift, "Shift added.")


def move_shift(
    *,
    shift: PlanShift,
    starts_at: datetime,
    ends_at: datetime,
    agent_id: int | None = None,
    service_line_id: int | None = None,
    actor,
) -> EditResult:
    """The shift at other times, on another day or given to another agent (or line)."""
    client = _client()
    with transaction.atomic(), set_actor(actor):
        plan = _lock(shift.plan)
        shift = PlanShift.objects.select_for_update().get(pk=shift.pk)
        _check_times(plan, starts_at, ends_at)
        moved = replace_shift(
            shift,
            agent_id=agent_id or shift.agent_id,
            service_line_id=service_line_id or shift.service_line_id,
            starts_at=starts_at,
            ends_at=ends_at,
        )
        _check(
            plan,
            {shift.agent_id, moved.agent_id},
            _proposed(plan, without=shift.pk, extra=moved),
            client,
        )
        moved.save()
        _recompute(plan)
    return EditResult(plan, moved, "Shift moved.")


def replace_shift(shift: PlanShift, **changes) -> PlanShift:
    """A copy of ``shift`` (same row) with ``changes``; its parts follow its new times."""
    moved = PlanShift.objects.get(pk=shift.pk)
    line_changed = changes.get("service_line_id") not in (None, shift.service_line_id)
    for name, value in changes.items():
        setattr(moved, name, value)
    moved.activities = _moved_activities(shift, moved.starts_at, moved.ends_at)
    if line_changed:  # all its work goes to the new line; breaks and lunches stay
        moved.activities = [
            {**a, "line": moved.service_line_id} if a.get("kind", "work") == "work" else a
            for a in moved.activities
        ]
    moved.is_manual = True
    return moved


def remove_shift(*, shift: PlanShift, actor) -> EditResult:
    """The shift taken out of the plan (removing breaks no rule of the agent's week)."""
    with transaction.atomic(), set_actor(actor):
        plan = _lock(shift.plan)
        PlanShift.objects.filter(pk=shift.pk).delete()
        _recompute(plan)
    return EditResult(plan, None, "Shift removed.")


def change_shift_line(
    *,
    shift: PlanShift,
    starts_at: datetime,
    ends_at: datetime,
    service_line_id: int,
    actor,
) -> EditResult:
    """The work of ``[starts_at, ends_at)`` within the shift moved to another line (a queue
    change); breaks and lunches stay as they are."""
    client = _client()
    with transaction.atomic(), set_actor(actor):
        plan = _lock(shift.plan)
        shift = PlanShift.objects.select_for_update().get(pk=shift.pk)
        zone = ZoneInfo(plan.time_zone)
        if not (shift.starts_at <= starts_at < ends_at <= shift.ends_at):
            times = f"{_at(shift.starts_at, zone)}\N{EN DASH}{shift.ends_at.astimezone(zone):%H:%M}"
            raise DomainError(RANGE_OUTSIDE.format(times=times), field="starts_at")
        if not ServiceLine.objects.filter(pk=service_line_id).exists():
            raise DomainError("No such service line.", field="service_line")
        activities = []
        for part in selectors.shift_parts(shift):
            if (
                part.kind != ActivityKind.WORK
                or part.ends_at <= starts_at
                or ends_at <= part.starts_at
            ):
                activities.append(part)
                continue
            if part.starts_at < starts_at:
                activities.append(replace(part, ends_at=starts_at))
            activities.append(
                replace(
                    part,
                    starts_at=max(part.starts_at, starts_at),
                    ends_at=min(part.ends_at, ends_at),
                    line_id=service_line_id,
                )
            )
            if ends_at < part.ends_at:
                activities.append(replace(part, starts_at=ends_at))
        shift.activities = [
            {
                "start": p.starts_at.isoformat(),
                "end": p.ends_at.isoformat(),
                "kind": p.kind,
                "line": p.line_id,
            }
            for p in activities
        ]
        shift.service_line_id = _main_line(activities, shift.service_line_id)
        shift.is_manual = True
        _check(plan, {shift.agent_id}, _proposed(plan, without=shift.pk, extra=shift), client)
        shift.save()
        _recompute(plan)
    return EditResult(plan, shift, "Line changed.")


def _main_line(parts, fallback: int) -> int:
    """The line most of the shift's work covers."""
    totals: dict[int, timedelta] = {}
    for part in parts:
        if part.kind == ActivityKind.WORK and part.line_id:
            totals[part.line_id] = totals.get(part.line_id, timedelta()) + (
                part.ends_at - part.starts_at
            )
    return max(totals, key=lambda line: (totals[line], -line)) if totals else fallback
