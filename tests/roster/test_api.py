"""The roster's API: rights per role, isolation (an agent sees their own; client users see
nothing, 404), and the stored rows behind the answers."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from scheduling.roster.models import Agent, TimeOffRequest
from tests.conftest import make_user, token_client
from tests.roster.factories import AgentFactory, SkillFactory, TeamFactory, allowance

pytestmark = pytest.mark.django_db
AGENTS = "/api/v1/roster/agents/"
TIME_OFF = "/api/v1/roster/time-off-requests/"


@pytest.fixture
def scheduler(client_a):
    return make_user("scheduler", client_a, email="wfm@provider.test")


@pytest.fixture
def agent_user(client_a):
    return make_user("agent", client_a, email="ana@provider.test")


def test_client_users_get_404_for_every_roster_route(client_a_admin, client_a_viewer):
    agent = AgentFactory()
    request = TimeOffRequest.objects.create(
        agent=agent, starts_on=date(2031, 1, 5), ends_on=date(2031, 1, 5), kind="sick", days=1
    )
    for user in (client_a_admin, client_a_viewer):
        api = token_client(user)
        for method, url in [
            ("get", AGENTS),
            ("get", f"{AGENTS}{agent.pk}/"),
            ("post", AGENTS),
            ("get", TIME_OFF),
            ("get", f"{TIME_OFF}{request.pk}/"),
            ("post", TIME_OFF),
            ("post", f"{TIME_OFF}{request.pk}/approve/"),
        ]:
            assert getattr(api, method)(url, {}, format="json").status_code == 404, (user, url)


def test_anonymous_gets_401(api_client):
    assert api_client.get(AGENTS).status_code == 401


def test_scheduler_lists_agents_with_few_queries(scheduler):
    # given twenty agents with skills and templates
    skill = SkillFactory(name="Billing")
    for _ in range(20):
        agent = AgentFactory()
        agent.skill_levels.create(skill=skill, level=3)
    api = token_client(scheduler)
    # when
    with CaptureQueriesContext(connection) as queries:
        response = api.get(AGENTS)
    # then one page, and the query count does not grow with the agents
    assert response.status_code == 200 and response.json()["count"] == 20
    assert response.json()["results"][0]["skills"] == [{"skill": "Billing", "level": 3}]
    # (eight queries, each after its `SET search_path`: the agents' wishes are one)
    assert len(queries) <= 16


def test_an_agent_sees_only_their_own_row_and_cannot_create(agent_user):
    own, other = AgentFactory(user=agent_user), AgentFactory()
    api = token_client(agent_user)
    assert [row["id"] for row in api.get(AGENTS).json()["results"]] == [own.pk]
    assert api.get(f"{AGENTS}{other.pk}/").status_code == 404
    assert api.post(AGENTS, {}, format="json").status_code == 403


def test_scheduler_creates_an_agent_and_bad_fields_come_back_together(scheduler):
    TeamFactory(name="Blue")
    api = token_client(scheduler)
    bad = api.post(
        AGENTS,
        {
            "employee_number": "E-1",
            "full_name": "Ana Costa",
            "team": "Green",
            "time_zone": "Mars/Olympus",
            "cost_currency": "XYZ",
        },
        format="json",
    )
    assert bad.status_code == 400
    assert set(bad.json()["error"]["fields"]) == {"team", "time_zone", "cost_currency"}
    assert not Agent.objects.filter(employee_number="E-1").exists()
    good = api.post(
        AGENTS,
        {
            "employee_number": "E-1",
            "full_name": "Ana Costa",
            "team": "Blue",
            "time_zone": "Europe/Lisbon",
            "cost_currency": "eur",
            "hourly_cost": "17.25",
            "languages": ["pt", "en"],
            "availability": {"sat": "off", "mon": "08:00-18:00"},
        },
        format="json",
    )
    assert good.status_code == 201, good.json()
    stored = Agent.objects.get(employee_number="E-1")
    assert (stored.team.name, stored.cost_currency, str(stored.hourly_cost)) == (
        "Blue",
        "EUR",
        "17.25",
    )
    assert stored.availability == {"mon": "08:00-18:00", "sat": "off"}
    patched = api.patch(f"{AGENTS}{stored.pk}/", {"full_name": "Ana M. Costa"}, format="json")
    assert patched.status_code == 200
    stored.refresh_from_db()
    assert (stored.full_name, stored.team.name) == ("Ana M. Costa", "Blue")


def test_agent_requests_own_time_off_and_scheduler_decides(agent_user, scheduler):
    # given an agent linked to a login, with an allowance
    own, other = AgentFactory(user=agent_user), AgentFactory()
    allowance(own, 2031, 20)
    api = token_client(agent_user)
    # when the agent asks without naming an agent, and tries to ask for somebody else
    created = api.post(
        TIME_OFF,
        {"starts_on": "2031-05-05", "ends_on": "2031-05-07", "kind": "vacation"},
        format="json",
    )
    foreign = api.post(
        TIME_OFF,
        {"agent": other.pk, "starts_on": "2031-05-05", "ends_on": "2031-05-07", "kind": "sick"},
        format="json",
    )
    # then the first is stored as theirs, the second is not found (another agent's row)
    assert created.status_code == 201
    assert TimeOffRequest.objects.get(pk=created.json()["id"]).agent == own
    assert foreign.status_code == 404
    # and the agent may not approve, while the scheduler may
    request_id = created.json()["id"]
    assert api.post(f"{TIME_OFF}{request_id}/approve/").status_code == 403
    boss = token_client(scheduler)
    assert boss.post(f"{TIME_OFF}{request_id}/refuse/", {"reason": ""}).status_code == 400
    approved = boss.post(f"{TIME_OFF}{request_id}/approve/")
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    assert TimeOffRequest.objects.get(pk=request_id).decided_by == scheduler


def test_agents_list_only_their_own_requests(agent_user, scheduler):
    own, other = AgentFactory(user=agent_user), AgentFactory()
    mine = TimeOffRequest.objects.create(
        agent=own, starts_on=date(2031, 1, 5), ends_on=date(2031, 1, 5), kind="sick", days=1
    )
    theirs = TimeOffRequest.objects.create(
        agent=other, starts_on=date(2031, 1, 5), ends_on=date(2031, 1, 5), kind="sick", days=1
    )
    api = token_client(agent_user)
    assert [row["id"] for row in api.get(TIME_OFF).json()["results"]] == [mine.pk]
    assert api.get(f"{TIME_OFF}{theirs.pk}/").status_code == 404
    assert api.post(f"{TIME_OFF}{theirs.pk}/cancel/").status_code == 404
    assert len(token_client(scheduler).get(TIME_OFF).json()["results"]) == 2


def test_over_allowance_is_409_with_the_balance(scheduler):
    agent = AgentFactory()
    allowance(agent, 2031, 2)
    api = token_client(scheduler)
    created = api.post(
        TIME_OFF,
        {"agent": agent.pk, "starts_on": "2031-05-05", "ends_on": "2031-05-07", "kind": "vacation"},
        format="json",
    )
    refused = api.post(f"{TIME_OFF}{created.json()['id']}/approve/")
    assert refused.status_code == 409
    assert "only 2 days remain" in refused.json()["error"]["message"]
