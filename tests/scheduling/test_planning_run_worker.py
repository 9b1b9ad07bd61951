"""A planning run started as the page starts it, run by a real Celery worker process."""

from __future__ import annotations

import pytest
from django.db import connection

from bpo.accounts.roles import Role
from scheduling.planning.services.planning_runs import start_planning_run
from scheduling.roster.models import PlanningRun
from tests.browser.conftest import drop_schemas, live_client_factory  # noqa: F401 - fixtures
from tests.catalog.factories import ServiceLineFactory
from tests.celery_worker import celery_worker  # noqa: F401 - the fixture
from tests.conftest import make_user
from tests.scheduling.run_helpers import MONDAY, day_template, planning_agent, write_requirement


@pytest.mark.live
@pytest.mark.celery_worker
def test_a_planning_run_in_a_real_worker(live_client_factory, celery_worker):  # noqa: F811
    # given a committed client with a line, its requirement for the week and two agents
    client = live_client_factory("planning-worker-co", name="Planning Worker Co")
    scheduler = make_user(Role.SCHEDULER, client, email="scheduler@planning-worker.test")
    connection.set_tenant(client)
    line = ServiceLineFactory(name="Order hotline")
    write_requirement(line, monday=MONDAY, time_zone=client.time_zone)
    connection.set_schema_to_public()
    template = day_template()
    for _ in range(2):
        planning_agent([client], templates=[template])

    # when the run is started (the task goes to the broker after commit)
    run = start_planning_run(
        user=scheduler, week_starts_on=MONDAY, clients=[client], time_limit_seconds=10
    )

    # then the worker optimises it and leaves a draft with its figures
    def finished():
        found = PlanningRun.objects.select_related("job").get(pk=run.pk)
        return found if found.status in {"ready", "failed"} else None

    done = celery_worker.wait_for(finished, what="the planning run to finish", timeout=120)
    assert done.status == "ready", f"{done.error}\n--- worker log ---\n{celery_worker.log()}"
    assert done.job.status == "succeeded" and done.job.progress == 100
    figures = done.figures["clients"][str(client.pk)]
    assert figures["shifts"] > 0 and figures["coverage_pct"] > 0
