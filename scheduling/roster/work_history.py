"""What an agent worked before a week, for the rules that look across Monday; and the kind of a
shift (day, evening, night) from its times. Pure (no Django, the import rules hold it to that):
``scheduling.roster.optimiser`` reads the bookings and calls these.

Days count by the day a shift *starts* on the week's wall clock (the plan's or run's zone), as the
optimiser counts them: a booking from Sunday 22:00 to Monday 06:00 is Sunday's work, and it is
a night shift. A day is the calendar day of that zone, so a 23- or 25-hour day is still one day.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from scheduling.engine.optimiser.model import AgentHistory

DAY = "day"
EVENING = "evening"
NIGHT = "night"
SHIFT_KINDS = (DAY, EVENING, NIGHT)
NIGHT_ENDS_MINUTE = 5 * 60
"""00:00-05:00 is night, as the optimiser's ``night_intervals_of_day``."""
EVENING_STARTS_MINUTE = 12 * 60
LOOK_BACK_DAYS = 28
"""Four weeks: enough for three weekends and any run the rules can ask about."""


def shift_kind(start_minute: int, length_minutes: int) -> str:
    """``night`` when the shift runs into 00:00-05:00 (of its own day or the next), ``evening``
    when it starts at 12:00 or later, ``day`` otherwise (06:00-14:00, 08:00-16:30)."""
    start = start_minute % (24 * 60)
    end = start + max(0, length_minutes)
    for night_start in (0, 24 * 60):
        if start < night_start + NIGHT_ENDS_MINUTE and night_start < end:
            return NIGHT
    return EVENING if start >= EVENING_STARTS_MINUTE else DAY


def kind_of_times(starts_at: datetime, ends_at: datetime, zone: ZoneInfo) -> str:
    """The kind of a shift from its start and end (aware), read on ``zone``'s wall clock."""
    local = starts_at.astimezone(zone)
    minutes = int((ends_at - starts_at).total_seconds() // 60)
    return shift_kind(local.hour * 60 + local.minute, minutes)


def history_before(
    *, monday: date, time_zone: str, shifts: Iterable[tuple[datetime, datetime]]
) -> AgentHistory:
    """The agent's history before ``monday`` from its shifts (any clients, aware start and end):

    - ``consecutive_days_worked``: the run of days worked ending on the previous Sunday;
    - ``days_off_run``: the run of days off ending on that Sunday (at most ``LOOK_BACK_DAYS``);
    - ``weekends_worked_previous_3``: weekends of the three weeks before with any shift on
      Saturday or Sunday;
    - ``last_shift_kind``: the kind of the shift that started on the previous Sunday ("").

    Shifts starting on or after Monday, or more than four weeks before, are ignored.
    """
    zone = ZoneInfo(time_zone)
    first_day = monday - timedelta(days=LOOK_BACK_DAYS)
    worked: set[date] = set()
    sunday = monday - timedelta(days=1)
    last_kind = ""
    last_start: datetime | None = None
    for starts_at, ends_at in shifts:
        day = starts_at.astimezone(zone).date()
        if not first_day <= day < monday:
            continue
        worked.add(day)
        if day == sunday and (last_start is None or starts_at > last_start):
            last_start, last_kind = starts_at, kind_of_times(starts_at, ends_at, zone)
    consecutive = off = 0
    day = sunday
    if day in worked:
        while day in worked and day >= first_day:
            consecutive += 1
            day -= timedelta(days=1)
    else:
        while day not in worked and day >= first_day:
            off += 1
            day -= timedelta(days=1)
    weekends = sum(
        1
        for week in range(1, 4)
        if {monday - timedelta(days=7 * week - 5), monday - timedelta(days=7 * week - 6)} & worked
    )
    return AgentHistory(
        consecutive_days_worked=consecutive,
        days_off_run=off,
        weekends_worked_previous_3=weekends,
        last_shift_kind=last_kind,
    )
