"""QA evaluations and disputes over the API (``/api/v1/clients/<slug>/evaluations/`` and
``/disputes/``): list and read them (each user sees what the selectors allow: an agent only
their own released evaluations), start an evaluation of an interaction, change its answers,
submit (and release), release, acknowledge; raise a dispute and decide it.

Rights per action are in ``action_rights`` (``bpo.accounts.roles``); whose evaluation an agent
acknowledges or disputes, and the statuses, are the services' checks.
"""

from __future__ import annotations

from typing import cast

import django_filters
from django.db import transaction
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from bpo.accounts.models import User
from bpo.accounts.roles import Action
from bpo.api.base import ClientScopedViewSet
from bpo.api.schema import error_response, invalid_response
from bpo.catalog.selectors.service_lines import get_service_line
from bpo.errors import DomainError
from bpo.quality import evaluation_selectors as selectors
from bpo.quality.evaluation_serializers import (
    AnswersInputSerializer,
    DecisionInputSerializer,
    DisputeCreateInputSerializer,
    DisputeSerializer,
    EvaluationCreateInputSerializer,
    EvaluationDetailSerializer,
    EvaluationSerializer,
    SubmitInputSerializer,
)
from bpo.quality.models import Dispute, DisputeStatus, Evaluation, EvaluationStatus
from bpo.quality.services import disputes as dispute_services
from bpo.quality.services import evaluations as services
from bpo.quality.services import releases
from bpo.quality.services.evaluations import AnswerInput

ID = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH, description="The id.")

EVALUATION_EXAMPLE = {
    "id": 12,
    "status": "released",
    "status_label": "Released",
    "service_line": 4,
    "service_line_name": "Order support",
    "scorecard_version": 7,
    "scorecard_name": "Voice QA",
    "scorecard_version_number": 2,
    "interaction": {
        "id": 30,
        "reference": "CALL-88121",
        "channel": "voice",
        "occurred_at": "2026-12-01T09:12:00Z",
        "link": "https://crm.example/calls/88121",
    },
    "agent": 5,
    "agent_name": "Ana Silva",
    "evaluator": "qa@bpo.example",
    "week_starts_on": "2026-11-30",
    "due_on": None,
    "score_percent": "62.50",
    "is_passed": False,
    "is_auto_failed": False,
    "auto_fail_reasons": [],
    "submitted_at": "2026-12-02T10:00:00Z",
    "released_at": "2026-12-02T10:05:00Z",
    "acknowledged_at": None,
    "dispute_window_closes_at": "2026-12-09T10:05:00Z",
    "overall_comment": "Friendly; the order number was asked twice.",
    "answers": [
        {
            "criterion": 31,
            "criterion_text": "Resolves the issue",
            "answer": "2",
            "comment": "Transferred once.",
        }
    ],
    "disputes": [],
}
DISPUTE_EXAMPLE = {
    "id": 3,
    "evaluation": 12,
    "criterion": 31,
    "criterion_text": "Resolves the issue",
    "status": "partial",
    "status_label": "Partly accepted",
    "reason": "The issue was solved on the call.",
    "raised_by": "ana@bpo.example",
    "raised_at": "2026-12-03T08:00:00Z",
    "decision_reason": "Solved, but the caller had to repeat the order number.",
    "decided_by": "qa@bpo.example",
    "decided_at": "2026-12-03T11:00:00Z",
    "score_before": "62.50",
    "score_after": "81.25",
    "answer_changes": [
        {"criterion": 31, "text": "Resolves the issue", "before": "2", "after": "4"}
    ],
}


def _conflict(message: str):
    return error_response("The evaluation's status does not allow this.", "conflict", message)


class EvaluationFilter(django_filters.FilterSet):
    service_line = django_filters.NumberFilter(field_name="service_line_id")
    agent = django_filters.NumberFilter(field_name="agent_id")
    evaluator = django_filters.NumberFilter(field_name="evaluator_id")
    status = django_filters.ChoiceFilter(choices=EvaluationStatus.choices)
    week = django_filters.DateFilter(
        field_name="week_starts_on", help_text="The Monday of the week (the client's zone)."
    )

    class Meta:
        model = Evaluation
        fields = ["service_line", "agent", "evaluator", "status", "week"]


class DisputeFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=DisputeStatus.choices)
    evaluation = django_filters.NumberFilter(field_name="evaluation_id")

    class Meta:
        model = Dispute
        fields = ["status", "evaluation"]


def _step_schema(summary: str, description: str, conflict: str, request=None, extra=None):
    return extend_schema(
        summary=summary,
        description=description,
        parameters=[ID],
        request=request,
        responses={200: EvaluationDetailSerializer, 409: _conflict(conflict), **(extra or {})},
        examples=[OpenApiExample("The evaluation", value=EVALUATION_EXAMPLE, response_only=True)],
    )


ANSWERS_EXAMPLE = {
    "answers": [
        {"criterion": 31, "answer": "4", "comment": "Solved first time."},
        {"criterion": 32, "answer": "na"},
    ],
    "overall_comment": "Friendly and quick.",
}


@extend_schema_view(
    list=extend_schema(
        summary="List QA evaluations",
        description=(
            "The evaluations the caller sees: the QA team and the provider's managers every "
            "one of the client's (drafts too), the client's users released ones, an agent only "
            "their own released ones."
        ),
        responses={200: EvaluationSerializer(many=True)},
        examples=[OpenApiExample("An evaluation", value=EVALUATION_EXAMPLE, response_only=True)],
    ),
    retrieve=extend_schema(
        summary="One QA evaluation",
        description="With its answers and its disputes (oldest first).",
        parameters=[ID],
        responses={200: EvaluationDetailSerializer},
        examples=[OpenApiExample("An evaluation", value=EVALUATION_EXAMPLE, response_only=True)],
    ),
    create=extend_schema(
        summary="Start an evaluation",
        description=(
            "Records the interaction (the same reference with the same facts is the same "
            "interaction; other facts are refused) and starts a draft scored with the given "
            "published version; the caller is its evaluator."
        ),
        request=EvaluationCreateInputSerializer,
        responses={
            201: EvaluationDetailSerializer,
            400: invalid_response({"reference": ["Give the interaction's id in your system."]}),
            409: _conflict("Interaction CALL-1 is already evaluated by this evaluator."),
        },
        examples=[
            OpenApiExample(
                "A call",
                request_only=True,
                value={
                    "service_line": 4,
                    "scorecard_version": 7,
                    "reference": "CALL-88121",
                    "channel": "voice",
                    "occurred_at": "2026-12-01T09:12:00Z",
                    "link": "https://crm.example/calls/88121",
                    "agent": 5,
                },
            )
        ],
    ),
    answers=_step_schema(
        "Change a draft's answers",
        "The given criteria's answers and comments (the others keep theirs) and the overall "
        "comment; the evaluation stays a draft. Errors are keyed `answers.<criterion id>`.",
        "This evaluation is submitted; its answers no longer change.",
        request=AnswersInputSerializer,
        extra={400: invalid_response({"answers.31": ["Answer from 1 to 5."]})},
    ),
    submit=_step_schema(
        "Submit an evaluation",
        "Like `answers/`, then scored: every criterion must be answered (each missing or "
        "unfitting one is named, `answers.<criterion id>`). `release: true` releases it too.",
        "This evaluation is submitted; its answers no longer change.",
        request=SubmitInputSerializer,
        extra={400: invalid_response({"answers.32": ["Answer this criterion (or N/A)."]})},
    ),
    release=_step_schema(
        "Release an evaluation to the agent",
        "Submitted -> released: the agent and the client read it; the dispute window starts.",
        "Submit the evaluation first: only a scored one is released.",
    ),
    acknowledge=_step_schema(
        "Acknowledge an evaluation",
        "Released -> acknowledged, by the evaluated agent only (403 for anyone else).",
        "Your dispute waits for a decision; acknowledge the evaluation once it is decided.",
    ),
)
class EvaluationViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, ClientScopedViewSet
):
    model = Evaluation
    action_rights = {
        "list": Action.VIEW_EVALUATIONS,
        "retrieve": Action.VIEW_EVALUATIONS,
        "create": Action.EVALUATE,
        "answers": Action.EVALUATE,
        "submit": Action.EVALUATE,
        "release": Action.EVALUATE,
        "acknowledge": Action.ACKNOWLEDGE_EVALUATION,
    }
    serializer_class = EvaluationSerializer
    filterset_class = EvaluationFilter
    ordering_fields = ["week_starts_on", "submitted_at", "released_at", "score_percent"]
    lookup_value_regex = r"\d+"

    @property
    def actor(self) -> User:
        return cast(User, self.request.user)

    def select_rows(self):
        return selectors.list_evaluations(user=self.actor, client=self.request.tenant)

    def select_row(self):
        return selectors.access_evaluation(
            user=self.actor, client=self.request.tenant, evaluation_id=self.kwargs["pk"]
        )

    def get_serializer_class(self):
        return EvaluationDetailSerializer if self.action == "retrieve" else EvaluationSerializer

    def _answer(self, evaluation: Evaluation, http_status=status.HTTP_200_OK) -> Response:
        fresh = selectors.access_evaluation(
            user=self.actor, client=self.request.tenant, evaluation_id=evaluation.pk
        )
        return Response(EvaluationDetailSerializer(fresh).data, status=http_status)

    def create(self, request, client_slug: str):
        serializer = EvaluationCreateInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            line = get_service_line(service_line_id=data["service_line"])
        except DomainError:
            raise DomainError("No such service line.", field="service_line") from None
        version = selectors.published_versions().filter(pk=data["scorecard_version"]).first()
        if version is None:
            raise DomainError("No such published scorecard version.", field="scorecard_version")
        agent = None
        if data["agent"] is not None:
            agent = (
                selectors.agents_to_evaluate(client=request.tenant).filter(pk=data["agent"]).first()
            )
            if agent is None:
                raise DomainError("No such agent.", field="agent")
        with transaction.atomic():
            interaction = services.record_interaction(
                service_line=line,
                reference=data["reference"],
                channel=data["channel"],
                occurred_at=data["occurred_at"],
                agent=agent,
                link=data["link"],
            )
            evaluation = services.start_evaluation(
                interaction=interaction,
                scorecard_version=version,
                evaluator=self.actor,
                actor=self.actor,
                due_on=data["due_on"],
            )
        return self._answer(evaluation, status.HTTP_201_CREATED)

    def _save(self, request, *, submit: bool, input_class) -> tuple[Evaluation, dict]:
        evaluation = self.get_object()
        serializer = input_class(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        sheet = selectors.evaluation_sheet(evaluation)
        answers = {
            str(item.criterion.pk): AnswerInput(item.text, item.comment)
            for section in sheet.sections
            for item in section.items
        }
        for given in data["answers"]:
            answers[str(given["criterion"])] = AnswerInput(given["answer"], given["comment"])
        comment = data["overall_comment"]
        services.save_evaluation(
            evaluation=evaluation,
            answers=answers,
            overall_comment=evaluation.overall_comment if comment is None else comment,
            submit=submit,
            actor=self.actor,
        )
        return evaluation, data

    @action(detail=True, methods=["put"])
    def answers(self, request, client_slug: str, pk=None):
        evaluation, _ = self._save(request, submit=False, input_class=AnswersInputSerializer)
        return self._answer(evaluation)

    @action(detail=True, methods=["post"])
    def submit(self, request, client_slug: str, pk=None):
        with transaction.atomic():
            evaluation, data = self._save(request, submit=True, input_class=SubmitInputSerializer)
            if data["release"]:
                releases.release_evaluation(evaluation=evaluation, actor=self.actor)
        return self._answer(evaluation)

    @action(detail=True, methods=["post"])
    def release(self, request, client_slug: str, pk=None):
        evaluation = releases.release_evaluation(evaluation=self.get_object(), actor=self.actor)
        return self._answer(evaluation)

    @action(detail=True, methods=["post"])
    def acknowledge(self, request, client_slug: str, pk=None):
        evaluation = releases.acknowledge_evaluation(evaluation=self.get_object(), actor=self.actor)
        return self._answer(evaluation)


@extend_schema_view(
    list=extend_schema(
        summary="List disputes",
        description="Disputes of the evaluations the caller sees, newest first.",
        responses={200: DisputeSerializer(many=True)},
        examples=[OpenApiExample("A dispute", value=DISPUTE_EXAMPLE, response_only=True)],
    ),
    retrieve=extend_schema(
        summary="One dispute",
        parameters=[ID],
        responses={200: DisputeSerializer},
        examples=[OpenApiExample("A dispute", value=DISPUTE_EXAMPLE, response_only=True)],
    ),
    create=extend_schema(
        summary="Dispute an evaluation",
        description=(
            "The evaluated agent (their own evaluation) or the client's admin disputes a "
            "released or acknowledged evaluation, or one `criterion` of it, with a `reason`, "
            "within the scorecard's dispute window; one open dispute at a time (409)."
        ),
        request=DisputeCreateInputSerializer,
        responses={
            201: DisputeSerializer,
            400: invalid_response({"reason": ["Say why you dispute it."]}),
            409: _conflict(
                "The dispute window closed on 9 December 2026, 10:05 UTC, 7 days after the "
                "evaluation was released."
            ),
        },
        examples=[
            OpenApiExample(
                "One criterion",
                request_only=True,
                value={"evaluation": 12, "criterion": 31, "reason": "Solved on the call."},
            )
        ],
    ),
    decide=extend_schema(
        summary="Decide a dispute",
        description=(
            "`accepted` (corrects the disputed criterion, or at least one answer), `partial` "
            "(corrects at least one answer), `rejected` (changes none), always with a "
            "`reason`. The score is worked out again; `score_before`, `score_after` and "
            "`answer_changes` keep what changed. The evaluation goes back to released (or "
            "acknowledged)."
        ),
        parameters=[ID],
        request=DecisionInputSerializer,
        responses={
            200: DisputeSerializer,
            400: invalid_response(
                {"changes": ["Give the corrected answer of at least one criterion."]}
            ),
            409: _conflict("This dispute is decided already (Rejected)."),
        },
        examples=[
            OpenApiExample(
                "Partly accepted",
                request_only=True,
                value={
                    "decision": "partial",
                    "reason": "Solved, but the caller had to repeat the order number.",
                    "changes": [{"criterion": 31, "answer": "4"}],
                },
            ),
            OpenApiExample("A dispute", value=DISPUTE_EXAMPLE, response_only=True),
        ],
    ),
)
class DisputeViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, ClientScopedViewSet
):
    model = Dispute
    action_rights = {
        "list": Action.VIEW_EVALUATIONS,
        "retrieve": Action.VIEW_EVALUATIONS,
        "create": Action.RAISE_DISPUTE,
        "decide": Action.DECIDE_DISPUTES,
    }
    serializer_class = DisputeSerializer
    filterset_class = DisputeFilter
    ordering_fields = ["raised_at", "decided_at"]
    lookup_value_regex = r"\d+"

    @property
    def actor(self) -> User:
        return cast(User, self.request.user)

    def select_rows(self):
        return selectors.list_disputes(user=self.actor, client=self.request.tenant)

    def select_row(self):
        return selectors.access_dispute(
            user=self.actor, client=self.request.tenant, dispute_id=self.kwargs["pk"]
        )

    def create(self, request, client_slug: str):
        serializer = DisputeCreateInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            evaluation = selectors.access_evaluation(
                user=self.actor, client=request.tenant, evaluation_id=data["evaluation"]
            )
        except DomainError:
            raise DomainError("No such evaluation.", field="evaluation") from None
        dispute = dispute_services.raise_dispute(
            evaluation=evaluation,
            criterion_id=data["criterion"],
            reason=data["reason"],
            actor=self.actor,
            client=request.tenant,
        )
        fresh = selectors.access_dispute(
            user=self.actor, client=request.tenant, dispute_id=dispute.pk
        )
        return Response(DisputeSerializer(fresh).data, status=status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"])
    def decide(self, request, client_slug: str, pk=None):
        dispute = self.get_object()
        serializer = DecisionInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        decided = dispute_services.decide_dispute(
            dispute=dispute,
            decision=data["decision"],
            reason=data["reason"],
            changes={str(c["criterion"]): c["answer"] for c in data["changes"]},
            actor=self.actor,
        )
        fresh = selectors.access_dispute(
            user=self.actor, client=request.tenant, dispute_id=decided.pk
        )
        return Response(DisputeSerializer(fresh).data)
