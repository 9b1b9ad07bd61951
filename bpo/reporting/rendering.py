"""One code path for the report page and the PDF: the snapshot's charts (server-rendered SVG,
``bpo.charts``, deterministic) and one template, ``reporting/_report.html``, which the page
(``reporting/report_page.html``, inside the portal) and the PDF document
(``reporting/report_document.html``, for weasyprint) both include with the same context."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string

from bpo import charts


def line_charts(line: dict[str, Any], week: str) -> dict[str, str]:
    """The charts of one line's section, from its snapshot alone: SVG drawn by ``bpo.charts``,
    each as an image whose text is the chart's title and description."""
    labels = [day["short"] for day in line["days"]]
    name = line["name"]
    level_name = line["level_label"]
    drawn: dict[str, tuple[str, str, str]] = {}

    def draw(key: str, function, *, title: str, description: str, **arguments) -> None:
        svg = function(title=title, description=description, **arguments)
        drawn[key] = (svg, title, description)

    draw(
        "level_by_day",
        charts.day_bars_svg,
        labels=labels,
        series=[
            ("This week", [day["level_number"] for day in line["days"]]),
            ("Week before", [day["previous_level_number"] for day in line["days"]]),
        ],
        percent=True,
        target=line["target_level"],
        y_label=level_name,
        title=f"{name}: {level_name.lower()} by day, week {week} and the week before",
        description="Bars per day: this week, then the week before; the dashed line is "
        "the target. The table below gives the figures.",
        chart_id=f"level-{line['id']}",
    )
    volume_series = [(line["volume_label"], [day["volume"] for day in line["days"]])]
    if line["volume"] is not None:
        volume_series.append(("Forecast", [day["forecast"] for day in line["days"]]))
    draw(
        "volume",
        charts.day_bars_svg,
        labels=labels,
        series=volume_series,
        y_label="Contacts",
        title=f"{name}: {line['volume_label'].lower()} by day against forecast, week {week}",
        description="Bars per day: contacts, then the forecast where one exists. The table "
        "below gives the figures.",
        chart_id=f"volume-{line['id']}",
    )
    draw(
        "heat_map",
        charts.level_heat_map_svg,
        day_labels=[row["label"] for row in line["heat_map"]["rows"]],
        cells=[row["cells"] for row in line["heat_map"]["rows"]],
        minutes=line["heat_map"]["minutes"],
        target=line["target_level"],
        title=f"{name}: {level_name.lower()} by day and hour, week {week}",
        description="Each cell is one hour of one day, coloured by its level against the "
        "target (10 points or more under, under, at or up to 10 above, 10 or more above); "
        "white cells had no contacts.",
        chart_id=f"heat-{line['id']}",
    )
    return {
        key: charts.svg_image(svg, alt=f"{title}. {description}")
        for key, (svg, title, description) in drawn.items()
    }


def report_context(snapshot: dict[str, Any], *, report=None) -> dict[str, Any]:
    sections = [
        {
            "line": line,
            "charts": line_charts(line, snapshot["week"]) if line["has_contacts"] else {},
        }
        for line in snapshot["lines"]
    ]
    return {"report": report, "snapshot": snapshot, "sections": sections}


def render_report_document(snapshot: dict[str, Any], *, revision: int) -> str:
    """The whole HTML document weasyprint turns into the PDF. Nothing in it depends on when
    or where it is rendered: the same snapshot gives the same HTML, so the same PDF bytes."""
    context = report_context(snapshot)
    context["revision"] = revision
    return render_to_string("reporting/report_document.html", context)
