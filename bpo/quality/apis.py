"""QA scorecards over the API (``/api/v1/clients/<slug>/scorecards/`` and
``/scorecard-versions/``): read them, create a scorecard (with its first, empty draft), write a
new draft (nested content, or a copy of a version), publish and retire.

Reading needs ``view_scorecards``; writes ``manage_scorecards`` (the workflow's rights are the
services' ``WORKFLOW`` table); the services check the version's status and the structure.
"""

from __future__ import annotations

from typing import cast

import django_filters
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
from bpo.quality import selectors
from bpo.quality.models import Scorecard, ScorecardVersion, ScorecardVersionStatus
from bpo.quality.serializers import (
    ScorecardInputSerializer,
    ScorecardSerializer,
    ScorecardVersionInputSerializer,
    ScorecardVersionSerializer,
)
from bpo.quality.services import scorecards as services

ID = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH, description="The id.")

SCORECARD_EXAMPLE = {
    "id": 3,
    "name": "Voice QA",
    "description": "Order support calls.",
    "service_line": 4,
    "service_line_name": "Order support",
    "published_version": 7,
    "published_number": 2,
    "draft_version": None,
    "created_at": "2026-12-01T14:05:00Z",
    "updated_at": "2026-12-01T14:05:00Z",
}
VERSION_EXAMPLE = {
    "id": 7,
    "scorecard": 3,
    "number": 2,
    "status": "published",
    "status_label": "Published",
    "change_summary": "Verification fails the whole evaluation.",
    "pass_mark_percent": "80.00",
    "based_on": 6,
    "based_on_number": 1,
    "sections": [
        {
            "id": 11,
            "position": 1,
            "title": "Opening",
            "weight": "1.00",
            "auto_fail_below_percent": None,
            "criteria": [
                {
                    "id": 31,
                    "position": 1,
                    "text": "Verifies the caller",
                    "guidance": "Name and postcode before any account detail.",
                    "weight": "0.00",
                    "scale": "yes_no",
                    "max_points": None,
                    "allows_na": False,
                    "auto_fail": "evaluation",
                    "is_bonus": False,
                }
            ],
        }
    ],
    "created_by": "qa@bpo.example",
    "created_at": "2026-12-01T14:05:00Z",
    "updated_at": "2026-12-02T09:00:00Z",
    "published_by": "qa@bpo.example",
    "published_at": "2026-12-02T09:00:00Z",
    "retired_at": None,
    "workflow_actions": ["retire"],
}
NEW_DRAFT_EXAMPLE = {
    "scorecard": 3,
    "change_summary": "Tone on a 1-5 scale.",
    "pass_mark_percent": "85",
    "sections": [
        {
            "title": "Opening",
            "weight": "1",
            "criteria": [
                {"text": "Greets with the brand's name", "weight": "1"},
                {"text": "Verifies the caller", "weight": "0", "auto_fail": "evaluation"},
            ],
        },
        {
            "title": "Resolution",
            "weight": "3",
            "criteria": [
                {"text": "Tone", "weight": "1", "scale": "one_to_five"},
                {"text": "Steps followed", "weight": "2", "scale": "points", "max_points": 4},
                {"text": "Delights the customer", "weight": "1", "is_bonus": True},
            ],
        },
    ],
}


def _conflict(message: str):
    return error_response("The version's status does not allow this.", "conflict", message)


class ScorecardFilter(django_filters.FilterSet):
    service_line = django_filters.NumberFilter(field_name="service_line_id")

    class Meta:
        model = Scorecard
        fields = ["service_line"]


class ScorecardVersionFilter(django_filters.FilterSet):
    scorecard = django_filters.NumberFilter(field_name="scorecard_id")
    status = django_filters.ChoiceFilter(choices=ScorecardVersionStatus.choices)

    class Meta:
        model = ScorecardVersion
        fields = ["scorecard", "status"]


