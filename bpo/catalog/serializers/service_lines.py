"""Serializers of the service line API. Input serializers parse types only (and refuse bad
choices with the services' own words); the business rules and their messages are the
services' (``bpo.catalog.services.service_lines``)."""

from __future__ import annotations

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from bpo.catalog.models import Channel, DateOverride, Direction, ServiceLine, ServiceLineStatus
from bpo.catalog.services.service_lines import (
    MAX_CONCURRENCY,
    MAX_PATIENCE_SECONDS,
    MAX_SHORT_ABANDON_SECONDS,
    MIN_CONCURRENCY,
    Messages,
)
from scheduling.engine.kpi import CONVENTION_CHOICES, ServiceLevelConvention

CONVENTION_HELP = (
    "How the service level is counted: "
    + "; ".join(
        f"`{convention.value}`: {convention.formula}" for convention in ServiceLevelConvention
    )
    + "."
)
SHORT_ABANDON_HELP = (
    "Live channels: an abandon within this many seconds is short (a misdial), "
    f"0-{MAX_SHORT_ABANDON_SECONDS}."
)
PATIENCE_HELP = (
    "Voice, chat and video: seconds a caller waits on average before hanging up, "
    f"1-{MAX_PATIENCE_SECONDS}; null when unknown. When set, staffing uses Erlang A."
)
CONCURRENCY_HELP = (
    f"Chat: conversations one agent handles at once, {MIN_CONCURRENCY}-{MAX_CONCURRENCY}, "
    "two decimals at most. Other channels stay 1."
)

TARGET_HELP = {
    "service_level_percent": "Live channels: % of contacts answered within "
    "`service_level_seconds` (0-100; set both or neither).",
    "service_level_seconds": "Live channels: the service level's answer time, seconds (> 0).",
    "max_abandon_percent": "Live channels: maximum abandon rate, % (0-100).",
    "asa_seconds": "Live channels: average speed of answer, seconds (> 0).",
    "first_response_percent": "E-mail, SMS, social: % of first responses within "
    "`first_response_hours` (0-100; set both or neither).",
    "first_response_hours": "E-mail, SMS, social: the first-response time, hours (> 0).",
    "fcr_percent": "First-contact resolution target, % (0-100).",
    "csat_percent": "CSAT target, % (0-100).",
    "qa_score_percent": "QA score target, % (0-100).",
}


@extend_schema_field(
    {"type": "string", "pattern": r"^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?$", "example": "09:00"}
)
class WallTimeField(serializers.TimeField):
    """A local wall time, answered as ``HH:MM`` (read as ``HH:MM`` or ``HH:MM:SS``). Documented
    with its pattern: OpenAPI's ``format: time`` is RFC 3339's, with seconds and an offset."""

    def __init__(self, **kwargs):
        kwargs.setdefault("format", "%H:%M")
        super().__init__(**kwargs)


def _choice_message(message: str) -> str:
    """A service message with ``{value}`` in the shape DRF's ChoiceField fills (``{input}``)."""
    return message.replace("{value}", "{input}")


class OpeningHoursSerializer(serializers.Serializer):
    weekday = serializers.IntegerField(help_text="0 = Monday ... 6 = Sunday.")
    opens_at = WallTimeField(help_text="Local wall time, e.g. 09:00.")
    closes_at = WallTimeField(
        help_text="At or before `opens_at`: runs past midnight (22:00-06:00); equal to it: 24 h.",
    )


class DateOverrideSerializer(serializers.ModelSerializer):
    opens_at = WallTimeField(allow_null=True)
    closes_at = WallTimeField(allow_null=True)

    class Meta:
        model = DateOverride
        fields = ["id", "date", "is_closed", "opens_at", "closes_at", "note"]
        read_only_fields = fields


