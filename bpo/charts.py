"""Server-rendered SVG charts, the same in a page and in a PDF (weasyprint).

matplotlib draws them without pyplot (no global state, safe in threads) and with deterministic
output: ``svg.hashsalt`` fixed and no date in the metadata, so the same figures always give the
same bytes (a report's hash stays stable). Text stays text (``svg.fonttype = none``): smaller,
selectable, and styled by the page's font. Each chart comes with a title and description for
assistive technology; pages also show the figures as a table.


Shapes: ``interval_chart_svg`` (a day or week by interval: volume and level against target,
for the SLA pages), ``line_chart`` (series over positions: forecast against actuals, agents
required), which returns markup already marked safe, ``coverage_heat_map_svg`` (a plan's
coverage), and for the weekly report ``day_bars_svg`` (grouped bars per day, e.g. service level
with the week before) and ``level_heat_map_svg`` (a level by day and hour against target),
these two written as SVG directly (why: above them), and ``svg_image`` (an SVG as an image, as
the weekly report embeds its charts).
"""

from __future__ import annotations

import base64
import io
import math
import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from matplotlib import rc_context
from matplotlib.backends.backend_svg import FigureCanvasSVG
from matplotlib.figure import Figure

SVG_SETTINGS: dict[str, Any] = {
    "svg.hashsalt": "bpo-portal",
    "svg.fonttype": "none",
    "font.family": "DejaVu Sans",
    "font.size": 8,
    "axes.spines.top": False,
    "xtick.labelsize": 8,
    "ytick.labelsize": 8,
    "axes.labelsize": 8,
}
VOLUME_COLOUR = "#9bb7d4"
LEVEL_COLOUR = "#1f4e79"
TARGET_COLOUR = "#b03a2e"
DAY_LINE_COLOUR = "#c8c8c8"
_SIZE = re.compile(r'<svg([^>]*?) width="[^"]*" height="[^"]*"')


@dataclass(frozen=True)
class IntervalPoint:
    """One interval of a chart: its start (aware), its volume and its level (0 to 1, or
    ``None`` without contacts)."""

    starts_at: datetime
    volume: int
    level: float | None


def _hours_between(start: datetime, instant: datetime) -> float:
    return (instant - start).total_seconds() / 3600


def _local_midnights(starts_at: datetime, ends_at: datetime, zone: ZoneInfo) -> list[datetime]:
    first = starts_at.astimezone(zone).date()
    midnights: list[datetime] = []
    day = first
    while True:
        midnight = datetime(day.year, day.month, day.day, tzinfo=zone)
        if midnight >= ends_at:
            return midnights
        if midnight >= starts_at:
            midnights.append(midnight)
        day = date.fromordinal(day.toordinal() + 1)


