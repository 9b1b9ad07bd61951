"""Plans and shifts written directly, for the tests of publishing and what reads bookings."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from scheduling.planning.models import Plan, PlanShift

MONDAY = date(2026, 12, 7)


def at(day: int, hour: float) -> datetime:
    """``hour`` o'clock UTC on day ``day`` of the week of ``MONDAY`` (0 is Monday)."""
    return datetime(2026, 12, 7, tzinfo=UTC) + timedelta(days=day, hours=hour)


def make_plan(*, week: date = MONDAY, time_zone: str = "UTC") -> Plan:
    return Plan.objects.create(week_starts_on=week, time_zone=time_zone)


def add_shift(plan: Plan, agent, line, day: int, start: float, hours: float = 8) -> PlanShift:
    return PlanShift.objects.create(
        plan=plan,
        agent_id=agent.pk,
        service_line=line,
        starts_at=at(day, start),
        ends_at=at(day, start + hours),
        template_name="Day",
    )
