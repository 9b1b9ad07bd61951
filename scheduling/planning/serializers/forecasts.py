from __future__ import annotations

from rest_framework import serializers

from scheduling.planning.forecasting import MAX_WEEKS_AHEAD
from scheduling.planning.models import (
    Forecast,
    ForecastAdjustment,
    ForecastInterval,
    StaffingRequirement,
)


class ForecastSerializer(serializers.ModelSerializer):
    service_line_name = serializers.CharField(source="service_line.name", read_only=True)
    status = serializers.CharField(read_only=True, help_text="queued, running, ready or failed.")
    job = serializers.SerializerMethodField(help_text="The run's job: status, progress (0-100).")
    accuracy = serializers.SerializerMethodField(
        help_text="Against the actuals stored so far; fractions (0.1 = 10 %)."
    )
    requirement = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()

    class Meta:
        model = Forecast
        fields = [
            "id",
            "service_line",
            "service_line_name",
            "version",
            "status",
            "error",
            "weeks",
            "starts_at",
            "ends_at",
            "interval_minutes",
            "time_zone",
            "history_starts_at",
            "history_ends_at",
            "history_intervals",
            "method",
            "parameters",
            "backtest",
            "accuracy",
            "requirement",
            "job",
            "created_at",
            "completed_at",
            "url",
        ]
        read_only_fields = fields

    def get_job(self, forecast: Forecast) -> dict | None:
        job = forecast.job if forecast.job_id else None
        if job is None:
            return None
        return {
            "id": str(job.pk),
            "status": job.status,
            "progress": job.progress,
            "message": job.message,
        }

    def get_accuracy(self, forecast: Forecast) -> dict:
        return {
            "actual_intervals": forecast.actual_intervals,
            "actual_volume": forecast.actual_volume,
            "wape": forecast.wape,
            "bias": forecast.bias,
            "original_wape": forecast.original_wape,
            "baseline_wape": forecast.baseline_wape,
            "baseline_bias": forecast.baseline_bias,
            "baseline": "seasonal naive (the last week of history repeated)",
        }

    def get_requirement(self, forecast: Forecast) -> dict:
        return {
            "model": forecast.requirement_model or None,
            "inputs": forecast.requirement_inputs,
            "note": forecast.requirement_note,
            "computed_at": forecast.requirement_computed_at,
        }

    def get_url(self, forecast: Forecast) -> str:
        request = self.context.get("request")
        slug = request.tenant.slug if request is not None else ""
        return f"/api/v1/clients/{slug}/forecasts/{forecast.pk}/"


class ForecastIntervalSerializer(serializers.ModelSerializer):
    class Meta:
        model = ForecastInterval
        fields = [
            "starts_at",
            "is_open",
            "volume",
            "adjusted_volume",
            "baseline_volume",
            "aht_seconds",
        ]
        read_only_fields = fields


class ForecastAdjustmentSerializer(serializers.ModelSerializer):
    created_by = serializers.CharField(source="created_by.email", default=None, read_only=True)

    class Meta:
        model = ForecastAdjustment
        fields = [
            "id",
            "scope",
            "day",
            "starts_at",
            "ends_at",
            "percent",
            "reason",
            "intervals_changed",
            "volume_before",
            "volume_after",
            "created_by",
            "created_at",
        ]
        read_only_fields = fields


class ForecastDetailSerializer(ForecastSerializer):
    intervals = ForecastIntervalSerializer(many=True, read_only=True)
    adjustments = ForecastAdjustmentSerializer(many=True, read_only=True)

    class Meta(ForecastSerializer.Meta):
        fields = [*ForecastSerializer.Meta.fields, "adjustments", "intervals"]
        read_only_fields = fields


class StartForecastSerializer(serializers.Serializer):
    service_line = serializers.IntegerField(help_text="The line to forecast (its id).")
    weeks = serializers.IntegerField(
        min_value=1,
        max_value=MAX_WEEKS_AHEAD,
        default=1,
        help_text="Weeks ahead, from next Monday.",
    )


class AdjustForecastSerializer(serializers.Serializer):
    scope = serializers.ChoiceField(choices=["day", "range"])
    day = serializers.DateField(
        required=False, allow_null=True, help_text="Local date (scope day)."
    )
    starts_at = serializers.DateTimeField(required=False, allow_null=True)
    ends_at = serializers.DateTimeField(required=False, allow_null=True)
    percent = serializers.CharField(help_text="e.g. 15 or -10.")
    reason = serializers.CharField(allow_blank=True)


class StaffingRequirementSerializer(serializers.ModelSerializer):
    class Meta:
        model = StaffingRequirement
        fields = [
            "starts_at",
            "volume",
            "aht_seconds",
            "workload_erlangs",
            "required_agents",
            "scheduled_agents",
        ]
        read_only_fields = fields


class RequirementSerializer(serializers.Serializer):
    forecast = serializers.IntegerField()
    version = serializers.IntegerField(allow_null=True)
    model = serializers.CharField(allow_null=True)
    inputs = serializers.DictField()
    note = serializers.CharField(allow_blank=True)
    intervals = StaffingRequirementSerializer(many=True)
