"""A weekly report is rendered by a real Celery worker process (the schema travelling with the
task), with progress, and the beat's task run there too. Commits data, so it runs last
(``live``)."""

from __future__ import annotations

import io

import pypdf
import pytest
from django.db import connection

from bpo.reporting.models import WeeklyReport
from tenants import provisioning
from tests.celery_worker import celery_worker  # noqa: F401 - the fixture
from tests.conftest import make_user
from tests.factories import client_answers

SLUG = "report-worker-co"


@pytest.fixture
def drop_created_schema():
    yield
    connection.set_schema_to_public()
    provisioning.drop_schema(schema_name="c_report_worker_co")


@pytest.mark.live
@pytest.mark.celery_worker
def test_a_report_is_regenerated_by_the_worker(
    transactional_db,
    client,
    celery_worker,  # noqa: F811 - the fixture imported above
    drop_created_schema,
):
    # given a client with a line and an account manager
    from tenants.services import create_client_now
    from tests.catalog.factories import ServiceLineFactory

    tenant = create_client_now(
        data=client_answers(SLUG, name="Report Worker Co"), requested_by=None
    )
    manager = make_user("account_manager", tenant, email="am@report-worker.test")
    connection.set_tenant(tenant)
    ServiceLineFactory(name="Orders")
    connection.set_schema_to_public()
    client.force_login(manager)

    # when the week is regenerated from the archive
    response = client.post(f"/c/{SLUG}/reports/regenerate/", {"week": "2026-W47"})
    assert response.status_code == 302
    assert 'role="progressbar"' in client.get(response.url).content.decode()

    def report_in(statuses):
        connection.set_tenant(tenant)
        try:
            report = WeeklyReport.objects.get()
            return report if report.status in statuses else None
        finally:
            connection.set_schema_to_public()

    report = celery_worker.wait_for(lambda: report_in({"ready", "failed"}), what="the report")

    # then the worker stored it, in the client's schema
    assert report.status == "ready", f"{report.error}\n{celery_worker.log()}"
    assert pypdf.PdfReader(io.BytesIO(bytes(report.pdf))).pages
    page = client.get(response.url).content.decode()
    assert report.sha256 in page and "Orders" in page
