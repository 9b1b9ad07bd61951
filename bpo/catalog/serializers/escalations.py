"""API shapes of escalation paths, tiers and the resolver. Input serializers only check types;
the rules (levels, respond-within, phones, reachability...) are the services'."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from django.utils import timezone
from rest_framework import serializers

from bpo.catalog import resolver
from bpo.catalog.models import (
    TIER_FIELDS,
    ContactChannel,
    Coverage,
    EscalationPath,
    EscalationTier,
    Severity,
    TriggerKind,
)
from bpo.catalog.services.escalations import NAME_MAX_LENGTH
from bpo.instants import OUT_OF_RANGE, in_range

TIER_OUTPUT_FIELDS = ["id", "path", *TIER_FIELDS]


class EscalationTierSerializer(serializers.ModelSerializer):
    # ``allow_blank`` documents ``""`` beside ``format: email`` (a tier without an address).
    email = serializers.EmailField(
        read_only=True,
        allow_blank=True,
        help_text="The contact's e-mail address; empty when the tier has none.",
    )

    class Meta:
        model = EscalationTier
        fields = TIER_OUTPUT_FIELDS
        read_only_fields = fields


class EscalationPathSerializer(serializers.ModelSerializer):
    service_line_name = serializers.CharField(source="service_line.name", read_only=True)
    tiers = EscalationTierSerializer(many=True, read_only=True)

    class Meta:
        model = EscalationPath
        fields = [
            "id",
            "service_line",
            "service_line_name",
            "name",
            "notes",
            "tiers",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class EscalationTierInputSerializer(serializers.Serializer):
    """One tier as written. Plain fields (no model validation): the service decides."""

    level = serializers.IntegerField(
        required=False, allow_null=True, help_text="1 for the first tier; levels run 1..n."
    )
    trigger_kind = serializers.ChoiceField(choices=TriggerKind.choices)
    category = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text="Severity triggers: the issue category it handles; empty for any.",
    )
    min_severity = serializers.ChoiceField(
        choices=Severity.choices,
        required=False,
        allow_null=True,
        default=None,
        help_text="Severity triggers: 1 low, 2 medium, 3 high, 4 critical.",
    )
    unresolved_minutes = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        help_text="Time triggers: minutes without resolution before this tier takes over.",
    )
    contact_name = serializers.CharField(allow_blank=True)
    contact_role = serializers.CharField(allow_blank=True)
    channel = serializers.ChoiceField(choices=ContactChannel.choices)
    phone = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text="Any usual notation; read with the client's country as default and stored "
        "as E.164 (+14155550100).",
    )
    email = serializers.CharField(required=False, allow_blank=True, default="")
    respond_within_minutes = serializers.IntegerField(allow_null=True)
    coverage = serializers.ChoiceField(choices=Coverage.choices, default=Coverage.ALWAYS)


class EscalationTierSetItemSerializer(EscalationTierInputSerializer):
    id = serializers.IntegerField(
        required=False, allow_null=True, help_text="An existing tier to update; empty: a new one."
    )


class EscalationTierSetSerializer(serializers.Serializer):
    tiers = EscalationTierSetItemSerializer(many=True, allow_empty=True)


class EscalationTierCreateSerializer(EscalationTierInputSerializer):
    path = serializers.IntegerField(help_text="The escalation path's id.")


class EscalationTierPatchSerializer(EscalationTierInputSerializer):
    """Any subset of a tier's fields (client admins: only the contact fields)."""

    def __init__(self, *args, **kwargs):
        kwargs["partial"] = True
        super().__init__(*args, **kwargs)


class EscalationPathCreateSerializer(serializers.Serializer):
    service_line = serializers.IntegerField(help_text="The service line's id (one path each).")
    name = serializers.CharField(allow_blank=True, max_length=NAME_MAX_LENGTH)
    notes = serializers.CharField(required=False, allow_blank=True, default="")
    tiers = EscalationTierInputSerializer(many=True, allow_empty=True)


class EscalationPathPatchSerializer(serializers.Serializer):
    name = serializers.CharField(required=False, allow_blank=True, max_length=NAME_MAX_LENGTH)
    notes = serializers.CharField(required=False, allow_blank=True)


# --- the resolver ---------------------------------------------------------------------------------


