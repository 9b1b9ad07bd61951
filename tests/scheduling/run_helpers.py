"""Staffing requirements and agents written directly, for the tests of planning runs."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db.models import Max

from scheduling.planning.models import Forecast, StaffingRequirement
from scheduling.roster.models import AgentServiceLine, AgentSkill, Skill
from tests.roster.factories import AgentFactory, ShiftTemplateFactory

MONDAY = date(2026, 12, 7)


def line_in(client, name: str, **kwargs):
    from django_tenants.utils import tenant_context

    from tests.catalog.factories import ServiceLineFactory

    with tenant_context(client):
        return ServiceLineFactory(name=name, **kwargs)


def requirement_in(client, line, **kwargs):
    from django_tenants.utils import tenant_context

    with tenant_context(client):
        return write_requirement(line, **kwargs)


def make_two_clients(client_a, client_b) -> dict:
    """One line each, a requirement of one agent 08:00-20:00 every day (New York, both)."""
    lines = {}
    for client, name in ((client_a, "Orders"), (client_b, "Returns")):
        line = line_in(client, name)
        requirement_in(client, line, monday=MONDAY, time_zone="America/New_York")
        lines[client.pk] = line
    return lines


def daytime(local: datetime) -> int:
    """One agent from 08:00 to 20:00 local, every day."""
    return 1 if 8 <= local.hour < 20 else 0


def write_requirement(
    line,
    *,
    monday: date,
    time_zone: str,
    agents: Callable[[datetime], int] = daytime,
    interval_minutes: int = 30,
) -> Forecast:
    """A ready forecast version of ``line`` for the local week from ``monday`` with a
    requirement of ``agents(local start)`` per interval (UTC rows, so a DST day has 23 or 25
    hours of them). Call inside the line's client schema."""
    zone = ZoneInfo(time_zone)
    starts_at = datetime.combine(monday, time(0), tzinfo=zone).astimezone(UTC)
    ends_at = datetime.combine(monday + timedelta(days=7), time(0), tzinfo=zone).astimezone(UTC)
    version = (Forecast.objects.filter(service_line=line).aggregate(v=Max("version"))["v"] or 0) + 1
    forecast = Forecast.objects.create(
        service_line=line,
        version=version,
        status="ready",
        weeks=1,
        starts_at=starts_at,
        ends_at=ends_at,
        interval_minutes=interval_minutes,
        time_zone=time_zone,
        completed_at=datetime.now(UTC),
    )
    rows = []
    moment = starts_at
    while moment < ends_at:
        needed = agents(moment.astimezone(zone))
        rows.append(
            StaffingRequirement(
                forecast=forecast,
                starts_at=moment,
                volume=needed * 10.0,
                aht_seconds=240,
                workload_erlangs=needed * 0.8,
                required_agents=needed,
                scheduled_agents=needed,
            )
        )
        moment += timedelta(minutes=interval_minutes)
    StaffingRequirement.objects.bulk_create(rows)
    return forecast


def day_template(name: str = "Day", starts=(8, 12), minutes: int = 480):
    return ShiftTemplateFactory(
        name=name, length_minutes=minutes, start_times=[time(h) for h in starts]
    )


def planning_agent(clients, *, templates, skills=("billing",), max_hours=40, days=5, **kwargs):
    """An agent allowed on every line of ``clients``, with the factory lines' skill and
    language (billing, en)."""
    agent = AgentFactory(
        max_hours_per_week=Decimal(max_hours),
        days_per_week=days,
        languages=["en"],
        hourly_cost=Decimal("10.00"),
        **kwargs,
    )
    for name in skills:
        skill, _ = Skill.objects.get_or_create(name=name)
        AgentSkill.objects.create(agent=agent, skill=skill, level=3)
    agent.shift_templates.set(templates)
    for client in clients:
        AgentServiceLine.objects.create(agent=agent, client=client)
    return agent
