"""The registry API: clients, lifecycle, audit trail and onboarding runs.

Every bad input answers ``{"error": {"code", "message", "fields"}}`` and writes nothing."""

from __future__ import annotations

import uuid

import pytest
from django_tenants.utils import schema_exists

from bpo.jobs.models import Job
from tenants import pilot, services, workers
from tenants.models import Client, ClientEvent, ClientStatus, OnboardingRun
from tests.conftest import token_client
from tests.factories import client_answers
from tests.tenants.helpers import registry_counts

CLIENTS = "/api/v1/clients/"
RUNS = "/api/v1/onboarding-runs/"


def slugs(response) -> list[str]:
    return [item["slug"] for item in response.json()["results"]]


# --- clients ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_client_list_is_filtered_by_access(provider_admin, account_manager, client_a_admin):
    assert slugs(token_client(provider_admin).get(CLIENTS)) == ["acme-a", "globex-b"]
    assert slugs(token_client(account_manager).get(CLIENTS)) == ["acme-a"]
    assert slugs(token_client(client_a_admin).get(CLIENTS)) == ["acme-a"]


@pytest.mark.django_db
def test_client_list_search_status_and_pagination(provider_admin, client_b):
    api = token_client(provider_admin)
    Client.objects.filter(pk=client_b.pk).update(status=ClientStatus.LIVE)
    # search and status filter
    assert slugs(api.get(CLIENTS, {"search": "Globex"})) == ["globex-b"]
    assert slugs(api.get(CLIENTS, {"status": "live"})) == ["globex-b"]
    assert slugs(api.get(CLIENTS, {"status": "onboarding", "search": "globex"})) == []
    # paginated body
    body = api.get(CLIENTS, {"page_size": 1}).json()
    assert body["count"] == 2
    assert body["next"] is not None
    assert body["results"][0]["url"] == "/api/v1/clients/acme-a/"
    assert body["results"][0]["portal_url"] == "/c/acme-a/"


@pytest.mark.django_db
def test_client_list_refuses_an_unknown_status(provider_admin):
    response = token_client(provider_admin).get(CLIENTS, {"status": "paused"})
    assert response.status_code == 400
    assert response.json() == {
        "error": {
            "code": "invalid",
            "message": "Invalid input: status",
            "fields": {
                "status": ["Select a valid choice. paused is not one of the available choices."]
            },
        }
    }


@pytest.mark.django_db
def test_client_list_needs_authentication(api_client):
    response = api_client.get(CLIENTS)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


@pytest.mark.django_db
def test_client_list_query_count_is_pinned(provider_admin, django_assert_max_num_queries):
    from tests.tenants.test_client_pages import make_registry_rows

    make_registry_rows(30)
    api = token_client(provider_admin)
    # token, memberships, count, page: 4 queries, each after django-tenants' SET search_path
    with django_assert_max_num_queries(8):
        response = api.get(CLIENTS)
    assert len(response.json()["results"]) == 25


@pytest.mark.django_db
def test_client_detail(account_manager, client_a, client_b_admin):
    # when
    response = token_client(account_manager).get(f"{CLIENTS}acme-a/")
    # then
    assert response.status_code == 200
    body = response.json()
    assert (body["slug"], body["country"], body["time_zone"], body["status"]) == (
        "acme-a",
        "US",
        "America/New_York",
        "onboarding",
    )
    assert [item["key"] for item in body["pilot_checklist"]] == [
        "service_line",
        "published_script",
        "escalation_path",
        "qa_scorecard",
    ]
    # another client's user: not found
    other = token_client(client_b_admin).get(f"{CLIENTS}acme-a/")
    assert other.status_code == 404
    assert other.json()["error"]["code"] == "not_found"
    # unknown client: not found, same answer
    assert token_client(account_manager).get(f"{CLIENTS}no-such-client/").status_code == 404


