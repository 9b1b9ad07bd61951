"""Agents a week leaves out: neither a booking nor approved time off. A scheduler's to-do
counts them (one query) and the roster filters them."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import connection
from django.db.backends.postgresql.psycopg_any import DateTimeTZRange
from django.test.utils import CaptureQueriesContext

from scheduling.roster.models import Booking, TimeOffRequest, TimeOffStatus
from scheduling.roster.selectors import agents_without_week, this_monday
from scheduling.roster.todos import unplanned_agents_todos
from tests.conftest import make_user
from tests.roster.factories import AgentFactory

pytestmark = pytest.mark.django_db
MONDAY = this_monday()


def setup_week(client):
    booked, away, idle = (AgentFactory(full_name=n) for n in ("Booked", "Away", "Idle"))
    AgentFactory(full_name="Gone", starts_on=date(2020, 1, 1), ends_on=MONDAY - timedelta(days=1))
    AgentFactory(full_name="Later", starts_on=MONDAY + timedelta(days=7))
    # Sunday evening: still this week
    start = datetime.combine(MONDAY + timedelta(days=6), datetime.min.time(), tzinfo=UTC)
    start += timedelta(hours=20)
    Booking.objects.create(
        agent=booked,
        client=client,
        during=DateTimeTZRange(start, start + timedelta(hours=8)),
        plan_id=1,
        shift_id=1,
    )
    TimeOffRequest.objects.create(
        agent=away,
        starts_on=MONDAY + timedelta(days=2),
        ends_on=MONDAY + timedelta(days=2),
        kind="sick",
        status=TimeOffStatus.APPROVED,
        days=1,
    )
    TimeOffRequest.objects.create(
        agent=idle,
        starts_on=MONDAY,
        ends_on=MONDAY,
        kind="vacation",
        status=TimeOffStatus.REFUSED,
        refusal_reason="Busy week",
        days=1,
    )
    return idle


def test_only_agents_with_neither_shift_nor_time_off_are_left(client_a):
    idle = setup_week(client_a)
    assert list(agents_without_week(monday=MONDAY)) == [idle]


def test_schedulers_get_a_to_do_in_one_query_and_the_roster_lists_them(client_a, client):
    setup_week(client_a)
    scheduler = make_user("scheduler", email="wfm@provider.test", password="pw")
    with CaptureQueriesContext(connection) as queries:
        [todo] = unplanned_agents_todos(scheduler, [client_a])
    assert todo.title == "1 agent has no shifts and no time off this week"
    agents_read = [q for q in queries.captured_queries if '"roster_agent"' in q["sql"]]
    assert len(agents_read) == 1
    assert unplanned_agents_todos(make_user("finance", email="f@provider.test"), []) == []

    client.force_login(scheduler)
    page = client.get(todo.url).content.decode()
    assert "Idle" in page and "Booked" not in page and "Away" not in page
