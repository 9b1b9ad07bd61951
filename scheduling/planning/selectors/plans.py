"""Reads of a client's shift plans: the list of weeks, one plan's grid (agents x days), a day
by interval, and the plan's coverage against the staffing requirement (the heat map and the
figures an edit recomputes).

Every read of a plan page costs a fixed number of queries whatever the number of agents or
shifts: the plan, its shifts, the agents (public), the lines, the newest ready forecasts and
their requirement rows. Times are UTC in the database; the plan's zone places them on the
week's wall clock (interval columns are local wall time, so a DST day shows its hours as the
clock reads them).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.backends.postgresql.psycopg_any import DateTimeTZRange
from django.db.models import Count, Q, QuerySet

from bpo.catalog.models import ServiceLine
from bpo.errors import NotFoundError
from scheduling.planning.models import (
    ActivityKind,
    Plan,
    PlanRevision,
    PlanShift,
    PlanStatus,
    StaffingRequirement,
)
from scheduling.planning.selectors.forecasts import latest_ready_forecasts
from scheduling.roster.models import Agent, Booking

DEFAULT_INTERVAL_MINUTES = 30
WEEKDAY_SHORT = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


# --- plans -------------------------------------------------------------------------------------


def list_plans() -> QuerySet[Plan]:
    """The client's plans, newest week first, with their shift count and agent count."""
    return Plan.objects.annotate(
        shift_count=Count("shifts"), agent_count=Count("shifts__agent", distinct=True)
    ).order_by("-week_starts_on", "-id")


def get_plan(*, plan_id) -> Plan:
    """The plan, or ``NotFoundError``."""
    try:
        return Plan.objects.get(pk=plan_id)
    except (Plan.DoesNotExist, ValueError, TypeError):
        raise NotFoundError("No such plan.") from None


def get_plan_shift(*, plan: Plan, shift_id) -> PlanShift:
    try:
        return PlanShift.objects.get(plan=plan, pk=shift_id)
    except (PlanShift.DoesNotExist, ValueError, TypeError):
        raise NotFoundError("No such shift in this plan.") from None


def list_revisions(*, plan: Plan) -> QuerySet[PlanRevision]:
    return PlanRevision.objects.filter(plan=plan).order_by("-number")


def list_plans_waiting(*, since: date) -> QuerySet[Plan]:
    """Plans of weeks from ``since`` with something to publish: a draft, or a published plan
    edited since (the to-dos read its columns)."""
    return Plan.objects.filter(week_starts_on__gte=since).filter(
        Q(status=PlanStatus.DRAFT) | Q(status=PlanStatus.PUBLISHED, has_unpublished_changes=True)
    )


def week_bounds(plan: Plan) -> tuple[datetime, datetime]:
    """The plan's week, Monday 00:00 to the next Monday 00:00 in its zone, as UTC."""
    zone = ZoneInfo(plan.time_zone)
    start = datetime.combine(plan.week_starts_on, time(0), tzinfo=zone)
    end = datetime.combine(plan.week_starts_on + timedelta(days=7), time(0), tzinfo=zone)
    return start.astimezone(UTC), end.astimezone(UTC)


def week_days(plan: Plan) -> list[date]:
    return [plan.week_starts_on + timedelta(days=offset) for offset in range(7)]


# --- activities ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Part:
    starts_at: datetime
    ends_at: datetime
    kind: str
    line_id: int | None


def shift_parts(shift: PlanShift) -> list[Part]:
    """The shift cut into its parts; a shift without activities is one work part on its line."""
    parts = []
    for activity in shift.activities or []:
        try:
            start = datetime.fromisoformat(activity["start"])
            end = datetime.fromisoformat(activity["end"])
        except (KeyError, TypeError, ValueError):
            continue
        if start.tzinfo is None:
            start, end = start.replace(tzinfo=UTC), end.replace(tzinfo=UTC)
        line = activity.get("line")
        parts.append(
            Part(start, end, activity.get("kind", ActivityKind.WORK), int(line) if line else None)
        )
    if not parts:
        parts = [Part(shift.starts_at, shift.ends_at, ActivityKind.WORK, shift.service_line_id)]
    return sorted(parts, key=lambda part: part.starts_at)


def shift_hours(shift: PlanShift) -> float:
    return (shift.ends_at - shift.starts_at).total_seconds() / 3600


# --- coverage against requirement --------------------------------------------------------------


