"""The SLA figures' API: ``GET .../sla/?week=`` and ``GET .../sla/service-lines/<id>/``."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bpo.accounts.roles import Role
from scheduling.planning.selectors.sla import IsoWeek
from tests.catalog.factories import ServiceLineFactory
from tests.conftest import in_schema, make_user, token_client
from tests.scheduling.sla_helpers import interval, store

pytestmark = pytest.mark.django_db

MONDAY_NY = datetime(2026, 1, 26, 5, 0, tzinfo=UTC)  # 2026-W05, Monday 00:00 in New York


@pytest.fixture
def line_a(client_a):
    in_schema(client_a)
    line = ServiceLineFactory(name="Billing")
    store(
        interval(line, MONDAY_NY + timedelta(hours=10), answered=10, answered_within_threshold=10),
        interval(
            line,
            MONDAY_NY + timedelta(days=1, hours=10),
            answered=90,
            answered_within_threshold=45,
        ),
    )
    connection.set_schema_to_public()
    return line


def _week_url(client, week="2026-W05"):
    return f"/api/v1/clients/{client.slug}/sla/?week={week}"


def test_a_client_reads_its_week_figures_per_line_and_day(line_a, client_a, client_a_viewer):
    # when
    response = token_client(client_a_viewer).get(_week_url(client_a))

    # then
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["week"] == "2026-W05"
    assert body["hours"] == 168
    assert body["time_zone"] == "America/New_York"
    (line,) = body["lines"]
    assert line["service_line"] == {"id": line_a.pk, "name": "Billing", "channel": "voice"}
    assert line["convention_label"] == "Answered and abandoned, less short abandons"
    # the week is 55 / 100, not the mean of Monday's 100 % and Tuesday's 50 %
    assert line["week"]["service_level"] == 0.55
    assert [day["service_level"] for day in line["days"][:3]] == [1.0, 0.5, None]
    assert line["days"][0]["starts_at"] == "2026-01-26T00:00:00-05:00"
    assert line["week"]["outcomes"]["service_level"] == "missed"
    assert line["targets"]["service_level_percent"] == "80.00"
    assert "intervals" not in line


def test_every_staff_role_of_the_client_reads_it(line_a, client_a):
    for role in (Role.AGENT, Role.SCHEDULER, Role.FINANCE, Role.QA_ANALYST):
        user = make_user(role, client_a, email=f"{role}@provider.test")
        assert token_client(user).get(_week_url(client_a)).status_code == 200, role


def test_a_bad_week_is_a_400_naming_the_field(client_a, client_a_admin):
    response = token_client(client_a_admin).get(_week_url(client_a, "2026-5"))
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["fields"] == {
        "week": ['Week "2026-5" is not an ISO week; write it as YYYY-Www, e.g. 2026-W05.']
    }


def test_without_a_week_the_current_week_is_given(client_a, client_a_admin):
    response = token_client(client_a_admin).get(f"/api/v1/clients/{client_a.slug}/sla/")
    assert response.status_code == 200
    expected = IsoWeek.containing(datetime.now(UTC), ZoneInfo("America/New_York"))
    assert response.json()["week"] == str(expected)


def test_one_line_with_its_intervals_and_one_day(line_a, client_a, client_a_admin):
    api = token_client(client_a_admin)
    url = f"/api/v1/clients/{client_a.slug}/sla/service-lines/{line_a.pk}/"

    # when
    week = api.get(url, {"week": "2026-W05"}).json()
    tuesday = api.get(url, {"day": "2026-01-27"}).json()

    # then
    assert [(i["starts_at"], i["offered"]) for i in week["intervals"]] == [
        ("2026-01-26T10:00:00-05:00", 10),
        ("2026-01-27T10:00:00-05:00", 90),
    ]
    assert [(i["starts_at"], i["service_level"]) for i in tuesday["intervals"]] == [
        ("2026-01-27T10:00:00-05:00", 0.5)
    ]
    assert tuesday["week"]["service_level"] == 0.55
    bad = api.get(url, {"day": "27.01.2026"})
    assert bad.status_code == 400
    assert bad.json()["error"]["fields"] == {
        "day": ['Day "27.01.2026" is not a date; write it as YYYY-MM-DD, e.g. 2026-01-26.']
    }


def test_a_line_of_another_client_is_404(line_a, client_a, client_b, client_b_admin):
    response = token_client(client_b_admin).get(
        f"/api/v1/clients/{client_b.slug}/sla/service-lines/{line_a.pk}/"
    )
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_the_week_takes_a_fixed_number_of_queries(client_a, client_a_admin):
    # given one line, then five more
    api = token_client(client_a_admin)
    in_schema(client_a)
    store(interval(ServiceLineFactory(), MONDAY_NY, answered=1))
    connection.set_schema_to_public()
    with CaptureQueriesContext(connection) as one:
        api.get(_week_url(client_a))
    in_schema(client_a)
    for _ in range(5):
        store(interval(ServiceLineFactory(), MONDAY_NY, answered=1))
    connection.set_schema_to_public()

    # when
    with CaptureQueriesContext(connection) as six:
        response = api.get(_week_url(client_a))

    # then
    assert len(response.json()["lines"]) == 6
    assert len(six) == len(one)
