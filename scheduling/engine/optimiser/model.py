"""Input and output data of the weekly shift optimiser.

Plain frozen dataclasses over plain numbers and numpy arrays, so that the Django side (and the
benchmark generator) can build a :class:`SchedulingProblem` without the optimiser knowing about
models, and the validator can check a :class:`ShiftPlan` without trusting the solver.

Time is a cyclic week of ``days * intervals_per_day`` intervals (336 half hours by default),
interval 0 being Monday 00:00. A shift belongs to the day it starts on; a shift that runs past
midnight (or past Sunday 24:00) simply continues into the next day (or wraps to Monday), because
the week repeats.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from scheduling.engine.errors import EngineInputError


@dataclass(frozen=True)
class ShiftTemplate:
    """A kind of shift: its paid length and the times of day it may start at.

    Paid length equals worked length: the benchmark page has no breaks, so an 8-hour shift covers
    16 half-hour intervals and is paid 8 hours.
    """

    name: str
    length_intervals: int
    start_intervals: tuple[int, ...]
    """Allowed starts as interval-of-day indices (0 = 00:00, 10 = 05:00 for half hours)."""
    kind: str = ""
    """A label such as "night" or "day" that :attr:`Rules.forbidden_successions` refers to."""
    breaks: tuple[BreakRule, ...] = ()
    """Breaks and lunches placed inside every shift of this template after the solve
    (:mod:`breaks`); they do not change pay, only the coverage reported net of breaks."""


@dataclass(frozen=True)
class BreakRule:
    """One break of a shift: ``minutes`` long, starting between ``earliest_minute`` and
    ``latest_minute`` after the shift's start (both inclusive), on a ``step_minutes`` grid.

    "A 30-minute lunch between hours 3 and 5" is ``BreakRule("lunch", 30, 180, 300)``.
    """

    name: str
    minutes: int
    earliest_minute: int
    latest_minute: int
    step_minutes: int = 15


@dataclass(frozen=True)
class Contract:
    """Weekly limits of an employment contract and the shift templates it may be given."""

    name: str
    templates: tuple[str, ...]
    min_shifts: int
    max_shifts: int
    min_hours: float = 0.0
    max_hours: float = 168.0
    max_consecutive_days: int | None = None
    """At most this many working days in a row (days counted by shift start), history included."""
    min_consecutive_days_off: int | None = None
    """Every run of days off between two working days is at least this long (a run still open
    at Sunday is not judged: the next week may extend it)."""
    max_weekends_per_4_weeks: int | None = None
    """Weekends with any shift, this week plus the agent's previous three (from its history)."""

    @property
    def has_pattern_rules(self) -> bool:
        return self.max_consecutive_days is not None or self.min_consecutive_days_off is not None


@dataclass(frozen=True)
class AgentHistory:
    """What happened before this week's Monday, for the rules that look across the boundary.

    ``consecutive_days_worked`` and ``days_off_run`` are the run ending on the previous Sunday
    (at most one of them is non-zero); ``last_shift_kind`` is the kind of the previous Sunday's
    shift ("" if none). An agent without history is judged on this week alone.
    """

    consecutive_days_worked: int = 0
    days_off_run: int = 0
    weekends_worked_previous_3: int = 0
    last_shift_kind: str = ""


@dataclass(frozen=True)
class Preference:
    """A soft wish of one agent about the shifts it works.

    A worked shift matches when it agrees with every field given (``day``, ``template``, a start
    interval-of-day within ``earliest_start``..``latest_start``). Each matching shift worked adds
    ``weight`` to the objective for an unwanted shift (``wanted=False``) and takes ``weight`` off
    it for a preferred one (``wanted=True``).
    """

    weight: float
    wanted: bool = False
    day: int | None = None
    template: str | None = None
    earliest_start: int | None = None
    latest_start: int | None = None

    def matches(self, day: int, template: str, start: int) -> bool:
        return (
            (self.day is None or self.day == day)
            and (self.template is None or self.template == template)
            and (self.earliest_start is None or start >= self.earliest_start)
            and (self.latest_start is None or start <= self.latest_start)
        )

    @property
    def signed_weight(self) -> float:
        return -self.weight if self.wanted else self.weight


