"""The escalation API: paths and tiers, the tier set, the resolver, every rule's exact message,
the client-admin contact rule, the role x action matrix and the list's query count."""

from __future__ import annotations

from datetime import datetime, time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bpo.catalog.models import EscalationPath, EscalationTier
from tests.catalog.factories import (
    EscalationPathFactory,
    EscalationTierFactory,
    OpeningHoursFactory,
    ServiceLineFactory,
)
from tests.catalog.roles import CONTACT_EDITORS, MANAGERS, ROLES
from tests.catalog.test_escalation_services import LIMITS, RULES, office_line, tier
from tests.conftest import make_user, token_client

pytestmark = pytest.mark.django_db


def base(client) -> str:
    return f"/api/v1/clients/{client.slug}"


def paths_url(client, path_id=None, suffix="") -> str:
    url = f"{base(client)}/escalation-paths/"
    if path_id is not None:
        url += f"{path_id}/"
    return url + suffix


def tiers_url(client, tier_id=None) -> str:
    url = f"{base(client)}/escalation-tiers/"
    return url if tier_id is None else f"{url}{tier_id}/"


def user_with(role, client):
    return make_user(role, client, email=f"{role}@escalation-api.test")


@pytest.fixture
def line(in_client_a):
    return office_line()


@pytest.fixture
def path(line):
    """Billing (Mon-Fri 09-17 New York): tier 1 desk (15 min), tier 2 lead (30 min)."""
    path = EscalationPathFactory(service_line=line, name="Billing escalations")
    EscalationTierFactory(path=path, level=1, contact_name="Desk", respond_within_minutes=15)
    EscalationTierFactory(
        path=path,
        level=2,
        contact_name="Lead",
        min_severity=3,
        category="Billing",
        channel="email",
        phone="",
        email="lead@acme.example",
        respond_within_minutes=30,
    )
    return path


# --- reading -------------------------------------------------------------------------------------


def test_list_shows_paths_with_their_tiers_and_filters_by_line(client_a, account_manager, path):
    # given another line's path
    other = EscalationTierFactory(path__service_line=office_line("Sales")).path
    api = token_client(account_manager)
    # when
    everything = api.get(paths_url(client_a)).json()
    filtered = api.get(paths_url(client_a), {"service_line": path.service_line_id}).json()
    # then
    assert [p["id"] for p in everything["results"]] == [path.pk, other.pk]
    assert [p["id"] for p in filtered["results"]] == [path.pk]
    body = filtered["results"][0]
    assert body["service_line_name"] == "Billing"
    assert [(t["level"], t["contact_name"]) for t in body["tiers"]] == [(1, "Desk"), (2, "Lead")]


def _make_paths(count: int) -> None:
    for _ in range(count):
        line = ServiceLineFactory()
        path = EscalationPathFactory(service_line=line)
        for level in (1, 2, 3):
            EscalationTierFactory(path=path, level=level, respond_within_minutes=10 * level)


def test_the_list_keeps_a_constant_query_count(client_a, in_client_a, account_manager):
    # given
    api = token_client(account_manager)
    _make_paths(1)
    with CaptureQueriesContext(connection) as one:
        assert api.get(paths_url(client_a)).json()["count"] == 1
    # when there are many more paths and tiers
    connection.set_tenant(client_a)
    _make_paths(7)
    with CaptureQueriesContext(connection) as many:
        assert api.get(paths_url(client_a)).json()["count"] == 8
    # then
    assert len(many.captured_queries) == len(one.captured_queries)


def test_retrieve_a_path_and_a_tier(client_a, client_a_viewer, path):
    api = token_client(client_a_viewer)
    body = api.get(paths_url(client_a, path.pk)).json()
    assert body["name"] == "Billing escalations"
    tier_id = body["tiers"][1]["id"]
    assert api.get(tiers_url(client_a, tier_id)).json()["email"] == "lead@acme.example"


