"""Workforce data of one client, in its schema: planning settings and contact statistics per
service line and interval. Intervals are stored in UTC; imports read each file's own zone."""

from __future__ import annotations

from decimal import Decimal

from django.db import models

from scheduling.planning.importing.presets import COUNT_FIELDS, SECONDS_FIELDS


class PlanningSettings(models.Model):
    """The client's workforce assumptions (one row per schema): the interval its statistics and
    plans use, and the shrinkage and occupancy cap staffing requirements apply."""

    interval_minutes = models.PositiveSmallIntegerField(
        default=15, choices=[(15, "15 minutes"), (30, "30 minutes")]
    )
    shrinkage_percent = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        default=Decimal("30.00"),
        help_text="Share of paid time agents are not available for contacts.",
    )
    max_occupancy_percent = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        default=Decimal("85.00"),
        help_text="Highest share of available time agents should spend on contacts.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "planning settings"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(shrinkage_percent__gte=0, shrinkage_percent__lt=100),
                name="planning_settings_shrinkage_0_100",
            ),
            models.CheckConstraint(
                condition=models.Q(max_occupancy_percent__gt=0, max_occupancy_percent__lte=100),
                name="planning_settings_occupancy_0_100",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.interval_minutes}-minute intervals"

    @classmethod
    def current(cls) -> PlanningSettings:
        settings, _ = cls.objects.get_or_create(pk=1)
        return settings


# Counts of contacts, then summed seconds; what an interval export carries. Named once, in the
# pure import module (which cannot import this one).
__all__ = ["COUNT_FIELDS", "SECONDS_FIELDS", "IntervalStatistic", "PlanningSettings"]


class IntervalStatistic(models.Model):
    """One service line's contacts in one interval (15 or 30 minutes), starting at ``starts_at``
    (UTC). Seconds are totals over the interval's contacts (wait of answered contacts, talk,
    hold, after-contact work); averages are computed, never stored. Async lines (e-mail, SMS,
    social) fill the first-response fields."""

    service_line = models.ForeignKey(
        "catalog.ServiceLine", on_delete=models.CASCADE, related_name="interval_statistics"
    )
    starts_at = models.DateTimeField()
    interval_minutes = models.PositiveSmallIntegerField()

    offered = models.PositiveIntegerField(default=0)
    answered = models.PositiveIntegerField(default=0)
    abandoned = models.PositiveIntegerField(default=0)
    short_abandoned = models.PositiveIntegerField(default=0)
    answered_within_threshold = models.PositiveIntegerField(default=0)
    abandoned_within_threshold = models.PositiveIntegerField(default=0)
    flowed_out = models.PositiveIntegerField(default=0)
    answered_wait_seconds = models.PositiveBigIntegerField(default=0)
    talk_seconds = models.PositiveBigIntegerField(default=0)
    hold_seconds = models.PositiveBigIntegerField(default=0)
    acw_seconds = models.PositiveBigIntegerField(default=0)
    first_responses = models.PositiveIntegerField(default=0)
    first_responses_within_target = models.PositiveIntegerField(default=0)
    first_response_seconds = models.PositiveBigIntegerField(default=0)

    class Meta:
        ordering = ["service_line", "starts_at"]
        indexes = [models.Index(fields=["starts_at"], name="interval_statistic_starts")]
        constraints = [
            models.UniqueConstraint(
                fields=["service_line", "starts_at"], name="interval_statistic_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(interval_minutes__in=[15, 30]),
                name="interval_statistic_minutes",
            ),
            models.CheckConstraint(
                condition=models.Q(answered__lte=models.F("offered"))
                & models.Q(abandoned__lte=models.F("offered"))
                & models.Q(short_abandoned__lte=models.F("abandoned"))
                & models.Q(answered_within_threshold__lte=models.F("answered"))
                & models.Q(abandoned_within_threshold__lte=models.F("abandoned"))
                & models.Q(first_responses_within_target__lte=models.F("first_responses")),
                name="interval_statistic_counts_consistent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.service_line_id} {self.starts_at:%Y-%m-%d %H:%M}Z"
