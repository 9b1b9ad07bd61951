"""SLA figures of one client: per service line, per interval, per day and for an ISO week, against
each line's targets. Run with the client's schema active.

Days and ISO weeks are the client's (``client.time_zone``): a week runs from Monday 00:00 to the
next Monday 00:00 local time, so a week with a DST change has 167 or 169 hours. Every span's
figures are its intervals' summed counts put through the formulas of ``scheduling.engine.kpi``
(one aggregate query with ``GROUPING SETS`` per request), never averages of shorter spans.

Customer-experience figures (CSAT, CES, FCR) come from rows another part imports; they enter
here as plain data (:func:`experience_by_line`), so wiring them to a model is one adapter.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.db import connection

from bpo.catalog.models import DEFERRED_CHANNELS, ServiceLine, ServiceLineStatus
from bpo.catalog.selectors.service_lines import get_service_line
from bpo.errors import DomainError
from scheduling.engine import kpi
from scheduling.planning.models import DailyExperience, IntervalStatistic

WEEK_PATTERN = re.compile(r"^(?P<year>\d{4})-W(?P<week>\d{2})$")
WEEK_INVALID = 'Week "{value}" is not an ISO week; write it as YYYY-Www, e.g. 2026-W05.'
WEEK_MISSING = "Week {value} does not exist; that year has weeks 01 to {weeks}."
WEEK_RANGE = "Week must lie between 1970 and 2100."
# Lines shown in a week even without statistics (their figures say "no contacts").
SHOWN_WITHOUT_STATISTICS = frozenset({ServiceLineStatus.ACTIVE, ServiceLineStatus.PAUSED})

# Columns summed per span, in the order of the query's SELECT.
SUMMED_FIELDS = (
    "offered",
    "answered",
    "abandoned",
    "short_abandoned",
    "answered_within_threshold",
    "abandoned_within_threshold",
    "flowed_out",
    "answered_wait_seconds",
    "talk_seconds",
    "hold_seconds",
    "acw_seconds",
    "first_responses",
    "first_responses_within_target",
    "first_response_seconds",
)


# --- weeks -----------------------------------------------------------------------------------------


@dataclass(frozen=True, order=True)
class IsoWeek:
    year: int
    week: int

    @classmethod
    def parse(cls, value: str | None, *, name: str = "week") -> IsoWeek:
        """``2026-W05`` as a week, or a ``DomainError`` naming ``name``."""
        text = (value or "").strip().upper()
        match = WEEK_PATTERN.match(text)
        if match is None:
            raise DomainError(WEEK_INVALID.format(value=value or ""), field=name)
        year, week = int(match["year"]), int(match["week"])
        if not 1970 <= year <= 2100:
            raise DomainError(WEEK_RANGE, field=name)
        weeks = date(year, 12, 28).isocalendar().week  # the 28th is always in the last week
        if not 1 <= week <= weeks:
            raise DomainError(WEEK_MISSING.format(value=text, weeks=weeks), field=name)
        return cls(year, week)

    @classmethod
    def of(cls, day: date) -> IsoWeek:
        calendar = day.isocalendar()
        return cls(calendar.year, calendar.week)

    @classmethod
    def containing(cls, instant: datetime, zone: ZoneInfo) -> IsoWeek:
        return cls.of(instant.astimezone(zone).date())

    def __str__(self) -> str:
        return f"{self.year:04d}-W{self.week:02d}"

    @property
    def monday(self) -> date:
        return date.fromisocalendar(self.year, self.week, 1)

    @property
    def days(self) -> list[date]:
        return [self.monday + timedelta(days=offset) for offset in range(7)]

    @property
    def previous(self) -> IsoWeek:
        return IsoWeek.of(self.monday - timedelta(days=7))

    @property
    def next(self) -> IsoWeek:
        return IsoWeek.of(self.monday + timedelta(days=7))


def local_midnight(day: date, zone: ZoneInfo) -> datetime:
    """Midnight starting ``day`` in ``zone``, in UTC."""
    return datetime(day.year, day.month, day.day, tzinfo=zone).astimezone(UTC)


def week_bounds(week: IsoWeek, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """[Monday 00:00, next Monday 00:00) local, as UTC instants."""
    return local_midnight(week.monday, zone), local_midnight(week.next.monday, zone)


# --- results ---------------------------------------------------------------------------------------


class SpanFigures:
    """The figures of one span (an interval, a day or the week), its totals, and met or missed
    against the line's targets. ``starts_at`` and ``ends_at`` are UTC. Figures are computed when
    first read: a week of ten lines has 6,720 intervals, and most pages read a few."""

    __slots__ = ("_figures", "_outcomes", "convention", "ends_at", "starts_at", "targets", "totals")

    def __init__(
        self,
        *,
        starts_at: datetime,
        ends_at: datetime,
        totals: kpi.ContactTotals,
        convention: kpi.ServiceLevelConvention,
        targets: kpi.Targets,
    ) -> None:
        self.starts_at = starts_at
        self.ends_at = ends_at
        self.totals = totals
        self.convention = convention
        self.targets = targets
        self._figures: kpi.ServiceFigures | None = None
        self._outcomes: Mapping[str, kpi.Outcome] | None = None

    @property
    def figures(self) -> kpi.ServiceFigures:
        if self._figures is None:
            self._figures = kpi.service_figures(self.totals, self.convention)
        return self._figures

    @property
    def outcomes(self) -> Mapping[str, kpi.Outcome]:
        if self._outcomes is None:
            self._outcomes = kpi.service_outcomes(self.totals, self.targets, self.convention)
        return self._outcomes

    @property
    def hours(self) -> float:
        return (self.ends_at - self.starts_at).total_seconds() / 3600

    @property
    def has_contacts(self) -> bool:
        return self.totals.has_contacts


@dataclass(frozen=True)
class ExperienceSpan:
    totals: kpi.ExperienceTotals
    figures: kpi.ExperienceFigures
    outcomes: Mapping[str, kpi.Outcome]


@dataclass(frozen=True)
class LineFigures:
    """One line's week: the week, its seven local days, and (when asked) its intervals with
    contacts, in time order."""

    service_line: ServiceLine
    convention: kpi.ServiceLevelConvention
    targets: kpi.Targets
    interval_minutes: int | None
    week: SpanFigures
    days: list[SpanFigures]
    intervals: list[SpanFigures] = field(default_factory=list)
    experience: ExperienceSpan | None = None

    @property
    def is_async(self) -> bool:
        return self.service_line.channel in DEFERRED_CHANNELS


@dataclass(frozen=True)
class WeekFigures:
    week: IsoWeek
    time_zone: str
    starts_at: datetime
    ends_at: datetime
    lines: list[LineFigures]

    @property
    def hours(self) -> float:
        return (self.ends_at - self.starts_at).total_seconds() / 3600

    @property
    def has_statistics(self) -> bool:
        return any(line.week.has_contacts for line in self.lines)


def targets_of(line: ServiceLine) -> kpi.Targets:
    return kpi.Targets(
        service_level_percent=line.service_level_percent,
        service_level_seconds=line.service_level_seconds,
        max_abandon_percent=line.max_abandon_percent,
        asa_seconds=line.asa_seconds,
        first_response_percent=line.first_response_percent,
        first_response_hours=line.first_response_hours,
        fcr_percent=line.fcr_percent,
        csat_percent=line.csat_percent,
    )


# --- customer experience as plain data -------------------------------------------------------------


@dataclass(frozen=True)
class ExperienceRow:
    """One row of imported survey and resolution results, as this module reads them: either one
    contact (``csat``, ``ces``, ``resolved_first_contact``) or a line's day already aggregated
    (the ``*_responses``/``*_total``/``fcr_*`` counts). ``day`` is the client's local date."""

    service_line_id: int
    day: date
    channel: str = ""
    csat: int | None = None
    ces: int | None = None
    resolved_first_contact: bool | None = None
    csat_responses: int = 0
    csat_satisfied: int = 0
    csat_score_total: int = 0
    ces_responses: int = 0
    ces_score_total: int = 0
    fcr_contacts: int = 0
    fcr_resolved: int = 0

    def totals(self) -> kpi.ExperienceTotals:
        own = kpi.experience_totals(
            [
                kpi.ContactExperience(
                    csat=self.csat, ces=self.ces, resolved_first_contact=self.resolved_first_contact
                )
            ]
        )
        return own + kpi.ExperienceTotals(
            csat_responses=self.csat_responses,
            csat_satisfied=self.csat_satisfied,
            csat_score_total=self.csat_score_total,
            ces_responses=self.ces_responses,
            ces_score_total=self.ces_score_total,
            fcr_contacts=self.fcr_contacts,
            fcr_resolved=self.fcr_resolved,
        )