def test_an_unknown_path_is_404(client_a, account_manager, in_client_a):
    response = token_client(account_manager).get(paths_url(client_a, 987654))
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_another_clients_path_is_404(client_a, client_b, in_client_b, client_b_admin):
    # given a path in client B's schema, and a user of client A's provider staff
    path = EscalationTierFactory().path
    staff = user_with("account_manager", client_a)
    # when
    response = token_client(staff).get(paths_url(client_b, path.pk))
    # then
    assert response.status_code == 404
    # and from client A's address the id does not exist either
    assert token_client(staff).get(paths_url(client_a, path.pk)).status_code == 404


# --- creating and changing -----------------------------------------------------------------------


def test_create_a_path_with_nested_tiers(client_a, account_manager, line):
    # when
    response = token_client(account_manager).post(
        paths_url(client_a),
        {
            "service_line": line.pk,
            "name": "Billing escalations",
            "notes": "Quote the order number.",
            "tiers": [
                tier(phone="(415) 555-0100"),
                tier(level=2, trigger_kind="unresolved", min_severity=None, unresolved_minutes=90),
            ],
        },
        format="json",
    )
    # then
    assert response.status_code == 201, response.json()
    body = response.json()
    assert response["Location"] == paths_url(client_a, body["id"])
    assert [(t["level"], t["trigger_kind"], t["phone"]) for t in body["tiers"]] == [
        (1, "severity", "+14155550100"),
        (2, "unresolved", "+14155550100"),
    ]


def test_a_second_path_for_a_line_is_a_conflict(client_a, account_manager, path):
    response = token_client(account_manager).post(
        paths_url(client_a),
        {"service_line": path.service_line_id, "name": "Again", "tiers": [tier()]},
        format="json",
    )
    assert response.status_code == 409
    assert response.json()["error"]["fields"] == {
        "service_line": ["“Billing” has an escalation path already."]
    }


def test_create_for_an_unknown_line_is_refused(client_a, account_manager, in_client_a):
    response = token_client(account_manager).post(
        paths_url(client_a),
        {"service_line": 987654, "name": "X", "tiers": [tier()]},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"service_line": ["No such service line."]}


# Rules the serializer's choice fields answer before the service (DRF's own words).
SERIALIZER_CHOICE_RULES = {
    "trigger-unknown",
    "channel-unknown",
    "coverage-unknown",
    "min-severity-range",
}


