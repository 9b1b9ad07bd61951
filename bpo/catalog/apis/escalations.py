"""Escalation paths and tiers over the API (``/api/v1/clients/<slug>/escalation-paths/`` and
``/escalation-tiers/``), and the resolver (``escalation-paths/{id}/resolve/``).

Reading needs ``view_catalog``; structural writes (paths, tier sets, adding and removing tiers)
``manage_catalog``; changing one tier ``edit_escalation_contacts``, and the service lets client
admins change only its contact fields. Writes go through ``bpo.catalog.services.escalations``.
"""

from __future__ import annotations

import django_filters
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    extend_schema,
    extend_schema_view,
)
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from bpo.accounts.roles import Action
from bpo.api.base import ClientScopedViewSet
from bpo.catalog.api_examples import escalations as docs
from bpo.catalog.models import EscalationPath, EscalationTier
from bpo.catalog.selectors import escalations as selectors
from bpo.catalog.selectors.service_lines import get_service_line
from bpo.catalog.serializers.escalations import (
    EscalationPathCreateSerializer,
    EscalationPathPatchSerializer,
    EscalationPathSerializer,
    EscalationTierCreateSerializer,
    EscalationTierPatchSerializer,
    EscalationTierSerializer,
    EscalationTierSetSerializer,
    ResolutionSerializer,
    ResolveQuerySerializer,
)
from bpo.catalog.services import escalations as services
from bpo.errors import DomainError

# --- documentation pieces -------------------------------------------------------------------------


# --- paths ----------------------------------------------------------------------------------------


class EscalationPathFilter(django_filters.FilterSet):
    service_line = django_filters.NumberFilter(
        field_name="service_line_id", help_text="A service line's id."
    )

    class Meta:
        model = EscalationPath
        fields = ["service_line"]