def interval_chart_svg(
    *,
    points: Sequence[IntervalPoint],
    starts_at: datetime,
    ends_at: datetime,
    zone: ZoneInfo,
    interval_minutes: int = 15,
    target_level: float | None = None,
    title: str,
    description: str,
    volume_label: str = "Contacts offered",
    level_label: str = "Service level",
    chart_id: str = "chart",
) -> str:
    """A span (a day or a week) by interval: the volume of each interval as a filled step on
    the left axis, the level of each interval (0-100 %) as a line on the right axis, the target
    as a dashed line, and each local midnight marked with its weekday and date. Positions are
    elapsed hours from ``starts_at``, so a day of a DST change is 23 or 25 hours wide."""
    total_hours = _hours_between(starts_at, ends_at)
    step = timedelta(minutes=interval_minutes)
    count = max(1, math.ceil(total_hours * 60 / interval_minutes))
    volumes = [0] * count
    levels = [math.nan] * count
    for point in points:  # by position, so a grid offset from ``starts_at`` still lands
        index = int((point.starts_at - starts_at) / step)
        if 0 <= index < count:
            volumes[index] += point.volume
            if point.level is not None:
                levels[index] = point.level * 100
    edges = [index * interval_minutes / 60 for index in range(count)] + [total_hours]
    centres = [(index + 0.5) * interval_minutes / 60 for index in range(count)]
    volumes.append(volumes[-1])

    with rc_context(SVG_SETTINGS):  # type: ignore[arg-type]
        figure = Figure(figsize=(9.0, 2.6), dpi=72)
        FigureCanvasSVG(figure)
        axes = figure.add_axes((0.075, 0.16, 0.85, 0.78))
        axes.fill_between(edges, volumes, step="post", color=VOLUME_COLOUR, linewidth=0)
        axes.set_xlim(0, total_hours)
        axes.set_ylim(0, max(max(volumes) * 1.15, 1))
        axes.set_ylabel(volume_label)
        midnights = _local_midnights(starts_at, ends_at, zone)
        ticks = [_hours_between(starts_at, midnight) for midnight in midnights]
        for tick in ticks[1:] if ticks and ticks[0] == 0 else ticks:
            axes.axvline(tick, color=DAY_LINE_COLOUR, linewidth=0.8)
        if len(midnights) > 1:
            axes.set_xticks(ticks, [f"{m:%a} {m.day}" for m in midnights], ha="left")
        else:
            hours = range(0, int(total_hours) + 1, 3)
            axes.set_xticks(
                list(hours),
                [f"{(starts_at + timedelta(hours=h)).astimezone(zone):%H:%M}" for h in hours],
            )
        level_axes = axes.twinx()
        level_axes.plot(centres, levels, color=LEVEL_COLOUR, linewidth=1.1)
        level_axes.set_ylim(0, 105)
        level_axes.set_yticks([0, 50, 100], ["0 %", "50 %", "100 %"])
        level_axes.set_ylabel(level_label)
        if target_level is not None:
            level_axes.axhline(
                target_level * 100, color=TARGET_COLOUR, linewidth=1, linestyle=(0, (4, 3))
            )
        output = io.StringIO()
        figure.savefig(output, format="svg", metadata={"Date": None})
    svg = output.getvalue()
    svg = svg[svg.index("<svg") :]
    svg = _SIZE.sub(
        rf'<svg\1 class="chart" role="img" aria-labelledby="{chart_id}-title {chart_id}-desc"'
        r' preserveAspectRatio="xMidYMid meet"',
        svg,
        count=1,
    )
    head_end = svg.index(">") + 1
    accessible = (
        f'<title id="{chart_id}-title">{_escape(title)}</title>'
        f'<desc id="{chart_id}-desc">{_escape(description)}</desc>'
    )
    return svg[:head_end] + accessible + svg[head_end:]


def _escape(text: str) -> str:
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    )


# The portal's palette (portal.css): ink, accent, muted, warning.
PALETTE = ("#1f4e79", "#d9822b", "#6b7785", "#2e8b57", "#b03a2e")
_RC: dict[str, Any] = {
    "svg.hashsalt": "bpo-portal-charts",
    "svg.fonttype": "none",
    "font.family": "sans-serif",
    "font.size": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.edgecolor": "#9aa5b1",
    "axes.labelcolor": "#333333",
    "xtick.color": "#333333",
    "ytick.color": "#333333",
}
# rcParams are process-wide; one chart at a time.
_LOCK = threading.Lock()


@dataclass(frozen=True)
class Series:
    label: str
    values: Sequence[float | None]
    kind: str = "line"  # "line", "step" (a staircase, for agents per interval) or "dashed"


