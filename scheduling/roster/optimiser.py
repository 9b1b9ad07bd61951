"""The roster's side of the shift optimiser: approved time off as hard unavailability, and what
an agent worked before the week (``engine_histories``, from the booking ledger of every client).

``engine_unavailability`` turns ``selectors.unavailability_for`` (UTC periods) into the
optimiser's ``Agent.unavailable_intervals`` for a week planned in ``time_zone``: interval 0 is
Monday 00:00 local wall time and interval ``t`` starts ``t`` intervals of wall time later, so a
period is placed by its local wall-clock times (in a DST week the changed hour is then counted
on the wall clock, as the plan shows it).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.backends.postgresql.psycopg_any import DateTimeTZRange

from scheduling.engine.optimiser.model import AgentHistory, Preference
from scheduling.engine.optimiser.unavailability import unavailable_intervals
from scheduling.roster.models import Agent, Booking
from scheduling.roster.selectors import pattern_unavailability_for, unavailability_for
from scheduling.roster.work_history import LOOK_BACK_DAYS, history_before


def week_bounds(monday: date, time_zone: str, days: int = 7) -> tuple[datetime, datetime]:
    zone = ZoneInfo(time_zone)
    start = datetime.combine(monday, time(0), tzinfo=zone)
    end = datetime.combine(monday + timedelta(days=days), time(0), tzinfo=zone)
    return start, end


def engine_unavailability(
    agents: Iterable[Agent | int],
    *,
    monday: date,
    time_zone: str,
    days: int = 7,
    intervals_per_day: int = 48,
    with_pattern: bool = True,
) -> dict[int, frozenset[int]]:
    """Each agent's approved time off in the week from ``monday`` (local), as week-interval
    indices for ``scheduling.engine.optimiser.Agent.unavailable_intervals``; with
    ``with_pattern`` also the hours the weekly availability pattern and the employment dates
    rule out (pass agent rows then, not ids)."""
    zone = ZoneInfo(time_zone)
    start, end = week_bounds(monday, time_zone, days)
    local_origin = start.replace(tzinfo=None)
    interval_minutes = 24 * 60 / intervals_per_day

    def wall_minutes(moment: datetime) -> float:
        return (moment.astimezone(zone).replace(tzinfo=None) - local_origin).total_seconds() / 60

    listed: list[Agent | int] = list(agents)
    periods = {
        agent_id: [(p.starts_at, p.ends_at) for p in found]
        for agent_id, found in unavailability_for(listed, start, end).items()
    }
    if with_pattern:
        rows = [agent for agent in listed if isinstance(agent, Agent)]
        for agent_id, found in pattern_unavailability_for(rows, start, end).items():
            periods[agent_id].extend(found)
    return {
        agent_id: unavailable_intervals(
            [(wall_minutes(begin), wall_minutes(finish)) for begin, finish in agent_periods],
            interval_minutes=interval_minutes,
            intervals=days * intervals_per_day,
        )
        for agent_id, agent_periods in periods.items()
    }


def engine_histories(
    agent_ids: Iterable[int], *, monday: date, time_zone: str
) -> dict[int, AgentHistory]:
    """Each agent's history before ``monday`` (on ``time_zone``'s wall clock) from its
    bookings for every client (``work_history.history_before``); one query. Agents without
    a booking in the four weeks before get the history of four weeks off."""
    ids = list(agent_ids)
    start, _ = week_bounds(monday, time_zone)
    # a day's margin: a booking is the day it starts on, whatever zone the range was cut in
    window = DateTimeTZRange(start - timedelta(days=LOOK_BACK_DAYS + 1), start)
    shifts: dict[int, list[tuple[datetime, datetime]]] = {agent_id: [] for agent_id in ids}
    for agent_id, during in Booking.objects.filter(
        agent_id__in=ids, during__overlap=window
    ).values_list("agent_id", "during"):
        shifts[agent_id].append((during.lower, during.upper))
    return {
        agent_id: history_before(monday=monday, time_zone=time_zone, shifts=found)
        for agent_id, found in shifts.items()
    }


def engine_preferences(agent: Agent) -> tuple[Preference, ...]:
    """The agent's wishes as the optimiser's soft preferences (weekday 0 is Monday, templates
    by name). Reads ``agent.preferences`` (prefetch it with its templates for many agents)."""
    return tuple(
        Preference(
            weight=float(row.weight),
            wanted=row.is_wanted,
            day=row.weekday,
            template=row.template.name if row.template_id else None,  # type: ignore[union-attr]
        )
        for row in agent.preferences.all()
    )