@extend_schema_view(
    list=extend_schema(
        summary="List escalation paths",
        description="Every service line's escalation path with its tiers by level. Filter by "
        "`service_line`.",
        tags=["escalations"],
        responses={200: EscalationPathSerializer(many=True)},
        examples=docs.ESCALATION_PATH_LIST_EXAMPLES,
    ),
    retrieve=extend_schema(
        summary="One escalation path and its tiers",
        tags=["escalations"],
        parameters=[docs.PATH_ID],
        responses={200: EscalationPathSerializer},
        examples=docs.ESCALATION_PATH_RETRIEVE_EXAMPLES,
    ),
)
class EscalationPathViewSet(ClientScopedViewSet):
    """A service line's escalation path: its tiers by level, and who to contact when."""

    serializer_class = EscalationPathSerializer
    filterset_class = EscalationPathFilter
    filter_backends = [django_filters.rest_framework.DjangoFilterBackend]

    model = EscalationPath
    action_rights = {
        "list": Action.VIEW_CATALOG,
        "retrieve": Action.VIEW_CATALOG,
        "resolve": Action.VIEW_CATALOG,
        "create": Action.MANAGE_CATALOG,
        "partial_update": Action.MANAGE_CATALOG,
        "tiers": Action.MANAGE_CATALOG,
    }

    def select_rows(self):
        return selectors.list_escalation_paths()

    def select_row(self) -> EscalationPath:
        return selectors.get_escalation_path(path_id=self.kwargs["pk"])

    def _read(self, path: EscalationPath) -> dict:
        return EscalationPathSerializer(selectors.get_escalation_path(path_id=path.pk)).data

    def list(self, request, client_slug: str):
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(EscalationPathSerializer(page, many=True).data)

    def retrieve(self, request, client_slug: str, pk=None):
        return Response(EscalationPathSerializer(self.get_object()).data)

    @extend_schema(
        summary="Create a service line's escalation path",
        description="With its tiers (at least one). A line has one path (409 for a second). "
        "Every rule is checked at once; errors name `tiers.<index>.<field>`, or `tiers` for "
        "the path as a whole. Phone numbers are stored as E.164.",
        tags=["escalations"],
        request=EscalationPathCreateSerializer,
        responses={
            201: EscalationPathSerializer,
            400: docs.TIER_SET_INVALID,
            403: docs.MANAGERS_ONLY,
            409: docs.ESCALATION_PATH_CREATE_409,
        },
        examples=docs.ESCALATION_PATH_CREATE_EXAMPLES,
    )
    def create(self, request, client_slug: str):
        serializer = EscalationPathCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            line = get_service_line(service_line_id=data["service_line"])
        except DomainError:
            raise DomainError("No such service line.", field="service_line") from None
        path = services.create_escalation_path(
            service_line=line,
            name=data["name"],
            notes=data["notes"],
            tiers=data["tiers"],
            actor=request.user,
            client=self.client,
        )
        return Response(
            self._read(path),
            status=status.HTTP_201_CREATED,
            headers={
                "Location": reverse("api:escalation-path-detail", args=[client_slug, path.pk])
            },
        )

    @extend_schema(
        summary="Rename a path or change its notes",
        tags=["escalations"],
        parameters=[docs.PATH_ID],
        request=EscalationPathPatchSerializer,
        responses={
            200: EscalationPathSerializer,
            400: docs.ESCALATION_PATH_PARTIAL_UPDATE_400,
            403: docs.MANAGERS_ONLY,
        },
        examples=docs.ESCALATION_PATH_PARTIAL_UPDATE_EXAMPLES,
    )
    def partial_update(self, request, client_slug: str, pk=None):
        path = self.get_object()
        serializer = EscalationPathPatchSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.update_escalation_path(
            path=path,
            name=serializer.validated_data.get("name"),
            notes=serializer.validated_data.get("notes"),
            actor=request.user,
            client=self.client,
        )
        return Response(self._read(path))

    @extend_schema(
        summary="Replace the path's whole tier set",
        description="The tiers as they should be, in one transaction: an item with an `id` "
        "updates that tier, one without creates a tier, tiers left out are deleted. Levels may "
        "be swapped. Every rule is checked on the result; errors name `tiers.<index>.<field>` "
        "(the index in this list) or `tiers`.",
        tags=["escalations"],
        parameters=[docs.PATH_ID],
        request=EscalationTierSetSerializer,
        responses={
            200: EscalationPathSerializer,
            400: docs.TIER_SET_INVALID,
            403: docs.MANAGERS_ONLY,
        },
        examples=docs.ESCALATION_PATH_TIERS_EXAMPLES,
    )
    @action(detail=True, methods=["put"], url_path="tiers")
    def tiers(self, request, client_slug: str, pk=None):
        path = self.get_object()
        serializer = EscalationTierSetSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.save_escalation_tiers(
            path=path,
            tiers=serializer.validated_data["tiers"],
            actor=request.user,
            client=self.client,
        )
        return Response(self._read(path))

    @extend_schema(
        summary="Who to contact about an issue, and who next",
        description="For an issue of `severity` and `category` at the instant `at` (default "
        "now): whether that is business hours or after hours (the line's hours in the "
        "client's zone), the tier to contact now (the lowest level whose coverage fits and "
        "whose severity trigger matches: category empty or equal, ignoring case; severity at "
        "least its minimum), and the next tier with its deadline: a matching severity tier "
        "when the current one has not responded within its minutes, or a time tier when the "
        "issue is still unresolved after its minutes; its coverage is judged at the deadline. "
        "With no match, `tier` is null and `message` says why. Times are in the client's zone.",
        tags=["escalations"],
        parameters=[
            docs.PATH_ID,
            OpenApiParameter(
                "severity",
                OpenApiTypes.STR,
                OpenApiParameter.QUERY,
                required=True,
                description="1-4 or low, medium, high, critical.",
                examples=[OpenApiExample("High", value="high")],
            ),
            OpenApiParameter(
                "category",
                OpenApiTypes.STR,
                OpenApiParameter.QUERY,
                description="The issue's category, e.g. Billing.",
            ),
            OpenApiParameter(
                "at",
                OpenApiTypes.DATETIME,
                OpenApiParameter.QUERY,
                description="ISO 8601 instant (default now); without an offset, the client's "
                "local time. Between 1970 and 2100.",
                examples=[OpenApiExample("Before closing", value="2026-11-23T16:50:00-05:00")],
            ),
        ],
        request=None,
        responses={
            200: ResolutionSerializer,
            400: docs.ESCALATION_PATH_RESOLVE_400,
        },
        examples=docs.ESCALATION_PATH_RESOLVE_EXAMPLES,
    )
    @action(detail=True, methods=["get"])
    def resolve(self, request, client_slug: str, pk=None):
        path = self.get_object()
        query = ResolveQuerySerializer(
            data=request.query_params, context={"time_zone": self.client.time_zone}
        )
        query.is_valid(raise_exception=True)
        answer = selectors.resolve_escalation(
            path=path,
            client=self.client,
            severity=query.validated_data["severity"],
            category=query.validated_data["category"],
            at=query.validated_data["at"],
        )
        body = {
            "at": answer.at,
            "time_zone": self.client.time_zone,
            "severity": answer.severity,
            "severity_label": answer.severity_label,
            "category": answer.category,
            "period": answer.period,
            "period_label": answer.period_label,
            "tier": answer.tier,
            "next_tier": answer.next_tier,
            "message": answer.message,
            "next_message": answer.next_message,
        }
        return Response(ResolutionSerializer(body).data)


