"""The week's SLA projection per service line: the statistics so far plus, for every interval
without statistics, the forecast's contacts and what the published plan's agents are expected
to answer in time (``scheduling.engine.sla_projection``). Run with the client's schema active.

Where each part comes from:

- **actual**: the line's week totals of ``selectors.sla`` (the same sums the SLA page shows);
- **expected**: each interval of the week on the line's forecast grid that has no statistics
  (the rest of the week, and elapsed intervals not imported yet): the volume (adjusted, zero
  when closed) and handle time of the newest ready forecast holding that interval, and the
  working agents of the week's published plan: its bookings' work parts on the line (breaks and
  lunches left out, a part covering half an interval counts half an agent, as the plan's
  coverage does), less the client's shrinkage (the staffing requirement grosses agents up by
  it, so the comparison is the same), rounded down to whole agents;
- **combined** as counts under the line's convention and compared to its target by the engine.

A week that is over is its statistics alone (met or missed). Six queries for all lines besides
the week's figures: statistics starts, forecast intervals, the published plan, its bookings,
its shifts and the planning settings.
"""

from __future__ import annotations

import bisect
import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from bpo.catalog.models import ServiceLine
from bpo.dates import format_when
from scheduling.engine import kpi
from scheduling.engine.sla_projection import (
    Expected,
    Projection,
    ProjectionStatus,
    backlog_expected,
    live_expected,
    project,
)
from scheduling.planning.models import (
    ActivityKind,
    ForecastInterval,
    ForecastStatus,
    IntervalStatistic,
    Plan,
    PlanningSettings,
    PlanShift,
    PlanStatus,
)
from scheduling.planning.selectors.plans import Part, shift_parts
from scheduling.planning.selectors.sla import IsoWeek, LineFigures, WeekFigures, list_week_figures
from scheduling.roster.models import Booking

PAST, CURRENT, FUTURE = "past", "current", "future"
MISSING_RANGES_NAMED = 3


@dataclass(frozen=True)
class Sources:
    """What the projection of one line was made of, for the words beside it."""

    statistics_intervals: int = 0
    statistics_until: datetime | None = None  # end of the last interval with statistics
    projected_intervals: int = 0
    elapsed_without_statistics: int = 0
    expected_contacts: float = 0.0
    expected_within: float = 0.0
    forecast_versions: tuple[int, ...] = ()
    missing_forecast: tuple[tuple[datetime, datetime], ...] = ()
    missing_forecast_intervals: int = 0
    unstaffed_intervals: int = 0
    unstaffed_contacts: float = 0.0
    model: str = ""


@dataclass(frozen=True)
class LineProjection:
    service_line: ServiceLine
    is_async: bool
    convention: kpi.ServiceLevelConvention
    projection: Projection
    sources: Sources
    reason: str = ""  # why the rest of the week could not be projected
    notes: list[str] = field(default_factory=list)

    @property
    def status(self) -> ProjectionStatus:
        return self.projection.status

    @property
    def at_risk(self) -> bool:
        return self.projection.status == ProjectionStatus.AT_RISK

    @property
    def headline(self) -> str:
        """ "At risk: projected 74.2 % against 80 %" and the like."""
        return headline(self.projection, self.reason)


@dataclass(frozen=True)
class WeekProjection:
    week: IsoWeek
    time_zone: str
    now: datetime
    state: str  # past, current, future
    starts_at: datetime
    ends_at: datetime
    plan: Plan | None
    shrinkage_percent: Decimal
    lines: list[LineProjection]

    @property
    def at_risk(self) -> list[LineProjection]:
        return [line for line in self.lines if line.at_risk]


# --- words -------------------------------------------------------------------------------------


def percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f} %"


def plain(value: Decimal) -> str:
    return format(Decimal(str(value)).normalize(), "f")


