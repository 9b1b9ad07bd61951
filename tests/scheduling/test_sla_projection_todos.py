"""Storing the week's SLA projection (beat, every half hour) and the to-do on the scheduler's
and account manager's home when a line is projected to miss its target: one query for all
their clients."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from bpo.accounts.roles import Role
from scheduling.planning.models import SlaProjectionSnapshot
from scheduling.planning.selectors.sla import IsoWeek
from scheduling.planning.services.sla_projection import refresh_sla_projections
from scheduling.planning.tasks import refresh_sla_projections_task
from scheduling.planning.todos import sla_projection_todos, this_monday
from tests.catalog.factories import ServiceLineFactory
from tests.conftest import in_schema, make_user
from tests.factories import MembershipFactory
from tests.roster.factories import AgentFactory
from tests.scheduling.projection_helpers import NEW_YORK, local, make_forecast, publish
from tests.scheduling.sla_helpers import interval, store

pytestmark = pytest.mark.django_db


def _snapshot(client, line, status="at_risk", headline="At risk: projected 74.2 % against 80 %"):
    in_schema(client)
    SlaProjectionSnapshot.objects.create(
        service_line=line,
        week_starts_on=this_monday(client),
        status=status,
        headline=headline,
        numerator=742,
        denominator=1000,
        computed_at=timezone.now(),
    )
    connection.set_schema_to_public()


@pytest.fixture
def orders(client_a):
    in_schema(client_a)
    line = ServiceLineFactory(name="Orders")
    connection.set_schema_to_public()
    return line


def test_the_scheduler_home_names_a_line_projected_to_miss(client, client_a, scheduler_a, orders):
    _snapshot(client_a, orders)
    client.force_login(scheduler_a)

    html = client.get(reverse("portal:home")).content.decode()

    todos = html[html.index('id="todos"') :]
    assert "Orders is projected to miss its service level this week" in todos
    assert "At risk: projected 74.2 % against 80 %" in todos
    assert f"#sla-projection-{orders.pk}" in todos


def test_the_account_manager_sees_it_too(client, client_a, account_manager, orders):
    _snapshot(client_a, orders)
    client.force_login(account_manager)

    html = client.get(reverse("portal:home")).content.decode()

    assert "Orders is projected to miss its service level this week" in html
    assert "(as of" not in html


def test_a_line_on_track_or_another_role_has_no_todo(client_a, scheduler_a, orders):
    _snapshot(client_a, orders, status="on_track", headline="On track")
    assert sla_projection_todos(scheduler_a, [client_a]) == []
    # and a client viewer sees the SLA page but gets no to-do
    viewer = make_user(Role.CLIENT_VIEWER, client_a, email="v2@client.test")
    in_schema(client_a)
    SlaProjectionSnapshot.objects.update(status="at_risk")
    connection.set_schema_to_public()
    assert sla_projection_todos(viewer, [client_a]) == []


def test_last_weeks_row_is_no_todo(client_a, scheduler_a, orders):
    in_schema(client_a)
    SlaProjectionSnapshot.objects.create(
        service_line=orders,
        week_starts_on=IsoWeek(2026, 5).monday,
        status="at_risk",
        headline="At risk",
        computed_at=timezone.now(),
    )
    connection.set_schema_to_public()
    assert sla_projection_todos(scheduler_a, [client_a]) == []


def test_one_query_for_all_clients(client_a, client_b, scheduler_a, orders):
    MembershipFactory(user=scheduler_a, role=Role.SCHEDULER, client=client_b)
    in_schema(client_b)
    other = ServiceLineFactory(name="Claims")
    connection.set_schema_to_public()
    _snapshot(client_a, orders)
    _snapshot(client_b, other)

    with CaptureQueriesContext(connection) as queries:
        items = sla_projection_todos(scheduler_a, [client_a, client_b])

    assert sorted(item.title.split(" is ")[0] for item in items) == ["Claims", "Orders"]
    assert sum(1 for query in queries.captured_queries if "sla" in query["sql"].lower()) == 1


def test_refreshing_stores_one_row_per_line_and_replaces_it(client_a, scheduler_a, orders):
    # given a week with statistics, a forecast and a published plan, projected in its middle
    week = IsoWeek(2026, 50)
    in_schema(client_a)
    store(
        interval(orders, local(0, 10, week), minutes=30, answered=10, answered_within_threshold=7)
    )
    make_forecast(orders, {local(3, 9, week): 10}, week=week)
    publish(scheduler_a, [(AgentFactory(), orders, local(3, 9, week), local(3, 10, week), None)])
    now = local(2, 12, week)

    # when refreshed twice
    refresh_sla_projections(client=client_a, now=now)
    refresh_sla_projections(client=client_a, now=now)

    # then one row: (7 + 0) / (10 + 10): 1 at work, 0.7 -> no agent
    (row,) = SlaProjectionSnapshot.objects.all()
    assert (row.week_starts_on, row.status, row.numerator, row.denominator) == (
        week.monday,
        "at_risk",
        7,
        20,
    )
    assert row.headline == "At risk: projected 35.0 % against 80 %"


def test_the_beat_task_visits_every_client(client_a, client_b, orders):
    assert refresh_sla_projections_task.apply().get() >= 2
    in_schema(client_a)
    week = IsoWeek.containing(datetime.now(UTC), NEW_YORK)
    assert SlaProjectionSnapshot.objects.filter(
        service_line=orders, week_starts_on=week.monday
    ).exists()


def test_a_backlog_line_is_named_by_its_first_response_level(client_a, scheduler_a):
    in_schema(client_a)
    returns = ServiceLineFactory(name="Returns", channel="email")
    connection.set_schema_to_public()
    _snapshot(client_a, returns, headline="At risk: projected 49.0 % against 90 %")

    (item,) = sla_projection_todos(scheduler_a, [client_a])

    assert item.title == "Returns is projected to miss its first-response level this week"
    assert item.detail == "At risk: projected 49.0 % against 90 %."
