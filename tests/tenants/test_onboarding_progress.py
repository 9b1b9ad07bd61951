"""Onboarding progress (page and API), a failure injected mid-way, and the retry."""

from __future__ import annotations

import pytest
from django.db import connection
from django.urls import reverse
from django_tenants.utils import schema_exists

from bpo.accounts.models import Invitation
from bpo.jobs import services as job_services
from bpo.jobs.models import Job
from tenants import services, workers
from tenants.models import Client, OnboardingRun
from tests.conftest import token_client
from tests.factories import client_answers


@pytest.fixture
def run(account_manager):
    return services.start_onboarding(
        data=client_answers("flaky-co", name="Flaky Co"), requested_by=account_manager
    )


@pytest.fixture
def injected_fault(monkeypatch):
    """Provisioning fails after the registry row and the schema were created."""

    def explode(**kwargs):
        raise RuntimeError("injected fault: disk full")

    monkeypatch.setattr(workers, "_create_initial_client_data", explode)
    return monkeypatch


def progress_url(run) -> str:
    return reverse("tenants:onboarding_run_progress", args=[run.pk])


@pytest.mark.django_db
def test_progress_is_readable_by_page_and_api_while_running(signed_in, account_manager, run):
    # given the task is half-way
    job_services.start_job(job_id=run.job_id)
    job_services.report_progress(job_id=run.job_id, progress=50, message="Creating the client")
    # then the page shows it and keeps polling
    html = signed_in(account_manager).get(progress_url(run)).content.decode()
    assert 'aria-valuenow="50"' in html
    assert "width: 50%" in html
    assert "Creating the client" in html
    assert 'hx-trigger="every 500ms"' in html
    # and the API says the same
    body = token_client(account_manager).get(f"/api/v1/onboarding-runs/{run.pk}/").json()
    assert (body["status"], body["progress"], body["message"]) == (
        "running",
        50,
        "Creating the client",
    )


@pytest.mark.django_db
def test_a_failure_mid_way_leaves_nothing_and_shows_the_error(
    signed_in, account_manager, run, injected_fault
):
    clients = Client.objects.count()
    # when
    with pytest.raises(RuntimeError, match="injected fault"):
        workers.run_provisioning(run_id=run.pk)
    connection.set_schema_to_public()
    # then no half client: no row, no schema, no invitation
    assert Client.objects.count() == clients
    assert not schema_exists("c_flaky_co")
    assert not Invitation.objects.filter(email="admin@flaky-co.example").exists()
    job = Job.objects.get(pk=run.job_id)
    assert (job.status, job.error) == ("failed", "RuntimeError: injected fault: disk full")
    # and the page shows the error and a Retry button, and stops polling
    html = signed_in(account_manager).get(progress_url(run)).content.decode()
    assert "RuntimeError: injected fault: disk full" in html
    assert reverse("tenants:onboarding_retry", args=[run.pk]) in html
    assert "hx-trigger" not in html
    # and the API too
    body = token_client(account_manager).get(f"/api/v1/onboarding-runs/{run.pk}/").json()
    assert (body["status"], body["error"], body["client"]) == (
        "failed",
        "RuntimeError: injected fault: disk full",
        None,
    )


@pytest.mark.django_db
def test_retry_from_the_page_after_a_failure_succeeds(
    signed_in, account_manager, run, injected_fault
):
    with pytest.raises(RuntimeError):
        workers.run_provisioning(run_id=run.pk)
    connection.set_schema_to_public()
    injected_fault.undo()  # the cause is fixed
    web = signed_in(account_manager)
    # when Retry is pressed
    response = web.post(reverse("tenants:onboarding_retry", args=[run.pk]))
    # then the run is queued again
    assert response["Location"] == reverse("tenants:onboarding_run", args=[run.pk])
    job = Job.objects.get(pk=run.job_id)
    assert (job.status, job.error, job.progress) == ("queued", "", 0)
    # and when the task runs again, the client is provisioned
    client = workers.run_provisioning(run_id=run.pk)
    assert schema_exists(client.schema_name)
    job.refresh_from_db()
    assert (job.status, job.attempts) == ("succeeded", 2)
    assert OnboardingRun.objects.get(pk=run.pk).client == client
    assert b"Open Flaky Co" in web.get(progress_url(run)).content
    # and a second retry is refused clearly
    response = web.post(reverse("tenants:onboarding_retry", args=[run.pk]), follow=True)
    assert "This client is provisioned already." in [
        str(message) for message in response.context["messages"]
    ]


