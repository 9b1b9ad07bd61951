"""The provider's agent roster and time off, in the public schema.

Agents serve several clients, so they are the provider's, not any client's. A client's rows
(shifts, next issue) may point here; nothing here points into a client's schema: an agent's
service lines are kept as the client plus the line's id, checked against the client's schema
when written (``services.set_agent_service_lines``). The booking ledger (one row per booked
interval, exclusion constraint) will join this app.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from bpo.dates import format_when

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


class Site(models.Model):
    """A place agents work from, with its time zone (home workers get their own zone)."""

    name = models.CharField(max_length=120, unique=True)
    time_zone = models.CharField(max_length=64, help_text="IANA time zone, e.g. Europe/Lisbon.")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Skill(models.Model):
    name = models.CharField(max_length=80, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ShiftKind(models.TextChoices):
    """What the roster-wide succession rule reads (``FORBIDDEN_SUCCESSIONS``)."""

    DAY = "day", "Day"
    EVENING = "evening", "Evening"
    NIGHT = "night", "Night"


# A shift of the first kind on one day forbids a shift of the second kind the next day (by the
# days the shifts start on), for every agent, in planning runs and manual edits alike.
FORBIDDEN_SUCCESSIONS: tuple[tuple[str, str], ...] = ((ShiftKind.NIGHT, ShiftKind.DAY),)


class ShiftTemplate(models.Model):
    """A kind of shift the provider plans with: its length, start times, paid break, its kind
    (day, evening, night) and the breaks placed inside each of its shifts (``BreakRule``)."""

    name = models.CharField(max_length=80, unique=True)
    length_minutes = models.PositiveIntegerField(
        validators=[MinValueValidator(15), MaxValueValidator(24 * 60)]
    )
    start_times = ArrayField(models.TimeField(), default=list, blank=True)
    paid_break_minutes = models.PositiveIntegerField(default=0)
    kind = models.CharField(max_length=16, choices=ShiftKind.choices, default=ShiftKind.DAY)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(length_minutes__gte=15) & Q(length_minutes__lte=24 * 60),
                name="roster_template_length_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def start_times_display(self) -> str:
        return ", ".join(start.strftime("%H:%M") for start in self.start_times)


class BreakKind(models.TextChoices):
    """The same words as a plan shift's activity kinds (``planning.ActivityKind``)."""

    BREAK = "break", "Break"
    LUNCH = "lunch", "Lunch"


class BreakRule(models.Model):
    """One break of every shift of a template: ``minutes`` long, starting between
    ``earliest_minute`` and ``latest_minute`` after the shift starts (both inclusive); planning
    runs place it there, staggered so that coverage holds, and edits keep it there."""

    template = models.ForeignKey(ShiftTemplate, on_delete=models.CASCADE, related_name="breaks")
    kind = models.CharField(max_length=8, choices=BreakKind.choices)
    minutes = models.PositiveIntegerField(validators=[MinValueValidator(5)])
    earliest_minute = models.PositiveIntegerField()
    latest_minute = models.PositiveIntegerField()

    class Meta:
        ordering = ["template", "earliest_minute", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(latest_minute__gte=models.F("earliest_minute")),
                name="roster_break_window_in_order",
            ),
            models.CheckConstraint(condition=Q(minutes__gte=5), name="roster_break_long_enough"),
        ]

    def __str__(self) -> str:
        return self.display

    @property
    def display(self) -> str:
        """'Lunch 30 min, starting 3:00 to 5:00 after the shift starts'."""
        return (
            f"{self.get_kind_display()} {self.minutes} min, starting "
            f"{_clock(self.earliest_minute)} to {_clock(self.latest_minute)} after the shift starts"
        )


def _clock(minutes: int) -> str:
    return f"{minutes // 60}:{minutes % 60:02d}"


class Team(models.Model):
    name = models.CharField(max_length=120, unique=True)
    # The lead is an agent of the roster, or a user without an agent row (a supervisor).
    lead_agent = models.ForeignKey(
        "Agent", on_delete=models.SET_NULL, null=True, blank=True, related_name="teams_led"
    )
    lead_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="roster_teams_led",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def lead_name(self) -> str:
        if self.lead_agent_id:
            return self.lead_agent.full_name  # type: ignore[union-attr]
        if self.lead_user_id:
            return self.lead_user.get_full_name()  # type: ignore[union-attr]
        return ""


class TeamOffCap(models.Model):
    """At most ``max_off`` agents of the team off (approved time off) on any day."""

    team = models.OneToOneField(Team, on_delete=models.CASCADE, related_name="off_cap")
    max_off = models.PositiveIntegerField(validators=[MinValueValidator(1)])

    def __str__(self) -> str:
        return f"{self.team}: at most {self.max_off} off"