# --- lifecycle ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_status_change_suspends_and_records_it(account_manager, client_a):
    # when
    response = token_client(account_manager).post(
        f"{CLIENTS}acme-a/status/", {"status": "suspended", "note": "Unpaid"}, format="json"
    )
    # then
    assert response.status_code == 200
    assert response.json()["status"] == "suspended"
    stored = Client.objects.get(pk=client_a.pk)
    assert stored.status == ClientStatus.SUSPENDED
    assert stored.suspended_at is not None
    event = ClientEvent.objects.filter(client=client_a).first()
    assert (event.before, event.after, event.note) == (
        {"status": "onboarding"},
        {"status": "suspended"},
        "Unpaid",
    )


@pytest.mark.django_db
def test_status_change_refuses_going_live_before_the_pilot(account_manager, client_a):
    before = registry_counts()
    # when
    response = token_client(account_manager).post(
        f"{CLIENTS}acme-a/status/", {"status": "live"}, format="json"
    )
    # then
    message = (
        "The pilot checklist is not complete: a service line, a published script, an "
        "escalation path and a QA scorecard are needed first."
    )
    assert response.status_code == 400
    assert response.json() == {
        "error": {"code": "invalid", "message": message, "fields": {"status": [message]}}
    }
    assert Client.objects.get(pk=client_a.pk).status == ClientStatus.ONBOARDING
    assert registry_counts() == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "http_status", "fields"),
    [
        ({}, 400, {"status": ["This field is required."]}),
        ({"status": "paused"}, 400, {"status": ["Unknown status 'paused'."]}),
        ({"status": "onboarding"}, 409, {"status": ["The client is onboarding already."]}),
        (
            {"status": "suspended", "note": "x" * 2001},
            400,
            {"note": ["Ensure this field has no more than 2000 characters."]},
        ),
    ],
)
def test_status_change_bad_input(account_manager, client_a, body, http_status, fields):
    before = registry_counts()
    response = token_client(account_manager).post(f"{CLIENTS}acme-a/status/", body, format="json")
    assert response.status_code == http_status
    assert response.json()["error"]["fields"] == fields
    assert Client.objects.get(pk=client_a.pk).status == ClientStatus.ONBOARDING
    assert registry_counts() == before


@pytest.mark.django_db
def test_status_change_is_for_account_managers_and_admins_only(
    client_a_admin, scheduler_a, client_b_admin, client_a
):
    # client admin and scheduler of the client: forbidden
    for user in (client_a_admin, scheduler_a):
        response = token_client(user).post(
            f"{CLIENTS}acme-a/status/", {"status": "suspended"}, format="json"
        )
        assert response.status_code == 403
        assert response.json()["error"]["code"] == "permission_denied"
    # another client's admin: not found
    response = token_client(client_b_admin).post(
        f"{CLIENTS}acme-a/status/", {"status": "suspended"}, format="json"
    )
    assert response.status_code == 404
    assert Client.objects.get(pk=client_a.pk).status == ClientStatus.ONBOARDING


@pytest.mark.django_db
def test_go_live_through_the_api_when_the_pilot_is_complete(account_manager, client_a, monkeypatch):
    monkeypatch.setattr(pilot, "is_pilot_complete", lambda *, client: True)
    response = token_client(account_manager).post(
        f"{CLIENTS}acme-a/status/", {"status": "live"}, format="json"
    )
    assert response.status_code == 200
    assert Client.objects.get(pk=client_a.pk).status == ClientStatus.LIVE


@pytest.mark.django_db
def test_suspended_client_users_are_locked_out_of_the_api(
    account_manager, client_a_admin, client_a
):
    # given
    services.change_client_status(client=client_a, status="suspended", actor=account_manager)
    # then its users get not found; staff still read it
    assert token_client(client_a_admin).get(f"{CLIENTS}acme-a/").status_code == 404
    assert token_client(client_a_admin).get(CLIENTS).json()["results"] == []
    assert token_client(account_manager).get(f"{CLIENTS}acme-a/").json()["status"] == "suspended"