@pytest.mark.django_db
def test_retry_through_the_api_after_a_failure_succeeds(account_manager, run, injected_fault):
    with pytest.raises(RuntimeError):
        workers.run_provisioning(run_id=run.pk)
    connection.set_schema_to_public()
    injected_fault.undo()
    api = token_client(account_manager)
    # when
    response = api.post(f"/api/v1/onboarding-runs/{run.pk}/retry/")
    # then
    assert response.status_code == 202
    assert (response.json()["status"], response.json()["error"]) == ("queued", "")
    workers.run_provisioning(run_id=run.pk)
    body = api.get(f"/api/v1/onboarding-runs/{run.pk}/").json()
    assert (body["status"], body["client"], body["attempts"]) == ("succeeded", "flaky-co", 2)


@pytest.mark.django_db
def test_provisioning_is_idempotent(account_manager, run):
    first = workers.run_provisioning(run_id=run.pk)
    # when the task is delivered again
    second = workers.run_provisioning(run_id=run.pk)
    # then nothing new happens
    assert first == second
    assert Job.objects.get(pk=run.job_id).attempts == 1
    assert Invitation.objects.filter(client=first).count() == 1


@pytest.mark.django_db
def test_a_run_whose_address_was_taken_meanwhile_fails_clearly(account_manager, run):
    # given another client took the address after the run was requested
    services.create_client_now(data=client_answers("flaky-co"), requested_by=None)
    # when
    with pytest.raises(Exception, match="taken"):
        workers.run_provisioning(run_id=run.pk)
    # then
    job = Job.objects.get(pk=run.job_id)
    assert (job.status, job.error) == (
        "failed",
        "The address 'flaky-co' is taken by another client.",
    )


@pytest.mark.django_db
def test_progress_pages_are_only_for_who_may_see_the_run(
    signed_in, run, account_manager_b, scheduler_a, provider_admin
):
    page = reverse("tenants:onboarding_run", args=[run.pk])
    # another account manager (not the requester, client not theirs): not found
    assert signed_in(account_manager_b).get(page).status_code == 404
    assert signed_in(account_manager_b).get(progress_url(run)).status_code == 404
    # a scheduler: not found
    assert signed_in(scheduler_a).get(page).status_code == 404
    # a provider admin sees every run
    assert signed_in(provider_admin).get(page).status_code == 200
    # retry by another account manager: not found, nothing queued
    retry = reverse("tenants:onboarding_retry", args=[run.pk])
    assert signed_in(account_manager_b).post(retry).status_code == 404


@pytest.mark.django_db
def test_retry_is_refused_to_who_may_not_onboard(run, scheduler_a):
    Job.objects.filter(pk=run.job_id).update(status="failed")
    from bpo.errors import DomainError

    with pytest.raises(DomainError, match="Only account managers and provider admins"):
        services.retry_onboarding(run=run, actor=scheduler_a)
    assert Job.objects.get(pk=run.job_id).status == "failed"


@pytest.mark.django_db
def test_progress_inside_an_application_transaction_is_refused(run):
    from django.db import transaction

    # the test's own transaction does not count (see bpo.jobs.services)...
    job_services.report_progress(job_id=run.job_id, progress=5, message="ok")
    # ...but progress written inside the task's transaction would be invisible: refused
    with pytest.raises(RuntimeError, match="outside the task's transaction"), transaction.atomic():
        job_services.report_progress(job_id=run.job_id, progress=10, message="hidden")
    assert Job.objects.get(pk=run.job_id).progress == 5
