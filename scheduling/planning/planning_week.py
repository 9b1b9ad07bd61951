"""The pure half of a planning run: the week's wall clock, requirements placed on it, shift
templates and contracts in the optimiser's terms, and the optimiser's result cut back into
per-client shifts with their activities. No Django here (the import rules hold it to that):
``scheduling.planning.problem`` reads the database and calls these.

The week is planned on the wall clock of one zone (the run's): interval ``t`` starts ``t``
half hours of *wall* time after Monday 00:00 local, as ``scheduling.roster.optimiser`` places
time off. A requirement is placed by its UTC instant: converted to the run's zone, it lands on
the wall interval(s) it overlaps; in a 25-hour day the repeated hour lands twice on the same
intervals (the larger need wins, since an agent there works both), in a 23-hour day the skipped
hour has no requirement. A shift goes back to UTC by its wall times, so an 8-hour shift across
the autumn change is worked for 9 hours and across the spring change for 7, as the clock on the
wall says.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import numpy as np

from scheduling.engine.optimiser.model import (
    AgentHistory,
    BreakRule,
    Contract,
    PlacedBreak,
    SchedulingProblem,
    ShiftTemplate,
)

INTERVAL_MINUTES = 30
INTERVALS_PER_DAY = 24 * 60 // INTERVAL_MINUTES
DAYS = 7
INTERVALS = DAYS * INTERVALS_PER_DAY


@dataclass(frozen=True)
class WeekClock:
    """Monday 00:00 of ``monday`` in ``time_zone``, and the conversions to and from its wall
    clock (minutes of wall time after that midnight)."""

    monday: date
    time_zone: str

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    @property
    def origin(self) -> datetime:
        """Monday 00:00 local, naive (wall time)."""
        return datetime.combine(self.monday, time(0))

    @property
    def starts_at(self) -> datetime:
        return self.to_utc(0)

    @property
    def ends_at(self) -> datetime:
        return self.to_utc(DAYS * 24 * 60)

    def wall_minutes(self, moment: datetime) -> float:
        """Wall-clock minutes of ``moment`` (aware) after Monday 00:00 local."""
        local = moment.astimezone(self.zone).replace(tzinfo=None)
        return (local - self.origin).total_seconds() / 60

    def to_utc(self, minutes: float) -> datetime:
        """The instant the wall clock shows ``minutes`` after Monday 00:00.

        A wall time that repeats (the autumn hour) is its first occurrence; one that does not
        exist (the spring hour) is the instant the clock jumps, so times stay in order."""
        return _to_utc(self.monday, self.time_zone, minutes)


@lru_cache(maxsize=8192)
def _to_utc(monday: date, time_zone: str, minutes: float) -> datetime:
    zone = ZoneInfo(time_zone)
    naive = datetime.combine(monday, time(0)) + timedelta(minutes=minutes)
    for step in range(0, 4 * 60 + 1, 15):
        candidate = naive + timedelta(minutes=step)
        utc = candidate.replace(tzinfo=zone).astimezone(UTC)
        if utc.astimezone(zone).replace(tzinfo=None) == candidate:
            return utc
    raise ValueError(f"no wall time near {naive} in {time_zone}")  # pragma: no cover


def place_requirement(clock: WeekClock, rows: Iterable[tuple[datetime, int, int]]) -> np.ndarray:
    """Agents needed per wall interval of the week from ``(starts_at UTC, minutes, agents)``
    rows (any interval length): each row lands on every interval it overlaps; where several
    land on one interval (a 15-minute requirement, the repeated autumn hour) the largest wins.
    """
    placed = np.zeros(INTERVALS, dtype=np.int64)
    for starts_at, minutes, agents in rows:
        if agents <= 0:
            continue
        begin = clock.wall_minutes(starts_at)
        # The row's last second, not its end: a row that ends as the clock jumps forward
        # must not reach into the wall hour that never happens.
        end = clock.wall_minutes(starts_at + timedelta(minutes=minutes, seconds=-1))
        if end < begin:  # the row straddles the autumn change: its wall time runs back
            end = begin + minutes - 1 / 60
        first = max(0, math.floor(begin / INTERVAL_MINUTES))
        last = min(INTERVALS, math.floor(end / INTERVAL_MINUTES) + 1)
        if first < last:
            placed[first:last] = np.maximum(placed[first:last], agents)
    return placed


def engine_template(
    name: str,
    length_minutes: int,
    start_times: Sequence[time],
    *,
    kind: str = "",
    breaks: Iterable[tuple[str, int, int, int]] = (),
) -> ShiftTemplate:
    """A roster template as the optimiser's: length in half hours (at most a day), starts as
    half hours of the day (a start off the half hour is taken at the half hour before; no
    start times means any half hour), its kind, and its breaks ((kind, minutes, earliest,
    latest) minutes after the start; see :func:`engine_breaks`)."""
    length = max(1, min(INTERVALS_PER_DAY, round(length_minutes / INTERVAL_MINUTES)))
    starts = sorted({(t.hour * 60 + t.minute) // INTERVAL_MINUTES for t in start_times})
    return ShiftTemplate(
        name=name,
        length_intervals=length,
        start_intervals=tuple(starts) if starts else tuple(range(INTERVALS_PER_DAY)),
        kind=kind,
        breaks=engine_breaks(breaks, length * INTERVAL_MINUTES),
    )


def engine_breaks(
    rules: Iterable[tuple[str, int, int, int]], shift_minutes: int
) -> tuple[BreakRule, ...]:
    """Break rules named so that each is one of a kind within the template ("lunch", "break",
    "break 2"): the optimiser tells a shift's breaks apart by name. A window is narrowed to
    fit a shift whose length the half-hour grid rounded down (the roster checks the window
    against the template's own length)."""
    found: list[BreakRule] = []
    seen: dict[str, int] = {}
    for kind, minutes, earliest, latest in rules:
        if minutes >= shift_minutes:
            continue
        seen[kind] = seen.get(kind, 0) + 1
        name = kind if seen[kind] == 1 else f"{kind} {seen[kind]}"
        latest = min(latest, shift_minutes - minutes)
        found.append(BreakRule(name, minutes, min(earliest, latest), latest))
    return tuple(found)


def break_kind(name: str) -> str:
    """The activity kind of an engine break's name ("break 2" -> "break")."""
    return name.split(" ", 1)[0]


def usable_history(
    history: AgentHistory | None,
    contract: Contract,
    succession_firsts: set[str],
) -> AgentHistory | None:
    """Only what the contract's rules and the forbidden successions read of a history, capped
    where more changes nothing (so that agents alike stay alike for the optimiser's groups);
    None when nothing of it matters."""
    if history is None:
        return None
    k, m = contract.max_consecutive_days, contract.min_consecutive_days_off
    worked = history.consecutive_days_worked
    off = history.days_off_run
    if k is not None:
        worked = min(worked, k)
    elif m is not None:
        worked = min(worked, 1)  # the days-off rule only asks whether Sunday was worked
    else:
        worked = 0
    off = min(off, m) if m is not None else 0
    n = contract.max_weekends_per_4_weeks
    weekends = min(history.weekends_worked_previous_3, n) if n is not None else 0
    kind = history.last_shift_kind if history.last_shift_kind in succession_firsts else ""
    usable = AgentHistory(worked, off, weekends, kind)
    return None if usable == AgentHistory() else usable


@dataclass(frozen=True)
class ContractTerms:
    """An agent's weekly terms after what other clients already booked of the week."""

    templates: tuple[str, ...]
    min_hours: float
    max_hours: float
    max_shifts: int
    max_consecutive_days: int | None = None
    min_consecutive_days_off: int | None = None
    max_weekends_per_4_weeks: int | None = None

    @property
    def name(self) -> str:
        name = (
            f"{'+'.join(self.templates)}:{self.min_hours:g}-{self.max_hours:g}h:{self.max_shifts}d"
        )
        for label, value in (
            ("run", self.max_consecutive_days),
            ("off", self.min_consecutive_days_off),
            ("we", self.max_weekends_per_4_weeks),
        ):
            if value is not None:
                name += f":{label}{value}"
        return name

    def contract(self) -> Contract:
        return Contract(
            name=self.name,
            templates=self.templates,
            min_shifts=0,
            max_shifts=self.max_shifts,
            min_hours=self.min_hours,
            max_hours=self.max_hours,
            max_consecutive_days=self.max_consecutive_days,
            min_consecutive_days_off=self.min_consecutive_days_off,
            max_weekends_per_4_weeks=self.max_weekends_per_4_weeks,
        )


def contract_terms(
    *,
    templates: Iterable[str],
    min_hours: float,
    max_hours: float,
    days_per_week: int,
    booked_hours: float = 0.0,
    booked_days: int = 0,
    max_consecutive_days: int | None = None,
    min_consecutive_days_off: int | None = None,
    max_weekends_per_4_weeks: int | None = None,
) -> ContractTerms:
    """Contract hours and days hold across all of an agent's clients: the hours and days other
    clients' published plans already hold come off the week's maximum (and minimum). The
    day-pattern rules pass as they are (None: no limit)."""
    max_hours = max(0.0, float(max_hours) - booked_hours)
    min_hours = min(max(0.0, float(min_hours) - booked_hours), max_hours)
    max_shifts = max(0, min(DAYS, int(days_per_week)) - booked_days)
    return ContractTerms(
        templates=tuple(sorted(set(templates))),
        min_hours=min_hours,
        max_hours=max_hours,
        max_shifts=max_shifts,
        max_consecutive_days=max_consecutive_days,
        min_consecutive_days_off=min_consecutive_days_off,
        max_weekends_per_4_weeks=max_weekends_per_4_weeks,
    )


def sticky_queues(
    queue_of: np.ndarray, class_of: np.ndarray, client_of_queue: Sequence[int]
) -> np.ndarray:
    """The same coverage with fewer changes of queue (and of client) within a shift.

    The optimiser hands each interval's queue counts of a skill class to its working agents in
    no particular order; any permutation among agents of one class at one interval keeps every
    count, so this reassigns, interval by interval, each agent first to the queue it covered
    the interval before, then to a queue of the same client, then to what is left."""
    result = np.full_like(queue_of, -1)
    horizon = queue_of.shape[1]
    client_of = np.asarray(client_of_queue)
    for k in np.unique(class_of):
        members = np.flatnonzero(class_of == k)
        for t in range(horizon):
            working = members[queue_of[members, t] >= 0]
            if len(working) == 0:
                continue
            left: dict[int, int] = {}
            for q in queue_of[working, t].tolist():
                left[q] = left.get(q, 0) + 1
            previous = result[working, t - 1] if t > 0 else np.full(len(working), -1)
            pending = []
            for agent, before in zip(working.tolist(), previous.tolist(), strict=True):
                if before >= 0 and left.get(before, 0) > 0:
                    result[agent, t] = before
                    left[before] -= 1
                else:
                    pending.append((agent, before))
            still = []
            for agent, before in pending:
                if before >= 0:
                    same = [
                        q for q, n in left.items() if n > 0 and client_of[q] == client_of[before]
                    ]
                    if same:
                        result[agent, t] = same[0]
                        left[same[0]] -= 1
                        continue
                still.append(agent)
            for agent in still:
                q = next(q for q, n in left.items() if n > 0)
                result[agent, t] = q
                left[q] -= 1
    return result


@dataclass(frozen=True)
class ShiftPart:
    """A stretch of one agent's shift for one client: wall intervals ``first`` to ``last``
    (exclusive) and the queue of each."""

    client: int
    first: int
    last: int
    queues: tuple[int, ...]


def client_parts(
    first: int, length: int, queue_row: np.ndarray, client_of_queue: Sequence[int]
) -> list[ShiftPart]:
    """One shift (``length`` intervals from week interval ``first``; the week wraps) cut into
    stretches that each serve one client. An interval with no queue (it should not happen)
    stays with the stretch before it."""
    parts: list[ShiftPart] = []
    current: int | None = None
    start = first
    queues: list[int] = []
    for offset in range(length):
        t = (first + offset) % INTERVALS
        q = int(queue_row[t])
        client = client_of_queue[q] if q >= 0 else current
        if current is not None and client != current:
            parts.append(ShiftPart(current, start, first + offset, tuple(queues)))
            start, queues = first + offset, []
        current = client if client is not None else current
        queues.append(q)
    if current is not None:
        parts.append(ShiftPart(current, start, first + length, tuple(queues)))
    return parts


def activities_of(
    clock: WeekClock, part: ShiftPart, line_of_queue: Sequence[int]
) -> tuple[datetime, datetime, int, list[dict]]:
    """A part's UTC start and end, its main line (most intervals) and its work activities
    (one per run of the same line, ``{"start", "end", "kind": "work", "line"}``)."""
    activities: list[dict] = []
    lines = [line_of_queue[q] if q >= 0 else None for q in part.queues]
    known = [line for line in lines if line is not None]
    main = max(set(known), key=lambda line: (known.count(line), -known.index(line)))
    run_start = 0
    for index in range(1, len(lines) + 1):
        if index == len(lines) or lines[index] != lines[run_start]:
            begin = clock.to_utc((part.first + run_start) * INTERVAL_MINUTES)
            end = clock.to_utc((part.first + index) * INTERVAL_MINUTES)
            if end > begin:
                activities.append(
                    {
                        "start": begin.isoformat(),
                        "end": end.isoformat(),
                        "kind": "work",
                        "line": lines[run_start] if lines[run_start] is not None else main,
                    }
                )
            run_start = index
    starts_at = clock.to_utc(part.first * INTERVAL_MINUTES)
    ends_at = clock.to_utc(part.last * INTERVAL_MINUTES)
    return starts_at, ends_at, main, activities


def break_periods(
    clock: WeekClock, shift_first: int, breaks: Iterable[PlacedBreak]
) -> list[tuple[datetime, datetime, str]]:
    """A shift's placed breaks (starting at week interval ``shift_first``) as UTC periods with
    their activity kind. A break's minute of the week wraps at Sunday 24:00; it is taken
    after the shift's start, as the shift runs on past the week's end."""
    week = INTERVALS * INTERVAL_MINUTES
    begin = shift_first * INTERVAL_MINUTES
    periods = []
    for placed in breaks:
        start = begin + (placed.start_minute - begin) % week
        periods.append(
            (clock.to_utc(start), clock.to_utc(start + placed.minutes), break_kind(placed.name))
        )
    return sorted(periods)


def with_breaks(activities: list[dict], periods: Sequence[tuple[datetime, datetime, str]]):
    """Work activities cut by the break periods that fall in them: each break becomes its own
    part (``{"kind": "break"|"lunch", "line": None}``); a break outside them changes nothing."""
    if not periods:
        return activities
    out: list[dict] = []
    for activity in activities:
        start = datetime.fromisoformat(activity["start"])
        end = datetime.fromisoformat(activity["end"])
        cursor = start
        for begin, finish, kind in periods:
            begin, finish = max(begin, start), min(finish, end)
            if begin >= finish or begin < cursor:
                continue
            if begin > cursor:
                out.append({**activity, "start": cursor.isoformat(), "end": begin.isoformat()})
            out.append(
                {"start": begin.isoformat(), "end": finish.isoformat(), "kind": kind, "line": None}
            )
            cursor = finish
        if cursor < end:
            out.append({**activity, "start": cursor.isoformat(), "end": end.isoformat()})
    return out


def net_of_breaks(
    coverage: np.ndarray, queue_of: np.ndarray, breaks: Sequence[Sequence[PlacedBreak]]
) -> np.ndarray:
    """Coverage per queue and wall interval less the share of each interval an agent spends on
    a break (on the queue it covers then): what the plan pages count from the work parts."""
    net = np.asarray(coverage, dtype=np.float64).copy()
    week = INTERVALS * INTERVAL_MINUTES
    for a, placed in enumerate(breaks):
        for one in placed:
            minute, end = one.start_minute, one.start_minute + one.minutes
            while minute < end:
                t = (minute % week) // INTERVAL_MINUTES
                chunk = min(end, (minute // INTERVAL_MINUTES + 1) * INTERVAL_MINUTES) - minute
                q = int(queue_of[a, t])
                if q >= 0:
                    net[q, t] -= chunk / INTERVAL_MINUTES
                minute += chunk
    return net


@dataclass(frozen=True)
class CoverageFigures:
    coverage_pct: float
    shortfall_hours: float
    over_hours: float
    required_hours: float


def coverage_figures(requirement: np.ndarray, coverage: np.ndarray) -> CoverageFigures:
    """Share of the required agent-intervals covered, and short and over in agent-hours.
    ``coverage`` may hold fractions (net of breaks)."""
    requirement = np.asarray(requirement, dtype=np.float64)
    coverage = np.asarray(coverage, dtype=np.float64)
    required = float(requirement.sum())
    short = float(np.maximum(requirement - coverage, 0).sum())
    over = float(np.maximum(coverage - requirement, 0).sum())
    hours = INTERVAL_MINUTES / 60
    return CoverageFigures(
        coverage_pct=round(100.0 * (required - short) / required, 2) if required else 100.0,
        shortfall_hours=round(short * hours, 2),
        over_hours=round(over * hours, 2),
        required_hours=round(required * hours, 2),
    )


# --- queues that the same agents may cover, solved as one ------------------------------------


@dataclass(frozen=True)
class MergedQueues:
    """Queues whose eligible agents are the same set, merged for the optimiser.

    Two such queues are one queue to the objective: whatever coverage the pair gets can be
    split to fill both requirements before any is over, so the merged queue's under- and
    over-coverage equal the sum of the two. Merging is exact, and it keeps the optimiser's
    model as small as one client's when several clients share the same agents and lines."""

    problem: SchedulingProblem
    members: tuple[tuple[int, ...], ...]
    """Original queue indices of each merged queue."""


def merge_queues(problem: SchedulingProblem) -> MergedQueues:
    eligible: dict[frozenset[int], list[int]] = {}
    for q, name in enumerate(problem.queues):
        agents = frozenset(a for a, agent in enumerate(problem.agents) if name in agent.skills)
        eligible.setdefault(agents, []).append(q)
    members = tuple(tuple(qs) for qs in eligible.values())
    names = tuple("+".join(problem.queues[q] for q in qs) for qs in members)
    merged_of = {problem.queues[q]: names[m] for m, qs in enumerate(members) for q in qs}
    requirement = np.asarray(problem.requirement, dtype=np.int64)
    merged = replace(
        problem,
        queues=names,
        requirement=np.vstack([requirement[list(qs)].sum(axis=0) for qs in members]),
        agents=tuple(
            replace(agent, skills=frozenset(merged_of[s] for s in agent.skills if s in merged_of))
            for agent in problem.agents
        ),
    )
    return MergedQueues(problem=merged, members=members)


def _slots(required: list[int], staying: list[int], count: int) -> list[int]:
    """How many of ``count`` agents each member queue gets: never more short or over in all
    than the merged queue, and as many as possible of those already there stay."""
    total = sum(required)
    if count <= total:
        slots = [min(r, s) for r, s in zip(required, staying, strict=True)]
        room = [r - s for r, s in zip(required, slots, strict=True)]
    else:
        slots = list(required)
        extra = count - total
        for i, (r, s) in enumerate(zip(required, staying, strict=True)):
            more = min(extra, max(0, s - r))
            slots[i] += more
            extra -= more
        room = [count] * len(required)  # any member may take what is left over
    left = count - sum(slots)
    while left > 0:
        i = max(range(len(slots)), key=lambda j: (room[j] > 0, required[j] - slots[j], -j))
        slots[i] += 1
        room[i] -= 1
        left -= 1
    return slots


def expand_queues(
    merged: MergedQueues,
    queue_of: np.ndarray,
    requirement: np.ndarray,
    client_of_queue: Sequence[int],
) -> np.ndarray:
    """Each agent's original queue per interval from the merged plan: the agents of a merged
    queue are split over its members (any split is allowed: they are eligible for all),
    keeping an agent on the queue it covered the interval before where it can, else on a
    queue of the same client."""
    requirement = np.asarray(requirement, dtype=np.int64)
    result = np.full_like(queue_of, -1)
    n_agents, horizon = queue_of.shape
    for m, members in enumerate(merged.members):
        if len(members) == 1:
            result[queue_of == m] = members[0]
    for t in range(horizon):
        previous = result[:, t - 1] if t > 0 else np.full(n_agents, -1)
        for m, members in enumerate(merged.members):
            if len(members) == 1:
                continue
            agents = np.flatnonzero(queue_of[:, t] == m)
            if len(agents) == 0:
                continue
            required = [int(requirement[q, t]) for q in members]
            staying = [int((previous[agents] == q).sum()) for q in members]
            slots = dict(zip(members, _slots(required, staying, len(agents)), strict=True))
            pending = []
            for agent in agents.tolist():
                before = int(previous[agent])
                if before in slots and slots[before] > 0:
                    result[agent, t] = before
                    slots[before] -= 1
                else:
                    pending.append((agent, before))
            for agent, before in pending:
                open_ = [q for q in members if slots[q] > 0]
                same = [
                    q
                    for q in open_
                    if before >= 0 and client_of_queue[q] == client_of_queue[before]
                ]
                q = (same or open_)[0]
                result[agent, t] = q
                slots[q] -= 1
    return result
