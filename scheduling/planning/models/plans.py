"""A client's shift plans, in its schema: a plan per week (drafted by a planning run or by
hand), its shifts (each pointing to its agent in public), and the history of its publications.

Publishing writes each shift as a ``roster.Booking`` in public in the same transaction; the
bookings are the published state, the shift rows the working copy that a scheduler edits. A
plan whose shifts differ from its bookings has unpublished changes. Times are UTC; the
client's zone (or the plan's) is applied at the edges."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

# References from a client's schema to public rows: no database constraint, no cascade
# (see forecasts.py).
_PUBLIC: dict = {"on_delete": models.DO_NOTHING, "db_constraint": False}


class PlanStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"
    DISCARDED = "discarded", "Discarded"


class Plan(models.Model):
    """One week of one client's shifts, from ``week_starts_on`` 00:00 in ``time_zone``.

    ``revision`` counts publications (0 while never published); ``figures`` holds coverage,
    shortfall, over-cover, cost, objective, lower bound and gap as last computed."""

    week_starts_on = models.DateField()
    time_zone = models.CharField(max_length=64)
    status = models.CharField(max_length=16, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    revision = models.PositiveIntegerField(default=0)
    has_unpublished_changes = models.BooleanField(default=True)
    planning_run = models.ForeignKey(
        "roster.PlanningRun", null=True, blank=True, related_name="+", **_PUBLIC
    )
    figures = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, related_name="+", **_PUBLIC
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, related_name="+", **_PUBLIC
    )

    class Meta:
        ordering = ["-week_starts_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["week_starts_on"],
                condition=Q(status="published"),
                name="planning_one_published_plan_a_week",
            ),
            models.CheckConstraint(
                condition=Q(week_starts_on__week_day=2), name="planning_plan_starts_monday"
            ),
        ]

    def __str__(self) -> str:
        return f"Plan for the week of {self.week_starts_on} ({self.get_status_display()})"


class ActivityKind(models.TextChoices):
    WORK = "work", "Work"
    BREAK = "break", "Break"
    LUNCH = "lunch", "Lunch"


class PlanShift(models.Model):
    """One shift of one agent for this client, ``starts_at`` to ``ends_at``.

    ``service_line`` is the line most of the shift covers; ``activities`` the shift cut into
    parts, each ``{"start": iso, "end": iso, "kind": work|break|lunch, "line": id|null}``
    (a queue change within the shift is two work parts)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="shifts")
    agent = models.ForeignKey("roster.Agent", related_name="+", **_PUBLIC)
    service_line = models.ForeignKey(
        "catalog.ServiceLine", on_delete=models.PROTECT, related_name="plan_shifts"
    )
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    template_name = models.CharField(max_length=80, blank=True)
    activities = models.JSONField(default=list, blank=True)
    is_manual = models.BooleanField(default=False, help_text="Added or changed by hand.")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["starts_at", "agent_id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="planning_shift_ends_after"
            ),
        ]
        indexes = [
            models.Index(fields=["plan", "agent"], name="planning_shift_plan_agent"),
            models.Index(fields=["plan", "starts_at"], name="planning_shift_plan_start"),
        ]

    def __str__(self) -> str:
        return f"Shift {self.pk}: agent {self.agent_id} from {self.starts_at}"


class PlanRevision(models.Model):
    """One publication of a plan: who, when, why (an amendment names its reason, e.g. a sick
    call), what changed against the previous one and the shifts as published."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    published_at = models.DateTimeField()
    published_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, related_name="+", **_PUBLIC
    )
    reason = models.CharField(max_length=300, blank=True)
    changes = models.JSONField(
        default=dict, blank=True, help_text='{"added": [...], "removed": [...], "moved": [...]}'
    )
    shift_count = models.PositiveIntegerField(default=0)
    figures = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["plan", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="planning_revision_once"),
        ]

    def __str__(self) -> str:
        return f"Revision {self.number} of plan {self.plan_id}"