def experience_by_line(
    rows: Iterable[ExperienceRow], *, days: Sequence[date] | None = None, channel: str = ""
) -> dict[int, kpi.ExperienceTotals]:
    """Summed CX results per service line, over ``days`` (all when ``None``) and one channel
    (all when empty): counts and sums add up, so a week is never a mean of daily means."""
    wanted = set(days) if days is not None else None
    totals: dict[int, kpi.ExperienceTotals] = {}
    for row in rows:
        if wanted is not None and row.day not in wanted:
            continue
        if channel and row.channel != channel:
            continue
        totals[row.service_line_id] = (
            totals.get(row.service_line_id, kpi.ExperienceTotals()) + row.totals()
        )
    return totals


def experience_rows_of_week(*, client, week: IsoWeek) -> list[ExperienceRow]:
    """The client's imported CX results of ``week`` (its local days), as plain rows: the one
    place that reads the CX import's model. ``DailyExperience`` holds the sums and sample sizes
    per line, day and channel (per-contact imports are summed into it), so weeks add up."""
    days = week.days
    return [
        ExperienceRow(
            service_line_id=row.service_line_id,
            day=row.day,
            channel=row.channel,
            csat_responses=row.csat_responses,
            csat_satisfied=row.csat_satisfied,
            csat_score_total=row.csat_sum,
            ces_responses=row.ces_responses,
            ces_score_total=row.ces_sum,
            fcr_contacts=row.fcr_responses,
            fcr_resolved=row.fcr_resolved,
        )
        for row in DailyExperience.objects.filter(day__gte=days[0], day__lte=days[-1])
    ]


