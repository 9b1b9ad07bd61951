"""QA sampling over the API (``/api/v1/clients/<slug>/``): the interaction list (read; import a
JSON list or a CSV body, all or nothing), the lines' sampling plans (read, create, change) and
a week's draw, and the week's QA scores with their intervals (``qa-scores/``).

Reading interactions and plans needs ``view_sampling``; importing ``import_interactions``;
plans and draws ``manage_sampling``; QA scores ``view_qa_scores``.
"""

from __future__ import annotations

from typing import cast
from zoneinfo import ZoneInfo

import django_filters
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiRequest,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.parsers import BaseParser, JSONParser
from rest_framework.response import Response

from bpo.accounts.models import User
from bpo.accounts.roles import Action
from bpo.api.base import ClientScopedAPIView, ClientScopedViewSet
from bpo.api.schema import REFUSALS, error_response, invalid_response
from bpo.catalog.models import Channel
from bpo.catalog.selectors.service_lines import get_service_line
from bpo.errors import DomainError
from bpo.quality import interaction_rows, intervals, sampling_selectors, selectors
from bpo.quality.models import Interaction, SamplingPlan
from bpo.quality.sampling_serializers import (
    DrawInputSerializer,
    ImportResultSerializer,
    InteractionImportSerializer,
    InteractionSerializer,
    QaScoresSerializer,
    SampleDrawSerializer,
    SamplingPlanInputSerializer,
    SamplingPlanSerializer,
)
from bpo.quality.sampling_views import MARGINS, margin_from, needed_for
from bpo.quality.services import sampling as services
from scheduling.planning.selectors.sla import IsoWeek

ID = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH, description="The id.")
ROWS_REFUSED = invalid_response(
    {
        "rows.3.occurred_at": ["“yesterday” is not a date and time: write it as ..."],
        "rows.4.agent": ["No agent serving this client has the employee number E-99."],
    }
)


class CsvParser(BaseParser):
    """A CSV body (``text/csv``), handed on as bytes to the one CSV reader of imports."""

    media_type = "text/csv"

    def parse(self, stream, media_type=None, parser_context=None):
        return stream.read()


class InteractionFilter(django_filters.FilterSet):
    service_line = django_filters.NumberFilter(field_name="service_line_id")
    agent = django_filters.NumberFilter(field_name="agent_id")
    channel = django_filters.ChoiceFilter(choices=Channel.choices)
    reference = django_filters.CharFilter(field_name="reference", lookup_expr="icontains")
    occurred_from = django_filters.IsoDateTimeFilter(field_name="occurred_at", lookup_expr="gte")
    occurred_before = django_filters.IsoDateTimeFilter(field_name="occurred_at", lookup_expr="lt")

    class Meta:
        model = Interaction
        fields = ["service_line", "agent", "channel"]


@extend_schema_view(
    list=extend_schema(summary="List interactions", description="Newest first."),
    retrieve=extend_schema(summary="One interaction", parameters=[ID]),
)
class InteractionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ClientScopedViewSet):
    model = Interaction
    action_rights = {
        "list": Action.VIEW_SAMPLING,
        "retrieve": Action.VIEW_SAMPLING,
        "import_rows": Action.IMPORT_INTERACTIONS,
    }
    serializer_class = InteractionSerializer
    filterset_class = InteractionFilter
    ordering_fields = ["occurred_at", "created_at"]
    lookup_value_regex = r"\d+"
    parser_classes = (JSONParser, CsvParser)

    def select_rows(self):
        return sampling_selectors.list_interactions()

    def select_row(self):
        try:
            return self.select_rows().get(pk=int(self.kwargs["pk"]))
        except (Interaction.DoesNotExist, ValueError):
            from bpo.errors import NotFoundError

            raise NotFoundError("No such interaction.") from None

    @extend_schema(
        summary="Import interactions",
        description=(
            'All or nothing: a JSON body `{"interactions": [...]}` (rows numbered from 1) '
            "or a CSV body (`Content-Type: text/csv`, the upload's columns; row 1 is the "
            "header). Every problem is named in `fields` as `rows.<row>.<column>` and nothing "
            "is stored. A row already stored with the same facts changes nothing: importing "
            "the same list twice is harmless."
        ),
        request={
            "application/json": InteractionImportSerializer,
            "text/csv": OpenApiRequest(OpenApiTypes.BINARY),
        },
        responses={200: ImportResultSerializer, 400: ROWS_REFUSED, **REFUSALS},
        examples=[
            OpenApiExample(
                "Two calls",
                request_only=True,
                value={
                    "interactions": [
                        {
                            "line": "Order support",
                            "reference": "CALL-10231",
                            "channel": "voice",
                            "occurred_at": "2026-11-24T10:02:00-05:00",
                            "agent": "E-1042",
                            "link": "https://recordings.example/10231",
                        },
                        {
                            "line": "Order support",
                            "reference": "CALL-10232",
                            "channel": "voice",
                            "occurred_at": "2026-11-24 10:09",
                            "agent": "E-1043",
                        },
                    ]
                },
            )
        ],
    )
    @action(detail=False, methods=["post"], url_path="import")
    def import_rows(self, request, client_slug: str):
        if isinstance(request.data, bytes):
            rows, problems = interaction_rows.read_rows(request.data)
            if problems:
                raise services.InteractionImportError(problems)
        else:
            items = request.data.get("interactions") if isinstance(request.data, dict) else None
            if not isinstance(items, list):
                raise DomainError(
                    'Send {"interactions": [...]}, a list of interactions.',
                    field="interactions",
                )
            rows = [
                (number, item if isinstance(item, dict) else {})
                for number, item in enumerate(items, start=1)
            ]
        result = services.import_interactions(rows=rows, actor=cast(User, request.user))
        return Response(ImportResultSerializer(result).data)


