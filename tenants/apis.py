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
from bpo.api.schema import ErrorSerializer
from bpo.jobs.models import JobStatus
from tenants import api_examples as docs
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
        },
        examples=docs.CLIENT_LIST_EXAMPLES,
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
        responses={200: ClientDetailSerializer},
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
            400: docs.CLIENT_STATUS_POST_400,
            409: docs.CLIENT_STATUS_POST_409,
        },
        examples=docs.CLIENT_STATUS_POST_EXAMPLES,
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
        responses={200: ClientEventSerializer(many=True)},
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


@extend_schema_view(
    list=extend_schema(
        summary="Recent onboarding runs",
        tags=["onboarding"],
        responses={200: OnboardingRunSerializer(many=True)},
    ),
    retrieve=extend_schema(
        summary="One onboarding run and its progress",
        description="Poll it: `status` goes queued -> running -> succeeded (then `client` is "
        "the new client's slug) or failed (then `error` says why and it can be retried).",
        tags=["onboarding"],
        parameters=[docs.RUN_ID],
        responses={200: OnboardingRunSerializer},
        examples=docs.ONBOARDING_RUN_RETRIEVE_EXAMPLES,
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
            400: docs.ONBOARDING_RUN_CREATE_400,
            409: docs.ONBOARDING_RUN_CREATE_409,
        },
        examples=docs.ONBOARDING_RUN_CREATE_EXAMPLES,
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
        parameters=[docs.RUN_ID],
        responses={
            202: OnboardingRunSerializer,
            409: docs.ONBOARDING_RUN_RETRY_409,
        },
    )
    @action(detail=True, methods=["post"])
    def retry(self, request, pk=None):
        run = services.retry_onboarding(run=self.get_object(), actor=request.user)
        run = selectors.access_onboarding_run(user=request.user, run_id=run.pk)
        return Response(OnboardingRunSerializer(run).data, status=status.HTTP_202_ACCEPTED)


# --- data exports ----------------------------------------------------------------------------------


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
            403: docs.EXPORT_FORBIDDEN,
        },
        examples=docs.CLIENT_EXPORT_LIST_EXAMPLES,
    ),
    retrieve=extend_schema(
        summary="One data export and its progress",
        description="Poll it: `status` goes queued -> running (`job.progress`, `job.message` "
        "name the table being exported) -> succeeded (then `download_url` is set) or failed "
        "(then `job.error` says why; `POST .../retry/` queues it again).",
        tags=["exports"],
        parameters=[docs.EXPORT_ID],
        responses={
            200: ClientExportSerializer,
            403: docs.EXPORT_FORBIDDEN,
        },
        examples=docs.CLIENT_EXPORT_RETRIEVE_EXAMPLES,
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
            403: docs.EXPORT_FORBIDDEN,
            409: docs.EXPORT_CONFLICT,
        },
        examples=docs.CLIENT_EXPORT_CREATE_EXAMPLES,
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
        parameters=[docs.EXPORT_ID],
        responses={
            (200, "application/zip"): OpenApiResponse(
                response=OpenApiTypes.BINARY, description="The zip."
            ),
            403: docs.EXPORT_FORBIDDEN,
            409: docs.CLIENT_EXPORT_DOWNLOAD_409,
        },
    )
    @action(detail=True, methods=["get"])
    def download(self, request, client_slug: str, pk=None):
        return services.download_client_export(export=self.get_object(), actor=request.user)

    @extend_schema(
        summary="Retry a failed data export",
        tags=["exports"],
        request=None,
        parameters=[docs.EXPORT_ID],
        responses={
            202: ClientExportSerializer,
            403: docs.EXPORT_FORBIDDEN,
            409: docs.CLIENT_EXPORT_RETRY_409,
        },
    )
    @action(detail=True, methods=["post"])
    def retry(self, request, client_slug: str, pk=None):
        export = services.retry_client_export(export=self.get_object(), actor=request.user)
        return Response(ClientExportSerializer(export).data, status=status.HTTP_202_ACCEPTED)
