"""Two publications at the same moment, on two real database connections: the ledger's
exclusion constraint (not an application check) lets exactly one booking of an agent and time
win; the other publication fails whole with a conflict naming the agent and the time.

These commit (two connections cannot see each other's rolled-back data), so they are ``live``
tests: they run last, serially, and pytest-django empties the tables afterwards."""

from __future__ import annotations

import threading
import time

import psycopg
import pytest
from django.db import connection, connections
from django.db.backends.postgresql.psycopg_any import DateTimeTZRange

from bpo.accounts.roles import Role
from scheduling.planning.models import Plan, PlanStatus
from scheduling.planning.services.publishing import PublishConflict, publish_plan
from scheduling.roster.models import Booking
from tests.browser.conftest import drop_schemas, live_client_factory  # noqa: F401 - fixtures
from tests.catalog.factories import ServiceLineFactory
from tests.conftest import make_user
from tests.roster.factories import AgentFactory
from tests.scheduling.plan_helpers import add_shift, at, make_plan

pytestmark = pytest.mark.live


def draft_with(client, shifts) -> int:
    """A committed draft of ``client`` with ``(agent, day, start hour)`` shifts; its id."""
    connection.set_tenant(client)
    line = ServiceLineFactory(name=f"Line of {client.slug}")
    plan = make_plan()
    for agent, day, start in shifts:
        add_shift(plan, agent, line, day, start)
    connection.set_schema_to_public()
    return plan.pk


def publish_in_thread(client, plan_id, user, outcome: dict, barrier=None) -> threading.Thread:
    def run() -> None:
        try:
            connection.set_tenant(client)
            plan = Plan.objects.get(pk=plan_id)
            if barrier is not None:
                barrier.wait(timeout=10)
            outcome["revision"] = publish_plan(plan=plan, user=user).number
        except PublishConflict as conflict:
            outcome["conflict"] = conflict
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def state(client, plan_id) -> tuple[str, int, int]:
    connection.set_tenant(client)
    plan = Plan.objects.get(pk=plan_id)
    connection.set_schema_to_public()
    return plan.status, plan.revision, Booking.objects.filter(client=client).count()


def test_an_uncommitted_booking_of_another_connection_holds_the_publication_back(
    live_client_factory,  # noqa: F811
):
    acme = live_client_factory("conc-acme", name="Concurrent Acme")
    globex = live_client_factory("conc-globex", name="Concurrent Globex")
    scheduler = make_user(Role.PROVIDER_ADMIN, email="sched@conc.test")
    ana, ben = AgentFactory(full_name="Ana Silva"), AgentFactory(full_name="Ben Ode")
    plan_id = draft_with(acme, [(ben, 0, 8), (ana, 1, 8)])

    # a second connection books Ana for Globex on Tuesday 14:00-18:00 and has not committed
    settings = connection.settings_dict
    other = psycopg.connect(
        host=settings["HOST"],
        port=settings["PORT"] or 5432,
        user=settings["USER"],
        dbname=settings["NAME"],
        password=settings["PASSWORD"] or None,
    )
    other.execute(
        "INSERT INTO public.roster_booking (agent_id, client_id, during, plan_id, shift_id,"
        " revision, created_at) VALUES (%s, %s, tstzrange(%s, %s), 1, 1, 1, now())",
        (ana.pk, globex.pk, at(1, 14), at(1, 18)),
    )
    outcome: dict = {}
    thread = publish_in_thread(acme, plan_id, scheduler, outcome)
    time.sleep(1.5)
    # no application check could see the other row: the insert waits on the constraint
    assert thread.is_alive(), outcome
    other.commit()
    other.close()
    thread.join(timeout=20)

    assert "revision" not in outcome
    assert "Ana Silva is already booked for Concurrent Globex" in str(outcome["conflict"])
    assert state(acme, plan_id) == (PlanStatus.DRAFT, 0, 0)


def test_two_schedulers_publishing_at_once_exactly_one_booking_wins(
    live_client_factory,  # noqa: F811
):
    acme = live_client_factory("race-acme", name="Race Acme")
    globex = live_client_factory("race-globex", name="Race Globex")
    first = make_user(Role.PROVIDER_ADMIN, email="first@race.test")
    second = make_user(Role.PROVIDER_ADMIN, email="second@race.test")
    shared = AgentFactory(full_name="Shared Agent")
    own_a, own_b = AgentFactory(), AgentFactory()
    plans = {
        acme: draft_with(acme, [(own_a, 0, 8), (shared, 2, 8)]),
        globex: draft_with(globex, [(own_b, 0, 8), (shared, 2, 12)]),
    }

    barrier = threading.Barrier(2)
    outcomes: dict = {acme: {}, globex: {}}
    threads = [
        publish_in_thread(client, plan_id, user, outcomes[client], barrier)
        for (client, plan_id), user in zip(plans.items(), (first, second), strict=True)
    ]
    for thread in threads:
        thread.join(timeout=30)

    winners = [c for c in outcomes if "revision" in outcomes[c]]
    losers = [c for c in outcomes if "conflict" in outcomes[c]]
    assert len(winners) == 1 and len(losers) == 1, outcomes
    [winner], [loser] = winners, losers
    assert f"Shared Agent is already booked for {winner.name}" in str(outcomes[loser]["conflict"])
    assert state(winner, plans[winner]) == (PlanStatus.PUBLISHED, 1, 2)
    # nothing of the loser's plan is half-published
    assert state(loser, plans[loser]) == (PlanStatus.DRAFT, 0, 0)
    shared_bookings = Booking.objects.filter(agent=shared)
    assert [b.client_id for b in shared_bookings] == [winner.pk]
    assert shared_bookings[0].during == DateTimeTZRange(
        at(2, 8 if winner == acme else 12), at(2, 16 if winner == acme else 20)
    )
