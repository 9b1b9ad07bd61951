"""The shift plan API: plans with figures (filters, pages), shifts (filters, constant queries),
edits through the pages' services (every broken rule listed in a 400, nothing stored), and
publishing (a revision, a reason to amend, a 409 naming agent and time with nothing booked);
rights per role and another client's plans not found."""

from __future__ import annotations

from datetime import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bpo.accounts.roles import Role
from scheduling.planning.models import Plan, PlanShift
from scheduling.roster.models import Booking
from tests.catalog.factories import ServiceLineFactory
from tests.conftest import make_user, token_client
from tests.scheduling.grid_helpers import book, make_agent, make_plan, requirement, shift

pytestmark = pytest.mark.django_db


@pytest.fixture
def week(client_a):
    """A draft of 7 Dec 2026 for client A: Ana works Tue 14:00-22:00 on Billing support."""
    connection.set_tenant(client_a)
    line = ServiceLineFactory(name="Billing support")
    plan = make_plan(figures={"coverage_pct": 50.0, "shifts": 1})
    ana = make_agent(client_a, full_name="Ana Silva")
    the_shift = shift(plan, ana, line, 1, 14, 22)
    requirement(line, {(1, h): 2 for h in range(12, 20)})
    connection.set_schema_to_public()
    return plan, line, ana, the_shift


def api(client_a, rest=""):
    return f"/api/v1/clients/{client_a.slug}/plans/{rest}"


def in_a(client_a):
    connection.set_tenant(client_a)


def instant(text: str) -> datetime:
    """An answer's instant (in the client's zone, with its offset) as an aware datetime."""
    return datetime.fromisoformat(text)


def test_plans_list_with_figures_filters_and_pages(client_a, scheduler_a, week):
    plan, _line, _ana, _shift = week
    in_a(client_a)
    other = Plan.objects.create(week_starts_on="2026-12-14", time_zone="UTC")
    connection.set_schema_to_public()
    scheduler = token_client(scheduler_a)
    # when
    everything = scheduler.get(api(client_a)).json()
    of_week = scheduler.get(api(client_a), {"week": "2026-12-09"}).json()
    drafts = scheduler.get(api(client_a), {"status": "published"}).json()
    paged = scheduler.get(api(client_a), {"page_size": 1, "page": 2}).json()
    # then: newest week first, each with its counts and figures
    assert [row["id"] for row in everything["results"]] == [other.pk, plan.pk]
    assert [row["id"] for row in of_week["results"]] == [plan.pk]
    row = of_week["results"][0]
    assert (row["shift_count"], row["agent_count"], row["status"]) == (1, 1, "draft")
    assert row["figures"] == {"coverage_pct": 50.0, "shifts": 1}
    assert drafts["count"] == 0
    assert (paged["count"], [r["id"] for r in paged["results"]]) == (2, [plan.pk])
    assert scheduler.get(api(client_a), {"status": "nonsense"}).status_code == 400
    detail = scheduler.get(api(client_a, f"{plan.pk}/")).json()
    assert (detail["week_starts_on"], detail["shift_count"]) == ("2026-12-07", 1)


def test_shifts_filter_by_agent_and_day_at_constant_queries(client_a, scheduler_a, week):
    plan, line, ana, _shift = week
    scheduler = token_client(scheduler_a)
    url = api(client_a, f"{plan.pk}/shifts/")
    counts = []
    for added in (3, 30):
        in_a(client_a)
        for _ in range(added):
            agent = make_agent(client_a, skills=())
            shift(plan, agent, line, 2, 8, 16)
        connection.set_schema_to_public()
        with CaptureQueriesContext(connection) as queries:
            response = scheduler.get(url, {"page_size": 200})
        assert response.status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
    assert response.json()["count"] == 34
    tuesday = scheduler.get(url, {"day": "2026-12-08"}).json()["results"]
    assert [
        (s["agent_name"], instant(s["starts_at"]), s["service_line_name"]) for s in tuesday
    ] == [("Ana Silva", instant("2026-12-08T14:00:00+00:00"), "Billing support")]
    assert tuesday[0]["activities"][0]["kind"] == "work"
    of_ana = scheduler.get(url, {"agent": ana.pk}).json()
    assert of_ana["count"] == 1