def line_chart(
    *,
    series: Sequence[Series],
    title: str,
    y_label: str,
    x_ticks: Sequence[tuple[float, str]] = (),
    separators: Sequence[float] = (),
    width: float = 9.0,
    height: float = 3.2,
) -> SafeString:
    """An SVG line chart of ``series`` over the positions 0..n-1 (``x_ticks`` label some of
    them; ``separators`` draw faint vertical lines, e.g. between days)."""
    # Imported here, not at module level: matplotlib costs ~0.4 s and ~30 MB, and only the
    # processes that draw a chart need it. Figure() without pyplot uses no GUI backend.

    with _LOCK, rc_context(_RC):  # type: ignore[arg-type]
        figure = Figure(figsize=(width, height), dpi=72)
        axes = figure.add_subplot()
        for index, one in enumerate(series):
            values = [float("nan") if v is None else float(v) for v in one.values]
            positions = range(len(values))
            color = PALETTE[index % len(PALETTE)]
            if one.kind == "step":
                axes.step(
                    positions, values, where="post", label=one.label, color=color, linewidth=1.4
                )
            else:
                axes.plot(
                    positions,
                    values,
                    label=one.label,
                    color=color,
                    linewidth=1.4 if one.kind == "line" else 1.1,
                    linestyle="--" if one.kind == "dashed" else "-",
                )
        for position in separators:
            axes.axvline(position, color="#d5dbe1", linewidth=0.8, zorder=0)
        if x_ticks:
            axes.set_xticks([tick[0] for tick in x_ticks], [tick[1] for tick in x_ticks])
        axes.set_ylabel(y_label)
        axes.set_ylim(bottom=0)
        axes.margins(x=0.01)
        axes.grid(axis="y", color="#eef1f4", linewidth=0.8)
        if len(series) > 1:
            axes.legend(loc="upper right", frameon=False, ncols=min(len(series), 4))
        figure.tight_layout()
        buffer = io.StringIO()
        figure.savefig(buffer, format="svg", metadata={"Date": None})
    return _inline(buffer.getvalue(), title)


def _inline(svg: str, title: str) -> SafeString:
    """The ``<svg>`` element alone (no XML prolog), scaling to its box, titled."""
    svg = svg[svg.index("<svg") :]
    svg = _SIZE.sub(r'<svg\1 width="100%"', svg, count=1)
    svg = svg.replace("<svg ", f'<svg role="img" aria-label="{escape(title)}" class="chart" ', 1)
    return mark_safe(svg)


# --- the coverage heat map of a plan -------------------------------------------------------------

UNDER_COLOURS = ("#b03a2e", "#e07b6a", "#f4c7bd")  # 3+ short, 2 short, 1 short (or part of one)
MATCH_COLOUR = "#f4f6f8"
OVER_COLOURS = ("#c6dbef", "#6baed6", "#1f4e79")  # 1 over (or part), 2 over, 3+ over
CLOSED_COLOUR = "#ffffff"
HEAT_LEGEND = (
    ("3 or more short", UNDER_COLOURS[0]),
    ("2 short", UNDER_COLOURS[1]),
    ("Up to 1 short", UNDER_COLOURS[2]),
    ("As required", MATCH_COLOUR),
    ("Up to 1 over", OVER_COLOURS[0]),
    ("2 over", OVER_COLOURS[1]),
    ("3 or more over", OVER_COLOURS[2]),
)


def heat_class(difference: float) -> int:
    """-3..3: the colour band of coverage minus requirement (agents) in one interval."""
    if abs(difference) < 0.01:
        return 0
    size = min(3, max(1, math.ceil(abs(difference) - 0.01)))
    return size if difference > 0 else -size


