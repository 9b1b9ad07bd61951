"""Pushing interval rows through the API (idempotency key) and reading them back."""

from __future__ import annotations

import pytest
from django.db import connection

from bpo.accounts.roles import Role
from scheduling.planning.models import IntervalStatistic, StatisticsImport
from tests.catalog.factories import ServiceLineFactory
from tests.conftest import make_user, token_client

pytestmark = pytest.mark.django_db
URL = "/api/v1/clients/acme-a/statistics-intervals/"


def _row(start: str, **values) -> dict:
    row = {
        "service_line": "Order support",
        "interval_start": start,
        "interval_minutes": 15,
        "offered": 42,
        "answered": 39,
        "abandoned": 3,
        "answered_within_threshold": 33,
        "talk_seconds": 12480,
    }
    row.update(values)
    return row


@pytest.fixture
def line(client_a):
    connection.set_tenant(client_a)
    line = ServiceLineFactory(name="Order support")
    connection.set_schema_to_public()
    return line


@pytest.fixture
def scheduler_api(client_a):
    return token_client(make_user(Role.SCHEDULER, client_a, email="sched-api@provider.test"))


def _stored(client_a) -> list[tuple]:
    connection.set_tenant(client_a)
    try:
        return list(IntervalStatistic.objects.values_list("starts_at", "offered"))
    finally:
        connection.set_schema_to_public()


def test_a_push_stores_rows_and_a_repeat_with_the_same_key_answers_the_same(
    client_a, line, scheduler_api
):
    # given
    body = {"rows": [_row("2026-11-23T14:00:00Z"), _row("2026-11-23T14:15:00Z")]}

    # when pushed twice with one key
    first = scheduler_api.post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY="acd-2026-11-23-14")
    again = scheduler_api.post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY="acd-2026-11-23-14")

    # then
    assert first.status_code == 201, first.json()
    assert first.json()["stored"] == 2
    assert again.status_code == 201
    assert again.json() == first.json()
    assert len(_stored(client_a)) == 2
    connection.set_tenant(client_a)
    assert StatisticsImport.objects.filter(source="api").count() == 1
    connection.set_schema_to_public()


def test_the_same_key_with_other_rows_is_a_409(client_a, line, scheduler_api):
    scheduler_api.post(
        URL, {"rows": [_row("2026-11-23T14:00:00Z")]}, format="json", HTTP_IDEMPOTENCY_KEY="k1"
    )
    response = scheduler_api.post(
        URL,
        {"rows": [_row("2026-11-23T14:00:00Z", offered=50)]},
        format="json",
        HTTP_IDEMPOTENCY_KEY="k1",
    )
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "conflict"
    assert _stored(client_a)[0][1] == 42


def test_a_key_longer_than_stored_is_refused_not_cut(client_a, line, scheduler_api):
    # given two keys that differ only after their 200th character
    first, second = "k" * 200 + "-one", "k" * 200 + "-two"
    # when they push other rows
    answers = [
        scheduler_api.post(
            URL,
            {"rows": [_row("2026-11-23T14:00:00Z", offered=offered)]},
            format="json",
            HTTP_IDEMPOTENCY_KEY=key,
        )
        for key, offered in ((first, 42), (second, 50))
    ]
    # then both are refused in words, and nothing is stored
    for response in answers:
        assert response.status_code == 400
        assert "at most 200 characters" in response.json()["error"]["message"]
    assert _stored(client_a) == []


def test_a_push_with_a_bad_row_stores_nothing_and_names_it(client_a, line, scheduler_api):
    response = scheduler_api.post(
        URL,
        {"rows": [_row("2026-11-23T14:00:00Z"), _row("2026-11-23T14:15:00Z", answered=50)]},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"row": 2, "column": "answered", "message": "answered (50) is more than offered (42)."}
    ]
    assert _stored(client_a) == []


def test_without_a_key_a_push_is_still_idempotent_by_interval(client_a, line, scheduler_api):
    body = {"rows": [_row("2026-11-23T14:00:00Z")]}
    scheduler_api.post(URL, body, format="json")
    second = scheduler_api.post(URL, body, format="json")
    assert second.json()["replaced"] == 1
    assert len(_stored(client_a)) == 1


def test_reading_the_intervals_back(client_a, line, scheduler_api, client_a_viewer):
    scheduler_api.post(URL, {"rows": [_row("2026-11-23T14:00:00Z")]}, format="json")
    viewer = token_client(client_a_viewer)
    response = viewer.get(URL, {"service_line": line.pk, "starts_from": "2026-11-23T00:00:00Z"})
    assert response.status_code == 200
    (row,) = response.json()["results"]
    assert row["starts_at"] == "2026-11-23T14:00:00Z" and row["offered"] == 42
    assert (
        viewer.post(URL, {"rows": [_row("2026-11-23T15:00:00Z")]}, format="json").status_code == 403
    )
    imports = viewer.get("/api/v1/clients/acme-a/statistics-imports/").json()["results"]
    assert imports[0]["source"] == "api" and imports[0]["status"] == "committed"
