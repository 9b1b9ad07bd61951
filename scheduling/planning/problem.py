"""A planning run's week as the optimiser's problem: the database read, the conversion left to
``scheduling.planning.planning_week`` (pure) and ``scheduling.roster.optimiser`` (time off).

Queues are (client, service line); an agent may cover a queue when the roster allows the agent
for that client (``AgentServiceLine``: the line, or every line) and the agent has the line's
required skills and speaks one of its languages. One engine agent per roster agent, over every
client of the run, so contract hours, rest, days off and fairness hold across all of an agent's
clients; what other clients (not in the run) have already published for the agent blocks
those hours with the rest around them and comes off the contract.

The contract's day-pattern rules (days in a row, days off in a row, weekends in four weeks)
come from the agent's row, what came before Monday from the booking ledger of every client
(``roster.optimiser.engine_histories``), soft wishes from its preferences, template kinds and
break rules from the templates, and the roster's forbidden successions (a day shift after a
night shift) when the week's templates can break them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np
from django.db.backends.postgresql.psycopg_any import DateTimeTZRange
from django.db.models import Q
from django_tenants.utils import tenant_context

from bpo.catalog.models import ServiceLine, ServiceLineStatus
from bpo.errors import DomainError
from scheduling.engine.optimiser.model import Agent as EngineAgent
from scheduling.engine.optimiser.model import Rules, SchedulingProblem
from scheduling.engine.optimiser.unavailability import unavailable_intervals
from scheduling.planning.models import ForecastStatus, StaffingRequirement
from scheduling.planning.planning_week import (
    INTERVAL_MINUTES,
    INTERVALS,
    INTERVALS_PER_DAY,
    WeekClock,
    contract_terms,
    engine_template,
    place_requirement,
    usable_history,
)
from scheduling.roster import selectors as roster_selectors
from scheduling.roster.models import FORBIDDEN_SUCCESSIONS, Agent, Booking, ShiftTemplate
from scheduling.roster.optimiser import (
    engine_histories,
    engine_preferences,
    engine_unavailability,
)

REST_MINUTES = Rules().min_rest_intervals * INTERVAL_MINUTES


@dataclass(frozen=True)
class Queue:
    client_id: int
    client_name: str
    line_id: int
    line_name: str

    @property
    def key(self) -> str:
        return f"{self.client_id}:{self.line_id}"


@dataclass
class PlanningInput:
    """The problem and what maps its indices back to rows."""

    clock: WeekClock
    problem: SchedulingProblem
    queues: list[Queue]
    agent_ids: list[int]
    template_minutes: dict[str, int]
    notes: list[str] = field(default_factory=list)

    @property
    def client_ids(self) -> list[int]:
        return sorted({q.client_id for q in self.queues})

    def client_of_queue(self) -> list[int]:
        return [q.client_id for q in self.queues]

    def line_of_queue(self) -> list[int]:
        return [q.line_id for q in self.queues]


def _requirement_rows(clock: WeekClock, lines: Sequence[ServiceLine]) -> dict[int, list]:
    """Per line, the week's rows of its newest ready forecast version that covers each
    instant (``starts_at``, interval minutes, scheduled agents). Inside the client's schema."""
    rows = (
        StaffingRequirement.objects.filter(
            forecast__service_line__in=lines,
            forecast__status=ForecastStatus.READY,
            starts_at__gte=clock.starts_at - timedelta(hours=1),
            starts_at__lt=clock.ends_at,
        )
        .order_by("forecast__service_line_id", "starts_at", "-forecast__version")
        .values_list(
            "forecast__service_line_id",
            "starts_at",
            "forecast__interval_minutes",
            "scheduled_agents",
        )
    )
    found: dict[int, list] = defaultdict(list)
    seen: set[tuple] = set()
    for line_id, starts_at, minutes, agents in rows:
        if (line_id, starts_at) in seen:  # an older version of the same instant
            continue
        seen.add((line_id, starts_at))
        found[line_id].append((starts_at, minutes, agents))
    return found


