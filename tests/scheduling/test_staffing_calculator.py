"""The staffing calculator as a client sees it: page (with htmx) and API."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.conftest import token_client

pytestmark = pytest.mark.django_db

C1 = {
    "calls": 100,
    "interval_minutes": 30,
    "aht_seconds": 180,
    "target_level_percent": 80,
    "target_seconds": 20,
    "max_occupancy_percent": 85,
    "shrinkage_percent": 30,
}


def _api_url(client) -> str:
    return reverse("api:staffing", kwargs={"client_slug": client.slug})


def test_api_reference_case_c2(client_a, client_a_viewer):
    # given a viewer of client A with a token
    api = token_client(client_a_viewer)
    # when
    response = api.post(_api_url(client_a), C1, format="json")
    # then the published reference values (benchmark page, C1/C2)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["agents"] == 14
    assert body["scheduled_agents"] == 20
    assert body["traffic_erlangs"] == pytest.approx(10.0)
    assert body["service_level"] == pytest.approx(0.888350, abs=5e-6)
    assert body["probability_of_waiting"] == pytest.approx(0.174132, abs=5e-6)
    assert body["model"] == "erlang_c"
    assert body["probability_of_abandon"] is None


def test_api_erlang_a_reports_abandonment(client_a, client_a_viewer):
    api = token_client(client_a_viewer)
    response = api.post(_api_url(client_a), {**C1, "patience_seconds": 60}, format="json")
    assert response.status_code == 200
    body = response.json()
    assert body["model"] == "erlang_a"
    assert 0 < body["probability_of_abandon"] < 1


@pytest.mark.parametrize(
    ("override", "field", "fragment"),
    [
        ({"target_level_percent": 120}, "target_level_percent", "at most 100 %"),
        ({"max_occupancy_percent": 0}, "max_occupancy_percent", "above 0 %"),
        ({"shrinkage_percent": 100}, "shrinkage_percent", "below 100 %"),
        ({"calls": -5}, "calls", "must not be negative"),
        ({"aht_seconds": 0}, "aht_seconds", "greater than zero"),
        ({"calls": "many"}, "calls", "valid number"),
    ],
)
def test_api_bad_input_names_the_field(client_a, client_a_viewer, override, field, fragment):
    api = token_client(client_a_viewer)
    response = api.post(_api_url(client_a), {**C1, **override}, format="json")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert field in error["fields"]
    assert fragment in " ".join(error["fields"][field])


def test_api_other_client_is_not_found(client_a, client_b_admin):
    # given a token issued to client B's admin
    api = token_client(client_b_admin)
    # when used on client A
    response = api.post(_api_url(client_a), C1, format="json")
    # then client A does not exist for them
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_page_compares_two_targets(client, client_a, client_a_admin, password):
    # given
    client.force_login(client_a_admin)
    url = reverse("client:staffing", kwargs={"client_slug": client_a.slug})
    form = {
        **C1,
        "compare_level_percent": 90,
        "compare_seconds": 20,
        "patience_seconds": "",
    }
    # when posted by htmx, only the results fragment comes back
    response = client.post(url, form, HTTP_HX_REQUEST="true")
    # then both scenarios show, 90/20 needing more agents than 80/20
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="staffing-results"' in html
    assert "<html" not in html
    results = response.context["results"]
    assert [label for label, _, _ in results] == ["A", "B"]
    assert results[0][2].scheduled_agents == 20
    assert results[1][2].scheduled_agents > results[0][2].scheduled_agents


def test_page_shows_errors_next_to_the_field(client, client_a, client_a_admin):
    client.force_login(client_a_admin)
    url = reverse("client:staffing", kwargs={"client_slug": client_a.slug})
    response = client.post(url, {**C1, "target_level_percent": 150})
    assert response.status_code == 200
    assert "Target service level must be above 0 % and at most 100 %" in " ".join(
        response.context["form"].errors["target_level_percent"]
    )
    assert response.context["results"] == []


def test_page_get_renders_empty_state(client, client_a, client_a_viewer):
    client.force_login(client_a_viewer)
    response = client.get(reverse("client:staffing", kwargs={"client_slug": client_a.slug}))
    assert response.status_code == 200
    assert "Enter a workload" in response.content.decode()


HUGE = {"calls": 10**9, "aht_seconds": 10**8}


def test_api_huge_workload_is_refused_by_field(client_a, client_a_viewer):
    # given a workload typed with extra zeros (once a MemoryError and a 500)
    api = token_client(client_a_viewer)
    # when
    response = api.post(_api_url(client_a), {**C1, **HUGE}, format="json")
    # then both fields are named, in one answer
    assert response.status_code == 400
    fields = response.json()["error"]["fields"]
    assert "less than or equal to 1000000" in " ".join(fields["calls"])
    assert "less than or equal to 86400" in " ".join(fields["aht_seconds"])


def test_api_load_beyond_the_agent_cap_names_calls(client_a, client_a_viewer):
    # given inputs each within bounds whose load no interval can staff
    api = token_client(client_a_viewer)
    body = {**C1, "calls": 1_000_000, "aht_seconds": 86_400}
    # when
    response = api.post(_api_url(client_a), body, format="json")
    # then the engine's refusal names the field
    assert response.status_code == 400
    fields = response.json()["error"]["fields"]
    assert "more than 1000000 agents" in " ".join(fields["calls"])


def test_api_agents_to_evaluate_are_bounded(client_a, client_a_viewer):
    api = token_client(client_a_viewer)
    response = api.post(_api_url(client_a), {**C1, "agents": 10**9}, format="json")
    assert response.status_code == 400
    assert "agents" in response.json()["error"]["fields"]


def test_page_huge_workload_shows_errors_next_to_the_fields(client, client_a, client_a_admin):
    client.force_login(client_a_admin)
    url = reverse("client:staffing", kwargs={"client_slug": client_a.slug})
    response = client.post(url, {**C1, **HUGE})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "less than or equal to 1000000" in " ".join(errors["calls"])
    assert "less than or equal to 86400" in " ".join(errors["aht_seconds"])
    assert response.context["results"] == []


def test_page_load_beyond_the_agent_cap_names_calls(client, client_a, client_a_admin):
    client.force_login(client_a_admin)
    url = reverse("client:staffing", kwargs={"client_slug": client_a.slug})
    response = client.post(url, {**C1, "calls": 1_000_000, "aht_seconds": 86_400})
    assert response.status_code == 200
    assert "more than 1000000 agents" in " ".join(response.context["form"].errors["calls"])
