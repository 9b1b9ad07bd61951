"""The service line API: every role against every action, the validation messages as the API
returns them, the hours endpoints, date overrides, query counts and isolation."""

from __future__ import annotations

from datetime import date, time
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bpo.catalog import audit
from bpo.catalog.models import DateOverride, ServiceLine, ServiceLineStatus
from tests.catalog.factories import DateOverrideFactory, OpeningHoursFactory, ServiceLineFactory
from tests.catalog.roles import MANAGERS, ROLES
from tests.conftest import in_schema, make_user, token_client

pytestmark = pytest.mark.django_db

BASE = "/api/v1/clients/acme-a/"


def lines_url(*parts) -> str:
    return BASE + "service-lines/" + "".join(f"{part}/" for part in parts)


def body(response) -> dict:
    return response.json()


@pytest.fixture
def line(in_client_a):
    line = ServiceLineFactory(name="Billing", status=ServiceLineStatus.DRAFT)
    OpeningHoursFactory(service_line=line, weekday=0, opens_at=time(9), closes_at=time(17))
    return line


def statements(queries: CaptureQueriesContext) -> list[str]:
    return [q["sql"] for q in queries.captured_queries if not q["sql"].startswith("SET ")]


def user_with(role: str, client):
    return make_user(role, client, email=f"{role}@matrix.test")


# --- role x action ----------------------------------------------------------------------------------

READS = [
    ("list", lambda line, override: ("get", lines_url(), None)),
    ("retrieve", lambda line, override: ("get", lines_url(line.pk), None)),
    (
        "open-intervals",
        lambda line, override: (
            "get",
            lines_url(line.pk, "open-intervals")
            + "?start=2026-07-06T00:00:00Z&end=2026-07-07T00:00:00Z",
            None,
        ),
    ),
    ("is-open", lambda line, override: ("get", lines_url(line.pk, "is-open"), None)),
    (
        "holidays",
        lambda line, override: ("get", lines_url(line.pk, "holidays") + "?year=2026", None),
    ),
    ("date-overrides", lambda line, override: ("get", lines_url(line.pk, "date-overrides"), None)),
    ("date-override", lambda line, override: ("get", f"{BASE}date-overrides/{override.pk}/", None)),
]
WRITES = [
    (
        "create",
        lambda line, override: (
            "post",
            lines_url(),
            {"name": "Sales", "channel": "chat", "direction": "outbound"},
        ),
        201,
    ),
    ("update", lambda line, override: ("patch", lines_url(line.pk), {"name": "Billing 2"}), 200),
    (
        "status",
        lambda line, override: ("post", lines_url(line.pk, "status"), {"status": "active"}),
        200,
    ),
    (
        "add override",
        lambda line, override: (
            "post",
            lines_url(line.pk, "date-overrides"),
            {"date": "2026-12-31", "is_closed": True},
        ),
        201,
    ),
    (
        "change override",
        lambda line, override: ("patch", f"{BASE}date-overrides/{override.pk}/", {"note": "x"}),
        200,
    ),
    (
        "remove override",
        lambda line, override: ("delete", f"{BASE}date-overrides/{override.pk}/", None),
        204,
    ),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("name", "request_of"), READS, ids=[r[0] for r in READS])
def test_every_role_reads(client_a, line, role, name, request_of):
    # given
    override = DateOverrideFactory(service_line=line, date=date(2026, 12, 24))
    method, url, _ = request_of(line, override)
    # when
    response = getattr(token_client(user_with(role, client_a)), method)(url)
    # then
    assert response.status_code == 200, (role, name, response.content)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("name", "request_of", "success"), WRITES, ids=[w[0] for w in WRITES])
def test_only_managers_write(client_a, line, role, name, request_of, success):
    # given
    override = DateOverrideFactory(service_line=line, date=date(2026, 12, 24))
    method, url, data = request_of(line, override)
    # when
    response = getattr(token_client(user_with(role, client_a)), method)(url, data, format="json")
    # then
    if role in MANAGERS:
        assert response.status_code == success, (role, name, response.content)
    else:
        assert response.status_code == 403, (role, name, response.content)
        assert body(response)["error"]["code"] == "permission_denied"
        in_schema(client_a)
        line.refresh_from_db()
        assert (line.name, line.status) == ("Billing", "draft")
        assert ServiceLine.objects.count() == 1
        assert list(DateOverride.objects.values_list("date", "note")) == [(date(2026, 12, 24), "")]