def coverage_heat_map_svg(
    *,
    day_labels: Sequence[str],
    differences: Sequence[Sequence[float | None]],
    interval_minutes: int,
    title: str,
    description: str,
    chart_id: str = "heat-map",
) -> str:
    """Days (rows) by interval of the day (columns), each cell coloured by coverage minus
    requirement: reds for under-coverage, blues for over-coverage, pale grey where coverage
    matches, white where nothing is required nor planned (``None``). A legend names the bands.
    Deterministic like the interval chart (same figures, same bytes)."""
    from matplotlib.patches import Rectangle

    columns = max((len(row) for row in differences), default=0) or 24 * 60 // interval_minutes
    rows = len(day_labels)
    colour_of = {0: MATCH_COLOUR}
    for size in (1, 2, 3):
        colour_of[-size] = UNDER_COLOURS[3 - size]
        colour_of[size] = OVER_COLOURS[size - 1]
    with rc_context(SVG_SETTINGS):  # type: ignore[arg-type]
        height = 0.32 * rows + 0.95
        figure = Figure(figsize=(9.0, height), dpi=72)
        FigureCanvasSVG(figure)
        bottom = 0.62 / height
        axes = figure.add_axes((0.09, bottom, 0.89, 1 - bottom - 0.12 / height))
        for row_index, row in enumerate(differences):
            y = rows - 1 - row_index
            for column, value in enumerate(row):
                colour = CLOSED_COLOUR if value is None else colour_of[heat_class(value)]
                axes.add_patch(
                    Rectangle((column, y), 1, 1, facecolor=colour, edgecolor="#ffffff", lw=0.3)
                )
        axes.set_xlim(0, columns)
        axes.set_ylim(0, rows)
        axes.set_yticks([rows - 1 - i + 0.5 for i in range(rows)], list(day_labels))
        per_hour = 60 / interval_minutes
        hours = range(0, 25, 3)
        axes.set_xticks([h * per_hour for h in hours], [f"{h:02d}:00" for h in hours])
        for spine in axes.spines.values():
            spine.set_visible(False)
        axes.tick_params(length=0)
        handles = [
            Rectangle((0, 0), 1, 1, facecolor=c, edgecolor="#9aa5b1", lw=0.5)
            for _, c in HEAT_LEGEND
        ]
        figure.legend(
            handles,
            [label for label, _ in HEAT_LEGEND],
            loc="lower center",
            ncols=len(HEAT_LEGEND),
            frameon=False,
            fontsize=7.5,
            handlelength=1.2,
            columnspacing=1.0,
        )
        output = io.StringIO()
        figure.savefig(output, format="svg", metadata={"Date": None})
    svg = output.getvalue()
    svg = svg[svg.index("<svg") :]
    svg = _SIZE.sub(
        rf'<svg\1 class="chart heat-map" role="img" aria-labelledby="{chart_id}-title '
        rf'{chart_id}-desc" preserveAspectRatio="xMidYMid meet"',
        svg,
        count=1,
    )
    head_end = svg.index(">") + 1
    accessible = (
        f'<title id="{chart_id}-title">{_escape(title)}</title>'
        f'<desc id="{chart_id}-desc">{_escape(description)}</desc>'
    )
    return svg[:head_end] + accessible + svg[head_end:]


# --- the weekly report: bars per day and a level heat map ----------------------------------------
#
# Written as SVG elements directly rather than through matplotlib: a handful of rectangles and
# labels each, so they are small (a few kB), cheap to draw and cheap for weasyprint to lay out,
# which matters for a report of nine charts rendered every Monday for every client. Measured in
# a warm worker process (docs/reporting.md, "Speed"): the same two charts through matplotlib
# (lean SVG, axes off) cost 0.25 s of drawing and 0.15-0.3 s more weasyprint per report, about
# 40 % on top, which puts the one-second median out of reach. Deterministic by construction: no
# ids but the given ``chart_id``, fixed number formatting, no dates. Reports embed them with
# ``svg_image``.

BAR_COLOURS = ("#1f4e79", "#9bb7d4", "#d9822b")
_FONT = 'font-family="DejaVu Sans, sans-serif"'


def _number(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _svg_open(
    width: int, height: int, *, css_class: str, chart_id: str, title: str, description: str
) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" class="{css_class}" '
        f'role="img" aria-labelledby="{chart_id}-title {chart_id}-desc" '
        f'preserveAspectRatio="xMidYMid meet" {_FONT} font-size="10">'
        f'<title id="{chart_id}-title">{_escape(title)}</title>'
        f'<desc id="{chart_id}-desc">{_escape(description)}</desc>'
    )


