"""The agent's self-service API, provider-level at ``/api/v1/roster/``: my week (bookings across
every client with each line's script and escalation path), the calendar feed's secret address
and its rotation, and shift swaps (offer, take, withdraw; schedulers approve or refuse).

As on the pages (``views_week``): anyone without a roster right gets 404 for every route; a
roster user whose role never takes a step gets 403 before any row is read; "my" is always the
caller's own agent row (``selectors.agent_of_user``), never an id from the request, so an agent
cannot read another agent's week. An agent sees the swaps they offered or took and the open
offers they may serve; schedulers every swap. The writes are the pages' services
(``swaps.offer_shift``, ``swaps.run_swap_step``, ``swaps.rotate_calendar_feed``); a broken rule
answers 409 with each problem listed under ``fields.agent``.
"""

from __future__ import annotations

from datetime import date
from typing import ClassVar, cast

import django_filters
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, permissions, status
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from bpo.accounts.models import User
from bpo.accounts.permissions import (
    ROLE_REFUSAL,
    can_manage_roster,
    can_use_roster,
    provider_roles,
)
from bpo.accounts.roles import APPROVE_SWAPS, MANAGE_ROSTER, OWN_WEEK, REQUEST_TIME_OFF, VIEW_ROSTER
from bpo.api.base import ProviderAPIView, ProviderViewSet
from bpo.api.schema import REFUSALS, error_response, invalid_response
from bpo.errors import DomainError, NotFoundError
from scheduling.roster import selectors, services, swaps, week
from scheduling.roster.models import Agent, Booking, ShiftSwap, SwapStatus
from scheduling.roster.serializers_week import (
    AgentWeekSerializer,
    CalendarFeedSerializer,
    OfferShiftSerializer,
    ShiftSwapSerializer,
    SwapRefusalSerializer,
    TeamWeekSerializer,
    agent_week_data,
    team_week_data,
)

NOT_LINKED = "Your account is not linked to an agent of the roster."
ID = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH, description="The swap.")
WEEK = OpenApiParameter(
    "week",
    OpenApiTypes.DATE,
    OpenApiParameter.QUERY,
    required=False,
    description="Any day of the week (YYYY-MM-DD); this week on the agent's clock if left out.",
)
SWAP_REFUSED = error_response(
    "Refused by a rule of the taker's week, or by the swap's state; `fields.agent` lists "
    "every rule broken.",
    "conflict",
    "Rest between Tue 22:00 and Wed 06:00 would be 8 h, at least 11 h.",
    {"agent": ["Rest between Tue 22:00 and Wed 06:00 would be 8 h, at least 11 h."]},
)
# Who may do what (as the pages: ``views_week.SWAP_STEP_RIGHTS``); whose shift or swap it is
# is the services' check.
_ROSTER_USERS = VIEW_ROSTER | REQUEST_TIME_OFF
_SWAPPERS = OWN_WEEK | MANAGE_ROSTER


class RosterRights(permissions.BasePermission):
    """404 for anyone without a roster right; then the roles of the view's action (403)."""

    message = ROLE_REFUSAL

    def has_permission(self, request, view) -> bool:
        if not can_use_roster(request.user):
            raise NotFound()
        key = getattr(view, "action", None) or request.method.upper()
        if key == "HEAD":
            key = "GET"
        roles = provider_roles(request.user)
        allowed = view.roster_rights.get(key)
        if allowed is None and getattr(view, request.method.lower(), None) is None:
            # nothing routed for this method: DRF answers 405 to whoever may use the view
            return any(roles & rights for rights in view.roster_rights.values())
        return allowed is not None and bool(roles & allowed)


def _own_agent(user) -> Agent:
    agent = selectors.agent_of_user(user)
    if agent is None:
        raise NotFoundError(NOT_LINKED)
    return agent


def _day_asked(request) -> date | None:
    """``?week=``: any day of the week, or None when left out."""
    asked = request.query_params.get("week", "")
    if not asked:
        return None
    try:
        day = date.fromisoformat(asked)
        if not date(1900, 1, 8) <= day <= date(9000, 12, 31):
            raise ValueError(asked)  # no week of those years has shifts
    except ValueError:
        raise DomainError("Enter a valid date.", field="week") from None
    return day


def _feed_body(request, feed) -> dict:
    if feed is None:
        return {"url": None, "rotated_at": None}
    url = request.build_absolute_uri(reverse("roster:calendar_feed", kwargs={"token": feed.token}))
    return {"url": url, "rotated_at": feed.rotated_at}


