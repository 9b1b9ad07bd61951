"""The weekly report's content: one client's ISO week as a metrics snapshot (plain JSON), built
only from the SLA figures (``scheduling.planning.selectors.sla``, whose every figure is its
intervals' summed counts put through ``scheduling.engine.kpi``), the forecasts and published
plans of the planning app, and the week's QA summary of the quality app.

Nothing here computes a service figure a second way: sums of intervals (a heat-map cell that
holds two intervals of a repeated DST hour) go through ``kpi.sum_totals`` and the same
formulas. Every figure carries its source: the formula, the numbers it divides, and the rows
it was read from.

The snapshot is what the report is: the page and the PDF both render it (``rendering``), so
they show the same figures, and the stored report keeps it as it was at generation.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from bpo.catalog.models import Channel, ServiceLine
from scheduling.engine import kpi
from scheduling.planning.models import (
    Forecast,
    ForecastInterval,
    ForecastStatus,
    ImportStatus,
    Plan,
    PlanStatus,
    StatisticsImport,
)
from scheduling.planning.selectors import plans as plan_selectors
from scheduling.planning.selectors import sla
from scheduling.planning.selectors.sla import IsoWeek, LineFigures, SpanFigures

SNAPSHOT_VERSION = 1
NO_CONTACTS = "No contacts"
NO_ANSWERS = "No answers"
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
HEAT_MAP_MINUTES = 60  # one column per hour of the wall clock: readable on a page and a phone
ESCALATIONS_NOT_RECORDED = (
    "Escalations are not recorded in the portal yet: the catalog holds each line's escalation "
    "paths (who is called, when), not the escalations that happened. This section lists them "
    "once they are recorded."
)
CHANNEL_LABELS = dict(Channel.choices)


# --- words for figures (the portal's, as the SLA pages write them) -----------------------------


def plain(value: Decimal | int | float) -> str:
    """80.00 -> "80", 92.50 -> "92.5"."""
    return format(Decimal(str(value)).normalize(), "f")


def percent_text(value: float | None, empty: str = NO_CONTACTS) -> str:
    return empty if value is None else f"{value * 100:.1f} %"


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


def count_text(value: float | int) -> str:
    return f"{round(value):,}"


def _outcome(outcome: kpi.Outcome | None) -> tuple[str, str]:
    if outcome is None:
        return kpi.Outcome.NO_TARGET.value, kpi.Outcome.NO_TARGET.label
    return outcome.value, outcome.label


def _figure(
    key: str,
    name: str,
    value: str,
    number: float | None,
    *,
    target: str = "",
    outcome: kpi.Outcome | None = None,
    source: str = "",
) -> dict[str, Any]:
    code, label = _outcome(outcome)
    return {
        "key": key,
        "name": name,
        "value": value,
        "number": number,
        "target": target or "No target",
        "outcome": code,
        "outcome_label": label,
        "source": source,
    }


# --- the service figures of a span ---------------------------------------------------------------


def _rows_text(intervals: int, imports: str) -> str:
    return f"{intervals:,} intervals of contact statistics{imports}"


def service_figures(line: LineFigures, span: SpanFigures, rows: str) -> list[dict[str, Any]]:
    """The week's KPIs of a live line against its targets, or of an async line's first
    responses; each with its formula and the numbers it divides."""
    figures, outcomes, targets, totals = span.figures, span.outcomes, line.targets, span.totals
    if line.is_async:
        within = (
            f"within {plain(targets.first_response_hours)} h"
            if targets.first_response_hours is not None
            else "within target"
        )
        return [
            _figure(
                "first_response_level",
                f"First responses {within}",
                percent_text(figures.first_response_level),
                figures.first_response_level,
                target=f"at least {plain(targets.first_response_percent)} %"
                if targets.first_response_percent is not None
                else "",
                outcome=outcomes["first_response_level"],
                source=f"first responses within target / first responses = "
                f"{totals.first_responses_within_target:,} / {totals.first_responses:,}; {rows}",
            ),
            _figure(
                "mean_first_response",
                "Mean time to first response",
                duration_text(figures.mean_first_response_seconds),
                figures.mean_first_response_seconds,
                source=f"first-response seconds / first responses = "
                f"{totals.first_response_seconds:,} / {totals.first_responses:,}; {rows}",
            ),
        ]
    numerator, denominator = kpi.service_level_terms(totals, line.convention)
    level_target = ""
    if targets.service_level_percent is not None:
        level_target = (
            f"at least {plain(targets.service_level_percent)} % within "
            f"{targets.service_level_seconds} s"
        )
    lost = totals.abandoned - totals.short_abandoned
    return [
        _figure(
            "service_level",
            "Service level",
            percent_text(figures.service_level),
            figures.service_level,
            target=level_target,
            outcome=outcomes["service_level"],
            source=f"{line.convention.formula} = {numerator:,} / {denominator:,}; {rows}",
        ),
        _figure(
            "asa",
            "Average speed of answer",
            duration_text(figures.asa_seconds),
            figures.asa_seconds,
            target=f"at most {targets.asa_seconds} s" if targets.asa_seconds is not None else "",
            outcome=outcomes["asa_seconds"],
            source=f"wait of answered contacts / answered = "
            f"{totals.answered_wait_seconds:,} s / {totals.answered:,}; {rows}",
        ),
        _figure(
            "abandon_rate",
            "Abandon rate",
            percent_text(figures.abandon_rate_less_short),
            figures.abandon_rate_less_short,
            target=f"at most {plain(targets.max_abandon_percent)} %"
            if targets.max_abandon_percent is not None
            else "",
            outcome=outcomes["abandon_rate"],
            source=f"(abandoned - short abandons) / (offered - short abandons) = "
            f"{lost:,} / {totals.offered - totals.short_abandoned:,}; "
            f"with short abandons {percent_text(figures.abandon_rate)}; {rows}",
        ),
        _figure(
            "aht",
            "Average handle time",
            duration_text(figures.aht_seconds),
            figures.aht_seconds,
            source=f"(talk + hold + after-contact work) / answered = "
            f"{totals.handle_seconds:,} s / {totals.answered:,}; {rows}",
        ),
    ]


def _experience_figures(
    line: ServiceLine, targets: kpi.Targets, by_channel: dict[str, kpi.ExperienceTotals]
) -> list[dict[str, Any]]:
    """FCR, CSAT (per channel the answers came in) and CES of the week's CX results."""
    source_rows = "daily customer-experience results of the week"
    if not by_channel:
        return [
            _figure("fcr", "First-contact resolution", NO_ANSWERS, None, source=source_rows),
            _figure("csat", "CSAT, satisfied (4-5 of 5)", NO_ANSWERS, None, source=source_rows),
            _figure("ces", "Customer effort (CES), mean", NO_ANSWERS, None, source=source_rows),
        ]
    total = kpi.ExperienceTotals()
    for part in by_channel.values():
        total = total + part
    figures = kpi.experience_figures(total)
    outcomes = kpi.experience_outcomes(total, targets)
    rows = [
        _figure(
            "fcr",
            "First-contact resolution",
            percent_text(figures.fcr.value, NO_ANSWERS),
            figures.fcr.value,
            target=f"at least {plain(targets.fcr_percent)} %"
            if targets.fcr_percent is not None
            else "",
            outcome=outcomes["fcr"],
            source=f"resolved on first contact / contacts with a known outcome = "
            f"{total.fcr_resolved:,} / {total.fcr_contacts:,}; {source_rows}",
        )
    ]
    for channel in sorted(by_channel):
        part = by_channel[channel]
        part_figures = kpi.experience_figures(part)
        rows.append(
            _figure(
                f"csat_{channel}",
                f"CSAT, satisfied (4-5 of 5), {CHANNEL_LABELS.get(channel, channel or 'all')}",
                percent_text(part_figures.csat_satisfied.value, NO_ANSWERS),
                part_figures.csat_satisfied.value,
                target=f"at least {plain(targets.csat_percent)} %"
                if targets.csat_percent is not None
                else "",
                outcome=kpi.experience_outcomes(part, targets)["csat_satisfied"],
                source=f"answers of 4 or 5 / answers = {part.csat_satisfied:,} / "
                f"{part.csat_responses:,}; {source_rows}, channel "
                f"{CHANNEL_LABELS.get(channel, channel or 'not given')}",
            )
        )
    rows.append(
        _figure(
            "ces",
            "Customer effort (CES), mean",
            NO_ANSWERS if figures.ces_mean.value is None else f"{figures.ces_mean.value:.2f} of 7",
            figures.ces_mean.value,
            source=f"sum of scores / answers = {total.ces_score_total:,} / "
            f"{total.ces_responses:,}; {source_rows}",
        )
    )
    return rows


