"""SLA pages of a client: the week of every line against its targets (with a chart of the week
by interval per line), one line's week and one of its days interval by interval, and the chart
itself as an SVG image (``bpo.charts``, the same function the weekly PDF uses).

Access: ``client_page(Action.VIEW_SLA)``: the client's own people and its staff. Weeks are
ISO weeks of the client's zone; the figures come from ``scheduling.planning.selectors.sla``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from bpo.accounts.decorators import client_page
from bpo.accounts.permissions import can
from bpo.accounts.roles import Action
from bpo.charts import IntervalPoint, interval_chart_svg
from bpo.dates import format_when
from bpo.errors import DomainError
from scheduling.engine import kpi
from scheduling.planning.selectors import sla as selectors
from scheduling.planning.selectors import sla_projection as projections
from scheduling.planning.selectors.sla import IsoWeek, LineFigures, SpanFigures, WeekFigures

NO_CONTACTS = "No contacts"
# The empty state links to the statistics import for those who may import.
IMPORT_URL_NAME = "client:statistics_upload"
DAY_INVALID = 'Day "{value}" is not a date; write it as YYYY-MM-DD, e.g. 2026-01-26.'
DAY_OUTSIDE = "{day} is not in week {week}."


# --- words for figures -------------------------------------------------------------------------


def plain(value: Decimal | int | float) -> str:
    """80.00 -> "80", 92.50 -> "92.5"."""
    return format(Decimal(str(value)).normalize(), "f")


def percent_text(value: float | None) -> str:
    return NO_CONTACTS if value is None else f"{value * 100:.1f} %"


def duration_text(seconds: float | None) -> str:
    """18 s, 4 min 4 s, 2 h 5 min."""
    if seconds is None:
        return NO_CONTACTS
    whole = round(seconds)
    if whole < 60:
        return f"{whole} s"
    if whole < 3600:
        minutes, rest = divmod(whole, 60)
        return f"{minutes} min {rest} s" if rest else f"{minutes} min"
    hours, rest = divmod(whole, 3600)
    minutes = rest // 60
    return f"{hours} h {minutes} min" if minutes else f"{hours} h"


def mean_text(value: float | None, scale: int) -> str:
    return "No answers" if value is None else f"{value:.2f} of {scale}"


@dataclass(frozen=True)
class FigureRow:
    """One figure as the page shows it: name, value, target and met/missed in words."""

    name: str
    value: str
    target: str = ""
    outcome: kpi.Outcome | None = None
    note: str = ""

    @property
    def outcome_label(self) -> str:
        return self.outcome.label if self.outcome else ""


def service_rows(line: LineFigures, span: SpanFigures) -> list[FigureRow]:
    figures, outcomes, targets = span.figures, span.outcomes, line.targets
    if line.is_async:
        within = (
            f"within {plain(targets.first_response_hours)} h"
            if targets.first_response_hours is not None
            else "within target"
        )
        return [
            FigureRow(
                f"First responses {within}",
                percent_text(figures.first_response_level),
                f"at least {plain(targets.first_response_percent)} %"
                if targets.first_response_percent is not None
                else "",
                outcomes["first_response_level"],
                note=f"{figures.first_responses} first responses",
            ),
            FigureRow(
                "Mean time to first response", duration_text(figures.mean_first_response_seconds)
            ),
        ]
    level_target = ""
    if targets.service_level_percent is not None:
        level_target = (
            f"{plain(targets.service_level_percent)} % within {targets.service_level_seconds} s"
        )
    return [
        FigureRow(
            "Service level",
            percent_text(figures.service_level),
            level_target,
            outcomes["service_level"],
            note=f"Counted as “{line.convention.label}”: {line.convention.formula}",
        ),
        FigureRow(
            "Average speed of answer",
            duration_text(figures.asa_seconds),
            f"at most {targets.asa_seconds} s" if targets.asa_seconds is not None else "",
            outcomes["asa_seconds"],
        ),
        FigureRow(
            "Abandon rate, short abandons left out",
            percent_text(figures.abandon_rate_less_short),
            f"at most {plain(targets.max_abandon_percent)} %"
            if targets.max_abandon_percent is not None
            else "",
            outcomes["abandon_rate"],
            note=f"with short abandons: {percent_text(figures.abandon_rate)}",
        ),
        FigureRow("Average handle time", duration_text(figures.aht_seconds)),
        FigureRow(
            "Occupancy",
            "No staffed time known"
            if figures.occupancy is None and span.totals.staffed_seconds is None
            else percent_text(figures.occupancy),
        ),
    ]


def experience_rows(line: LineFigures) -> list[FigureRow]:
    if line.experience is None:
        return []
    figures, outcomes, targets = line.experience.figures, line.experience.outcomes, line.targets
    return [
        FigureRow(
            "CSAT, satisfied (4-5 of 5)",
            percent_text(figures.csat_satisfied.value)
            if figures.csat_satisfied.sample_size
            else "No answers",
            f"at least {plain(targets.csat_percent)} %" if targets.csat_percent is not None else "",
            outcomes["csat_satisfied"],
            note=f"{figures.csat_satisfied.sample_size} answers",
        ),
        FigureRow(
            "CSAT, mean",
            mean_text(figures.csat_mean.value, 5),
            note=f"{figures.csat_mean.sample_size} answers",
        ),
        FigureRow(
            "Customer effort (CES), mean",
            mean_text(figures.ces_mean.value, 7),
            note=f"{figures.ces_mean.sample_size} answers",
        ),
        FigureRow(
            "First-contact resolution",
            percent_text(figures.fcr.value) if figures.fcr.sample_size else "No answers",
            f"at least {plain(targets.fcr_percent)} %" if targets.fcr_percent is not None else "",
            outcomes["fcr"],
            note=f"{figures.fcr.sample_size} contacts",
        ),
    ]


def span_level(line: LineFigures, span: SpanFigures) -> float | None:
    """The level a chart and a day table show: first responses for async lines."""
    if line.is_async:
        return span.figures.first_response_level
    return span.figures.service_level


def span_volume(line: LineFigures, span: SpanFigures) -> int:
    return span.figures.first_responses if line.is_async else span.figures.offered


def target_level(line: LineFigures) -> float | None:
    target = (
        line.targets.first_response_percent if line.is_async else line.targets.service_level_percent
    )
    return None if target is None else float(target) / 100


def _day_row(line: LineFigures, span: SpanFigures, zone: ZoneInfo) -> dict[str, Any]:
    local = span.starts_at.astimezone(zone)
    outcome_name = "first_response_level" if line.is_async else "service_level"
    return {
        "date": local.date(),
        "label": format_when(local.date(), "day"),
        "hours": span.hours,
        "volume": span_volume(line, span),
        "answered": span.figures.answered,
        "abandoned": span.figures.abandoned,
        "level": percent_text(span_level(line, span)),
        "outcome": span.outcomes[outcome_name],
        "asa": duration_text(span.figures.asa_seconds),
        "aht": duration_text(span.figures.aht_seconds),
        "abandon_rate": percent_text(span.figures.abandon_rate_less_short),
    }


def _line_card(line: LineFigures, zone: ZoneInfo) -> dict[str, Any]:
    return {
        "line": line,
        "rows": service_rows(line, line.week),
        "experience": experience_rows(line),
        "days": [_day_row(line, day, zone) for day in line.days],
        "volume_label": "First responses" if line.is_async else "Offered",
        "level_label": "First responses in time" if line.is_async else "Service level",
    }


# --- the projection of the week -------------------------------------------------------------------

PROJECTION_TONE = {
    "on_track": "met",
    "met": "met",
    "at_risk": "missed",
    "missed": "missed",
}


def _count(value: float) -> str:
    return f"{value:,.1f}".removesuffix(".0")


def projection_block(
    line: projections.LineProjection, week: projections.WeekProjection, zone: ZoneInfo
) -> dict[str, Any]:
    """The words of a line's "Projection for this week": the verdict, and where each part of
    the figure comes from."""
    projection, sources = line.projection, line.sources
    unit = "first responses" if line.is_async else "contacts"
    so_far = "No statistics yet this week."
    if projection.actual_denominator:
        so_far = (
            f"{projection.actual_numerator} of {projection.actual_denominator} {unit} in time "
            f"({projections.percent(projection.actual_level)}), from the statistics of "
            f"{sources.statistics_intervals} intervals"
            + (
                f" up to {format_when(sources.statistics_until, 'day', zone=zone)}."
                if sources.statistics_until
                else "."
            )
        )
    rest = ""
    if sources.projected_intervals:
        plan = week.plan
        versions = ", ".join(f"v{v}" for v in sources.forecast_versions)
        rest = (
            f"{_count(sources.expected_within)} of {_count(sources.expected_contacts)} expected "
            f"{unit} in time over {sources.projected_intervals} intervals: forecast {versions}, "
            f"agents at work in the published plan"
            + (f" (revision {plan.revision})" if plan is not None else "")
            + f" less {plain(week.shrinkage_percent)} % shrinkage, {sources.model}."
        )
    elif line.reason:
        rest = f"Not projected: {line.reason}."
    formula = (
        "first responses within target / first responses"
        if line.is_async
        else f"“{line.convention.label}”: {line.convention.formula}"
    )
    return {
        "line": line,
        "headline": line.headline,
        "tone": PROJECTION_TONE.get(projection.status.value, ""),
        "so_far": so_far,
        "rest": rest,
        "week_figure": (
            f"{projection.numerator} / {projection.denominator} = "
            f"{projections.percent(projection.level)}"
            if projection.denominator
            else ""
        ),
        "formula": formula,
        "notes": line.notes,
    }


def _projections(client, week: IsoWeek, figures: WeekFigures) -> dict[int, dict[str, Any]]:
    """Each line's projection block, for the current week and weeks to come (a past week's
    figures are final and shown as such)."""
    now = timezone.now()
    if figures.ends_at <= now:
        return {}
    projection = projections.list_week_projections(
        client=client, week=week, now=now, figures=figures
    )
    zone = ZoneInfo(client.time_zone)
    return {
        line.service_line.pk: projection_block(line, projection, zone) for line in projection.lines
    }


# --- the week and its navigation ---------------------------------------------------------------


def _week_from(request, zone: ZoneInfo) -> tuple[IsoWeek, str]:
    """The asked week (or the current one) and the error of a bad ``?week=``."""
    current = IsoWeek.containing(timezone.now(), zone)
    value = request.GET.get("week", "")
    if not value:
        return current, ""
    try:
        return IsoWeek.parse(value), ""
    except DomainError as error:
        return current, error.message


def _import_link(request) -> str:
    """The statistics import page, for those who may import (once that page exists)."""
    if not can(request.user, request.tenant, Action.IMPORT_STATISTICS):
        return ""
    try:
        return reverse(IMPORT_URL_NAME, args=[request.tenant.slug])
    except NoReverseMatch:
        return ""


def _week_context(week: IsoWeek, zone: ZoneInfo) -> dict[str, Any]:
    return {
        "week": week,
        "week_first_day": week.monday,
        "week_last_day": week.days[-1],
        "previous_week": week.previous,
        "next_week": week.next,
    }


@client_page(Action.VIEW_SLA)
@require_GET
def sla_week(request):
    """Every line's week against its targets, with a chart per line and a table by day."""
    client = request.tenant
    zone = ZoneInfo(client.time_zone)
    week, week_error = _week_from(request, zone)
    figures = selectors.list_week_figures(client=client, week=week)
    blocks = _projections(client, week, figures)
    cards = [_line_card(line, zone) for line in figures.lines]
    for card in cards:
        card["projection"] = blocks.get(card["line"].service_line.pk)
    return render(
        request,
        "planning/sla_week.html",
        {
            **_week_context(week, zone),
            "figures": figures,
            "week_error": week_error,
            "cards": cards,
            "is_current_week": week == IsoWeek.containing(timezone.now(), zone),
            "import_url": _import_link(request),
        },
        status=400 if week_error else 200,
    )