class DateOverrideInputSerializer(serializers.Serializer):
    date = serializers.DateField(
        error_messages={
            "required": Messages.OVERRIDE_DATE_REQUIRED,
            "null": Messages.OVERRIDE_DATE_REQUIRED,
        }
    )
    is_closed = serializers.BooleanField(
        default=True, help_text="Closed all day (no times), or open at `opens_at`-`closes_at`."
    )
    opens_at = WallTimeField(allow_null=True, required=False, default=None)
    closes_at = WallTimeField(allow_null=True, required=False, default=None)
    note = serializers.CharField(allow_blank=True, required=False, default="")


class DateOverrideUpdateSerializer(serializers.Serializer):
    date = serializers.DateField(required=False)
    is_closed = serializers.BooleanField(required=False)
    opens_at = WallTimeField(allow_null=True, required=False)
    closes_at = WallTimeField(allow_null=True, required=False)
    note = serializers.CharField(allow_blank=True, required=False)


class ServiceLineSerializer(serializers.ModelSerializer):
    opening_hours = OpeningHoursSerializer(many=True, read_only=True)
    date_overrides = DateOverrideSerializer(many=True, read_only=True)
    url = serializers.SerializerMethodField()
    sla_convention_label = serializers.SerializerMethodField(
        help_text="The convention in words, and its formula."
    )

    class Meta:
        model = ServiceLine
        fields = [
            "id",
            "name",
            "description",
            "channel",
            "direction",
            "status",
            "languages",
            "required_skills",
            "is_open_24_7",
            "closed_on_public_holidays",
            "opening_hours",
            "date_overrides",
            *TARGET_HELP,
            "sla_convention",
            "sla_convention_label",
            "short_abandon_seconds",
            "patience_seconds",
            "concurrency",
            "created_at",
            "updated_at",
            "url",
        ]
        read_only_fields = fields
        extra_kwargs = {
            **{field: {"help_text": text} for field, text in TARGET_HELP.items()},
            "sla_convention": {"help_text": CONVENTION_HELP},
            "short_abandon_seconds": {"help_text": SHORT_ABANDON_HELP},
            "patience_seconds": {"help_text": PATIENCE_HELP},
            "concurrency": {"help_text": CONCURRENCY_HELP},
        }

    def get_sla_convention_label(self, line: ServiceLine) -> str:
        convention = ServiceLevelConvention(line.sla_convention)
        return f"{convention.label}: {convention.formula}"

    def get_url(self, line: ServiceLine) -> str:
        request = self.context.get("request")
        slug = request.tenant.slug if request is not None else ""
        return reverse("api:service-line-detail", args=[slug, line.pk])


