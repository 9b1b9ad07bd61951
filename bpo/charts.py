"""Server-rendered SVG charts, the same in a page and in a PDF (weasyprint).

matplotlib draws them without pyplot (no global state, safe in threads) and with deterministic
output: ``svg.hashsalt`` fixed and no date in the metadata, so the same figures always give the
same bytes (a report's hash stays stable). Text stays text (``svg.fonttype = none``): smaller,
selectable, and styled by the page's font. Each chart comes with a title and description for
assistive technology; pages also show the figures as a table.
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

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