def _week_and_day(request, zone: ZoneInfo) -> tuple[IsoWeek, date | None, str]:
    """The week (``?week=``, else the week of ``?day=``, else the current one), the day asked
    for within it, and the error of a bad parameter."""
    week, error = _week_from(request, zone)
    value = request.GET.get("day", "")
    if not value or error:
        return week, None, error
    try:
        day = date.fromisoformat(value)
    except ValueError:
        return week, None, DAY_INVALID.format(value=value)
    if not request.GET.get("week"):
        week = IsoWeek.of(day)
    if day not in week.days:
        return week, None, DAY_OUTSIDE.format(day=day, week=week)
    return week, day, ""


@client_page(Action.VIEW_SLA)
@require_GET
def sla_line(request, service_line_id: int):
    """One line's week, each day's figures, and one day (``?day=``) interval by interval."""
    client = request.tenant
    zone = ZoneInfo(client.time_zone)
    week, day, error = _week_and_day(request, zone)
    line = selectors.get_line_week_figures(
        client=client, service_line_id=service_line_id, week=week, with_intervals=day is not None
    )
    intervals = []
    if day is not None:
        day_start = selectors.local_midnight(day, zone)
        day_end = selectors.local_midnight(day + timedelta(days=1), zone)
        outcome_name = "first_response_level" if line.is_async else "service_level"
        for span in line.intervals:
            if day_start <= span.starts_at < day_end:
                local = span.starts_at.astimezone(zone)
                intervals.append(
                    {
                        "time": f"{local:%H:%M}",
                        "offset": f"{local:%z}"[:3] + ":" + f"{local:%z}"[3:],
                        "volume": span_volume(line, span),
                        "answered": span.figures.answered,
                        "abandoned": span.figures.abandoned,
                        "level": percent_text(span_level(line, span)),
                        "outcome": span.outcomes[outcome_name],
                        "asa": duration_text(span.figures.asa_seconds),
                    }
                )
        # an hour repeated by a DST change shows its offset
        times = [row["time"] for row in intervals]
        for row in intervals:
            row["show_offset"] = times.count(row["time"]) > 1
    selected = None
    if day is not None:
        selected = next(span for span in line.days if span.starts_at.astimezone(zone).date() == day)
    card = _line_card(line, zone)
    card["projection"] = _projections(
        client,
        week,
        WeekFigures(
            week=week,
            time_zone=client.time_zone,
            starts_at=line.week.starts_at,
            ends_at=line.week.ends_at,
            lines=[line],
        ),
    ).get(line.service_line.pk)
    return render(
        request,
        "planning/sla_line.html",
        {
            **_week_context(week, zone),
            "card": card,
            "is_current_week": week == IsoWeek.containing(timezone.now(), zone),
            "day": day,
            "day_rows": service_rows(line, selected) if selected is not None else [],
            "intervals": intervals,
            "week_error": error,
        },
        status=400 if error else 200,
    )