class Agent(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="roster_agent",
        help_text="The account the agent signs in with; not every agent has one.",
    )
    employee_number = models.CharField(max_length=40, unique=True)
    full_name = models.CharField(max_length=160)
    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, null=True, blank=True, related_name="agents"
    )
    site = models.ForeignKey(
        Site, on_delete=models.PROTECT, null=True, blank=True, related_name="agents"
    )
    time_zone = models.CharField(max_length=64, help_text="IANA time zone the agent works in.")
    languages = ArrayField(models.CharField(max_length=3), default=list, blank=True)
    skills = models.ManyToManyField(Skill, through="AgentSkill", related_name="agents")
    # Contract.
    min_hours_per_week = models.DecimalField(max_digits=5, decimal_places=2, default=Decimal(0))
    max_hours_per_week = models.DecimalField(max_digits=5, decimal_places=2, default=Decimal(40))
    days_per_week = models.PositiveSmallIntegerField(
        default=5, validators=[MinValueValidator(0), MaxValueValidator(7)]
    )
    shift_templates = models.ManyToManyField(ShiftTemplate, blank=True, related_name="agents")
    # Day-pattern rules of the contract; empty means no limit.
    max_consecutive_days = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(14)]
    )
    min_consecutive_days_off = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(7)]
    )
    max_weekends_per_4_weeks = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(4)]
    )
    hourly_cost = models.DecimalField(max_digits=10, decimal_places=2, default=Decimal(0))
    cost_currency = models.CharField(max_length=3, help_text="ISO 4217 code of the hourly cost.")
    # {"mon": "08:00-18:00", "sat": "off", ...} in the agent's local time; a weekday that is
    # missing is available all day.
    availability = models.JSONField(default=dict, blank=True)
    starts_on = models.DateField(default=timezone.localdate)
    ends_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["full_name", "employee_number"]
        constraints = [
            models.CheckConstraint(
                condition=Q(min_hours_per_week__lte=models.F("max_hours_per_week")),
                name="roster_agent_min_hours_within_max",
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="roster_agent_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(hourly_cost__gte=0), name="roster_agent_cost_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.employee_number})"

    def is_active_on(self, day: date) -> bool:
        return self.starts_on <= day and (self.ends_on is None or day <= self.ends_on)


class AgentPreference(models.Model):
    """A soft wish of an agent: to work (``is_wanted``) or not to work a weekday, a shift
    template, or that template on that weekday. Planning runs weigh it (``weight`` in the
    optimiser's units: one unit is one unit of cost; a missing half hour of coverage costs 100);
    manual edits do not refuse what it dislikes."""

    agent = models.ForeignKey(Agent, on_delete=models.CASCADE, related_name="preferences")
    is_wanted = models.BooleanField(default=False)
    weekday = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(6)], help_text="0 is Monday."
    )
    template = models.ForeignKey(
        ShiftTemplate, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    weight = models.PositiveIntegerField(
        default=50, validators=[MinValueValidator(1), MaxValueValidator(1000)]
    )

    class Meta:
        ordering = ["agent", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(weekday__isnull=False) | Q(template__isnull=False),
                name="roster_preference_names_something",
            ),
            models.CheckConstraint(
                condition=Q(weekday__isnull=True) | Q(weekday__lte=6),
                name="roster_preference_weekday_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{'prefers' if self.is_wanted else 'avoids'} {self.weekday} {self.template_id}"


class AgentSkill(models.Model):
    agent = models.ForeignKey(Agent, on_delete=models.CASCADE, related_name="skill_levels")
    skill = models.ForeignKey(Skill, on_delete=models.PROTECT, related_name="agent_levels")
    level = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)]
    )

    class Meta:
        ordering = ["skill__name"]
        constraints = [
            models.UniqueConstraint(fields=["agent", "skill"], name="roster_agent_skill_once"),
            models.CheckConstraint(
                condition=Q(level__gte=1) & Q(level__lte=5), name="roster_skill_level_1_to_5"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.skill_id}:{self.level}"


class AgentServiceLine(models.Model):
    """An agent may serve this client: one service line (its id in the client's schema) or,
    with no line, every line of the client."""

    agent = models.ForeignKey(Agent, on_delete=models.CASCADE, related_name="service_lines")
    client = models.ForeignKey(
        "tenants.Client", on_delete=models.CASCADE, related_name="roster_agent_lines"
    )
    service_line_id = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["client__name", "service_line_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["agent", "client", "service_line_id"],
                name="roster_agent_line_once",
                nulls_distinct=False,
            ),
        ]

    def __str__(self) -> str:
        line = "all lines" if self.service_line_id is None else f"line {self.service_line_id}"
        return f"client {self.client_id}, {line}"


