"""The plan pages: list, grid (constant queries for 20 or 200 agents), day, coverage heat map,
edits through the page (refusals in words, input kept), publishing and history, guarded by
the plan rights."""

from __future__ import annotations

import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bpo.accounts.roles import Role
from scheduling.planning.models import PlanShift
from tests.catalog.factories import ServiceLineFactory
from tests.conftest import make_user
from tests.scheduling.grid_helpers import book, make_agent, make_plan, requirement, shift

pytestmark = pytest.mark.django_db


@pytest.fixture
def week(client_a):
    connection.set_tenant(client_a)
    line = ServiceLineFactory(name="Billing support")
    plan = make_plan()
    ana = make_agent(client_a, full_name="Ana Silva")
    shift(plan, ana, line, 1, 14, 22)
    requirement(line, {(1, h): 2 for h in range(12, 20)})
    connection.set_schema_to_public()
    return plan, line, ana


def url(client_a, plan, rest=""):
    return f"/c/{client_a.slug}/plans/{plan.pk}/{rest}"


def test_the_grid_shows_each_shift_with_times_and_line(
    client, client_a, client_b, scheduler_a, week
):
    plan, _line, ana = week
    book(ana, client_b, 3, 9, 13)
    client.force_login(scheduler_a)
    page = client.get(url(client_a, plan)).content.decode()
    assert "Ana Silva" in page and "14:00\N{EN DASH}22:00" in page and "Billing support" in page
    # her booking for the other client shows, read-only, with its hours counted apart
    assert f'09:00\N{EN DASH}13:00</span> <span class="line">{client_b.name}' in page
    assert '8 <span class="muted">+ 4 elsewhere</span>' in page
    assert client.get(f"/c/{client_a.slug}/plans/").status_code == 200
    day = client.get(url(client_a, plan, "day/?day=2026-12-08")).content.decode()
    assert "Ana Silva" in day and "bar-work" in day
    assert client.get(url(client_a, plan, "day/?day=2027-01-01")).status_code == 400


def test_the_heat_map_shows_under_and_over_cover(client, client_a, scheduler_a, week):
    plan, _line, _ana = week
    client.force_login(scheduler_a)
    response = client.get(url(client_a, plan, "heat-map.svg"))
    assert response["Content-Type"].startswith("image/svg+xml")
    svg = response.content.decode()
    # 12:00-14:00 two short, 14:00-20:00 one short, 20:00-22:00 one over
    # (each colour once in the legend, then once per cell of its band)
    assert svg.count("fill: #e07b6a") - 1 == 4  # 12:00-14:00, two short
    assert svg.count("fill: #f4c7bd") - 1 == 12  # 14:00-20:00, one short
    assert svg.count("fill: #c6dbef") - 1 == 4  # 20:00-22:00, one over
    assert "3 or more short" in svg and "Up to 1 over" in svg
    assert client.get(url(client_a, plan, "heat-map.svg")).content.decode() == svg
    page = client.get(url(client_a, plan, "coverage/")).content.decode()
    assert "heat-map.svg" in page and "As required" in page


def _grid_agents(client_a, plan, line, count, other_client):
    connection.set_tenant(client_a)
    for index in range(count):
        agent = make_agent(client_a, skills=())
        for day in range(5):
            shift(plan, agent, line, day, 8 + index % 4, 16 + index % 4)
        book(agent, other_client, 5, 8, 12)  # and a Saturday for another client
    connection.set_schema_to_public()


def test_the_grid_costs_the_same_queries_for_20_or_200_agents(
    client, client_a, client_b, scheduler_a
):
    connection.set_tenant(client_a)
    line = ServiceLineFactory()
    plan = make_plan()
    connection.set_schema_to_public()
    client.force_login(scheduler_a)
    counts, seconds = [], 0.0
    for added in (20, 180):
        _grid_agents(client_a, plan, line, added, client_b)
        client.get(url(client_a, plan))
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get(url(client_a, plan))
            seconds = time.perf_counter() - started
        assert response.status_code == 200
        counts.append(len(queries))
    assert response.content.decode().count('class="plan-shift') == 200 * 5
    assert response.content.decode().count('class="plan-elsewhere"') == 200
    assert counts[0] == counts[1], counts
    print(f"grid of 200 agents: {seconds:.3f} s, {counts[1]} queries")
    assert seconds < 1.0, f"the grid of 200 agents took {seconds:.2f} s"


def test_a_refused_edit_shows_the_rule_and_keeps_the_input(client, client_a, scheduler_a, week):
    plan, line, ana = week
    client.force_login(scheduler_a)
    response = client.post(
        url(client_a, plan, "shifts/add/"),
        {
            "agent": ana.pk,
            "service_line": line.pk,
            "day": "2026-12-09",
            "starts": "06:00",
            "ends": "14:00",
        },
        HTTP_HX_REQUEST="true",
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Rest of Ana Silva between Tue 22:00 and Wed 06:00 is 8 h, at least 11 h." in page
    assert 'value="06:00"' in page and 'value="2026-12-09" selected' in page
    connection.set_tenant(client_a)
    assert PlanShift.objects.count() == 1


def test_an_accepted_edit_redirects_to_the_grid_and_marks_changes(
    client, client_a, scheduler_a, week
):
    plan, line, ana = week
    client.force_login(scheduler_a)
    moving = PlanShift.objects.using("default")
    connection.set_tenant(client_a)
    shift_id = moving.get(plan=plan).pk
    connection.set_schema_to_public()
    response = client.post(
        url(client_a, plan, f"shifts/{shift_id}/move/"),
        {
            "agent": ana.pk,
            "service_line": line.pk,
            "day": "2026-12-08",
            "starts": "12:00",
            "ends": "20:00",
        },
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200 and response["HX-Redirect"] == url(client_a, plan)
    page = client.get(url(client_a, plan)).content.decode()
    assert "12:00\N{EN DASH}20:00" in page and "Shift moved." in page


def test_publish_then_amend_with_a_reason_and_history(client, client_a, scheduler_a, week):
    plan, _line, _ana = week
    client.force_login(scheduler_a)
    page = client.get(url(client_a, plan, "publish/")).content.decode()
    assert "Ana Silva" in page and "New" in page
    response = client.post(url(client_a, plan, "publish/"), {})
    assert response.status_code == 302
    connection.set_tenant(client_a)
    shift_id = PlanShift.objects.get(plan=plan).pk
    connection.set_schema_to_public()
    client.post(
        url(client_a, plan, f"shifts/{shift_id}/remove/"),
    )
    page = client.get(url(client_a, plan, "publish/")).content.decode()
    assert "Amend" in page and "Cancelled" in page
    refused = client.post(url(client_a, plan, "publish/"), {"reason": ""})
    assert "Say why the published week changes" in refused.content.decode()
    assert client.post(url(client_a, plan, "publish/"), {"reason": "Sick call"}).status_code == 302
    history = client.get(url(client_a, plan, "history/")).content.decode()
    assert "Revision 2" in history and "Sick call" in history and "Revision 1" in history


def test_viewers_may_not_edit_or_publish(client, client_a, week):
    plan, _line, _ana = week
    finance = make_user(Role.FINANCE, client_a, email="finance-plans@provider.test")
    client.force_login(finance)
    assert client.get(url(client_a, plan)).status_code == 200
    assert client.get(url(client_a, plan, "shifts/add/")).status_code == 403
    assert client.post(url(client_a, plan, "publish/"), {}).status_code == 403
