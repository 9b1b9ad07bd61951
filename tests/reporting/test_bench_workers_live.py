"""``bench_weekly_reports --workers N`` renders through a real Celery worker process that it
starts itself (prefork, on its own queue) and ends with the same figures line. Commits data, so
it runs last (``live``)."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from bpo.reporting.models import WeeklyReport
from tenants import provisioning
from tenants.models import Client


@pytest.fixture
def drop_bench_schema():
    yield
    connection.set_schema_to_public()
    for client in Client.objects.filter(slug__startswith="bench-report-"):
        provisioning.drop_schema(schema_name=client.schema_name)


@pytest.mark.live
@pytest.mark.celery_worker
def test_the_benchmark_renders_through_a_real_worker(transactional_db, drop_bench_schema):
    # given nothing but the command

    # when it makes one client's data and lets a worker of concurrency 1 render its report
    out = StringIO()
    call_command("bench_weekly_reports", clients=1, workers=1, stdout=out)

    # then the worker stored a ready three-page report, and the figures say so
    lines = out.getvalue().strip().splitlines()
    assert re.fullmatch(r"workers=1 wall_with_start_s=[\d.]+ cpu_per_report_s=[\d.]+", lines[-2])
    assert re.fullmatch(
        r"reports=1 seconds=[\d.]+ median_report_s=[\d.]+ pages=3 peak_mb=\d+", lines[-1]
    ), lines[-1]
    connection.set_tenant(Client.objects.get(slug="bench-report-1"))
    report = WeeklyReport.objects.get()
    assert (report.status, report.page_count) == ("ready", 3)
    assert report.render_seconds > 0