def test_service_lines_are_never_deleted(client_a, line, provider_admin):
    response = token_client(provider_admin).delete(lines_url(line.pk))
    assert response.status_code == 405
    response = token_client(provider_admin).put(lines_url(line.pk), {}, format="json")
    assert response.status_code == 405


# --- list -------------------------------------------------------------------------------------------


def test_list_filters_searches_orders_and_paginates(in_client_a, account_manager):
    # given
    ServiceLineFactory(name="Billing", channel="voice", status="active")
    ServiceLineFactory(
        name="Billing chat",
        channel="chat",
        status="draft",
        service_level_percent=None,
        service_level_seconds=None,
    )
    ServiceLineFactory(
        name="Returns",
        channel="email",
        direction="outbound",
        status="paused",
        service_level_percent=None,
        service_level_seconds=None,
    )
    api = token_client(account_manager)

    def names(query: str) -> list[str]:
        response = api.get(lines_url() + query)
        assert response.status_code == 200, response.content
        return [item["name"] for item in body(response)["results"]]

    # then
    assert names("") == ["Billing", "Billing chat", "Returns"]
    assert names("?status=active") == ["Billing"]
    assert names("?channel=chat") == ["Billing chat"]
    assert names("?direction=outbound") == ["Returns"]
    assert names("?search=BILL") == ["Billing", "Billing chat"]
    assert names("?ordering=-name") == ["Returns", "Billing chat", "Billing"]
    assert names("?ordering=status") == ["Billing", "Billing chat", "Returns"]
    page = body(api.get(lines_url() + "?page_size=2&page=2"))
    assert (page["count"], [i["name"] for i in page["results"]]) == (3, ["Returns"])
    refused = api.get(lines_url() + "?status=frozen")
    assert refused.status_code == 400
    assert "status" in body(refused)["error"]["fields"]


def test_the_list_keeps_a_constant_query_count(client_a, in_client_a, account_manager):
    # given one line, then many with hours and overrides
    api = token_client(account_manager)

    def add_line(index: int) -> None:
        line = ServiceLineFactory(name=f"Line {index:02d}")
        OpeningHoursFactory(service_line=line, weekday=0)
        OpeningHoursFactory(service_line=line, weekday=1)
        DateOverrideFactory(service_line=line, date=date(2026, 12, 24))

    add_line(0)
    api.get(lines_url())  # warm caches (content types, tokens are per request anyway)
    with CaptureQueriesContext(connection) as one:
        assert api.get(lines_url()).status_code == 200
    in_schema(client_a)
    for index in range(1, 12):
        add_line(index)
    # when
    with CaptureQueriesContext(connection) as many:
        response = api.get(lines_url())
    # then
    assert response.status_code == 200
    assert len(body(response)["results"]) == 12
    assert len(body(response)["results"][5]["opening_hours"]) == 2
    assert len(many) == len(one), [q["sql"] for q in many.captured_queries]
    # the client, the token, the memberships, the count, the lines, their hours and overrides
    # (each behind django-tenants' SET search_path)
    assert len(statements(many)) == 7, statements(many)


# --- create and change ------------------------------------------------------------------------------


def test_create_a_line_with_hours_and_targets(client_a, account_manager):
    # when
    response = token_client(account_manager).post(
        lines_url(),
        {
            "name": "Billing hotline",
            "channel": "voice",
            "direction": "inbound",
            "languages": ["en", "es"],
            "required_skills": ["billing"],
            "opening_hours": [
                {"weekday": 0, "opens_at": "08:00", "closes_at": "20:00"},
                {"weekday": 4, "opens_at": "22:00", "closes_at": "06:00"},
            ],
            "service_level_percent": "80",
            "service_level_seconds": 20,
            "asa_seconds": 30,
        },
        format="json",
    )
    # then
    assert response.status_code == 201, response.content
    data = body(response)
    assert data["status"] == "draft"
    assert data["service_level_percent"] == "80.00"
    assert data["opening_hours"] == [
        {"weekday": 0, "opens_at": "08:00", "closes_at": "20:00"},
        {"weekday": 4, "opens_at": "22:00", "closes_at": "06:00"},
    ]
    assert data["url"] == f"/api/v1/clients/acme-a/service-lines/{data['id']}/"
    in_schema(client_a)
    entry = audit.history_of_object(ServiceLine.objects.get(pk=data["id"])).first()
    assert entry.actor == account_manager