@extend_schema_view(
    list=extend_schema(summary="List sampling plans"),
    retrieve=extend_schema(summary="One sampling plan", parameters=[ID]),
    create=extend_schema(
        summary="Create a line's sampling plan",
        description="`mode` `per_agent` with `evaluations_per_agent`, or `share` with "
        "`share_percent` (rounded up, split over agents in proportion). One plan per line.",
        request=SamplingPlanInputSerializer,
        responses={
            201: SamplingPlanSerializer,
            400: invalid_response({"share_percent": ["A share has at most two decimals."]}),
            409: error_response(
                "The line has a plan", "conflict", "Order support has a sampling plan already."
            ),
            **REFUSALS,
        },
    ),
    partial_update=extend_schema(
        summary="Change a sampling plan",
        parameters=[ID],
        request=SamplingPlanInputSerializer,
        responses={200: SamplingPlanSerializer, 400: invalid_response({"mode": ["..."]})},
    ),
)
class SamplingPlanViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, ClientScopedViewSet
):
    model = SamplingPlan
    action_rights = {
        "list": Action.VIEW_SAMPLING,
        "retrieve": Action.VIEW_SAMPLING,
        "create": Action.MANAGE_SAMPLING,
        "partial_update": Action.MANAGE_SAMPLING,
        "draw": Action.MANAGE_SAMPLING,
    }
    serializer_class = SamplingPlanSerializer
    lookup_value_regex = r"\d+"
    http_method_names = ["get", "post", "patch", "head", "options"]

    def select_rows(self):
        return sampling_selectors.list_sampling_plans()

    def select_row(self):
        return sampling_selectors.get_sampling_plan(plan_id=self.kwargs["pk"])

    def _size(self, data, plan: SamplingPlan | None) -> dict:
        mode = data.get("mode", plan.mode if plan else "")
        return {
            "mode": mode,
            "evaluations_per_agent": data.get(
                "evaluations_per_agent", plan.evaluations_per_agent if plan else None
            ),
            "share_percent": data.get("share_percent", plan.share_percent if plan else None),
            "is_active": data.get("is_active", plan.is_active if plan else True),
        }

    def create(self, request, client_slug: str):
        serializer = SamplingPlanInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            line = get_service_line(service_line_id=data.get("service_line"))
        except DomainError:
            raise DomainError("No such service line.", field="service_line") from None
        plan = services.create_sampling_plan(
            service_line=line, actor=cast(User, request.user), **self._size(data, None)
        )
        return Response(SamplingPlanSerializer(plan).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, client_slug: str, pk=None):
        plan = self.get_object()
        serializer = SamplingPlanInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        plan = services.update_sampling_plan(
            plan=plan, actor=cast(User, request.user), **self._size(serializer.validated_data, plan)
        )
        return Response(SamplingPlanSerializer(plan).data)

    @extend_schema(
        summary="Draw a week's sample",
        description=(
            "Picks the plan's sample from the week's interactions (with an agent, not yet "
            "evaluated), reproducibly (the `seed`, random when not given, is stored), and "
            "creates one assigned evaluation per pick, handed out to the `evaluators` by "
            "their open load. Once per plan and week (409 after)."
        ),
        parameters=[ID],
        request=DrawInputSerializer,
        responses={
            201: SampleDrawSerializer,
            400: invalid_response({"evaluators": ["Choose at least one evaluator."]}),
            409: error_response(
                "Drawn already, or nothing to score with",
                "conflict",
                "The week of 23 November 2026 of Order support was drawn already.",
            ),
            **REFUSALS,
        },
    )
    @action(detail=True, methods=["post"])
    def draw(self, request, client_slug: str, pk=None):
        plan = self.get_object()
        serializer = DrawInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        week = IsoWeek.parse(data["week"])
        people = {user.pk: user for user in sampling_selectors.evaluators()}
        unknown = [pk for pk in data["evaluators"] if pk not in people]
        if unknown:
            raise DomainError(
                f"User {unknown[0]} is not a QA analyst of this client.", field="evaluators"
            )
        draw = services.draw_sample(
            plan=plan,
            week=week.monday,
            evaluators=[people[pk] for pk in data["evaluators"]],
            actor=cast(User, request.user),
            seed=data.get("seed"),
        )
        return Response(SampleDrawSerializer(draw).data, status=status.HTTP_201_CREATED)