def headline(projection: Projection, reason: str = "") -> str:
    status, level = projection.status, percent(projection.level)
    target = (
        f"{plain(projection.target_percent)} %" if projection.target_percent is not None else ""
    )
    match status:
        case ProjectionStatus.ON_TRACK | ProjectionStatus.AT_RISK:
            return f"{status.label}: projected {level} against {target}"
        case ProjectionStatus.MET | ProjectionStatus.MISSED:
            return f"{status.label}: {level} against {target} (the week is over)"
        case ProjectionStatus.NO_TARGET:
            return f"No target: projected {level}"
        case ProjectionStatus.NO_CONTACTS:
            return "No contacts this week, none expected"
    so_far = (
        f"; so far {percent(projection.actual_level)} "
        f"({projection.actual_numerator} of {projection.actual_denominator})"
        if projection.actual_denominator
        else ""
    )
    return f"Projection not possible: {reason}{so_far}"


def _ranges_words(ranges, zone: ZoneInfo) -> str:
    parts = [
        f"{format_when(start, 'day', zone=zone)} to {format_when(end, 'day', zone=zone)}"
        for start, end in ranges[:MISSING_RANGES_NAMED]
    ]
    more = len(ranges) - MISSING_RANGES_NAMED
    return ", ".join(parts) + (f" and {more} more" if more > 0 else "")


# --- reading the inputs --------------------------------------------------------------------------


def _statistics_starts(
    start, end, line_ids
) -> tuple[dict[int, list[datetime]], dict[int, datetime]]:
    """Per line, the starts of its intervals with statistics (sorted), and the end of its last
    one."""
    starts: dict[int, list[datetime]] = defaultdict(list)
    rows = (
        IntervalStatistic.objects.filter(
            service_line_id__in=line_ids, starts_at__gte=start, starts_at__lt=end
        )
        .order_by("service_line_id", "starts_at")
        .values_list("service_line_id", "starts_at", "interval_minutes")
    )
    ends: dict[int, datetime] = {}
    for line_id, starts_at, minutes in rows:
        starts[line_id].append(starts_at)
        ends[line_id] = starts_at + timedelta(minutes=minutes)
    return starts, ends


@dataclass
class _ForecastRow:
    volume: float
    aht_seconds: float
    version: int


def _forecast_rows(start, end, line_ids) -> tuple[dict[int, dict], dict[int, int]]:
    """Per line, the newest ready forecast's interval at each start (one ``DISTINCT ON``
    query), and the line's forecast interval length."""
    rows = (
        ForecastInterval.objects.filter(
            forecast__status=ForecastStatus.READY,
            forecast__service_line_id__in=line_ids,
            starts_at__gte=start,
            starts_at__lt=end,
        )
        .order_by("forecast__service_line_id", "starts_at", "-forecast__completed_at", "-forecast")
        .distinct("forecast__service_line_id", "starts_at")
        .values_list(
            "forecast__service_line_id",
            "starts_at",
            "adjusted_volume",
            "aht_seconds",
            "is_open",
            "forecast__interval_minutes",
            "forecast__version",
        )
    )
    by_line: dict[int, dict[datetime, _ForecastRow]] = defaultdict(dict)
    minutes: dict[int, int] = {}
    for line_id, starts_at, volume, aht, is_open, step, version in rows:
        by_line[line_id][starts_at] = _ForecastRow(volume if is_open else 0.0, aht, version or 0)
        minutes.setdefault(line_id, step)
    return by_line, minutes


def published_plan(week: IsoWeek) -> Plan | None:
    return (
        Plan.objects.filter(week_starts_on=week.monday, status=PlanStatus.PUBLISHED)
        .order_by("-published_at", "-id")
        .first()
    )


def published_parts(*, client, plan: Plan) -> dict[int, list[Part]]:
    """The published plan's work parts per line: its bookings (the published state), each cut
    into the activities of its shift when the shift still has the booked times and line (a shift
    edited since publication is not published: its booking counts as one work part)."""
    bookings = Booking.objects.filter(client=client, plan_id=plan.pk).values_list(
        "shift_id", "during", "service_line_id"
    )
    shifts = {
        shift.pk: shift
        for shift in PlanShift.objects.filter(plan=plan).only(
            "starts_at", "ends_at", "activities", "service_line_id"
        )
    }
    parts: dict[int, list[Part]] = defaultdict(list)
    for shift_id, during, line_id in bookings:
        shift = shifts.get(shift_id)
        if shift is not None and (shift.starts_at, shift.ends_at, shift.service_line_id) == (
            during.lower,
            during.upper,
            line_id,
        ):
            pieces = shift_parts(shift)
        else:
            pieces = [Part(during.lower, during.upper, ActivityKind.WORK, line_id)]
        for piece in pieces:
            if piece.kind == ActivityKind.WORK:
                line = piece.line_id or line_id
                if line is not None:
                    parts[line].append(piece)
    return parts


