"""bpo.charts: the interval chart is an accessible, deterministic SVG; a DST day is 25 hours."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from bpo.charts import IntervalPoint, Series, interval_chart_svg, line_chart

NEW_YORK = ZoneInfo("America/New_York")


def _chart(points, starts_at, ends_at, **extra):
    return interval_chart_svg(
        points=points,
        starts_at=starts_at,
        ends_at=ends_at,
        zone=NEW_YORK,
        title="Billing & co, week 2026-W05",
        description="Offered and service level <by interval>",
        **extra,
    )


def test_the_same_figures_give_the_same_bytes_with_title_and_description():
    # given a week of intervals
    start = datetime(2026, 1, 26, 5, tzinfo=UTC)
    points = [
        IntervalPoint(start + timedelta(minutes=15 * i), i % 9, (i % 5) / 4) for i in range(672)
    ]

    # when
    first = _chart(points, start, start + timedelta(days=7), target_level=0.8)
    second = _chart(points, start, start + timedelta(days=7), target_level=0.8)

    # then
    assert first == second
    assert first.startswith("<svg")
    assert 'role="img"' in first and 'aria-labelledby="chart-title chart-desc"' in first
    assert '<title id="chart-title">Billing &amp; co, week 2026-W05</title>' in first
    assert "&lt;by interval&gt;" in first
    assert "<dc:date>" not in first
    # each local midnight is labelled with its weekday
    for label in ("Mon 26", "Tue 27", "Sun 1"):
        assert label in first
    # and other figures draw another chart
    assert _chart(points[:10], start, start + timedelta(days=7)) != first


def test_a_fall_back_day_spans_25_hours():
    # given Sunday 1 November 2026 in New York (25 hours) with one interval at its end
    start = datetime(2026, 11, 1, 4, tzinfo=UTC)
    end = datetime(2026, 11, 2, 5, tzinfo=UTC)
    points = [IntervalPoint(end - timedelta(minutes=15), 3, 1.0)]

    # when
    svg = _chart(points, start, end)

    # then the x axis ends at 25 hours and is labelled in local time every 3 hours
    assert (end - start) == timedelta(hours=25)
    labels = re.findall(r">(\d\d:\d\d)<", svg) or re.findall(r"(\d\d:\d\d)", svg)
    assert "00:00" in labels and "23:00" in labels


def _line_chart(title="Contacts <per> interval"):
    return line_chart(
        series=[
            Series("Forecast", [1, 3, 2, None, 4]),
            Series("Agents", [1, 1, 2, 2, 1], kind="step"),
        ],
        title=title,
        y_label="Contacts",
        x_ticks=[(0, "Mon"), (3, "Tue")],
        separators=[2.5],
    )


def test_a_line_chart_gives_the_same_bytes_for_the_same_data():
    assert _line_chart() == _line_chart()


def test_a_line_chart_is_inline_ready_scalable_and_titled():
    svg = str(_line_chart())
    assert svg.startswith(
        '<svg role="img" aria-label="Contacts &lt;per&gt; interval" class="chart"'
    )
    assert "<?xml" not in svg and "<!DOCTYPE" not in svg
    assert 'width="100%"' in svg and "viewBox=" in svg
    # no timestamp, and text stays text (searchable, read by screen readers)
    assert "<dc:date>" not in svg
    assert ">Mon<" in svg or "Mon</text>" in svg


def test_the_coverage_heat_map_is_deterministic_and_shows_under_and_over_cover():
    from bpo.charts import (
        HEAT_LEGEND,
        OVER_COLOURS,
        UNDER_COLOURS,
        coverage_heat_map_svg,
        heat_class,
    )

    # given a week of half hours: Monday short by 3, Tuesday over by 1, the rest matching
    differences = [[None] * 16 + [0.0] * 32 for _ in range(7)]
    differences[0][20] = -3.0
    differences[1][21] = 0.5

    def draw(values):
        return coverage_heat_map_svg(
            day_labels=[f"Day {i}" for i in range(7)],
            differences=values,
            interval_minutes=30,
            title="Coverage <week>",
            description="Red short, blue over",
        )

    # when
    first, second = draw(differences), draw(differences)
    # then
    assert first == second and first.startswith("<svg")
    assert "Coverage &lt;week&gt;" in first and 'role="img"' in first

    # each colour is drawn once in the legend and once per cell of its band
    def cells(colour):
        return first.count(f"fill: {colour}") - 1

    assert (cells(UNDER_COLOURS[0]), cells(OVER_COLOURS[0])) == (1, 1)
    assert (cells(UNDER_COLOURS[1]), cells(UNDER_COLOURS[2]), cells(OVER_COLOURS[2])) == (0, 0, 0)
    for label, _ in HEAT_LEGEND:
        assert label in first
    assert "Day 6" in first and "12:00" in first
    assert draw([[0.0] * 48 for _ in range(7)]) != first
    assert [heat_class(v) for v in (-3.5, -2, -0.2, 0, 0.004, 0.3, 1.0, 1.5, 7)] == [
        -3,
        -2,
        -1,
        0,
        0,
        1,
        1,
        2,
        3,
    ]


def test_a_report_chart_becomes_an_image_with_its_size_and_text():
    import base64

    from bpo.charts import day_bars_svg, svg_image

    # given a weekly report chart
    svg = day_bars_svg(
        labels=["Mon 1", "Tue 2"],
        series=[("Week", [0.5, None])],
        percent=True,
        target=0.8,
        y_label="Level",
        title="t",
        description="d",
    )

    # when it is embedded as an image
    image = svg_image(svg, alt='Level <by day> & "target"')

    # then the data URL holds the very SVG, the size comes from its view box, the text is escaped
    encoded = re.search(r'src="data:image/svg\+xml;base64,([^"]+)"', image).group(1)
    assert base64.b64decode(encoded).decode() == svg
    assert 'width="300" height="160"' in image
    assert 'alt="Level &lt;by day&gt; &amp; &quot;target&quot;"' in image
    assert image == svg_image(svg, alt='Level <by day> & "target"')
