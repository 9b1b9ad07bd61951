"""API shapes of evaluations and disputes. Input serializers check types only; the services
check the rules (their messages are the ones the API returns)."""

from __future__ import annotations

from datetime import datetime

from rest_framework import serializers

from bpo.catalog.models import Channel
from bpo.quality.models import Dispute, DisputeStatus, Evaluation, EvaluationAnswer
from bpo.quality.services.disputes import answer_text, window_closes_at

# --- output ------------------------------------------------------------------------------------


class EvaluatedInteractionSerializer(serializers.Serializer):
    """The interaction as shown inside an evaluation."""

    id = serializers.IntegerField(read_only=True)
    reference = serializers.CharField(read_only=True)
    channel = serializers.CharField(read_only=True)
    occurred_at = serializers.DateTimeField(read_only=True)
    link = serializers.CharField(read_only=True)


class AnswerSerializer(serializers.ModelSerializer):
    criterion_text = serializers.CharField(source="criterion.text", read_only=True)
    answer = serializers.SerializerMethodField(
        help_text='As typed: "yes", "no", "na", a number ("3"), or "" (not answered).'
    )

    class Meta:
        model = EvaluationAnswer
        fields = ["criterion", "criterion_text", "answer", "comment"]
        read_only_fields = fields

    def get_answer(self, row: EvaluationAnswer) -> str:
        return answer_text(row, row.criterion.scale)


class AnswerChangeSerializer(serializers.Serializer):
    criterion = serializers.IntegerField()
    text = serializers.CharField(help_text="The criterion's text.")
    before = serializers.CharField()
    after = serializers.CharField()


class DisputeSerializer(serializers.ModelSerializer):
    criterion_text = serializers.CharField(
        source="criterion.text", read_only=True, default=None, allow_null=True
    )
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    raised_by = serializers.CharField(
        source="raised_by.email", read_only=True, default=None, allow_null=True
    )
    decided_by = serializers.CharField(
        source="decided_by.email", read_only=True, default=None, allow_null=True
    )
    answer_changes = AnswerChangeSerializer(many=True, read_only=True)

    class Meta:
        model = Dispute
        fields = [
            "id",
            "evaluation",
            "criterion",
            "criterion_text",
            "status",
            "status_label",
            "reason",
            "raised_by",
            "raised_at",
            "decision_reason",
            "decided_by",
            "decided_at",
            "score_before",
            "score_after",
            "answer_changes",
        ]
        read_only_fields = fields


class EvaluationSerializer(serializers.ModelSerializer):
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    service_line_name = serializers.CharField(source="service_line.name", read_only=True)
    scorecard_name = serializers.CharField(
        source="scorecard_version.scorecard.name", read_only=True
    )
    scorecard_version_number = serializers.IntegerField(
        source="scorecard_version.number", read_only=True
    )
    interaction = EvaluatedInteractionSerializer(read_only=True)
    agent_name = serializers.CharField(
        source="agent.full_name", read_only=True, default=None, allow_null=True
    )
    evaluator = serializers.CharField(
        source="evaluator.email", read_only=True, default=None, allow_null=True
    )
    dispute_window_closes_at = serializers.SerializerMethodField()

    class Meta:
        model = Evaluation
        fields = [
            "id",
            "status",
            "status_label",
            "service_line",
            "service_line_name",
            "scorecard_version",
            "scorecard_name",
            "scorecard_version_number",
            "interaction",
            "agent",
            "agent_name",
            "evaluator",
            "week_starts_on",
            "due_on",
            "score_percent",
            "is_passed",
            "is_auto_failed",
            "auto_fail_reasons",
            "submitted_at",
            "released_at",
            "acknowledged_at",
            "dispute_window_closes_at",
        ]
        read_only_fields = fields

    def get_dispute_window_closes_at(self, row: Evaluation) -> datetime | None:
        """When disputes are no longer taken (null before release)."""
        return window_closes_at(row)


class EvaluationDetailSerializer(EvaluationSerializer):
    answers = AnswerSerializer(many=True, read_only=True)
    disputes = DisputeSerializer(many=True, read_only=True)

    class Meta(EvaluationSerializer.Meta):
        fields = [*EvaluationSerializer.Meta.fields, "overall_comment", "answers", "disputes"]
        read_only_fields = fields


# --- input -------------------------------------------------------------------------------------


class EvaluationCreateInputSerializer(serializers.Serializer):
    service_line = serializers.IntegerField()
    scorecard_version = serializers.IntegerField(help_text="A published version for the line.")
    reference = serializers.CharField(
        allow_blank=True, max_length=1000, help_text="The interaction's id in the client's system."
    )
    channel = serializers.ChoiceField(choices=Channel.choices)
    occurred_at = serializers.DateTimeField(help_text="With its offset or zone.")
    link = serializers.URLField(required=False, allow_blank=True, default="", max_length=500)
    agent = serializers.IntegerField(allow_null=True, help_text="The roster agent's id.")
    due_on = serializers.DateField(required=False, allow_null=True, default=None)


class AnswerInputSerializer(serializers.Serializer):
    criterion = serializers.IntegerField()
    answer = serializers.CharField(
        allow_blank=True,
        max_length=20,
        help_text='"yes", "no", "na" (where N/A is allowed), a number; "" clears it.',
    )
    comment = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)


class AnswersInputSerializer(serializers.Serializer):
    answers = AnswerInputSerializer(
        many=True,
        required=False,
        default=list,
        help_text="The criteria to change; the others keep their stored answers.",
    )
    overall_comment = serializers.CharField(
        required=False, allow_blank=True, allow_null=True, default=None, max_length=5000
    )


class SubmitInputSerializer(AnswersInputSerializer):
    release = serializers.BooleanField(
        required=False, default=False, help_text="Release it to the agent at once."
    )


class DisputeCreateInputSerializer(serializers.Serializer):
    evaluation = serializers.IntegerField()
    criterion = serializers.IntegerField(
        required=False, allow_null=True, default=None, help_text="Empty: the whole evaluation."
    )
    reason = serializers.CharField(allow_blank=True, max_length=10000)


class AnswerChangeInputSerializer(serializers.Serializer):
    criterion = serializers.IntegerField()
    answer = serializers.CharField(max_length=20, help_text='The corrected answer: "yes", "4".')


class DecisionInputSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(
        choices=[c for c in DisputeStatus.choices if c[0] != DisputeStatus.OPEN]
    )
    reason = serializers.CharField(allow_blank=True, max_length=10000)
    changes = AnswerChangeInputSerializer(
        many=True,
        required=False,
        default=list,
        help_text="Corrected answers (an acceptance needs the disputed criterion's; a rejection none).",
    )
