"""Every roster route, pages and API, walked from the URL configuration: client users (and
staff without a roster right: QA analysts) get 404 whatever the method, so the roster's
existence does not show; an agent gets 404 for another agent's rows. A route added later is
picked up here without a change."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.test import Client as BrowserClient
from django.urls import URLPattern, URLResolver, get_resolver

from scheduling.roster.models import TimeOffRequest
from tests.conftest import make_user, token_client
from tests.roster.factories import AgentFactory, ShiftTemplateFactory

pytestmark = pytest.mark.django_db
# Routes that take a step (POST); the ones an agent's role never takes are 403 whatever the id.
STEPS = ("/approve/", "/refuse/", "/cancel/", "/take/", "/withdraw/", "/unlock/")
STEPS_AN_AGENT_NEVER_TAKES = ("/approve/", "/refuse/", "/unlock/")
PARAMETER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")


def _walk(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern)


def roster_routes() -> list[str]:
    routes = {
        route.replace("^", "").replace("$", "") for route in _walk(get_resolver().url_patterns)
    }
    return sorted(route for route in routes if route.startswith(("roster/", "api/v1/roster/")))


ROUTES = roster_routes()


def test_the_walk_finds_the_pages_and_the_api():
    assert "roster/" in ROUTES and "roster/time-off/<int:request_id>/<slug:step>/" in ROUTES
    assert any(route.startswith("api/v1/roster/time-off-requests/") for route in ROUTES)


def _path(route: str, values: dict[str, str]) -> str:
    def fill(match):
        name = match.group("name")
        if name == "format":
            return "json"
        return values.get(name, values["pk"])

    path = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: values.get(m.group(1), values["pk"]), route)
    return "/" + PARAMETER.sub(fill, path)


@pytest.fixture
def objects(db):
    agent = AgentFactory()
    template = ShiftTemplateFactory()
    request = TimeOffRequest.objects.create(
        agent=agent, starts_on=date(2031, 1, 5), ends_on=date(2031, 1, 5), kind="sick", days=1
    )
    return {
        "agent_id": str(agent.pk),
        "template_id": str(template.pk),
        "request_id": str(request.pk),
        "step": "approve",
        "pk": str(request.pk),
    }


@pytest.mark.parametrize("route", ROUTES)
def test_client_users_and_qa_get_404_on_every_roster_route(route, objects, client_a):
    values = dict(objects)
    if "agents" in route and "time-off" not in route:
        values["pk"] = objects["agent_id"]
    path = _path(route, values)
    for role in ("client_admin", "client_viewer", "qa_analyst"):
        user = make_user(role, client_a)
        if path.startswith("/api/"):
            caller = token_client(user)
            answers = [caller.get(path).status_code, caller.post(path, {}).status_code]
        else:
            caller = BrowserClient()
            caller.force_login(user)
            answers = [caller.get(path).status_code, caller.post(path, {}).status_code]
        assert answers == [404, 404], (role, path, answers)


@pytest.mark.parametrize("route", [r for r in ROUTES if "<" in r])
def test_an_agent_gets_404_for_another_agents_rows(route, objects, client_a):
    agent_user = make_user("agent", client_a)
    AgentFactory(user=agent_user)
    values = {**objects, "step": "cancel"}  # the one step an agent may take (own only)
    if "agents" in route and "time-off" not in route:
        values["pk"] = objects["agent_id"]

    def answer(values) -> int:
        path = _path(route, values)
        is_step = path.endswith(STEPS)
        if path.startswith("/api/"):
            api = token_client(agent_user)
            return (api.post(path, {}) if is_step else api.get(path)).status_code
        caller = BrowserClient()
        caller.force_login(agent_user)
        return (caller.post(path, {}) if is_step else caller.get(path)).status_code

    existing = answer(values)
    missing = answer({name: "cancel" if name == "step" else "987654" for name in values})
    # 404 for another agent's row; a step the role never allows is 403 whatever the id (the
    # right is checked before the row is read, so nothing shows either way).
    assert existing == missing, (route, existing, missing)
    assert existing == (403 if route.endswith(STEPS_AN_AGENT_NEVER_TAKES) else 404), route


def test_a_reader_who_is_not_a_scheduler_sees_only_their_own_clients_on_an_agent(
    client_a, client_b
):
    """An account manager of A reads the whole roster, but an agent's "may serve" names only
    A; a client filter naming B finds nobody. A scheduler (who edits the lines) sees both."""
    from scheduling.roster import selectors
    from scheduling.roster.models import AgentServiceLine

    # given an agent who serves A and B
    agent = AgentFactory()
    for client in (client_a, client_b):
        AgentServiceLine.objects.create(agent=agent, client=client)
    account_manager = make_user("account_manager", client_a)
    scheduler = make_user("scheduler")
    # when
    seen_by_manager = selectors.access_agent(user=account_manager, agent_id=agent.pk)
    seen_by_scheduler = selectors.access_agent(user=scheduler, agent_id=agent.pk)
    api = token_client(account_manager).get(f"/api/v1/roster/agents/{agent.pk}/").json()
    # then
    assert [line.client for line in seen_by_manager.service_lines.all()] == [client_a]
    assert {line.client for line in seen_by_scheduler.service_lines.all()} == {client_a, client_b}
    assert [line["client"] for line in api["service_lines"]] == [client_a.slug]
    assert not selectors.list_agents(user=account_manager, client_id=client_b.pk).exists()
    assert selectors.list_agents(user=account_manager, client_id=client_a.pk).get() == agent
