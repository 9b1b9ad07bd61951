from __future__ import annotations

from rest_framework import serializers

from scheduling.planning.calculator import MAX_AGENTS, MAX_CALLS, MAX_SECONDS, StaffingScenario


class StaffingInputSerializer(serializers.Serializer):
    """One interval's workload and target. Percent fields take 0-100."""

    calls = serializers.FloatField(
        max_value=MAX_CALLS, help_text="Contacts offered in the interval."
    )
    interval_minutes = serializers.FloatField(default=30)
    aht_seconds = serializers.FloatField(
        max_value=MAX_SECONDS, help_text="Average handle time in seconds."
    )
    target_level_percent = serializers.FloatField(help_text="e.g. 80 for 80 % answered.")
    target_seconds = serializers.FloatField(
        max_value=MAX_SECONDS, help_text="e.g. 20 for 'within 20 s'."
    )
    max_occupancy_percent = serializers.FloatField(default=85)
    shrinkage_percent = serializers.FloatField(default=30)
    agents = serializers.IntegerField(
        required=False,
        allow_null=True,
        max_value=MAX_AGENTS,
        help_text="Evaluate this many agents instead of searching.",
    )
    patience_seconds = serializers.FloatField(
        required=False,
        allow_null=True,
        max_value=MAX_SECONDS,
        help_text="Average patience; given, the model is Erlang A (with abandonment).",
    )

    def to_scenario(self) -> StaffingScenario:
        return StaffingScenario(**self.validated_data)


class StaffingResultSerializer(serializers.Serializer):
    model = serializers.ChoiceField(choices=["erlang_c", "erlang_a"])
    traffic_erlangs = serializers.FloatField()
    agents = serializers.IntegerField()
    scheduled_agents = serializers.IntegerField()
    service_level = serializers.FloatField(help_text="Fraction answered within the target time.")
    probability_of_waiting = serializers.FloatField()
    asa_seconds = serializers.FloatField(
        allow_null=True, help_text="null when the agents cannot keep up (the queue grows)."
    )
    occupancy = serializers.FloatField()
    probability_of_abandon = serializers.FloatField(allow_null=True)
    meets_target = serializers.BooleanField()
