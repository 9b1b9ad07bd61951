"""The tenant registry's API: clients (provider side), their lifecycle and audit trail, and
onboarding runs with their progress.

Provider-side endpoints sit at ``/api/v1/``; one client's endpoints at
``/api/v1/clients/<slug>/`` (resolved to the client by ``tenants.middleware``). Every view
derives from ``bpo.api.base``; reads come from ``tenants.selectors`` (which filter by what the
user may see) and writes go through ``tenants.services``.
"""

from __future__ import annotations

import django_filters
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, permissions, renderers, status
from rest_framework.decorators import action
from rest_framework.filters import OrderingFilter
from rest_framework.response import Response

from bpo.accounts.permissions import can_onboard_clients
from bpo.accounts.roles import Action
from bpo.api.base import ClientScopedAPIView, ClientScopedViewSet, ProviderViewSet
from bpo.api.schema import NOT_AUTHENTICATED, NOT_FOUND, ErrorSerializer, error_response
from bpo.jobs.models import JobStatus
from tenants import selectors, services
from tenants.models import ClientEvent, ClientExport, ClientStatus, ExportReason, OnboardingRun
from tenants.serializers import (
    ClientDetailSerializer,
    ClientEventSerializer,
    ClientExportSerializer,
    ClientSerializer,
    ClientStatusChangeSerializer,
    OnboardingRequestSerializer,
    OnboardingRunSerializer,
)

# --- documentation pieces ----------------------------------------------------------------------


FORBIDDEN = error_response(
    "Your role does not allow this.",
    "permission_denied",
    "Only account managers and provider admins onboard clients.",
)

ONBOARDING_REQUEST_EXAMPLE = {
    "name": "Alpine Travel",
    "legal_name": "Alpine Travel GmbH",
    "slug": "alpine-travel",
    "industry": "travel",
    "country": "DE",
    "time_zone": "Europe/Berlin",
    "currency": "EUR",
    "billing_model": "per_hour",
    "billing_contact_name": "Berta Buchhaltung",
    "billing_contact_email": "billing@alpine-travel.example",
    "admin_full_name": "Anna Admin",
    "admin_email": "anna@alpine-travel.example",
}
ONBOARDING_RUN_EXAMPLE = {
    "id": "0b6f3c1e-5a7d-4a39-9c39-3f4f0f6f4b11",
    "slug": "alpine-travel",
    "status": "queued",
    "progress": 0,
    "message": "",
    "error": "",
    "attempts": 0,
    "client": None,
    "provisioning_method": "",
    "answers": ONBOARDING_REQUEST_EXAMPLE,
    "requested_by": {"id": 2, "email": "am@provider.example", "full_name": "Alex Manager"},
    "created_at": "2026-03-02T09:15:00Z",
    "started_at": None,
    "finished_at": None,
    "url": "/api/v1/onboarding-runs/0b6f3c1e-5a7d-4a39-9c39-3f4f0f6f4b11/",
    "page_url": "/clients/onboarding/0b6f3c1e-5a7d-4a39-9c39-3f4f0f6f4b11/",
}
CLIENT_EXAMPLE = {
    "slug": "alpine-travel",
    "name": "Alpine Travel",
    "legal_name": "Alpine Travel GmbH",
    "industry": "travel",
    "country": "DE",
    "time_zone": "Europe/Berlin",
    "currency": "EUR",
    "billing_model": "per_hour",
    "status": "onboarding",
    "created_at": "2026-03-02T09:15:01Z",
    "live_at": None,
    "suspended_at": None,
    "offboarded_at": None,
    "url": "/api/v1/clients/alpine-travel/",
    "portal_url": "/c/alpine-travel/",
}

# --- clients -----------------------------------------------------------------------------------


class ClientFilter(django_filters.FilterSet):
    search = django_filters.CharFilter(
        method="filter_search", help_text="Part of the name, legal name or address."
    )
    status = django_filters.ChoiceFilter(choices=ClientStatus.choices)

    def filter_search(self, queryset, name, value):
        return selectors.search_clients(queryset, search=value)