def _covered(parts: list[Part], week_start: datetime, count: int, step: timedelta) -> list[float]:
    """Agents at work per grid interval (a part covering a share of an interval counts that
    share)."""
    covered = [0.0] * count
    for part in parts:
        first = max(0, math.floor((part.starts_at - week_start) / step))
        last = min(count, math.ceil((part.ends_at - week_start) / step))
        for index in range(first, last):
            low = week_start + index * step
            overlap = min(part.ends_at, low + step) - max(part.starts_at, low)
            if overlap > timedelta(0):
                covered[index] += overlap / step
    return covered


# --- the projection -----------------------------------------------------------------------------


def list_week_projections(
    *, client, week: IsoWeek, now: datetime, figures: WeekFigures | None = None
) -> WeekProjection:
    """Every shown line's projection for ``week`` as of ``now`` (``figures``: the week's SLA
    figures when the caller has them already)."""
    if figures is None:
        figures = list_week_figures(client=client, week=week)
    zone = ZoneInfo(client.time_zone)
    start, end = figures.starts_at, figures.ends_at
    state = PAST if end <= now else FUTURE if start > now else CURRENT
    settings = PlanningSettings.current()
    shrinkage = Decimal(settings.shrinkage_percent)
    plan = None if state == PAST else published_plan(week)
    lines: list[LineProjection] = []
    line_ids = [line.service_line.pk for line in figures.lines]
    if state == PAST:
        for line in figures.lines:
            lines.append(_past(line))
        return WeekProjection(
            week, client.time_zone, now, state, start, end, None, shrinkage, lines
        )

    statistics, statistics_ends = _statistics_starts(start, end, line_ids)
    forecasts, forecast_minutes = _forecast_rows(start, end, line_ids)
    parts = published_parts(client=client, plan=plan) if plan is not None else {}
    for line in figures.lines:
        line_id = line.service_line.pk
        lines.append(
            _current(
                line,
                zone=zone,
                now=now,
                week_start=start,
                week_end=end,
                minutes=forecast_minutes.get(line_id, settings.interval_minutes),
                statistics=statistics.get(line_id, []),
                statistics_until=statistics_ends.get(line_id),
                forecast=forecasts.get(line_id, {}),
                plan=plan,
                parts=parts.get(line_id, []),
                working_share=1 - float(shrinkage) / 100,
                week_label=str(week),
            )
        )
    return WeekProjection(week, client.time_zone, now, state, start, end, plan, shrinkage, lines)


def _past(line: LineFigures) -> LineProjection:
    projection = project(
        actual=line.week.totals,
        expected=None,
        convention=line.convention,
        targets=line.targets,
        is_async=line.is_async,
        week_over=True,
    )
    return LineProjection(
        service_line=line.service_line,
        is_async=line.is_async,
        convention=line.convention,
        projection=projection,
        sources=Sources(model="statistics only"),
    )


def _threshold_missing(line: LineFigures) -> str:
    if line.is_async:
        if line.targets.first_response_hours is None:
            return "the line has no first-response window (hours) to count answers in time"
        return ""
    if line.targets.service_level_seconds is None:
        return "the line has no service-level threshold (seconds) to count answers in time"
    return ""


