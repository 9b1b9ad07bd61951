"""The statistics pages: upload -> preview -> commit, the stored rows, the background path,
the rights, the CX tab, and the scheduler's to-dos."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.urls import reverse

from bpo.portal.todos import todos_for
from scheduling.planning.models import (
    ContactExperience,
    DailyExperience,
    IntervalStatistic,
    StatisticsImport,
)
from scheduling.planning.todos import last_week
from scheduling.planning.workers import statistics_import as workers
from tests.catalog.factories import ServiceLineFactory
from tests.scheduling.statistics_helpers import SAMPLES, csv_bytes, neutral_row, upload

pytestmark = pytest.mark.django_db


def _lines(client, *names, **fields):
    connection.set_tenant(client)
    try:
        return [ServiceLineFactory(name=name, **fields) for name in names]
    finally:
        connection.set_schema_to_public()


def _post_file(client, slug, path_or_bytes, name="export.csv", **fields):
    data = path_or_bytes.read_bytes() if hasattr(path_or_bytes, "read_bytes") else path_or_bytes
    return client.post(
        reverse("client:statistics_upload", args=[slug]),
        {"file": upload(data, name), "time_zone": "America/New_York", **fields},
    )


def test_the_genesys_sample_through_the_page_preview_then_commit(client, client_a, scheduler_a):
    # given
    english, _spanish = _lines(client_a, "Order support", "Order support ES")
    client.force_login(scheduler_a)

    # when the file is uploaded
    response = _post_file(
        client,
        client_a.slug,
        SAMPLES / "genesys-cloud-queue-performance-intervals.csv",
        name="genesys.csv",
        format="genesys-cloud",
        queue_mapping="SR Orders EN = Order support\nSR Orders ES = Order support ES",
    )

    # then the preview shows what maps where and the first rows; nothing is stored yet
    assert response.status_code == 302
    preview = client.get(response.url)
    page = preview.content.decode()
    assert "Ready to commit" in page
    assert "Service Level %" in page and "answered_within_threshold" in page
    assert "2026-11-16 08:00 EST" in page
    assert 'id="commit-import"' in page
    connection.set_tenant(client_a)
    record = StatisticsImport.objects.get()
    assert record.row_count == 544 and record.created_by_id == scheduler_a.pk
    assert not IntervalStatistic.objects.exists()
    connection.set_schema_to_public()

    # when committed
    response = client.post(
        reverse("client:statistics_import_commit", args=[client_a.slug, record.pk]), follow=True
    )

    # then
    assert "Stored 544 intervals (544 new, 0 replaced)" in response.content.decode()
    connection.set_tenant(client_a)
    assert IntervalStatistic.objects.filter(service_line=english).count() == 272
    connection.set_schema_to_public()
    rows = client.get(
        reverse("client:statistics_line", args=[client_a.slug, english.pk]) + "?week=2026-W47"
    )
    assert 'id="stored-intervals"' in rows.content.decode()
    assert "Mon 16 Nov, 08:00" in rows.content.decode()


def test_the_connect_sample_through_the_page(client, client_a, scheduler_a):
    (line,) = _lines(client_a, "Order support")
    client.force_login(scheduler_a)
    response = _post_file(
        client,
        client_a.slug,
        SAMPLES / "amazon-connect-historical-metrics-queues.csv",
        format="amazon-connect",
        service_line=str(line.pk),
    )
    record_url = response.url
    connection.set_tenant(client_a)
    record = StatisticsImport.objects.get()
    connection.set_schema_to_public()
    client.post(reverse("client:statistics_import_commit", args=[client_a.slug, record.pk]))
    assert "Stored 272 intervals" in client.get(record_url).content.decode()


def test_a_bad_file_shows_every_problem_and_offers_no_commit(client, client_a, scheduler_a):
    _lines(client_a, "Order support")
    client.force_login(scheduler_a)
    data = csv_bytes(
        [
            neutral_row("Order support", "2026-11-16T13:00:00Z", abandoned=12),
            neutral_row("Order support", "2026-11-16T13:05:00Z"),
        ]
    )
    response = client.get(_post_file(client, client_a.slug, data, format="neutral").url)
    page = response.content.decode()
    assert "2 problems found; nothing was stored." in page
    assert "abandoned (12) is more than offered (10)." in page
    assert "not on the 15-minute grid" in page
    assert 'id="commit-import"' not in page


def test_an_xlsx_renamed_csv_gets_a_message_not_a_500(client, client_a, scheduler_a):
    client.force_login(scheduler_a)
    response = _post_file(client, client_a.slug, b"PK\x03\x04" + b"\x00" * 64, format="neutral")
    page = client.get(response.url).content.decode()
    assert "Excel workbook (XLSX)" in page


def test_a_large_file_is_checked_by_a_job_with_progress(
    client, client_a, scheduler_a, settings, monkeypatch
):
    # given a threshold below the file's size, and a broker that records what is sent
    settings.STATISTICS_IMPORT_BACKGROUND_BYTES = 100
    _lines(client_a, "Order support")
    sent = []
    from scheduling.planning import tasks

    monkeypatch.setattr(
        tasks.statistics_import_task, "delay", lambda *args: sent.append(args), raising=True
    )
    client.force_login(scheduler_a)
    data = csv_bytes([neutral_row("Order support", f"2026-11-16T13:{m:02d}:00Z") for m in (0, 15)])

    # when uploaded (the job is queued after commit)
    with_commit = pytest.importorskip("django.test").TestCase.captureOnCommitCallbacks
    with with_commit(execute=True):
        response = _post_file(client, client_a.slug, data, format="neutral")
    page = client.get(response.url).content.decode()

    # then the page shows a progress bar while the job waits, and the worker fills the preview
    assert 'role="progressbar"' in page and "Checking" in page
    (import_id, commit, job_id) = sent[0]
    assert commit is False
    connection.set_tenant(client_a)
    workers.run_statistics_import(import_id=import_id, commit=commit, job_id=job_id)
    connection.set_schema_to_public()
    from bpo.jobs.models import Job

    assert Job.objects.get(pk=job_id).status == "succeeded"
    page = client.get(response.url).content.decode()
    assert "Ready to commit" in page


def test_viewers_read_but_cannot_import(client, client_a, client_a_viewer):
    client.force_login(client_a_viewer)
    assert client.get(reverse("client:statistics", args=[client_a.slug])).status_code == 200
    assert client.get(reverse("client:statistics_upload", args=[client_a.slug])).status_code == 403


def test_the_experience_import_through_the_page(client, client_a, scheduler_a):
    # given
    orders, _returns = _lines(client_a, "Order support", "Returns by e-mail")
    client.force_login(scheduler_a)

    # when the per-contact sample is checked and committed
    response = client.post(
        reverse("client:experience_upload", args=[client_a.slug]),
        {
            "file": upload((SAMPLES / "customer-experience-contacts.csv").read_bytes()),
            "kind": "contacts",
        },
    )
    page = client.get(response.url).content.decode()
    assert "60 rows checked, no problem found" in page
    connection.set_tenant(client_a)
    assert not ContactExperience.objects.exists()
    record_id = int(response.url.rstrip("/").rsplit("/", 1)[-1])
    connection.set_schema_to_public()
    client.post(reverse("client:experience_import_commit", args=[client_a.slug, record_id]))

    # then contacts are kept and day figures with sample sizes computed from them
    connection.set_tenant(client_a)
    assert ContactExperience.objects.count() == 60
    days = DailyExperience.objects.filter(service_line=orders)
    contacts = ContactExperience.objects.filter(service_line=orders)
    assert sum(d.csat_responses for d in days) == contacts.exclude(csat=None).count()
    assert sum(d.csat_satisfied for d in days) == contacts.filter(csat__gte=4).count()
    assert sum(d.fcr_resolved for d in days) == contacts.filter(resolved_first_contact=True).count()
    connection.set_schema_to_public()


def test_experience_rows_with_bad_scores_store_nothing(client, client_a, scheduler_a):
    _lines(client_a, "Order support")
    client.force_login(scheduler_a)
    data = (
        b"contact_id,date,channel,service_line,csat,ces,fcr\n"
        b"C1,2026-11-16,voice,Order support,5,2,yes\n"
        b"C2,2026-11-16,voice,Order support,6,9,maybe\n"
        b"C1,2026-11-17,voice,Order support,4,2,no\n"
    )
    response = client.post(
        reverse("client:experience_upload", args=[client_a.slug]),
        {"file": upload(data), "kind": "contacts"},
    )
    page = client.get(response.url).content.decode()
    assert "&#x27;6&#x27; is not a score from 1 to 5." in page
    assert "&#x27;9&#x27; is not a score from 1 to 7." in page
    assert "&#x27;maybe&#x27; is not yes or no." in page
    assert "repeats row 1" in page
    assert 'id="commit-import"' not in page


def test_daily_experience_figures_import_and_replace(client, client_a, scheduler_a):
    (line,) = _lines(client_a, "Order support")
    client.force_login(scheduler_a)
    for _ in range(2):
        response = client.post(
            reverse("client:experience_upload", args=[client_a.slug]),
            {
                "file": upload((SAMPLES / "customer-experience-daily.csv").read_bytes()),
                "kind": "daily",
            },
        )
        record_id = int(response.url.rstrip("/").rsplit("/", 1)[-1])
        client.post(reverse("client:experience_import_commit", args=[client_a.slug, record_id]))
    connection.set_tenant(client_a)
    days = DailyExperience.objects.filter(service_line=line)
    assert days.count() == 7
    first = days.earliest("day")
    assert (first.csat_responses, first.csat_satisfied, first.csat_sum) == (40, 33, 168)
    assert (first.ces_responses, first.ces_sum, first.fcr_resolved) == (22, 57, 30)
    connection.set_schema_to_public()


def test_the_scheduler_is_told_of_lines_without_last_week_and_failed_imports(
    client_a, scheduler_a, account_manager
):
    # given two active lines, one with an interval last week, and a failed import
    covered, _missing = _lines(client_a, "Order support", "Returns by e-mail")
    start, _ = last_week(client_a)
    connection.set_tenant(client_a)
    IntervalStatistic.objects.create(
        service_line=covered, starts_at=start + timedelta(hours=9), interval_minutes=15
    )
    StatisticsImport.objects.create(
        file_name="broken.csv", format="neutral", time_zone="UTC", status="failed"
    )
    connection.set_schema_to_public()

    # when
    todos = todos_for(user=scheduler_a, clients=[client_a])

    # then
    kinds = sorted((todo.kind, todo.detail) for todo in todos)
    assert kinds == [
        ("statistics_import_failed", "It failed and stored nothing."),
        ("statistics_missing", "No intervals stored for Returns by e-mail."),
    ]
    others = todos_for(user=account_manager, clients=[client_a])
    assert not [todo for todo in others if todo.kind.startswith("statistics")]
    assert start.tzinfo is not None and start < datetime.now(UTC)