@dataclass(frozen=True)
class Agent:
    """A named agent.

    ``unavailable_intervals`` holds week-interval indices the agent may not work (time off,
    availability); a day off is simply all 48 intervals of that calendar day, so a night shift
    from the previous evening that would run into it is forbidden too. ``works_nights`` False
    forbids every shift that covers one of the problem's ``night_intervals_of_day``.
    """

    name: str
    skills: frozenset[str]
    contract: str
    hourly_cost: float
    unavailable_intervals: frozenset[int] = frozenset()
    works_nights: bool = True
    history: AgentHistory | None = None
    preferences: tuple[Preference, ...] = ()


@dataclass(frozen=True)
class Rules:
    """Hard rules shared by all agents, and the soft weekend rule."""

    min_rest_intervals: int = 22
    """11 hours of rest between the end of one shift and the start of the next."""
    weekend_days: tuple[int, ...] = (5, 6)
    """Saturday and Sunday (day 0 is Monday)."""
    free_weekend_days: int = 1
    """Weekend days an agent may work before each further one is penalised."""
    forbidden_successions: tuple[tuple[str, str], ...] = ()
    """Pairs of template kinds: a shift of the first kind on day d forbids one of the second kind
    on day d+1, e.g. ``(("night", "day"),)``. Not cyclic: Sunday to Monday is judged only from the
    agent's history (``last_shift_kind``)."""


@dataclass(frozen=True)
class Penalties:
    """Objective weights; paid cost enters at weight one."""

    under_coverage: float = 100.0
    over_coverage: float = 10.0
    weekend_day: float = 50.0


@dataclass(frozen=True)
class SchedulingProblem:
    """Everything the optimiser needs: requirement, agents, contracts, templates and rules."""

    queues: tuple[str, ...]
    requirement: np.ndarray
    """Agents required per queue and interval, integer array of shape (queues, intervals)."""
    agents: tuple[Agent, ...]
    contracts: dict[str, Contract]
    templates: dict[str, ShiftTemplate]
    rules: Rules = field(default_factory=Rules)
    penalties: Penalties = field(default_factory=Penalties)
    days: int = 7
    intervals_per_day: int = 48
    night_intervals_of_day: frozenset[int] = frozenset(range(0, 10))
    """00:00-05:00: a shift covering any of these is a night shift."""

    @property
    def intervals(self) -> int:
        return self.days * self.intervals_per_day

    @property
    def interval_hours(self) -> float:
        return 24.0 / self.intervals_per_day


@dataclass(frozen=True)
class AssignedShift:
    """One shift of one agent: the template, the day it starts on and its start interval-of-day."""

    template: str
    day: int
    start: int


@dataclass(frozen=True)
class PlacedBreak:
    """One placed break: the shift's start day, the rule's name, and its start as a minute of the
    week (0 = Monday 00:00; a break after Sunday 24:00 wraps to Monday)."""

    day: int
    name: str
    start_minute: int
    minutes: int


@dataclass
class ShiftPlan:
    """A complete plan and its figures.

    ``shifts[a][d]`` is agent a's shift starting on day d or None (off). ``queue_of[a, t]`` is the
    index of the queue agent a covers in interval t, or -1 when not working.
    """

    shifts: list[list[AssignedShift | None]]
    queue_of: np.ndarray
    coverage: np.ndarray
    under: np.ndarray
    over: np.ndarray
    cost: float
    weekend_days_beyond_free: int
    objective: float
    lower_bound: float = 0.0
    mip_bound: float = 0.0
    preference_cost: float = 0.0
    """Sum of the agents' preference weights over the shifts worked (part of ``objective``)."""
    breaks: list[list[PlacedBreak]] = field(default_factory=list)
    """Per agent, the breaks placed in its shifts (empty when no template has break rules)."""
    net_coverage: np.ndarray | None = None
    """Coverage per queue and interval net of breaks (fractions of an interval), or None."""
    status: str = ""
    method: str = ""
    seconds: float = 0.0
    log: list[str] = field(default_factory=list)

    @property
    def gap_pct(self) -> float:
        """Gap of the objective to the LP lower bound, in % of the objective."""
        if self.objective <= 0:
            return 0.0
        return max(0.0, 100.0 * (self.objective - self.lower_bound) / self.objective)


