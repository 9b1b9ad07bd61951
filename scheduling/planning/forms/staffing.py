from __future__ import annotations

from django import forms

from scheduling.planning.calculator import (
    MAX_CALLS,
    MAX_SECONDS,
    StaffingScenario,
)

INTERVAL_CHOICES = [(15, "15 minutes"), (30, "30 minutes"), (60, "60 minutes")]


class StaffingCalculatorForm(forms.Form):
    """One workload, two service-level targets side by side (the quote simulator)."""

    calls = forms.FloatField(
        label="Contacts per interval", initial=100, min_value=0, max_value=MAX_CALLS
    )
    interval_minutes = forms.TypedChoiceField(
        label="Interval", choices=INTERVAL_CHOICES, coerce=int, initial=30
    )
    aht_seconds = forms.FloatField(
        label="Average handle time (s)", initial=180, max_value=MAX_SECONDS
    )
    target_level_percent = forms.FloatField(label="Target A: % answered", initial=80)
    target_seconds = forms.FloatField(
        label="Target A: within (s)", initial=20, max_value=MAX_SECONDS
    )
    compare_level_percent = forms.FloatField(
        label="Target B: % answered", initial=90, required=False
    )
    compare_seconds = forms.FloatField(
        label="Target B: within (s)", initial=20, required=False, max_value=MAX_SECONDS
    )
    max_occupancy_percent = forms.FloatField(label="Maximum occupancy (%)", initial=85)
    shrinkage_percent = forms.FloatField(label="Shrinkage (%)", initial=30)
    patience_seconds = forms.FloatField(
        label="Average patience (s)",
        required=False,
        max_value=MAX_SECONDS,
        help_text="Leave empty for Erlang C; give it to model abandonment (Erlang A).",
    )

    def scenarios(self) -> list[tuple[str, StaffingScenario]]:
        data = self.cleaned_data
        common = {
            "calls": data["calls"],
            "interval_minutes": data["interval_minutes"],
            "aht_seconds": data["aht_seconds"],
            "max_occupancy_percent": data["max_occupancy_percent"],
            "shrinkage_percent": data["shrinkage_percent"],
            "patience_seconds": data.get("patience_seconds"),
        }
        scenarios = [
            (
                "A",
                StaffingScenario(
                    target_level_percent=data["target_level_percent"],
                    target_seconds=data["target_seconds"],
                    **common,
                ),
            )
        ]
        if data.get("compare_level_percent") is not None:
            scenarios.append(
                (
                    "B",
                    StaffingScenario(
                        target_level_percent=data["compare_level_percent"],
                        target_seconds=data.get("compare_seconds") or data["target_seconds"],
                        **common,
                    ),
                )
            )
        return scenarios
