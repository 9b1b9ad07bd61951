"""The booking ledger's database rules: the exclusion constraint refuses an agent booked twice
at overlapping times, for one client or two; touching ranges are allowed."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.db import IntegrityError, transaction
from django.db.backends.postgresql.psycopg_any import DateTimeTZRange

from scheduling.roster.models import Booking
from tests.roster.factories import AgentFactory

pytestmark = pytest.mark.django_db


def at(hour: int, day: int = 7) -> datetime:
    return datetime(2026, 12, day, hour, tzinfo=UTC)


def book(agent, client, start, end, shift_id):
    return Booking.objects.create(
        agent=agent, client=client, during=DateTimeTZRange(start, end), plan_id=1, shift_id=shift_id
    )


def test_an_agent_cannot_be_booked_twice_at_once_across_clients(client_a, client_b):
    agent = AgentFactory()
    book(agent, client_a, at(8), at(16), shift_id=1)
    with pytest.raises(IntegrityError, match="roster_booking_no_overlap"), transaction.atomic():
        book(agent, client_b, at(15), at(20), shift_id=2)
    with pytest.raises(IntegrityError, match="roster_booking_no_overlap"), transaction.atomic():
        book(agent, client_a, at(9), at(10), shift_id=3)


def test_touching_bookings_and_other_agents_are_allowed(client_a, client_b):
    agent, other = AgentFactory(), AgentFactory()
    book(agent, client_a, at(8), at(16), shift_id=1)
    book(agent, client_b, at(16), at(20), shift_id=2)
    book(other, client_b, at(8), at(16), shift_id=3)
    assert Booking.objects.filter(agent=agent).count() == 2


def test_an_empty_range_is_refused(client_a):
    with pytest.raises(IntegrityError, match="roster_booking_not_empty"), transaction.atomic():
        book(AgentFactory(), client_a, at(8), at(8), shift_id=1)
