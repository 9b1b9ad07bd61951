"""Adapts the staffing calculator of ``scheduling.engine.erlang`` to people: percentages in,
one scenario or two side by side (e.g. 80/20 against 90/20), engine errors as DomainError."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bpo.errors import DomainError
from scheduling.engine.erlang import StaffingSummary, staffing_summary
from scheduling.engine.errors import EngineInputError

# What a person may type: one interval's contacts, and any duration up to a day. Larger values
# are typos (extra zeros); the engine refuses loads it cannot staff, with its own message.
MAX_CALLS = 1_000_000
MAX_SECONDS = 86_400
MAX_AGENTS = 1_000_000

# Engine argument -> the name people type (percent fields carry the suffix).
_FIELD_NAMES = {
    "target_level": "target_level_percent",
    "max_occupancy": "max_occupancy_percent",
    "shrinkage": "shrinkage_percent",
}


@dataclass(frozen=True)
class StaffingScenario:
    calls: float
    interval_minutes: float
    aht_seconds: float
    target_level_percent: float
    target_seconds: float
    max_occupancy_percent: float = 85.0
    shrinkage_percent: float = 30.0
    agents: int | None = None
    patience_seconds: float | None = None


_LABELS = {
    "calls": "Contacts per interval",
    "interval_minutes": "Interval length",
    "aht_seconds": "Average handle time",
    "target_seconds": "Target answer time",
    "agents": "Agents",
    "patience_seconds": "Average patience",
}

_PERCENT_RULES = {
    # field: (lowest allowed, is the lowest allowed itself, highest allowed, is it allowed)
    "target_level_percent": ("Target service level", 0.0, False, 100.0, True),
    "max_occupancy_percent": ("Maximum occupancy", 0.0, False, 100.0, True),
    "shrinkage_percent": ("Shrinkage", 0.0, True, 100.0, False),
}


def _check_percentages(scenario: StaffingScenario) -> None:
    for field, (label, low, low_ok, high, high_ok) in _PERCENT_RULES.items():
        value = getattr(scenario, field)
        if 0 < value < 1:
            # 0.8 is far more likely a fraction typed by mistake than 0.8 %.
            raise DomainError(
                f"{label} is a percentage: give {value * 100:g} for {value * 100:g} %, "
                f"not {value:g}.",
                field=field,
            )
        above_low = value >= low if low_ok else value > low
        below_high = value <= high if high_ok else value < high
        if not (above_low and below_high):
            low_word = "at least" if low_ok else "above"
            high_word = "at most" if high_ok else "below"
            raise DomainError(
                f"{label} must be {low_word} {low:g} % and {high_word} {high:g} %, got {value:g} %.",
                field=field,
            )


def calculate(scenario: StaffingScenario) -> StaffingSummary:
    """Staffing for one scenario. Percent fields are checked here in percent, so the message
    speaks the unit the person typed; everything else is checked by the engine."""
    _check_percentages(scenario)
    try:
        return staffing_summary(
            calls=scenario.calls,
            interval_minutes=scenario.interval_minutes,
            aht_seconds=scenario.aht_seconds,
            target_level=scenario.target_level_percent / 100.0,
            target_seconds=scenario.target_seconds,
            max_occupancy=scenario.max_occupancy_percent / 100.0,
            shrinkage=scenario.shrinkage_percent / 100.0,
            agents=scenario.agents,
            patience_seconds=scenario.patience_seconds,
        )
    except EngineInputError as exc:
        field = _FIELD_NAMES.get(exc.field, exc.field)
        label = _LABELS.get(field, field.replace("_", " ").capitalize())
        raise DomainError(f"{label} {exc.message}.", field=field) from exc


def summary_payload(summary: StaffingSummary) -> dict[str, Any]:
    payload = summary.as_dict()
    payload.update(
        {
            "model": summary.model,
            "meets_target": summary.meets_target,
            "probability_of_abandon": payload.get("probability_of_abandon"),
        }
    )
    return payload