API_REFUSALS = [
    ({"name": ""}, "name", "Name is required."),
    ({"name": None}, "name", "Name is required."),
    ({"name": "x" * 121}, "name", "Name is at most 120 characters."),
    (
        {"channel": "fax"},
        "channel",
        '"fax" is not a channel; use one of voice, chat, email, sms, social, video.',
    ),
    (
        {"direction": "sideways"},
        "direction",
        '"sideways" is not a direction; use one of inbound, outbound, blended.',
    ),
    ({"languages": ["en", "xx"]}, "languages", '"xx" is not an ISO 639 language code.'),
    ({"languages": ["en", "EN"]}, "languages", 'Language "en" is listed twice.'),
    (
        {"required_skills": ["billing", " "]},
        "required_skills",
        "Each required skill must be non-empty text.",
    ),
    (
        {"required_skills": ["x" * 61]},
        "required_skills",
        "A required skill is at most 60 characters.",
    ),
    (
        {"service_level_percent": "101", "service_level_seconds": 20},
        "service_level_percent",
        "Service level percentage must be between 0 and 100.",
    ),
    (
        {"max_abandon_percent": "-1"},
        "max_abandon_percent",
        "Maximum abandon rate must be between 0 and 100.",
    ),
    (
        {"fcr_percent": 120},
        "fcr_percent",
        "First-contact resolution target must be between 0 and 100.",
    ),
    ({"csat_percent": "100.5"}, "csat_percent", "CSAT target must be between 0 and 100."),
    (
        {"qa_score_percent": "99.999"},
        "qa_score_percent",
        "QA score target takes at most two decimals.",
    ),
    (
        {"service_level_percent": 80, "service_level_seconds": 0},
        "service_level_seconds",
        "Service level time must be more than 0 seconds.",
    ),
    ({"asa_seconds": -5}, "asa_seconds", "ASA target must be more than 0 seconds."),
    (
        {"channel": "email", "first_response_percent": 90, "first_response_hours": "0"},
        "first_response_hours",
        "First-response time must be more than 0 hours.",
    ),
    (
        {"service_level_percent": 80},
        "service_level_seconds",
        "A service level needs both a percentage and a time in seconds.",
    ),
    (
        {"channel": "email", "first_response_hours": 4},
        "first_response_percent",
        "A first-response target needs both a percentage and a time in hours.",
    ),
    (
        {"channel": "voice", "first_response_percent": 90},
        "first_response_percent",
        "A voice line takes no first-response target; use service level instead.",
    ),
    (
        {"channel": "email", "service_level_percent": 80},
        "service_level_percent",
        "An e-mail line takes no service level target; use first response instead.",
    ),
    (
        {"channel": "social", "asa_seconds": 20},
        "asa_seconds",
        "A social line takes no ASA target; use first response instead.",
    ),
    (
        {"opening_hours": [{"weekday": 9, "opens_at": "09:00", "closes_at": "17:00"}]},
        "opening_hours",
        "Weekday 9 does not exist; use 0 (Monday) to 6 (Sunday).",
    ),
    (
        {
            "opening_hours": [
                {"weekday": 6, "opens_at": "20:00", "closes_at": "04:00"},
                {"weekday": 0, "opens_at": "03:00", "closes_at": "09:00"},
            ]
        },
        "opening_hours",
        "Opening hours overlap: Monday 03:00-09:00 and Sunday 20:00-04:00.",
    ),
    (
        {
            "is_open_24_7": True,
            "opening_hours": [{"weekday": 0, "opens_at": "09:00", "closes_at": "17:00"}],
        },
        "opening_hours",
        "A 24/7 line has no opening hours; remove them or untick 24/7.",
    ),
]


def test_both_fields_of_a_foreign_pair_are_named(client_a, account_manager):
    response = token_client(account_manager).post(
        lines_url(),
        {
            "name": "Billing",
            "channel": "chat",
            "direction": "inbound",
            "first_response_percent": 90,
            "first_response_hours": 4,
        },
        format="json",
    )
    message = "A chat line takes no first-response target; use service level instead."
    assert body(response)["error"]["fields"] == {
        "first_response_percent": [message],
        "first_response_hours": [message],
    }