def _nice_top(value: float) -> float:
    if value <= 0:
        return 1.0
    magnitude = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * magnitude:
            return step * magnitude
    return 10 * magnitude  # pragma: no cover


def day_bars_svg(
    *,
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[float | None]]],
    title: str,
    description: str,
    y_label: str,
    percent: bool = False,
    target: float | None = None,
    chart_id: str = "day-bars",
) -> str:
    """Grouped bars, one group per day (``labels``) and one bar per series (e.g. this week
    and the week before, or offered and forecast); ``None`` draws no bar. With ``percent``,
    values are fractions drawn as 0-100 %, and ``target`` (a fraction) is a dashed line."""
    width, height = 300, 160
    left, right, top, bottom = 40, 6, 22, 22
    plot_w, plot_h = width - left - right, height - top - bottom
    scale = (
        1.0
        if percent
        else _nice_top(
            max([0.0, *(float(v) for _, values in series for v in values if v is not None)]) * 1.1
        )
    )
    parts = [
        _svg_open(
            width,
            height,
            css_class="chart report-bars",
            chart_id=chart_id,
            title=title,
            description=description,
        )
    ]
    ticks = [0, 0.5, 1.0] if percent else [0, scale / 2, scale]
    for tick in ticks:
        y = top + plot_h - plot_h * tick / scale
        text = f"{round(tick * 100)} %" if percent else _number(tick)
        parts.append(
            f'<line x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" stroke="#e4e8ec"/>'
        )
        parts.append(
            f'<text x="{left - 4}" y="{y + 3:.1f}" text-anchor="end" fill="#333">{text}</text>'
        )
    parts.append(
        f'<text x="10" y="{top + plot_h / 2:.1f}" transform="rotate(-90 10 {top + plot_h / 2:.1f})" '
        f'text-anchor="middle" fill="#333">{_escape(y_label)}</text>'
    )
    groups = max(1, len(labels))
    group_w = plot_w / groups
    count = max(1, len(series))
    bar_w = group_w * 0.8 / count
    for index, (_, values) in enumerate(series):
        colour = BAR_COLOURS[index % len(BAR_COLOURS)]
        for day, value in enumerate(values):
            if value is None:
                continue
            size = min(float(value) / scale, 1.0) * plot_h
            x = left + day * group_w + group_w * 0.1 + index * bar_w
            parts.append(
                f'<rect x="{x:.1f}" y="{top + plot_h - size:.1f}" width="{bar_w * 0.92:.1f}" '
                f'height="{size:.1f}" fill="{colour}"/>'
            )
    for day, label in enumerate(labels):
        x = left + (day + 0.5) * group_w
        parts.append(
            f'<text x="{x:.1f}" y="{height - 8}" text-anchor="middle" fill="#333" '
            f'font-size="8.5">{_escape(label)}</text>'
        )
    if percent and target is not None:
        y = top + plot_h - plot_h * target
        parts.append(
            f'<line x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" '
            f'stroke="{TARGET_COLOUR}" stroke-width="1.2" stroke-dasharray="4 3"/>'
        )
    if len(series) > 1 or target is not None:
        x = left
        for index, (name, _) in enumerate(series):
            colour = BAR_COLOURS[index % len(BAR_COLOURS)]
            parts.append(f'<rect x="{x}" y="6" width="10" height="9" fill="{colour}"/>')
            parts.append(f'<text x="{x + 14}" y="14" fill="#333">{_escape(name)}</text>')
            x += 26 + 6.1 * len(name)
        if percent and target is not None:
            parts.append(
                f'<line x1="{x}" x2="{x + 16}" y1="10.5" y2="10.5" stroke="{TARGET_COLOUR}" '
                f'stroke-width="1.2" stroke-dasharray="4 3"/>'
            )
            parts.append(
                f'<text x="{x + 20}" y="14" fill="#333">Target {round(target * 100)} %</text>'
            )
    parts.append("</svg>")
    return "".join(parts)


