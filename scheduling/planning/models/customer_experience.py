"""Customer experience results of one client: survey answers and first-contact resolution.

Imported per contact (``ContactExperience``) or already aggregated per line and day. Both end
up in ``DailyExperience``, one row per service line, day and channel with the sums and sample
sizes behind CSAT (percent satisfied, 4-5 of 5, and mean), CES (mean) and FCR (percent): the
figures aggregate from it per day and week by summing, never by averaging percentages."""

from __future__ import annotations

from django.db import models


class ExperienceImportKind(models.TextChoices):
    CONTACTS = "contacts", "One row per contact"
    DAILY = "daily", "Aggregated per line and day"


class ExperienceSource(models.TextChoices):
    CONTACTS = "contacts", "Computed from contact results"
    AGGREGATE = "aggregate", "Imported as daily figures"


class CustomerExperienceImport(models.Model):
    """One CX import (same flow as statistics: preview, row errors, all or nothing)."""

    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        "accounts.User",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
    )
    committed_at = models.DateTimeField(null=True, blank=True)
    file_name = models.CharField(max_length=255, blank=True)
    file_path = models.CharField(max_length=500, blank=True)
    file_size = models.PositiveBigIntegerField(default=0)
    kind = models.CharField(max_length=8, choices=ExperienceImportKind.choices)
    service_line = models.ForeignKey(
        "catalog.ServiceLine", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    status = models.CharField(max_length=12, default="validating")
    row_count = models.PositiveIntegerField(default=0)
    valid_row_count = models.PositiveIntegerField(default=0)
    stored_count = models.PositiveIntegerField(default=0)
    error_count = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)
    column_mapping = models.JSONField(default=list, blank=True)
    unknown_columns = models.JSONField(default=list, blank=True)
    preview_rows = models.JSONField(default=list, blank=True)
    first_day = models.DateField(null=True, blank=True)
    last_day = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.status})"

    def get_status_display(self) -> str:
        from scheduling.planning.models.imports import ImportStatus

        return ImportStatus(self.status).label if self.status in ImportStatus.values else ""

    @property
    def can_be_committed(self) -> bool:
        return self.status == "preview" and self.error_count == 0


class ContactExperience(models.Model):
    """One contact's survey answers and resolution, as the client's survey tool gave them."""

    service_line = models.ForeignKey(
        "catalog.ServiceLine", on_delete=models.CASCADE, related_name="contact_experiences"
    )
    contact_reference = models.CharField(max_length=120)
    day = models.DateField(help_text="The contact's day in the client's time zone.")
    channel = models.CharField(max_length=8)
    agent_reference = models.CharField(max_length=120, blank=True)
    csat = models.PositiveSmallIntegerField(null=True, blank=True, help_text="1 to 5.")
    ces = models.PositiveSmallIntegerField(null=True, blank=True, help_text="1 to 7.")
    resolved_first_contact = models.BooleanField(null=True, blank=True)
    experience_import = models.ForeignKey(
        CustomerExperienceImport, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["service_line", "day", "contact_reference"]
        constraints = [
            models.UniqueConstraint(
                fields=["service_line", "contact_reference"], name="contact_experience_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(csat__isnull=True) | models.Q(csat__gte=1, csat__lte=5),
                name="contact_experience_csat_1_5",
            ),
            models.CheckConstraint(
                condition=models.Q(ces__isnull=True) | models.Q(ces__gte=1, ces__lte=7),
                name="contact_experience_ces_1_7",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.contact_reference} {self.day}"


class DailyExperience(models.Model):
    """Sums and sample sizes of one line's CX results on one day and channel."""

    service_line = models.ForeignKey(
        "catalog.ServiceLine", on_delete=models.CASCADE, related_name="daily_experiences"
    )
    day = models.DateField()
    channel = models.CharField(max_length=8)
    source = models.CharField(max_length=10, choices=ExperienceSource.choices)
    csat_responses = models.PositiveIntegerField(default=0)
    csat_satisfied = models.PositiveIntegerField(default=0, help_text="Answers of 4 or 5.")
    csat_sum = models.PositiveIntegerField(default=0)
    ces_responses = models.PositiveIntegerField(default=0)
    ces_sum = models.PositiveIntegerField(default=0)
    fcr_responses = models.PositiveIntegerField(default=0)
    fcr_resolved = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["service_line", "day", "channel"]
        constraints = [
            models.UniqueConstraint(
                fields=["service_line", "day", "channel"], name="daily_experience_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(csat_satisfied__lte=models.F("csat_responses"))
                & models.Q(fcr_resolved__lte=models.F("fcr_responses"))
                & models.Q(csat_sum__gte=models.F("csat_responses"))
                & models.Q(csat_sum__lte=models.F("csat_responses") * 5)
                & models.Q(ces_sum__gte=models.F("ces_responses"))
                & models.Q(ces_sum__lte=models.F("ces_responses") * 7),
                name="daily_experience_consistent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.service_line_id} {self.day} {self.channel}"
