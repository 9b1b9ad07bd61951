"""Generating weekly reports: once per client and week (idempotent), a new revision on
request with the old kept, immutable once stored (the database refuses), the beat at Monday
06:00 in each client's own zone (a frozen clock, two zones and a DST change), and the e-mail to
subscribed people."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.core import mail
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from bpo.errors import ConflictError
from bpo.jobs.models import Job
from bpo.reporting import selectors, services, tasks, workers
from bpo.reporting.models import WeeklyReport
from scheduling.planning.selectors.sla import IsoWeek
from tests.catalog.factories import ServiceLineFactory
from tests.reporting.helpers import line_targets

pytestmark = pytest.mark.django_db

WEEK = IsoWeek(2026, 47)


@pytest.fixture
def line(in_a):
    return ServiceLineFactory(name="Orders", **line_targets())


def _render(report):
    return workers.render_weekly_report(report_id=report.pk)


def test_the_first_report_of_a_week_is_made_once(in_a, line):
    # given
    first, created = services.ensure_weekly_report(week=WEEK)

    # when asked again (a second beat, a redelivered task)
    again, created_again = services.ensure_weekly_report(week=WEEK)
    rendered = _render(first)
    rendered_again = _render(again)

    # then
    assert created and not created_again
    assert again.pk == first.pk and first.revision == 1
    assert rendered.status == rendered_again.status == "ready"
    assert rendered_again.sha256 == rendered.sha256
    assert WeeklyReport.objects.filter(iso_year=2026, iso_week=47).count() == 1
    assert Job.objects.get(pk=first.job_id).status == "succeeded"


def test_one_revision_per_week_is_kept_by_the_database(in_a, line):
    services.ensure_weekly_report(week=WEEK)
    with pytest.raises(IntegrityError), transaction.atomic():
        WeeklyReport.objects.create(iso_year=2026, iso_week=47, revision=1, time_zone="UTC")


def test_regenerating_makes_a_new_revision_and_keeps_the_old(in_a, line, account_manager):
    # given a stored report
    first = _render(services.ensure_weekly_report(week=WEEK)[0])

    # when the account manager regenerates the week
    second = services.regenerate_weekly_report(week=WEEK, actor=account_manager)
    second = _render(second)

    # then there are two revisions; the first is unchanged
    assert second.revision == 2 and second.status == "ready"
    kept = WeeklyReport.objects.get(pk=first.pk)
    assert kept.sha256 == first.sha256 and bytes(kept.pdf) == bytes(first.pdf)
    assert second.sha256 != first.sha256  # the revision is printed on every page
    assert [r.revision for r in selectors.list_reports()] == [2, 1]


def test_a_revision_still_rendering_refuses_another(in_a, line, account_manager):
    services.regenerate_weekly_report(week=WEEK, actor=account_manager)
    with pytest.raises(ConflictError, match="is being rendered"):
        services.regenerate_weekly_report(week=WEEK, actor=account_manager)


def test_a_stored_report_cannot_be_changed_or_deleted(in_a, line):
    # given
    report = _render(services.ensure_weekly_report(week=WEEK)[0])

    # when / then: any path that writes the row is refused by the trigger
    with pytest.raises(IntegrityError, match="cannot be changed"), transaction.atomic():
        WeeklyReport.objects.filter(pk=report.pk).update(sha256="0" * 64)
    with (
        pytest.raises(IntegrityError, match="cannot be changed"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("UPDATE reporting_weeklyreport SET pdf = '' WHERE id = %s", [report.pk])
    with pytest.raises(IntegrityError, match="cannot be deleted"), transaction.atomic():
        WeeklyReport.objects.filter(pk=report.pk).delete()
    assert WeeklyReport.objects.get(pk=report.pk).sha256 == report.sha256


def test_a_queued_report_may_still_change(in_a, line):
    report, _ = services.ensure_weekly_report(week=WEEK)
    WeeklyReport.objects.filter(pk=report.pk).update(status="rendering")
    assert WeeklyReport.objects.get(pk=report.pk).status == "rendering"


# --- the beat, per client zone ------------------------------------------------------------------


@pytest.fixture
def two_zones(client_a, client_b):
    """Client A in Auckland, client B in Los Angeles, both live (rolled back after the test)."""
    client_a.time_zone, client_a.status = "Pacific/Auckland", "live"
    client_b.time_zone, client_b.status = "America/Los_Angeles", "live"
    client_a.save(update_fields=["time_zone", "status"])
    client_b.save(update_fields=["time_zone", "status"])
    return client_a, client_b


@pytest.fixture
def sent(monkeypatch):
    """The broker is the outside world: record which schema each task was sent from (what
    tenant-schemas-celery carries to the worker) and its week."""
    messages = []

    def delay(week):
        messages.append((connection.schema_name, week))

    monkeypatch.setattr(tasks.generate_weekly_report_task, "delay", delay)
    return messages


def _beat_at(monkeypatch, moment: datetime) -> int:
    monkeypatch.setattr(timezone, "now", lambda: moment)
    connection.set_schema_to_public()
    return tasks.enqueue_due_weekly_reports()


def test_the_beat_fires_at_monday_six_in_each_clients_own_zone(two_zones, sent, monkeypatch):
    auckland, los_angeles = two_zones
    # Monday 23 November 2026 06:00 in Auckland (NZDT, +13) is Sunday 22 November 17:00 UTC
    assert _beat_at(monkeypatch, datetime(2026, 11, 22, 16, 45, tzinfo=UTC)) == 0
    assert _beat_at(monkeypatch, datetime(2026, 11, 22, 17, 0, tzinfo=UTC)) == 1
    assert sent == [(auckland.schema_name, "2026-W47")]
    # Los Angeles (PST, -8) reaches Monday 06:00 at 14:00 UTC; Auckland is still in its
    # window but has no report yet in this test (the task was only recorded): sent again.
    sent.clear()
    assert _beat_at(monkeypatch, datetime(2026, 11, 23, 13, 45, tzinfo=UTC)) == 1
    assert sent == [(auckland.schema_name, "2026-W47")]
    sent.clear()
    assert _beat_at(monkeypatch, datetime(2026, 11, 23, 14, 0, tzinfo=UTC)) == 2
    assert sorted(sent) == sorted(
        [(auckland.schema_name, "2026-W47"), (los_angeles.schema_name, "2026-W47")]
    )


def test_the_beat_skips_a_client_whose_report_exists(two_zones, sent, monkeypatch):
    auckland, los_angeles = two_zones
    connection.set_tenant(auckland)
    services.ensure_weekly_report(week=WEEK)
    assert _beat_at(monkeypatch, datetime(2026, 11, 23, 14, 0, tzinfo=UTC)) == 1
    assert sent == [(los_angeles.schema_name, "2026-W47")]


def test_the_beat_follows_a_dst_change(two_zones, sent, monkeypatch):
    # Los Angeles leaves DST on Sunday 1 November 2026: on Monday 2 November 06:00 PST is
    # 14:00 UTC (the Monday before, 06:00 PDT, was 13:00 UTC).
    _, los_angeles = two_zones
    two_zones[0].status = "onboarding"
    two_zones[0].save(update_fields=["status"])
    assert _beat_at(monkeypatch, datetime(2026, 11, 2, 13, 0, tzinfo=UTC)) == 0
    assert _beat_at(monkeypatch, datetime(2026, 11, 2, 14, 0, tzinfo=UTC)) == 1
    assert sent == [(los_angeles.schema_name, "2026-W44")]
    sent.clear()
    assert _beat_at(monkeypatch, datetime(2026, 10, 26, 13, 0, tzinfo=UTC)) == 1
    assert sent == [(los_angeles.schema_name, "2026-W43")]


def test_the_due_week_window():
    # Auckland: Monday 06:00 local until Wednesday 06:00 (the catch-up window)
    assert selectors.due_week(
        time_zone="Pacific/Auckland", now=datetime(2026, 11, 22, 17, 0, tzinfo=UTC)
    ) == IsoWeek(2026, 47)
    assert (
        selectors.due_week(
            time_zone="Pacific/Auckland", now=datetime(2026, 11, 24, 17, 0, tzinfo=UTC)
        )
        is None
    )
    assert (
        selectors.due_week(
            time_zone="America/Los_Angeles", now=datetime(2026, 11, 22, 17, 0, tzinfo=UTC)
        )
        is None
    )


def test_the_beat_task_makes_and_renders_the_report_in_the_clients_schema(in_a, line):
    # the task the beat enqueues, run here in client A's schema
    status = tasks.generate_weekly_report_task.run(str(WEEK))
    assert status == "ready"
    assert tasks.generate_weekly_report_task.run(str(WEEK)) == "ready"
    assert WeeklyReport.objects.count() == 1


# --- the e-mail ---------------------------------------------------------------------------------


def test_subscribed_people_are_emailed_a_link_to_the_new_report(
    in_a,
    line,
    client_a_admin,
    client_a_viewer,
    client_b_admin,
    settings,
    django_capture_on_commit_callbacks,
):
    # given two subscribers of client A, and a user of client B subscribed in A's schema
    # (which must never happen, but the membership check holds anyway)
    settings.PORTAL_BASE_URL = "https://portal.example"
    services.subscribe_to_reports(user=client_a_admin)
    services.subscribe_to_reports(user=client_a_viewer)
    services.subscribe_to_reports(user=client_b_admin)
    report, _ = services.ensure_weekly_report(week=WEEK)

    # when the report is stored (the e-mail goes on commit)
    with django_capture_on_commit_callbacks(execute=True):
        report = _render(report)

    # then
    assert len(mail.outbox) == 2
    assert sorted(message.to[0] for message in mail.outbox) == [
        client_a_admin.email,
        client_a_viewer.email,
    ]
    message = mail.outbox[-1]
    assert message.subject == f"{in_a.name}: weekly report for week 2026-W47"
    assert f"https://portal.example/c/{in_a.slug}/reports/{report.pk}/" in message.body


def test_unsubscribing_stops_the_emails(in_a, line, client_a_admin):
    services.subscribe_to_reports(user=client_a_admin)
    services.unsubscribe_from_reports(user=client_a_admin)
    report = _render(services.ensure_weekly_report(week=WEEK)[0])
    assert workers.announce_report(client=in_a, report_id=report.pk) == 0