@pytest.mark.parametrize(
    ("changes", "field", "message"), API_REFUSALS, ids=[r[2][:60] for r in API_REFUSALS]
)
def test_create_refusals_carry_the_exact_message(
    client_a, account_manager, changes, field, message
):
    # when
    payload = {"name": "Billing", "channel": "voice", "direction": "inbound", **changes}
    response = token_client(account_manager).post(lines_url(), payload, format="json")
    # then
    assert response.status_code == 400, response.content
    error = body(response)["error"]
    assert error["code"] == "invalid"
    assert error["fields"] == {field: [message]}
    in_schema(client_a)
    assert not ServiceLine.objects.exists()


def test_a_missing_name_is_named(client_a, account_manager):
    response = token_client(account_manager).post(
        lines_url(), {"channel": "voice", "direction": "inbound"}, format="json"
    )
    assert body(response)["error"]["fields"] == {"name": ["Name is required."]}


def test_a_duplicate_name_is_refused(client_a, line, account_manager):
    response = token_client(account_manager).post(
        lines_url(), {"name": "billing", "channel": "voice", "direction": "inbound"}, format="json"
    )
    assert response.status_code == 400
    assert body(response)["error"] == {
        "code": "invalid",
        "message": 'A service line named "billing" already exists.',
        "fields": {"name": ['A service line named "billing" already exists.']},
    }


def test_patch_replaces_the_hours_nested_in_the_body(client_a, line, account_manager):
    # when
    response = token_client(account_manager).patch(
        lines_url(line.pk),
        {
            "opening_hours": [
                {"weekday": 5, "opens_at": "22:00", "closes_at": "06:00"},
                {"weekday": 0, "opens_at": "08:00", "closes_at": "12:00"},
            ],
            "service_level_percent": "90.5",
        },
        format="json",
    )
    # then
    assert response.status_code == 200, response.content
    assert body(response)["opening_hours"] == [
        {"weekday": 0, "opens_at": "08:00", "closes_at": "12:00"},
        {"weekday": 5, "opens_at": "22:00", "closes_at": "06:00"},
    ]
    assert body(response)["service_level_percent"] == "90.50"
    assert body(response)["name"] == "Billing"


def test_patch_of_the_channel_blames_the_channel_for_old_targets(client_a, line, account_manager):
    response = token_client(account_manager).patch(
        lines_url(line.pk), {"channel": "sms"}, format="json"
    )
    assert response.status_code == 400
    assert body(response)["error"]["fields"] == {
        "channel": ["An SMS line takes no service level target; use first response instead."]
    }


def test_patch_of_a_retired_line_is_a_conflict(client_a, in_client_a, account_manager):
    line = ServiceLineFactory(status=ServiceLineStatus.RETIRED)
    response = token_client(account_manager).patch(lines_url(line.pk), {"name": "X"}, format="json")
    assert response.status_code == 409
    assert body(response)["error"]["message"] == "A retired line cannot be changed."


def test_the_audit_entry_of_an_api_update(client_a, line, account_manager):
    token_client(account_manager).patch(
        lines_url(line.pk), {"service_level_percent": "95"}, format="json"
    )
    in_schema(client_a)
    entry = audit.describe_entry(audit.history_of_object(line).first())
    assert entry["actor"] == "am@provider.test"
    assert entry["changes"] == {"service_level_percent": {"before": "80.00", "after": "95"}}


# --- status -----------------------------------------------------------------------------------------


def test_status_moves_through_the_api(client_a, line, account_manager):
    api = token_client(account_manager)
    url = lines_url(line.pk, "status")
    assert body(api.post(url, {"status": "active"}, format="json"))["status"] == "active"
    assert body(api.post(url, {"status": "paused"}, format="json"))["status"] == "paused"
    refused = api.post(url, {"status": "draft"}, format="json")
    assert refused.status_code == 400
    assert body(refused)["error"]["fields"] == {"status": ["A paused line cannot become draft."]}
    assert body(api.post(url, {"status": "retired"}, format="json"))["status"] == "retired"
    refused = api.post(url, {"status": "active"}, format="json")
    assert body(refused)["error"]["message"] == "A retired line cannot change; it stays retired."
    again = api.post(url, {"status": "retired"}, format="json")
    assert again.status_code == 409
    assert body(again)["error"]["message"] == "The line is already retired."
    unknown = api.post(url, {"status": "frozen"}, format="json")
    assert body(unknown)["error"]["fields"] == {
        "status": ['"frozen" is not a status; use one of draft, active, paused, retired.']
    }


