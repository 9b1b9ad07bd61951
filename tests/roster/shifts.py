"""Booked shifts for tests: a published plan's shift row in the client's schema and its
booking in public, written directly (as publishing leaves them)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.backends.postgresql.psycopg_any import DateTimeTZRange
from django_tenants.utils import tenant_context

from scheduling.roster.models import Booking


def line_of(client, name: str = "Orders", **kwargs):
    """A service line in ``client``'s schema (no required skill unless given)."""
    from tests.catalog.factories import ServiceLineFactory

    kwargs.setdefault("required_skills", [])
    with tenant_context(client):
        return ServiceLineFactory(name=name, **kwargs)


def book(agent, client, line, starts_at: datetime, hours: float = 8, revision: int = 1) -> Booking:
    from scheduling.planning.models import Plan, PlanShift, PlanStatus

    ends_at = starts_at + timedelta(hours=hours)
    monday = (starts_at - timedelta(days=starts_at.weekday())).date()
    with tenant_context(client):
        plan, _ = Plan.objects.get_or_create(
            week_starts_on=monday,
            status=PlanStatus.PUBLISHED,
            defaults={"time_zone": "UTC", "revision": revision, "has_unpublished_changes": False},
        )
        shift = PlanShift.objects.create(
            plan=plan,
            agent_id=agent.pk,
            service_line_id=line.pk,
            starts_at=starts_at,
            ends_at=ends_at,
        )
    return Booking.objects.create(
        agent=agent,
        client=client,
        service_line_id=line.pk,
        during=DateTimeTZRange(starts_at, ends_at),
        plan_id=plan.pk,
        shift_id=shift.pk,
        revision=revision,
    )


def shift_agent_id(booking: Booking) -> int:
    from scheduling.planning.models import PlanShift

    with tenant_context(booking.client):
        return PlanShift.objects.get(pk=booking.shift_id).agent_id
