"""Writes of weekly reports: the week's first report (once per client and week), a new
revision on request, subscriptions to the e-mail of new reports.

Rendering is a worker's job (``bpo.reporting.workers``): a service records the report row and
its job and enqueues the task after commit. A ready report is never written again (the trigger
of migration ``0002_weekly_report_immutability`` refuses it in any case).
"""

from __future__ import annotations

from django.db import IntegrityError, transaction

from bpo.errors import ConflictError
from bpo.jobs import services as job_services
from bpo.reporting import tasks
from bpo.reporting.audit import audit_actor
from bpo.reporting.models import ReportSubscription, WeeklyReport, WeeklyReportStatus
from scheduling.planning.selectors.sla import IsoWeek
from tenants.db import tenant_connection

JOB_KIND = "weekly_report"


def _client():
    client = getattr(tenant_connection(), "tenant", None)
    if client is None or client.schema_name == "public":
        raise RuntimeError("report services run with a client's schema active")
    return client


def _new_report(*, client, week: IsoWeek, revision: int, actor) -> WeeklyReport:
    job = job_services.create_job(kind=JOB_KIND, created_by=actor, client=client)
    return WeeklyReport.objects.create(
        iso_year=week.year,
        iso_week=week.week,
        revision=revision,
        time_zone=client.time_zone,
        requested_by=actor,
        job_id=job.pk,
    )


def ensure_weekly_report(*, week: IsoWeek, actor=None) -> tuple[WeeklyReport, bool]:
    """The week's first report: created (revision 1, queued, with its job) unless any
    revision of the week exists. Idempotent: the unique constraint decides a race, and the
    loser gets the row the winner made. Returns (report, created)."""
    client = _client()
    existing = WeeklyReport.objects.filter(iso_year=week.year, iso_week=week.week).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic(), audit_actor(actor):
            return _new_report(client=client, week=week, revision=1, actor=actor), True
    except IntegrityError:
        return WeeklyReport.objects.get(iso_year=week.year, iso_week=week.week, revision=1), False


@transaction.atomic
def regenerate_weekly_report(*, week: IsoWeek, actor) -> WeeklyReport:
    """A new revision of the week's report (the old ones stay as they are), rendered by a
    worker after commit. Refused (``ConflictError``) while a revision of the week is still
    being rendered, unless its job was lost (stalled) or failed."""
    client = _client()
    if client.is_offboarded:
        raise ConflictError("This client is offboarded: its records are final.", field="week")
    # The client's row is the lock that numbers a week's revisions one after the other (the
    # week may have no report yet, so there is no report row to lock).
    type(client).objects.select_for_update().filter(pk=client.pk).first()
    reports = list(
        WeeklyReport.objects.filter(iso_year=week.year, iso_week=week.week).order_by("revision")
    )
    for report in reports:
        report = settle_report(report=report)
        job = report.job if report.job_id else None
        if report.is_in_progress and not (job is not None and job.can_be_retried):
            raise ConflictError(
                f"Revision {report.revision} of week {week} is being rendered; wait for it.",
                field="week",
            )
    latest = max((report.revision for report in reports), default=0)
    with audit_actor(actor):
        report = _new_report(client=client, week=week, revision=latest + 1, actor=actor)
    enqueue_render(report=report)
    return report


def enqueue_render(*, report: WeeklyReport) -> None:
    """Hand the report's rendering to a worker once the transaction commits (the schema
    travels with the task)."""
    job_services.enqueue_after_commit(
        job_id=report.job_id, send=lambda: tasks.render_weekly_report_task.delay(report.pk)
    )


@transaction.atomic
def subscribe_to_reports(*, user) -> ReportSubscription:
    with audit_actor(user):
        subscription, _ = ReportSubscription.objects.get_or_create(user_id=user.pk)
    return subscription


@transaction.atomic
def unsubscribe_from_reports(*, user) -> None:
    with audit_actor(user):
        for subscription in ReportSubscription.objects.filter(user_id=user.pk):
            subscription.delete()


def settle_report(*, report: WeeklyReport) -> WeeklyReport:
    """A report whose job failed before any worker started it (the broker could not be
    reached) is failed too, with the job's reason; called on read."""
    if not report.is_in_progress or not report.job_id:
        return report
    job = report.job
    if job is not None and job.status == "failed":
        WeeklyReport.objects.filter(
            pk=report.pk, status__in=[WeeklyReportStatus.QUEUED, WeeklyReportStatus.RENDERING]
        ).update(status=WeeklyReportStatus.FAILED, error=job.error[:5000])
        report.status, report.error = WeeklyReportStatus.FAILED, job.error
    return report
