"""The weekly report pages and API: the archive (newest first, pinned queries), a report's
page (the same template as the PDF) and its PDF, regenerating (account side only, 202 on the
API, a progress bar while the worker renders), the subscription, the account managers' list
across clients, the client admin's to-do. Isolation of every route is in tests/test_isolation.py;
here, B's people against A's report by id, and the rights of each role."""

from __future__ import annotations

import hashlib

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from bpo.portal.todos import todos_for
from bpo.reporting import services, tasks, workers
from bpo.reporting.models import ReportSubscription, WeeklyReport
from scheduling.planning.selectors.sla import IsoWeek
from tests.catalog.factories import ServiceLineFactory
from tests.conftest import token_client
from tests.reporting.helpers import line_targets

pytestmark = pytest.mark.django_db

WEEK = IsoWeek(2026, 47)


def _stored(client, week: IsoWeek, revision: int = 1) -> WeeklyReport:
    """A ready report made directly (snapshot of an empty week, made-up PDF bytes)."""
    from bpo.reporting.content import build_snapshot

    connection.set_tenant(client)
    try:
        content = f"%PDF-1.7 {week} r{revision}".encode()
        return WeeklyReport.objects.create(
            iso_year=week.year,
            iso_week=week.week,
            revision=revision,
            time_zone=client.time_zone,
            status="ready",
            snapshot=build_snapshot(client=client, week=week),
            pdf=content,
            sha256=hashlib.sha256(content).hexdigest(),
            page_count=1,
            generated_at=timezone.now(),
        )
    finally:
        connection.set_schema_to_public()


@pytest.fixture
def rendered(client_a):
    """A report of a week with a line, rendered through the worker."""
    connection.set_tenant(client_a)
    try:
        ServiceLineFactory(name="Orders", **line_targets())
        report, _ = services.ensure_weekly_report(week=WEEK)
        return workers.render_weekly_report(report_id=report.pk)
    finally:
        connection.set_schema_to_public()


@pytest.fixture
def run_renders_here(monkeypatch, client_a):
    """The broker is the outside world: the render task runs here, in client A's schema."""
    sent = []

    def delay(report_id):
        sent.append(report_id)
        connection.set_tenant(client_a)
        try:
            workers.render_weekly_report(report_id=report_id)
        finally:
            connection.set_schema_to_public()

    monkeypatch.setattr(tasks.render_weekly_report_task, "delay", delay)
    return sent


def test_the_archive_lists_reports_newest_first_in_fixed_queries(client, client_a, client_a_viewer):
    # given
    for week in (IsoWeek(2026, 44), IsoWeek(2026, 46), IsoWeek(2026, 45)):
        _stored(client_a, week)
    _stored(client_a, IsoWeek(2026, 46), revision=2)
    client.force_login(client_a_viewer)
    url = reverse("client:weekly_reports", args=[client_a.slug])
    client.get(url)  # warm the per-user caches

    # when
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    for week in (IsoWeek(2026, 43), IsoWeek(2026, 42)):
        _stored(client_a, week)
    with CaptureQueriesContext(connection) as more:
        client.get(url)

    # then
    body = response.content.decode()
    order = [body.index(text) for text in ("2026-W46", "2026-W45", "2026-W44")]
    assert order == sorted(order)
    assert body.index(">2<") < body.index(">1<")  # revision 2 of W46 before revision 1
    assert "PDF, 1 page" in body
    assert len(more) == len(queries)
    assert "Regenerate" not in body  # a viewer reads, the account side regenerates


