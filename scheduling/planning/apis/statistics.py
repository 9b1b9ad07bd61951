"""The statistics API under ``/api/v1/clients/<slug>/``: stored intervals (read, and pushed
by ACD integrations with an ``Idempotency-Key``) and the history of imports.

Reading needs ``Action.VIEW_STATISTICS``, pushing ``Action.IMPORT_STATISTICS``. A push is one
all-or-nothing import through the same checks as a file (``services.statistics_import``)."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    PolymorphicProxySerializer,
    extend_schema,
)
from rest_framework import mixins
from rest_framework.response import Response
from rest_framework.settings import api_settings

from bpo.accounts.roles import Action
from bpo.api.base import ClientScopedAPIView, ClientScopedViewSet
from bpo.api.schema import REFUSALS, ErrorSerializer, error_response, invalid_response
from bpo.instants import read_instant
from scheduling.planning.models import StatisticsImport
from scheduling.planning.selectors import statistics as selectors
from scheduling.planning.serializers.statistics import (
    IntervalStatisticSerializer,
    PushResultSerializer,
    PushSerializer,
    StatisticsImportSerializer,
)
from scheduling.planning.services import statistics_import as services

IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=False,
    description="Repeat a push safely: the same key with the same rows answers the first "
    "answer again; with other rows it is refused (409).",
)


class IntervalStatisticsApi(ClientScopedAPIView):
    """Stored intervals of the client (GET), and rows pushed by an ACD integration (POST)."""

    action_rights = {"GET": Action.VIEW_STATISTICS, "POST": Action.IMPORT_STATISTICS}
    # Declared so the schema wraps the GET answer in the page envelope it really has.
    pagination_class = api_settings.DEFAULT_PAGINATION_CLASS

    @extend_schema(
        operation_id="statistics_intervals_list",
        parameters=[
            OpenApiParameter("service_line", OpenApiTypes.INT, required=False),
            OpenApiParameter("starts_from", OpenApiTypes.DATETIME, required=False),
            OpenApiParameter("starts_before", OpenApiTypes.DATETIME, required=False),
        ],
        responses={
            200: IntervalStatisticSerializer(many=True),
            400: invalid_response({"starts_before": ["Enter a valid date/time."]}),
            **REFUSALS,
        },
    )
    def get(self, request, client_slug: str):
        line = request.query_params.get("service_line")
        rows = selectors.list_interval_statistics(
            service_line_id=int(line) if line and line.isdigit() else None,
            starts_from=read_instant(
                request.query_params.get("starts_from"), "starts_from", required=False
            ),
            starts_before=read_instant(
                request.query_params.get("starts_before"), "starts_before", required=False
            ),
        )
        if line and not line.isdigit():
            rows = rows.none()
        paginator = api_settings.DEFAULT_PAGINATION_CLASS()  # type: ignore[operator,misc]
        page = paginator.paginate_queryset(rows, request, view=self)
        return paginator.get_paginated_response(IntervalStatisticSerializer(page, many=True).data)

    @extend_schema(
        operation_id="statistics_intervals_push",
        request=PushSerializer,
        parameters=[IDEMPOTENCY_KEY],
        responses={
            201: PushResultSerializer,
            # Rows with errors answer the push result (nothing stored); a request the service
            # refuses before reading rows (no key, not a list) answers the one error format.
            400: PolymorphicProxySerializer(
                component_name="StatisticsPushRefusal",
                serializers=[PushResultSerializer, ErrorSerializer],
                resource_type_field_name=None,
            ),
            409: error_response(
                "The key was used for other rows",
                "conflict",
                "This Idempotency-Key was used for other rows; use a new key for new content.",
            ),
            **REFUSALS,
        },
        examples=[
            OpenApiExample(
                "One 15-minute interval",
                request_only=True,
                value={
                    "rows": [
                        {
                            "service_line": "Order hotline",
                            "interval_start": "2026-11-23T14:00:00Z",
                            "interval_minutes": 15,
                            "offered": 42,
                            "answered": 39,
                            "abandoned": 3,
                            "short_abandoned": 1,
                            "answered_within_threshold": 33,
                            "answered_wait_seconds": 585,
                            "talk_seconds": 12480,
                            "hold_seconds": 900,
                            "acw_seconds": 1755,
                        }
                    ]
                },
            )
        ],
    )
    def post(self, request, client_slug: str):
        rows = request.data.get("rows") if isinstance(request.data, dict) else None
        status, body = services.push_interval_statistics(
            actor=request.user,
            rows=rows if isinstance(rows, list) else [],
            idempotency_key=request.headers.get("Idempotency-Key", ""),
        )
        return Response(body, status=status)


class StatisticsImportViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, ClientScopedViewSet
):
    """Imports of the client's statistics, newest first: file uploads, commands, API pushes."""

    action_rights = {"list": Action.VIEW_STATISTICS, "retrieve": Action.VIEW_STATISTICS}
    serializer_class = StatisticsImportSerializer
    lookup_value_regex = r"\d+"
    model = StatisticsImport

    def select_rows(self):
        return selectors.list_statistics_imports()

    def select_row(self):
        return selectors.access_statistics_import(import_id=self.kwargs["pk"])
