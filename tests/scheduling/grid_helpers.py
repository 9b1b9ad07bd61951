"""Plans for the grid and edit tests, written directly in a client's schema: a week (Monday
7 December 2026, UTC for easy times), agents allowed for the client, shifts, bookings of
another client, and a staffing requirement."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from django.db.backends.postgresql.psycopg_any import DateTimeTZRange

from scheduling.planning.models import Forecast, Plan, PlanShift, StaffingRequirement
from scheduling.roster.models import AgentServiceLine, AgentSkill, Booking, Skill
from tests.roster.factories import AgentFactory

MONDAY = date(2026, 12, 7)
ZONE = "UTC"


def at(day: int, hour: float) -> datetime:
    """Hour ``hour`` of day ``day`` of the week (0 = Monday 7 Dec 2026), UTC."""
    return datetime(2026, 12, 7, tzinfo=UTC) + timedelta(days=day, hours=hour)


def make_plan(**extra) -> Plan:
    return Plan.objects.create(week_starts_on=MONDAY, time_zone=ZONE, **extra)


def make_agent(client, *, skills=("billing",), line_id=None, languages=("en",), **extra):
    """An agent allowed for ``client`` (every line, or ``line_id``) with ``skills``, speaking
    ``languages``."""
    agent = AgentFactory(time_zone="UTC", languages=list(languages), **extra)
    for name in skills:
        skill, _ = Skill.objects.get_or_create(name=name)
        AgentSkill.objects.create(agent=agent, skill=skill, level=3)
    AgentServiceLine.objects.create(agent=agent, client=client, service_line_id=line_id)
    return agent


def shift(plan, agent, line, day: int, start: float, end: float, **extra) -> PlanShift:
    starts_at, ends_at = at(day, start), at(day, end)
    return PlanShift.objects.create(
        plan=plan,
        agent_id=agent.pk,
        service_line=line,
        starts_at=starts_at,
        ends_at=ends_at,
        activities=[
            {
                "start": starts_at.isoformat(),
                "end": ends_at.isoformat(),
                "kind": "work",
                "line": line.pk,
            }
        ],
        **extra,
    )


_shift_ids = iter(range(900_000, 10_000_000))


def book(agent, client, day: int, start: float, end: float) -> Booking:
    """A published booking of ``agent`` for ``client`` (another plan)."""
    return Booking.objects.create(
        agent=agent,
        client=client,
        during=DateTimeTZRange(at(day, start), at(day, end)),
        plan_id=999_999,
        shift_id=next(_shift_ids),
    )


def requirement(line, agents_by_hour: dict[tuple[int, int], int]) -> Forecast:
    """A ready 30-minute forecast of the week for ``line`` requiring ``agents`` in each half
    hour of ``(day, hour)``."""
    forecast = Forecast.objects.create(
        service_line=line,
        version=1,
        status="ready",
        weeks=1,
        starts_at=at(0, 0),
        ends_at=at(7, 0),
        interval_minutes=30,
        time_zone=ZONE,
        completed_at=datetime.now(UTC),
    )
    StaffingRequirement.objects.bulk_create(
        StaffingRequirement(
            forecast=forecast,
            starts_at=at(day, hour) + timedelta(minutes=half),
            volume=1,
            aht_seconds=240,
            workload_erlangs=1,
            required_agents=agents,
            scheduled_agents=agents,
        )
        for (day, hour), agents in agents_by_hour.items()
        for half in (0, 30)
    )
    return forecast
