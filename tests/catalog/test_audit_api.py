"""The catalog's change history over the API: filters, rights, constant query count."""

from __future__ import annotations

import pytest
from django.db import connection

from bpo.catalog import audit
from tests.catalog.factories import EscalationTierFactory, OpeningHoursFactory, ServiceLineFactory
from tests.conftest import make_user, token_client

pytestmark = pytest.mark.django_db


def _url(client, suffix=""):
    return f"/api/v1/clients/{client.slug}/audit-entries/{suffix}"


def _make_lines(client, actor, count: int) -> list:
    connection.set_tenant(client)
    lines = []
    with audit.audit_actor(actor):
        for _ in range(count):
            line = ServiceLineFactory()
            OpeningHoursFactory(service_line=line)
            EscalationTierFactory(path__service_line=line)
            lines.append(line)
    connection.set_schema_to_public()
    return lines


def test_the_history_of_a_line_includes_what_hangs_off_it(client_a, account_manager):
    # given two lines
    first, _second = _make_lines(client_a, account_manager, 2)
    # when
    response = token_client(account_manager).get(_url(client_a), {"service_line": first.pk})
    # then
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 4
    assert {e["object_type"] for e in body["results"]} == {
        "serviceline",
        "openinghours",
        "escalationpath",
        "escalationtier",
    }
    assert {e["actor"] for e in body["results"]} == {"am@provider.test"}
    created = next(e for e in body["results"] if e["object_type"] == "serviceline")
    assert created["action"] == "created"
    assert created["object_label"] == "Service line"
    assert created["changes"]["name"] == {"before": None, "after": first.name}
    # a creation lists what the object was made with: no id, no empty values
    assert "id" not in created["changes"] and "description" not in created["changes"]


def test_filters_by_type_action_and_actor(client_a, account_manager, provider_admin):
    # given
    (line,) = _make_lines(client_a, account_manager, 1)
    old_name = line.name
    connection.set_tenant(client_a)
    with audit.audit_actor(provider_admin):
        line.name = "Renamed"
        line.save()
    connection.set_schema_to_public()
    api = token_client(account_manager)
    # when
    updates = api.get(_url(client_a), {"action": "updated"}).json()
    by_admin = api.get(_url(client_a), {"actor": "admin@provider.test"}).json()
    tiers = api.get(_url(client_a), {"object_type": "escalationtier"}).json()
    # then
    assert [e["changes"]["name"]["after"] for e in updates["results"]] == ["Renamed"]
    assert updates["results"][0]["changes"]["name"]["before"] == old_name
    assert by_admin["count"] == 1 and by_admin["results"][0]["object_repr"] == "Renamed"
    assert tiers["count"] == 1 and tiers["results"][0]["service_line"] == line.pk


def test_time_filters_take_any_offset(client_a, account_manager):
    # given one change, made now
    _make_lines(client_a, account_manager, 1)
    api = token_client(account_manager)
    # when the window is given with offsets PostgreSQL would not take as written (found by
    # schemathesis: a 500 before)
    since = api.get(_url(client_a), {"since": "2000-01-01T00:00:00+20:51"})
    until = api.get(_url(client_a), {"until": "0411-05-18T15:26:52.27+20:51"})
    # then they are read as instants
    assert since.status_code == 200 and since.json()["count"] == 4
    assert until.status_code == 200 and until.json()["count"] == 0


@pytest.mark.parametrize("value", ["1.5", "abc", "0", str(2**64)])
def test_ids_in_filters_are_whole_numbers(client_a, account_manager, value):
    api = token_client(account_manager)
    for name in ("service_line", "object_id"):
        response = api.get(_url(client_a), {name: value})
        assert response.status_code == 400, (name, value)
        assert name in response.json()["error"]["fields"]


def test_a_bad_filter_is_a_clear_error(client_a, account_manager):
    response = token_client(account_manager).get(_url(client_a), {"action": "exploded"})
    assert response.status_code == 400
    assert "action" in response.json()["error"]["fields"]


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("provider_admin", 200),
        ("account_manager", 200),
        ("scheduler", 200),
        ("finance", 200),
        ("qa_analyst", 200),
        ("agent", 403),
        ("client_admin", 200),
        ("client_viewer", 200),
    ],
)
def test_who_reads_the_history(client_a, role, expected):
    user = make_user(role, client_a, email=f"{role}@audit.test")
    assert token_client(user).get(_url(client_a)).status_code == expected


def test_the_list_keeps_a_constant_query_count(
    client_a, account_manager, django_assert_max_num_queries
):
    api = token_client(account_manager)
    _make_lines(client_a, account_manager, 1)
    with django_assert_max_num_queries(12) as few:
        assert api.get(_url(client_a)).status_code == 200
    _make_lines(client_a, account_manager, 8)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert api.get(_url(client_a)).json()["count"] == 36
