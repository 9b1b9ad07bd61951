"""API representations of the tenant registry.

Input serializers only check the shape of a request; the business rules (what an answer
must look like, which status change is allowed) live in ``tenants.services`` and
``tenants.onboarding_rules`` and answer in the project's error format.
"""

from __future__ import annotations

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from bpo.jobs.models import Job
from tenants.models import (
    REGISTRY_FIELDS,
    REGISTRY_TIMESTAMPS,
    Client,
    ClientEvent,
    ClientExport,
    OnboardingRun,
)
from tenants.pilot import pilot_checklist


class UserRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    email = serializers.EmailField()
    full_name = serializers.CharField()


class ClientSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField(help_text="This client in the API.")
    portal_url = serializers.SerializerMethodField(help_text="The client's portal page.")

    class Meta:
        model = Client
        fields = [
            *REGISTRY_FIELDS,
            *REGISTRY_TIMESTAMPS,
            "url",
            "portal_url",
        ]
        read_only_fields = fields

    def get_url(self, client: Client) -> str:
        return reverse("api:client-detail", args=[client.slug])

    def get_portal_url(self, client: Client) -> str:
        return reverse("client:overview", args=[client.slug])


class PilotItemSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]  # a body key, popped by DRF
    is_done = serializers.BooleanField()
    is_available = serializers.BooleanField(
        help_text="False while the feature behind the item does not exist yet."
    )


class ClientDetailSerializer(ClientSerializer):
    created_by = UserRefSerializer(allow_null=True, read_only=True)
    pilot_checklist = serializers.SerializerMethodField()

    class Meta(ClientSerializer.Meta):
        fields = [*ClientSerializer.Meta.fields, "created_by", "pilot_checklist"]
        read_only_fields = fields

    @extend_schema_field(PilotItemSerializer(many=True))
    def get_pilot_checklist(self, client: Client) -> list:
        # Client-scoped requests run in the client's schema (tenants.middleware).
        return list(PilotItemSerializer(pilot_checklist(client=client), many=True).data)


class ClientStatusChangeSerializer(serializers.Serializer):
    status = serializers.CharField(
        max_length=16,
        help_text="`live`, `suspended`, `onboarding` (from suspended) or `offboarded`.",
    )
    note = serializers.CharField(
        required=False, allow_blank=True, max_length=2000, default="", help_text="Why."
    )


class ClientEventSerializer(serializers.ModelSerializer):
    actor = UserRefSerializer(allow_null=True, read_only=True)

    class Meta:
        model = ClientEvent
        fields = ["id", "action", "actor", "before", "after", "note", "created_at"]
        read_only_fields = fields


class OnboardingRequestSerializer(serializers.Serializer):
    """The wizard's questions. Every rule is checked by ``onboarding_rules.validate_answers``."""

    name = serializers.CharField(required=False, allow_blank=True, help_text="Company name.")
    legal_name = serializers.CharField(required=False, allow_blank=True)
    slug = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text="Portal address (3-40 lowercase letters, digits, hyphens); "
        "suggested from the name when blank.",
    )
    industry = serializers.CharField(
        required=False, allow_blank=True, help_text="e.g. `ecommerce`, `saas`, `travel`."
    )
    country = serializers.CharField(
        required=False, allow_blank=True, help_text="ISO 3166-1 alpha-2, e.g. `DE`."
    )
    time_zone = serializers.CharField(
        required=False, allow_blank=True, help_text="IANA zone, e.g. `Europe/Berlin`."
    )
    currency = serializers.CharField(
        required=False, allow_blank=True, help_text="ISO 4217, e.g. `EUR`."
    )
    billing_model = serializers.CharField(
        required=False, allow_blank=True, help_text="`per_hour` or `per_agent`."
    )
    billing_contact_name = serializers.CharField(required=False, allow_blank=True)
    billing_contact_email = serializers.CharField(required=False, allow_blank=True)
    admin_full_name = serializers.CharField(
        required=False, allow_blank=True, help_text="The first client admin, invited by e-mail."
    )
    admin_email = serializers.CharField(required=False, allow_blank=True)


class OnboardingRunSerializer(serializers.ModelSerializer):
    status = serializers.CharField(
        source="job.status", help_text="queued, running, succeeded, failed."
    )
    progress = serializers.IntegerField(source="job.progress", help_text="0 to 100.")
    message = serializers.CharField(source="job.message")
    error = serializers.CharField(source="job.error")
    attempts = serializers.IntegerField(source="job.attempts")
    started_at = serializers.DateTimeField(source="job.started_at", allow_null=True)
    finished_at = serializers.DateTimeField(source="job.finished_at", allow_null=True)
    client: serializers.SlugRelatedField[Client] = serializers.SlugRelatedField(
        slug_field="slug",
        read_only=True,
        allow_null=True,
        help_text="The client's slug once provisioned.",
    )
    requested_by = UserRefSerializer(allow_null=True, read_only=True)
    url = serializers.SerializerMethodField()
    page_url = serializers.SerializerMethodField(help_text="The progress page.")

    class Meta:
        model = OnboardingRun
        fields = [
            "id",
            "slug",
            "status",
            "progress",
            "message",
            "error",
            "attempts",
            "client",
            "provisioning_method",
            "answers",
            "requested_by",
            "created_at",
            "started_at",
            "finished_at",
            "url",
            "page_url",
        ]
        read_only_fields = fields

    def get_url(self, run: OnboardingRun) -> str:
        return reverse("api:onboarding-run-detail", args=[run.pk])

    def get_page_url(self, run: OnboardingRun) -> str:
        return reverse("tenants:onboarding_run", args=[run.pk])


class JobSerializer(serializers.ModelSerializer):
    class Meta:
        model = Job
        fields = [
            "id",
            "kind",
            "status",
            "progress",
            "message",
            "error",
            "attempts",
            "created_at",
            "started_at",
            "finished_at",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "status": {"help_text": "queued, running, succeeded, failed."},
            "progress": {"help_text": "0 to 100."},
            "error": {"help_text": "Why the job failed (empty otherwise)."},
        }


class ClientExportSerializer(serializers.ModelSerializer):
    status = serializers.CharField(
        source="job.status",
        help_text="queued, running, succeeded (then `download_url` is set) or failed (then "
        "`job.error` says why and it can be retried).",
    )
    job = JobSerializer(read_only=True)
    requested_by = UserRefSerializer(allow_null=True, read_only=True)
    file_name = serializers.SerializerMethodField(help_text="The download's file name.")
    url = serializers.SerializerMethodField()
    download_url = serializers.SerializerMethodField(help_text="Set once the export is done.")

    class Meta:
        model = ClientExport
        fields = [
            "id",
            "reason",
            "status",
            "requested_by",
            "created_at",
            "generated_at",
            "size_bytes",
            "sha256",
            "row_counts",
            "file_name",
            "url",
            "download_url",
            "job",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "generated_at": {"help_text": "When the snapshot of the data was taken (UTC)."},
            "sha256": {"help_text": "SHA-256 of the whole zip."},
            "row_counts": {"help_text": "Rows per table, as in the zip's manifest."},
        }

    def get_file_name(self, export: ClientExport) -> str | None:
        return export.download_name if export.is_done else None

    def get_url(self, export: ClientExport) -> str:
        return reverse("api:client-export-detail", args=[export.client.slug, export.pk])

    def get_download_url(self, export: ClientExport) -> str | None:
        if not export.is_done:
            return None
        return reverse("api:client-export-download", args=[export.client.slug, export.pk])
