"""Django admin for provider admins: the tenant registry, read-only where a write must go
through ``tenants.services`` (onboarding, lifecycle) or is history (audit trail, snapshots).

Lifecycle changes and retries are admin actions that call the services, so the audit trail
and the side effects are the same as from the portal.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.utils.html import format_html

from bpo.accounts.permissions import is_provider_admin
from bpo.admin import ReadOnlyAdmin
from bpo.errors import DomainError
from tenants import services
from tenants.models import (
    Client,
    ClientEvent,
    ClientExport,
    ClientStatus,
    OnboardingRun,
    SchemaSnapshot,
)


class ClientEventInline(admin.TabularInline):
    model = ClientEvent
    fields = ("created_at", "actor", "action", "before", "after", "note")
    readonly_fields = fields
    extra = 0
    can_delete = False
    ordering = ("-created_at", "-id")
    show_change_link = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


def _change_status(modeladmin, request, queryset, status: str) -> None:
    changed, refused = 0, []
    for client in queryset:
        target = services.reactivation_status(client) if status == "reactivate" else status
        try:
            services.change_client_status(
                client=client, status=target, actor=request.user, note="Changed in the admin."
            )
        except DomainError as exc:
            refused.append(f"{client.name}: {exc.message}")
        else:
            changed += 1
    if changed:
        modeladmin.message_user(request, f"{changed} client(s) changed.", messages.SUCCESS)
    for message in refused:
        modeladmin.message_user(request, message, messages.ERROR)


@admin.action(description="Go live (needs the pilot checklist complete)")
def go_live(modeladmin, request, queryset):
    _change_status(modeladmin, request, queryset, ClientStatus.LIVE)


@admin.action(description="Suspend (lock the client's users out)")
def suspend(modeladmin, request, queryset):
    _change_status(modeladmin, request, queryset, ClientStatus.SUSPENDED)


@admin.action(description="Reactivate suspended clients")
def reactivate(modeladmin, request, queryset):
    _change_status(modeladmin, request, queryset, "reactivate")


@admin.register(Client)
class ClientAdmin(ReadOnlyAdmin):
    list_display = ("name", "slug", "status", "country", "time_zone", "currency", "created_at")
    list_filter = ("status", "industry", "billing_model", "country")
    search_fields = ("name", "legal_name", "slug")
    ordering = ("name",)
    readonly_fields = (
        "name",
        "legal_name",
        "slug",
        "schema_name",
        "industry",
        "country",
        "time_zone",
        "currency",
        "billing_model",
        "status",
        "portal_link",
        "created_at",
        "created_by",
        "updated_at",
        "live_at",
        "suspended_at",
        "offboarded_at",
    )
    fields = readonly_fields
    inlines = (ClientEventInline,)
    # Offboarding has a confirmation step in the portal; it is not offered as a bulk action.
    actions = (go_live, suspend, reactivate)

    def get_queryset(self, request):
        return super().get_queryset(request).exclude(schema_name="public")

    @admin.display(description="Portal")
    def portal_link(self, client: Client) -> str:
        return format_html('<a href="/c/{}/">/c/{}/</a>', client.slug, client.slug)


@admin.register(ClientEvent)
class ClientEventAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "client", "action", "actor", "note")
    list_filter = ("action",)
    search_fields = ("client__name", "client__slug", "actor__email", "note")
    list_select_related = ("client", "actor")
    date_hierarchy = "created_at"
    readonly_fields = ("client", "actor", "action", "before", "after", "note", "created_at")
    fields = readonly_fields


@admin.action(description="Retry failed onboardings")
def retry_onboarding(modeladmin, request, queryset):
    for run in queryset.select_related("job"):
        try:
            services.retry_onboarding(run=run, actor=request.user)
        except DomainError as exc:
            modeladmin.message_user(request, f"{run}: {exc.message}", messages.ERROR)
        else:
            modeladmin.message_user(request, f"{run}: queued again.", messages.SUCCESS)


class JobColumns:
    """The background job's status and error as list columns (runs and exports have a job)."""

    @admin.display(description="Status", ordering="job__status")
    def job_status(self, obj) -> str:
        return obj.job.get_status_display()

    @admin.display(description="Error")
    def job_error(self, obj) -> str:
        return obj.job.error or "—"


@admin.register(OnboardingRun)
class OnboardingRunAdmin(JobColumns, ReadOnlyAdmin):
    list_display = (
        "created_at",
        "slug",
        "job_status",
        "client",
        "provisioning_method",
        "requested_by",
    )
    list_filter = ("job__status", "provisioning_method")
    search_fields = ("slug", "client__name", "requested_by__email")
    list_select_related = ("job", "client", "requested_by")
    readonly_fields = (
        "id",
        "slug",
        "client",
        "job",
        "job_status",
        "job_error",
        "provisioning_method",
        "requested_by",
        "answers",
        "created_at",
    )
    fields = readonly_fields
    actions = (retry_onboarding,)


@admin.register(SchemaSnapshot)
class SchemaSnapshotAdmin(ReadOnlyAdmin):
    list_display = ("migration_state", "created_at", "size")
    readonly_fields = ("migration_state", "created_at", "sql")
    fields = readonly_fields

    @admin.display(description="Size")
    def size(self, snapshot: SchemaSnapshot) -> str:
        return f"{len(snapshot.sql):,} characters"

    def has_delete_permission(self, request, obj=None) -> bool:
        # Harmless: the next provisioning captures the template again.
        return is_provider_admin(request.user)


@admin.action(description="Retry failed exports")
def retry_export(modeladmin, request, queryset):
    for export in queryset.select_related("client", "job"):
        try:
            services.retry_client_export(export=export, actor=request.user)
        except DomainError as exc:
            modeladmin.message_user(request, f"{export}: {exc.message}", messages.ERROR)
        else:
            modeladmin.message_user(request, f"{export}: queued again.", messages.SUCCESS)


@admin.register(ClientExport)
class ClientExportAdmin(JobColumns, ReadOnlyAdmin):
    """Data exports are requested in the portal (or by offboarding) and downloaded there."""

    list_display = ("created_at", "client", "reason", "job_status", "size_bytes", "requested_by")
    list_filter = ("reason", "job__status")
    search_fields = ("client__name", "client__slug", "requested_by__email")
    list_select_related = ("client", "job", "requested_by")
    readonly_fields = (
        "client",
        "reason",
        "requested_by",
        "created_at",
        "job",
        "job_status",
        "job_error",
        "generated_at",
        "file_path",
        "size_bytes",
        "sha256",
        "row_counts",
    )
    fields = readonly_fields
    actions = (retry_export,)
