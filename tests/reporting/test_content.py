"""The weekly report's figures: equal to figures computed here from the raw interval rows,
by week, by day (a DST week of 169 hours) and by day and hour; found again in the PDF's text;
the same data gives the same PDF bytes."""

from __future__ import annotations

import io
from collections import defaultdict
from datetime import date
from zoneinfo import ZoneInfo

import pypdf
import pytest

from bpo import pdf
from bpo.reporting import content, rendering, services, workers
from scheduling.planning.selectors.sla import IsoWeek
from tests.catalog.factories import ServiceLineFactory
from tests.reporting.helpers import line_targets, store_experience, store_week

pytestmark = pytest.mark.django_db

# 2026-W44: Monday 26 October to Sunday 1 November; New York leaves DST on Sunday 1 November
# at 02:00 (back to 01:00), so the week has 169 hours and Sunday 25.
DST_WEEK = IsoWeek(2026, 44)
# 2026-W10: Monday 2 March to Sunday 8 March; New York enters DST on Sunday at 02:00.
SPRING_WEEK = IsoWeek(2026, 10)
NEW_YORK = ZoneInfo("America/New_York")


def _pct(numerator: float, denominator: float) -> str:
    return f"{numerator / denominator * 100:.1f} %"


def _seconds(numerator: float, denominator: float) -> str:
    return content.duration_text(numerator / denominator)


def _sums(rows):
    total: dict[str, int] = defaultdict(int)
    for row in rows:
        for name in (
            "offered",
            "answered",
            "abandoned",
            "short_abandoned",
            "answered_within_threshold",
            "answered_wait_seconds",
            "talk_seconds",
            "hold_seconds",
            "acw_seconds",
        ):
            total[name] += getattr(row, name)
    return total


def _level(total) -> str:
    return _pct(
        total["answered_within_threshold"],
        total["answered"] + total["abandoned"] - total["short_abandoned"],
    )


def _kpi(line: dict, key: str) -> dict:
    return next(figure for figure in line["kpis"] if figure["key"] == key)


@pytest.fixture
def dst_week(in_a):
    lines = [ServiceLineFactory(name=f"Line {n}", **line_targets()) for n in ("A", "B", "C")]
    rows = store_week(lines, DST_WEEK, NEW_YORK)
    store_week(lines, DST_WEEK.previous, NEW_YORK)
    store_experience(lines[0], DST_WEEK)
    return lines, rows


def test_the_week_figures_equal_those_computed_from_the_raw_rows(in_a, dst_week):
    # given three lines with every interval of a DST week stored
    lines, rows = dst_week

    # when the report's snapshot is built
    snapshot = content.build_snapshot(client=in_a, week=DST_WEEK)

    # then each line's week figures are the raw rows' sums through the formulas
    assert [line["name"] for line in snapshot["lines"]] == ["Line A", "Line B", "Line C"]
    for service_line, line in zip(lines, snapshot["lines"], strict=True):
        own = [row for row in rows if row.service_line_id == service_line.pk]
        total = _sums(own)
        assert _kpi(line, "service_level")["value"] == _level(total)
        assert _kpi(line, "asa")["value"] == _seconds(
            total["answered_wait_seconds"], total["answered"]
        )
        assert _kpi(line, "abandon_rate")["value"] == _pct(
            total["abandoned"] - total["short_abandoned"],
            total["offered"] - total["short_abandoned"],
        )
        assert _kpi(line, "aht")["value"] == _seconds(
            total["talk_seconds"] + total["hold_seconds"] + total["acw_seconds"],
            total["answered"],
        )
        assert line["offered"] == total["offered"]
        # and each figure names its formula, the numbers it divides and the rows it read
        numerator = total["answered_within_threshold"]
        denominator = total["answered"] + total["abandoned"] - total["short_abandoned"]
        assert _kpi(line, "service_level")["source"] == (
            "answered within threshold / (answered + abandoned - short abandons) = "
            f"{numerator:,} / {denominator:,}; {len(own):,} intervals of contact statistics"
        )
        assert line["intervals"] == len(own) == 169 * 4


