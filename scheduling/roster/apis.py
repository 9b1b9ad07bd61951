"""The roster's API, provider-level, at ``/api/v1/roster/``: agents and time-off requests.

Anyone without a roster right (client users above all) gets 404 for every route, so the
roster's existence is not leaked; an agent sees only their own agent row and requests.
Rights come from ``bpo.accounts.roles`` (``VIEW_ROSTER``, ``MANAGE_ROSTER``,
``REQUEST_TIME_OFF``) and, for the time-off steps, from ``services.WORKFLOW``; whether an
agent acts on their own time off is the service's check.
"""

from __future__ import annotations

from typing import ClassVar, cast

import django_filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, permissions, status
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from bpo.accounts.models import User
from bpo.accounts.permissions import ROLE_REFUSAL, can_use_roster, provider_roles
from bpo.accounts.roles import MANAGE_ROSTER, REQUEST_TIME_OFF, VIEW_ROSTER
from bpo.api.base import ProviderViewSet
from bpo.api.schema import REFUSALS, error_response
from bpo.errors import DomainError
from scheduling.roster import selectors, services
from scheduling.roster.models import Agent, TimeOffRequest, TimeOffStatus
from scheduling.roster.serializers import (
    AgentInputSerializer,
    AgentSerializer,
    RefusalSerializer,
    TimeOffInputSerializer,
    TimeOffRequestSerializer,
)

CONFLICT = error_response(
    "Refused by a business rule (allowance, team cap, overlap, state).",
    "conflict",
    "Team Blue may have at most 2 off at once; 2 are off already on Mon 10 Mar 2031.",
    {"team": ["Team Blue may have at most 2 off at once; 2 are off already on Mon 10 Mar 2031."]},
)
ID = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH)


class RosterPermission(permissions.BasePermission):
    """404 for anyone without any roster right; then the roles of the view's action (403)."""

    message = ROLE_REFUSAL

    def has_permission(self, request, view) -> bool:
        if not can_use_roster(request.user):
            raise NotFound()
        allowed = view.roster_rights.get(view.action or "")
        return allowed is not None and bool(provider_roles(request.user) & allowed)


_READERS = VIEW_ROSTER | REQUEST_TIME_OFF


class AgentFilter(django_filters.FilterSet):
    team = django_filters.NumberFilter(field_name="team_id")
    site = django_filters.NumberFilter(field_name="site_id")
    skill = django_filters.NumberFilter(field_name="skill_levels__skill_id", distinct=True)
    client = django_filters.NumberFilter(field_name="service_lines__client_id", distinct=True)
    search = django_filters.CharFilter(method="filter_search")

    class Meta:
        model = Agent
        fields: ClassVar[list[str]] = []

    def filter_search(self, queryset, name, value):
        from django.db.models import Q

        return queryset.filter(Q(full_name__icontains=value) | Q(employee_number__icontains=value))


@extend_schema_view(
    list=extend_schema(
        summary="The agent roster",
        description="Every agent for schedulers, account managers, finance and provider "
        "admins; an agent gets their own row only.",
        tags=["roster"],
        responses={200: AgentSerializer(many=True), **REFUSALS},
    ),
    retrieve=extend_schema(
        summary="One agent",
        tags=["roster"],
        parameters=[ID],
        responses={200: AgentSerializer, **REFUSALS},
    ),
    create=extend_schema(
        summary="Add an agent",
        description="Names for team, site, skills and templates; client slugs (and service "
        "line ids) for what the agent may serve. Every bad field is reported at once.",
        tags=["roster"],
        request=AgentInputSerializer,
        responses={201: AgentSerializer, **REFUSALS},
    ),
    partial_update=extend_schema(
        summary="Change an agent (only the fields given)",
        tags=["roster"],
        parameters=[ID],
        request=AgentInputSerializer,
        responses={200: AgentSerializer, **REFUSALS},
    ),
)
class AgentViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, ProviderViewSet
):
    permission_classes = (RosterPermission,)
    roster_rights: ClassVar[dict] = {
        "list": _READERS,
        "retrieve": _READERS,
        "create": MANAGE_ROSTER,
        "partial_update": MANAGE_ROSTER,
    }
    serializer_class = AgentSerializer
    filterset_class = AgentFilter
    filter_backends = [django_filters.rest_framework.DjangoFilterBackend]
    lookup_value_regex = r"\d+"
    model = Agent

    @property
    def _user(self) -> User:
        return cast(User, self.request.user)

    def select_rows(self):
        return selectors.list_agents(user=self._user)

    def select_row(self):
        return selectors.access_agent(user=self._user, agent_id=self.kwargs["pk"])

    def create(self, request, *args, **kwargs):
        serializer = AgentInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        agent = services.create_agent(data=serializer.agent_data(), actor=request.user)
        agent = selectors.access_agent(user=request.user, agent_id=agent.pk)
        return Response(AgentSerializer(agent).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        agent = self.get_object()
        serializer = AgentInputSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = serializer.agent_data(services.agent_data_of(agent))
        services.update_agent(agent=agent, data=data, actor=request.user)
        agent = selectors.access_agent(user=request.user, agent_id=agent.pk)
        return Response(AgentSerializer(agent).data)


class TimeOffFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=TimeOffStatus.choices)
    agent = django_filters.NumberFilter(field_name="agent_id")

    class Meta:
        model = TimeOffRequest
        fields: ClassVar[list[str]] = []