@client_page(Action.VIEW_SLA)
@require_GET
def sla_chart(request, service_line_id: int):
    """The line's week (or ``?day=``) by interval as an SVG image."""
    client = request.tenant
    zone = ZoneInfo(client.time_zone)
    week, day, _ = _week_and_day(request, zone)
    line = selectors.get_line_week_figures(
        client=client, service_line_id=service_line_id, week=week
    )
    starts_at, ends_at = line.week.starts_at, line.week.ends_at
    span_words = f"week {week}"
    if day is not None:
        starts_at = selectors.local_midnight(day, zone)
        ends_at = selectors.local_midnight(day + timedelta(days=1), zone)
        span_words = f"{day:%A} {day}"
    volume_name = "first responses" if line.is_async else "contacts offered"
    level_name = "share of first responses in time" if line.is_async else "service level"
    svg = interval_chart_svg(
        points=[
            IntervalPoint(span.starts_at, span_volume(line, span), span_level(line, span))
            for span in line.intervals
        ],
        starts_at=starts_at,
        ends_at=ends_at,
        zone=zone,
        interval_minutes=line.interval_minutes or 15,
        target_level=target_level(line),
        title=f"{line.service_line.name}, {span_words}: {volume_name} and {level_name} by interval",
        description=(
            f"Filled steps: {volume_name} per interval (left axis). Line: {level_name} per "
            "interval (right axis, 0 to 100 %). Dashed line: the target."
        ),
        volume_label="First responses" if line.is_async else "Offered",
        level_label="In time" if line.is_async else "Service level",
        chart_id=f"sla-chart-{line.service_line.pk}",
    )
    response = HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")
    response["Cache-Control"] = "private, max-age=300"
    return response