class ClientInstantField(serializers.DateTimeField):
    """An ISO 8601 instant; without an offset, a wall time in the client's zone (the context's
    ``time_zone``, else the active zone). In UTC, within the years of ``bpo.instants``
    (its ``InstantField`` takes no wall time, which this endpoint has always accepted)."""

    def default_timezone(self):
        name = self.context.get("time_zone")
        return ZoneInfo(name) if name else timezone.get_current_timezone()

    def _out_of_range(self) -> serializers.ValidationError:
        return serializers.ValidationError(
            OUT_OF_RANGE.format(name=self.field_name or "instant"), code="out_of_range"
        )

    def fail(self, key, **kwargs):
        if key == "overflow":  # DRF's own catch of a conversion past year 1 or 9999
            raise self._out_of_range()
        super().fail(key, **kwargs)

    def enforce_timezone(self, value):
        try:
            return super().enforce_timezone(value)
        except OverflowError:  # checking a wall time next to year 1 or 9999
            raise self._out_of_range() from None

    def to_internal_value(self, value) -> datetime:
        instant = super().to_internal_value(value)
        try:
            instant = instant.astimezone(UTC)
        except OverflowError:
            raise self._out_of_range() from None
        if not in_range(instant):
            raise self._out_of_range()
        return instant


class ResolveQuerySerializer(serializers.Serializer):
    """Give the client's zone as ``context={"time_zone": ...}``."""

    severity = serializers.CharField(help_text="1-4 or low, medium, high, critical.")
    category = serializers.CharField(required=False, allow_blank=True, default="")
    at = ClientInstantField(
        required=False,
        allow_null=True,
        default=None,
        help_text="ISO 8601 instant, e.g. 2026-11-23T18:30:00-05:00 (without an offset: the "
        "client's local time), between 1970 and 2100. Default: now.",
    )

    def to_internal_value(self, data):
        # ``?at=`` (an empty form field) means now, like leaving it out.
        values = {key: data.get(key) for key in data}
        if values.get("at") == "":
            values.pop("at")
        return super().to_internal_value(values)

    def validate_severity(self, value: str) -> int:
        try:
            return resolver.parse_severity(value)
        except ValueError as exc:
            raise serializers.ValidationError(str(exc)) from None

    def validate(self, attrs):
        if attrs.get("at") is None:
            attrs["at"] = timezone.now()
        return attrs


class ResolvedTierSerializer(serializers.Serializer):
    id = serializers.IntegerField(allow_null=True)
    level = serializers.IntegerField()
    trigger_kind = serializers.ChoiceField(choices=TriggerKind.choices)
    category = serializers.CharField()
    min_severity = serializers.IntegerField(allow_null=True)
    unresolved_minutes = serializers.IntegerField(allow_null=True)
    contact_name = serializers.CharField()
    contact_role = serializers.CharField()
    channel = serializers.ChoiceField(choices=ContactChannel.choices)
    phone = serializers.CharField()
    email = serializers.CharField()
    respond_within_minutes = serializers.IntegerField(allow_null=True)
    coverage = serializers.ChoiceField(choices=Coverage.choices)


PERIOD_CHOICES = [(value, label) for value, label in resolver.PERIOD_LABELS.items()]


class NextTierSerializer(serializers.Serializer):
    tier = ResolvedTierSerializer()
    deadline = serializers.DateTimeField(help_text="When it takes over, in the client's zone.")
    period = serializers.ChoiceField(choices=PERIOD_CHOICES, help_text="At the deadline.")
    reason = serializers.CharField()


class ResolutionSerializer(serializers.Serializer):
    at = serializers.DateTimeField(help_text="The instant asked about, in the client's zone.")
    time_zone = serializers.CharField()
    severity = serializers.IntegerField()
    severity_label = serializers.CharField()
    category = serializers.CharField()
    period = serializers.ChoiceField(choices=PERIOD_CHOICES)
    period_label = serializers.CharField()
    tier = ResolvedTierSerializer(allow_null=True, help_text="Who to contact now, if anyone.")
    next_tier = NextTierSerializer(allow_null=True)
    message = serializers.CharField(help_text="Why nobody is to be contacted now (else empty).")
    next_message = serializers.CharField(help_text="Why nobody takes over later (else empty).")