def read_requirements(clock: WeekClock, clients: Sequence) -> tuple[list[Queue], np.ndarray, dict]:
    """Every active line of every client with its requirement on the run's clock; the lines
    themselves (by client) for the skill check. A client or active line without a staffing
    requirement for the week is refused, named."""
    queues: list[Queue] = []
    rows: list[np.ndarray] = []
    lines_of: dict[int, list[ServiceLine]] = {}
    week = clock.monday.strftime("%-d %b %Y")
    for client in clients:
        with tenant_context(client):
            lines = list(
                ServiceLine.objects.filter(status=ServiceLineStatus.ACTIVE).order_by("name", "pk")
            )
            requirement = _requirement_rows(clock, lines)
        if not lines:
            raise DomainError(f"{client.name} has no active service line to plan.", field="clients")
        missing = [line.name for line in lines if not requirement.get(line.pk)]
        if missing:
            raise DomainError(
                f"{client.name}: {', '.join(missing)} "
                f"{'has' if len(missing) == 1 else 'have'} no staffing requirement for the week "
                f"of {week}; forecast {'it' if len(missing) == 1 else 'them'} first.",
                field="clients",
            )
        lines_of[client.pk] = lines
        for line in lines:
            queues.append(Queue(client.pk, client.name, line.pk, line.name))
            rows.append(place_requirement(clock, requirement[line.pk]))
    return queues, np.vstack(rows) if rows else np.zeros((0, INTERVALS), np.int64), lines_of


def is_skilled(agent: Agent, line: ServiceLine) -> bool:
    """The agent holds every skill the line requires and speaks one of its languages."""
    skills = {level.skill.name.casefold() for level in agent.skill_levels.all()}
    if not {s.casefold() for s in line.required_skills} <= skills:
        return False
    if line.languages:
        return bool(
            {x.casefold() for x in line.languages} & {x.casefold() for x in agent.languages}
        )
    return True


def _allowed_queues(agent: Agent, queues: list[Queue], lines_of: dict) -> frozenset[str]:
    allowed: set[str] = set()
    # Line ids are per client schema: two clients' first lines are both 1.
    line_by_id = {
        (client_id, line.pk): line for client_id, lines in lines_of.items() for line in lines
    }
    for grant in agent.service_lines.all():
        for queue in queues:
            if queue.client_id != grant.client_id:
                continue
            if grant.service_line_id is not None and grant.service_line_id != queue.line_id:
                continue
            if is_skilled(agent, line_by_id[(queue.client_id, queue.line_id)]):
                allowed.add(queue.key)
    return frozenset(allowed)


def _other_bookings(clock: WeekClock, agent_ids: list[int], client_ids: list[int]) -> dict:
    """Bookings of other clients around the week, by agent: (start, end) in wall minutes."""
    margin = timedelta(minutes=REST_MINUTES)
    window = DateTimeTZRange(clock.starts_at - margin, clock.ends_at + margin)
    found: dict[int, list[tuple[float, float]]] = defaultdict(list)
    for agent_id, during in (
        Booking.objects.filter(agent_id__in=agent_ids, during__overlap=window)
        .exclude(client_id__in=client_ids)
        .values_list("agent_id", "during")
    ):
        found[agent_id].append((clock.wall_minutes(during.lower), clock.wall_minutes(during.upper)))
    return found


def _successions_that_apply(
    successions: tuple[tuple[str, str], ...], templates: dict, agents: list[EngineAgent]
) -> tuple[tuple[str, str], ...]:
    """The roster's forbidden successions that can bind this week: both kinds among the
    templates, or the first in an agent's history and the second among the templates. None
    otherwise, so a week without night shifts solves as it did without the rule."""
    kinds = {t.kind for t in templates.values()}
    last = {a.history.last_shift_kind for a in agents if a.history is not None}
    return tuple(
        (first, second)
        for first, second in successions
        if second in kinds and (first in kinds or first in last)
    )


