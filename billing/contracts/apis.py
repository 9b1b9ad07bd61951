"""The client's contract over the API (``/api/v1/clients/<slug>/contract-versions/``): list
the versions (oldest first) with their rate card and rules, read one, and add a version from a
day. Reading needs ``view_contract``; adding ``manage_contract``."""

from __future__ import annotations

from typing import cast

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, status
from rest_framework.response import Response

from billing.contracts import api_examples as docs
from billing.contracts import selectors, services
from billing.contracts.models import ContractVersion
from billing.contracts.serializers import (
    ContractVersionInputSerializer,
    ContractVersionSerializer,
)
from bpo.accounts.models import User
from bpo.accounts.roles import Action
from bpo.api.base import ClientScopedViewSet
from bpo.api.schema import error_response, invalid_response

ID = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH, description="The id.")


@extend_schema_view(
    list=extend_schema(
        summary="List contract versions",
        description="Oldest first: each version is in force from `effective_from` to the day "
        "before the next one's. With the rate card, the rules and the rules in words.",
        tags=["contracts"],
        responses={200: ContractVersionSerializer(many=True)},
        examples=[OpenApiExample("A version", value=docs.VERSION, response_only=True)],
    ),
    retrieve=extend_schema(
        summary="One contract version",
        tags=["contracts"],
        parameters=[ID],
        responses={200: ContractVersionSerializer},
        examples=[OpenApiExample("A version", value=docs.VERSION, response_only=True)],
    ),
    create=extend_schema(
        summary="Add a contract version from a day",
        description="The new version supersedes the latest from `effective_from` (which must "
        "be after the latest version's first day and after every invoiced day). A field left "
        "out keeps the latest version's value; a list left out (`rates`, `multipliers`, "
        "`sla_credits`, `committed_fte`) is copied. Field errors name rows as "
        "`rates.<index>.unit_price` (0-based).",
        tags=["contracts"],
        request=ContractVersionInputSerializer,
        responses={
            201: ContractVersionSerializer,
            400: invalid_response(
                {"buyer_vat_id": ["Buyer VAT id: DE136695977 is not a valid EU VAT id."]}
            ),
            409: error_response(
                "The day is not after the latest version's, or falls in an invoiced period.",
                "conflict",
                "A new version starts after the latest one (version 2 from 1 December 2026); "
                "a version in force is never edited.",
            ),
        },
        examples=[OpenApiExample("New prices", value=docs.NEW_VERSION, request_only=True)],
    ),
)
class ContractVersionViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, ClientScopedViewSet
):
    model = ContractVersion
    action_rights = {
        "list": Action.VIEW_CONTRACT,
        "retrieve": Action.VIEW_CONTRACT,
        "create": Action.MANAGE_CONTRACT,
    }
    serializer_class = ContractVersionSerializer
    filter_backends: list = []
    pagination_class = None
    lookup_value_regex = r"\d+"

    def select_rows(self):
        return selectors.list_contract_versions()

    def select_row(self):
        return selectors.access_contract_version(version_id=self.kwargs["pk"])

    def create(self, request, client_slug: str):
        serializer = ContractVersionInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        version = services.create_contract_version(
            actor=cast(User, request.user), **serializer.service_arguments()
        )
        return Response(
            ContractVersionSerializer(
                selectors.access_contract_version(version_id=version.pk)
            ).data,
            status=status.HTTP_201_CREATED,
        )