@extend_schema_view(
    list=extend_schema(
        summary="List the clients you may open",
        description="Provider admins see every client; other staff their assigned clients; "
        "a client user its own client.",
        tags=["clients"],
        responses={
            200: ClientSerializer(many=True),
            400: OpenApiResponse(ErrorSerializer),
            401: NOT_AUTHENTICATED,
        },
        examples=[OpenApiExample("A page of clients", value=CLIENT_EXAMPLE, response_only=True)],
    )
)
class ClientViewSet(mixins.ListModelMixin, ProviderViewSet):
    serializer_class = ClientSerializer
    filterset_class = ClientFilter
    filter_backends = [django_filters.rest_framework.DjangoFilterBackend, OrderingFilter]
    ordering_fields = ["name", "created_at", "status"]
    ordering = ["name"]

    def select_rows(self):
        return selectors.list_clients(user=self.request.user)


class ClientDetailAPI(ClientScopedAPIView):
    action_rights = {"GET": Action.VIEW_CLIENT}

    @extend_schema(
        summary="One client: registry facts and pilot checklist",
        tags=["clients"],
        responses={200: ClientDetailSerializer, 401: NOT_AUTHENTICATED, 404: NOT_FOUND},
    )
    def get(self, request, client_slug: str):
        return Response(ClientDetailSerializer(self.client).data)


class ClientStatusAPI(ClientScopedAPIView):
    action_rights = {"POST": Action.MANAGE_CLIENT}

    @extend_schema(
        summary="Change a client's status",
        description="onboarding -> live (needs the pilot checklist complete) -> suspended "
        "(its users are locked out, data kept) -> live again, or offboarded (final). "
        "Account managers and provider admins only.",
        tags=["clients"],
        request=ClientStatusChangeSerializer,
        responses={
            200: ClientDetailSerializer,
            400: error_response(
                "The move is not allowed.",
                "invalid",
                "The pilot checklist is not complete: a service line, a published script, an "
                "escalation path and a QA scorecard are needed first.",
                {"status": ["The pilot checklist is not complete: ..."]},
            ),
            401: NOT_AUTHENTICATED,
            403: error_response("Your role does not allow this.", "permission_denied", "..."),
            404: NOT_FOUND,
            409: error_response("The client has that status already.", "conflict", "..."),
        },
        examples=[
            OpenApiExample(
                "Suspend",
                value={"status": "suspended", "note": "Unpaid invoices"},
                request_only=True,
            )
        ],
    )
    def post(self, request, client_slug: str):
        serializer = ClientStatusChangeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        client = services.change_client_status(
            client=self.client,
            status=serializer.validated_data["status"],
            note=serializer.validated_data["note"],
            actor=request.user,
        )
        return Response(ClientDetailSerializer(client).data)


@extend_schema_view(
    list=extend_schema(
        summary="A client's audit trail",
        description="Who changed what about the client, and when; newest first.",
        tags=["clients"],
        responses={200: ClientEventSerializer(many=True), 401: NOT_AUTHENTICATED, 404: NOT_FOUND},
    )
)
class ClientEventViewSet(mixins.ListModelMixin, ClientScopedViewSet):
    model = ClientEvent
    action_rights = {"list": Action.VIEW_CLIENT}
    serializer_class = ClientEventSerializer
    filter_backends: list = []

    def select_rows(self):
        return selectors.list_client_events(client=self.client)


# --- onboarding runs ------------------------------------------------------------------------------


class CanOnboardClients(permissions.BasePermission):
    message = "Only account managers and provider admins onboard clients."

    def has_permission(self, request, view) -> bool:
        return can_onboard_clients(request.user)


class OnboardingRunFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(field_name="job__status", choices=JobStatus.choices)


RUN_ID = OpenApiParameter("id", OpenApiTypes.UUID, OpenApiParameter.PATH)


