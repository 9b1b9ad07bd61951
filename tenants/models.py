"""The tenant registry, in the public schema: one row per client business and its schema."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django_tenants.models import TenantMixin


class ClientStatus(models.TextChoices):
    ONBOARDING = "onboarding", "Onboarding"
    LIVE = "live", "Live"
    SUSPENDED = "suspended", "Suspended"
    OFFBOARDED = "offboarded", "Offboarded"


class BillingModel(models.TextChoices):
    PER_HOUR = "per_hour", "Per hour"
    PER_AGENT = "per_agent", "Per agent (FTE / seat per month)"


class Industry(models.TextChoices):
    ECOMMERCE = "ecommerce", "E-commerce and retail"
    SAAS = "saas", "Software / SaaS"
    TRAVEL = "travel", "Travel and hospitality"
    FINANCE = "finance", "Financial services"
    TELECOM = "telecom", "Telecommunications"
    HEALTH = "health", "Healthcare"
    UTILITIES = "utilities", "Utilities"
    OTHER = "other", "Other"


# The registry facts of a client, as the API shows them and a data export records them.
REGISTRY_FIELDS = (
    "slug",
    "name",
    "legal_name",
    "industry",
    "country",
    "time_zone",
    "currency",
    "billing_model",
    "status",
)
REGISTRY_TIMESTAMPS = ("created_at", "live_at", "suspended_at", "offboarded_at")


class Client(TenantMixin):
    """A client business of the provider. Its data lives in the schema ``schema_name``.

    Schemas are created by ``tenants.provisioning`` (a clone of the template schema), never by
    ``save()``, so that a failed provisioning leaves neither a row nor a schema behind.
    """

    auto_create_schema = False
    auto_drop_schema = False

    name = models.CharField("company name", max_length=200)
    legal_name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=63, unique=True, help_text="Used in the portal's URLs.")
    industry = models.CharField(max_length=32, choices=Industry.choices, default=Industry.OTHER)
    country = models.CharField(max_length=2, help_text="ISO 3166-1 alpha-2 code.")
    time_zone = models.CharField(max_length=64, help_text="IANA time zone, e.g. Europe/Berlin.")
    currency = models.CharField(max_length=3, help_text="ISO 4217 code, e.g. EUR.")
    billing_model = models.CharField(max_length=16, choices=BillingModel.choices)
    status = models.CharField(
        max_length=16, choices=ClientStatus.choices, default=ClientStatus.ONBOARDING
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    live_at = models.DateTimeField(null=True, blank=True)
    suspended_at = models.DateTimeField(null=True, blank=True)
    offboarded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_locked(self) -> bool:
        """Client users cannot sign in to a suspended or offboarded client."""
        return self.status in {ClientStatus.SUSPENDED, ClientStatus.OFFBOARDED}

    @property
    def is_offboarded(self) -> bool:
        """Offboarded for good: its data is kept for export, and no longer changed."""
        return self.status == ClientStatus.OFFBOARDED


class ClientEvent(models.Model):
    """The registry's audit trail: who changed what about a client, and when."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    action = models.CharField(max_length=64)
    before = models.JSONField(default=dict, blank=True)
    after = models.JSONField(default=dict, blank=True)
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.client}: {self.action}"


class OnboardingRun(models.Model):
    """One request to onboard a client: the wizard's answers and the provisioning outcome.

    The run exists before the client does; the task creates the client row and its schema in
    one transaction and links it here. A failed run keeps the answers so it can be retried.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    slug = models.SlugField(max_length=63)
    answers = models.JSONField(help_text="The wizard's validated answers.")
    client = models.OneToOneField(
        Client, on_delete=models.SET_NULL, null=True, blank=True, related_name="onboarding_run"
    )
    job = models.OneToOneField("jobs.Job", on_delete=models.PROTECT, related_name="onboarding_run")
    provisioning_method = models.CharField(
        max_length=16, blank=True, help_text="clone (template replay) or migrate (fallback)."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Onboarding of {self.answers.get('name', self.slug)}"


class SchemaSnapshot(models.Model):
    """The template schema's DDL, captured once per migration state and replayed per client."""

    migration_state = models.CharField(max_length=64, unique=True)
    sql = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Schema snapshot {self.migration_state[:12]}"


class ExportReason(models.TextChoices):
    OFFBOARDING = "offboarding", "Offboarding"
    ON_REQUEST = "on_request", "On request"


class ClientExport(models.Model):
    """A full data export of one client's schema: a zip in the default storage.

    In the public schema because the export must outlive the client's schema. An export is
    done exactly when ``file_path`` is set; the job (``bpo.jobs``) carries its progress and,
    after a failure, the error (a failed export keeps no file and can be retried).
    """

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="exports")
    job = models.OneToOneField("jobs.Job", on_delete=models.PROTECT, related_name="client_export")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reason = models.CharField(max_length=16, choices=ExportReason.choices)
    file_path = models.CharField(
        max_length=300,
        blank=True,
        help_text="The zip, relative to MEDIA_ROOT (under exports/<client slug>/); "
        "empty until the export is done.",
    )
    size_bytes = models.PositiveBigIntegerField(null=True, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    row_counts = models.JSONField(default=dict, blank=True, help_text="Rows per table.")
    generated_at = models.DateTimeField(
        null=True, blank=True, help_text="When the snapshot of the schema was taken."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(file_path="")
                | (
                    models.Q(size_bytes__isnull=False)
                    & ~models.Q(sha256="")
                    & models.Q(generated_at__isnull=False)
                ),
                name="client_export_file_has_its_facts",
            ),
            models.UniqueConstraint(
                fields=["client"],
                condition=models.Q(reason="offboarding"),
                name="client_export_one_per_offboarding",
            ),
        ]

    def __str__(self) -> str:
        return f"Export of {self.client} ({self.get_reason_display().lower()})"

    @property
    def is_done(self) -> bool:
        return bool(self.file_path)

    @property
    def download_name(self) -> str:
        """``<slug>-export-<YYYYmmdd-HHMM>.zip`` (UTC, the moment of the snapshot)."""
        stamp = self.generated_at or self.created_at
        return f"{self.client.slug}-export-{stamp:%Y%m%d-%H%M}.zip"