@dataclass
class Coverage:
    """Required and covered agents per local day (rows) and interval of the day (columns), per
    line and in total (``None``)."""

    days: list[date]
    interval_minutes: int
    required: dict[int | None, list[list[float]]]
    covered: dict[int | None, list[list[float]]]
    lines: dict[int, str] = field(default_factory=dict)

    @property
    def columns(self) -> int:
        return 24 * 60 // self.interval_minutes

    def differences(self, line_id: int | None = None) -> list[list[float | None]]:
        """Covered minus required per cell; ``None`` where nothing is required nor covered."""
        required = self.required.get(line_id) or self._empty()
        covered = self.covered.get(line_id) or self._empty()
        return [
            [
                None if req == 0 and cov == 0 else round(cov - req, 2)
                for req, cov in zip(required[day], covered[day], strict=True)
            ]
            for day in range(len(self.days))
        ]

    def _empty(self) -> list[list[float]]:
        return [[0.0] * self.columns for _ in self.days]


def _grid(days: int, columns: int) -> list[list[float]]:
    return [[0.0] * columns for _ in range(days)]


def _cell(moment: datetime, zone: ZoneInfo, monday: date, step: int) -> tuple[int, int]:
    local = moment.astimezone(zone)
    return (local.date() - monday).days, (local.hour * 60 + local.minute) // step


def requirement_rows(
    start: datetime, end: datetime
) -> tuple[list[tuple[int, datetime, int]], dict[int, int]]:
    """(line, interval start, scheduled agents) of each active line's newest ready forecast in
    ``[start, end)``, and each line's interval length; two queries."""
    forecasts = {
        forecast.pk: (forecast.service_line_id, forecast.interval_minutes)
        for forecast in latest_ready_forecasts().filter(starts_at__lt=end, ends_at__gt=start)
    }
    rows = StaffingRequirement.objects.filter(
        forecast_id__in=list(forecasts), starts_at__gte=start, starts_at__lt=end
    ).values_list("forecast_id", "starts_at", "scheduled_agents")
    minutes = {line: step for line, step in forecasts.values()}
    return [(forecasts[fid][0], at, agents) for fid, at, agents in rows], minutes


