"""Calibration sessions over the API (``/api/v1/clients/<slug>/calibration-sessions/``): list,
read, create, invite and remove participants, close, and the agreement figures.

Reading needs ``join_calibrations`` (a client admin sees only the sessions they take part in;
others answer 404); writes ``run_calibrations``. Scoring itself is an evaluation's (the scoring
page, ``/c/<slug>/calibrations/<id>/interactions/<id>/score/``).
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
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from bpo.accounts.models import User
from bpo.accounts.roles import Action
from bpo.api.base import ClientScopedViewSet
from bpo.api.schema import error_response, invalid_response
from bpo.quality import calibration_selectors as selectors
from bpo.quality.models import CalibrationSession, CalibrationStatus, Interaction
from bpo.quality.services import calibration as services

ID = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH, description="The id.")


class CalibrationSessionSerializer(serializers.ModelSerializer):
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    scorecard = serializers.IntegerField(source="scorecard_version.scorecard_id", read_only=True)
    scorecard_name = serializers.CharField(
        source="scorecard_version.scorecard.name", read_only=True
    )
    participants = serializers.ListField(
        child=serializers.IntegerField(), read_only=True, help_text="The participants' user ids."
    )
    interactions = serializers.SerializerMethodField(help_text="The interactions' ids.")
    counts_in_qa = serializers.SerializerMethodField(
        help_text="Always false: calibration scores never count in the QA score."
    )

    class Meta:
        model = CalibrationSession
        fields = [
            "id",
            "title",
            "status",
            "status_label",
            "scorecard_version",
            "scorecard",
            "scorecard_name",
            "expert",
            "participants",
            "interactions",
            "counts_in_qa",
            "created_by",
            "created_at",
            "closed_at",
        ]
        read_only_fields = fields

    def get_interactions(self, session: CalibrationSession) -> list[int]:
        return sorted(session.interactions.values_list("pk", flat=True))

    def get_counts_in_qa(self, session: CalibrationSession) -> bool:
        return False


class CalibrationSessionInputSerializer(serializers.Serializer):
    title = serializers.CharField(allow_blank=True, max_length=1000)
    scorecard_version = serializers.IntegerField(help_text="A published version's id.")
    interactions = serializers.ListField(
        child=serializers.IntegerField(), help_text="Stored interactions' ids (`interactions`)."
    )
    participants = serializers.ListField(
        child=serializers.IntegerField(),
        help_text="User ids: QA analysts, account managers, the client's admins (two or more).",
    )
    expert = serializers.IntegerField(
        required=False, allow_null=True, default=None, help_text="One of the participants."
    )


class ParticipantInputSerializer(serializers.Serializer):
    user = serializers.IntegerField(help_text="The user's id.")


class AlphaSerializer(serializers.Serializer):
    value = serializers.FloatField(allow_null=True, help_text="Null: undefined (see `reason`).")
    low = serializers.FloatField(allow_null=True)
    high = serializers.FloatField(allow_null=True)
    confidence = serializers.FloatField()
    resamples = serializers.IntegerField(help_text="Bootstrap resamples with a defined alpha.")
    undefined_resamples = serializers.IntegerField()
    pairable = serializers.IntegerField()
    reason = serializers.CharField()
    verdict = serializers.CharField(help_text="reliable, tentative, unreliable or empty.")
    in_words = serializers.CharField()


class CriterionAgreementSerializer(serializers.Serializer):
    criterion = serializers.IntegerField(source="key")
    text = serializers.CharField(source="label", help_text="The criterion's text.")
    level = serializers.CharField(help_text="nominal, ordinal or interval.")
    alpha = AlphaSerializer()
    interactions = serializers.IntegerField()


class EvaluatorAgreementSerializer(serializers.Serializer):
    evaluator = serializers.IntegerField(help_text="The user's id.")
    is_expert = serializers.BooleanField()
    interactions = serializers.IntegerField()
    compared = serializers.IntegerField()
    matched = serializers.IntegerField()
    alignment = serializers.FloatField(allow_null=True, help_text="matched / compared, 0-1.")
    score_difference = serializers.FloatField(
        allow_null=True, help_text="Mean own minus the expert's overall score, in points."
    )
    with_expert = AlphaSerializer(allow_null=True)
    others_without = AlphaSerializer()


class AgreementSerializer(serializers.Serializer):
    available = serializers.BooleanField(help_text="False until two participants submitted.")
    overall = AlphaSerializer(allow_null=True)
    criteria = CriterionAgreementSerializer(many=True)
    evaluators = EvaluatorAgreementSerializer(many=True)
    expert = serializers.IntegerField(allow_null=True)
    seed = serializers.IntegerField(allow_null=True)
    resamples = serializers.IntegerField(allow_null=True)
    confidence = serializers.FloatField(allow_null=True)
    is_final = serializers.BooleanField(help_text="True once the session is closed.")


SESSION_EXAMPLE = {
    "id": 5,
    "title": "December billing calls",
    "status": "open",
    "status_label": "Open",
    "scorecard_version": 7,
    "scorecard": 3,
    "scorecard_name": "Voice QA",
    "expert": 12,
    "participants": [12, 14, 31],
    "interactions": [101, 102, 103],
    "counts_in_qa": False,
    "created_by": 12,
    "created_at": "2026-12-03T09:00:00Z",
    "closed_at": None,
}
_CLOSED = error_response(
    "The session is closed.", "conflict", "This calibration session is closed."
)


@extend_schema_view(
    list=extend_schema(
        summary="List calibration sessions",
        description="Newest first. A client admin sees the sessions they take part in.",
        parameters=[OpenApiParameter("status", str, enum=CalibrationStatus.values, required=False)],
        responses={200: CalibrationSessionSerializer(many=True)},
        examples=[OpenApiExample("A session", value=SESSION_EXAMPLE, response_only=True)],
    ),
    retrieve=extend_schema(
        summary="One calibration session",
        parameters=[ID],
        responses={200: CalibrationSessionSerializer},
    ),
    create=extend_schema(
        summary="Create a calibration session",
        description="Open, with its interactions and participants; every problem at once.",
        request=CalibrationSessionInputSerializer,
        responses={
            201: CalibrationSessionSerializer,
            400: invalid_response(
                {"participants": ["Invite at least two participants: agreement needs two."]}
            ),
        },
        examples=[
            OpenApiExample(
                "A session",
                request_only=True,
                value={
                    "title": "December billing calls",
                    "scorecard_version": 7,
                    "interactions": [101, 102, 103],
                    "participants": [12, 14, 31],
                    "expert": 12,
                },
            )
        ],
    ),
    close=extend_schema(
        summary="Close a session",
        description="No more scoring; the agreement figures are frozen.",
        parameters=[ID],
        request=None,
        responses={200: CalibrationSessionSerializer, 409: _CLOSED},
    ),
    participants=extend_schema(
        summary="Invite a participant",
        parameters=[ID],
        request=ParticipantInputSerializer,
        responses={
            200: CalibrationSessionSerializer,
            400: invalid_response({"user": ["Participants are the client's QA analysts, ..."]}),
            409: _CLOSED,
        },
    ),
    remove_participant=extend_schema(
        summary="Remove a participant",
        description="Their drafts are deleted; their submitted scores leave the figures.",
        parameters=[ID],
        request=ParticipantInputSerializer,
        responses={
            200: CalibrationSessionSerializer,
            400: invalid_response({"user": ["A valid integer is required."]}),
            409: _CLOSED,
        },
    ),
    agreement=extend_schema(
        summary="The agreement figures",
        description=(
            "Krippendorff's alpha per criterion and overall with a 95 % bootstrap interval "
            "(interactions resampled 1000 times, fixed seed), and per evaluator the alignment "
            "to the expert, the score difference and alpha without them (docs/quality.md)."
        ),
        parameters=[ID],
        responses={200: AgreementSerializer},
    ),
)
class CalibrationSessionViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, ClientScopedViewSet
):
    model = CalibrationSession
    action_rights = {
        "list": Action.JOIN_CALIBRATIONS,
        "retrieve": Action.JOIN_CALIBRATIONS,
        "agreement": Action.JOIN_CALIBRATIONS,
        "create": Action.RUN_CALIBRATIONS,
        "close": Action.RUN_CALIBRATIONS,
        "participants": Action.RUN_CALIBRATIONS,
        "remove_participant": Action.RUN_CALIBRATIONS,
    }
    serializer_class = CalibrationSessionSerializer
    lookup_value_regex = r"\d+"

    @property
    def actor(self) -> User:
        return cast(User, self.request.user)

    def select_rows(self):
        return selectors.list_calibration_sessions(
            user=self.actor, client=self.client, status=self.request.query_params.get("status", "")
        ).prefetch_related("interactions")

    def select_row(self):
        return selectors.access_calibration_session(
            user=self.actor, client=self.client, session_id=self.kwargs["pk"]
        )

    def _answer(self, session, http_status=status.HTTP_200_OK) -> Response:
        fresh = self.select_row() if "pk" in self.kwargs else session
        return Response(CalibrationSessionSerializer(fresh).data, status=http_status)

    def create(self, request, client_slug: str):
        serializer = CalibrationSessionInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        version = selectors.published_versions().filter(pk=data["scorecard_version"]).first()
        wanted = list(dict.fromkeys(data["interactions"]))
        interactions = list(Interaction.objects.filter(pk__in=wanted))
        if len(interactions) != len(wanted):
            from bpo.errors import DomainError

            raise DomainError("No such interaction.", field="interactions")
        session = services.create_calibration_session(
            client=self.client,
            title=data["title"],
            scorecard_version=version,
            interactions=interactions,
            participant_ids=data["participants"],
            expert_id=data.get("expert"),
            actor=self.actor,
        )
        return self._answer(session, status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"])
    def close(self, request, client_slug: str, pk=None):
        services.close_calibration_session(session=self.get_object(), actor=self.actor)
        return self._answer(None)

    @action(detail=True, methods=["post"])
    def participants(self, request, client_slug: str, pk=None):
        serializer = ParticipantInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.add_calibration_participant(
            session=self.get_object(),
            client=self.client,
            user_id=serializer.validated_data["user"],
            actor=self.actor,
        )
        return self._answer(None)

    @action(detail=True, methods=["post"], url_path="remove-participant")
    def remove_participant(self, request, client_slug: str, pk=None):
        serializer = ParticipantInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.remove_calibration_participant(
            session=self.get_object(), user_id=serializer.validated_data["user"], actor=self.actor
        )
        return self._answer(None)

    @action(detail=True, methods=["get"])
    def agreement(self, request, client_slug: str, pk=None):
        session = self.get_object()
        figures = selectors.session_agreement(session)
        is_final = session.status == CalibrationStatus.CLOSED
        if figures is None:
            body = {
                "available": False,
                "overall": None,
                "criteria": [],
                "evaluators": [],
                "expert": None,
                "seed": None,
                "resamples": None,
                "confidence": None,
                "is_final": is_final,
            }
        else:
            body = {
                "available": True,
                "overall": figures.overall,
                "criteria": figures.criteria,
                "evaluators": figures.evaluators,
                "expert": figures.expert,
                "seed": figures.seed,
                "resamples": figures.resamples,
                "confidence": figures.confidence,
                "is_final": is_final,
            }
        return Response(AgreementSerializer(body).data)
