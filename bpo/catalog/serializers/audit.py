from __future__ import annotations

from rest_framework import serializers

from bpo.catalog import audit


class FieldChangeSerializer(serializers.Serializer):
    before = serializers.CharField(allow_null=True)
    after = serializers.CharField(allow_null=True)


class AuditEntrySerializer(serializers.Serializer):
    """One change of the catalog: who, when, what, each field before and after."""

    id = serializers.IntegerField()
    timestamp = serializers.DateTimeField()
    actor = serializers.EmailField(allow_null=True, help_text="Empty for system changes.")
    action = serializers.ChoiceField(choices=sorted(set(audit.ACTION_NAMES.values())))
    object_type = serializers.ChoiceField(choices=audit.OBJECT_TYPES)
    object_id = serializers.IntegerField()
    object_repr = serializers.CharField()
    service_line = serializers.IntegerField(allow_null=True)
    changes = serializers.DictField(child=FieldChangeSerializer())

    def to_representation(self, instance):
        return super().to_representation(audit.describe_entry(instance))
