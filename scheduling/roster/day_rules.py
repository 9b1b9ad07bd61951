"""The day-pattern rules of one agent's week in words, for manual plan edits and shift swaps:
days in a row, days off in a row, weekends in four weeks and forbidden successions of shift kinds. Pure (no
Django; the import rules hold it to that).

The rules read as the optimiser's validator reads them (``scheduling.engine.optimiser.validate``):
days count by the day a shift starts on the plan's wall clock, what came before Monday is the
agent's history, and a run of days off still open on Sunday is left for the next week. The
validator still runs after these (``plan_edits._engine_reasons``): this module only puts its
verdict into the scheduler's words, with dates. Shift swaps (``swaps.taker_problems``) use it
on the taker's week in the taker's own zone.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from scheduling.engine.optimiser.model import AgentHistory

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
WEEKEND = (5, 6)


@dataclass(frozen=True)
class DayLimits:
    max_consecutive_days: int | None = None
    min_consecutive_days_off: int | None = None
    max_weekends_per_4_weeks: int | None = None
    forbidden_successions: tuple[tuple[str, str], ...] = ()


def _day(monday: date, index: int) -> str:
    day = monday + timedelta(days=index)
    return f"{WEEKDAYS[day.weekday()]} {day.day} {day:%b}"


def _days(count: int) -> str:
    return f"{count} day{'s' if count != 1 else ''}"


def day_rule_reasons(
    *,
    name: str,
    monday: date,
    kinds: Mapping[int, str],
    history: AgentHistory | None,
    limits: DayLimits,
) -> dict[str, str]:
    """The broken rules, by the validator's rule name ("consecutive days", "days off",
    "weekends", "succession"), each in one sentence. ``kinds`` maps each worked day of the
    week (0 is Monday) to the kind of the shift that starts on it."""
    worked = [day in kinds for day in range(7)]
    before_worked = history.consecutive_days_worked if history is not None else 0
    before_off = history.days_off_run if history is not None else 0
    reasons: dict[str, str] = {}

    most = limits.max_consecutive_days
    if most is not None:
        run, first = before_worked, -before_worked
        for day, works in enumerate([*worked, False]):
            if works:
                run += 1
                continue
            if run > most and day > 0 and worked[day - 1]:
                reasons["consecutive days"] = (
                    f"{name} would work {run} days in a row ({_day(monday, first)} to "
                    f"{_day(monday, day - 1)}), at most {most}."
                )
                break
            run, first = 0, day + 1

    least = limits.min_consecutive_days_off
    if least is not None:
        off, first = before_off, -before_off
        bounded = history is not None and (before_worked > 0 or before_off > 0)
        for day, works in enumerate(worked):
            if not works:
                if off == 0:
                    first = day
                off += 1
                continue
            if bounded and 0 < off < least:
                span = (
                    _day(monday, first)
                    if off == 1
                    else f"{_day(monday, first)} to {_day(monday, day - 1)}"
                )
                reasons["days off"] = (
                    f"{name} would have only {_days(off)} off in a row ({span}) before working "
                    f"again on {_day(monday, day)}, at least {least}."
                )
                break
            off, bounded = 0, True

    weekends = limits.max_weekends_per_4_weeks
    if weekends is not None:
        before = history.weekends_worked_previous_3 if history is not None else 0
        days = [d for d in WEEKEND if worked[d]]
        if days and before + 1 > weekends:
            reasons["weekends"] = (
                f"{name} would work the weekend of {_day(monday, days[0])} after working "
                f"{before} of the 3 weekends before, at most {weekends} weekend"
                f"{'s' if weekends != 1 else ''} in 4 weeks."
            )

    forbidden = set(limits.forbidden_successions)
    if forbidden:
        last = history.last_shift_kind if history is not None else ""
        for day in range(7):
            kind = kinds.get(day)
            if kind is not None and last and (last, kind) in forbidden:
                reasons["succession"] = (
                    f"{name}'s {kind} shift on {_day(monday, day)} would follow a {last} shift "
                    f"on {_day(monday, day - 1)}; a {kind} shift may not follow a {last} shift "
                    "the day before."
                )
                break
            last = kind or ""
    return reasons
