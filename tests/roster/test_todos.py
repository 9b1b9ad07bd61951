"""The roster's to-dos: waiting requests for schedulers, a refused request for its agent."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from scheduling.roster import services
from scheduling.roster.todos import roster_todos
from tests.conftest import make_user
from tests.roster.factories import AgentFactory

pytestmark = pytest.mark.django_db


def ask(agent, day, actor):
    return services.request_time_off(
        agent=agent, starts_on=day, ends_on=day, kind="sick", actor=actor
    )


def test_schedulers_see_how_many_requests_wait_in_one_query(client_a, client_a_admin):
    scheduler = make_user("scheduler", client_a, email="wfm@provider.test")
    for n in range(3):
        ask(AgentFactory(), date(2031, 1, 5 + n), scheduler)
    with CaptureQueriesContext(connection) as queries:
        todos = roster_todos(scheduler, [client_a])
    assert [(t.kind, t.title, t.url) for t in todos] == [
        ("time_off_waiting", "3 time-off requests wait for a decision", "/roster/time-off/")
    ]
    assert len([q for q in queries.captured_queries if q["sql"].startswith("SELECT")]) == 1
    assert roster_todos(client_a_admin, [client_a]) == []


def test_an_agent_is_told_of_a_refusal_with_its_reason(client_a):
    scheduler = make_user("scheduler", client_a, email="wfm@provider.test")
    agent_user = make_user("agent", client_a, email="ana@provider.test")
    agent = AgentFactory(user=agent_user)
    refused = ask(agent, date(2031, 2, 3), agent_user)
    services.refuse_time_off(request=refused, reason="Peak week", actor=scheduler)
    ask(AgentFactory(), date(2031, 2, 3), scheduler)  # someone else's: not the agent's to-do
    todos = roster_todos(agent_user, [client_a])
    assert [(t.kind, t.detail) for t in todos] == [("time_off_refused", "Reason: Peak week")]
    assert "was refused" in todos[0].title


def test_finance_is_told_last_month_is_not_locked(client_a, django_assert_num_queries):
    from datetime import timedelta

    from django.utils import timezone

    from bpo.portal.todos import todos_for
    from scheduling.roster import worked
    from scheduling.roster.todos import period_lock_todos

    finance = make_user("finance", client_a, email="fin@provider.test")
    today = timezone.localdate()
    last = today.replace(day=1) - timedelta(days=1)
    first = last.replace(day=1)
    with django_assert_num_queries(4):  # the roles and the locks, each after SET search_path
        (todo,) = period_lock_todos(finance, [])
    assert todo.title == f"Lock the worked time of {first:%B %Y}"
    assert f"{last.day} of its {last.day} days are not locked yet" in todo.detail
    worked.lock_period(starts_on=first, ends_on=last - timedelta(days=1), actor=finance)
    (todo,) = period_lock_todos(finance, [])
    assert todo.detail.startswith("1 of its")
    worked.lock_period(starts_on=last, ends_on=last, actor=finance)
    assert period_lock_todos(finance, []) == []
    scheduler = make_user("scheduler", client_a, email="wfm2@provider.test")
    assert not [t for t in todos_for(user=scheduler, clients=[]) if t.kind == "period_not_locked"]
