from __future__ import annotations

from datetime import UTC

from rest_framework import serializers

from scheduling.planning.importing.presets import FIELDS
from scheduling.planning.models import IntervalStatistic, StatisticsImport


class IntervalStatisticSerializer(serializers.ModelSerializer):
    starts_at = serializers.DateTimeField(read_only=True, default_timezone=UTC)

    class Meta:
        model = IntervalStatistic
        fields = ["service_line", "starts_at", "interval_minutes", *FIELDS]


class PushedIntervalSerializer(serializers.Serializer):
    """One pushed row (documentation of the body; the import checks every value itself)."""

    service_line = serializers.CharField(help_text="The line's id or name.")
    interval_start = serializers.CharField(help_text="ISO 8601 with a UTC offset.")
    interval_minutes = serializers.IntegerField(required=False)
    offered = serializers.IntegerField(required=False)
    answered = serializers.IntegerField(required=False)
    abandoned = serializers.IntegerField(required=False)
    short_abandoned = serializers.IntegerField(required=False)
    answered_within_threshold = serializers.IntegerField(required=False)
    abandoned_within_threshold = serializers.IntegerField(required=False)
    flowed_out = serializers.IntegerField(required=False)
    first_responses = serializers.IntegerField(required=False)
    first_responses_within_target = serializers.IntegerField(required=False)
    answered_wait_seconds = serializers.IntegerField(required=False)
    talk_seconds = serializers.IntegerField(required=False)
    hold_seconds = serializers.IntegerField(required=False)
    acw_seconds = serializers.IntegerField(required=False)
    first_response_seconds = serializers.IntegerField(required=False)


class PushSerializer(serializers.Serializer):
    rows = PushedIntervalSerializer(many=True)


class RowErrorSerializer(serializers.Serializer):
    row = serializers.IntegerField()
    column = serializers.CharField()
    message = serializers.CharField()


class PushResultSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.CharField()
    row_count = serializers.IntegerField()
    stored = serializers.IntegerField()
    inserted = serializers.IntegerField()
    replaced = serializers.IntegerField()
    replaced_from = serializers.CharField(allow_null=True)
    replaced_until = serializers.CharField(allow_null=True)
    error_count = serializers.IntegerField()
    errors = RowErrorSerializer(many=True)  # type: ignore[assignment]
    unknown_fields = serializers.ListField(child=serializers.CharField())


class StatisticsImportSerializer(serializers.ModelSerializer):
    created_at = serializers.DateTimeField(read_only=True, default_timezone=UTC)
    committed_at = serializers.DateTimeField(read_only=True, default_timezone=UTC)
    replaced_from = serializers.DateTimeField(read_only=True, default_timezone=UTC)
    replaced_until = serializers.DateTimeField(read_only=True, default_timezone=UTC)
    errors = RowErrorSerializer(many=True, read_only=True)  # type: ignore[assignment]

    class Meta:
        model = StatisticsImport
        fields = [
            "id",
            "created_at",
            "committed_at",
            "source",
            "file_name",
            "format",
            "service_line",
            "time_zone",
            "interval_minutes",
            "status",
            "row_count",
            "inserted_count",
            "replaced_count",
            "error_count",
            "errors",
            "unknown_columns",
            "replaced_from",
            "replaced_until",
        ]
