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
with the week before) and ``level_heat_map_svg`` (a level by day and hour against target).
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
# Drawn by matplotlib like the charts above, with their own rc settings (print sizes: a chart is
# a third of an A4 page wide) and a fixed hash salt, then made lean by ``_lean_svg``: a report
# holds nine of them, and weasyprint's cost grows with every element and declaration. The axes
# are off and their labels are plain texts: matplotlib's tick machinery was a third of the
# drawing time. The same figures give the same bytes (no dates, no random ids).

BAR_COLOURS = ("#1f4e79", "#9bb7d4", "#d9822b")
AXIS_COLOUR = "#9aa5b1"
GRID_COLOUR = "#e4e8ec"
TEXT_COLOUR = "#333333"
REPORT_RC: dict[str, Any] = {
    **SVG_SETTINGS,
    "svg.hashsalt": "bpo-weekly-report",
    "font.size": 6.5,
    "legend.fontsize": 6.5,
    "text.color": TEXT_COLOUR,
}
CHART_WIDTH_INCHES = 3.0


def _number(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _nice_top(value: float) -> float:
    if value <= 0:
        return 1.0
    magnitude = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * magnitude:
            return step * magnitude
    return 10 * magnitude  # pragma: no cover


_METADATA = re.compile(r"<metadata>.*?</metadata>|<style[^>]*>.*?</style>", re.S)
_GROUP_ID = re.compile(r'<g id="[^"]*"')
_GROUP_TAG = re.compile(r"<g(?: [^>]*)?/>|<g(?: [^>]*)?>|</g>")
_STYLE = re.compile(r' style="([^"]*)"')
_BETWEEN_TAGS = re.compile(r">\s+<")
_CLIP_ID = re.compile(r"\b(id=\"|url\(#)(p[0-9a-f]{10})\b")
_NO_ROTATION = re.compile(r' transform="rotate\(-?0 [^"]*\)"')


def _without_bare_groups(svg: str) -> str:
    """Drop ``<g>`` elements without attributes (their children stay) and empty ``<g/>``."""
    kept: list[str] = []
    is_kept: list[bool] = []
    position = 0
    for match in _GROUP_TAG.finditer(svg):
        kept.append(svg[position : match.start()])
        tag = match.group(0)
        if tag == "</g>":
            if is_kept.pop():
                kept.append(tag)
        elif tag.endswith("/>"):
            pass
        else:
            is_kept.append(tag != "<g>")
            if is_kept[-1]:
                kept.append(tag)
        position = match.end()
    kept.append(svg[position:])
    return "".join(kept)


def _presentation_attributes(match: re.Match[str]) -> str:
    pairs = (part.split(":", 1) for part in match.group(1).split(";") if ":" in part)
    return "".join(f' {name.strip()}="{value.strip()}"' for name, value in pairs)


def _lean_svg(svg: str, *, css_class: str, chart_id: str, title: str, description: str) -> str:
    """matplotlib's SVG made lean for a document of many charts: no metadata or global style,
    no per-artist group ids (they repeat from chart to chart and would be duplicate anchors),
    clip-path ids prefixed with ``chart_id``, ``style`` declarations as presentation attributes
    (weasyprint would otherwise run each through the HTML cascade first), whitespace between
    tags dropped; then sized by its box, titled and described."""
    svg = svg[svg.index("<svg") :]
    svg = _METADATA.sub("", svg)
    svg = _GROUP_ID.sub("<g", svg)
    svg = _STYLE.sub(_presentation_attributes, svg)
    svg = _CLIP_ID.sub(rf"\1{chart_id}-\2", svg)
    svg = _NO_ROTATION.sub("", svg)
    svg = _BETWEEN_TAGS.sub("><", svg)
    svg = _without_bare_groups(svg).replace(" \n", " ").replace("<defs></defs>", "")
    svg = _SIZE.sub(
        rf'<svg\1 class="{css_class}" role="img" aria-labelledby="{chart_id}-title '
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


def _figure(height: float, axes_box: tuple[float, float, float, float]):
    figure = Figure(figsize=(CHART_WIDTH_INCHES, height), dpi=72)
    FigureCanvasSVG(figure)
    figure.patch.set_visible(False)
    axes = figure.add_axes(axes_box)
    axes.set_axis_off()
    return figure, axes


def _svg_of(figure) -> str:
    output = io.StringIO()
    figure.savefig(output, format="svg", metadata={"Date": None})
    return output.getvalue()


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
    count = max(1, len(series))
    days = max(1, len(labels))
    bar_width = 0.8 / count
    scale = 100.0 if percent else 1.0
    kept = [
        [(day, float(value) * scale) for day, value in enumerate(values) if value is not None]
        for _, values in series
    ]
    highest = max([0.0, *(height for bars in kept for _, height in bars)])
    top = 100.0 if percent else _nice_top(highest * 1.1)
    ticks = [0.0, top / 2, top]
    tick_texts = [f"{round(t)} %" for t in ticks] if percent else [_number(t) for t in ticks]
    with _LOCK, rc_context(REPORT_RC):  # type: ignore[arg-type]
        figure, axes = _figure(1.6, (0.15, 0.13, 0.83, 0.68))
        axes.set_xlim(-0.5, days - 0.5)
        axes.set_ylim(0, top)
        for tick, text in zip(ticks, tick_texts, strict=True):
            axes.axhline(
                tick, color=AXIS_COLOUR if tick == 0 else GRID_COLOUR, linewidth=0.7, clip_on=False
            )
            axes.text(-0.6, tick, text, ha="right", va="center")
        for index, ((name, _), bars) in enumerate(zip(series, kept, strict=True)):
            offset = (index - (count - 1) / 2) * bar_width
            axes.bar(
                [day + offset for day, _ in bars],
                [height for _, height in bars],
                width=bar_width * 0.9,
                color=BAR_COLOURS[index % len(BAR_COLOURS)],
                label=name,
                linewidth=0,
                clip_on=False,
            )
        handles, names = axes.get_legend_handles_labels()
        if percent and target is not None:
            (line,) = axes.plot(
                [-0.5, days - 0.5],
                [target * 100] * 2,
                color=TARGET_COLOUR,
                linewidth=1.1,
                linestyle=(0, (4, 3)),
                clip_on=False,
            )
            handles.append(line)
            names.append(f"Target {round(target * 100)} %")
        below = axes.get_xaxis_transform()
        for day, label in enumerate(labels):
            axes.text(day, -0.05, label, transform=below, ha="center", va="top", fontsize=5.8)
        axes.text(
            -0.14, 0.5, y_label, transform=axes.transAxes, rotation=90, ha="center", va="center"
        )
        if len(handles) > 1:
            axes.legend(
                handles,
                names,
                loc="lower left",
                bbox_to_anchor=(-0.02, 1.0),
                ncols=len(handles),
                frameon=False,
                handlelength=1.2,
                handletextpad=0.4,
                columnspacing=0.9,
                borderaxespad=0.2,
            )
        svg = _svg_of(figure)
    return _lean_svg(
        svg, css_class="chart report-bars", chart_id=chart_id, title=title, description=description
    )


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
    target in four bands; white where there were no contacts or, on a day the clocks go
    forward, no such time."""
    from matplotlib.colors import ListedColormap
    from matplotlib.patches import Rectangle

    columns = max((len(row) for row in cells), default=0) or 24 * 60 // minutes
    rows = len(day_labels)
    bands = [
        [
            math.nan
            if column >= len(row) or (value := row[column]) is None
            else float(level_band(value, target))
            for column in range(columns)
        ]
        for row in cells
    ]
    colours = ListedColormap([colour for _, colour in LEVEL_BANDS], bad="#ffffff")
    with _LOCK, rc_context(REPORT_RC):  # type: ignore[arg-type]
        height = 0.15 * rows + 0.55
        bottom = 0.42 / height
        figure, axes = _figure(height, (0.15, bottom, 0.8, 1 - bottom - 0.05 / height))
        if rows:
            axes.pcolormesh(
                range(columns + 1),
                range(rows + 1),
                bands,
                cmap=colours,
                vmin=-0.5,
                vmax=3.5,
                edgecolors="#ffffff",
                linewidth=0.6,
                clip_on=False,
            )
        axes.set_xlim(0, columns)
        axes.set_ylim(max(rows, 1), 0)
        for row, label in enumerate(day_labels):
            axes.text(-0.6, row + 0.5, label, ha="right", va="center")
        per_hour = 60 / minutes
        below = axes.get_xaxis_transform()
        for hour in range(0, 25, 6):
            axes.text(
                hour * per_hour, -0.06, f"{hour:02d}:00", transform=below, ha="center", va="top"
            )
        handles = [Rectangle((0, 0), 1, 1, facecolor=colour, lw=0) for _, colour in LEVEL_BANDS]
        figure.legend(
            handles,
            [label for label, _ in LEVEL_BANDS],
            loc="lower center",
            ncols=len(LEVEL_BANDS),
            frameon=False,
            handlelength=1.0,
            handletextpad=0.4,
            columnspacing=0.9,
            borderaxespad=0.1,
        )
        svg = _svg_of(figure)
    return _lean_svg(
        svg, css_class="chart heat-map", chart_id=chart_id, title=title, description=description
    )


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