def test_activation_needs_hours(client_a, in_client_a, account_manager):
    line = ServiceLineFactory(status=ServiceLineStatus.DRAFT)
    response = token_client(account_manager).post(
        lines_url(line.pk, "status"), {"status": "active"}, format="json"
    )
    assert response.status_code == 400
    assert body(response)["error"]["message"] == "An active line needs opening hours or 24/7."


# --- hours endpoints --------------------------------------------------------------------------------


def test_open_intervals_across_a_spring_forward_night(client_a, in_client_a, client_a_viewer):
    # given a New York line open Saturday 22:00-06:00
    line = ServiceLineFactory()
    OpeningHoursFactory(service_line=line, weekday=5, opens_at=time(22), closes_at=time(6))
    # when
    response = token_client(client_a_viewer).get(
        lines_url(line.pk, "open-intervals"),
        {"start": "2026-03-07T00:00:00-05:00", "end": "2026-03-09T00:00:00-04:00"},
    )
    # then
    assert response.status_code == 200, response.content
    assert body(response) == {
        "start": "2026-03-07T00:00:00-05:00",
        "end": "2026-03-09T00:00:00-04:00",
        "time_zone": "America/New_York",
        "intervals": [{"start": "2026-03-07T22:00:00-05:00", "end": "2026-03-08T06:00:00-04:00"}],
        "open_seconds": 7 * 3600,
    }


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        (
            {"end": "2026-07-02T00:00:00Z"},
            "start",
            "start is required: an ISO 8601 instant with a UTC offset, e.g. 2026-07-01T09:00:00Z.",
        ),
        (
            {"start": "2026-07-01T00:00:00Z"},
            "end",
            "end is required: an ISO 8601 instant with a UTC offset, e.g. 2026-07-01T09:00:00Z.",
        ),
        (
            {"start": "yesterday", "end": "2026-07-02T00:00:00Z"},
            "start",
            "start is not an ISO 8601 instant, e.g. 2026-07-01T09:00:00Z.",
        ),
        (
            {"start": "2026-07-01T00:00:00", "end": "2026-07-02T00:00:00Z"},
            "start",
            "start needs a UTC offset (Z or e.g. +02:00); a local time is ambiguous.",
        ),
        (
            {"start": "2026-07-02T00:00:00Z", "end": "2026-07-01T00:00:00Z"},
            "end",
            "end must be after start.",
        ),
        (
            {"start": "2026-07-01T00:00:00Z", "end": "2026-08-01T00:00:01Z"},
            "end",
            "The range is at most 31 days.",
        ),
    ],
)
def test_open_intervals_refuses_bad_ranges(client_a, line, client_a_viewer, query, field, message):
    response = token_client(client_a_viewer).get(lines_url(line.pk, "open-intervals"), query)
    assert response.status_code == 400
    assert body(response)["error"] == {
        "code": "invalid",
        "message": message,
        "fields": {field: [message]},
    }


def test_an_unencoded_plus_of_an_offset_is_understood(client_a, line, client_a_viewer):
    response = token_client(client_a_viewer).get(
        lines_url(line.pk, "open-intervals")
        + "?start=2026-07-06T00:00:00+02:00&end=2026-07-07T00:00:00+02:00"
    )
    assert response.status_code == 200, response.content


def test_is_open_at_an_instant(client_a, line, agent_a):
    api = token_client(agent_a)
    response = api.get(lines_url(line.pk, "is-open"), {"at": "2026-07-06T10:00:00-04:00"})
    assert body(response) == {
        "at": "2026-07-06T10:00:00-04:00",
        "time_zone": "America/New_York",
        "is_open": True,
        "changes_at": "2026-07-06T17:00:00-04:00",
    }
    closed = body(api.get(lines_url(line.pk, "is-open"), {"at": "2026-07-06T21:00:00Z"}))
    assert (closed["is_open"], closed["changes_at"]) == (False, "2026-07-13T09:00:00-04:00")
    naive = api.get(lines_url(line.pk, "is-open"), {"at": "2026-07-06T10:00:00"})
    assert naive.status_code == 400
    assert body(naive)["error"]["fields"] == {
        "at": ["at needs a UTC offset (Z or e.g. +02:00); a local time is ambiguous."]
    }