@extend_schema_view(
    list=extend_schema(
        summary="List QA scorecards",
        description="With the published version and the draft (if any) of each.",
        responses={200: ScorecardSerializer(many=True)},
        examples=[OpenApiExample("A scorecard", value=SCORECARD_EXAMPLE, response_only=True)],
    ),
    retrieve=extend_schema(
        summary="One QA scorecard",
        parameters=[ID],
        responses={200: ScorecardSerializer},
        examples=[OpenApiExample("A scorecard", value=SCORECARD_EXAMPLE, response_only=True)],
    ),
    create=extend_schema(
        summary="Create a QA scorecard",
        description=(
            "For every line of the client, or for one (`service_line`), with its version 1, "
            "a draft: its content is `sections` (each with its `criteria`; empty: build it in "
            "the portal). Publish it with `scorecard-versions/{id}/publish/`."
        ),
        request=ScorecardInputSerializer,
        responses={
            201: ScorecardSerializer,
            400: invalid_response({"name": ["There is already a scorecard called “Voice QA”."]}),
        },
        examples=[
            OpenApiExample(
                "A scorecard",
                request_only=True,
                value={
                    "name": "Voice QA",
                    "service_line": 4,
                    "description": "",
                    "sections": NEW_DRAFT_EXAMPLE["sections"],
                },
            )
        ],
    ),
)
class ScorecardViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, ClientScopedViewSet
):
    model = Scorecard
    action_rights = {
        "list": Action.VIEW_SCORECARDS,
        "retrieve": Action.VIEW_SCORECARDS,
        "create": Action.MANAGE_SCORECARDS,
    }
    serializer_class = ScorecardSerializer
    filterset_class = ScorecardFilter
    ordering_fields = ["name", "created_at"]
    search_fields = ["name"]
    lookup_value_regex = r"\d+"

    def select_rows(self):
        return selectors.list_scorecards()

    def select_row(self):
        return selectors.get_scorecard(scorecard_id=self.kwargs["pk"])

    def create(self, request, client_slug: str):
        serializer = ScorecardInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        line = None
        if data.get("service_line") is not None:
            try:
                line = get_service_line(service_line_id=data["service_line"])
            except DomainError:
                raise DomainError("No such service line.", field="service_line") from None
        scorecard = services.create_scorecard(
            name=data["name"],
            description=data.get("description", ""),
            service_line=line,
            pass_mark_percent=data.get("pass_mark_percent"),
            sections=data.get("sections"),
            actor=cast(User, request.user),
        )
        return Response(
            ScorecardSerializer(selectors.get_scorecard(scorecard_id=scorecard.pk)).data,
            status=status.HTTP_201_CREATED,
        )


def _workflow_schema(summary: str, description: str, conflict: str, extra=None):
    return extend_schema(
        summary=summary,
        description=description,
        parameters=[ID],
        request=None,
        responses={200: ScorecardVersionSerializer, 409: _conflict(conflict), **(extra or {})},
        examples=[OpenApiExample("The version", value=VERSION_EXAMPLE, response_only=True)],
    )


