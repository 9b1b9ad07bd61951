"""A forecast end to end with a real Celery worker process: API -> broker -> worker (in the
client's schema) -> stored version with its requirement. Commits data, so it runs last."""

from __future__ import annotations

import time as clock
from datetime import time

import pytest
from django.db import connection

from bpo.accounts.roles import Role
from bpo.catalog.models import OpeningHours
from scheduling.planning.models import Forecast, ForecastInterval, StaffingRequirement
from tests.browser.conftest import drop_schemas, live_client_factory  # noqa: F401 - fixtures
from tests.catalog.factories import ServiceLineFactory
from tests.celery_worker import celery_worker  # noqa: F401 - the fixture
from tests.conftest import make_user, token_client
from tests.scheduling.forecast_helpers import history_end, write_history


@pytest.mark.live
@pytest.mark.celery_worker
def test_a_forecast_runs_in_a_real_worker(live_client_factory, celery_worker):  # noqa: F811
    # given a committed client with a line of ten weeks of 15-minute statistics
    client = live_client_factory("forecast-worker-co", name="Forecast Worker Co")
    scheduler = make_user(Role.SCHEDULER, client, email="scheduler@forecast-worker.test")
    connection.set_tenant(client)
    line = ServiceLineFactory(name="Order hotline")
    for weekday in range(7):
        OpeningHours.objects.create(
            service_line=line, weekday=weekday, opens_at=time(8), closes_at=time(20)
        )
    write_history(
        line=line, time_zone=client.time_zone, end_day=history_end(client.time_zone), weeks=10
    )
    connection.set_schema_to_public()
    api = token_client(scheduler)
    base = f"/api/v1/clients/{client.slug}/forecasts/"

    # when a run is started through the API
    started = clock.monotonic()
    response = api.post(base, {"service_line": line.pk, "weeks": 1}, format="json")
    assert response.status_code == 202, response.content
    url = f"{base}{response.json()['id']}/"

    # then the worker reports progress and finishes it
    def finished():
        body = api.get(url).json()
        return body if body["status"] in {"ready", "failed"} else None

    body = celery_worker.wait_for(finished, what="the forecast to finish", timeout=90)
    seconds = clock.monotonic() - started
    assert body["status"] == "ready", f"{body}\n--- worker log ---\n{celery_worker.log()}"
    assert (body["version"], body["job"]["status"], body["job"]["progress"]) == (
        1,
        "succeeded",
        100,
    )
    print(f"forecast job for 10 weeks of 15-minute history: {seconds:.1f} s end to end")
    # and the version is stored in the client's schema with its requirement
    connection.set_tenant(client)
    forecast = Forecast.objects.get(pk=body["id"])
    assert forecast.history_intervals == 10 * 7 * 96
    assert (
        ForecastInterval.objects.filter(forecast=forecast).count()
        == StaffingRequirement.objects.filter(forecast=forecast).count()
        > 600
    )
    assert forecast.requirement_model == "erlang_c"
    connection.set_schema_to_public()