class ServiceLineInputSerializer(serializers.Serializer):
    """Create (name, channel and direction needed) or change (PATCH: any subset)."""

    name = serializers.CharField(
        allow_blank=True,
        error_messages={"required": Messages.NAME_REQUIRED, "null": Messages.NAME_REQUIRED},
    )
    description = serializers.CharField(allow_blank=True, required=False)
    channel = serializers.ChoiceField(
        choices=Channel.choices,
        error_messages={"invalid_choice": _choice_message(Messages.CHANNEL_UNKNOWN)},
    )
    direction = serializers.ChoiceField(
        choices=Direction.choices,
        error_messages={"invalid_choice": _choice_message(Messages.DIRECTION_UNKNOWN)},
    )
    languages = serializers.ListField(
        child=serializers.CharField(allow_blank=True),
        required=False,
        help_text="ISO 639 codes, e.g. en, es, deu.",
    )
    required_skills = serializers.ListField(
        child=serializers.CharField(allow_blank=True, trim_whitespace=False), required=False
    )
    is_open_24_7 = serializers.BooleanField(required=False, help_text="Then no opening hours.")
    closed_on_public_holidays = serializers.BooleanField(
        required=False, help_text="Closed on the public holidays of the client's country."
    )
    opening_hours = OpeningHoursSerializer(
        many=True, required=False, help_text="Replaces the week's spans (local wall times)."
    )
    service_level_percent = serializers.DecimalField(
        None, None, allow_null=True, required=False, help_text=TARGET_HELP["service_level_percent"]
    )
    service_level_seconds = serializers.IntegerField(
        allow_null=True, required=False, help_text=TARGET_HELP["service_level_seconds"]
    )
    max_abandon_percent = serializers.DecimalField(
        None, None, allow_null=True, required=False, help_text=TARGET_HELP["max_abandon_percent"]
    )
    asa_seconds = serializers.IntegerField(
        allow_null=True, required=False, help_text=TARGET_HELP["asa_seconds"]
    )
    first_response_percent = serializers.DecimalField(
        None, None, allow_null=True, required=False, help_text=TARGET_HELP["first_response_percent"]
    )
    first_response_hours = serializers.DecimalField(
        None, None, allow_null=True, required=False, help_text=TARGET_HELP["first_response_hours"]
    )
    fcr_percent = serializers.DecimalField(
        None, None, allow_null=True, required=False, help_text=TARGET_HELP["fcr_percent"]
    )
    csat_percent = serializers.DecimalField(
        None, None, allow_null=True, required=False, help_text=TARGET_HELP["csat_percent"]
    )
    qa_score_percent = serializers.DecimalField(
        None, None, allow_null=True, required=False, help_text=TARGET_HELP["qa_score_percent"]
    )
    sla_convention = serializers.ChoiceField(
        choices=CONVENTION_CHOICES,
        required=False,
        help_text=CONVENTION_HELP,
        error_messages={
            "invalid_choice": Messages.CONVENTION_UNKNOWN.replace("{value}", "{input}").replace(
                "{choices}", ", ".join(value for value, _ in CONVENTION_CHOICES)
            )
        },
    )
    short_abandon_seconds = serializers.IntegerField(
        required=False,
        help_text=SHORT_ABANDON_HELP,
        error_messages={
            "invalid": Messages.SHORT_ABANDON_RANGE,
            "null": Messages.SHORT_ABANDON_RANGE,
        },
    )
    patience_seconds = serializers.IntegerField(
        allow_null=True,
        required=False,
        help_text=PATIENCE_HELP,
        error_messages={"invalid": Messages.PATIENCE_RANGE},
    )
    concurrency = serializers.DecimalField(
        None,
        None,
        required=False,
        help_text=CONCURRENCY_HELP,
        error_messages={"invalid": Messages.CONCURRENCY_RANGE, "null": Messages.CONCURRENCY_RANGE},
    )


class ServiceLineStatusSerializer(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=ServiceLineStatus.choices,
        error_messages={"invalid_choice": _choice_message(Messages.STATUS_UNKNOWN)},
        help_text="draft -> active -> paused -> active; any -> retired (final).",
    )


class IntervalSerializer(serializers.Serializer):
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()


class OpenIntervalsSerializer(serializers.Serializer):
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()
    time_zone = serializers.CharField(help_text="The client's IANA zone; instants show in it.")
    intervals = IntervalSerializer(many=True, help_text="Open from `start` until `end`.")
    open_seconds = serializers.IntegerField(help_text="Total open time in the range.")


class IsOpenSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    time_zone = serializers.CharField()
    is_open = serializers.BooleanField()
    changes_at = serializers.DateTimeField(
        allow_null=True,
        help_text="When it closes (if open) or opens (if closed) next; null: not within a week.",
    )


class HolidaySerializer(serializers.Serializer):
    date = serializers.DateField()
    name = serializers.CharField()
    closes_line = serializers.BooleanField(
        help_text="Closed by the holiday rule (the line closes on holidays and no override)."
    )
    override = DateOverrideSerializer(allow_null=True, help_text="The line's own hours that day.")


class HolidaysSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    country = serializers.CharField(help_text="ISO 3166-1 alpha-2 code of the client.")
    closed_on_public_holidays = serializers.BooleanField()
    holidays = HolidaySerializer(many=True)
