"""SLA figures through the API: a client's week per service line and day, and one line's week
(or one local day) with its intervals."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.response import Response

from bpo.accounts.roles import Action
from bpo.api.base import ClientScopedAPIView
from bpo.api.schema import NOT_AUTHENTICATED, NOT_FOUND, invalid_response
from bpo.errors import DomainError
from scheduling.planning.selectors.sla import (
    IsoWeek,
    get_line_week_figures,
    list_week_figures,
)
from scheduling.planning.selectors.sla_projection import list_week_projections
from scheduling.planning.serializers.sla import (
    LineWeekSerializer,
    WeekFiguresSerializer,
    line_payload,
    week_payload,
)
from scheduling.planning.serializers.sla_projection import (
    WeekProjectionSerializer,
    week_projection_payload,
)

DAY_INVALID = 'Day "{value}" is not a date; write it as YYYY-MM-DD, e.g. 2026-01-26.'

WEEK_PARAMETER = OpenApiParameter(
    "week",
    OpenApiTypes.STR,
    required=False,
    description="ISO week in the client's zone, e.g. 2026-W05 (default: the current week).",
)
DAY_PARAMETER = OpenApiParameter(
    "day",
    OpenApiTypes.DATE,
    required=False,
    description="One local day (YYYY-MM-DD): its intervals only; the week is the day's.",
)
LINE_PARAMETER = OpenApiParameter(
    "service_line_id", OpenApiTypes.INT, OpenApiParameter.PATH, description="The line."
)
BAD_WEEK = invalid_response(
    {"week": ['Week "2026-5" is not an ISO week; write it as YYYY-Www, e.g. 2026-W05.']}
)


def week_of_request(request, client) -> IsoWeek:
    """``?week=`` or, without it, the client's current week."""
    value = request.query_params.get("week")
    if value in (None, ""):
        return IsoWeek.containing(timezone.now(), ZoneInfo(client.time_zone))
    return IsoWeek.parse(value)


def _day_of_request(request) -> date | None:
    value = request.query_params.get("day")
    if value in (None, ""):
        return None
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise DomainError(DAY_INVALID.format(value=value), field="day") from None
    IsoWeek.parse(str(IsoWeek.of(day)), name="day")  # within the years of the portal
    return day


class SlaWeekApi(ClientScopedAPIView):
    """Every shown line's figures for one ISO week, and for each of its seven local days."""

    action_rights = {"GET": Action.VIEW_SLA}

    @extend_schema(
        operation_id="sla_week",
        parameters=[WEEK_PARAMETER],
        responses={
            200: WeekFiguresSerializer,
            400: BAD_WEEK,
            401: NOT_AUTHENTICATED,
            404: NOT_FOUND,
        },
    )
    def get(self, request, client_slug: str):
        figures = list_week_figures(client=self.client, week=week_of_request(request, self.client))
        return Response(WeekFiguresSerializer(week_payload(figures)).data)


class SlaLineApi(ClientScopedAPIView):
    """One line's week: the week, its days and its intervals with statistics (``?day=``: the
    intervals of that local day only)."""

    action_rights = {"GET": Action.VIEW_SLA}

    @extend_schema(
        operation_id="sla_service_line",
        parameters=[LINE_PARAMETER, WEEK_PARAMETER, DAY_PARAMETER],
        responses={200: LineWeekSerializer, 400: BAD_WEEK, 401: NOT_AUTHENTICATED, 404: NOT_FOUND},
    )
    def get(self, request, client_slug: str, service_line_id: int):
        zone = ZoneInfo(self.client.time_zone)
        day = _day_of_request(request)
        week = IsoWeek.of(day) if day is not None else week_of_request(request, self.client)
        line = get_line_week_figures(client=self.client, service_line_id=service_line_id, week=week)
        payload = line_payload(line, zone, with_intervals=True)
        if day is not None:
            payload["intervals"] = [
                span
                for span, interval in zip(payload["intervals"], line.intervals, strict=True)
                if interval.starts_at.astimezone(zone).date() == day
            ]
        return Response(LineWeekSerializer(payload).data)


class SlaProjectionApi(ClientScopedAPIView):
    """The week's projected service level per line: the statistics so far, and for the rest of
    the week the forecast's contacts answered in time by the published plan's agents (Erlang C),
    as counts under each line's convention against its target."""

    action_rights = {"GET": Action.VIEW_SLA}

    @extend_schema(
        operation_id="sla_projection",
        parameters=[WEEK_PARAMETER],
        responses={
            200: WeekProjectionSerializer,
            400: BAD_WEEK,
            401: NOT_AUTHENTICATED,
            404: NOT_FOUND,
        },
    )
    def get(self, request, client_slug: str):
        projection = list_week_projections(
            client=self.client, week=week_of_request(request, self.client), now=timezone.now()
        )
        return Response(WeekProjectionSerializer(week_projection_payload(projection)).data)