def test_holidays_with_the_lines_overrides(client_a, line, client_a_viewer):
    # given an override on the observed Independence Day
    DateOverrideFactory(
        service_line=line,
        date=date(2026, 7, 3),
        is_closed=False,
        opens_at=time(9),
        closes_at=time(13),
    )
    # when
    response = token_client(client_a_viewer).get(lines_url(line.pk, "holidays"), {"year": 2026})
    # then
    data = body(response)
    assert (data["year"], data["country"], data["closed_on_public_holidays"]) == (2026, "US", True)
    july = [row for row in data["holidays"] if row["date"].startswith("2026-07")]
    assert july == [
        {
            "date": "2026-07-03",
            "name": "Independence Day (observed)",
            "closes_line": False,
            "override": {
                "id": july[0]["override"]["id"],
                "date": "2026-07-03",
                "is_closed": False,
                "opens_at": "09:00",
                "closes_at": "13:00",
                "note": "",
            },
        },
        {"date": "2026-07-04", "name": "Independence Day", "closes_line": True, "override": None},
    ]
    refused = token_client(client_a_viewer).get(lines_url(line.pk, "holidays"), {"year": "soon"})
    assert body(refused)["error"]["fields"] == {"year": ["year must be a year from 1970 to 2100."]}


# --- date overrides ---------------------------------------------------------------------------------


def test_date_overrides_list_add_change_and_remove(client_a, line, account_manager):
    api = token_client(account_manager)
    created = api.post(
        lines_url(line.pk, "date-overrides"),
        {"date": "2026-12-24", "is_closed": False, "opens_at": "08:00", "closes_at": "12:00"},
        format="json",
    )
    assert created.status_code == 201, created.content
    override_id = body(created)["id"]
    listed = body(api.get(lines_url(line.pk, "date-overrides")))
    assert (listed["count"], listed["results"][0]["opens_at"]) == (1, "08:00")
    changed = api.patch(f"{BASE}date-overrides/{override_id}/", {"is_closed": True}, format="json")
    assert (body(changed)["is_closed"], body(changed)["opens_at"]) == (True, None)
    assert api.delete(f"{BASE}date-overrides/{override_id}/").status_code == 204
    assert api.get(f"{BASE}date-overrides/{override_id}/").status_code == 404


@pytest.mark.parametrize(
    ("payload", "fields"),
    [
        ({}, {"date": ["Give the date of the override."]}),
        (
            {"date": "2026-12-24", "opens_at": "09:00", "closes_at": "12:00"},
            {
                "opens_at": ["A closed day takes no opening or closing time."],
                "closes_at": ["A closed day takes no opening or closing time."],
            },
        ),
        (
            {"date": "2026-12-24", "is_closed": False, "closes_at": "12:00"},
            {"opens_at": ["An open day needs both an opening and a closing time."]},
        ),
        ({"date": "2026-12-25"}, {"date": ["There is already an override for 2026-12-25."]}),
        (
            {"date": "2026-12-24", "note": "x" * 201},
            {"note": ["A note is at most 200 characters."]},
        ),
    ],
)
def test_date_override_refusals(client_a, line, account_manager, payload, fields):
    DateOverrideFactory(service_line=line, date=date(2026, 12, 25))
    response = token_client(account_manager).post(
        lines_url(line.pk, "date-overrides"), payload, format="json"
    )
    assert response.status_code == 400
    assert body(response)["error"]["fields"] == fields


# --- isolation --------------------------------------------------------------------------------------