def test_an_edit_that_breaks_rest_is_400_with_every_reason_and_stores_nothing(
    client_a, scheduler_a, week
):
    plan, line, ana, _shift = week
    # when: Wednesday 06:00, eight hours after Tuesday's 22:00
    response = token_client(scheduler_a).post(
        api(client_a, f"{plan.pk}/shifts/"),
        {
            "agent": ana.pk,
            "service_line": line.pk,
            "starts_at": "2026-12-09T06:00:00Z",
            "ends_at": "2026-12-09T14:00:00Z",
        },
        format="json",
    )
    # then
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "rule_broken"
    reasons = error["fields"]["non_field_errors"]
    assert "Rest of Ana Silva between Tue 22:00 and Wed 06:00 is 8 h, at least 11 h." in reasons
    in_a(client_a)
    assert PlanShift.objects.filter(plan=plan).count() == 1


def test_add_move_change_line_and_remove_recompute_the_figures(client_a, scheduler_a, week):
    plan, line, ana, the_shift = week
    in_a(client_a)
    other_line = ServiceLineFactory(name="Orders")
    connection.set_schema_to_public()
    scheduler = token_client(scheduler_a)
    shifts = api(client_a, f"{plan.pk}/shifts/")
    # add Thursday 08:00-16:00
    added = scheduler.post(
        shifts,
        {
            "agent": ana.pk,
            "service_line": line.pk,
            "starts_at": "2026-12-10T08:00:00Z",
            "ends_at": "2026-12-10T16:00:00Z",
        },
        format="json",
    )
    assert added.status_code == 201, added.json()
    body = added.json()
    assert body["summary"] == "Shift added."
    assert body["plan"]["figures"]["shifts"] == 2 and body["plan"]["has_unpublished_changes"]
    new_id = body["shift"]["id"]
    # move Tuesday's shift two hours earlier
    moved = scheduler.post(
        f"{shifts}{the_shift.pk}/move/",
        {"starts_at": "2026-12-08T12:00:00Z", "ends_at": "2026-12-08T20:00:00Z"},
        format="json",
    )
    assert moved.status_code == 200, moved.json()
    assert instant(moved.json()["shift"]["starts_at"]) == instant("2026-12-08T12:00:00+00:00")
    # its last four hours on another line
    changed = scheduler.post(
        f"{shifts}{the_shift.pk}/line/",
        {
            "starts_at": "2026-12-08T16:00:00Z",
            "ends_at": "2026-12-08T20:00:00Z",
            "service_line": other_line.pk,
        },
        format="json",
    )
    assert changed.status_code == 200, changed.json()
    assert [a["line"] for a in changed.json()["shift"]["activities"]] == [line.pk, other_line.pk]
    # remove Thursday's
    removed = scheduler.delete(f"{shifts}{new_id}/")
    assert removed.status_code == 200 and removed.json()["shift"] is None
    assert removed.json()["plan"]["figures"]["shifts"] == 1
    # then the stored rows say the same
    in_a(client_a)
    stored = PlanShift.objects.get(plan=plan)
    assert (stored.pk, stored.starts_at.hour, stored.is_manual) == (the_shift.pk, 12, True)
    assert Plan.objects.get(pk=plan.pk).figures["shifts"] == 1


