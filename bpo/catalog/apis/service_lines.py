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
    OpenApiExample,
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
    REFUSALS,
    error_response,
    invalid_response,
    page_of,
)
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
from bpo.catalog.services.service_lines import Messages
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

LINE_EXAMPLE = {
    "id": 7,
    "name": "Billing hotline",
    "description": "Invoices, refunds and payment plans.",
    "channel": "voice",
    "direction": "inbound",
    "status": "active",
    "languages": ["en", "es"],
    "required_skills": ["billing", "refunds"],
    "is_open_24_7": False,
    "closed_on_public_holidays": True,
    "opening_hours": [
        {"weekday": 0, "opens_at": "08:00", "closes_at": "20:00"},
        {"weekday": 4, "opens_at": "22:00", "closes_at": "06:00"},
    ],
    "date_overrides": [
        {
            "id": 3,
            "date": "2026-12-24",
            "is_closed": False,
            "opens_at": "08:00",
            "closes_at": "12:00",
            "note": "Christmas Eve: mornings only",
        }
    ],
    "service_level_percent": "80.00",
    "service_level_seconds": 20,
    "max_abandon_percent": "5.00",
    "asa_seconds": 30,
    "first_response_percent": None,
    "first_response_hours": None,
    "fcr_percent": "75.00",
    "csat_percent": "90.00",
    "qa_score_percent": "85.00",
    "created_at": "2026-03-02T09:15:00-05:00",
    "updated_at": "2026-03-04T16:40:00-05:00",
    "url": "/api/v1/clients/shopright/service-lines/7/",
}
CREATE_EXAMPLE = {
    "name": "Billing hotline",
    "channel": "voice",
    "direction": "inbound",
    "languages": ["en", "es"],
    "required_skills": ["billing", "refunds"],
    "opening_hours": [
        {"weekday": 0, "opens_at": "08:00", "closes_at": "20:00"},
        {"weekday": 4, "opens_at": "22:00", "closes_at": "06:00"},
    ],
    "service_level_percent": "80",
    "service_level_seconds": 20,
    "max_abandon_percent": "5",
    "asa_seconds": 30,
}
OVERRIDE_EXAMPLE = LINE_EXAMPLE["date_overrides"][0]  # type: ignore[index]
LINE_ID = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH, description="The line.")
OVERRIDE_ID = OpenApiParameter(
    "id", OpenApiTypes.INT, OpenApiParameter.PATH, description="The date override."
)
RETIRED_CONFLICT = error_response(
    "The line is retired: nothing of it changes any more.", "conflict", Messages.RETIRED_LINE
)
LINE_INVALID = invalid_response(
    {"first_response_percent": [Messages.LIVE_LINE_NO_FIRST_RESPONSE.format(line="A voice line")]}
)


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
            400: invalid_response({"status": ['Select a valid choice. "x" is not one of them.']}),
            **REFUSALS,
        },
        examples=[
            OpenApiExample("A page of lines", value=page_of(LINE_EXAMPLE), response_only=True)
        ],
    ),
    retrieve=extend_schema(
        summary="One service line",
        tags=["service lines"],
        parameters=[LINE_ID],
        responses={
            200: ServiceLineSerializer,
            **REFUSALS,
        },
        examples=[OpenApiExample("A voice line", value=LINE_EXAMPLE, response_only=True)],
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
            400: LINE_INVALID,
            **REFUSALS,
        },
        examples=[
            OpenApiExample("A voice line", value=CREATE_EXAMPLE, request_only=True),
            OpenApiExample(
                "Created",
                value={**LINE_EXAMPLE, "status": "draft", "date_overrides": []},
                response_only=True,
                status_codes=["201"],
            ),
        ],
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
        parameters=[LINE_ID],
        request=ServiceLineInputSerializer,
        responses={
            200: ServiceLineSerializer,
            400: invalid_response(
                {
                    "channel": [
                        "An e-mail line takes no service level target; use first response instead."
                    ]
                }
            ),
            **REFUSALS,
            409: RETIRED_CONFLICT,
        },
        examples=[
            OpenApiExample(
                "New hours and a higher service level",
                value={
                    "service_level_percent": "90",
                    "opening_hours": [
                        {"weekday": day, "opens_at": "08:00", "closes_at": "20:00"}
                        for day in range(5)
                    ],
                },
                request_only=True,
            ),
            OpenApiExample(
                "Into e-mail",
                value={
                    "channel": "email",
                    "service_level_percent": None,
                    "service_level_seconds": None,
                    "max_abandon_percent": None,
                    "asa_seconds": None,
                    "first_response_percent": "90",
                    "first_response_hours": "24",
                },
                request_only=True,
            ),
            OpenApiExample("Changed", value=LINE_EXAMPLE, response_only=True),
        ],
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
        parameters=[LINE_ID],
        request=ServiceLineStatusSerializer,
        responses={
            200: ServiceLineSerializer,
            400: error_response(
                "The move is not allowed.",
                "invalid",
                Messages.ACTIVE_NEEDS_HOURS,
                {"status": [Messages.ACTIVE_NEEDS_HOURS]},
            ),
            **REFUSALS,
            409: error_response(
                "The line has that status already.",
                "conflict",
                Messages.STATUS_SAME.format(status="active"),
                {"status": [Messages.STATUS_SAME.format(status="active")]},
            ),
        },
        examples=[
            OpenApiExample("Activate", value={"status": "active"}, request_only=True),
            OpenApiExample("Activated", value=LINE_EXAMPLE, response_only=True),
        ],
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
            LINE_ID,
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
            **REFUSALS,
        },
        examples=[
            OpenApiExample(
                "Over a spring-forward night",
                value={
                    "start": "2026-03-07T00:00:00-05:00",
                    "end": "2026-03-09T00:00:00-04:00",
                    "time_zone": "America/New_York",
                    "intervals": [
                        {"start": "2026-03-07T22:00:00-05:00", "end": "2026-03-08T06:00:00-04:00"}
                    ],
                    "open_seconds": 25200,
                },
                response_only=True,
            )
        ],
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
        parameters=[LINE_ID, OpenApiParameter("at", OpenApiTypes.DATETIME, required=False)],
        responses={
            200: IsOpenSerializer,
            400: error_response(
                "A malformed or local (no offset) instant, or one outside 1970-2100.",
                "invalid",
                instants.NAIVE.format(name="at"),
                {"at": [instants.NAIVE.format(name="at")]},
            ),
            **REFUSALS,
        },
        examples=[
            OpenApiExample(
                "Open",
                value={
                    "at": "2026-07-06T10:00:00-04:00",
                    "time_zone": "America/New_York",
                    "is_open": True,
                    "changes_at": "2026-07-06T20:00:00-04:00",
                },
                response_only=True,
            )
        ],
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
            LINE_ID,
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
            **REFUSALS,
        },
        examples=[
            OpenApiExample(
                "US, 2026",
                value={
                    "year": 2026,
                    "country": "US",
                    "closed_on_public_holidays": True,
                    "holidays": [
                        {
                            "date": "2026-07-03",
                            "name": "Independence Day (observed)",
                            "closes_line": False,
                            "override": {
                                "id": 4,
                                "date": "2026-07-03",
                                "is_closed": False,
                                "opens_at": "09:00",
                                "closes_at": "13:00",
                                "note": "Half day",
                            },
                        },
                        {
                            "date": "2026-07-04",
                            "name": "Independence Day",
                            "closes_line": True,
                            "override": None,
                        },
                    ],
                },
                response_only=True,
            )
        ],
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
        parameters=[LINE_ID],
        responses={
            200: DateOverrideSerializer(many=True),
            **REFUSALS,
        },
        examples=[OpenApiExample("A page", value=page_of(OVERRIDE_EXAMPLE), response_only=True)],
    )
    @extend_schema(
        methods=["POST"],
        summary="Add a date override",
        description="Closed all day (`is_closed: true`, no times), or open from `opens_at` to "
        "`closes_at` (past midnight when `closes_at` is not after `opens_at`). One per date.",
        tags=["service lines"],
        parameters=[LINE_ID],
        request=DateOverrideInputSerializer,
        responses={
            201: DateOverrideSerializer,
            400: invalid_response(
                {"date": [Messages.OVERRIDE_DATE_TAKEN.format(date="2026-12-24")]}
            ),
            **REFUSALS,
            409: RETIRED_CONFLICT,
        },
        examples=[
            OpenApiExample(
                "Christmas Eve mornings",
                value={
                    "date": "2026-12-24",
                    "is_closed": False,
                    "opens_at": "08:00",
                    "closes_at": "12:00",
                    "note": "Christmas Eve: mornings only",
                },
                request_only=True,
            ),
            OpenApiExample(
                "Closed",
                value={"date": "2026-12-31", "is_closed": True, "note": "Staff party"},
                request_only=True,
            ),
            OpenApiExample(
                "Added", value=OVERRIDE_EXAMPLE, response_only=True, status_codes=["201"]
            ),
        ],
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
        parameters=[OVERRIDE_ID],
        responses={
            200: DateOverrideSerializer,
            **REFUSALS,
        },
        examples=[OpenApiExample("Christmas Eve", value=OVERRIDE_EXAMPLE, response_only=True)],
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
        parameters=[OVERRIDE_ID],
        request=DateOverrideUpdateSerializer,
        responses={
            200: DateOverrideSerializer,
            400: invalid_response({"opens_at": [Messages.OVERRIDE_OPEN_NEEDS_TIMES]}),
            **REFUSALS,
            409: RETIRED_CONFLICT,
        },
        examples=[
            OpenApiExample(
                "Open the afternoon too",
                value={"closes_at": "17:00"},
                request_only=True,
            ),
            OpenApiExample(
                "Changed", value={**OVERRIDE_EXAMPLE, "closes_at": "17:00"}, response_only=True
            ),
        ],
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
        parameters=[OVERRIDE_ID],
        responses={
            204: None,
            **REFUSALS,
            409: RETIRED_CONFLICT,
        },
    )
    def destroy(self, request, client_slug: str, pk=None):
        services.remove_date_override(override=self.get_object(), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