LEVEL_BANDS = (
    ("10+ under", "#b03a2e"),
    ("Under", "#f4c7bd"),
    ("At target", "#c6dbef"),
    ("10+ above", "#1f4e79"),
)


def level_band(level: float, target: float | None) -> int:
    """0-3: the colour band of a level (fraction) against its target (0.8 when none)."""
    difference = level - (0.8 if target is None else target)
    if difference < -0.1:
        return 0
    if difference < 0:
        return 1
    if difference < 0.1:
        return 2
    return 3


def level_heat_map_svg(
    *,
    day_labels: Sequence[str],
    cells: Sequence[Sequence[float | None]],
    minutes: int,
    target: float | None,
    title: str,
    description: str,
    chart_id: str = "level-heat-map",
) -> str:
    """Days (rows) by wall-clock slot (columns), each cell coloured by its level against the
    target in four bands; white (outlined) where there were no contacts or, on a day the
    clocks go forward, no such time."""
    columns = max((len(row) for row in cells), default=24 * 60 // minutes)
    left, top, cell_h = 46, 6, 15
    width = 300
    cell_w = (width - left - 16) / columns
    height = top + cell_h * len(day_labels) + 40
    parts = [
        _svg_open(
            width,
            height,
            css_class="chart heat-map",
            chart_id=chart_id,
            title=title,
            description=description,
        )
    ]
    for row_index, (label, row) in enumerate(zip(day_labels, cells, strict=True)):
        y = top + row_index * cell_h
        parts.append(
            f'<text x="{left - 4}" y="{y + 11}" text-anchor="end" fill="#333">{_escape(label)}</text>'
        )
        for column, value in enumerate(row):
            x = left + column * cell_w
            if value is None:
                continue
            colour = LEVEL_BANDS[level_band(value, target)][1]
            parts.append(
                f'<rect x="{x:.1f}" y="{y}" width="{cell_w - 1:.1f}" height="{cell_h - 1}" fill="{colour}"/>'
            )
    axis_y = top + cell_h * len(day_labels) + 11
    per_hour = 60 / minutes
    for hour in range(0, 25, 6):
        x = left + hour * per_hour * cell_w
        parts.append(
            f'<text x="{x:.1f}" y="{axis_y}" text-anchor="middle" fill="#333">{hour:02d}:00</text>'
        )
    x = left
    for label, colour in LEVEL_BANDS:
        parts.append(f'<rect x="{x}" y="{axis_y + 9}" width="10" height="9" fill="{colour}"/>')
        parts.append(
            f'<text x="{x + 13}" y="{axis_y + 17}" fill="#333" font-size="9">{_escape(label)}</text>'
        )
        x += 20 + 5.0 * len(label)
    parts.append("</svg>")
    return "".join(parts)


_VIEW_BOX = re.compile(r'viewBox="0 0 ([\d.]+) ([\d.]+)"')


def svg_image(svg: str, *, alt: str, css_class: str = "chart") -> SafeString:
    """``svg`` as an ``<img>`` with a data URL, for documents that weasyprint renders: an
    inline ``<svg>``'s every element goes through the HTML style cascade first (a third of a
    weekly report's rendering time); an image is parsed as SVG alone. Browsers show it the
    same; ``alt`` carries the title and description for assistive technology."""
    size = _VIEW_BOX.search(svg)
    dimensions = (
        f' width="{round(float(size.group(1)))}" height="{round(float(size.group(2)))}"'
        if size
        else ""
    )
    encoded = base64.b64encode(svg.encode("utf-8")).decode("ascii")
    return mark_safe(
        f'<img class="{escape(css_class)}" src="data:image/svg+xml;base64,{encoded}"'
        f'{dimensions} alt="{escape(alt)}">'
    )