# --- by day, with the week before ----------------------------------------------------------------


def span_level(line: LineFigures, span: SpanFigures) -> float | None:
    return span.figures.first_response_level if line.is_async else span.figures.service_level


def span_volume(line: LineFigures, span: SpanFigures) -> int:
    return span.figures.first_responses if line.is_async else span.figures.offered


def target_level(line: LineFigures) -> float | None:
    target = (
        line.targets.first_response_percent if line.is_async else line.targets.service_level_percent
    )
    return None if target is None else float(target) / 100


def _days(
    line: LineFigures,
    previous: LineFigures | None,
    forecast_by_day: dict[date, float] | None,
    week: IsoWeek,
) -> list[dict[str, Any]]:
    outcome_name = "first_response_level" if line.is_async else "service_level"
    rows = []
    for index, (day, span) in enumerate(zip(week.days, line.days, strict=True)):
        before = previous.days[index] if previous is not None else None
        level = span_level(line, span)
        before_level = span_level(line, before) if before is not None else None
        forecast = None if forecast_by_day is None else forecast_by_day.get(day, 0.0)
        rows.append(
            {
                "date": day.isoformat(),
                "label": f"{WEEKDAYS[index]} {day.day} {day:%b}",
                "short": f"{WEEKDAYS[index]} {day.day}",
                "hours": round(span.hours, 2),
                "volume": span_volume(line, span),
                "answered": span.figures.answered,
                "abandoned": span.figures.abandoned,
                "level": percent_text(level),
                "level_number": level,
                "previous_level": percent_text(before_level),
                "previous_level_number": before_level,
                "outcome": span.outcomes[outcome_name].value,
                "outcome_label": span.outcomes[outcome_name].label,
                "asa": duration_text(span.figures.asa_seconds),
                "aht": duration_text(span.figures.aht_seconds),
                "abandon_rate": percent_text(span.figures.abandon_rate_less_short),
                "forecast": None if forecast is None else round(forecast, 1),
                "forecast_text": "" if forecast is None else count_text(forecast),
            }
        )
    return rows


