"""The week's SLA projection as data (the API's answer): per line the projected figure as
numerator/denominator under the line's convention, the status in a word and in a sentence,
and where each part came from."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from rest_framework import serializers

from scheduling.engine.sla_projection import ProjectionStatus
from scheduling.planning.selectors.sla_projection import LineProjection, WeekProjection
from scheduling.planning.serializers.sla import ServiceLineRefSerializer

STATUS_CHOICES = [(status.value, status.label) for status in ProjectionStatus]


def _local(instant: datetime | None, zone: ZoneInfo) -> str | None:
    return None if instant is None else instant.astimezone(zone).isoformat()


def _level(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def line_projection_payload(line: LineProjection, zone: ZoneInfo) -> dict[str, Any]:
    projection, sources = line.projection, line.sources
    return {
        "service_line": {
            "id": line.service_line.pk,
            "name": line.service_line.name,
            "channel": line.service_line.channel,
        },
        "status": projection.status.value,
        "headline": line.headline,
        "reason": line.reason,
        "notes": list(line.notes),
        "figure": "first_response_level" if line.is_async else "service_level",
        "convention": line.convention.value,
        "formula": "first responses within target / first responses"
        if line.is_async
        else line.convention.formula,
        "target_percent": projection.target_percent,
        "projected_level": _level(projection.level),
        "numerator": projection.numerator,
        "denominator": projection.denominator,
        "actual": {
            "level": _level(projection.actual_level),
            "numerator": projection.actual_numerator,
            "denominator": projection.actual_denominator,
            "intervals": sources.statistics_intervals,
            "until": _local(sources.statistics_until, zone),
        },
        "expected": {
            "contacts": round(sources.expected_contacts, 2),
            "within_threshold": round(sources.expected_within, 2),
            "intervals": sources.projected_intervals,
            "elapsed_without_statistics": sources.elapsed_without_statistics,
            "forecast_versions": list(sources.forecast_versions),
            "missing_forecast_intervals": sources.missing_forecast_intervals,
            "missing_forecast": [
                {"starts_at": _local(start, zone), "ends_at": _local(end, zone)}
                for start, end in sources.missing_forecast
            ],
            "unstaffed_intervals": sources.unstaffed_intervals,
            "unstaffed_contacts": round(sources.unstaffed_contacts, 2),
            "model": sources.model,
        },
    }


def week_projection_payload(projection: WeekProjection) -> dict[str, Any]:
    zone = ZoneInfo(projection.time_zone)
    plan = projection.plan
    return {
        "week": str(projection.week),
        "time_zone": projection.time_zone,
        "as_of": _local(projection.now, zone),
        "state": projection.state,
        "starts_at": _local(projection.starts_at, zone),
        "ends_at": _local(projection.ends_at, zone),
        "plan": None if plan is None else {"id": plan.pk, "revision": plan.revision},
        "shrinkage_percent": projection.shrinkage_percent,
        "lines": [line_projection_payload(line, zone) for line in projection.lines],
    }


# --- the schema ----------------------------------------------------------------------------------


class ActualSerializer(serializers.Serializer):
    level = serializers.FloatField(allow_null=True, help_text="So far; null: no contacts.")
    numerator = serializers.IntegerField()
    denominator = serializers.IntegerField()
    intervals = serializers.IntegerField(help_text="Intervals of the week with statistics.")
    until = serializers.DateTimeField(
        allow_null=True, help_text="End of the last interval with statistics."
    )


class RangeSerializer(serializers.Serializer):
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()


class ExpectedSerializer(serializers.Serializer):
    contacts = serializers.FloatField(help_text="Forecast contacts of the projected intervals.")
    within_threshold = serializers.FloatField(
        help_text="Of them expected in time (Erlang C with the plan's agents), before rounding."
    )
    intervals = serializers.IntegerField()
    elapsed_without_statistics = serializers.IntegerField(
        help_text="Elapsed intervals not imported yet, counted from the forecast."
    )
    forecast_versions = serializers.ListField(child=serializers.IntegerField())
    missing_forecast_intervals = serializers.IntegerField()
    missing_forecast = RangeSerializer(many=True, help_text="Left out of the projection.")
    unstaffed_intervals = serializers.IntegerField(
        help_text="Intervals with forecast contacts and no agent at work: none in time."
    )
    unstaffed_contacts = serializers.FloatField()
    model = serializers.CharField()


class LineProjectionSerializer(serializers.Serializer):
    service_line = ServiceLineRefSerializer()
    status = serializers.ChoiceField(STATUS_CHOICES)
    headline = serializers.CharField(help_text='E.g. "At risk: projected 74.2 % against 80 %".')
    reason = serializers.CharField(help_text="Why the rest of the week was not projected.")
    notes = serializers.ListField(child=serializers.CharField())
    figure = serializers.ChoiceField(["service_level", "first_response_level"])
    convention = serializers.CharField()
    formula = serializers.CharField()
    target_percent = serializers.DecimalField(5, 2, allow_null=True)
    projected_level = serializers.FloatField(allow_null=True, help_text="numerator / denominator.")
    numerator = serializers.IntegerField()
    denominator = serializers.IntegerField()
    actual = ActualSerializer()
    expected = ExpectedSerializer()


class PlanRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    revision = serializers.IntegerField()


class WeekProjectionSerializer(serializers.Serializer):
    week = serializers.CharField()
    time_zone = serializers.CharField()
    as_of = serializers.DateTimeField()
    state = serializers.ChoiceField(["past", "current", "future"])
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    plan = PlanRefSerializer(allow_null=True, help_text="The week's published plan.")
    shrinkage_percent = serializers.DecimalField(5, 2)
    lines = LineProjectionSerializer(many=True)
