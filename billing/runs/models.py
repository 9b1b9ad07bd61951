"""Invoice runs, in the public schema: finance bills a period across clients in one job.

A run holds one item per client; each item is drafted in the client's own schema by its own
task, so one client's failure is recorded on its item while the others go on, and two workers
share a run. A run is identified by its run key (the period and the clients it covers): asking
for the same run twice returns the first one, and an item already drafted is never drafted again.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class InvoiceRunStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    FINISHED = "finished", "Finished"
    FINISHED_WITH_FAILURES = "finished_with_failures", "Finished, some clients failed"


class InvoiceRunTrigger(models.TextChoices):
    FINANCE = "finance", "Started by finance"
    SCHEDULE = "schedule", "Monthly schedule"


class InvoiceRun(models.Model):
    run_key = models.CharField(max_length=120, unique=True)
    period_start = models.DateField()
    period_end = models.DateField(help_text="The period's last day (inclusive).")
    trigger = models.CharField(
        max_length=16, choices=InvoiceRunTrigger.choices, default=InvoiceRunTrigger.FINANCE
    )
    status = models.CharField(
        max_length=32, choices=InvoiceRunStatus.choices, default=InvoiceRunStatus.QUEUED
    )
    job = models.ForeignKey(
        "jobs.Job", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")),
                name="invoice_run_period_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"Invoice run {self.period_start:%Y-%m} ({self.get_status_display()})"


class InvoiceRunItemStatus(models.TextChoices):
    PENDING = "pending", "Waiting"
    DRAFTED = "drafted", "Draft ready"
    SKIPPED = "skipped", "Nothing to do"
    FAILED = "failed", "Failed"


ITEM_DONE = (InvoiceRunItemStatus.DRAFTED, InvoiceRunItemStatus.SKIPPED)


class InvoiceRunItem(models.Model):
    """One client of a run: its draft invoice (in its schema), or why there is none."""

    run = models.ForeignKey(InvoiceRun, on_delete=models.CASCADE, related_name="items")
    client = models.ForeignKey("tenants.Client", on_delete=models.CASCADE, related_name="+")
    status = models.CharField(
        max_length=16, choices=InvoiceRunItemStatus.choices, default=InvoiceRunItemStatus.PENDING
    )
    invoice_id = models.BigIntegerField(null=True, blank=True)
    currency = models.CharField(max_length=3, blank=True)
    total = models.DecimalField(max_digits=14, decimal_places=3, null=True, blank=True)
    message = models.CharField(max_length=300, blank=True)
    error = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["client__name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["run", "client"], name="invoice_run_item_once"),
        ]

    def __str__(self) -> str:
        return f"{self.client} in {self.run}: {self.get_status_display()}"