# --- the week's QA scores ----------------------------------------------------------------------


def _interval(value: intervals.Interval | None) -> dict | None:
    if value is None:
        return None
    return {
        "estimate": value.estimate,
        "low": value.low,
        "high": value.high,
        "confidence": value.confidence,
    }


def _figures(figures: selectors.ScoreFigures, margin: int) -> dict:
    needed = needed_for(figures, margin)
    return {
        "evaluated": figures.evaluated,
        "passed": figures.passed,
        "mean_score": figures.mean_value,
        "mean_score_interval": _interval(figures.mean),
        "pass_rate": _interval(figures.pass_rate),
        "needed_for_mean": needed.mean,
        "needed_for_pass_rate": needed.pass_rate,
    }


class QaScoresApi(ClientScopedAPIView):
    """The week's QA figures per line, agent and criterion (``week_qa_figures``)."""

    action_rights = {"GET": Action.VIEW_QA_SCORES}

    @extend_schema(
        operation_id="qa_scores_week",
        summary="The week's QA scores",
        description=(
            "Per line and agent: the mean score (percent) with Student's t interval, the pass "
            "rate (a share) with the Wilson interval, and the evaluations needed for an "
            f"interval of ± `margin` points ({', '.join(map(str, MARGINS))}; 5 by default). "
            "Only evaluations submitted or later count, calibration scores never."
        ),
        parameters=[
            OpenApiParameter(
                "week", OpenApiTypes.STR, description="ISO week, e.g. 2026-W48; last week if empty."
            ),
            OpenApiParameter("service_line", OpenApiTypes.INT, required=False),
            OpenApiParameter("margin", OpenApiTypes.INT, required=False, enum=list(MARGINS)),
        ],
        responses={
            200: QaScoresSerializer,
            400: invalid_response({"week": ["Week “2026-48” is not an ISO week ..."]}),
            **REFUSALS,
        },
    )
    def get(self, request, client_slug: str):
        value = request.query_params.get("week")
        week = (
            IsoWeek.parse(value)
            if value
            else IsoWeek.containing(timezone.now(), ZoneInfo(self.client.time_zone)).previous
        )
        line_id = request.query_params.get("service_line")
        if line_id:
            try:
                line_id = get_service_line(service_line_id=int(line_id)).pk
            except (DomainError, ValueError):
                raise DomainError("No such service line.", field="service_line") from None
        margin = margin_from(request.query_params.get("margin"))
        lines = selectors.week_qa_figures(
            week_starts_on=week.monday, service_line_id=line_id or None
        )
        body = {
            "week": str(week),
            "week_starts_on": week.monday,
            "margin_points": margin,
            "lines": [
                {
                    "service_line": line.service_line_id,
                    "service_line_name": line.service_line_name,
                    "figures": _figures(line.figures, margin),
                    "agents": [
                        {
                            "agent": agent.agent_id,
                            "agent_name": agent.agent_name,
                            "figures": _figures(agent.figures, margin),
                        }
                        for agent in line.agents
                    ],
                    "criteria": [
                        {
                            "criterion": c.criterion_id,
                            "text": c.text,
                            "section": c.section,
                            "answered": c.answered,
                            "failed": c.failed,
                            "earned": _interval(c.earned),
                        }
                        for c in line.criteria
                    ],
                    "disputes_raised": line.disputes_raised,
                    "disputes_open": line.disputes_open,
                }
                for line in lines
            ],
        }
        return Response(QaScoresSerializer(body).data)
