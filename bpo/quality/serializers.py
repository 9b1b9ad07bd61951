"""API shapes of scorecards and their versions. Input serializers only check types; the
services check the rules (and their messages are the ones the API returns)."""

from __future__ import annotations

from rest_framework import serializers

from bpo.quality.models import (
    AutoFail,
    Scale,
    Scorecard,
    ScorecardCriterion,
    ScorecardSection,
    ScorecardVersion,
)
from bpo.quality.services.scorecards import allowed_transitions

# --- output ------------------------------------------------------------------------------------


class ScorecardSerializer(serializers.ModelSerializer):
    service_line_name = serializers.CharField(
        source="service_line.name", read_only=True, default=None, allow_null=True
    )
    published_version = serializers.IntegerField(
        source="published_version_id",
        read_only=True,
        allow_null=True,
        help_text="The id of the published version (null: nothing is published).",
    )
    published_number = serializers.IntegerField(read_only=True, allow_null=True)
    draft_version = serializers.IntegerField(
        source="draft_version_id",
        read_only=True,
        allow_null=True,
        help_text="The id of the draft being built (null: none).",
    )

    class Meta:
        model = Scorecard
        fields = [
            "id",
            "name",
            "description",
            "service_line",
            "service_line_name",
            "published_version",
            "published_number",
            "draft_version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class ScorecardCriterionSerializer(serializers.ModelSerializer):
    class Meta:
        model = ScorecardCriterion
        fields = [
            "id",
            "position",
            "text",
            "guidance",
            "weight",
            "scale",
            "max_points",
            "allows_na",
            "auto_fail",
            "is_bonus",
        ]
        read_only_fields = fields


class ScorecardSectionSerializer(serializers.ModelSerializer):
    criteria = ScorecardCriterionSerializer(many=True, read_only=True)

    class Meta:
        model = ScorecardSection
        fields = ["id", "position", "title", "weight", "auto_fail_below_percent", "criteria"]
        read_only_fields = fields


class ScorecardVersionSerializer(serializers.ModelSerializer):
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    based_on_number = serializers.IntegerField(
        source="based_on.number", read_only=True, default=None, allow_null=True
    )
    sections = ScorecardSectionSerializer(many=True, read_only=True)
    created_by = serializers.EmailField(
        source="created_by.email", read_only=True, default=None, allow_null=True
    )
    published_by = serializers.EmailField(
        source="published_by.email", read_only=True, default=None, allow_null=True
    )
    workflow_actions = serializers.SerializerMethodField(
        help_text="Workflow actions the version's status accepts (your role may still refuse)."
    )

    class Meta:
        model = ScorecardVersion
        fields = [
            "id",
            "scorecard",
            "number",
            "status",
            "status_label",
            "change_summary",
            "pass_mark_percent",
            "based_on",
            "based_on_number",
            "sections",
            "created_by",
            "created_at",
            "updated_at",
            "published_by",
            "published_at",
            "retired_at",
            "workflow_actions",
        ]
        read_only_fields = fields

    def get_workflow_actions(self, version: ScorecardVersion) -> list[str]:
        return allowed_transitions(version.status)


# --- input -------------------------------------------------------------------------------------


class ScorecardInputSerializer(serializers.Serializer):
    name = serializers.CharField(allow_blank=True, max_length=1000)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    service_line = serializers.IntegerField(
        required=False, allow_null=True, default=None, help_text="Empty: every line."
    )
    pass_mark_percent = serializers.CharField(
        required=False, allow_null=True, default=None, help_text="Version 1's; default 80."
    )
    sections = serializers.ListField(
        child=serializers.DictField(),
        required=False,
        allow_null=True,
        default=None,
        help_text="Version 1's content, as in `scorecard-versions/` (empty: build it later).",
    )


class ScorecardCriterionInputSerializer(serializers.Serializer):
    text = serializers.CharField(allow_blank=True, max_length=2000)
    guidance = serializers.CharField(required=False, allow_blank=True, default="")
    weight = serializers.CharField(
        required=False, default="1", help_text='A number, e.g. "2" or "0.5"; 0 for a gate.'
    )
    scale = serializers.ChoiceField(choices=Scale.choices, required=False, default=Scale.YES_NO)
    max_points = serializers.IntegerField(required=False, allow_null=True, default=None)
    allows_na = serializers.BooleanField(required=False, default=False)
    auto_fail = serializers.ChoiceField(
        choices=AutoFail.choices, required=False, default=AutoFail.NONE
    )
    is_bonus = serializers.BooleanField(required=False, default=False)


class ScorecardSectionInputSerializer(serializers.Serializer):
    title = serializers.CharField(allow_blank=True, max_length=1000)
    weight = serializers.CharField(required=False, default="1")
    auto_fail_below_percent = serializers.CharField(required=False, allow_null=True, default=None)
    criteria = ScorecardCriterionInputSerializer(many=True, required=False, default=list)


class ScorecardVersionInputSerializer(serializers.Serializer):
    scorecard = serializers.IntegerField()
    change_summary = serializers.CharField(allow_blank=True, max_length=5000)
    pass_mark_percent = serializers.CharField(
        required=False, allow_null=True, default=None, help_text="Empty: the last version's."
    )
    based_on = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        help_text="Copy this version's content (default: the scorecard's latest version).",
    )
    sections = ScorecardSectionInputSerializer(
        many=True,
        required=False,
        allow_null=True,
        default=None,
        help_text="The draft's whole content; given, nothing is copied.",
    )
