"""Serializers of the sampling API and the week's QA scores."""

from __future__ import annotations

from rest_framework import serializers

from bpo.catalog.models import Channel
from bpo.quality.models import Interaction, SampleDraw, SamplingMode, SamplingPlan


class InteractionSerializer(serializers.ModelSerializer):
    service_line_name = serializers.CharField(source="service_line.name", read_only=True)
    agent_employee_number = serializers.CharField(
        source="agent.employee_number", read_only=True, default=None
    )
    agent_name = serializers.CharField(source="agent.full_name", read_only=True, default=None)
    evaluation_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Interaction
        fields = [
            "id",
            "service_line",
            "service_line_name",
            "reference",
            "channel",
            "occurred_at",
            "agent",
            "agent_employee_number",
            "agent_name",
            "link",
            "evaluation_count",
            "created_at",
        ]


class InteractionRowSerializer(serializers.Serializer):
    """One interaction as pushed: the CSV file's columns, as JSON values."""

    line = serializers.CharField(help_text="The service line's name or id.")
    reference = serializers.CharField(help_text="The interaction's id in your system.")
    channel = serializers.ChoiceField(choices=Channel.choices)
    occurred_at = serializers.CharField(
        help_text="ISO 8601 with an offset, or a local time in the client's zone."
    )
    agent = serializers.CharField(help_text="The agent's employee number.")
    link = serializers.CharField(required=False, allow_blank=True)


class InteractionImportSerializer(serializers.Serializer):
    interactions = InteractionRowSerializer(many=True)


class ImportResultSerializer(serializers.Serializer):
    rows = serializers.IntegerField()
    created = serializers.IntegerField()
    unchanged = serializers.IntegerField()


class SamplingPlanSerializer(serializers.ModelSerializer):
    service_line_name = serializers.CharField(source="service_line.name", read_only=True)

    class Meta:
        model = SamplingPlan
        fields = [
            "id",
            "service_line",
            "service_line_name",
            "mode",
            "evaluations_per_agent",
            "share_percent",
            "is_active",
            "created_at",
            "updated_at",
        ]


class SamplingPlanInputSerializer(serializers.Serializer):
    service_line = serializers.IntegerField(required=False)
    mode = serializers.ChoiceField(choices=SamplingMode.choices, required=False)
    evaluations_per_agent = serializers.IntegerField(required=False, allow_null=True)
    share_percent = serializers.CharField(required=False, allow_null=True)
    is_active = serializers.BooleanField(required=False)


class DrawInputSerializer(serializers.Serializer):
    week = serializers.CharField(help_text="The ISO week, e.g. 2026-W48 (the client's zone).")
    evaluators = serializers.ListField(
        child=serializers.IntegerField(), help_text="User ids of the client's QA analysts."
    )
    seed = serializers.IntegerField(required=False, allow_null=True, min_value=0)


class SampleDrawSerializer(serializers.ModelSerializer):
    evaluations = serializers.SerializerMethodField()

    class Meta:
        model = SampleDraw
        fields = [
            "id",
            "sampling_plan",
            "week_starts_on",
            "seed",
            "population",
            "drawn_at",
            "evaluations",
        ]

    def get_evaluations(self, draw) -> list[dict]:
        return [
            {
                "id": pk,
                "interaction": interaction,
                "agent": agent,
                "evaluator": evaluator,
                "due_on": due_on,
            }
            for pk, interaction, agent, evaluator, due_on in draw.evaluations.order_by(
                "pk"
            ).values_list("pk", "interaction_id", "agent_id", "evaluator_id", "due_on")
        ]


class QaIntervalSerializer(serializers.Serializer):
    estimate = serializers.FloatField()
    low = serializers.FloatField()
    high = serializers.FloatField()
    confidence = serializers.FloatField()


class QaFiguresSerializer(serializers.Serializer):
    evaluated = serializers.IntegerField()
    passed = serializers.IntegerField()
    mean_score = serializers.FloatField(allow_null=True, help_text="Percent.")
    mean_score_interval = QaIntervalSerializer(allow_null=True, help_text="Student's t, percent.")
    pass_rate = QaIntervalSerializer(allow_null=True, help_text="Wilson, a share 0-1.")
    needed_for_mean = serializers.IntegerField(allow_null=True)
    needed_for_pass_rate = serializers.IntegerField()


class QaAgentFiguresSerializer(serializers.Serializer):
    agent = serializers.IntegerField(allow_null=True)
    agent_name = serializers.CharField()
    figures = QaFiguresSerializer()


class QaCriterionFiguresSerializer(serializers.Serializer):
    criterion = serializers.IntegerField()
    text = serializers.CharField()
    section = serializers.CharField()
    answered = serializers.IntegerField()
    failed = serializers.IntegerField()
    earned = QaIntervalSerializer(allow_null=True)


class QaLineFiguresSerializer(serializers.Serializer):
    service_line = serializers.IntegerField()
    service_line_name = serializers.CharField()
    figures = QaFiguresSerializer()
    agents = QaAgentFiguresSerializer(many=True)
    criteria = QaCriterionFiguresSerializer(many=True, help_text="Most failed first.")
    disputes_raised = serializers.IntegerField()
    disputes_open = serializers.IntegerField()


class QaScoresSerializer(serializers.Serializer):
    week = serializers.CharField()
    week_starts_on = serializers.DateField()
    margin_points = serializers.IntegerField()
    lines = QaLineFiguresSerializer(many=True)
