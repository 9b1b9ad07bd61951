"""Records of statistics imports: a file uploaded from an ACD export (or rows pushed through the
API), what it was read as, what it found and what it stored. One row per attempt, kept as the
history of where each stored interval came from."""

from __future__ import annotations

from django.db import models


class ImportFormat(models.TextChoices):
    NEUTRAL = "neutral", "Neutral columns"
    GENESYS_CLOUD = "genesys-cloud", "Genesys Cloud (queue performance, interval view)"
    AMAZON_CONNECT = "amazon-connect", "Amazon Connect (historical metrics report)"


class ImportSource(models.TextChoices):
    FILE = "file", "File upload"
    COMMAND = "command", "Command line"
    API = "api", "API push"


class ImportStatus(models.TextChoices):
    VALIDATING = "validating", "Checking"
    PREVIEW = "preview", "Ready to commit"
    COMMITTING = "committing", "Storing"
    COMMITTED = "committed", "Stored"
    FAILED = "failed", "Failed"


class DurationUnit(models.TextChoices):
    SECONDS = "seconds", "Seconds"
    MILLISECONDS = "milliseconds", "Milliseconds"


class StatisticsImport(models.Model):
    """One import of interval statistics.

    ``service_line`` is set when every row goes to one line; otherwise ``queue_mapping`` maps
    the file's queue names to service line ids (a queue named like a line maps to it without
    an entry). ``errors`` holds the first problems found, each ``{"row", "column",
    "message"}`` (row 1 is the first data row after the header); ``error_count`` counts all of
    them. ``replaced_from``/``replaced_until`` bound the intervals the commit stored (UTC,
    ``until`` exclusive)."""

    created_at = models.DateTimeField(auto_now_add=True)
    # Public users and jobs: no constraint from a client schema into public (see the
    # architecture page: it would forbid TRUNCATE of the public tables).
    created_by = models.ForeignKey(
        "accounts.User",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
    )
    committed_at = models.DateTimeField(null=True, blank=True)
    source = models.CharField(max_length=8, choices=ImportSource.choices, default=ImportSource.FILE)
    file_name = models.CharField(max_length=255, blank=True)
    file_path = models.CharField(max_length=500, blank=True, help_text="In the default storage.")
    file_size = models.PositiveBigIntegerField(default=0)
    format = models.CharField(max_length=16, choices=ImportFormat.choices)
    duration_unit = models.CharField(
        max_length=12, choices=DurationUnit.choices, default=DurationUnit.SECONDS
    )
    service_line = models.ForeignKey(
        "catalog.ServiceLine",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="statistics_imports",
    )
    queue_mapping = models.JSONField(default=dict, blank=True)
    time_zone = models.CharField(
        max_length=64, help_text="The zone of local times without an offset in the file."
    )
    interval_minutes = models.PositiveSmallIntegerField(default=15)
    status = models.CharField(
        max_length=12, choices=ImportStatus.choices, default=ImportStatus.VALIDATING
    )
    row_count = models.PositiveIntegerField(default=0)
    valid_row_count = models.PositiveIntegerField(default=0)
    inserted_count = models.PositiveIntegerField(default=0)
    replaced_count = models.PositiveIntegerField(default=0)
    error_count = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)
    warnings = models.JSONField(default=list, blank=True)
    column_mapping = models.JSONField(
        default=list, blank=True, help_text="[{column, field, note}] as the file was read."
    )
    unknown_columns = models.JSONField(default=list, blank=True)
    preview_rows = models.JSONField(default=list, blank=True)
    replaced_from = models.DateTimeField(null=True, blank=True)
    replaced_until = models.DateTimeField(null=True, blank=True)
    job = models.ForeignKey(
        "jobs.Job",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
    )
    # API pushes: the same key with the same content answers the stored answer again.
    idempotency_key = models.CharField(max_length=200, blank=True)
    request_hash = models.CharField(max_length=64, blank=True)
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    response_body = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["idempotency_key"],
                condition=~models.Q(idempotency_key=""),
                name="statistics_import_idempotency_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.file_name or self.get_source_display()} ({self.get_status_display()})"

    @property
    def is_finished(self) -> bool:
        return self.status in {ImportStatus.PREVIEW, ImportStatus.COMMITTED, ImportStatus.FAILED}

    @property
    def can_be_committed(self) -> bool:
        return self.status == ImportStatus.PREVIEW and self.error_count == 0
