"""Server-rendered SVG charts (matplotlib), the same markup in a page and in a PDF.

Deterministic: the same data gives the same bytes (``svg.hashsalt`` fixes the ids matplotlib
would draw at random, ``metadata={"Date": None}`` drops the timestamp), so pages can be cached
and reports hashed. Text stays text (``svg.fonttype = none``): it scales, can be searched and
is read by screen readers; every chart still has a text table beside it in the page.

    svg = line_chart(
        x_labels=["Mon", ...], series=[Series("Forecast", values), Series("Actual", actual)],
        title="Contacts per interval", y_label="Contacts",
    )
    {{ svg }}  (already marked safe)
"""

from __future__ import annotations

import io
import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import matplotlib

matplotlib.use("Agg")

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from matplotlib import rc_context
from matplotlib.figure import Figure

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


_SIZE = re.compile(r'<svg([^>]*?) width="[^"]+" height="[^"]+"')


def _inline(svg: str, title: str) -> SafeString:
    """The ``<svg>`` element alone (no XML prolog), scaling to its box, titled."""
    svg = svg[svg.index("<svg") :]
    svg = _SIZE.sub(r'<svg\1 width="100%"', svg, count=1)
    svg = svg.replace("<svg ", f'<svg role="img" aria-label="{escape(title)}" class="chart" ', 1)
    return mark_safe(svg)