# --- tiers ----------------------------------------------------------------------------------------


@extend_schema_view(
    retrieve=extend_schema(
        summary="One escalation tier",
        tags=["escalations"],
        parameters=[docs.TIER_ID],
        responses={200: EscalationTierSerializer},
        examples=docs.ESCALATION_TIER_RETRIEVE_EXAMPLES,
    ),
)
class EscalationTierViewSet(ClientScopedViewSet):
    """One tier of an escalation path: its trigger, contact, respond-within and coverage."""

    serializer_class = EscalationTierSerializer

    # Every action reads through ``select_row``; no tier list is routed (``select_rows``: none).
    model = EscalationTier
    action_rights = {
        "retrieve": Action.VIEW_CATALOG,
        "partial_update": Action.EDIT_ESCALATION_CONTACTS,
        "create": Action.MANAGE_CATALOG,
        "destroy": Action.MANAGE_CATALOG,
    }

    def select_row(self) -> EscalationTier:
        return selectors.get_escalation_tier(tier_id=self.kwargs["pk"])

    def retrieve(self, request, client_slug: str, pk=None):
        return Response(EscalationTierSerializer(self.get_object()).data)

    @extend_schema(
        summary="Add a tier to a path",
        description="Without `level` the tier goes last; at a level already taken it is "
        "inserted there and the tiers from that level move up one. The whole path is checked "
        "again: this tier's errors name its field, others name `tiers`.",
        tags=["escalations"],
        request=EscalationTierCreateSerializer,
        responses={
            201: EscalationTierSerializer,
            400: docs.TIER_INVALID,
            403: docs.MANAGERS_ONLY,
        },
        examples=docs.ESCALATION_TIER_CREATE_EXAMPLES,
    )
    def create(self, request, client_slug: str):
        serializer = EscalationTierCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        try:
            path = selectors.get_escalation_path(path_id=data.pop("path"))
        except DomainError:
            raise DomainError("No such escalation path.", field="path") from None
        tier = services.add_escalation_tier(
            path=path, tier=data, actor=request.user, client=self.client
        )
        return Response(
            EscalationTierSerializer(tier).data,
            status=status.HTTP_201_CREATED,
            headers={
                "Location": reverse("api:escalation-tier-detail", args=[client_slug, tier.pk])
            },
        )

    @extend_schema(
        summary="Change a tier",
        description="Any subset of the tier's fields. Account managers and provider admins "
        "change any of them; client admins only the contact fields (`contact_name`, "
        "`contact_role`, `channel`, `phone`, `email`): a change to another field is refused "
        "with 403 naming it. The whole path is checked again.",
        tags=["escalations"],
        parameters=[docs.TIER_ID],
        request=EscalationTierPatchSerializer,
        responses={
            200: EscalationTierSerializer,
            400: docs.ESCALATION_TIER_PARTIAL_UPDATE_400,
            403: docs.CONTACTS_ONLY,
        },
        examples=docs.ESCALATION_TIER_PARTIAL_UPDATE_EXAMPLES,
    )
    def partial_update(self, request, client_slug: str, pk=None):
        tier = self.get_object()
        serializer = EscalationTierPatchSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        tier = services.update_escalation_tier(
            tier=tier,
            changes=serializer.validated_data,
            actor=request.user,
            client=self.client,
        )
        return Response(EscalationTierSerializer(tier).data)

    @extend_schema(
        summary="Remove a tier",
        description="The tiers above it move down one level. Refused when the path would be "
        "left without a tier, or without one reachable while the line is open.",
        tags=["escalations"],
        parameters=[docs.TIER_ID],
        request=None,
        responses={
            204: None,
            400: docs.ESCALATION_TIER_DESTROY_400,
            403: docs.MANAGERS_ONLY,
        },
    )
    def destroy(self, request, client_slug: str, pk=None):
        services.remove_escalation_tier(
            tier=self.get_object(), actor=request.user, client=self.client
        )
        return Response(status=status.HTTP_204_NO_CONTENT)
