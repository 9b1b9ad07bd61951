"""Weekly reports of one client, in the client's own schema.

A report is one ISO week of the client (its own zone) in one revision: the metrics snapshot
(JSON, every figure with where it comes from), the PDF rendered from it, and the PDF's SHA-256.
Regenerating a week makes a new revision; the old one stays. Once a revision is ready it never
changes: the services never write it again and a database trigger (migration
``0002_weekly_report_immutability``) refuses any update or delete of a ready row.

``ReportSubscription`` names the client's people who receive an e-mail for each new report.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from scheduling.planning.selectors.sla import IsoWeek


class WeeklyReportStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RENDERING = "rendering", "Rendering"
    READY = "ready", "Ready"
    FAILED = "failed", "Failed"


class WeeklyReport(models.Model):
    iso_year = models.PositiveSmallIntegerField()
    iso_week = models.PositiveSmallIntegerField()
    revision = models.PositiveSmallIntegerField(default=1)
    status = models.CharField(
        max_length=12, choices=WeeklyReportStatus.choices, default=WeeklyReportStatus.QUEUED
    )
    time_zone = models.CharField(max_length=64, help_text="The client's zone the week is read in.")
    snapshot = models.JSONField(default=dict, blank=True, help_text="Every figure of the report.")
    pdf = models.BinaryField(default=b"", blank=True, editable=False)
    sha256 = models.CharField(max_length=64, blank=True)
    page_count = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)
    requested_at = models.DateTimeField(auto_now_add=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
    )
    generated_at = models.DateTimeField(null=True, blank=True)
    render_seconds = models.FloatField(null=True, blank=True)
    job = models.ForeignKey(
        "jobs.Job",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-iso_year", "-iso_week", "-revision"]
        constraints = [
            # Once per client and week: the beat's get-or-create lands on revision 1.
            models.UniqueConstraint(
                fields=["iso_year", "iso_week", "revision"], name="weekly_report_one_revision"
            ),
            models.CheckConstraint(
                condition=Q(iso_week__gte=1, iso_week__lte=53), name="weekly_report_iso_week"
            ),
            models.CheckConstraint(
                condition=~Q(status="ready") | Q(sha256__regex=r"^[0-9a-f]{64}$"),
                name="weekly_report_ready_has_hash",
            ),
        ]

    def __str__(self) -> str:
        return f"Weekly report {self.week}, revision {self.revision}"

    @property
    def week(self) -> IsoWeek:
        return IsoWeek(self.iso_year, self.iso_week)

    @property
    def is_ready(self) -> bool:
        return self.status == WeeklyReportStatus.READY

    @property
    def is_in_progress(self) -> bool:
        return self.status in {WeeklyReportStatus.QUEUED, WeeklyReportStatus.RENDERING}

    @property
    def file_name(self) -> str:
        return f"weekly-report-{self.week}-r{self.revision}.pdf"


class ReportSubscription(models.Model):
    """One of the client's people who is e-mailed when a new weekly report is ready."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, db_constraint=False, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user"], name="report_subscription_one_per_user")
        ]

    def __str__(self) -> str:
        return f"Report subscription of {self.user_id}"