def plan_coverage(*, plan: Plan, shifts: list[PlanShift] | None = None) -> Coverage:
    """The plan's work parts counted per interval against the requirement (a part covering a
    share of an interval counts that share of an agent)."""
    zone = ZoneInfo(plan.time_zone)
    start, end = week_bounds(plan)
    rows, minutes = requirement_rows(start, end)
    step = min(minutes.values(), default=DEFAULT_INTERVAL_MINUTES)
    columns = 24 * 60 // step
    monday = plan.week_starts_on
    required: dict[int | None, list[list[float]]] = {None: _grid(7, columns)}
    covered: dict[int | None, list[list[float]]] = {None: _grid(7, columns)}
    for line, starts_at, agents in rows:
        day, column = _cell(starts_at, zone, monday, step)
        if 0 <= day < 7:
            # a line planned in longer intervals than the grid fills each of its columns
            for offset in range(max(1, minutes[line] // step)):
                if column + offset < columns:
                    for key in (line, None):
                        required.setdefault(key, _grid(7, columns))[day][column + offset] += agents
    if shifts is None:
        shifts = list(
            PlanShift.objects.filter(plan=plan).only(
                "starts_at", "ends_at", "activities", "service_line_id"
            )
        )
    width = timedelta(minutes=step)
    for shift in shifts:
        for part in shift_parts(shift):
            if part.kind != ActivityKind.WORK:
                continue
            # walk the part interval by interval of UTC time, each slice placed on the wall clock
            moment = part.starts_at
            while moment < part.ends_at:
                local = moment.astimezone(zone)
                of_day = local.hour * 60 + local.minute
                into = timedelta(
                    minutes=of_day % step, seconds=local.second, microseconds=local.microsecond
                )
                slice_end = min(part.ends_at, moment - into + width)
                day, column = (local.date() - monday).days, of_day // step
                share = (slice_end - moment) / width
                if 0 <= day < 7 and column < columns:
                    for key in (part.line_id, None):
                        covered.setdefault(key, _grid(7, columns))[day][column] += share
                moment = slice_end
    lines = {}
    line_ids = {key for key in (*required, *covered) if key is not None}
    if line_ids:
        lines = dict(ServiceLine.objects.filter(pk__in=line_ids).values_list("pk", "name"))
    return Coverage(week_days(plan), step, required, covered, lines)


def coverage_figures(coverage: Coverage) -> dict[str, float]:
    """Agent hours required, covered (up to the requirement), short and over, per line summed."""
    hours = coverage.interval_minutes / 60
    required = covered = short = over = 0.0
    for line, grid in coverage.required.items():
        if line is None:
            continue
        cover = coverage.covered.get(line) or coverage._empty()
        for day in range(len(coverage.days)):
            for req, cov in zip(grid[day], cover[day], strict=True):
                required += req
                covered += min(req, cov)
                short += max(req - cov, 0)
                over += max(cov - req, 0)
    # work on a line without requirement is over-cover too
    for line, grid in coverage.covered.items():
        if line is not None and line not in coverage.required:
            over += sum(sum(row) for row in grid)
    return {
        "required_hours": round(required * hours, 2),
        "covered_hours": round(covered * hours, 2),
        "shortfall_hours": round(short * hours, 2),
        "over_hours": round(over * hours, 2),
        "coverage_pct": round(100 * covered / required, 1) if required else 100.0,
    }


def plan_figures(*, plan: Plan) -> dict:
    """The figures an edit recomputes: coverage, shortfall, over-cover, shifts, hours, cost."""
    shifts = list(PlanShift.objects.filter(plan=plan))
    figures: dict = dict(coverage_figures(plan_coverage(plan=plan, shifts=shifts)))
    costs = dict(
        Agent.objects.filter(pk__in={s.agent_id for s in shifts}).values_list("pk", "hourly_cost")
    )
    figures["shifts"] = len(shifts)
    figures["agents"] = len({s.agent_id for s in shifts})
    figures["planned_hours"] = round(sum(shift_hours(s) for s in shifts), 2)
    figures["cost"] = round(
        sum(shift_hours(s) * float(costs.get(s.agent_id) or 0) for s in shifts), 2
    )
    return figures


# --- the grid -----------------------------------------------------------------------------------


@dataclass
class GridShift:
    shift: PlanShift
    times: str  # "08:00\N{EN DASH}16:00" (local), "+1" when it ends the next day
    line_name: str
    other_lines: tuple[str, ...]


@dataclass(frozen=True)
class GridBooking:
    """An agent's booking for another client that day (read-only in this client's grid)."""

    times: str
    client_name: str


@dataclass
class GridRow:
    agent: Agent
    days: list[list[GridShift]]
    hours: float = 0.0
    elsewhere: list[list[GridBooking]] = field(default_factory=lambda: [[] for _ in range(7)])
    hours_elsewhere: float = 0.0


def _times(shift: PlanShift, zone: ZoneInfo) -> str:
    start, end = shift.starts_at.astimezone(zone), shift.ends_at.astimezone(zone)
    next_day = " +1" if end.date() > start.date() and end.time() != time(0) else ""
    return f"{start:%H:%M}\N{EN DASH}{end:%H:%M}{next_day}"


def plan_grid(*, plan: Plan, client) -> list[GridRow]:
    """Agents (those with a shift in the plan and those allowed for the client) by day, each
    cell the shifts starting that day and the agent's bookings for other clients; four queries
    whatever the size."""
    zone = ZoneInfo(plan.time_zone)
    shifts = list(PlanShift.objects.filter(plan=plan).order_by("starts_at"))
    line_names = dict(ServiceLine.objects.values_list("pk", "name"))
    agent_ids = {shift.agent_id for shift in shifts}
    agents = (
        Agent.objects.filter(Q(pk__in=agent_ids) | Q(service_lines__client=client))
        .distinct()
        .only("id", "full_name", "employee_number", "max_hours_per_week")
        .order_by("full_name", "employee_number")
    )
    rows = {agent.pk: GridRow(agent, [[] for _ in range(7)]) for agent in agents}
    for shift in shifts:
        row = rows.get(shift.agent_id)
        if row is None:
            continue
        day = (shift.starts_at.astimezone(zone).date() - plan.week_starts_on).days
        if not 0 <= day < 7:
            continue
        others = tuple(
            sorted(
                {
                    line_names.get(part.line_id, "")
                    for part in shift_parts(shift)
                    if part.kind == ActivityKind.WORK
                    and part.line_id
                    and part.line_id != shift.service_line_id
                }
            )
        )
        row.days[day].append(
            GridShift(shift, _times(shift, zone), line_names.get(shift.service_line_id, ""), others)
        )
        row.hours += shift_hours(shift)
    # the same agents' bookings for other clients this week, in one query
    start, end = week_bounds(plan)
    bookings = (
        Booking.objects.filter(agent_id__in=list(rows), during__overlap=DateTimeTZRange(start, end))
        .exclude(client=client)
        .select_related("client")
        .only("agent_id", "during", "client__name")
    )
    for booking in bookings:
        lower, upper = booking.during.lower, booking.during.upper
        day = (lower.astimezone(zone).date() - plan.week_starts_on).days
        if 0 <= day < 7 and booking.agent_id in rows:
            row = rows[booking.agent_id]
            ends = upper.astimezone(zone)
            next_day = " +1" if ends.date() > lower.astimezone(zone).date() else ""
            times = f"{lower.astimezone(zone):%H:%M}\N{EN DASH}{ends:%H:%M}{next_day}"
            row.elsewhere[day].append(GridBooking(times, booking.client.name))
            row.hours_elsewhere += (upper - lower).total_seconds() / 3600
    return list(rows.values())


# --- a day by interval --------------------------------------------------------------------------


@dataclass(frozen=True)
class Bar:
    left: float  # % of the day
    width: float
    kind: str
    line_name: str
    label: str


@dataclass(frozen=True)
class DayRow:
    agent_name: str
    shift: PlanShift
    times: str
    bars: list[Bar]
    breaks: str = ""
    """"Lunch 11:30-12:00, Break 14:00-14:15" (local), for the text beside the bars."""


def plan_day(*, plan: Plan, day: date) -> list[DayRow]:
    """The shifts touching ``day`` (local), each as bars of its parts across the day."""
    zone = ZoneInfo(plan.time_zone)
    day_start = datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)
    day_end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone).astimezone(UTC)
    span = (day_end - day_start).total_seconds()
    shifts = list(
        PlanShift.objects.filter(plan=plan, starts_at__lt=day_end, ends_at__gt=day_start).order_by(
            "starts_at", "agent_id"
        )
    )
    names = dict(
        Agent.objects.filter(pk__in={s.agent_id for s in shifts}).values_list("pk", "full_name")
    )
    line_names = dict(ServiceLine.objects.values_list("pk", "name"))
    rows = []
    for shift in shifts:
        bars = []
        for part in shift_parts(shift):
            start, end = max(part.starts_at, day_start), min(part.ends_at, day_end)
            if start >= end:
                continue
            left = 100 * (start - day_start).total_seconds() / span
            width = 100 * (end - start).total_seconds() / span
            line = line_names.get(part.line_id or 0, "") if part.kind == ActivityKind.WORK else ""
            label = f"{part.starts_at.astimezone(zone):%H:%M}\N{EN DASH}{part.ends_at.astimezone(zone):%H:%M}"
            kind_label = (
                ActivityKind(part.kind).label if part.kind in ActivityKind.values else part.kind
            )
            bars.append(
                Bar(
                    round(left, 3),
                    round(width, 3),
                    part.kind,
                    line,
                    f"{label} {line or kind_label}",
                )
            )
        pauses = ", ".join(
            f"{ActivityKind(part.kind).label} {part.starts_at.astimezone(zone):%H:%M}"
            f"\N{EN DASH}{part.ends_at.astimezone(zone):%H:%M}"
            for part in shift_parts(shift)
            if part.kind in (ActivityKind.BREAK, ActivityKind.LUNCH)
        )
        rows.append(
            DayRow(
                names.get(shift.agent_id, f"Agent {shift.agent_id}"),
                shift,
                _times(shift, zone),
                bars,
                pauses,
            )
        )
    rows.sort(key=lambda row: (row.shift.starts_at, row.agent_name))
    return rows