@extend_schema_view(
    list=extend_schema(
        summary="List scorecard versions",
        description="Newest first per scorecard, each with its sections and criteria in order.",
        responses={200: ScorecardVersionSerializer(many=True)},
        examples=[OpenApiExample("A version", value=VERSION_EXAMPLE, response_only=True)],
    ),
    retrieve=extend_schema(
        summary="One scorecard version",
        parameters=[ID],
        responses={200: ScorecardVersionSerializer},
        examples=[OpenApiExample("A version", value=VERSION_EXAMPLE, response_only=True)],
    ),
    create=extend_schema(
        summary="Write a new draft",
        description=(
            "A draft numbered after the scorecard's last version (409 while it has a draft). "
            "Its content is `sections` (each with its `criteria`) when given, else a copy of "
            "`based_on`, else of the latest version. Field errors are keyed "
            "`sections.<index>.weight`, `sections.<index>.criteria.<index>.max_points`, ... "
            "(0-based)."
        ),
        request=ScorecardVersionInputSerializer,
        responses={
            201: ScorecardVersionSerializer,
            400: invalid_response(
                {
                    "sections.0.criteria.1.max_points": [
                        "A points criterion needs its maximum points."
                    ]
                }
            ),
            409: _conflict("Version 2 is a draft already: change it, or delete it first."),
        },
        examples=[
            OpenApiExample("A new draft", value=NEW_DRAFT_EXAMPLE, request_only=True),
            OpenApiExample(
                "A copy of the published version",
                value={"scorecard": 3, "change_summary": "Stricter verification."},
                request_only=True,
            ),
        ],
    ),
    destroy=extend_schema(
        summary="Delete a draft",
        parameters=[ID],
        responses={
            204: None,
            409: _conflict("Only a draft can be deleted; this one is published."),
        },
    ),
    publish=_workflow_schema(
        "Publish a draft",
        "Draft -> published, when its structure is complete (400 naming every problem by "
        "field otherwise). The version published before is retired at the same moment.",
        "Only a draft can be published; this one is retired.",
        extra={
            400: invalid_response({"sections.0.criteria": ["Section “Opening” has no criteria."]})
        },
    ),
    retire=_workflow_schema(
        "Retire the published version",
        "Published -> retired: no new evaluation is scored with it; past ones keep it.",
        "Only the published version can be retired; this one is a draft.",
    ),
)
class ScorecardVersionViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, ClientScopedViewSet
):
    model = ScorecardVersion
    action_rights = {
        "list": Action.VIEW_SCORECARDS,
        "retrieve": Action.VIEW_SCORECARDS,
        "create": Action.MANAGE_SCORECARDS,
        "destroy": Action.MANAGE_SCORECARDS,
        **{name: step.right for name, step in services.WORKFLOW.items()},
    }
    serializer_class = ScorecardVersionSerializer
    filterset_class = ScorecardVersionFilter
    ordering_fields = ["number", "created_at", "updated_at"]
    lookup_value_regex = r"\d+"
    http_method_names = ["get", "post", "delete", "head", "options"]

    @property
    def actor(self) -> User:
        return cast(User, self.request.user)

    def select_rows(self):
        return selectors.list_scorecard_versions()

    def select_row(self):
        return selectors.access_scorecard_version(version_id=self.kwargs["pk"])

    def _answer(self, version: ScorecardVersion, http_status=status.HTTP_200_OK) -> Response:
        fresh = selectors.access_scorecard_version(version_id=version.pk)
        return Response(ScorecardVersionSerializer(fresh).data, status=http_status)

    def create(self, request, client_slug: str):
        serializer = ScorecardVersionInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            scorecard = selectors.get_scorecard(scorecard_id=data["scorecard"])
        except DomainError:
            raise DomainError("No such scorecard.", field="scorecard") from None
        based_on = None
        if data.get("based_on") is not None:
            try:
                based_on = selectors.access_scorecard_version(
                    version_id=data["based_on"], scorecard_id=scorecard.pk
                )
            except DomainError:
                raise DomainError("No such version of this scorecard.", field="based_on") from None
        version = services.create_scorecard_version(
            scorecard=scorecard,
            change_summary=data["change_summary"],
            pass_mark_percent=data.get("pass_mark_percent"),
            sections=data.get("sections"),
            based_on=based_on,
            actor=self.actor,
        )
        return self._answer(version, status.HTTP_201_CREATED)

    def destroy(self, request, client_slug: str, pk=None):
        services.delete_scorecard_draft(version=self.get_object(), actor=self.actor)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @action(detail=True, methods=["post"])
    def publish(self, request, client_slug: str, pk=None):
        version = services.run_transition(
            name="publish", version=self.get_object(), actor=self.actor
        )
        return self._answer(version)

    @action(detail=True, methods=["post"])
    def retire(self, request, client_slug: str, pk=None):
        version = services.run_transition(
            name="retire", version=self.get_object(), actor=self.actor
        )
        return self._answer(version)
