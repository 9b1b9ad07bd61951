"""The SLA figures as data (API answers and ``manage.py sla_figures --json``): ratios as fractions
rounded to four decimals (0.6667 for 66.67 %), seconds to one decimal, ``null`` where a span has
no contacts; every line names the convention and formula of its service level."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from rest_framework import serializers

from bpo.catalog.models import Channel
from scheduling.engine import kpi
from scheduling.planning.selectors.sla import LineFigures, SpanFigures, WeekFigures

RATIO_FIELDS = (
    "service_level",
    "abandon_rate",
    "abandon_rate_less_short",
    "occupancy",
    "first_response_level",
)
SECONDS_FIELDS = ("asa_seconds", "aht_seconds", "mean_first_response_seconds")
COUNT_FIELDS = (
    "offered",
    "answered",
    "abandoned",
    "short_abandoned",
    "flowed_out",
    "first_responses",
)
OUTCOME_CHOICES = [(outcome.value, outcome.label) for outcome in kpi.Outcome]


def _rounded(value: float | None, digits: int) -> float | None:
    return None if value is None else round(value, digits)


def _local(instant: datetime, zone: ZoneInfo) -> str:
    return instant.astimezone(zone).isoformat()


def span_payload(span: SpanFigures, zone: ZoneInfo) -> dict[str, Any]:
    figures = span.figures
    payload: dict[str, Any] = {
        "starts_at": _local(span.starts_at, zone),
        "ends_at": _local(span.ends_at, zone),
        "hours": span.hours,
    }
    payload.update({name: getattr(figures, name) for name in COUNT_FIELDS})
    payload.update({name: _rounded(getattr(figures, name), 4) for name in RATIO_FIELDS})
    payload.update({name: _rounded(getattr(figures, name), 1) for name in SECONDS_FIELDS})
    payload["outcomes"] = {name: outcome.value for name, outcome in span.outcomes.items()}
    return payload


def _experience_payload(line: LineFigures) -> dict[str, Any] | None:
    if line.experience is None:
        return None
    figures = line.experience.figures
    return {
        "csat_satisfied": _rounded(figures.csat_satisfied.value, 4),
        "csat_mean": _rounded(figures.csat_mean.value, 2),
        "csat_responses": figures.csat_mean.sample_size,
        "ces_mean": _rounded(figures.ces_mean.value, 2),
        "ces_responses": figures.ces_mean.sample_size,
        "fcr": _rounded(figures.fcr.value, 4),
        "fcr_contacts": figures.fcr.sample_size,
        "outcomes": {name: outcome.value for name, outcome in line.experience.outcomes.items()},
    }


def line_payload(line: LineFigures, zone: ZoneInfo, *, with_intervals: bool) -> dict[str, Any]:
    service_line = line.service_line
    targets = line.targets
    payload: dict[str, Any] = {
        "service_line": {
            "id": service_line.pk,
            "name": service_line.name,
            "channel": service_line.channel,
        },
        "convention": line.convention.value,
        "convention_label": line.convention.label,
        "formula": line.convention.formula,
        "interval_minutes": line.interval_minutes,
        "targets": {
            name: getattr(targets, name)
            for name in (
                "service_level_percent",
                "service_level_seconds",
                "max_abandon_percent",
                "asa_seconds",
                "first_response_percent",
                "first_response_hours",
                "fcr_percent",
                "csat_percent",
            )
        },
        "week": span_payload(line.week, zone),
        "days": [span_payload(day, zone) for day in line.days],
        "experience": _experience_payload(line),
    }
    if with_intervals:
        payload["intervals"] = [span_payload(span, zone) for span in line.intervals]
    return payload


def week_payload(figures: WeekFigures, *, with_intervals: bool = False) -> dict[str, Any]:
    zone = ZoneInfo(figures.time_zone)
    return {
        "week": str(figures.week),
        "time_zone": figures.time_zone,
        "starts_at": _local(figures.starts_at, zone),
        "ends_at": _local(figures.ends_at, zone),
        "hours": figures.hours,
        "has_statistics": figures.has_statistics,
        "lines": [
            line_payload(line, zone, with_intervals=with_intervals) for line in figures.lines
        ],
    }


# --- the same shape for the OpenAPI schema (the answers are these serializers' output) ----------


def _ratio(help_text: str) -> serializers.FloatField:
    return serializers.FloatField(allow_null=True, help_text=help_text + " Null: no contacts.")


class OutcomesSerializer(serializers.Serializer):
    service_level = serializers.ChoiceField(OUTCOME_CHOICES)
    abandon_rate = serializers.ChoiceField(
        OUTCOME_CHOICES, help_text="Against the maximum, short abandons left out."
    )
    asa_seconds = serializers.ChoiceField(OUTCOME_CHOICES)
    first_response_level = serializers.ChoiceField(OUTCOME_CHOICES)


class SpanSerializer(serializers.Serializer):
    starts_at = serializers.DateTimeField(help_text="In the client's zone.")
    ends_at = serializers.DateTimeField()
    hours = serializers.FloatField(help_text="A day of a DST change has 23 or 25.")
    offered = serializers.IntegerField()
    answered = serializers.IntegerField()
    abandoned = serializers.IntegerField()
    short_abandoned = serializers.IntegerField()
    flowed_out = serializers.IntegerField()
    first_responses = serializers.IntegerField()
    service_level = _ratio("By the line's convention, a fraction (0.8 = 80 %).")
    abandon_rate = _ratio("Abandoned / offered.")
    abandon_rate_less_short = _ratio("(Abandoned - short) / (offered - short).")
    occupancy = _ratio("Handle time / staffed time, where staffed time is known.")
    first_response_level = _ratio("Async lines: first responses within target / all.")
    asa_seconds = serializers.FloatField(allow_null=True)
    aht_seconds = serializers.FloatField(allow_null=True)
    mean_first_response_seconds = serializers.FloatField(allow_null=True)
    outcomes = OutcomesSerializer()


class ServiceLineRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    channel = serializers.ChoiceField(Channel.choices)


class TargetsSerializer(serializers.Serializer):
    service_level_percent = serializers.DecimalField(5, 2, allow_null=True)
    service_level_seconds = serializers.IntegerField(allow_null=True)
    max_abandon_percent = serializers.DecimalField(5, 2, allow_null=True)
    asa_seconds = serializers.IntegerField(allow_null=True)
    first_response_percent = serializers.DecimalField(5, 2, allow_null=True)
    first_response_hours = serializers.DecimalField(6, 2, allow_null=True)
    fcr_percent = serializers.DecimalField(5, 2, allow_null=True)
    csat_percent = serializers.DecimalField(5, 2, allow_null=True)


class ExperienceOutcomesSerializer(serializers.Serializer):
    csat_satisfied = serializers.ChoiceField(OUTCOME_CHOICES)
    fcr = serializers.ChoiceField(OUTCOME_CHOICES)


class ExperienceSerializer(serializers.Serializer):
    csat_satisfied = _ratio("Share of CSAT answers of 4 or 5 (of 5).")
    csat_mean = serializers.FloatField(allow_null=True)
    csat_responses = serializers.IntegerField(help_text="Sample size of both CSAT figures.")
    ces_mean = serializers.FloatField(allow_null=True)
    ces_responses = serializers.IntegerField()
    fcr = _ratio("Share resolved on first contact.")
    fcr_contacts = serializers.IntegerField()
    outcomes = ExperienceOutcomesSerializer()


class LineFiguresSerializer(serializers.Serializer):
    service_line = ServiceLineRefSerializer()
    convention = serializers.ChoiceField(kpi.CONVENTION_CHOICES)
    convention_label = serializers.CharField()
    formula = serializers.CharField(help_text="The service level's formula, in words.")
    interval_minutes = serializers.IntegerField(allow_null=True)
    targets = TargetsSerializer()
    week = SpanSerializer()
    days = SpanSerializer(many=True, help_text="Monday to Sunday, local days.")
    experience = ExperienceSerializer(allow_null=True)


class LineWeekSerializer(LineFiguresSerializer):
    intervals = SpanSerializer(many=True, help_text="Intervals with statistics, in time order.")


class WeekFiguresSerializer(serializers.Serializer):
    week = serializers.CharField(help_text="ISO week, e.g. 2026-W05.")
    time_zone = serializers.CharField()
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    hours = serializers.FloatField(help_text="168, or 167/169 in a week with a DST change.")
    has_statistics = serializers.BooleanField()
    lines = LineFiguresSerializer(many=True)
