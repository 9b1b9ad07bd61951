"""The planning run API, provider-side at ``/api/v1/planning-runs/``: the runs, starting one
(a background job: 202, then poll the run's ``url`` for ``job.progress`` until ``status`` is
``ready`` or ``failed``) and, once ready, its figures and each client's draft plan.

Rights as on the run pages: ``RUN_PLANNING`` (provider admins, schedulers); anyone without a
roster right (client users above all) gets 404, a roster reader without the right 403. A run
exists only for who may plan every client in it (``selectors.planning_runs``); the clients in
a request are checked the same way (an unknown slug and one the user may not plan are refused
alike). Starting is the page's service, ``services.planning_runs.start_planning_run``.
"""

from __future__ import annotations

from typing import cast

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, permissions, status
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from bpo.accounts.models import User
from bpo.accounts.permissions import ROLE_REFUSAL, can_run_planning, can_use_roster
from bpo.api.base import ProviderViewSet
from bpo.api.schema import REFUSALS, error_response, invalid_response
from bpo.errors import DomainError
from scheduling.planning.selectors import planning_runs as selectors
from scheduling.planning.serializers.planning_runs import (
    PlanningRunSerializer,
    StartPlanningRunSerializer,
)
from scheduling.planning.services import planning_runs as services
from scheduling.roster.models import PlanningRun

RUN_ID = OpenApiParameter(
    "id", OpenApiTypes.INT, OpenApiParameter.PATH, description="The planning run."
)
START_REFUSED = invalid_response(
    {
        "clients": [
            "Acme: Chat support has no staffing requirement for the week of 7 Dec 2026; "
            "forecast it first."
        ]
    }
)
RUNNING = error_response(
    "A run of the same week for one of the clients is in progress.",
    "conflict",
    "A planning run of this week for one of these clients is in progress; wait for it to finish.",
    {
        "clients": [
            "A planning run of this week for one of these clients is in progress; wait for it "
            "to finish."
        ]
    },
)


class PlanningPermission(permissions.BasePermission):
    """404 for anyone without a roster right; 403 for a roster user who does not plan."""

    message = ROLE_REFUSAL

    def has_permission(self, request, view) -> bool:
        if not can_use_roster(request.user):
            raise NotFound()
        return can_run_planning(request.user)


@extend_schema_view(
    list=extend_schema(
        summary="Planning runs, newest first",
        description="Only runs whose every client you may plan.",
        tags=["planning runs"],
        responses={200: PlanningRunSerializer(many=True), **REFUSALS},
    ),
    retrieve=extend_schema(
        summary="One planning run: progress, then figures and the draft plans",
        description="Poll it: `status` goes queued -> running (`job.progress`, `job.message`) "
        "-> ready (then `total` and `results`, one draft plan per client with its figures) or "
        "failed (then `error` says why).",
        tags=["planning runs"],
        parameters=[RUN_ID],
        responses={200: PlanningRunSerializer, **REFUSALS},
    ),
    create=extend_schema(
        summary="Start a planning run (background job)",
        description="Plans one week for the clients together (contract hours, rest and days "
        "off hold across all of an agent's clients); refused at once for a day that is not a "
        "Monday, a client you may not plan, a time limit outside 5 to 3600 seconds, or a "
        "client or active line without a staffing requirement for the week (named). Answers "
        "202 with the run; poll its `url` (also the `Location` header).",
        tags=["planning runs"],
        request=StartPlanningRunSerializer,
        responses={202: PlanningRunSerializer, 400: START_REFUSED, 409: RUNNING, **REFUSALS},
        examples=[
            OpenApiExample(
                "Two clients that share agents",
                request_only=True,
                value={
                    "week_starts_on": "2026-12-07",
                    "clients": ["acme", "northwind"],
                    "time_limit_seconds": 60,
                },
            )
        ],
    ),
)
class PlanningRunViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, ProviderViewSet
):
    permission_classes = (PlanningPermission,)
    serializer_class = PlanningRunSerializer
    filter_backends: list = []
    lookup_value_regex = r"\d+"
    model = PlanningRun

    @property
    def _user(self) -> User:
        return cast(User, self.request.user)

    def select_rows(self):
        return selectors.list_planning_runs(user=self._user)

    def select_row(self):
        run = selectors.access_planning_run(user=self._user, run_id=self.kwargs["pk"])
        return services.settle_planning_run(run=run)

    def create(self, request, *args, **kwargs):
        serializer = StartPlanningRunSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        plannable = {client.slug: client for client in selectors.plannable_clients(request.user)}
        unknown = [slug for slug in data["clients"] if slug not in plannable]
        if unknown:
            # the same words for a client that does not exist and one you may not plan
            raise DomainError(f"You may not plan {', '.join(unknown)}.", field="clients")
        run = services.start_planning_run(
            user=request.user,
            week_starts_on=data["week_starts_on"],
            clients=[plannable[slug] for slug in data["clients"]],
            time_limit_seconds=data["time_limit_seconds"],
            time_zone=data.get("time_zone") or None,
        )
        run = selectors.access_planning_run(user=request.user, run_id=run.pk)
        body = PlanningRunSerializer(run).data
        return Response(body, status=status.HTTP_202_ACCEPTED, headers={"Location": body["url"]})
