"""The service line API under ``/api/v1/clients/<slug>/``: lines (list, create, read, change,
status), their hours (open intervals, is-open, public holidays) and their date overrides.

Reading needs ``Action.VIEW_CATALOG``, writing ``Action.MANAGE_CATALOG`` (the base class
checks membership first: another client's users get 404). Lines are never deleted: retire
them. Writes go through ``bpo.catalog.services.service_lines``.
"""

from __future__ import annotations

from datetime import date, timedelta

import django_filters
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.filters import OrderingFilter, SearchFilter
from rest_framework.response import Response

from bpo import instants
from bpo.accounts.roles import Action
from bpo.api.base import ClientScopedViewSet
from bpo.api.schema import (
    error_response,
)
from bpo.catalog.api_examples import service_lines as docs
from bpo.catalog.models import Channel, DateOverride, Direction, ServiceLine, ServiceLineStatus
from bpo.catalog.selectors import service_lines as selectors
from bpo.catalog.serializers.service_lines import (
    DateOverrideInputSerializer,
    DateOverrideSerializer,
    DateOverrideUpdateSerializer,
    HolidaysSerializer,
    IsOpenSerializer,
    OpenIntervalsSerializer,
    ServiceLineInputSerializer,
    ServiceLineSerializer,
    ServiceLineStatusSerializer,
)
from bpo.catalog.services import service_lines as services
from bpo.errors import DomainError
from bpo.instants import read_instant

MAX_RANGE = timedelta(days=31)
MIN_YEAR, MAX_YEAR = instants.EARLIEST.year, instants.LATEST.year


class QueryMessages:
    """The refusals of the query parameters besides those of ``bpo.instants``."""

    RANGE_REVERSED = "end must be after start."
    RANGE_TOO_LONG = "The range is at most 31 days."
    YEAR_INVALID = f"year must be a year from {MIN_YEAR} to {MAX_YEAR}."


def read_year(value: str | None) -> int | None:
    """The year in a query parameter (None when not given), or a ``DomainError``: decimal
    digits only (no sign, no ``_`` separators, no spaces inside), from MIN_YEAR to MAX_YEAR."""
    if value is None or value == "":
        return None
    text = value.strip()
    # ``isdecimal`` (not ``isdigit``): exactly what ``int`` reads, without signs or "_"
    if not (text.isdecimal() and len(text) == 4):
        raise DomainError(QueryMessages.YEAR_INVALID, field="year")
    year = int(text)
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise DomainError(QueryMessages.YEAR_INVALID, field="year")
    return year


# --- documentation pieces ------------------------------------------------------------------------


class ServiceLineFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=ServiceLineStatus.choices)
    channel = django_filters.ChoiceFilter(choices=Channel.choices)
    direction = django_filters.ChoiceFilter(choices=Direction.choices)

    class Meta:
        model = ServiceLine
        fields = ["status", "channel", "direction"]