def check_problem(problem: SchedulingProblem) -> None:
    """Reject inputs the optimiser cannot interpret, naming the offending field.

    Requirements that cannot be met are not an error: they become under-coverage.
    """
    req = np.asarray(problem.requirement)
    if req.shape != (len(problem.queues), problem.intervals):
        raise EngineInputError(
            field="requirement",
            message=f"requirement must have shape ({len(problem.queues)}, {problem.intervals}), "
            f"got {req.shape}",
        )
    if (req < 0).any() or not np.all(np.equal(np.round(req), req)):
        raise EngineInputError(
            field="requirement", message="requirement must be non-negative whole agents"
        )
    names = set()
    for agent in problem.agents:
        if agent.name in names:
            raise EngineInputError(field="agents", message=f"duplicate agent name {agent.name!r}")
        names.add(agent.name)
        if agent.contract not in problem.contracts:
            raise EngineInputError(
                field="contract",
                message=f"agent {agent.name!r} has unknown contract {agent.contract!r}",
            )
        if not agent.skills & set(problem.queues):
            raise EngineInputError(
                field="skills", message=f"agent {agent.name!r} has no skill for any queue"
            )
        if agent.hourly_cost < 0:
            raise EngineInputError(field="hourly_cost", message="hourly cost must be non-negative")
        history = agent.history
        if history is not None and (
            min(history.consecutive_days_worked, history.days_off_run) < 0
            or (history.consecutive_days_worked > 0 and history.days_off_run > 0)
            or not 0 <= history.weekends_worked_previous_3 <= 3
        ):
            raise EngineInputError(
                field="history",
                message=f"agent {agent.name!r}: history needs non-negative runs, at most one of "
                "days worked / days off before Monday, and 0..3 previous weekends",
            )
        for preference in agent.preferences:
            if preference.weight < 0 or (
                preference.day is not None and not 0 <= preference.day < problem.days
            ):
                raise EngineInputError(
                    field="preferences",
                    message=f"agent {agent.name!r}: a preference needs a weight >= 0 and a day "
                    "of the week",
                )
    for contract in problem.contracts.values():
        for label, value, lowest in (
            ("max_consecutive_days", contract.max_consecutive_days, 1),
            ("min_consecutive_days_off", contract.min_consecutive_days_off, 1),
            ("max_weekends_per_4_weeks", contract.max_weekends_per_4_weeks, 0),
        ):
            if value is not None and value < lowest:
                raise EngineInputError(
                    field=label, message=f"contract {contract.name!r}: {label} below {lowest}"
                )
        if not 0 <= contract.min_shifts <= contract.max_shifts <= problem.days:
            raise EngineInputError(
                field="min_shifts",
                message=f"contract {contract.name!r}: need 0 <= min_shifts <= max_shifts <= days",
            )
        if contract.min_hours > contract.max_hours:
            raise EngineInputError(
                field="min_hours", message=f"contract {contract.name!r}: min_hours above max_hours"
            )
        for name in contract.templates:
            if name not in problem.templates:
                raise EngineInputError(
                    field="templates",
                    message=f"contract {contract.name!r} has unknown template {name!r}",
                )
    for template in problem.templates.values():
        if not 0 < template.length_intervals <= problem.intervals_per_day:
            raise EngineInputError(
                field="length", message=f"template {template.name!r}: length must be within one day"
            )
        if any(not 0 <= s < problem.intervals_per_day for s in template.start_intervals):
            raise EngineInputError(
                field="start_intervals",
                message=f"template {template.name!r}: start outside the day",
            )
        shift_minutes = template.length_intervals * 24 * 60 // problem.intervals_per_day
        for rule in template.breaks:
            if not (
                rule.minutes > 0
                and rule.step_minutes > 0
                and 0 <= rule.earliest_minute <= rule.latest_minute
                and rule.latest_minute + rule.minutes <= shift_minutes
            ):
                raise EngineInputError(
                    field="breaks",
                    message=f"template {template.name!r}: break {rule.name!r} must fit inside "
                    "the shift with a window earliest <= latest",
                )
