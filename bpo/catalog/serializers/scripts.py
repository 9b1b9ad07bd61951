"""API shapes of scripts and their versions. Input serializers only check types; the services
check the rules (and their messages are the ones the API returns)."""

from __future__ import annotations

from rest_framework import serializers

from bpo.catalog.models import Script, ScriptSection, ScriptVariable, ScriptVersion
from bpo.catalog.services.scripts import allowed_transitions

# --- output ------------------------------------------------------------------------------------


class ScriptSerializer(serializers.ModelSerializer):
    service_line_name = serializers.CharField(source="service_line.name", read_only=True)
    published_version = serializers.IntegerField(
        source="published_version_id",
        read_only=True,
        allow_null=True,
        help_text="The id of the published version (null: nothing is published).",
    )
    published_number = serializers.IntegerField(
        read_only=True, allow_null=True, help_text="The published version's number."
    )

    class Meta:
        model = Script
        fields = [
            "id",
            "service_line",
            "service_line_name",
            "title",
            "published_version",
            "published_number",
            "created_at",
        ]
        read_only_fields = fields


class ScriptSectionSerializer(serializers.ModelSerializer):
    class Meta:
        model = ScriptSection
        fields = ["position", "title", "body"]
        read_only_fields = fields


class ScriptVariableSerializer(serializers.ModelSerializer):
    class Meta:
        model = ScriptVariable
        fields = ["name", "description", "sample_value"]
        read_only_fields = fields


def _email_of(field: str):
    return serializers.EmailField(
        source=f"{field}.email", read_only=True, default=None, allow_null=True
    )


class ScriptVersionSerializer(serializers.ModelSerializer):
    service_line = serializers.IntegerField(source="script.service_line_id", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    based_on_number = serializers.IntegerField(
        source="based_on.number", read_only=True, default=None, allow_null=True
    )
    sections = ScriptSectionSerializer(many=True, read_only=True)
    variables = ScriptVariableSerializer(many=True, read_only=True)
    created_by = _email_of("created_by")
    submitted_by = _email_of("submitted_by")
    reviewed_by = _email_of("reviewed_by")
    published_by = _email_of("published_by")
    workflow_actions = serializers.SerializerMethodField(
        help_text="Workflow actions the version's status accepts (your role may still refuse)."
    )

    class Meta:
        model = ScriptVersion
        fields = [
            "id",
            "script",
            "service_line",
            "number",
            "status",
            "status_label",
            "change_summary",
            "based_on",
            "based_on_number",
            "sections",
            "variables",
            "workflow_actions",
            "created_by",
            "created_at",
            "updated_at",
            "submitted_by",
            "submitted_at",
            "reviewed_by",
            "reviewed_at",
            "review_comment",
            "published_by",
            "published_at",
            "retired_at",
        ]
        read_only_fields = fields

    def get_workflow_actions(self, version) -> list[str]:
        return allowed_transitions(version.status)


class ScriptVersionSavedSerializer(ScriptVersionSerializer):
    """A version as a write answers it: with what saving took out of the given bodies."""

    warnings = serializers.SerializerMethodField(
        help_text="What was taken out of the given section bodies (raw HTML that rendering "
        "would drop, e.g. a <script> or an onclick), one sentence per section; empty when "
        "nothing was."
    )

    class Meta(ScriptVersionSerializer.Meta):
        fields = [*ScriptVersionSerializer.Meta.fields, "warnings"]

    def get_warnings(self, version) -> list[str]:
        return list(self.context.get("warnings", []))


class RenderedSectionSerializer(serializers.Serializer):
    position = serializers.IntegerField()
    title = serializers.CharField()
    html = serializers.CharField(help_text="Sanitised HTML, variables replaced by sample values.")


class RenderedVersionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.IntegerField()
    status = serializers.CharField()
    sections = RenderedSectionSerializer(many=True)


class VersionRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.IntegerField()
    status = serializers.CharField()


class BeforeAfterTextSerializer(serializers.Serializer):
    before = serializers.CharField(allow_null=True)
    after = serializers.CharField(allow_null=True)


class BeforeAfterNumberSerializer(serializers.Serializer):
    before = serializers.IntegerField(allow_null=True)
    after = serializers.IntegerField(allow_null=True)


class ChangeSummaryDiffSerializer(serializers.Serializer):
    before = serializers.CharField()
    after = serializers.CharField()
    is_changed = serializers.BooleanField()


class LineChangeSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["unchanged", "added", "removed"])
    text = serializers.CharField(allow_blank=True)
    before_line = serializers.IntegerField(allow_null=True)
    after_line = serializers.IntegerField(allow_null=True)


def _change_status():
    # A plain string (documented), not an enum: the schema has several "status" enums already.
    return serializers.CharField(help_text="One of: added, removed, changed, unchanged.")


class SectionDiffSerializer(serializers.Serializer):
    status = _change_status()
    title = BeforeAfterTextSerializer()
    position = BeforeAfterNumberSerializer(help_text="1-based positions in each version.")
    lines = LineChangeSerializer(many=True)


class VariableContentSerializer(serializers.Serializer):
    name = serializers.CharField()
    description = serializers.CharField(allow_blank=True)
    sample_value = serializers.CharField()


class VariableDiffSerializer(serializers.Serializer):
    name = serializers.CharField()
    status = _change_status()
    before = VariableContentSerializer(allow_null=True)
    after = VariableContentSerializer(allow_null=True)


class ScriptVersionDiffSerializer(serializers.Serializer):
    """What changed from ``before`` (the version given as ``against``) to ``after``."""

    before = VersionRefSerializer()
    after = VersionRefSerializer()
    is_identical = serializers.BooleanField()
    change_summary = ChangeSummaryDiffSerializer()
    sections = SectionDiffSerializer(many=True)
    variables = VariableDiffSerializer(many=True)


# --- input ----------------------------------------------------------------------------------------


class ScriptInputSerializer(serializers.Serializer):
    service_line = serializers.IntegerField(help_text="The service line's id (it has no script).")
    title = serializers.CharField(allow_blank=True, max_length=1000)


class SectionInputSerializer(serializers.Serializer):
    title = serializers.CharField(allow_blank=True, required=False, default="")
    body = serializers.CharField(
        allow_blank=True, required=False, default="", trim_whitespace=False
    )


class VariableInputSerializer(serializers.Serializer):
    name = serializers.CharField(allow_blank=True, required=False, default="")
    description = serializers.CharField(allow_blank=True, required=False, default="")
    sample_value = serializers.CharField(allow_blank=True, required=False, default="")


class ScriptVersionInputSerializer(serializers.Serializer):
    script = serializers.IntegerField(help_text="The script's id.")
    change_summary = serializers.CharField(allow_blank=True, trim_whitespace=False)
    based_on = serializers.IntegerField(
        required=False,
        allow_null=True,
        help_text="A version of the same script to start from; its content is copied unless "
        "`sections` / `variables` are given.",
    )
    sections = SectionInputSerializer(many=True, required=False, help_text="In order.")
    variables = VariableInputSerializer(many=True, required=False)


class ScriptVersionPatchSerializer(serializers.Serializer):
    change_summary = serializers.CharField(allow_blank=True, required=False, trim_whitespace=False)
    sections = SectionInputSerializer(
        many=True, required=False, help_text="Replaces every section, in order."
    )
    variables = VariableInputSerializer(
        many=True, required=False, help_text="Replaces every variable."
    )


class ReturnToDraftSerializer(serializers.Serializer):
    comment = serializers.CharField(
        allow_blank=True, required=False, default="", help_text="What needs to change."
    )
