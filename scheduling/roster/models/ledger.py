"""The booking ledger and what hangs on it, in the public schema.

A client's plan lives in its own schema (``scheduling.planning.Plan``/``PlanShift``); publishing
it writes one ``Booking`` per shift here, in the same transaction. An agent serves several
clients, so the ledger is where "never booked twice at once" can be said once for all of them:
an exclusion constraint (``btree_gist``: the same agent and overlapping ``tstzrange``) lets the
database, not an application check, refuse the second of two overlapping bookings, even when
two schedulers publish at the same moment.

Planning runs span clients, so they are the provider's too. Worked time, productive time and
period locks are per agent (billing reads them per client through the bookings); swaps move a
booked shift from one agent to another.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import DateTimeRangeField, RangeOperators
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone


class PlanningRunStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Optimising"
    READY = "ready", "Drafts ready"
    FAILED = "failed", "Failed"


class PlanningRun(models.Model):
    """One optimisation of a week for one client or several that share agents.

    The week starts on ``week_starts_on`` (a Monday) at 00:00 in ``time_zone``; every client's
    requirement is placed on that clock by its UTC instants. ``figures`` holds the result per
    client and in all: coverage, shortfall, over-cover, cost, objective, lower bound, gap."""

    week_starts_on = models.DateField()
    time_zone = models.CharField(max_length=64, help_text="IANA zone the week is planned in.")
    clients = models.ManyToManyField("tenants.Client", related_name="planning_runs")
    time_limit_seconds = models.PositiveIntegerField(
        default=60, validators=[MinValueValidator(5), MaxValueValidator(3600)]
    )
    status = models.CharField(
        max_length=16, choices=PlanningRunStatus.choices, default=PlanningRunStatus.QUEUED
    )
    job = models.ForeignKey(
        "jobs.Job", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    figures = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(week_starts_on__week_day=2), name="roster_run_starts_monday"
            ),
        ]

    def __str__(self) -> str:
        return f"Planning run {self.pk} for the week of {self.week_starts_on}"


class Booking(models.Model):
    """One published shift: an agent is the client's from ``during``'s start to its end.

    ``plan_id``/``shift_id`` name the plan and shift rows in the client's schema (no database
    constraint can point there); ``revision`` is the plan's publication that wrote it."""

    agent = models.ForeignKey("roster.Agent", on_delete=models.PROTECT, related_name="bookings")
    client = models.ForeignKey(
        "tenants.Client", on_delete=models.CASCADE, related_name="roster_bookings"
    )
    service_line_id = models.PositiveIntegerField(null=True, blank=True)
    during = DateTimeRangeField()
    plan_id = models.PositiveBigIntegerField()
    shift_id = models.PositiveBigIntegerField()
    revision = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["during"]
        constraints = [
            ExclusionConstraint(
                name="roster_booking_no_overlap",
                expressions=[
                    ("agent", RangeOperators.EQUAL),
                    ("during", RangeOperators.OVERLAPS),
                ],
                violation_error_message="The agent is already booked at that time.",
            ),
            models.CheckConstraint(
                condition=Q(during__isempty=False), name="roster_booking_not_empty"
            ),
            models.UniqueConstraint(
                fields=["client", "shift_id"], name="roster_booking_shift_once"
            ),
        ]
        indexes = [models.Index(fields=["client", "plan_id"], name="roster_booking_plan")]

    def __str__(self) -> str:
        return f"Booking {self.pk}: agent {self.agent_id} for client {self.client_id}"


class SwapStatus(models.TextChoices):
    OFFERED = "offered", "Offered"
    TAKEN = "taken", "Taken, waiting for approval"
    APPROVED = "approved", "Approved"
    REFUSED = "refused", "Refused"
    CANCELLED = "cancelled", "Withdrawn"