@pytest.mark.django_db
def test_events_list_the_audit_trail(account_manager, client_a, client_b_admin):
    # given
    services.change_client_status(client=client_a, status="suspended", actor=account_manager)
    # when
    response = token_client(account_manager).get(f"{CLIENTS}acme-a/events/")
    # then newest first, paginated
    body = response.json()
    assert [item["action"] for item in body["results"]] == ["status_changed", "onboarded"]
    assert body["results"][0]["actor"]["email"] == "am@provider.test"
    assert body["results"][0]["after"] == {"status": "suspended"}
    assert token_client(client_b_admin).get(f"{CLIENTS}acme-a/events/").status_code == 404


# --- onboarding runs -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_onboarding_through_the_api(account_manager):
    api = token_client(account_manager)
    # when
    response = api.post(RUNS, client_answers("andes-viajes", country="MX"), format="json")
    # then the run is recorded and queued
    assert response.status_code == 201
    body = response.json()
    run = OnboardingRun.objects.get(pk=body["id"])
    assert response["Location"] == f"{RUNS}{run.pk}/"
    assert (body["status"], body["progress"], body["client"]) == ("queued", 0, None)
    assert run.answers["country"] == "MX"
    assert not Client.objects.filter(slug="andes-viajes").exists()

    # when the task runs
    workers.run_provisioning(run_id=run.pk)
    # then the progress says done, with the client
    body = api.get(f"{RUNS}{run.pk}/").json()
    assert (body["status"], body["progress"], body["client"]) == ("succeeded", 100, "andes-viajes")
    assert body["provisioning_method"] == "clone"
    assert body["message"] == "Andes Viajes is ready"
    assert schema_exists("c_andes_viajes")
    # and the run is in the list, filterable by status
    assert [item["id"] for item in api.get(RUNS, {"status": "succeeded"}).json()["results"]] == [
        str(run.pk)
    ]
    assert api.get(RUNS, {"status": "failed"}).json()["results"] == []


