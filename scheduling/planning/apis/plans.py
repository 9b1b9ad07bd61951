"""The shift plan API under ``/api/v1/clients/<slug>/plans/``: the weeks' plans with their
figures, a plan's shifts and revisions, what publishing would change, manual edits (add, move,
remove a shift, change the line of part of one) and publishing (a first time, again, or an
amendment with a reason).

Rights as on the plan pages: reading ``Action.VIEW_PLANS``, edits ``EDIT_PLANS``, publishing
``PUBLISH_PLANS``; the base class checks membership first (another client's users: 404). The
reads are ``selectors.plans``, the writes the pages' own services (``services.plan_edits``,
``services.publishing``): an edit that breaks a rule answers 400 with every reason listed in
``fields.non_field_errors``; a publication that would book an agent twice answers 409 naming
each agent and time, and publishes nothing.
"""

from __future__ import annotations

import django_filters
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from bpo.accounts.roles import Action
from bpo.api.base import ClientScopedViewSet
from bpo.errors import ConflictError, DomainError
from scheduling.planning.api_examples import plans as docs
from scheduling.planning.models import Plan, PlanShift, PlanStatus
from scheduling.planning.selectors import plans as selectors
from scheduling.planning.serializers.plans import (
    AddShiftSerializer,
    ChangeLineSerializer,
    MoveShiftSerializer,
    PlanChangesSerializer,
    PlanEditResultSerializer,
    PlanRevisionSerializer,
    PlanSerializer,
    PlanShiftSerializer,
    PublishSerializer,
)
from scheduling.planning.services import plan_edits, publishing


def _week_of(queryset, name, value):
    from datetime import timedelta

    return queryset.filter(week_starts_on=value - timedelta(days=value.weekday()))


class PlanFilter(django_filters.FilterSet):
    week = django_filters.DateFilter(
        method=_week_of, help_text="Any day of the week (YYYY-MM-DD): that week's plans."
    )
    status = django_filters.ChoiceFilter(choices=PlanStatus.choices)


class PlanShiftFilter(django_filters.FilterSet):
    agent = django_filters.NumberFilter(field_name="agent_id", help_text="A roster agent's id.")
    day = django_filters.DateFilter(
        field_name="local_day", help_text="Shifts starting that day on the plan's clock."
    )


def _edit_refusal(error: DomainError) -> DomainError:
    """The rule refusal with each reason listed (the pages show one line per reason)."""
    if isinstance(error, plan_edits.PlanRuleError):
        return DomainError(
            error.message, code=error.code, fields={"non_field_errors": list(error.reasons)}
        )
    return error


def _edit_answer(request, result, code=status.HTTP_200_OK) -> Response:
    plan = selectors.list_plans().get(pk=result.plan.pk)
    shift = None
    if result.shift is not None:
        shift = selectors.list_plan_shifts(plan=plan).get(pk=result.shift.pk)
    body = PlanEditResultSerializer(
        {"summary": result.summary, "plan": plan, "shift": shift},
        context={"agent_names": selectors.agent_names([shift.agent_id] if shift else [])},
    ).data
    return Response(body, status=code)