@extend_schema_view(
    list=extend_schema(
        summary="Recent onboarding runs",
        tags=["onboarding"],
        responses={200: OnboardingRunSerializer(many=True), 401: NOT_AUTHENTICATED, 403: FORBIDDEN},
    ),
    retrieve=extend_schema(
        summary="One onboarding run and its progress",
        description="Poll it: `status` goes queued -> running -> succeeded (then `client` is "
        "the new client's slug) or failed (then `error` says why and it can be retried).",
        tags=["onboarding"],
        parameters=[RUN_ID],
        responses={
            200: OnboardingRunSerializer,
            401: NOT_AUTHENTICATED,
            403: FORBIDDEN,
            404: NOT_FOUND,
        },
        examples=[
            OpenApiExample(
                "Provisioned",
                value={
                    **ONBOARDING_RUN_EXAMPLE,
                    "status": "succeeded",
                    "progress": 100,
                    "message": "Alpine Travel is ready",
                    "client": "alpine-travel",
                    "provisioning_method": "clone",
                    "attempts": 1,
                },
                response_only=True,
            ),
            OpenApiExample(
                "Failed",
                value={
                    **ONBOARDING_RUN_EXAMPLE,
                    "status": "failed",
                    "progress": 50,
                    "message": "Provisioning failed",
                    "error": "The address 'alpine-travel' is taken by another client.",
                    "attempts": 1,
                },
                response_only=True,
            ),
        ],
    ),
)
class OnboardingRunViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ProviderViewSet):
    permission_classes = (CanOnboardClients,)
    serializer_class = OnboardingRunSerializer
    filterset_class = OnboardingRunFilter
    filter_backends = [django_filters.rest_framework.DjangoFilterBackend]

    model = OnboardingRun

    def select_rows(self):
        return selectors.list_onboarding_runs(user=self.request.user)

    def select_row(self):
        return selectors.access_onboarding_run(user=self.request.user, run_id=self.kwargs["pk"])

    @extend_schema(
        summary="Onboard a client",
        description="Checks every answer (all bad fields at once), records the run and "
        "provisions the client in the background; poll the run for its progress. The first "
        "client admin is invited by e-mail when the client is ready.",
        tags=["onboarding"],
        request=OnboardingRequestSerializer,
        responses={
            201: OnboardingRunSerializer,
            400: error_response(
                "Bad answers; nothing was written.",
                "invalid",
                "'Europe/Berlln' is not an IANA time zone (e.g. Europe/Berlin).",
                {
                    "time_zone": ["'Europe/Berlln' is not an IANA time zone (e.g. Europe/Berlin)."],
                    "admin_email": ["Client admin e-mail is required."],
                },
            ),
            401: NOT_AUTHENTICATED,
            403: FORBIDDEN,
            409: error_response(
                "The same address is being onboarded already.",
                "conflict",
                "'alpine-travel' is being onboarded already.",
                {"slug": ["'alpine-travel' is being onboarded already."]},
            ),
        },
        examples=[
            OpenApiExample(
                "Onboard a travel company", value=ONBOARDING_REQUEST_EXAMPLE, request_only=True
            ),
            OpenApiExample(
                "Queued", value=ONBOARDING_RUN_EXAMPLE, response_only=True, status_codes=["201"]
            ),
        ],
    )
    def create(self, request):
        serializer = OnboardingRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        run = services.start_onboarding(data=serializer.validated_data, requested_by=request.user)
        run = selectors.access_onboarding_run(user=request.user, run_id=run.pk)
        body = OnboardingRunSerializer(run).data
        return Response(
            body,
            status=status.HTTP_201_CREATED,
            headers={"Location": reverse("api:onboarding-run-detail", args=[run.pk])},
        )

    @extend_schema(
        summary="Retry a failed onboarding",
        description="Queues provisioning again with the stored answers (checked anew).",
        tags=["onboarding"],
        request=None,
        parameters=[RUN_ID],
        responses={
            202: OnboardingRunSerializer,
            401: NOT_AUTHENTICATED,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: error_response(
                "Only a failed run can be retried.",
                "conflict",
                "Only a failed onboarding can be retried.",
                {"run": ["Only a failed onboarding can be retried."]},
            ),
        },
    )
    @action(detail=True, methods=["post"])
    def retry(self, request, pk=None):
        run = services.retry_onboarding(run=self.get_object(), actor=request.user)
        run = selectors.access_onboarding_run(user=request.user, run_id=run.pk)
        return Response(OnboardingRunSerializer(run).data, status=status.HTTP_202_ACCEPTED)