def build_planning_input(
    *, week_starts_on: date, clients: Sequence, time_zone: str
) -> PlanningInput:
    """Read everything a run needs for ``clients`` in the week from ``week_starts_on`` (a
    Monday) on ``time_zone``'s clock. Raises ``DomainError`` naming what is missing."""
    clock = WeekClock(week_starts_on, time_zone)
    client_ids = [c.pk for c in clients]
    queues, requirement, lines_of = read_requirements(clock, clients)
    week_end = week_starts_on + timedelta(days=6)
    agents = list(
        roster_selectors.agent_queryset()
        .filter(service_lines__client_id__in=client_ids, starts_on__lte=week_end)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=week_starts_on))
        .prefetch_related("shift_templates__breaks")
        .distinct()
    )
    active_templates = list(roster_selectors.list_shift_templates(active_only=True))
    notes: list[str] = []
    unavailable = engine_unavailability(agents, monday=week_starts_on, time_zone=time_zone)
    booked = _other_bookings(clock, [a.pk for a in agents], client_ids)
    # what every agent worked in the four weeks before, for every client (one query)
    histories = engine_histories([a.pk for a in agents], monday=week_starts_on, time_zone=time_zone)
    successions = tuple(FORBIDDEN_SUCCESSIONS)
    succession_firsts = {first for first, _ in successions}
    engine_agents: list[EngineAgent] = []
    agent_ids: list[int] = []
    contracts = {}
    used_templates: dict[str, ShiftTemplate] = {}
    for agent in agents:
        skills = _allowed_queues(agent, queues, lines_of)
        if not skills:
            notes.append(f"{agent.full_name} is skilled for none of the run's lines.")
            continue
        own = [t for t in agent.shift_templates.all() if t.is_active] or active_templates
        if not own:
            notes.append(f"{agent.full_name} has no shift template.")
            continue
        periods = booked.get(agent.pk, [])
        week_minutes = INTERVALS * INTERVAL_MINUTES
        booked_minutes = sum(
            max(0.0, min(end, week_minutes) - max(start, 0.0)) for start, end in periods
        )
        booked_days = len(
            {int(start // (24 * 60)) for start, _ in periods if 0 <= start < week_minutes}
        )
        terms = contract_terms(
            templates=[t.name for t in own],
            min_hours=float(agent.min_hours_per_week),
            max_hours=float(agent.max_hours_per_week),
            days_per_week=agent.days_per_week,
            booked_hours=booked_minutes / 60,
            booked_days=booked_days,
            max_consecutive_days=agent.max_consecutive_days,
            min_consecutive_days_off=agent.min_consecutive_days_off,
            max_weekends_per_4_weeks=agent.max_weekends_per_4_weeks,
        )
        contract = terms.contract()
        contracts[terms.name] = contract
        for template in own:
            used_templates[template.name] = template
        blocked = unavailable.get(agent.pk, frozenset()) | unavailable_intervals(
            [(start - REST_MINUTES, end + REST_MINUTES) for start, end in periods],
            interval_minutes=INTERVAL_MINUTES,
            intervals=INTERVALS,
        )
        engine_agents.append(
            EngineAgent(
                name=str(agent.pk),
                skills=skills,
                contract=terms.name,
                hourly_cost=float(agent.hourly_cost),
                unavailable_intervals=frozenset(blocked),
                history=usable_history(histories.get(agent.pk), contract, succession_firsts),
                preferences=tuple(
                    p
                    for p in engine_preferences(agent)
                    if p.template is None or p.template in {t.name for t in own}
                ),
            )
        )
        agent_ids.append(agent.pk)
    if not engine_agents:
        names = ", ".join(c.name for c in clients)
        raise DomainError(
            f"No agent of the roster may work for {names} this week.", field="clients"
        )
    templates = {
        name: engine_template(
            name,
            t.length_minutes,
            t.start_times,
            kind=t.kind,
            breaks=[
                (b.kind, b.minutes, b.earliest_minute, b.latest_minute) for b in t.breaks.all()
            ],
        )
        for name, t in used_templates.items()
    }
    problem = SchedulingProblem(
        queues=tuple(q.key for q in queues),
        requirement=requirement,
        agents=tuple(engine_agents),
        contracts=contracts,
        templates=templates,
        rules=Rules(
            forbidden_successions=_successions_that_apply(successions, templates, engine_agents)
        ),
        intervals_per_day=INTERVALS_PER_DAY,
    )
    return PlanningInput(
        clock=clock,
        problem=problem,
        queues=queues,
        agent_ids=agent_ids,
        template_minutes={name: t.length_minutes for name, t in used_templates.items()},
        notes=notes,
    )
