"""The SLA page's "Projection for this week" block, the projection API and its isolation.

The pages and the API project as of the real clock, so these tests use next week (always "to
come": every interval from the forecast and the published plan) and a week long past."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection

from bpo.accounts.roles import Role
from scheduling.planning.selectors.sla import IsoWeek
from tests.catalog.factories import ServiceLineFactory
from tests.conftest import in_schema, make_user, token_client
from tests.roster.factories import AgentFactory
from tests.scheduling.projection_helpers import NEW_YORK, local, make_forecast, publish
from tests.scheduling.sla_helpers import interval, store

pytestmark = pytest.mark.django_db

NEXT_WEEK = IsoWeek.containing(datetime.now(UTC), NEW_YORK).next


@pytest.fixture
def orders(client_a, scheduler_a):
    """Next week: 10 contacts on Thursday 09:00 (1 erlang), 5 agents at work -> 3 after 30 %
    shrinkage: Erlang C answers 1 - e^(-2/9) / 11 = 92.7 % in time, 9 of 10."""
    in_schema(client_a)
    line = ServiceLineFactory(name="Orders")
    make_forecast(line, {local(3, 9, NEXT_WEEK): 10}, week=NEXT_WEEK)
    publish(
        scheduler_a,
        [
            (AgentFactory(), line, local(3, 9, NEXT_WEEK), local(3, 9.5, NEXT_WEEK), None)
            for _ in range(5)
        ],
        week=NEXT_WEEK,
    )
    connection.set_schema_to_public()
    return line


def _text(response) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode())))


def test_the_sla_page_shows_the_projection_and_where_it_comes_from(
    client, orders, client_a, client_a_viewer
):
    client.force_login(client_a_viewer)

    response = client.get(f"/c/{client_a.slug}/sla/?week={NEXT_WEEK}")

    assert response.status_code == 200
    text = _text(response)
    assert f"Projection for week {NEXT_WEEK}" in text
    assert "On track: projected 90.0 % against 80 %" in text
    assert "No statistics yet this week." in text
    assert "9.3 of 10 expected contacts in time over 336 intervals: forecast v1" in text
    assert "less 30 % shrinkage, Erlang C." in text
    assert "9 / 10 = 90.0 %" in text
    assert "answered within threshold / (answered + abandoned - short abandons)" in text


def test_the_line_page_shows_it_too(client, orders, client_a, client_a_viewer):
    client.force_login(client_a_viewer)

    response = client.get(f"/c/{client_a.slug}/sla/{orders.pk}/?week={NEXT_WEEK}")

    assert response.status_code == 200
    assert "On track: projected 90.0 % against 80 %" in _text(response)


def test_a_line_without_plan_says_the_projection_is_not_possible(client, client_a, client_a_viewer):
    in_schema(client_a)
    line = ServiceLineFactory(name="Returns")
    make_forecast(line, {local(3, 9, NEXT_WEEK): 10}, week=NEXT_WEEK)
    connection.set_schema_to_public()
    client.force_login(client_a_viewer)

    response = client.get(f"/c/{client_a.slug}/sla/?week={NEXT_WEEK}")

    assert (
        f"Projection not possible: no published plan for week {NEXT_WEEK}, so no agents to count"
        in _text(response)
    )


def test_a_past_week_shows_no_projection_block(client, client_a, client_a_viewer):
    in_schema(client_a)
    line = ServiceLineFactory(name="Billing")
    week = IsoWeek(2026, 5)
    store(interval(line, local(0, 10, week), answered=10, answered_within_threshold=10))
    connection.set_schema_to_public()
    client.force_login(client_a_viewer)

    response = client.get(f"/c/{client_a.slug}/sla/?week={week}")

    assert response.status_code == 200
    assert "Projection for" not in _text(response)


# --- the API --------------------------------------------------------------------------------------


def _url(client, week=NEXT_WEEK):
    return f"/api/v1/clients/{client.slug}/sla/projection/?week={week}"


def test_the_api_gives_the_projection_as_counts(orders, client_a, client_a_viewer):
    response = token_client(client_a_viewer).get(_url(client_a))

    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["week"], body["state"], body["shrinkage_percent"]) == (
        str(NEXT_WEEK),
        "future",
        "30.00",
    )
    assert body["plan"]["revision"] == 1
    (line,) = body["lines"]
    assert line["service_line"]["name"] == "Orders"
    assert (line["status"], line["numerator"], line["denominator"]) == ("on_track", 9, 10)
    assert line["projected_level"] == 0.9
    assert line["headline"] == "On track: projected 90.0 % against 80 %"
    assert line["target_percent"] == "80.00"
    assert line["expected"]["intervals"] == 336
    assert line["expected"]["within_threshold"] == pytest.approx(9.27, abs=0.01)
    assert line["actual"] == {
        "level": None,
        "numerator": 0,
        "denominator": 0,
        "intervals": 0,
        "until": None,
    }


def test_a_past_week_is_its_statistics(client_a, client_a_viewer):
    in_schema(client_a)
    line = ServiceLineFactory(name="Billing")
    week = IsoWeek(2026, 5)
    store(interval(line, local(0, 10, week), answered=10, answered_within_threshold=7))
    connection.set_schema_to_public()

    body = token_client(client_a_viewer).get(_url(client_a, week)).json()

    assert body["state"] == "past"
    (projected,) = body["lines"]
    assert (projected["status"], projected["numerator"], projected["denominator"]) == (
        "missed",
        7,
        10,
    )


def test_a_bad_week_is_a_400(client_a, client_a_viewer):
    response = token_client(client_a_viewer).get(_url(client_a, "2026-5"))
    assert response.status_code == 400
    assert "week" in response.json()["error"]["fields"]


def test_client_b_cannot_read_client_as_projection(orders, client_a, client_b_admin):
    response = token_client(client_b_admin).get(_url(client_a))
    assert response.status_code == 404


def test_client_bs_projection_holds_none_of_client_as_lines(orders, client_b, client_b_admin):
    response = token_client(client_b_admin).get(_url(client_b))
    assert response.status_code == 200
    assert [line["service_line"]["name"] for line in response.json()["lines"]] == []


def test_without_a_login_the_api_answers_401(api_client, client_a):
    assert api_client.get(_url(client_a)).status_code == 401


def test_staff_of_the_client_read_it(orders, client_a):
    user = make_user(Role.SCHEDULER, client_a, email="sched2@provider.test")
    assert token_client(user).get(_url(client_a)).status_code == 200


def test_a_dst_week_in_the_past_has_169_hours(client_a, client_a_viewer):
    body = token_client(client_a_viewer).get(_url(client_a, "2026-W44")).json()
    assert body["starts_at"] == "2026-10-26T00:00:00-04:00"
    assert body["ends_at"] == "2026-11-02T00:00:00-05:00"
    assert timedelta(hours=169) == datetime.fromisoformat(body["ends_at"]) - datetime.fromisoformat(
        body["starts_at"]
    )