@pytest.mark.parametrize(
    ("tiers", "expected"), [rule for rule in RULES if rule.id not in SERIALIZER_CHOICE_RULES]
)
def test_each_rule_answers_400_with_its_exact_message(
    client_a, account_manager, line, tiers, expected
):
    # when
    response = token_client(account_manager).post(
        paths_url(client_a),
        {"service_line": line.pk, "name": "Billing escalations", "tiers": tiers},
        format="json",
    )
    # then
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert error["fields"] == expected
    assert error["message"] == next(iter(expected.values()))[0]
    connection.set_tenant(client_a)
    assert not EscalationPath.objects.filter(service_line=line).exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("trigger_kind", "whenever"),
        ("channel", "fax"),
        ("coverage", "weekends"),
        ("min_severity", 5),
    ],
)
def test_unknown_choices_are_refused_by_the_serializer(
    client_a, account_manager, line, field, value
):
    response = token_client(account_manager).post(
        paths_url(client_a),
        {"service_line": line.pk, "name": "X", "tiers": [tier(**{field: value})]},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {
        f"tiers.0.{field}": [f'"{value}" is not a valid choice.']
    }


def test_the_name_is_required(client_a, account_manager, line):
    response = token_client(account_manager).post(
        paths_url(client_a),
        {"service_line": line.pk, "name": " ", "tiers": [tier()]},
        format="json",
    )
    assert response.json()["error"]["fields"] == {"name": ["Name is required."]}


def test_patch_renames_the_path(client_a, account_manager, path):
    response = token_client(account_manager).patch(
        paths_url(client_a, path.pk), {"notes": "Night desk from 20:00."}, format="json"
    )
    assert response.status_code == 200
    assert (response.json()["name"], response.json()["notes"]) == (
        "Billing escalations",
        "Night desk from 20:00.",
    )


def test_put_replaces_the_tier_set_and_swaps_levels(client_a, account_manager, path):
    # given
    desk, lead = path.tiers.order_by("level")
    # when the lead moves first and a time tier is added; nothing else is kept
    response = token_client(account_manager).put(
        paths_url(client_a, path.pk, "tiers/"),
        {
            "tiers": [
                {**tier(level=2, contact_name="Desk", respond_within_minutes=15), "id": desk.pk},
                {**tier(level=1, contact_name="Lead", respond_within_minutes=10), "id": lead.pk},
                tier(
                    level=3,
                    trigger_kind="unresolved",
                    min_severity=None,
                    unresolved_minutes=120,
                    contact_name="Director",
                    respond_within_minutes=60,
                ),
            ]
        },
        format="json",
    )
    # then
    assert response.status_code == 200, response.json()
    assert [(t["id"], t["level"]) for t in response.json()["tiers"]][:2] == [
        (lead.pk, 1),
        (desk.pk, 2),
    ]
    connection.set_tenant(client_a)
    assert list(path.tiers.order_by("level").values_list("contact_name", flat=True)) == [
        "Lead",
        "Desk",
        "Director",
    ]


def test_put_with_bad_tiers_names_each_one(client_a, account_manager, path):
    response = token_client(account_manager).put(
        paths_url(client_a, path.pk, "tiers/"),
        {"tiers": [tier(level=1), tier(level=3, phone="12345")]},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {
        "tiers.1.phone": ["“12345” is not a valid phone number."],
        "tiers": ["Tier levels must run 1, 2, 3 … without gaps; level 2 is missing."],
    }


def test_post_a_tier_appends_it(client_a, account_manager, path):
    response = token_client(account_manager).post(
        tiers_url(client_a),
        {**tier(level=None, contact_name="Director", respond_within_minutes=60), "path": path.pk},
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["level"] == 3
    assert response["Location"] == tiers_url(client_a, response.json()["id"])


def test_post_a_tier_revalidates_the_path(client_a, account_manager, path):
    response = token_client(account_manager).post(
        tiers_url(client_a),
        {**tier(level=3, respond_within_minutes=5, channel="email", phone=""), "path": path.pk},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {
        "email": ["An e-mail contact needs an e-mail address."],
        "respond_within_minutes": [
            "Tier 3 must allow at least as long to respond as tier 2 (30 minutes)."
        ],
    }


def test_delete_a_tier_moves_the_ones_above_down(client_a, account_manager, path):
    desk = path.tiers.get(level=1)
    response = token_client(account_manager).delete(tiers_url(client_a, desk.pk))
    assert response.status_code == 204
    connection.set_tenant(client_a)
    assert list(path.tiers.values_list("level", "contact_name")) == [(1, "Lead")]


def test_deleting_the_last_tier_is_refused(client_a, account_manager, in_client_a):
    only = EscalationTierFactory(path__service_line=office_line())
    response = token_client(account_manager).delete(tiers_url(client_a, only.pk))
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {
        "tiers": ["An escalation path needs at least one tier."]
    }


def test_a_manager_patches_any_field_of_a_tier(client_a, account_manager, path):
    desk = path.tiers.get(level=1)
    response = token_client(account_manager).patch(
        tiers_url(client_a, desk.pk), {"coverage": "business_hours"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["coverage"] == "business_hours"
    assert response.json()["contact_name"] == "Desk"  # the rest stays


# --- the client admin's contact rule ----------------------------------------------------------------


def test_a_client_admin_patches_a_tiers_contact(client_a, client_a_admin, path):
    # given
    desk = path.tiers.get(level=1)
    # when
    response = token_client(client_a_admin).patch(
        tiers_url(client_a, desk.pk),
        {"contact_name": "Carla Diaz", "phone": "415 555 0142"},
        format="json",
    )
    # then
    assert response.status_code == 200, response.json()
    assert (response.json()["contact_name"], response.json()["phone"]) == (
        "Carla Diaz",
        "+14155550142",
    )
    # and the history names her, with the values before and after
    connection.set_tenant(client_a)
    entries = token_client(client_a_admin).get(
        f"{base(client_a)}/audit-entries/",
        {"object_type": "escalationtier", "object_id": desk.pk, "action": "updated"},
    )
    assert entries.status_code == 200
    change = entries.json()["results"][0]
    assert change["actor"] == "admin@acme-a.test"
    assert change["changes"]["contact_name"] == {"before": "Desk", "after": "Carla Diaz"}


@pytest.mark.parametrize(
    ("field", "value"),
    [("level", 2), ("respond_within_minutes", 99), ("coverage", "after_hours")],
)
def test_a_client_admin_may_not_patch_other_fields(client_a, client_a_admin, path, field, value):
    desk = path.tiers.get(level=1)
    response = token_client(client_a_admin).patch(
        tiers_url(client_a, desk.pk), {"contact_name": "Carla", field: value}, format="json"
    )
    assert response.status_code == 403
    message = (
        "Your role may change only a tier's contact fields (contact_name, contact_role, "
        f"channel, phone, email), not “{field}”."
    )
    assert response.json()["error"] == {
        "code": "permission_denied",
        "message": message,
        "fields": {field: [message]},
    }
    connection.set_tenant(client_a)
    assert EscalationTier.objects.get(pk=desk.pk).contact_name == "Desk"


def test_a_client_admins_bad_phone_answers_400(client_a, client_a_admin, path):
    desk = path.tiers.get(level=1)
    response = token_client(client_a_admin).patch(
        tiers_url(client_a, desk.pk), {"phone": "555"}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"phone": ["“555” is not a valid phone number."]}


# --- the resolver --------------------------------------------------------------------------------


def test_resolve_in_business_hours_with_the_next_tier(client_a, client_a_viewer, path):
    # when a high billing issue at 16:50 New York time on a Tuesday
    response = token_client(client_a_viewer).get(
        paths_url(client_a, path.pk, "resolve/"),
        {"severity": "high", "category": "billing", "at": "2026-06-09T16:50:00-04:00"},
    )
    # then
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["period"] == "business_hours"
    assert body["time_zone"] == "America/New_York"
    assert body["at"] == "2026-06-09T16:50:00-04:00"
    assert body["tier"]["contact_name"] == "Desk"
    assert body["next_tier"]["tier"]["contact_name"] == "Lead"
    assert body["next_tier"]["deadline"] == "2026-06-09T17:05:00-04:00"
    assert body["next_tier"]["period"] == "after_hours"
    assert body["message"] == ""


def test_resolve_without_a_match_says_so(client_a, client_a_viewer, in_client_a):
    # given a line whose only tier works business hours
    line = office_line()
    path = EscalationTierFactory(path__service_line=line, coverage="business_hours").path
    # when at 20:00 (UTC in the query)
    response = token_client(client_a_viewer).get(
        paths_url(client_a, path.pk, "resolve/"),
        {"severity": "1", "category": "Billing", "at": "2026-06-10T00:00:00Z"},
    )
    # then
    body = response.json()
    assert body["tier"] is None
    assert body["message"] == "No tier covers severity Low in category “Billing” after hours."
    assert body["next_tier"] is None
    assert body["next_message"] == "No higher tier applies to this issue."


def test_resolve_reads_a_time_without_offset_in_the_clients_zone(client_a, client_a_viewer, path):
    body = (
        token_client(client_a_viewer)
        .get(paths_url(client_a, path.pk, "resolve/"), {"severity": 2, "at": "2026-06-09T09:30"})
        .json()
    )
    assert body["at"] == "2026-06-09T09:30:00-04:00"
    assert body["period"] == "business_hours"


@pytest.mark.parametrize("query", [{"severity": "critical"}, {"severity": "4", "at": ""}])
def test_resolve_defaults_to_now(client_a, client_a_viewer, path, query):
    # given
    before = timezone.now()
    # when
    response = token_client(client_a_viewer).get(paths_url(client_a, path.pk, "resolve/"), query)
    # then
    assert response.status_code == 200
    body = response.json()
    assert body["severity_label"] == "Critical"
    assert before <= datetime.fromisoformat(body["at"]) <= timezone.now()


@pytest.mark.parametrize(
    ("query", "fields"),
    [
        (
            {"severity": "urgent"},
            {"severity": ["Severity must be 1 to 4, or low, medium, high or critical."]},
        ),
        ({}, {"severity": ["This field is required."]}),
        (
            {"severity": "2", "at": "tomorrow"},
            {
                "at": [
                    "Datetime has wrong format. Use one of these formats instead: "
                    "YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z]."
                ]
            },
        ),
    ],
)
def test_resolve_refuses_bad_input(client_a, client_a_viewer, path, query, fields):
    response = token_client(client_a_viewer).get(paths_url(client_a, path.pk, "resolve/"), query)
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == fields


def test_resolve_across_spring_forward(client_a, client_a_viewer, in_client_a):
    # given a line open Mondays 09:00-17:00 New York time, a business-hours-only tier
    line = ServiceLineFactory()
    OpeningHoursFactory(service_line=line, weekday=0, opens_at=time(9), closes_at=time(17))
    path = EscalationTierFactory(path__service_line=line, coverage="business_hours").path
    api = token_client(client_a_viewer)
    url = paths_url(client_a, path.pk, "resolve/")
    # then 13:30 UTC on the Monday after the change (EDT) is 09:30: open
    assert api.get(url, {"severity": 1, "at": "2026-03-09T13:30:00Z"}).json()["period"] == (
        "business_hours"
    )
    # and 13:30 UTC on the Monday before (EST) is 08:30: closed
    assert api.get(url, {"severity": 1, "at": "2026-03-02T13:30:00Z"}).json()["period"] == (
        "after_hours"
    )


@pytest.mark.parametrize(
    "at",
    [
        "9999-12-31T20:00:00Z",
        "0001-01-02T00:00:00Z",
        "0001-01-01T00:00:00Z",
        "9999-12-31T23:00",
        "0001-01-01T00:00",
        "1969-12-31T23:59:59Z",
        "2101-01-01T00:00:00+00:00",
    ],
)
def test_resolve_refuses_an_instant_outside_the_planned_years(client_a, client_a_viewer, path, at):
    response = token_client(client_a_viewer).get(
        paths_url(client_a, path.pk, "resolve/"), {"severity": 2, "at": at}
    )
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {
        "at": ["at must lie between 1970 and 2100 (an instant in UTC)."]
    }


def test_resolve_takes_the_edges_of_the_planned_years(client_a, client_a_viewer, path):
    api = token_client(client_a_viewer)
    url = paths_url(client_a, path.pk, "resolve/")
    for at in ("1970-01-01T00:00:00Z", "2100-12-31T23:59:59Z", "2100-12-31T18:59:59"):
        assert api.get(url, {"severity": 2, "at": at}).status_code == 200, at


@pytest.mark.parametrize("severity", ["²", "\u0661", "2²"])  # superscript, Arabic-Indic 1
def test_resolve_refuses_a_severity_in_other_digits(client_a, client_a_viewer, path, severity):
    response = token_client(client_a_viewer).get(
        paths_url(client_a, path.pk, "resolve/"), {"severity": severity}
    )
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {
        "severity": ["Severity must be 1 to 4, or low, medium, high or critical."]
    }


def test_resolve_names_the_clients_zone(client_a, client_a_viewer, path):
    body = (
        token_client(client_a_viewer)
        .get(paths_url(client_a, path.pk, "resolve/"), {"severity": 2})
        .json()
    )
    assert body["time_zone"] == client_a.time_zone


# --- limits ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("tiers", "expected"), LIMITS)
def test_each_limit_answers_400_not_500(client_a, account_manager, line, tiers, expected):
    response = token_client(account_manager).post(
        paths_url(client_a),
        {"service_line": line.pk, "name": "Billing escalations", "tiers": tiers},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == expected


def test_a_huge_minute_count_in_a_tier_patch_answers_400(client_a, account_manager, path):
    desk = path.tiers.get(level=1)
    response = token_client(account_manager).patch(
        tiers_url(client_a, desk.pk), {"respond_within_minutes": 2**31}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {
        "respond_within_minutes": ["Respond within must be at most 10080 minutes (7 days)."]
    }


@pytest.mark.parametrize("method", ["post", "patch"])
def test_the_path_name_length_is_the_columns(client_a, account_manager, line, path, method):
    other = office_line("Sales")
    api = token_client(account_manager)
    if method == "post":
        data = {"service_line": other.pk, "name": "n" * 401, "tiers": [tier()]}
        response = api.post(paths_url(client_a), data, format="json")
    else:
        response = api.patch(paths_url(client_a, path.pk), {"name": "n" * 401}, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {
        "name": ["Ensure this field has no more than 160 characters."]
    }


# --- role x action ---------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_every_role_reads(client_a, path, role):
    api = token_client(user_with(role, client_a))
    tier_id = path.tiers.get(level=1).pk
    assert api.get(paths_url(client_a)).status_code == 200
    assert api.get(paths_url(client_a, path.pk)).status_code == 200
    assert api.get(tiers_url(client_a, tier_id)).status_code == 200
    assert api.get(paths_url(client_a, path.pk, "resolve/"), {"severity": 1}).status_code == 200


def _structural_calls(client, path, line_without_path):
    desk = path.tiers.get(level=1)
    lead = path.tiers.get(level=2)
    return {
        "create path": (
            "post",
            paths_url(client),
            {"service_line": line_without_path.pk, "name": "New", "tiers": [tier()]},
            201,
        ),
        "patch path": ("patch", paths_url(client, path.pk), {"name": "Renamed"}, 200),
        "put tiers": (
            "put",
            paths_url(client, path.pk, "tiers/"),
            {"tiers": [{**tier(contact_name="Desk"), "id": desk.pk}]},
            200,
        ),
        "post tier": (
            "post",
            tiers_url(client),
            {**tier(level=None, respond_within_minutes=60), "path": path.pk},
            201,
        ),
        "delete tier": ("delete", tiers_url(client, lead.pk), None, 204),
    }


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    "call", ["create path", "patch path", "put tiers", "post tier", "delete tier"]
)
def test_structural_writes_need_a_manager(client_a, path, role, call):
    # given
    other_line = office_line("Sales")
    method, url, data, success = _structural_calls(client_a, path, other_line)[call]
    api = token_client(user_with(role, client_a))
    # when
    response = getattr(api, method)(url, data, format="json")
    # then
    expected = success if role in MANAGERS else 403
    assert response.status_code == expected, response.content
    if expected == 403:
        connection.set_tenant(client_a)
        assert _snapshot(path) == [(1, "Desk"), (2, "Lead")]
        assert EscalationPath.objects.get(pk=path.pk).name == "Billing escalations"
        assert not EscalationPath.objects.filter(service_line=other_line).exists()


def _snapshot(path):
    return list(path.tiers.order_by("level").values_list("level", "contact_name"))


@pytest.mark.parametrize("role", ROLES)
def test_contact_edits_need_a_manager_or_the_client_admin(client_a, path, role):
    desk = path.tiers.get(level=1)
    api = token_client(user_with(role, client_a))
    response = api.patch(tiers_url(client_a, desk.pk), {"contact_name": "New"}, format="json")
    assert response.status_code == (200 if role in CONTACT_EDITORS else 403)
    connection.set_tenant(client_a)
    expected = "New" if role in CONTACT_EDITORS else "Desk"
    assert EscalationTier.objects.get(pk=desk.pk).contact_name == expected