# --- data exports ----------------------------------------------------------------------------------

EXPORT_ID = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH)
EXPORT_FORBIDDEN = error_response(
    "Your role does not allow this (client viewers and staff other than provider admins and "
    "account managers).",
    "permission_denied",
    "Your role in this client does not allow this.",
)
EXPORT_JOB_EXAMPLE = {
    "id": "5d1c9a3e-2f4b-4c8e-9a71-0c2b6f1e8d44",
    "kind": "client_export",
    "status": "queued",
    "progress": 0,
    "message": "",
    "error": "",
    "attempts": 0,
    "created_at": "2026-03-02T09:15:00Z",
    "started_at": None,
    "finished_at": None,
}
EXPORT_EXAMPLE = {
    "id": 12,
    "reason": "on_request",
    "status": "queued",
    "requested_by": {"id": 7, "email": "anna@alpine-travel.example", "full_name": "Anna Admin"},
    "created_at": "2026-03-02T09:15:00Z",
    "generated_at": None,
    "size_bytes": None,
    "sha256": "",
    "row_counts": {},
    "file_name": None,
    "url": "/api/v1/clients/alpine-travel/exports/12/",
    "download_url": None,
    "job": EXPORT_JOB_EXAMPLE,
}
EXPORT_DONE_EXAMPLE = {
    **EXPORT_EXAMPLE,
    "status": "succeeded",
    "generated_at": "2026-03-02T09:15:02Z",
    "size_bytes": 48213,
    "sha256": "9f2c4e0b7d1a5c3e8b6f0a2d4c6e8b1a3c5e7f9b0d2f4a6c8e0b2d4f6a8c0e2b",
    "row_counts": {
        "contracts_billingcontact": 1,
        "contracts_contract": 1,
        "django_migrations": 4,
    },
    "file_name": "alpine-travel-export-20260302-0915.zip",
    "download_url": "/api/v1/clients/alpine-travel/exports/12/download/",
    "job": {
        **EXPORT_JOB_EXAMPLE,
        "status": "succeeded",
        "progress": 100,
        "message": "Export of Alpine Travel is ready",
        "attempts": 1,
        "started_at": "2026-03-02T09:15:01Z",
        "finished_at": "2026-03-02T09:15:03Z",
    },
}
EXPORT_CONFLICT = error_response(
    "Another export of the client is in progress.",
    "conflict",
    "An export of this client is in progress already; it can be downloaded when it is done.",
    {
        "export": [
            "An export of this client is in progress already; it can be downloaded when it is done."
        ]
    },
)


class ZipRenderer(renderers.BaseRenderer):
    """Lets a client ask for ``Accept: application/zip``; the file itself is a FileResponse
    and an error body is rendered as JSON."""

    media_type = "application/zip"
    format = "zip"
    charset = None

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if isinstance(data, bytes):
            return data
        return renderers.JSONRenderer().render(data)


