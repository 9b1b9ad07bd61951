"""The QA section of the weekly report, as plain data for the snapshot: each line's QA score
and pass rate with their intervals, the per-criterion figures with theirs, the most failed
criteria, and the week's disputes. The figures are the quality app's
(``bpo.quality.selectors.week_qa_figures``: stored evaluation scores, Wilson and t intervals);
this module only reshapes them into words, it never scores an evaluation itself.
"""

from __future__ import annotations

from typing import Any

from bpo.quality.selectors import MARGIN_POINTS, week_qa_figures
from scheduling.planning.selectors.sla import IsoWeek

MOST_FAILED = 5
SCORE_SOURCE = (
    "mean of the stored scores of the week's {n} evaluations (submitted or later, calibration "
    "sessions left out), Student's t interval"
)


def _interval_text(interval, value: float | None, unit: str = " %") -> str:
    if interval is None:
        return "No evaluations" if value is None else f"{value:.1f}{unit} (too few for an interval)"
    confidence = round(interval.confidence * 100)
    return (
        f"{interval.estimate:.1f}{unit} ({confidence} % interval {interval.low:.1f} to "
        f"{interval.high:.1f}{unit})"
    )


def _rate_text(figures) -> str:
    rate = figures.pass_rate
    if rate is None:
        return "No evaluations"
    return (
        f"{figures.passed} of {figures.evaluated} passed: {rate.estimate * 100:.1f} % "
        f"({round(rate.confidence * 100)} % Wilson interval {rate.low * 100:.1f} to "
        f"{rate.high * 100:.1f} %)"
    )


def week_qa_section(*, client, week: IsoWeek) -> dict[str, Any] | None:
    """The QA section's data for ``week``, or ``None`` when the week has no evaluations."""
    lines = week_qa_figures(week_starts_on=week.monday)
    if not lines:
        return None
    shaped = []
    failed: list[dict[str, Any]] = []
    for line in lines:
        figures = line.figures
        criteria = [
            {
                "text": criterion.text,
                "section": criterion.section,
                "answered": criterion.answered,
                "failed": criterion.failed,
                "earned": _interval_text(criterion.earned, criterion.earned_value),
            }
            for criterion in line.criteria
        ]
        failed.extend(
            {"line": line.service_line_name, **criterion}
            for criterion in criteria
            if criterion["failed"]
        )
        shaped.append(
            {
                "id": line.service_line_id,
                "name": line.service_line_name,
                "evaluated": figures.evaluated,
                "score": None if figures.mean_value is None else round(figures.mean_value, 2),
                "score_text": _interval_text(figures.mean, figures.mean_value),
                "pass_rate_text": _rate_text(figures),
                "needed": figures.needed_for_mean,
                "agents": [
                    {
                        "name": agent.agent_name,
                        "evaluated": agent.figures.evaluated,
                        "score_text": _interval_text(agent.figures.mean, agent.figures.mean_value),
                    }
                    for agent in line.agents
                ],
                "criteria": criteria,
                "disputes_raised": line.disputes_raised,
                "disputes_open": line.disputes_open,
                "disputes_decided": line.disputes_decided,
                "source": SCORE_SOURCE.format(n=figures.evaluated),
            }
        )
    failed.sort(key=lambda c: (-c["failed"] / c["answered"], -c["failed"], c["line"], c["text"]))
    return {
        "note": f"Evaluations of interactions of the week; intervals at 95 %. A margin of "
        f"±{MARGIN_POINTS:.0f} points needs the number of evaluations named per line.",
        "lines": shaped,
        "most_failed": failed[:MOST_FAILED],
        "disputes": {
            "raised": sum(line["disputes_raised"] for line in shaped),
            "open": sum(line["disputes_open"] for line in shaped),
            "decided": sum(line["disputes_decided"] for line in shaped),
        },
    }