def experience_span(totals: kpi.ExperienceTotals, targets: kpi.Targets) -> ExperienceSpan:
    return ExperienceSpan(
        totals=totals,
        figures=kpi.experience_figures(totals),
        outcomes=kpi.experience_outcomes(totals, targets),
    )


# --- the query -------------------------------------------------------------------------------------


def _aggregate_rows(
    *,
    starts_at: datetime,
    ends_at: datetime,
    zone_name: str,
    service_line_ids: Sequence[int] | None,
    with_intervals: bool,
) -> list[tuple]:
    """One query: the sums per line, per line and local day, and (optionally) per line and
    interval, for [starts_at, ends_at). Each row starts with ``level`` (3 the week, 1 a day,
    2 an interval), the line, the local day, the interval's start, the smallest interval
    length, then ``SUMMED_FIELDS``."""
    sums = ", ".join(f"SUM({name})::bigint" for name in SUMMED_FIELDS)
    sets = ["(service_line_id)", "(service_line_id, local_day)"]
    level, interval_start = "GROUPING(local_day) * 2 + 1", "NULL::timestamptz"
    if with_intervals:
        sets.append("(service_line_id, starts_at)")
        level, interval_start = "GROUPING(local_day, starts_at)", "starts_at"
    line_filter = "AND service_line_id = ANY(%(lines)s)" if service_line_ids is not None else ""
    sql = f"""
        SELECT {level} AS level, service_line_id, local_day, {interval_start},
               MIN(interval_minutes), {sums}
        FROM (
            SELECT *, (starts_at AT TIME ZONE %(zone)s)::date AS local_day
            FROM {IntervalStatistic._meta.db_table}
            WHERE starts_at >= %(start)s AND starts_at < %(end)s {line_filter}
        ) AS statistic
        GROUP BY GROUPING SETS ({", ".join(sets)})
        ORDER BY service_line_id, level DESC, local_day, 4
    """  # no user text in it: the table name and fixed column names
    params: dict[str, Any] = {
        "zone": zone_name,
        "start": starts_at,
        "end": ends_at,
        "lines": list(service_line_ids or ()),
    }
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _span(
    starts_at: datetime,
    ends_at: datetime,
    totals: kpi.ContactTotals,
    convention: kpi.ServiceLevelConvention,
    targets: kpi.Targets,
) -> SpanFigures:
    return SpanFigures(
        starts_at=starts_at, ends_at=ends_at, totals=totals, convention=convention, targets=targets
    )