def _current(
    line: LineFigures,
    *,
    zone: ZoneInfo,
    now: datetime,
    week_start: datetime,
    week_end: datetime,
    minutes: int,
    statistics: list[datetime],
    statistics_until: datetime | None,
    forecast: dict[datetime, _ForecastRow],
    plan: Plan | None,
    parts: list[Part],
    working_share: float,
    week_label: str,
) -> LineProjection:
    step = timedelta(minutes=minutes)
    count = math.ceil((week_end - week_start) / step)  # 23- and 25-hour days: UTC steps
    needed: list[int] = []
    for index in range(count):
        low = week_start + index * step
        # an interval with any statistics row starting inside it is actual
        at = bisect.bisect_left(statistics, low)
        if at < len(statistics) and statistics[at] < low + step:
            continue
        needed.append(index)
    present = [index for index in needed if week_start + index * step in forecast]
    missing = [index for index in needed if week_start + index * step not in forecast]
    # elapsed intervals the forecast expects contacts in, not imported yet
    elapsed = sum(
        1
        for index in present
        if week_start + (index + 1) * step <= now and forecast[week_start + index * step].volume
    )
    ranges = _ranges(missing, week_start, step)
    model = _model_words(line)
    reason = _threshold_missing(line)
    if not reason and needed and not present:
        reason = (
            f"no ready forecast for the rest of week {week_label}"
            if not forecast
            else "no forecast interval for the remaining intervals"
        )
    if not reason and needed and plan is None:
        reason = f"no published plan for week {week_label}, so no agents to count"
    expected: Expected | None = None
    unstaffed = (0, 0.0)
    if not reason and needed:
        covered = _covered(parts, week_start, count, step)
        volumes, agents, aht = [], [], []
        for index in present:
            row = forecast[week_start + index * step]
            volumes.append(row.volume)
            agents.append(math.floor(round(covered[index] * working_share, 9)))
            aht.append(row.aht_seconds)
        if line.is_async:
            assert line.targets.first_response_hours is not None
            expected = backlog_expected(
                volumes=volumes,
                agents=agents,
                aht_seconds=aht,
                interval_minutes=minutes,
                response_minutes=float(line.targets.first_response_hours) * 60,
            )
        else:
            assert line.targets.service_level_seconds is not None
            expected = live_expected(
                volumes=volumes,
                agents=agents,
                aht_seconds=aht,
                interval_seconds=minutes * 60,
                target_seconds=line.targets.service_level_seconds,
                concurrency=float(line.service_line.concurrency)
                if line.service_line.channel == "chat"
                else 1.0,
            )
        unstaffed = (expected.unstaffed_intervals, expected.unstaffed_volume)
    elif not needed:
        expected = Expected()
    projection = project(
        actual=line.week.totals,
        expected=expected,
        convention=line.convention,
        targets=line.targets,
        is_async=line.is_async,
    )
    versions = tuple(sorted({forecast[week_start + index * step].version for index in present}))
    sources = Sources(
        statistics_intervals=count - len(needed),
        statistics_until=statistics_until,
        projected_intervals=len(present) if expected is not None else 0,
        elapsed_without_statistics=elapsed,
        expected_contacts=expected.volume if expected is not None else 0.0,
        expected_within=expected.within if expected is not None else 0.0,
        forecast_versions=versions,
        missing_forecast=tuple(ranges),
        missing_forecast_intervals=len(missing),
        unstaffed_intervals=unstaffed[0],
        unstaffed_contacts=unstaffed[1],
        model=model,
    )
    notes = []
    if expected is not None and missing:
        notes.append(
            f"No forecast for {len(missing)} intervals ({_ranges_words(ranges, zone)}): "
            "they are left out, so the projection covers the rest of the week only in part."
        )
    if elapsed and expected is not None:
        notes.append(
            f"{elapsed} elapsed intervals with forecast contacts have no statistics yet: "
            "counted from the forecast and the plan until they are imported."
        )
    if unstaffed[0]:
        notes.append(
            f"{unstaffed[0]} intervals with {unstaffed[1]:.0f} expected contacts have no agent "
            "at work in the published plan: counted as answered late (the pessimistic reading)."
        )
    return LineProjection(
        service_line=line.service_line,
        is_async=line.is_async,
        convention=line.convention,
        projection=projection,
        sources=sources,
        reason=reason,
        notes=notes,
    )


def _ranges(indexes: list[int], week_start: datetime, step: timedelta) -> list:
    ranges: list[tuple[datetime, datetime]] = []
    for index in indexes:
        low = week_start + index * step
        if ranges and ranges[-1][1] == low:
            ranges[-1] = (ranges[-1][0], low + step)
        else:
            ranges.append((low, low + step))
    return ranges


def _model_words(line: LineFigures) -> str:
    if line.is_async:
        return "backlog answered first in, first out within the first-response window"
    if line.service_line.channel == "chat":
        return "Erlang C per conversation slot (agents x concurrency)"
    return "Erlang C"
