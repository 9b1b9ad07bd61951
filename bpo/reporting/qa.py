"""The QA section of the weekly report, as plain data for the snapshot.

QA-PLACE: the week's QA summary comes from the quality app's selector (scores per line, agent
and criterion with their intervals, the most failed criteria, disputes). This module only
reshapes it; it never scores an evaluation itself. Until that selector exists the section says
there are no QA figures.
"""

from __future__ import annotations

from typing import Any

from scheduling.planning.selectors.sla import IsoWeek


def week_qa_section(*, client, week: IsoWeek) -> dict[str, Any] | None:
    """The QA section's data for ``week``, or ``None`` when QA has no figures to report."""
    return None