def list_week_figures(
    *,
    client,
    week: IsoWeek,
    with_intervals: bool = False,
    experience_rows: Iterable[ExperienceRow] | None = None,
) -> WeekFigures:
    """The week's figures of the client's lines: every active or paused line, and any other
    line with statistics that week. Two queries: the lines and one aggregate."""
    return _week_figures(
        client=client,
        week=week,
        lines=list(ServiceLine.objects.order_by("name", "id")),
        only_given=False,
        with_intervals=with_intervals,
        experience_rows=experience_rows,
    )


def get_line_week_figures(
    *,
    client,
    service_line_id: int,
    week: IsoWeek,
    with_intervals: bool = True,
    experience_rows: Iterable[ExperienceRow] | None = None,
) -> LineFigures:
    """One line's week (whatever its status), or ``NotFoundError`` for a line this client has
    not. Two queries."""
    line = get_service_line(service_line_id=service_line_id)
    figures = _week_figures(
        client=client,
        week=week,
        lines=[line],
        only_given=True,
        with_intervals=with_intervals,
        experience_rows=experience_rows,
    )
    return figures.lines[0]


def _week_figures(
    *,
    client,
    week: IsoWeek,
    lines: Sequence[ServiceLine],
    only_given: bool,
    with_intervals: bool,
    experience_rows: Iterable[ExperienceRow] | None,
) -> WeekFigures:
    zone = ZoneInfo(client.time_zone)
    starts_at, ends_at = week_bounds(week, zone)
    rows = _aggregate_rows(
        starts_at=starts_at,
        ends_at=ends_at,
        zone_name=client.time_zone,
        service_line_ids=[line.pk for line in lines] if only_given else None,
        with_intervals=with_intervals,
    )
    week_totals: dict[int, kpi.ContactTotals] = {}
    day_totals: dict[tuple[int, date], kpi.ContactTotals] = {}
    interval_rows: dict[int, list[tuple[datetime, int, kpi.ContactTotals]]] = {}
    minutes_of: dict[int, int] = {}
    for level, line_id, local_day, interval_start, minutes, *sums in rows:
        totals = kpi.ContactTotals(**dict(zip(SUMMED_FIELDS, sums, strict=True)))
        if level == 3:
            week_totals[line_id] = totals
            minutes_of[line_id] = minutes
        elif level == 1:
            day_totals[(line_id, local_day)] = totals
        else:
            interval_rows.setdefault(line_id, []).append((interval_start, minutes, totals))

    if experience_rows is None:
        experience_rows = experience_rows_of_week(client=client, week=week)
    experience = experience_by_line(experience_rows, days=week.days)
    day_bounds = [
        (day, local_midnight(day, zone), local_midnight(day + timedelta(days=1), zone))
        for day in week.days
    ]
    empty = kpi.ContactTotals()
    results = []
    for line in lines:
        if not (only_given or line.pk in week_totals or line.status in SHOWN_WITHOUT_STATISTICS):
            continue
        convention = kpi.ServiceLevelConvention(line.sla_convention)
        targets = targets_of(line)
        results.append(
            LineFigures(
                service_line=line,
                convention=convention,
                targets=targets,
                interval_minutes=minutes_of.get(line.pk),
                week=_span(
                    starts_at, ends_at, week_totals.get(line.pk, empty), convention, targets
                ),
                days=[
                    _span(
                        day_start,
                        day_end,
                        day_totals.get((line.pk, day), empty),
                        convention,
                        targets,
                    )
                    for day, day_start, day_end in day_bounds
                ],
                intervals=[
                    _span(start, start + timedelta(minutes=minutes), totals, convention, targets)
                    for start, minutes, totals in interval_rows.get(line.pk, [])
                ],
                experience=experience_span(experience[line.pk], targets)
                if line.pk in experience
                else None,
            )
        )
    return WeekFigures(
        week=week, time_zone=client.time_zone, starts_at=starts_at, ends_at=ends_at, lines=results
    )