@extend_schema_view(
    list=extend_schema(
        summary="A client's data exports",
        description="Full data exports of the client's schema, newest first. Provider admins, "
        "the client's account managers and its client admins (while the client is not "
        "suspended or offboarded).",
        tags=["exports"],
        responses={
            200: ClientExportSerializer(many=True),
            401: NOT_AUTHENTICATED,
            403: EXPORT_FORBIDDEN,
            404: NOT_FOUND,
        },
        examples=[OpenApiExample("A done export", value=EXPORT_DONE_EXAMPLE, response_only=True)],
    ),
    retrieve=extend_schema(
        summary="One data export and its progress",
        description="Poll it: `status` goes queued -> running (`job.progress`, `job.message` "
        "name the table being exported) -> succeeded (then `download_url` is set) or failed "
        "(then `job.error` says why; `POST .../retry/` queues it again).",
        tags=["exports"],
        parameters=[EXPORT_ID],
        responses={
            200: ClientExportSerializer,
            401: NOT_AUTHENTICATED,
            403: EXPORT_FORBIDDEN,
            404: NOT_FOUND,
        },
        examples=[
            OpenApiExample(
                "Running",
                value={
                    **EXPORT_EXAMPLE,
                    "status": "running",
                    "job": {
                        **EXPORT_JOB_EXAMPLE,
                        "status": "running",
                        "progress": 47,
                        "message": "Exported contracts_contract (2 of 4 tables)",
                        "attempts": 1,
                        "started_at": "2026-03-02T09:15:01Z",
                    },
                },
                response_only=True,
            ),
            OpenApiExample("Done", value=EXPORT_DONE_EXAMPLE, response_only=True),
        ],
    ),
)
class ClientExportViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ClientScopedViewSet):
    model = ClientExport
    action_rights = {
        action: Action.EXPORT_CLIENT_DATA
        for action in ("list", "retrieve", "create", "download", "retry")
    }
    serializer_class = ClientExportSerializer
    filter_backends: list = []

    def select_rows(self):
        return selectors.list_client_exports(client=self.client)

    def select_row(self):
        return selectors.access_client_export(client=self.client, export_id=self.kwargs["pk"])

    def get_renderers(self):
        if getattr(self, "action", None) == "download":
            # `Accept: application/zip` must not be refused; errors still answer JSON.
            return [renderers.JSONRenderer(), ZipRenderer()]
        return super().get_renderers()

    @extend_schema(
        summary="Export the client's data now",
        description="Queues a full data export of the client's schema (every table as CSV, "
        "`schema.sql`, and `manifest.json` with row counts and SHA-256 checksums, in one zip); "
        "poll the export for its progress, then download it. One export at a time per client. "
        "Offboarding a client makes one automatically.",
        tags=["exports"],
        request=None,
        responses={
            202: ClientExportSerializer,
            401: NOT_AUTHENTICATED,
            403: EXPORT_FORBIDDEN,
            404: NOT_FOUND,
            409: EXPORT_CONFLICT,
        },
        examples=[
            OpenApiExample("Queued", value=EXPORT_EXAMPLE, response_only=True, status_codes=["202"])
        ],
    )
    def create(self, request, client_slug: str):
        export = services.request_client_export(
            client=self.client, actor=request.user, reason=ExportReason.ON_REQUEST
        )
        export = selectors.access_client_export(client=self.client, export_id=export.pk)
        return Response(
            ClientExportSerializer(export).data,
            status=status.HTTP_202_ACCEPTED,
            headers={"Location": ClientExportSerializer().get_url(export)},
        )

    @extend_schema(
        summary="Download a data export",
        description="The zip, as an attachment named `<slug>-export-<YYYYmmdd-HHMM>.zip` "
        "(UTC). Compare its SHA-256 with the export's `sha256`.",
        tags=["exports"],
        parameters=[EXPORT_ID],
        responses={
            (200, "application/zip"): OpenApiResponse(
                response=OpenApiTypes.BINARY, description="The zip."
            ),
            401: NOT_AUTHENTICATED,
            403: EXPORT_FORBIDDEN,
            404: NOT_FOUND,
            409: error_response(
                "The export is not done yet.",
                "conflict",
                "The export is not done yet.",
                {"export": ["The export is not done yet."]},
            ),
        },
    )
    @action(detail=True, methods=["get"])
    def download(self, request, client_slug: str, pk=None):
        return services.download_client_export(export=self.get_object(), actor=request.user)

    @extend_schema(
        summary="Retry a failed data export",
        tags=["exports"],
        request=None,
        parameters=[EXPORT_ID],
        responses={
            202: ClientExportSerializer,
            401: NOT_AUTHENTICATED,
            403: EXPORT_FORBIDDEN,
            404: NOT_FOUND,
            409: error_response(
                "Only a failed export can be retried.",
                "conflict",
                "Only a failed export can be retried.",
                {"export": ["Only a failed export can be retried."]},
            ),
        },
    )
    @action(detail=True, methods=["post"])
    def retry(self, request, client_slug: str, pk=None):
        export = services.retry_client_export(export=self.get_object(), actor=request.user)
        return Response(ClientExportSerializer(export).data, status=status.HTTP_202_ACCEPTED)
