"""The demo's swap offer for the demo agent, and the scheduler's "swaps to approve" to-do."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from scheduling.roster import swaps
from scheduling.roster.demo import demo_swap_offer
from scheduling.roster.models import AgentServiceLine, SwapStatus
from scheduling.roster.todos import swap_todos
from tests.conftest import make_user
from tests.roster.factories import AgentFactory
from tests.roster.shifts import book, line_of

pytestmark = pytest.mark.django_db
MONDAY = datetime(2031, 3, 3, tzinfo=UTC)


def test_the_demo_offers_the_demo_agent_a_colleagues_shift_it_could_take(client_a):
    # given the demo agent, booked Tuesday evening; two colleagues booked Wednesday
    line = line_of(client_a, "Orders")
    demo = AgentFactory(full_name="Diego Demo", time_zone="UTC")
    AgentServiceLine.objects.create(agent=demo, client=client_a)
    early, late = AgentFactory(time_zone="UTC"), AgentFactory(time_zone="UTC")
    book(demo, client_a, line, MONDAY + timedelta(days=1, hours=14))  # Tue 14-22
    book(early, client_a, line, MONDAY + timedelta(days=2, hours=6))  # Wed 06: 8 h rest
    fitting = book(late, client_a, line, MONDAY + timedelta(days=2, hours=10))  # Wed 10
    # when
    swap = demo_swap_offer(agent=demo, now=MONDAY)
    # then: the offer that breaks no rule for the demo agent, once
    assert swap is not None and swap.booking_id == fitting.pk
    assert swap.status == SwapStatus.OFFERED and swap.offered_by == late
    assert demo_swap_offer(agent=demo, now=MONDAY) is None
    # and the demo agent can take it
    assert swaps.take_shift(swap=swap, taker=demo, actor=None).status == SwapStatus.APPROVED


def test_schedulers_see_the_swaps_waiting_in_one_query(client_a, settings):
    settings.SWAP_AUTO_APPROVE = False
    line = line_of(client_a, "Orders")
    giver, taker = AgentFactory(time_zone="UTC"), AgentFactory(time_zone="UTC")
    AgentServiceLine.objects.create(agent=taker, client=client_a)
    for day in (1, 3):
        booking = book(giver, client_a, line, MONDAY + timedelta(days=day, hours=8))
        swap = swaps.offer_shift(booking=booking, actor=None)
        swaps.take_shift(swap=swap, taker=taker, actor=None)
    scheduler = make_user("scheduler", client_a, email="wfm-todo@provider.test")
    agent_user = make_user("agent", client_a, email="agent-todo@provider.test")
    swap_todos(scheduler, [client_a])  # roles read once per request
    with CaptureQueriesContext(connection) as queries:
        todos = swap_todos(scheduler, [client_a])
    assert [(t.kind, t.title, t.url) for t in todos] == [
        ("swaps_to_approve", "2 shift swaps wait for approval", "/roster/swaps/")
    ]
    assert len([q for q in queries.captured_queries if q["sql"].startswith("SELECT")]) == 1
    assert swap_todos(agent_user, [client_a]) == []