@pytest.mark.django_db
def test_onboarding_bad_input_lists_every_field_and_writes_nothing(account_manager):
    before = registry_counts()
    # when
    response = token_client(account_manager).post(
        RUNS,
        {
            "name": "",
            "legal_name": "Acme A Ltd.",
            "slug": "acme-a",
            "country": "Germany",
            "time_zone": "Europe/Berlln",
            "currency": "EURO",
            "billing_model": "per_minute",
            "billing_contact_name": "B",
            "billing_contact_email": "nope",
            "admin_full_name": "A",
            "admin_email": "",
            "industry": "mining",
        },
        format="json",
    )
    # then
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert error["message"] == "Company name is required."
    assert error["fields"] == {
        "name": ["Company name is required."],
        "slug": ["The address 'acme-a' is taken by another client."],
        "industry": ["Unknown industry 'mining'."],
        "country": ["'GERMANY' is not an ISO 3166 country code (e.g. US, DE, MX)."],
        "time_zone": ["'Europe/Berlln' is not an IANA time zone (e.g. Europe/Berlin)."],
        "currency": ["'EURO' is not an ISO 4217 currency code (e.g. USD, EUR, MXN)."],
        "billing_model": ["Choose a billing model: Per hour, Per agent (FTE / seat per month)."],
        "billing_contact_email": ["Billing contact e-mail 'nope' is not a valid e-mail address."],
        "admin_email": ["Client admin e-mail is required."],
    }
    assert registry_counts() == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"name": ["a", "list"]}, {"name": ["Not a valid string."]}),
        ({"admin_email": None}, {"admin_email": ["This field may not be null."]}),
    ],
)
def test_onboarding_refuses_malformed_values(account_manager, body, fields):
    before = registry_counts()
    response = token_client(account_manager).post(
        RUNS, {**client_answers("shape-co"), **body}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == fields
    assert registry_counts() == before


@pytest.mark.django_db
def test_onboarding_the_same_address_twice_at_once_conflicts(account_manager):
    api = token_client(account_manager)
    api.post(RUNS, client_answers("twice-co"), format="json")
    before = registry_counts()
    # when
    response = api.post(RUNS, client_answers("twice-co"), format="json")
    # then
    assert response.status_code == 409
    assert response.json()["error"] == {
        "code": "conflict",
        "message": "'twice-co' is being onboarded already.",
        "fields": {"slug": ["'twice-co' is being onboarded already."]},
    }
    assert registry_counts() == before


@pytest.mark.django_db
def test_onboarding_runs_are_for_account_managers_and_admins(
    scheduler_a, client_a_admin, api_client
):
    before = registry_counts()
    for user in (scheduler_a, client_a_admin):
        api = token_client(user)
        response = api.post(RUNS, client_answers("sneaky-co"), format="json")
        assert response.status_code == 403
        assert response.json()["error"] == {
            "code": "permission_denied",
            "message": "Only account managers and provider admins onboard clients.",
            "fields": {},
        }
        assert api.get(RUNS).status_code == 403
    assert api_client.post(RUNS, client_answers("sneaky-co"), format="json").status_code == 401
    assert registry_counts() == before


@pytest.mark.django_db
def test_another_account_managers_run_is_not_found(account_manager, account_manager_b):
    run = services.start_onboarding(data=client_answers("mine-co"), requested_by=account_manager)
    api = token_client(account_manager_b)
    assert api.get(f"{RUNS}{run.pk}/").status_code == 404
    assert api.post(f"{RUNS}{run.pk}/retry/").status_code == 404
    assert api.get(f"{RUNS}{uuid.uuid4()}/").status_code == 404
    assert api.get(RUNS).json()["results"] == []


@pytest.mark.django_db
def test_retry_of_a_run_that_did_not_fail_conflicts(account_manager):
    run = services.start_onboarding(data=client_answers("queued-co"), requested_by=account_manager)
    # when
    response = token_client(account_manager).post(f"{RUNS}{run.pk}/retry/")
    # then
    assert response.status_code == 409
    assert response.json()["error"]["message"] == (
        "Only a failed onboarding, or one no worker has picked up for a while, can be retried."
    )
    assert Job.objects.get(pk=run.job_id).status == "queued"


def test_a_stalled_queued_run_can_be_queued_again(account_manager, settings):
    # given a run whose task message was lost: still queued long after it was sent
    from datetime import timedelta

    from django.utils import timezone

    run = services.start_onboarding(data=client_answers("stalled-co"), requested_by=account_manager)
    long_ago = timezone.now() - timedelta(seconds=settings.JOB_STALLED_AFTER_SECONDS + 1)
    Job.objects.filter(pk=run.job_id).update(queued_at=long_ago)
    # when
    response = token_client(account_manager).post(f"{RUNS}{run.pk}/retry/")
    # then it is queued again, with a fresh timestamp
    assert response.status_code in {200, 202}, response.content
    job = Job.objects.get(pk=run.job_id)
    assert job.status == "queued"
    assert job.queued_at > long_ago + timedelta(seconds=1)
    assert not job.is_stalled


def test_an_unreachable_task_queue_fails_the_job_not_the_request(
    account_manager, monkeypatch, django_capture_on_commit_callbacks
):
    # given a broker that refuses connections (the outside world, simulated at its edge)
    def broker_down(run_id):
        raise ConnectionRefusedError(111, "Connection refused")

    monkeypatch.setattr(services, "_enqueue_provisioning", broker_down)
    # when an onboarding is requested
    with django_capture_on_commit_callbacks(execute=True):
        response = token_client(account_manager).post(
            RUNS, client_answers("queue-down-co"), format="json"
        )
    # then the request succeeds, and the job says why nothing started, and can be retried
    assert response.status_code == 201, response.content
    job = Job.objects.get(onboarding_run__pk=response.json()["id"])
    assert job.status == "failed"
    assert "task queue could not be reached" in job.error
    assert job.can_be_retried