class MyWeekAPI(ProviderAPIView):
    permission_classes = (RosterRights,)
    roster_rights: ClassVar[dict] = {"GET": _ROSTER_USERS}

    @extend_schema(
        operation_id="roster_my_week",
        summary="My week: my bookings of every client, on my clock",
        description="Each shift's client, line, times and open offer; each line's published "
        "script (sample values filled in) and escalation path; the week's time off. 404 for "
        "an account without an agent row.",
        tags=["my week"],
        parameters=[WEEK],
        responses={
            200: AgentWeekSerializer,
            400: invalid_response({"week": ["Enter a valid date."]}),
            **REFUSALS,
        },
    )
    def get(self, request):
        agent = _own_agent(request.user)
        day = _day_asked(request) or services.agent_today(agent)
        the_week = week.agent_week(
            agent=agent, week_starts_on=week.week_start_of(day), now=timezone.now()
        )
        return Response(AgentWeekSerializer(agent_week_data(the_week)).data)


class CalendarFeedAPI(ProviderAPIView):
    permission_classes = (RosterRights,)
    roster_rights: ClassVar[dict] = {"GET": _ROSTER_USERS}

    @extend_schema(
        operation_id="roster_my_calendar",
        summary="My calendar feed's secret address",
        description="`url` is null until the first rotation asks for one.",
        tags=["my week"],
        responses={200: CalendarFeedSerializer, **REFUSALS},
    )
    def get(self, request):
        feed = week.calendar_feed_of(agent=_own_agent(request.user))
        return Response(CalendarFeedSerializer(_feed_body(request, feed)).data)


class CalendarRotateAPI(ProviderAPIView):
    permission_classes = (RosterRights,)
    roster_rights: ClassVar[dict] = {"POST": _ROSTER_USERS}

    @extend_schema(
        operation_id="roster_my_calendar_rotate",
        summary="A new calendar address (the first, or in place of the old one)",
        description="The old address answers 404 at once; subscribe to the new one.",
        tags=["my week"],
        request=None,
        responses={200: CalendarFeedSerializer, **REFUSALS},
    )
    def post(self, request):
        feed = swaps.rotate_calendar_feed(agent=_own_agent(request.user), actor=request.user)
        return Response(CalendarFeedSerializer(_feed_body(request, feed)).data)


class TeamWeekAPI(ProviderAPIView):
    permission_classes = (RosterRights,)
    roster_rights: ClassVar[dict] = {"GET": _ROSTER_USERS}

    @extend_schema(
        operation_id="roster_team_week",
        summary="A team's week: its agents x the seven days",
        description="A team lead reads the teams they lead, schedulers any team; another "
        "team is not found. Without `team`: the first of them.",
        tags=["my week"],
        parameters=[
            WEEK,
            OpenApiParameter("team", OpenApiTypes.INT, required=False, description="A team."),
        ],
        responses={
            200: TeamWeekSerializer,
            400: invalid_response({"week": ["Enter a valid date."]}),
            **REFUSALS,
        },
    )
    def get(self, request):
        teams = (
            list(selectors.list_teams()) if can_manage_roster(request.user) else None
        ) or week.teams_led_by(request.user)
        asked = request.query_params.get("team", "")
        if asked and not asked.isdigit():
            raise DomainError("Enter a whole number.", field="team")
        team = next((t for t in teams if str(t.pk) == asked), None) if asked else None
        if team is None and not asked and teams:
            team = teams[0]
        if team is None:
            raise NotFoundError("No such team." if asked else "You lead no team.")
        agent = selectors.agent_of_user(request.user)
        zone = agent.time_zone if agent is not None else "UTC"
        today = services.agent_today(agent) if agent is not None else timezone.localdate()
        monday = week.week_start_of(_day_asked(request) or today)
        rows, _days = week.team_week(team=team, week_starts_on=monday, time_zone=zone)
        week.with_line_names([b for row in rows for cell in row.cells for b in cell.bookings])
        return Response(TeamWeekSerializer(team_week_data(team, monday, rows)).data)


class SwapFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=SwapStatus.choices)


def _step_schema(summary: str, request_body=None, description: str = ""):
    return extend_schema(
        summary=summary,
        description=description,
        tags=["swaps"],
        parameters=[ID],
        request=request_body,
        responses={200: ShiftSwapSerializer, 400: SWAP_REFUSED, 409: SWAP_REFUSED, **REFUSALS},
    )


