"""What a worker runs for a weekly report: build the snapshot from the week's figures, render
the one template with its charts, turn it into a PDF (``bpo.pdf``), and store snapshot, PDF and
SHA-256 in one write; then e-mail the subscribers. Runs in the client's schema (the task
carries it). Idempotent: a ready report is returned as it is."""

from __future__ import annotations

import logging
import time

from django.conf import settings
from django.core.mail import send_mail
from django.db import DatabaseError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from bpo import pdf
from bpo.accounts.models import User
from bpo.accounts.permissions import can
from bpo.accounts.roles import Action
from bpo.jobs import services as job_services
from bpo.reporting import content, qa, rendering
from bpo.reporting.models import ReportSubscription, WeeklyReport, WeeklyReportStatus
from scheduling.planning.selectors.sla import IsoWeek
from tenants.db import tenant_connection

logger = logging.getLogger(__name__)


def build_report_snapshot(*, client, week: IsoWeek) -> dict:
    return content.build_snapshot(
        client=client, week=week, qa=qa.week_qa_section(client=client, week=week)
    )


def render_weekly_report(*, report_id: int) -> WeeklyReport:
    """Render and store one report; a ready (or failed) report is returned unchanged.

    Progress is reported between steps, outside any transaction; the stored row is written
    once, at the end. A failure marks the report and its job failed with the reason."""
    report = WeeklyReport.objects.get(pk=report_id)
    if report.status in {WeeklyReportStatus.READY, WeeklyReportStatus.FAILED}:
        return report
    client = tenant_connection().tenant
    job_id = report.job_id

    def progress(percent: int, message: str) -> None:
        if job_id:
            job_services.report_progress(job_id=job_id, progress=percent, message=message)

    if job_id:
        job_services.start_job(job_id=job_id)
    WeeklyReport.objects.filter(pk=report.pk).update(status=WeeklyReportStatus.RENDERING)
    started = time.perf_counter()
    try:
        progress(5, "Reading the week's figures")
        snapshot = build_report_snapshot(client=client, week=report.week)
        progress(40, "Drawing the charts")
        html = rendering.render_report_document(snapshot, revision=report.revision)
        progress(65, "Rendering the PDF")
        rendered = pdf.render_pdf(
            html, title=f"Weekly report {report.week} · {snapshot['client']['name']}"
        )
        progress(90, "Storing the report")
        report = _store(
            report_id=report.pk,
            snapshot=snapshot,
            rendered=rendered,
            seconds=time.perf_counter() - started,
        )
    except Exception as exc:
        message = f"{type(exc).__name__}: {exc}"
        try:
            WeeklyReport.objects.filter(pk=report_id).exclude(
                status=WeeklyReportStatus.READY
            ).update(status=WeeklyReportStatus.FAILED, error=message[:5000])
            if job_id:
                job_services.fail_job(job_id=job_id, error=message, message="The report failed")
        except DatabaseError:
            logger.exception("Could not record the failure of weekly report %s", report_id)
        raise
    if job_id:
        job_services.finish_job(
            job_id=job_id,
            result={
                "report": report.pk,
                "revision": report.revision,
                "sha256": report.sha256,
                "pages": report.page_count,
                "seconds": round(report.render_seconds or 0, 3),
            },
            message=f"Revision {report.revision} of week {report.week} is ready",
        )
    return report


@transaction.atomic
def _store(*, report_id: int, snapshot: dict, rendered: pdf.RenderedPdf, seconds: float):
    report = WeeklyReport.objects.select_for_update().get(pk=report_id)
    if report.status == WeeklyReportStatus.READY:  # a second delivery finished first
        return report
    report.snapshot = snapshot
    report.pdf = rendered.content
    report.sha256 = rendered.sha256
    report.page_count = rendered.pages
    report.generated_at = timezone.now()
    report.render_seconds = seconds
    report.status = WeeklyReportStatus.READY
    report.error = ""
    report.save(
        update_fields=[
            "snapshot",
            "pdf",
            "sha256",
            "page_count",
            "generated_at",
            "render_seconds",
            "status",
            "error",
        ]
    )
    client = tenant_connection().tenant
    transaction.on_commit(lambda: announce_report(client=client, report_id=report.pk))
    return report


def report_url(*, client, report: WeeklyReport) -> str:
    path = reverse("client:weekly_report", args=[client.slug, report.pk])
    return settings.PORTAL_BASE_URL.rstrip("/") + path


def announce_report(*, client, report_id: int) -> int:
    """E-mail the client's subscribed people (those who may still read reports) that the
    report is ready, with a link to its page. Returns the number of messages sent."""
    report = WeeklyReport.objects.only(*("id", "iso_year", "iso_week", "revision")).get(
        pk=report_id
    )
    user_ids = list(ReportSubscription.objects.values_list("user_id", flat=True))
    recipients = [
        user
        for user in User.objects.filter(pk__in=user_ids, is_active=True).order_by("email")
        if can(user, client, Action.VIEW_REPORTS)
    ]
    context = {"client": client, "report": report, "url": report_url(client=client, report=report)}
    subject = f"{client.name}: weekly report for week {report.week}"
    if report.revision > 1:
        subject += f" (revision {report.revision})"
    body = render_to_string("reporting/report_email.txt", context)
    sent = 0
    for user in recipients:
        try:
            sent += send_mail(subject, body, None, [user.email])
        except OSError:
            logger.exception("Could not e-mail the weekly report to %s", user.email)
    return sent