@extend_schema_view(
    list=extend_schema(
        summary="List the client's service lines",
        description="Filter by `status`, `channel`, `direction`; `search` matches the name; "
        "`ordering` by name, status, channel, created_at or updated_at (prefix `-` to reverse). "
        "Each line comes with its opening hours and date overrides.",
        tags=["service lines"],
        responses={
            200: ServiceLineSerializer(many=True),
            400: docs.SERVICE_LINE_LIST_400,
        },
        examples=docs.SERVICE_LINE_LIST_EXAMPLES,
    ),
    retrieve=extend_schema(
        summary="One service line",
        tags=["service lines"],
        parameters=[docs.LINE_ID],
        responses={200: ServiceLineSerializer},
        examples=docs.SERVICE_LINE_RETRIEVE_EXAMPLES,
    ),
)
class ServiceLineViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ClientScopedViewSet):
    action_rights = {
        "list": Action.VIEW_CATALOG,
        "retrieve": Action.VIEW_CATALOG,
        "open_intervals": Action.VIEW_CATALOG,
        "is_open": Action.VIEW_CATALOG,
        "holidays": Action.VIEW_CATALOG,
        "date_overrides": {"GET": Action.VIEW_CATALOG, "POST": Action.MANAGE_CATALOG},
        "create": Action.MANAGE_CATALOG,
        "partial_update": Action.MANAGE_CATALOG,
        "change_status": Action.MANAGE_CATALOG,
    }
    serializer_class = ServiceLineSerializer
    filterset_class = ServiceLineFilter
    filter_backends = [
        django_filters.rest_framework.DjangoFilterBackend,
        SearchFilter,
        OrderingFilter,
    ]
    search_fields = ["name"]
    ordering_fields = ["name", "status", "channel", "created_at", "updated_at"]
    ordering = ["name", "id"]
    lookup_value_regex = r"\d+"

    model = ServiceLine

    def select_rows(self):
        return selectors.list_service_lines()

    def select_row(self):
        return selectors.get_service_line_with_hours(service_line_id=self.kwargs["pk"])

    def _detail(self, line: ServiceLine, http_status: int = status.HTTP_200_OK) -> Response:
        fresh = selectors.get_service_line_with_hours(service_line_id=line.pk)
        return Response(self.get_serializer(fresh).data, status=http_status)

    @extend_schema(
        summary="Create a service line",
        description="A new line starts as a draft. Targets must fit the channel: voice, chat "
        "and video take service level (both % and seconds), abandon rate and ASA; e-mail, SMS "
        "and social take first response (both % and hours); every channel takes FCR, CSAT and "
        "QA score. Opening hours are local wall times of the client's zone; spans may not "
        "overlap, and a 24/7 line has none. Every fault comes at once in `fields`.",
        tags=["service lines"],
        request=ServiceLineInputSerializer,
        responses={
            201: ServiceLineSerializer,
            400: docs.LINE_INVALID,
        },
        examples=docs.SERVICE_LINE_CREATE_EXAMPLES,
    )
    def create(self, request, client_slug: str):
        serializer = ServiceLineInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        line = services.create_service_line(actor=request.user, **serializer.validated_data)
        return self._detail(line, status.HTTP_201_CREATED)

    @extend_schema(
        summary="Change a service line",
        description="Send only what changes. `opening_hours` replaces the week's spans "
        "(send `[]` to clear them, e.g. with `is_open_24_7: true`). The whole line is checked "
        "again: a new channel must fit the targets kept from before (the fault then names "
        "`channel`), and an active line keeps opening hours or 24/7. Retired lines refuse (409).",
        tags=["service lines"],
        parameters=[docs.LINE_ID],
        request=ServiceLineInputSerializer,
        responses={
            200: ServiceLineSerializer,
            400: docs.SERVICE_LINE_PARTIAL_UPDATE_400,
            409: docs.RETIRED_CONFLICT,
        },
        examples=docs.SERVICE_LINE_PARTIAL_UPDATE_EXAMPLES,
    )
    def partial_update(self, request, client_slug: str, pk=None):
        line = self.get_object()
        serializer = ServiceLineInputSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        line = services.update_service_line(
            service_line=line, actor=request.user, **serializer.validated_data
        )
        return self._detail(line)

    @extend_schema(
        summary="Change a line's status",
        description="draft -> active -> paused -> active ...; any status -> retired, which is "
        "final. A line becomes active only with opening hours or 24/7. The same status again "
        "answers 409.",
        tags=["service lines"],
        parameters=[docs.LINE_ID],
        request=ServiceLineStatusSerializer,
        responses={
            200: ServiceLineSerializer,
            400: docs.SERVICE_LINE_CHANGE_STATUS_400,
            409: docs.SERVICE_LINE_CHANGE_STATUS_409,
        },
        examples=docs.SERVICE_LINE_CHANGE_STATUS_EXAMPLES,
    )
    @action(detail=True, methods=["post"], url_path="status")
    def change_status(self, request, client_slug: str, pk=None):
        line = self.get_object()
        serializer = ServiceLineStatusSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        line = services.change_service_line_status(
            service_line=line, status=serializer.validated_data["status"], actor=request.user
        )
        return self._detail(line)

    @extend_schema(
        summary="When the line is open between two instants",
        description="The open intervals from `start` to `end` (ISO 8601 instants with a UTC "
        "offset, at most 31 days apart), clipped to the range and merged, shown in the "
        "client's zone. Opening hours keep their wall-clock times across daylight-saving "
        "changes; date overrides win, then the public holidays of the client's country (if "
        "the line closes on them), then the week's spans.",
        tags=["service lines"],
        parameters=[
            docs.LINE_ID,
            OpenApiParameter("start", OpenApiTypes.DATETIME, required=True),
            OpenApiParameter("end", OpenApiTypes.DATETIME, required=True),
        ],
        responses={
            200: OpenIntervalsSerializer,
            400: error_response(
                "A missing, malformed or local (no offset) instant, one outside 1970-2100, or a "
                "bad range.",
                "invalid",
                QueryMessages.RANGE_TOO_LONG,
                {"end": [QueryMessages.RANGE_TOO_LONG]},
            ),
        },
        examples=docs.SERVICE_LINE_OPEN_INTERVALS_EXAMPLES,
    )
    @action(detail=True, methods=["get"], url_path="open-intervals")
    def open_intervals(self, request, client_slug: str, pk=None):
        line = self.get_object()
        start = read_instant(request.query_params.get("start"), "start")
        end = read_instant(request.query_params.get("end"), "end")
        assert start is not None and end is not None
        if end <= start:
            raise DomainError(QueryMessages.RANGE_REVERSED, field="end")
        if end - start > MAX_RANGE:
            raise DomainError(QueryMessages.RANGE_TOO_LONG, field="end")
        intervals = selectors.open_intervals_of(
            service_line=line, client=self.client, start=start, end=end
        )
        data = {
            "start": start,
            "end": end,
            "time_zone": self.client.time_zone,
            "intervals": [{"start": a, "end": b} for a, b in intervals],
            "open_seconds": int(sum((b - a).total_seconds() for a, b in intervals)),
        }
        return Response(OpenIntervalsSerializer(data).data)

    @extend_schema(
        summary="Is the line open at an instant",
        description="`at` is an ISO 8601 instant with a UTC offset (default: now). The answer "
        "also says when that changes next (within a week).",
        tags=["service lines"],
        parameters=[docs.LINE_ID, OpenApiParameter("at", OpenApiTypes.DATETIME, required=False)],
        responses={
            200: IsOpenSerializer,
            400: docs.SERVICE_LINE_IS_OPEN_400,
        },
        examples=docs.SERVICE_LINE_IS_OPEN_EXAMPLES,
    )
    @action(detail=True, methods=["get"], url_path="is-open")
    def is_open(self, request, client_slug: str, pk=None):
        line = self.get_object()
        at = read_instant(request.query_params.get("at"), "at", required=False)
        at = at or timezone.now()
        state = selectors.open_state(
            weekly_hours=selectors.weekly_hours_of(service_line=line, client=self.client), at=at
        )
        data = {
            "at": at,
            "time_zone": self.client.time_zone,
            "is_open": state.is_open,
            "changes_at": state.changes_at,
        }
        return Response(IsOpenSerializer(data).data)

    @extend_schema(
        summary="Public holidays of the client's country, with the line's overrides",
        description="From the maintained `holidays` library for the client's country (observed "
        "days included). `closes_line` is true when the line closes on holidays and has no "
        "override that day; `override` is the line's own hours that day.",
        tags=["service lines"],
        parameters=[
            docs.LINE_ID,
            OpenApiParameter(
                "year", OpenApiTypes.INT, required=False, description="Default: this year."
            ),
        ],
        responses={
            200: HolidaysSerializer,
            400: error_response(
                "A bad year.",
                "invalid",
                QueryMessages.YEAR_INVALID,
                {"year": [QueryMessages.YEAR_INVALID]},
            ),
        },
        examples=docs.SERVICE_LINE_HOLIDAYS_EXAMPLES,
    )
    @action(detail=True, methods=["get"], url_path="holidays")
    def holidays(self, request, client_slug: str, pk=None):
        line = self.get_object()
        year = read_year(request.query_params.get("year")) or timezone.localdate().year
        rows = selectors.holidays_of(
            service_line=line,
            client=self.client,
            start=date(year, 1, 1),
            end=date(year, 12, 31),
        )
        data = {
            "year": year,
            "country": self.client.country,
            "closed_on_public_holidays": line.closed_on_public_holidays,
            "holidays": [
                {
                    "date": row.date,
                    "name": row.name,
                    "closes_line": row.closes_line,
                    "override": row.override,
                }
                for row in rows
            ],
        }
        return Response(HolidaysSerializer(data).data)

    @extend_schema(
        methods=["GET"],
        filters=False,
        summary="A line's date overrides",
        description="Dates whose hours differ from the week's (closed, or other times), by "
        "date. They win over the holiday rule.",
        tags=["service lines"],
        parameters=[docs.LINE_ID],
        responses={200: DateOverrideSerializer(many=True)},
        examples=docs.SERVICE_LINE_DATE_OVERRIDES_GET_EXAMPLES,
    )
    @extend_schema(
        methods=["POST"],
        summary="Add a date override",
        description="Closed all day (`is_closed: true`, no times), or open from `opens_at` to "
        "`closes_at` (past midnight when `closes_at` is not after `opens_at`). One per date.",
        tags=["service lines"],
        parameters=[docs.LINE_ID],
        request=DateOverrideInputSerializer,
        responses={
            201: DateOverrideSerializer,
            400: docs.SERVICE_LINE_DATE_OVERRIDES_POST_400,
            409: docs.RETIRED_CONFLICT,
        },
        examples=docs.SERVICE_LINE_DATE_OVERRIDES_POST_EXAMPLES,
    )
    @action(detail=True, methods=["get", "post"], url_path="date-overrides")
    def date_overrides(self, request, client_slug: str, pk=None):
        line = self.get_object()
        if request.method == "GET":
            page = self.paginate_queryset(selectors.list_date_overrides(service_line=line))
            data = DateOverrideSerializer(page, many=True).data
            return self.get_paginated_response(data)
        serializer = DateOverrideInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        override = services.add_date_override(
            service_line=line, actor=request.user, **serializer.validated_data
        )
        return Response(DateOverrideSerializer(override).data, status=status.HTTP_201_CREATED)

    def get_serializer_class(self):
        if getattr(self, "action", None) == "date_overrides":
            return DateOverrideSerializer
        return ServiceLineSerializer