class ShiftSwap(models.Model):
    """An agent offers a booked shift; a colleague takes it; the scheduler approves (or it is
    approved at once when no rule breaks). The booking moves to the taker on approval."""

    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="swaps")
    offered_by = models.ForeignKey(
        "roster.Agent", on_delete=models.CASCADE, related_name="swaps_offered"
    )
    taken_by = models.ForeignKey(
        "roster.Agent",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="swaps_taken",
    )
    status = models.CharField(max_length=16, choices=SwapStatus.choices, default=SwapStatus.OFFERED)
    note = models.CharField(max_length=300, blank=True)
    refusal_reason = models.CharField(max_length=500, blank=True)
    offered_at = models.DateTimeField(default=timezone.now)
    taken_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-offered_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["booking"],
                condition=Q(status__in=["offered", "taken"]),
                name="roster_swap_one_open_per_booking",
            ),
            models.CheckConstraint(
                condition=~Q(status="refused") | ~Q(refusal_reason=""),
                name="roster_swap_refusal_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"Swap {self.pk} of booking {self.booking_id} ({self.status})"


class CalendarFeed(models.Model):
    """An agent's secret iCalendar address; rotating the token ends the old address."""

    agent = models.OneToOneField(
        "roster.Agent", on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token = models.CharField(max_length=64, unique=True, default=secrets.token_urlsafe)
    rotated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Calendar feed of agent {self.agent_id}"


class WorkedSource(models.TextChoices):
    CLOCK = "clock", "Time clock import"
    CONFIRMED = "confirmed", "Scheduled time confirmed"
    MANUAL = "manual", "Entered by hand"


class WorkedDay(models.Model):
    """What an agent worked on one day (its own zone's date), against what was scheduled.

    ``scheduled_minutes`` is the booked time that day when the row was written;
    ``in_state_minutes`` the part of it spent in the scheduled state (adherence =
    in_state / scheduled), ``worked_minutes`` all worked time (conformance = worked /
    scheduled)."""

    agent = models.ForeignKey("roster.Agent", on_delete=models.CASCADE, related_name="worked_days")
    day = models.DateField()
    scheduled_minutes = models.PositiveIntegerField(default=0)
    worked_minutes = models.PositiveIntegerField(
        default=0, validators=[MaxValueValidator(24 * 60 + 60)]
    )
    in_state_minutes = models.PositiveIntegerField(default=0)
    source = models.CharField(max_length=16, choices=WorkedSource.choices)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["day", "agent_id"]
        constraints = [
            models.UniqueConstraint(fields=["agent", "day"], name="roster_worked_day_once"),
            models.CheckConstraint(
                condition=Q(worked_minutes__lte=25 * 60), name="roster_worked_at_most_a_day"
            ),
            models.CheckConstraint(
                condition=Q(in_state_minutes__lte=models.F("scheduled_minutes")),
                name="roster_in_state_within_scheduled",
            ),
        ]

    def __str__(self) -> str:
        return f"Agent {self.agent_id} on {self.day}: {self.worked_minutes} min"

    @property
    def adherence(self) -> float | None:
        if not self.scheduled_minutes:
            return None
        return self.in_state_minutes / self.scheduled_minutes

    @property
    def conformance(self) -> float | None:
        if not self.scheduled_minutes:
            return None
        return self.worked_minutes / self.scheduled_minutes


class ProductiveTime(models.Model):
    """Time an agent spent on one client's line on one day, where the ACD reports it."""

    agent = models.ForeignKey("roster.Agent", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    client = models.ForeignKey("tenants.Client", on_delete=models.CASCADE, related_name="+")
    service_line_id = models.PositiveIntegerField()
    minutes = models.PositiveIntegerField()

    class Meta:
        ordering = ["day", "agent_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["agent", "day", "client", "service_line_id"],
                name="roster_productive_once",
            ),
        ]

    def __str__(self) -> str:
        return f"Agent {self.agent_id} on {self.day}: {self.minutes} min on line {self.service_line_id}"


class PeriodLock(models.Model):
    """Finance closed ``starts_on`` to ``ends_on`` (inclusive): worked time of those days can
    no longer change, because invoices were or will be computed from it."""

    starts_on = models.DateField()
    ends_on = models.DateField()
    note = models.CharField(max_length=300, blank=True)
    locked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    locked_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="roster_lock_ends_after"
            ),
        ]

    def __str__(self) -> str:
        return f"Locked {self.starts_on} to {self.ends_on}"