def interval_label(column: int, interval_minutes: int) -> str:
    minutes = column * interval_minutes
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def day_label(day: date) -> str:
    return f"{WEEKDAY_SHORT[day.weekday()]} {day.day}"


def plan_agents(*, plan: Plan, client) -> QuerySet[Agent]:
    """Agents a shift of the plan may go to (allowed for the client) and those it holds."""
    held = PlanShift.objects.filter(plan=plan).values_list("agent_id", flat=True)
    return (
        Agent.objects.filter(Q(pk__in=list(held)) | Q(service_lines__client=client))
        .distinct()
        .only("id", "full_name", "employee_number")
        .order_by("full_name", "employee_number")
    )


def list_lines() -> QuerySet[ServiceLine]:
    return ServiceLine.objects.order_by("name")


# --- the API's reads ----------------------------------------------------------------------------


def list_plan_shifts(*, plan: Plan) -> QuerySet[PlanShift]:
    """The plan's shifts by start, with their line; ``local_day`` is the day each starts on the
    plan's clock (what the grid's columns are), for filtering by day."""
    from django.db.models.functions import TruncDate

    return (
        PlanShift.objects.filter(plan=plan)
        .select_related("service_line")
        .annotate(local_day=TruncDate("starts_at", tzinfo=ZoneInfo(plan.time_zone)))
        .order_by("starts_at", "agent_id", "id")
    )


def agent_names(agent_ids) -> dict[int, str]:
    """The roster agents' names by id (one query in public)."""
    return dict(Agent.objects.filter(pk__in=set(agent_ids)).values_list("pk", "full_name"))