@extend_schema_view(
    retrieve=extend_schema(
        summary="One date override",
        tags=["service lines"],
        parameters=[docs.OVERRIDE_ID],
        responses={200: DateOverrideSerializer},
        examples=docs.DATE_OVERRIDE_RETRIEVE_EXAMPLES,
    ),
)
class DateOverrideViewSet(mixins.RetrieveModelMixin, ClientScopedViewSet):
    """A date override by its id (they are listed and added under their service line)."""

    action_rights = {
        "retrieve": Action.VIEW_CATALOG,
        "partial_update": Action.MANAGE_CATALOG,
        "destroy": Action.MANAGE_CATALOG,
    }
    serializer_class = DateOverrideSerializer
    lookup_value_regex = r"\d+"
    filter_backends: list = []

    model = DateOverride

    def select_rows(self):
        return DateOverride.objects.select_related("service_line")

    def select_row(self):
        return selectors.get_date_override(override_id=self.kwargs["pk"])

    @extend_schema(
        summary="Change a date override",
        description="Send only what changes. Marking the day closed drops its times; opening "
        "it needs both times.",
        tags=["service lines"],
        parameters=[docs.OVERRIDE_ID],
        request=DateOverrideUpdateSerializer,
        responses={
            200: DateOverrideSerializer,
            400: docs.DATE_OVERRIDE_PARTIAL_UPDATE_400,
            409: docs.RETIRED_CONFLICT,
        },
        examples=docs.DATE_OVERRIDE_PARTIAL_UPDATE_EXAMPLES,
    )
    def partial_update(self, request, client_slug: str, pk=None):
        override = self.get_object()
        serializer = DateOverrideUpdateSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        override = services.update_date_override(
            override=override, actor=request.user, **serializer.validated_data
        )
        return Response(DateOverrideSerializer(override).data)

    @extend_schema(
        summary="Remove a date override",
        description="The date follows the week's hours (and the holiday rule) again.",
        tags=["service lines"],
        parameters=[docs.OVERRIDE_ID],
        responses={
            204: None,
            409: docs.RETIRED_CONFLICT,
        },
    )
    def destroy(self, request, client_slug: str, pk=None):
        services.remove_date_override(override=self.get_object(), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
