"""Independent check of a roster against every hard rule of the format, and its objective.

Written without the model's code: it walks each employee's days as a list of shift IDs (``None``
for a day off) and counts runs, weekends, minutes and cover directly, so a modelling mistake in
the MIP shows up here as a violation in words instead of a silently wrong roster.

A roster is one sequence per employee, in the instance's staff order, of one entry per day.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from scheduling.engine.rostering.reader import RosteringInstance

Roster = Sequence[Sequence[str | None]]


@dataclass(frozen=True)
class Violation:
    rule: str
    employee: str
    detail: str

    def __str__(self) -> str:
        return self.detail


def validate_roster(instance: RosteringInstance, roster: Roster) -> list[Violation]:
    """Every broken hard rule, each explained in words (empty when the roster is feasible)."""
    found: list[Violation] = []
    horizon = instance.horizon
    if len(roster) != len(instance.staff):
        return [
            Violation(
                "shape", "", f"{len(roster)} rows in the roster for {len(instance.staff)} employees"
            )
        ]
    known = {shift.id: shift for shift in instance.shifts}
    for member, days in zip(instance.staff, roster, strict=True):
        name = member.id

        def add(rule: str, detail: str, name: str = name) -> None:
            found.append(Violation(rule, name, f"employee {name} {detail}"))

        if len(days) != horizon:
            add("shape", f"has {len(days)} days in the roster, the horizon is {horizon}")
            continue
        unknown = [d for d, s in enumerate(days) if s is not None and s not in known]
        if unknown:
            add("shape", f"works an unknown shift {days[unknown[0]]!r} on day {unknown[0]}")
            continue
        # Successions: the next day's shift may not be in today's cannot-follow list.
        for day in range(horizon - 1):
            today, tomorrow = days[day], days[day + 1]
            if (
                today is not None
                and tomorrow is not None
                and tomorrow in known[today].cannot_follow
            ):
                add(
                    "succession",
                    f"works {tomorrow} on day {day + 1} after {today} on day {day}, "
                    f"which {today} forbids",
                )
        # Per-type limits.
        for shift in instance.shifts:
            count = sum(1 for s in days if s == shift.id)
            limit = member.max_of(shift.id, horizon)
            if count > limit:
                add("max_shifts", f"works {count} {shift.id} shifts, at most {limit}")
        # Total minutes.
        minutes = sum(known[s].minutes for s in days if s is not None)
        if minutes > member.max_total_minutes:
            add("max_minutes", f"works {minutes} minutes, at most {member.max_total_minutes}")
        if minutes < member.min_total_minutes:
            add("min_minutes", f"works {minutes} minutes, at least {member.min_total_minutes}")
        # Runs of working days and of days off.
        day = 0
        while day < horizon:
            working = days[day] is not None
            end = day
            while end + 1 < horizon and (days[end + 1] is not None) == working:
                end += 1
            length = end - day + 1
            at_edge = day == 0 or end == horizon - 1
            if working:
                if length > member.max_consecutive_shifts:
                    add(
                        "max_consecutive",
                        f"works {length} days in a row from day {day}, "
                        f"at most {member.max_consecutive_shifts}",
                    )
                if not at_edge and length < member.min_consecutive_shifts:
                    add(
                        "min_consecutive",
                        f"works {length} days in a row from day {day}, "
                        f"at least {member.min_consecutive_shifts}",
                    )
            elif not at_edge and length < member.min_consecutive_days_off:
                add(
                    "min_days_off",
                    f"has {length} days off in a row from day {day}, "
                    f"at least {member.min_consecutive_days_off}",
                )
            day = end + 1
        # Weekends: Saturday 7w+5 and Sunday 7w+6, worked if either day is.
        weekends = sum(
            1
            for saturday in range(5, horizon, 7)
            if days[saturday] is not None
            or (saturday + 1 < horizon and days[saturday + 1] is not None)
        )
        if weekends > member.max_weekends:
            add("max_weekends", f"works {weekends} weekends, at most {member.max_weekends}")
        # Fixed days off.
        for off in sorted(member.days_off):
            if days[off] is not None:
                add("day_off", f"works {days[off]} on day {off}, a listed day off")
    return found


def roster_objective(instance: RosteringInstance, roster: Roster) -> int:
    """The benchmark's own objective: unmet on-requests, worked off-requests, cover penalties."""
    row = {member.id: index for index, member in enumerate(instance.staff)}
    total = 0
    for request in instance.on_requests:
        if roster[row[request.employee]][request.day] != request.shift:
            total += request.weight
    for request in instance.off_requests:
        if roster[row[request.employee]][request.day] == request.shift:
            total += request.weight
    for cover in instance.cover:
        working = sum(1 for days in roster if days[cover.day] == cover.shift)
        if working < cover.requirement:
            total += cover.under_weight * (cover.requirement - working)
        else:
            total += cover.over_weight * (working - cover.requirement)
    return total