# --- the day x hour heat map ---------------------------------------------------------------------


def heat_map(
    line: LineFigures, week: IsoWeek, zone: ZoneInfo, minutes: int = HEAT_MAP_MINUTES
) -> dict[str, Any]:
    """The week's level by local day (rows) and wall-clock slot (columns). A slot's figure is
    its intervals' summed counts through the line's formula; in a week with a DST change the
    repeated hour's two sets of intervals share one cell, and the skipped hour's cells are
    empty (``None``, "no such time")."""
    columns = 24 * 60 // minutes
    cells: dict[tuple[int, int], list[kpi.ContactTotals]] = defaultdict(list)
    monday = week.monday
    for span in line.intervals:
        local = span.starts_at.astimezone(zone)
        offset = (local.date() - monday).days
        if 0 <= offset < 7:
            cells[(offset, (local.hour * 60 + local.minute) // minutes)].append(span.totals)
    rows = []
    for day_index, day in enumerate(week.days):
        values: list[float | None] = []
        for column in range(columns):
            parts = cells.get((day_index, column))
            if not parts:
                values.append(None)
                continue
            totals = kpi.sum_totals(parts)
            if line.is_async:
                values.append(kpi.first_response_level(totals))
            else:
                values.append(kpi.service_level(totals, line.convention))
        rows.append({"label": f"{WEEKDAYS[day_index]} {day.day}", "cells": values})
    return {"minutes": minutes, "columns": columns, "rows": rows}


# --- forecast, staffing, sources -----------------------------------------------------------------


def _forecasts_by_line(
    starts_at: datetime, ends_at: datetime, zone: ZoneInfo
) -> dict[int, tuple[dict[str, Any], dict[date, float]]]:
    """Each line's newest ready forecast covering the week, with its volume per local day
    (the adjusted volume, the one the staffing requirement was computed from). Two queries."""
    newest: dict[int, Forecast] = {}
    for forecast in (
        Forecast.objects.filter(status=ForecastStatus.READY, starts_at__lt=ends_at)
        .filter(ends_at__gt=starts_at)
        .order_by("service_line_id", "-version")
    ):
        newest.setdefault(forecast.service_line_id, forecast)
    by_forecast: dict[int, dict[date, float]] = defaultdict(lambda: defaultdict(float))
    counts: dict[int, int] = defaultdict(int)
    for forecast_id, moment, volume in ForecastInterval.objects.filter(
        forecast_id__in=[forecast.pk for forecast in newest.values()],
        starts_at__gte=starts_at,
        starts_at__lt=ends_at,
    ).values_list("forecast_id", "starts_at", "adjusted_volume"):
        by_forecast[forecast_id][moment.astimezone(zone).date()] += volume
        counts[forecast_id] += 1
    return {
        line_id: (
            {
                "id": forecast.pk,
                "version": forecast.version,
                "intervals": counts[forecast.pk],
            },
            dict(by_forecast[forecast.pk]),
        )
        for line_id, forecast in newest.items()
    }


def _staffing(week: IsoWeek) -> tuple[dict[str, Any] | None, dict[int, dict[str, Any]]]:
    """Scheduled against required agent hours of the week's published plan, for the plan and
    per line (``plan_coverage``: the plan's work parts per interval against the newest ready
    forecasts' staffing requirement)."""
    plan = Plan.objects.filter(week_starts_on=week.monday, status=PlanStatus.PUBLISHED).first()
    if plan is None:
        return None, {}
    coverage = plan_selectors.plan_coverage(plan=plan)
    hours = coverage.interval_minutes / 60
    per_line: dict[int, dict[str, Any]] = {}
    for line_id, grid in coverage.required.items():
        if line_id is None:
            continue
        covered = coverage.covered.get(line_id) or coverage._empty()
        required = sum(sum(row) for row in grid) * hours
        scheduled = sum(sum(row) for row in covered) * hours
        short = (
            sum(
                max(req - cov, 0)
                for req_row, cov_row in zip(grid, covered, strict=True)
                for req, cov in zip(req_row, cov_row, strict=True)
            )
            * hours
        )
        per_line[line_id] = {
            "required_hours": round(required, 1),
            "scheduled_hours": round(scheduled, 1),
            "shortfall_hours": round(short, 1),
            "source": f"agents required per interval (staffing requirement of the newest "
            f"forecast) against the work of plan #{plan.pk}, revision {plan.revision}, "
            f"{coverage.interval_minutes}-minute intervals",
        }
    figures = plan_selectors.coverage_figures(coverage)
    return {"id": plan.pk, "revision": plan.revision, **figures}, per_line


def _imports_text(starts_at: datetime, ends_at: datetime) -> tuple[str, list[int]]:
    ids = list(
        StatisticsImport.objects.filter(
            status=ImportStatus.COMMITTED,
            replaced_from__lt=ends_at,
            replaced_until__gt=starts_at,
        )
        .order_by("id")
        .values_list("id", flat=True)
    )
    if not ids:
        return "", ids
    names = ", ".join(f"#{pk}" for pk in ids)
    return f", import{'s' if len(ids) > 1 else ''} {names}", ids


def _experience_by_channel(
    rows: Sequence[sla.ExperienceRow], week: IsoWeek
) -> dict[int, dict[str, kpi.ExperienceTotals]]:
    result: dict[int, dict[str, kpi.ExperienceTotals]] = defaultdict(dict)
    channels = {(row.service_line_id, row.channel) for row in rows}
    for line_id, channel in channels:
        totals = sla.experience_by_line(
            [row for row in rows if row.service_line_id == line_id], days=week.days, channel=channel
        )
        if line_id in totals:
            result[line_id][channel] = totals[line_id]
    return result


# --- the whole report ----------------------------------------------------------------------------


def build_snapshot(*, client, week: IsoWeek, qa: dict[str, Any] | None = None) -> dict[str, Any]:
    """The week's report as plain data. Run with the client's schema active. ``qa`` is the
    QA section's data (``bpo.reporting.qa``), or ``None`` where QA has nothing to say."""
    zone = ZoneInfo(client.time_zone)
    experience = sla.experience_rows_of_week(client=client, week=week)
    figures = sla.list_week_figures(
        client=client, week=week, with_intervals=True, experience_rows=experience
    )
    previous = {
        line.service_line.pk: line
        for line in sla.list_week_figures(client=client, week=week.previous).lines
    }
    imports, import_ids = _imports_text(figures.starts_at, figures.ends_at)
    forecasts = _forecasts_by_line(figures.starts_at, figures.ends_at, zone)
    plan, staffing = _staffing(week)
    experience_channels = _experience_by_channel(experience, week)
    qa_lines = {str(line["id"]): line for line in (qa or {}).get("lines", [])}
    lines = []
    for line in figures.lines:
        service_line = line.service_line
        rows_text = _rows_text(len(line.intervals), imports)
        kpis = service_figures(line, line.week, rows_text) + _experience_figures(
            service_line, line.targets, experience_channels.get(service_line.pk, {})
        )
        kpis.append(_qa_figure(service_line, qa_lines.get(str(service_line.pk))))
        forecast, forecast_days = forecasts.get(service_line.pk, (None, None))
        days = _days(line, previous.get(service_line.pk), forecast_days, week)
        offered = sum(day["volume"] for day in days)
        volume = None
        if forecast is not None:
            expected = sum(forecast_days.values()) if forecast_days else 0.0
            volume = {
                **forecast,
                "offered": offered,
                "forecast": round(expected, 1),
                "forecast_text": count_text(expected),
                "difference_text": percent_text((offered - expected) / expected)
                if expected
                else "",
                "source": f"offered per day ({rows_text}) against the adjusted volume of "
                f"forecast #{forecast['id']}, version {forecast['version']} "
                f"({forecast['intervals']:,} forecast intervals)",
            }
        lines.append(
            {
                "id": service_line.pk,
                "name": service_line.name,
                "channel": service_line.channel,
                "channel_label": service_line.get_channel_display(),
                "is_async": line.is_async,
                "convention": line.convention.label,
                "formula": line.convention.formula,
                "interval_minutes": line.interval_minutes,
                "intervals": len(line.intervals),
                "has_contacts": line.week.has_contacts,
                "offered": offered,
                "answered": line.week.figures.answered,
                "abandoned": line.week.figures.abandoned,
                "target_level": target_level(line),
                "volume_label": "First responses" if line.is_async else "Offered",
                "level_label": "First responses in time" if line.is_async else "Service level",
                "kpis": kpis,
                "met": sum(1 for figure in kpis if figure["outcome"] == "met"),
                "missed": sum(1 for figure in kpis if figure["outcome"] == "missed"),
                "days": days,
                "heat_map": heat_map(line, week, zone),
                "volume": volume,
                "staffing": staffing.get(service_line.pk),
            }
        )
    return {
        "version": SNAPSHOT_VERSION,
        "client": {"name": client.name, "slug": client.slug, "time_zone": client.time_zone},
        "week": str(week),
        "previous_week": str(week.previous),
        "first_day": week.monday.isoformat(),
        "last_day": week.days[-1].isoformat(),
        "first_day_text": f"{week.monday.day} {week.monday:%B %Y}",
        "last_day_text": f"{week.days[-1].day} {week.days[-1]:%B %Y}",
        "hours": round(figures.hours, 2),
        "has_statistics": figures.has_statistics,
        "statistics_imports": import_ids,
        "lines": lines,
        "plan": plan,
        "qa": qa,
        "escalations": {"recorded": False, "text": ESCALATIONS_NOT_RECORDED, "items": []},
    }


def _qa_figure(line: ServiceLine, qa_line: dict[str, Any] | None) -> dict[str, Any]:
    target = line.qa_score_percent
    target_text = f"at least {plain(target)} %" if target is not None else ""
    if qa_line is None or qa_line.get("score") is None:
        return _figure(
            "qa_score",
            "QA score",
            "No evaluations",
            None,
            target=target_text,
            outcome=kpi.Outcome.NO_CONTACTS if target is not None else None,
            source="evaluations of the week (QA)",
        )
    score = float(qa_line["score"])
    outcome = None
    if target is not None:
        outcome = kpi.Outcome.MET if score >= float(target) else kpi.Outcome.MISSED
    return _figure(
        "qa_score",
        "QA score",
        f"{score:.1f} %",
        score / 100,
        target=target_text,
        outcome=outcome,
        source=qa_line.get("source", "evaluations of the week (QA)"),
    )