@extend_schema_view(
    list=extend_schema(
        summary="The client's plans, newest week first",
        tags=["plans"],
        responses={200: PlanSerializer(many=True)},
    ),
    retrieve=extend_schema(
        summary="One plan with its figures",
        tags=["plans"],
        parameters=[docs.PLAN_ID],
        responses={200: PlanSerializer},
        examples=docs.PLAN_RETRIEVE_EXAMPLES,
    ),
)
class PlanViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ClientScopedViewSet):
    action_rights = {
        "list": Action.VIEW_PLANS,
        "retrieve": Action.VIEW_PLANS,
        "revisions": Action.VIEW_PLANS,
        "changes": Action.VIEW_PLANS,
        "publish": Action.PUBLISH_PLANS,
    }
    serializer_class = PlanSerializer
    filterset_class = PlanFilter
    filter_backends = [django_filters.rest_framework.DjangoFilterBackend]
    lookup_value_regex = r"\d+"
    model = Plan

    def select_rows(self):
        return selectors.list_plans()

    def select_row(self):
        return selectors.get_plan(plan_id=self.kwargs["pk"])

    @extend_schema(
        summary="Each publication of the plan, newest first: who, when, why, what changed",
        tags=["plans"],
        parameters=[docs.PLAN_ID],
        responses={200: PlanRevisionSerializer(many=True)},
    )
    @action(detail=True, methods=["get"], filter_backends=[])
    def revisions(self, request, *args, **kwargs):
        plan = self.get_object()
        revisions = selectors.list_revisions(plan=plan).select_related("published_by")
        page = self.paginate_queryset(revisions)
        return self.get_paginated_response(PlanRevisionSerializer(page, many=True).data)

    @extend_schema(
        summary="What publishing the plan now would change against the week's bookings",
        tags=["plans"],
        parameters=[docs.PLAN_ID],
        responses={200: PlanChangesSerializer, 409: docs.DISCARDED},
    )
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def changes(self, request, *args, **kwargs):
        plan = self.get_object()
        if plan.status == PlanStatus.DISCARDED:
            raise ConflictError("This plan was discarded; it has nothing to publish.")
        return Response(PlanChangesSerializer(publishing.plan_changes(plan=plan)).data)

    @extend_schema(
        summary="Publish the plan (or publish it again, or amend it, with a reason)",
        description="Writes every shift as a booking of the public ledger in one transaction, "
        "as a new revision. A plan published before, or a new plan for a published week, "
        "needs a reason; publishing with nothing changed is refused. An agent who would be "
        "booked twice at once (with another client, or another plan of this client) refuses "
        "the whole publication (409, every agent and time named). Affected agents are told "
        "by e-mail.",
        tags=["plans"],
        parameters=[docs.PLAN_ID],
        request=PublishSerializer,
        responses={
            201: PlanRevisionSerializer,
            400: docs.PUBLISH_REFUSED,
            409: docs.PUBLISH_CONFLICT,
        },
        examples=docs.PUBLISH_EXAMPLES,
    )
    @action(detail=True, methods=["post"], pagination_class=None, filter_backends=[])
    def publish(self, request, *args, **kwargs):
        plan = self.get_object()
        serializer = PublishSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            revision = publishing.publish_plan(
                plan=plan, user=request.user, reason=serializer.validated_data.get("reason", "")
            )
        except publishing.PublishConflict as error:
            raise ConflictError(
                error.message, fields={"non_field_errors": [str(c) for c in error.conflicts]}
            ) from None
        revision = (
            selectors.list_revisions(plan=plan).select_related("published_by").get(pk=revision.pk)
        )
        return Response(PlanRevisionSerializer(revision).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(
        summary="A plan's shifts, by start",
        tags=["plans"],
        parameters=[docs.PLAN_OF_SHIFT],
        responses={200: PlanShiftSerializer(many=True)},
    ),
    retrieve=extend_schema(
        summary="One shift of a plan",
        tags=["plans"],
        parameters=[docs.PLAN_OF_SHIFT, docs.SHIFT_ID],
        responses={200: PlanShiftSerializer},
    ),
    create=extend_schema(
        summary="Add a shift",
        description="Checked at once against every hard rule of the agent's week across "
        "clients (allowed and skilled for the line, overlap, one shift a day, rest, contract "
        "hours and shifts, time off, availability, and the engine's validator); a refusal "
        "lists every rule broken and changes nothing. The plan's figures are recomputed.",
        tags=["plans"],
        parameters=[docs.PLAN_OF_SHIFT],
        request=AddShiftSerializer,
        responses={201: PlanEditResultSerializer, 400: docs.RULE_BROKEN, 409: docs.DISCARDED},
        examples=docs.SHIFT_ADD_EXAMPLES,
    ),
    destroy=extend_schema(
        summary="Remove a shift",
        tags=["plans"],
        parameters=[docs.PLAN_OF_SHIFT, docs.SHIFT_ID],
        request=None,
        responses={200: PlanEditResultSerializer, 409: docs.DISCARDED},
    ),
)
class PlanShiftViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, ClientScopedViewSet
):
    action_rights = {
        "list": Action.VIEW_PLANS,
        "retrieve": Action.VIEW_PLANS,
        "create": Action.EDIT_PLANS,
        "destroy": Action.EDIT_PLANS,
        "move": Action.EDIT_PLANS,
        "line": Action.EDIT_PLANS,
    }
    serializer_class = PlanShiftSerializer
    filterset_class = PlanShiftFilter
    filter_backends = [django_filters.rest_framework.DjangoFilterBackend]
    lookup_value_regex = r"\d+"
    model = PlanShift

    @property
    def plan(self) -> Plan:
        if not hasattr(self, "_plan"):
            self._plan = selectors.get_plan(plan_id=self.kwargs["plan_id"])
        return self._plan

    def select_rows(self):
        return selectors.list_plan_shifts(plan=self.plan)

    def select_row(self):
        selectors.get_plan_shift(plan=self.plan, shift_id=self.kwargs["pk"])  # 404 in words
        return selectors.list_plan_shifts(plan=self.plan).get(pk=self.kwargs["pk"])

    def get_serializer_context(self):
        context = dict(super().get_serializer_context())
        context["agent_names"] = getattr(self, "_agent_names", {})
        return context

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        self._agent_names = selectors.agent_names(shift.agent_id for shift in page or [])
        return page

    def retrieve(self, request, *args, **kwargs):
        shift = self.get_object()
        self._agent_names = selectors.agent_names([shift.agent_id])
        return Response(self.get_serializer(shift).data)

    def create(self, request, *args, **kwargs):
        serializer = AddShiftSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            result = plan_edits.add_shift(
                plan=self.plan,
                agent_id=data["agent"],
                service_line_id=data["service_line"],
                starts_at=data["starts_at"],
                ends_at=data["ends_at"],
                actor=request.user,
            )
        except DomainError as error:
            raise _edit_refusal(error) from None
        return _edit_answer(request, result, status.HTTP_201_CREATED)

    def destroy(self, request, *args, **kwargs):
        result = plan_edits.remove_shift(shift=self.get_object(), actor=request.user)
        return _edit_answer(request, result)

    @extend_schema(
        summary="Move a shift: other times, day, agent or line",
        description="The rules are checked for both agents when the shift changes hands.",
        tags=["plans"],
        parameters=[docs.PLAN_OF_SHIFT, docs.SHIFT_ID],
        request=MoveShiftSerializer,
        responses={200: PlanEditResultSerializer, 400: docs.RULE_BROKEN, 409: docs.DISCARDED},
        examples=docs.SHIFT_MOVE_EXAMPLES,
    )
    @action(detail=True, methods=["post"], pagination_class=None, filter_backends=[])
    def move(self, request, *args, **kwargs):
        shift = self.get_object()
        serializer = MoveShiftSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            result = plan_edits.move_shift(
                shift=shift,
                starts_at=data["starts_at"],
                ends_at=data["ends_at"],
                agent_id=data.get("agent"),
                service_line_id=data.get("service_line"),
                actor=request.user,
            )
        except DomainError as error:
            raise _edit_refusal(error) from None
        return _edit_answer(request, result)

    @extend_schema(
        summary="Change the line of part of a shift (a queue change)",
        tags=["plans"],
        parameters=[docs.PLAN_OF_SHIFT, docs.SHIFT_ID],
        request=ChangeLineSerializer,
        responses={200: PlanEditResultSerializer, 400: docs.RULE_BROKEN, 409: docs.DISCARDED},
        examples=docs.SHIFT_LINE_EXAMPLES,
    )
    @action(detail=True, methods=["post"], pagination_class=None, filter_backends=[])
    def line(self, request, *args, **kwargs):
        shift = self.get_object()
        serializer = ChangeLineSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            result = plan_edits.change_shift_line(
                shift=shift,
                starts_at=data["starts_at"],
                ends_at=data["ends_at"],
                service_line_id=data["service_line"],
                actor=request.user,
            )
        except DomainError as error:
            raise _edit_refusal(error) from None
        return _edit_answer(request, result)