class TimeOffAllowance(models.Model):
    """Days of vacation an agent may take in a calendar year."""

    agent = models.ForeignKey(Agent, on_delete=models.CASCADE, related_name="allowances")
    year = models.PositiveSmallIntegerField()
    days = models.DecimalField(max_digits=5, decimal_places=1)

    class Meta:
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(fields=["agent", "year"], name="roster_allowance_once"),
            models.CheckConstraint(condition=Q(days__gte=0), name="roster_allowance_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.year}: {self.days} days"


class TimeOffKind(models.TextChoices):
    VACATION = "vacation", "Vacation"
    SICK = "sick", "Sick leave"
    TRAINING = "training", "Training"
    OTHER = "other", "Other leave"


# Only vacation counts against the yearly allowance.
KINDS_AGAINST_ALLOWANCE = frozenset({TimeOffKind.VACATION})


class TimeOffStatus(models.TextChoices):
    REQUESTED = "requested", "Waiting for a decision"
    APPROVED = "approved", "Approved"
    REFUSED = "refused", "Refused"
    CANCELLED = "cancelled", "Cancelled"


class TimeOffRequest(models.Model):
    """Whole days off, ``starts_on`` to ``ends_on`` inclusive, in the agent's own time zone."""

    agent = models.ForeignKey(Agent, on_delete=models.CASCADE, related_name="time_off")
    starts_on = models.DateField()
    ends_on = models.DateField()
    kind = models.CharField(max_length=16, choices=TimeOffKind.choices)
    status = models.CharField(
        max_length=16, choices=TimeOffStatus.choices, default=TimeOffStatus.REQUESTED
    )
    note = models.CharField(max_length=500, blank=True)
    refusal_reason = models.CharField(max_length=500, blank=True)
    days = models.DecimalField(
        max_digits=5, decimal_places=1, help_text="Working days it takes (the agent's pattern)."
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["starts_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="roster_time_off_ends_after"
            ),
            models.CheckConstraint(
                condition=~Q(status="refused") | ~Q(refusal_reason=""),
                name="roster_refusal_has_reason",
            ),
        ]
        indexes = [models.Index(fields=["status", "starts_on"], name="roster_time_off_status")]

    def __str__(self) -> str:
        return f"{self.agent.full_name}: {self.get_kind_display()} {self.period_display}"

    @property
    def period_display(self) -> str:
        if self.starts_on == self.ends_on:
            return format_when(self.starts_on, "date")
        return f"{self.starts_on.strftime('%-d %b %Y')} to {self.ends_on.strftime('%-d %b %Y')}"


class RosterEventAction(models.TextChoices):
    AGENT_CREATED = "agent_created", "Agent added"
    AGENT_UPDATED = "agent_updated", "Agent changed"
    AGENT_ENDED = "agent_ended", "Agent's employment ended"
    ROSTER_IMPORTED = "roster_imported", "Roster imported"
    REFERENCE_CHANGED = "reference_changed", "Team, site, skill or template changed"
    TIME_OFF_REQUESTED = "time_off_requested", "Time off requested"
    TIME_OFF_APPROVED = "time_off_approved", "Time off approved"
    TIME_OFF_REFUSED = "time_off_refused", "Time off refused"
    TIME_OFF_CANCELLED = "time_off_cancelled", "Time off cancelled"
    ALLOWANCE_SET = "allowance_set", "Allowance set"
    SWAP_OFFERED = "swap_offered", "Shift offered for a swap"
    SWAP_TAKEN = "swap_taken", "Offered shift taken"
    SWAP_APPROVED = "swap_approved", "Shift swap approved"
    SWAP_REFUSED = "swap_refused", "Shift swap refused"
    SWAP_CANCELLED = "swap_cancelled", "Shift swap offer withdrawn"
    CALENDAR_ROTATED = "calendar_rotated", "Calendar address renewed"
    # Worked time and period locks (issue 10).
    WORKED_IMPORTED = "worked_imported", "Time clock imported"
    WORKED_CONFIRMED = "worked_confirmed", "Scheduled time confirmed as worked"
    WORKED_EDITED = "worked_edited", "Worked time corrected by hand"
    PRODUCTIVE_IMPORTED = "productive_imported", "Productive time imported"
    PERIOD_LOCKED = "period_locked", "Period locked"
    PERIOD_UNLOCKED = "period_unlocked", "Period unlocked"


class RosterEvent(models.Model):
    """The roster's audit trail, in public beside it (like ``tenants.ClientEvent``): who
    changed which agent, team or request, when, and what."""

    action = models.CharField(max_length=32, choices=RosterEventAction.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    agent = models.ForeignKey(
        Agent, on_delete=models.SET_NULL, null=True, blank=True, related_name="events"
    )
    summary = models.CharField(max_length=300)
    details = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.summary