def test_publish_amend_with_a_reason_revisions_and_changes(client_a, scheduler_a, week):
    plan, _line, ana, the_shift = week
    scheduler = token_client(scheduler_a)
    changes = scheduler.get(api(client_a, f"{plan.pk}/changes/")).json()
    assert [c["agent"] for c in changes["added"]] == ["Ana Silva"]
    # when
    first = scheduler.post(api(client_a, f"{plan.pk}/publish/"), {}, format="json")
    # then
    assert first.status_code == 201, first.json()
    assert (first.json()["number"], len(first.json()["changes"]["added"])) == (1, 1)
    assert Booking.objects.filter(client=client_a, agent=ana).count() == 1
    # an amendment needs a reason, and something to change
    scheduler.delete(api(client_a, f"{plan.pk}/shifts/{the_shift.pk}/"))
    refused = scheduler.post(api(client_a, f"{plan.pk}/publish/"), {}, format="json")
    assert refused.status_code == 400
    assert refused.json()["error"]["fields"]["reason"] == [
        "Say why the published week changes (for example: a sick call)."
    ]
    second = scheduler.post(
        api(client_a, f"{plan.pk}/publish/"), {"reason": "Ana called in sick"}, format="json"
    )
    assert second.status_code == 201
    assert second.json()["reason"] == "Ana called in sick"
    assert len(second.json()["changes"]["removed"]) == 1
    assert not Booking.objects.filter(client=client_a).exists()
    revisions = scheduler.get(api(client_a, f"{plan.pk}/revisions/")).json()
    assert [r["number"] for r in revisions["results"]] == [2, 1]
    assert revisions["results"][0]["published_by"]


def test_a_booking_conflict_is_409_naming_agent_and_time_and_books_nothing(
    client_a, client_b, scheduler_a, week
):
    plan, _line, ana, _shift = week
    book(ana, client_b, 1, 18, 23)  # Globex holds Ana on Tuesday evening
    response = token_client(scheduler_a).post(
        api(client_a, f"{plan.pk}/publish/"), {}, format="json"
    )
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "conflict"
    assert error["fields"]["non_field_errors"] == [
        f"Ana Silva is already booked for {client_b.name} from Tuesday 8 December 2026, "
        "14:00 UTC to 22:00 UTC"
    ]
    assert "Nothing was published" in error["message"]
    assert not Booking.objects.filter(client=client_a).exists()
    in_a(client_a)
    assert Plan.objects.get(pk=plan.pk).revision == 0


def test_rights_per_role_and_another_clients_plans_are_not_found(
    client_a, client_b, client_a_admin, week
):
    plan, line, ana, the_shift = week
    finance = make_user(Role.FINANCE, client_a, email="fin-plan-api@provider.test")
    scheduler_b = make_user(Role.SCHEDULER, client_b, email="wfm-b@provider.test")
    edit = {
        "agent": ana.pk,
        "service_line": line.pk,
        "starts_at": "2026-12-11T08:00:00Z",
        "ends_at": "2026-12-11T16:00:00Z",
    }
    # finance reads, but may not edit or publish
    reader = token_client(finance)
    assert reader.get(api(client_a, f"{plan.pk}/")).status_code == 200
    assert reader.post(api(client_a, f"{plan.pk}/shifts/"), edit, format="json").status_code == 403
    assert reader.post(api(client_a, f"{plan.pk}/publish/"), {}).status_code == 403
    # the client's own admin does not see the provider's plans at all (403)
    assert token_client(client_a_admin).get(api(client_a)).status_code == 403
    # B's scheduler: A's plans are not found, through A's address or through B's
    outsider = token_client(scheduler_b)
    assert outsider.get(api(client_a, f"{plan.pk}/")).status_code == 404
    assert outsider.get(f"/api/v1/clients/{client_b.slug}/plans/{plan.pk}/").status_code == 404
    assert (
        outsider.post(
            f"/api/v1/clients/{client_b.slug}/plans/{plan.pk}/shifts/", edit, format="json"
        ).status_code
        == 404
    )
    in_a(client_a)
    assert list(PlanShift.objects.values_list("pk", flat=True)) == [the_shift.pk]