@extend_schema_view(
    list=extend_schema(
        summary="Shift swaps",
        description="An agent's own (offered or taken), newest first; schedulers every swap "
        "(`?status=taken`: the ones waiting for approval).",
        tags=["swaps"],
        responses={200: ShiftSwapSerializer(many=True), **REFUSALS},
    ),
    retrieve=extend_schema(
        summary="One swap", tags=["swaps"], parameters=[ID], responses={200: ShiftSwapSerializer}
    ),
    create=extend_schema(
        summary="Offer one of my booked shifts to colleagues",
        description="Only a shift that has not begun, and once at a time.",
        tags=["swaps"],
        request=OfferShiftSerializer,
        responses={201: ShiftSwapSerializer, 409: SWAP_REFUSED, **REFUSALS},
    ),
)
class ShiftSwapViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, ProviderViewSet
):
    permission_classes = (RosterRights,)
    roster_rights: ClassVar[dict] = {
        "list": _SWAPPERS,
        "retrieve": _SWAPPERS,
        "create": _SWAPPERS,
        "offers": _SWAPPERS,
        "take": _SWAPPERS,
        "withdraw": _SWAPPERS,
        "approve": APPROVE_SWAPS,
        "refuse": APPROVE_SWAPS,
    }
    serializer_class = ShiftSwapSerializer
    filterset_class = SwapFilter
    filter_backends = [django_filters.rest_framework.DjangoFilterBackend]
    lookup_value_regex = r"\d+"
    model = ShiftSwap

    @property
    def _user(self) -> User:
        return cast(User, self.request.user)

    def _visible(self):
        """Every swap for the roster's managers; an agent's own and the open offers they may
        serve for an agent; nothing for anyone else."""
        if can_manage_roster(self._user):
            return week.swap_queryset()
        agent = selectors.agent_of_user(self._user)
        if agent is None:
            return ShiftSwap.objects.none()
        offers = [offer.pk for offer in week.list_open_offers_for(agent=agent, now=timezone.now())]
        return week.swap_queryset().filter(
            Q(offered_by=agent) | Q(taken_by=agent) | Q(pk__in=offers)
        )

    def select_rows(self):
        if can_manage_roster(self._user):
            return week.swap_queryset().order_by("-offered_at", "-id")
        agent = selectors.agent_of_user(self._user)
        if agent is None:
            return ShiftSwap.objects.none()
        return (
            week.swap_queryset()
            .filter(Q(offered_by=agent) | Q(taken_by=agent))
            .order_by("-offered_at", "-id")
        )

    def select_row(self):
        try:
            return self._visible().get(pk=int(self.kwargs["pk"]))
        except (ShiftSwap.DoesNotExist, ValueError, TypeError):
            raise NotFoundError("No such swap.") from None

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        week.with_line_names([swap.booking for swap in page or []])
        return page

    def _answer(self, swap: ShiftSwap, code=status.HTTP_200_OK) -> Response:
        swap = week.access_swap(swap_id=swap.pk)
        week.with_line_names([swap.booking])
        return Response(ShiftSwapSerializer(swap).data, status=code)

    def retrieve(self, request, *args, **kwargs):
        return self._answer(self.get_object())

    def create(self, request, *args, **kwargs):
        serializer = OfferShiftSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        agent = _own_agent(request.user)
        # a body id is checked like a path id: only one's own bookings exist here
        booking = Booking.objects.filter(
            pk=serializer.validated_data["booking"], agent=agent
        ).first()
        if booking is None:
            raise NotFoundError("No such shift.", field="booking")
        swap = swaps.offer_shift(
            booking=booking, actor=request.user, note=serializer.validated_data.get("note", "")
        )
        return self._answer(swap, status.HTTP_201_CREATED)

    @extend_schema(
        summary="Open offers of colleagues that I may serve (not begun yet)",
        description="Whether taking one breaks a rule of my week is checked when I take it.",
        tags=["swaps"],
        responses={200: ShiftSwapSerializer(many=True), **REFUSALS},
    )
    @action(detail=False, methods=["get"], filter_backends=[])
    def offers(self, request, *args, **kwargs):
        agent = _own_agent(request.user)
        offers = week.list_open_offers_for(agent=agent, now=timezone.now())
        page = self.paginate_queryset(offers)
        return self.get_paginated_response(ShiftSwapSerializer(page, many=True).data)

    def _step(self, name: str, reason: str = "") -> Response:
        swap = self.get_object()
        agent = selectors.agent_of_user(self._user)
        done = swaps.run_swap_step(
            name=name, swap=swap, actor=self._user, agent=agent, reason=reason
        )
        return self._answer(done)

    @_step_schema(
        "Take an offered shift",
        description="The rules of my week are checked across every client (one shift a day, "
        "no overlap, 11 hours of rest, weekly hours and days, time off, allowed and skilled "
        "for the line); approved at once when nothing warns and the setting allows it, else "
        "it waits for a scheduler.",
    )
    @action(detail=True, methods=["post"], pagination_class=None, filter_backends=[])
    def take(self, request, pk=None):
        return self._step("take")

    @_step_schema("Withdraw my offer (not yet approved)")
    @action(detail=True, methods=["post"], pagination_class=None, filter_backends=[])
    def withdraw(self, request, pk=None):
        return self._step("withdraw")

    @_step_schema(
        "Approve a taken swap (schedulers)",
        description="The taker's rules are checked again; the booking and the client's shift "
        "row move to the taker together.",
    )
    @action(detail=True, methods=["post"], pagination_class=None, filter_backends=[])
    def approve(self, request, pk=None):
        return self._step("approve")

    @_step_schema("Refuse a taken swap, with the reason both agents read", SwapRefusalSerializer)
    @action(detail=True, methods=["post"], pagination_class=None, filter_backends=[])
    def refuse(self, request, pk=None):
        serializer = SwapRefusalSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return self._step("refuse", serializer.validated_data["reason"])
