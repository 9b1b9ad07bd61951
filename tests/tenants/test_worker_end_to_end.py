"""Onboarding end to end with a real Celery worker process: API -> broker -> worker ->
provisioned client. Commits data, so it runs last (``live``)."""

from __future__ import annotations

import pytest
from django.db import connection
from django_tenants.utils import schema_exists

from bpo.accounts.models import Invitation
from tenants import provisioning
from tenants.models import Client, OnboardingRun
from tests.celery_worker import celery_worker  # noqa: F401 - the fixture
from tests.conftest import token_client
from tests.factories import client_answers

SLUG = "worker-e2e-co"


@pytest.fixture
def drop_created_schema():
    """The live test commits; pytest-django empties the public tables afterwards, the client
    schema is dropped here."""
    yield
    connection.set_schema_to_public()
    provisioning.drop_schema(schema_name="c_worker_e2e_co")


@pytest.mark.live
@pytest.mark.celery_worker
def test_onboarding_runs_in_a_real_worker(
    transactional_db,
    provider_admin,
    celery_worker,  # noqa: F811 - the fixture imported above
    drop_created_schema,
):
    api = token_client(provider_admin)
    # when onboarding is requested through the API (committed: the task is enqueued)
    response = api.post(
        "/api/v1/onboarding-runs/",
        client_answers(SLUG, name="Worker E2E Co", country="DE", time_zone="Europe/Berlin"),
        format="json",
    )
    assert response.status_code == 201, response.content
    run_url = response.json()["url"]

    # then the worker provisions it; the API shows the progress up to the end
    def finished():
        body = api.get(run_url).json()
        return body if body["status"] in {"succeeded", "failed"} else None

    body = celery_worker.wait_for(finished, what="the onboarding run to finish", timeout=60)
    assert body["status"] == "succeeded", f"{body}\n--- worker log ---\n{celery_worker.log()}"
    assert (body["progress"], body["client"], body["provisioning_method"]) == (
        100,
        SLUG,
        "clone",
    )
    client = Client.objects.get(slug=SLUG)
    assert OnboardingRun.objects.get(pk=body["id"]).client == client
    assert schema_exists(client.schema_name)
    # the invitation e-mail went to the worker's own outbox; its row is here
    invitation = Invitation.objects.get(client=client)
    assert (invitation.email, invitation.role) == (f"admin@{SLUG}.example", "client_admin")