def _step_rights() -> dict:
    return {name: step.right for name, step in services.WORKFLOW.items()}


@extend_schema_view(
    list=extend_schema(
        summary="Time-off requests",
        description="Every agent's for the roster's readers; an agent's own for an agent.",
        tags=["roster"],
        responses={200: TimeOffRequestSerializer(many=True), **REFUSALS},
    ),
    retrieve=extend_schema(
        summary="One time-off request",
        tags=["roster"],
        parameters=[ID],
        responses={200: TimeOffRequestSerializer, **REFUSALS},
    ),
    create=extend_schema(
        summary="Request time off",
        description="An agent requests their own (leave `agent` out); a scheduler names the "
        "agent. Refused when it overlaps the agent's waiting or approved time off.",
        tags=["roster"],
        request=TimeOffInputSerializer,
        responses={201: TimeOffRequestSerializer, 409: CONFLICT, **REFUSALS},
    ),
)
class TimeOffRequestViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, ProviderViewSet
):
    permission_classes = (RosterPermission,)
    roster_rights: ClassVar[dict] = {
        "list": _READERS,
        "retrieve": _READERS,
        "create": MANAGE_ROSTER | REQUEST_TIME_OFF,
        **_step_rights(),
    }
    serializer_class = TimeOffRequestSerializer
    filterset_class = TimeOffFilter
    filter_backends = [django_filters.rest_framework.DjangoFilterBackend]
    lookup_value_regex = r"\d+"
    model = TimeOffRequest

    @property
    def _user(self) -> User:
        return cast(User, self.request.user)

    def select_rows(self):
        return selectors.list_time_off_requests(user=self._user)

    def select_row(self):
        return selectors.access_time_off_request(user=self._user, request_id=self.kwargs["pk"])

    def create(self, request, *args, **kwargs):
        serializer = TimeOffInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        if data.get("agent") is None:
            agent = selectors.agent_of_user(request.user)
            if agent is None:
                raise DomainError("Your account is not linked to an agent.", field="agent")
        else:
            # A body id is checked like a path id: an agent cannot reach another agent's row.
            agent = selectors.access_agent(user=request.user, agent_id=data["agent"])
        time_off = services.request_time_off(
            agent=agent,
            starts_on=data["starts_on"],
            ends_on=data["ends_on"],
            kind=data["kind"],
            note=data.get("note", ""),
            actor=request.user,
        )
        return Response(TimeOffRequestSerializer(time_off).data, status=status.HTTP_201_CREATED)

    def _step(self, name: str, reason: str = "") -> Response:
        time_off = services.run_time_off_step(
            name=name, request=self.get_object(), actor=self._user, reason=reason
        )
        return Response(TimeOffRequestSerializer(time_off).data)

    @extend_schema(
        summary="Approve a waiting request",
        description="Refused (409) when it would exceed the agent's allowance for the year "
        "(the message names the remaining balance), put more of the team off on some day than "
        "its cap allows (naming the days), or overlap the agent's approved time off.",
        tags=["roster"],
        parameters=[ID],
        request=None,
        responses={200: TimeOffRequestSerializer, 409: CONFLICT, **REFUSALS},
    )
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        return self._step("approve")

    @extend_schema(
        summary="Refuse a waiting request, with the reason the agent reads",
        tags=["roster"],
        parameters=[ID],
        request=RefusalSerializer,
        responses={200: TimeOffRequestSerializer, 409: CONFLICT, **REFUSALS},
    )
    @action(detail=True, methods=["post"])
    def refuse(self, request, pk=None):
        serializer = RefusalSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return self._step("refuse", serializer.validated_data["reason"])

    @extend_schema(
        summary="Cancel a request or approved time off",
        description="An agent cancels their own, approved time off only before it begins.",
        tags=["roster"],
        parameters=[ID],
        request=None,
        responses={200: TimeOffRequestSerializer, 409: CONFLICT, **REFUSALS},
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        return self._step("cancel")
