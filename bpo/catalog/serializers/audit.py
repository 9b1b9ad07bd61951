from __future__ import annotations

from datetime import datetime

from rest_framework import serializers

from bpo.catalog import audit


class ChangeValueField(serializers.CharField):
    """A value as text; a date-time as ISO 8601 in UTC."""

    def to_representation(self, value):
        if isinstance(value, datetime):
            return value.isoformat().replace("+00:00", "Z")
        return super().to_representation(value)


class FieldChangeSerializer(serializers.Serializer):
    before = ChangeValueField(allow_null=True)
    after = ChangeValueField(allow_null=True)


class AuditEntrySerializer(serializers.Serializer):
    """One change of the catalog: who, when, what, each field before and after."""

    id = serializers.IntegerField()
    timestamp = serializers.DateTimeField()
    actor = serializers.EmailField(allow_null=True, help_text="Empty for system changes.")
    action = serializers.ChoiceField(choices=sorted(set(audit.ACTION_NAMES.values())))
    object_type = serializers.ChoiceField(choices=audit.OBJECT_TYPES)
    object_label = serializers.CharField(help_text="What the object is, e.g. Escalation tier.")
    object_id = serializers.IntegerField()
    object_repr = serializers.CharField()
    service_line = serializers.IntegerField(allow_null=True)
    changes = serializers.DictField(child=FieldChangeSerializer())

    def to_representation(self, instance):
        return super().to_representation(audit.describe_entry(instance))