def test_a_line_of_client_a_is_not_found_from_client_b(client_a, client_b, line, client_b_admin):
    # given client B's own admin and a line of A
    api = token_client(client_b_admin)
    # then neither B's path nor A's path shows it
    assert api.get(f"/api/v1/clients/globex-b/service-lines/{line.pk}/").status_code == 404
    assert api.get(lines_url(line.pk)).status_code == 404
    assert body(api.get("/api/v1/clients/globex-b/service-lines/"))["count"] == 0
    manager_of_b = make_user("account_manager", client_b, email="am-b@matrix.test")
    patched = token_client(manager_of_b).patch(
        f"/api/v1/clients/globex-b/service-lines/{line.pk}/", {"name": "Stolen"}, format="json"
    )
    assert patched.status_code == 404
    in_schema(client_a)
    line.refresh_from_db()
    assert line.name == "Billing"


def test_decimal_targets_are_rendered_as_strings(client_a, in_client_a, client_a_viewer):
    line = ServiceLineFactory(csat_percent=Decimal("92.5"))
    assert body(token_client(client_a_viewer).get(lines_url(line.pk)))["csat_percent"] == "92.50"


# --- instants and years at the edges -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"start": "0001-01-01T00:00:00Z", "end": "2026-07-01T00:00:00Z"}, "start"),
        ({"start": "9999-12-31T00:00Z", "end": "9999-12-31T23:00Z"}, "start"),
        ({"start": "0001-01-01T00:00:00+20:51", "end": "2026-07-01T00:00:00Z"}, "start"),
        ({"start": "2100-12-31T00:00:00Z", "end": "2101-01-01T00:00:00Z"}, "end"),
        ({"start": "1969-12-31T23:59:59Z", "end": "1970-01-02T00:00:00Z"}, "start"),
    ],
)
def test_open_intervals_refuses_instants_outside_the_years(
    client_a, line, client_a_viewer, query, field
):
    response = token_client(client_a_viewer).get(lines_url(line.pk, "open-intervals"), query)
    assert response.status_code == 400, response.content
    message = f"{field} must lie between 1970 and 2100 (an instant in UTC)."
    assert body(response)["error"] == {
        "code": "invalid",
        "message": message,
        "fields": {field: [message]},
    }


def test_open_intervals_at_the_edges_of_the_years(client_a, line, client_a_viewer):
    api = token_client(client_a_viewer)
    for start, end in [
        ("1970-01-01T00:00:00Z", "1970-01-31T00:00:00Z"),
        ("2100-12-01T00:00:00Z", "2100-12-31T23:59:59Z"),
    ]:
        response = api.get(lines_url(line.pk, "open-intervals"), {"start": start, "end": end})
        assert response.status_code == 200, response.content


@pytest.mark.parametrize("at", ["0001-01-01T00:00:00Z", "9999-12-31T00:00Z", "2101-01-01T00:00Z"])
def test_is_open_refuses_instants_outside_the_years(client_a, line, agent_a, at):
    response = token_client(agent_a).get(lines_url(line.pk, "is-open"), {"at": at})
    assert response.status_code == 400, response.content
    assert body(response)["error"]["fields"] == {
        "at": ["at must lie between 1970 and 2100 (an instant in UTC)."]
    }


def test_is_open_at_the_last_instant_looks_past_it(client_a, line, agent_a):
    # the next change is looked for a week ahead, into 2101: no overflow
    response = token_client(agent_a).get(
        lines_url(line.pk, "is-open"), {"at": "2100-12-31T23:59:59Z"}
    )
    assert response.status_code == 200, response.content
    assert body(response)["is_open"] is False


@pytest.mark.parametrize("year", ["2_026", "+2026", "02026", "²⁰²⁶", "9" * 5000, "1969", "2101"])
def test_holidays_refuse_what_is_not_a_plain_year(client_a, line, client_a_viewer, year):
    response = token_client(client_a_viewer).get(lines_url(line.pk, "holidays"), {"year": year})
    assert response.status_code == 400, response.content
    assert body(response)["error"] == {
        "code": "invalid",
        "message": "year must be a year from 1970 to 2100.",
        "fields": {"year": ["year must be a year from 1970 to 2100."]},
    }


@pytest.mark.parametrize("year", [" 2026 ", "\u0662\u0660\u0662\u0666"])  # Arabic-Indic 2026
def test_holidays_read_a_year_in_decimal_digits(client_a, line, client_a_viewer, year):
    response = token_client(client_a_viewer).get(lines_url(line.pk, "holidays"), {"year": year})
    assert response.status_code == 200, response.content
    assert body(response)["year"] == 2026