def test_the_report_page_shows_the_report_and_the_pdf_downloads(
    client, client_a, client_a_admin, rendered
):
    client.force_login(client_a_admin)
    page = client.get(reverse("client:weekly_report", args=[client_a.slug, rendered.pk]))
    assert page.status_code == 200
    body = page.content.decode()
    assert "Targets this week" in body and "Orders" in body and rendered.sha256 in body
    pdf = client.get(reverse("client:weekly_report_pdf", args=[client_a.slug, rendered.pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert hashlib.sha256(pdf.content).hexdigest() == rendered.sha256
    assert pdf["Content-Disposition"] == 'attachment; filename="weekly-report-2026-W47-r1.pdf"'


def test_another_clients_people_get_404_for_a_report_by_id(
    client, client_a, client_b_admin, rendered
):
    client.force_login(client_b_admin)
    # through B's own portal, with A's report id: not found in B's schema
    for name in ("client:weekly_report", "client:weekly_report_pdf"):
        response = client.get(reverse(name, args=["globex-b", rendered.pk]))
        assert response.status_code == 404
    api = token_client(client_b_admin)
    assert api.get(f"/api/v1/clients/globex-b/reports/{rendered.pk}/").status_code == 404
    assert api.get(f"/api/v1/clients/globex-b/reports/{rendered.pk}/pdf/").status_code == 404
    assert api.get(f"/api/v1/clients/{client_a.slug}/reports/").status_code == 404


def test_regenerating_from_the_page_shows_progress_then_the_new_revision(
    client,
    client_a,
    account_manager,
    rendered,
    run_renders_here,
    django_capture_on_commit_callbacks,
):
    client.force_login(account_manager)
    url = reverse("client:weekly_report_regenerate", args=[client_a.slug])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(url, {"week": "2026-W47"})
    # before the worker ran: the page shows the progress bar
    connection.set_tenant(client_a)
    second = WeeklyReport.objects.get(iso_year=2026, iso_week=47, revision=2)
    connection.set_schema_to_public()
    assert response.url == reverse("client:weekly_report", args=[client_a.slug, second.pk])
    waiting = client.get(response.url).content.decode()
    assert 'role="progressbar"' in waiting and "Queued" in waiting
    # the worker renders it (on commit)
    for callback in callbacks:
        callback()
    assert run_renders_here == [second.pk]
    done = client.get(response.url).content.decode()
    assert "revision 2" in done.lower() and 'role="progressbar"' not in done


def test_clients_may_not_regenerate(client, client_a, client_a_admin):
    client.force_login(client_a_admin)
    response = client.post(
        reverse("client:weekly_report_regenerate", args=[client_a.slug]), {"week": "2026-W47"}
    )
    assert response.status_code == 403
    api = token_client(client_a_admin)
    response = api.post(
        f"/api/v1/clients/{client_a.slug}/reports/regenerate/", {"week": "2026-W47"}, format="json"
    )
    assert response.status_code == 403


def test_a_bad_week_is_refused_in_words(client, client_a, account_manager):
    client.force_login(account_manager)
    response = client.post(
        reverse("client:weekly_report_regenerate", args=[client_a.slug]),
        {"week": "47"},
        follow=True,
    )
    assert "is not an ISO week" in response.content.decode()


def test_the_api_lists_reads_downloads_and_regenerates(
    client_a, account_manager, rendered, run_renders_here
):
    api = token_client(account_manager)
    base = f"/api/v1/clients/{client_a.slug}/reports/"
    listed = api.get(base)
    assert listed.status_code == 200
    rows = listed.json()["results"] if "results" in listed.json() else listed.json()
    assert rows[0]["week"] == "2026-W47" and rows[0]["sha256"] == rendered.sha256
    detail = api.get(f"{base}{rendered.pk}/").json()
    assert detail["snapshot"]["lines"][0]["name"] == "Orders"
    pdf = api.get(f"{base}{rendered.pk}/pdf/")
    assert pdf.status_code == 200 and hashlib.sha256(pdf.content).hexdigest() == rendered.sha256
    response = api.post(f"{base}regenerate/", {"week": "2026-W47"}, format="json")
    assert response.status_code == 202
    assert response.json()["revision"] == 2 and response.json()["status"] == "queued"
    bad = api.post(f"{base}regenerate/", {"week": "W47"}, format="json")
    assert bad.status_code == 400 and "week" in bad.json()["error"]["fields"]


def test_subscribing_from_the_archive(client, client_a, client_a_viewer):
    client.force_login(client_a_viewer)
    url = reverse("client:report_subscription", args=[client_a.slug])
    client.post(url, {"subscribe": "1"})
    connection.set_tenant(client_a)
    assert list(ReportSubscription.objects.values_list("user_id", flat=True)) == [
        client_a_viewer.pk
    ]
    connection.set_schema_to_public()
    page = client.get(reverse("client:weekly_reports", args=[client_a.slug])).content.decode()
    assert "Stop the e-mails" in page
    client.post(url, {"subscribe": "0"})
    connection.set_tenant(client_a)
    assert not ReportSubscription.objects.exists()
    connection.set_schema_to_public()


def test_account_managers_see_their_clients_reports(
    client, client_a, client_b, account_manager, client_a_admin
):
    _stored(client_a, IsoWeek(2026, 46))
    _stored(client_b, IsoWeek(2026, 46))
    client.force_login(account_manager)
    body = client.get(reverse("reporting:reports_across_clients")).content.decode()
    assert client_a.name in body and client_b.name not in body
    client.force_login(client_a_admin)  # not provider staff
    assert client.get(reverse("reporting:reports_across_clients")).status_code == 404


def test_the_client_admin_is_told_of_a_new_report(client_a, client_a_admin, client_a_viewer):
    report = _stored(client_a, IsoWeek(2026, 46))
    items = [
        t
        for t in todos_for(user=client_a_admin, clients=[client_a])
        if t.kind == "weekly_report_new"
    ]
    assert [t.title for t in items] == ["New weekly report: week 2026-W46"]
    assert items[0].url == reverse("client:weekly_report", args=[client_a.slug, report.pk])
    assert not [
        t
        for t in todos_for(user=client_a_viewer, clients=[client_a])
        if t.kind == "weekly_report_new"
    ]
