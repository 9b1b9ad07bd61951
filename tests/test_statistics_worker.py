"""A large statistics file is checked and stored by a real Celery worker, with progress.
Commits data, so it runs last (``live``)."""

from __future__ import annotations

import pytest
from django.core.files.storage import default_storage
from django.db import connection

from scheduling.planning.models import IntervalStatistic, StatisticsImport
from tenants import provisioning
from tests.celery_worker import celery_worker  # noqa: F401 - the fixture
from tests.conftest import make_user
from tests.factories import client_answers
from tests.scheduling.statistics_helpers import SAMPLES

SLUG = "stats-worker-co"


@pytest.fixture
def drop_created_schema():
    yield
    connection.set_schema_to_public()
    provisioning.drop_schema(schema_name="c_stats_worker_co")


@pytest.mark.live
@pytest.mark.celery_worker
def test_a_large_file_is_checked_and_stored_by_the_worker(
    transactional_db,
    client,
    settings,
    celery_worker,  # noqa: F811 - the fixture imported above
    drop_created_schema,
):
    # given a client, a line, and a threshold that makes the sample "large"
    from tenants.services import create_client_now
    from tests.catalog.factories import ServiceLineFactory

    settings.STATISTICS_IMPORT_BACKGROUND_BYTES = 1000
    tenant = create_client_now(data=client_answers(SLUG, name="Stats Worker Co"), requested_by=None)
    scheduler = make_user("scheduler", tenant, email="scheduler@stats-worker.test")
    connection.set_tenant(tenant)
    ServiceLineFactory(name="Order support")
    ServiceLineFactory(name="Order support ES")
    connection.set_schema_to_public()
    client.force_login(scheduler)

    # when uploaded (the check runs in the worker)
    with (SAMPLES / "genesys-cloud-queue-performance-intervals.csv").open("rb") as handle:
        response = client.post(
            f"/c/{SLUG}/statistics/import/",
            {
                "file": handle,
                "format": "genesys-cloud",
                "time_zone": "America/New_York",
                "queue_mapping": "SR Orders EN = Order support\nSR Orders ES = Order support ES",
            },
        )
    assert response.status_code == 302
    page = client.get(response.url).content.decode()
    assert 'role="progressbar"' in page

    def record_in(statuses):
        connection.set_tenant(tenant)
        try:
            record = StatisticsImport.objects.get()
            return record if record.status in statuses else None
        finally:
            connection.set_schema_to_public()

    record = celery_worker.wait_for(lambda: record_in({"preview", "failed"}), what="the check")
    assert record.status == "preview", f"{record.errors}\n{celery_worker.log()}"

    # when committed, the worker stores it
    client.post(f"/c/{SLUG}/statistics/imports/{record.pk}/commit/")
    record = celery_worker.wait_for(lambda: record_in({"committed", "failed"}), what="the commit")

    # then
    assert record.status == "committed", celery_worker.log()
    assert record.inserted_count == 544
    connection.set_tenant(tenant)
    assert IntervalStatistic.objects.count() == 544
    connection.set_schema_to_public()
    assert "Stored 544 intervals" in client.get(response.url).content.decode()
    default_storage.delete(record.file_path)
