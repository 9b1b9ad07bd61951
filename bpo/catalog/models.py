"""The service catalog of one client, in the client's own schema: service lines (channel, hours
of operation, SLA targets), their scripts with versions, and their escalation paths.

Every model here is registered with django-auditlog (``bpo.catalog.audit``); child rows name
their service line in ``get_additional_data`` so a line's page shows the whole history.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models.functions import Lower

from scheduling.engine.kpi import DEFAULT_CONVENTION, ServiceLevelConvention

PERCENT_FIELDS = (
    "service_level_percent",
    "max_abandon_percent",
    "first_response_percent",
    "fcr_percent",
    "csat_percent",
    "qa_score_percent",
)


class Channel(models.TextChoices):
    VOICE = "voice", "Voice"
    CHAT = "chat", "Chat"
    EMAIL = "email", "E-mail"
    SMS = "sms", "SMS"
    SOCIAL = "social", "Social"
    VIDEO = "video", "Video"


# Contacts answered live (queue, service level within seconds) and contacts answered later
# (first response within hours). Each channel's SLA targets follow from its group.
LIVE_CHANNELS = frozenset({Channel.VOICE, Channel.CHAT, Channel.VIDEO})
DEFERRED_CHANNELS = frozenset({Channel.EMAIL, Channel.SMS, Channel.SOCIAL})
LIVE_TARGET_FIELDS = (
    "service_level_percent",
    "service_level_seconds",
    "max_abandon_percent",
    "asa_seconds",
)
DEFERRED_TARGET_FIELDS = ("first_response_percent", "first_response_hours")
COMMON_TARGET_FIELDS = ("fcr_percent", "csat_percent", "qa_score_percent")


class Direction(models.TextChoices):
    INBOUND = "inbound", "Inbound"
    OUTBOUND = "outbound", "Outbound"
    BLENDED = "blended", "Blended"


class ServiceLineStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    ACTIVE = "active", "Active"
    PAUSED = "paused", "Paused"
    RETIRED = "retired", "Retired"


class ServiceLine(models.Model):
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    channel = models.CharField(max_length=8, choices=Channel.choices)
    direction = models.CharField(max_length=8, choices=Direction.choices)
    status = models.CharField(
        max_length=8, choices=ServiceLineStatus.choices, default=ServiceLineStatus.DRAFT
    )
    languages = ArrayField(
        models.CharField(max_length=3),
        default=list,
        blank=True,
        help_text="ISO 639 language codes, e.g. en, es, deu.",
    )
    required_skills = ArrayField(models.CharField(max_length=60), default=list, blank=True)

    # Hours of operation: weekly spans (OpeningHours) in the client's time zone, or 24/7.
    is_open_24_7 = models.BooleanField(default=False)
    closed_on_public_holidays = models.BooleanField(
        default=True, help_text="Closed on the public holidays of the client's country."
    )

    # SLA targets. Live channels (voice, chat, video): X % answered within Y seconds, maximum
    # abandon rate, average speed of answer. Deferred channels (e-mail, SMS, social): X % first
    # responses within N hours. Every channel: FCR, CSAT and QA score.
    service_level_percent = models.DecimalField(
        max_digits=5, decimal_places=2, null=True, blank=True
    )
    service_level_seconds = models.PositiveIntegerField(null=True, blank=True)
    max_abandon_percent = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    asa_seconds = models.PositiveIntegerField(null=True, blank=True)
    first_response_percent = models.DecimalField(
        max_digits=5, decimal_places=2, null=True, blank=True
    )
    first_response_hours = models.DecimalField(
        max_digits=6, decimal_places=2, null=True, blank=True
    )
    fcr_percent = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    csat_percent = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    qa_score_percent = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    # How the service level is counted (scheduling.engine.kpi), and the seconds under which an
    # abandon is "short" (a misdial, not a lost customer).
    sla_convention = models.CharField(
        max_length=32,
        choices=[(c.value, c.label) for c in ServiceLevelConvention],
        default=DEFAULT_CONVENTION.value,
    )
    short_abandon_seconds = models.PositiveIntegerField(default=5)

    # Workforce figures for staffing: live channels queue (Erlang C, or Erlang A where the
    # average patience is known); chat agents hold several conversations at once; deferred
    # channels are a backlog answered within the first-response target.
    patience_seconds = models.PositiveIntegerField(
        null=True, blank=True, help_text="Average time a caller waits before hanging up."
    )
    concurrency = models.DecimalField(
        max_digits=4,
        decimal_places=2,
        default=Decimal("1.00"),
        help_text="Conversations one agent handles at once (chat).",
    )

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(Lower("name"), name="service_line_unique_name"),
            *(
                models.CheckConstraint(
                    condition=models.Q(**{f"{field}__isnull": True})
                    | models.Q(**{f"{field}__gte": 0, f"{field}__lte": 100}),
                    name=f"service_line_{field}_0_100",
                )
                for field in PERCENT_FIELDS
            ),
            models.CheckConstraint(
                condition=models.Q(concurrency__gte=1, concurrency__lte=20),
                name="service_line_concurrency_1_20",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_live_channel(self) -> bool:
        return self.channel in LIVE_CHANNELS

    def get_additional_data(self) -> dict:
        return {"service_line": self.pk}


class OpeningHours(models.Model):
    """One span of a weekday in the client's local time.

    ``closes_at`` at or before ``opens_at`` runs past midnight into the next day (22:00-06:00);
    equal times mean 24 hours from ``opens_at`` (00:00-00:00 is the whole day). A span belongs
    to the weekday on which it opens.
    """

    service_line = models.ForeignKey(
        ServiceLine, on_delete=models.CASCADE, related_name="opening_hours"
    )
    weekday = models.PositiveSmallIntegerField(help_text="0 = Monday ... 6 = Sunday.")
    opens_at = models.TimeField()
    closes_at = models.TimeField()

    class Meta:
        ordering = ["weekday", "opens_at"]
        verbose_name_plural = "opening hours"
        constraints = [
            models.UniqueConstraint(
                fields=["service_line", "weekday", "opens_at"], name="opening_hours_unique_start"
            ),
            models.CheckConstraint(
                condition=models.Q(weekday__gte=0, weekday__lte=6), name="opening_hours_weekday"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.opens_at:%H:%M}-{self.closes_at:%H:%M}"

    def get_weekday_display(self) -> str:
        return WEEKDAY_NAMES[self.weekday]

    def get_additional_data(self) -> dict:
        return {"service_line": self.service_line_id}


WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


class DateOverride(models.Model):
    """A date whose hours differ from the week's: closed, or open at other times.

    It wins over both the weekday's spans and the public holiday rule.
    """

    service_line = models.ForeignKey(
        ServiceLine, on_delete=models.CASCADE, related_name="date_overrides"
    )
    date = models.DateField()
    is_closed = models.BooleanField(default=True)
    opens_at = models.TimeField(null=True, blank=True)
    closes_at = models.TimeField(null=True, blank=True)
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["service_line", "date"], name="date_override_unique"),
            models.CheckConstraint(
                condition=models.Q(is_closed=True, opens_at__isnull=True, closes_at__isnull=True)
                | models.Q(is_closed=False, opens_at__isnull=False, closes_at__isnull=False),
                name="date_override_closed_or_hours",
            ),
        ]

    def __str__(self) -> str:
        if self.is_closed:
            return f"{self.date}: closed"
        return f"{self.date}: {self.opens_at:%H:%M}-{self.closes_at:%H:%M}"

    def get_additional_data(self) -> dict:
        return {"service_line": self.service_line_id}


# --- Scripts ------------------------------------------------------------------------------


class Script(models.Model):
    """The script of a service line (one per line); its content lives in versions."""

    service_line = models.OneToOneField(
        ServiceLine, on_delete=models.CASCADE, related_name="script"
    )
    title = models.CharField(max_length=160)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["service_line__name"]

    def __str__(self) -> str:
        return self.title

    def get_additional_data(self) -> dict:
        return {"service_line": self.service_line_id}


class ScriptVersionStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    IN_REVIEW = "in_review", "In review"
    APPROVED = "approved", "Approved"
    PUBLISHED = "published", "Published"
    RETIRED = "retired", "Retired"


IMMUTABLE_SCRIPT_STATUSES = frozenset({ScriptVersionStatus.PUBLISHED, ScriptVersionStatus.RETIRED})


# A reference from a client's schema to a user of the public schema: no database constraint
# (it would forbid truncating the users table while client schemas exist) and no cascade
# (users are disabled, never deleted). See bpo/audit/models.py.
_PUBLIC_USER: dict = {"on_delete": models.DO_NOTHING, "db_constraint": False}


class ScriptVersion(models.Model):
    script = models.ForeignKey(Script, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    status = models.CharField(
        max_length=10, choices=ScriptVersionStatus.choices, default=ScriptVersionStatus.DRAFT
    )
    change_summary = models.CharField(max_length=500)
    based_on = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="+", null=True, **_PUBLIC_USER
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="+", null=True, blank=True, **_PUBLIC_USER
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="+", null=True, blank=True, **_PUBLIC_USER
    )
    review_comment = models.TextField(blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="+", null=True, blank=True, **_PUBLIC_USER
    )
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["script", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["script", "number"], name="script_version_number"),
            # Exactly one published version per script, hence per service line.
            models.UniqueConstraint(
                fields=["script"],
                condition=models.Q(status="published"),
                name="script_one_published_version",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.script} v{self.number}"

    @property
    def is_immutable(self) -> bool:
        return self.status in IMMUTABLE_SCRIPT_STATUSES

    def get_additional_data(self) -> dict:
        return {"service_line": self.script.service_line_id, "script_version": self.pk}


class ScriptSection(models.Model):
    version = models.ForeignKey(ScriptVersion, on_delete=models.CASCADE, related_name="sections")
    position = models.PositiveSmallIntegerField()
    title = models.CharField(
        max_length=80, help_text="Greeting, Verification, Discovery, Resolution, Closing, ..."
    )
    body = models.TextField(help_text="Markdown; variables as {{name}}.")

    class Meta:
        ordering = ["version", "position"]
        constraints = [
            models.UniqueConstraint(fields=["version", "position"], name="script_section_position")
        ]

    def __str__(self) -> str:
        return self.title

    def get_additional_data(self) -> dict:
        return {
            "service_line": self.version.script.service_line_id,
            "script_version": self.version_id,
        }


class ScriptVariable(models.Model):
    version = models.ForeignKey(ScriptVersion, on_delete=models.CASCADE, related_name="variables")
    name = models.CharField(max_length=60)
    description = models.CharField(max_length=200, blank=True)
    sample_value = models.CharField(max_length=200)

    class Meta:
        ordering = ["version", "name"]
        constraints = [
            models.UniqueConstraint(fields=["version", "name"], name="script_variable_name")
        ]

    def __str__(self) -> str:
        return "{{" + self.name + "}}"

    def get_additional_data(self) -> dict:
        return {
            "service_line": self.version.script.service_line_id,
            "script_version": self.version_id,
        }


# --- Escalation paths ---------------------------------------------------------------------


class EscalationPath(models.Model):
    service_line = models.OneToOneField(
        ServiceLine, on_delete=models.CASCADE, related_name="escalation_path"
    )
    name = models.CharField(max_length=160)
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["service_line__name"]

    def __str__(self) -> str:
        return self.name

    def get_additional_data(self) -> dict:
        return {"service_line": self.service_line_id}


class Severity(models.IntegerChoices):
    LOW = 1, "Low"
    MEDIUM = 2, "Medium"
    HIGH = 3, "High"
    CRITICAL = 4, "Critical"


class TriggerKind(models.TextChoices):
    SEVERITY = "severity", "Category and minimum severity"
    UNRESOLVED = "unresolved", "Time without resolution"


class ContactChannel(models.TextChoices):
    PHONE = "phone", "Phone"
    EMAIL = "email", "E-mail"
    CHAT = "chat", "Chat"
    PAGER = "pager", "Pager"


class Coverage(models.TextChoices):
    BUSINESS_HOURS = "business_hours", "Business hours"
    AFTER_HOURS = "after_hours", "After hours"
    ALWAYS = "always", "Business and after hours"


# What a client admin may change on a tier: its contact, not its place in the path.
CONTACT_FIELDS = ("contact_name", "contact_role", "channel", "phone", "email")
# Everything a tier is made of (what the services take and the API shows).
TIER_FIELDS = (
    "level",
    "trigger_kind",
    "category",
    "min_severity",
    "unresolved_minutes",
    "contact_name",
    "contact_role",
    "channel",
    "phone",
    "email",
    "respond_within_minutes",
    "coverage",
)


class EscalationTier(models.Model):
    path = models.ForeignKey(EscalationPath, on_delete=models.CASCADE, related_name="tiers")
    level = models.PositiveSmallIntegerField()
    trigger_kind = models.CharField(max_length=10, choices=TriggerKind.choices)
    category = models.CharField(
        max_length=80, blank=True, help_text="Empty: any category (severity triggers)."
    )
    min_severity = models.PositiveSmallIntegerField(choices=Severity.choices, null=True, blank=True)
    unresolved_minutes = models.PositiveIntegerField(null=True, blank=True)
    contact_name = models.CharField(max_length=120)
    contact_role = models.CharField(max_length=120)
    channel = models.CharField(max_length=8, choices=ContactChannel.choices)
    phone = models.CharField(max_length=20, blank=True, help_text="E.164, e.g. +14155550100.")
    email = models.EmailField(blank=True)
    respond_within_minutes = models.PositiveIntegerField()
    coverage = models.CharField(max_length=16, choices=Coverage.choices, default=Coverage.ALWAYS)

    class Meta:
        ordering = ["path", "level"]
        constraints = [
            # Deferred, so a reordering can swap levels inside one transaction.
            models.UniqueConstraint(
                fields=["path", "level"],
                name="escalation_tier_level",
                deferrable=models.Deferrable.DEFERRED,
            ),
            models.CheckConstraint(
                condition=models.Q(trigger_kind="severity", min_severity__isnull=False)
                | models.Q(trigger_kind="unresolved", unresolved_minutes__isnull=False),
                name="escalation_tier_trigger",
            ),
        ]

    def __str__(self) -> str:
        return f"Tier {self.level}: {self.contact_name}"

    def get_additional_data(self) -> dict:
        return {"service_line": self.path.service_line_id}