def test_met_and_missed_are_said_in_words(in_a, dst_week):
    snapshot = content.build_snapshot(client=in_a, week=DST_WEEK)
    line = snapshot["lines"][0]
    level = _kpi(line, "service_level")
    assert level["target"] == "at least 80 % within 20 s"
    assert level["outcome_label"] == ("Met" if level["number"] >= 0.8 else "Missed")
    assert _kpi(line, "aht")["outcome_label"] == "No target"
    # CX results: CSAT by the channel the answers came in, FCR and CES from their sums
    assert _kpi(line, "csat_voice")["name"] == "CSAT, satisfied (4-5 of 5), Voice"
    satisfied = sum(15 + index // 2 for index in range(7))
    answers = sum(20 + index for index in range(7))
    assert _kpi(line, "csat_voice")["value"] == _pct(satisfied, answers)
    assert _kpi(line, "fcr")["value"] == _pct(sum(22 + i % 3 for i in range(7)), 30 * 7)
    assert _kpi(line, "ces")["value"] == f"{sum(30 + i for i in range(7)) / 70:.2f} of 7"
    assert _kpi(snapshot["lines"][1], "fcr")["value"] == "No answers"


def test_days_of_a_dst_week_have_their_own_hours_and_figures(in_a, dst_week):
    # given the week New York leaves DST (Sunday has 25 hours)
    lines, rows = dst_week

    # when
    snapshot = content.build_snapshot(client=in_a, week=DST_WEEK)

    # then the week has 169 hours and each day its local intervals' figures
    assert snapshot["hours"] == 169
    line = snapshot["lines"][0]
    assert [day["hours"] for day in line["days"]] == [24, 24, 24, 24, 24, 24, 25]
    by_day = defaultdict(list)
    for row in rows:
        if row.service_line_id == lines[0].pk:
            by_day[row.starts_at.astimezone(NEW_YORK).date()].append(row)
    for day in line["days"]:
        own = by_day[date.fromisoformat(day["date"])]
        assert day["level"] == _level(_sums(own))
        assert day["volume"] == _sums(own)["offered"]
    assert len(by_day[date(2026, 11, 1)]) == 100  # 25 hours of 15 minutes
    # and the week before is there for comparison, from its own rows
    assert all(day["previous_level"].endswith("%") for day in line["days"])


def test_the_heat_map_puts_the_repeated_hour_in_one_cell(in_a, dst_week):
    # given
    lines, rows = dst_week

    # when
    heat = content.build_snapshot(client=in_a, week=DST_WEEK)["lines"][0]["heat_map"]

    # then Sunday 01:00-02:00 holds both 01:00 hours (8 intervals), through the formula
    repeated = [
        row
        for row in rows
        if row.service_line_id == lines[0].pk
        and row.starts_at.astimezone(NEW_YORK).date() == date(2026, 11, 1)
        and row.starts_at.astimezone(NEW_YORK).hour == 1
    ]
    assert len(repeated) == 8
    total = _sums(repeated)
    expected = total["answered_within_threshold"] / (
        total["answered"] + total["abandoned"] - total["short_abandoned"]
    )
    assert heat["rows"][6]["label"] == "Sun 1"
    assert heat["rows"][6]["cells"][1] == pytest.approx(expected)
    assert len(heat["rows"]) == 7 and all(len(row["cells"]) == 24 for row in heat["rows"])


def test_the_spring_dst_day_has_23_hours_and_no_2_am(in_a):
    # given a week of statistics in which New York skips 02:00-03:00 on Sunday
    line = ServiceLineFactory(name="Spring", **line_targets())
    store_week([line], SPRING_WEEK, NEW_YORK)

    # when
    snapshot = content.build_snapshot(client=in_a, week=SPRING_WEEK)

    # then
    figures = snapshot["lines"][0]
    assert snapshot["hours"] == 167
    assert figures["days"][6]["hours"] == 23
    assert figures["heat_map"]["rows"][6]["cells"][2] is None  # no such time
    assert figures["heat_map"]["rows"][5]["cells"][2] is not None


def test_the_pdf_says_the_figures_and_the_same_data_gives_the_same_bytes(in_a, dst_week):
    # given a rendered report
    lines, rows = dst_week
    report, _ = services.ensure_weekly_report(week=DST_WEEK)
    report = workers.render_weekly_report(report_id=report.pk)
    assert report.status == "ready"

    # then the PDF's text holds the figures computed here from the raw rows
    text = "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(report.pdf)).pages)
    text = " ".join(text.split())
    own = [row for row in rows if row.service_line_id == lines[0].pk]
    total = _sums(own)
    assert _level(total) in text
    assert _seconds(total["answered_wait_seconds"], total["answered"]) in text
    monday = [row for row in own if row.starts_at.astimezone(NEW_YORK).date() == date(2026, 10, 26)]
    assert _level(_sums(monday)) in text
    assert "week 2026-W44" in text and "169 hours in America/New_York" in text
    assert report.page_count == len(pypdf.PdfReader(io.BytesIO(report.pdf)).pages)

    # and building and rendering the same week again gives the very same bytes
    again = content.build_snapshot(client=in_a, week=DST_WEEK, qa=report.snapshot["qa"])
    assert again == report.snapshot
    rendered = pdf.render_pdf(
        rendering.render_report_document(again, revision=1),
        title=f"Weekly report {DST_WEEK} · {in_a.name}",
    )
    assert rendered.content == bytes(report.pdf)
    assert rendered.sha256 == report.sha256
    assert b"CreationDate" not in rendered.content and b"ModDate" not in rendered.content


def test_charts_are_deterministic_svg_without_dates():
    from bpo import charts

    def draw():
        return charts.day_bars_svg(
            labels=["Mon", "Tue"],
            series=[("Week", [0.8, None]), ("Before", [0.7, 0.9])],
            percent=True,
            target=0.8,
            y_label="Service level",
            title="t",
            description="d",
        ) + charts.level_heat_map_svg(
            day_labels=["Mon"],
            cells=[[0.5, None, 0.95]],
            minutes=60,
            target=0.8,
            title="t",
            description="d",
        )

    assert draw() == draw()
    assert "2026" not in draw() and "<svg" in draw()
