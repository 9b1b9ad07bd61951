"""Contact-center KPI formulas: service level by each convention, ASA, abandon rate, AHT,
occupancy, first-response figures, and customer-experience figures (CSAT, CES, FCR).

Pure: no Django. Every figure is computed from summed counts and seconds, so a week's figure is
a weighted aggregation of its intervals, never an average of daily percentages.
"""

from __future__ import annotations

from enum import StrEnum


class ServiceLevelConvention(StrEnum):
    """How a line counts its service level. Contact centers disagree (Genesys has switches for
    short abandons and flow-outs; Cisco ignores abandons or counts them positive or negative;
    ICMI lists five formulas), so a line's SLA target names one and every figure says which."""

    # answered within threshold / (answered + abandoned - short abandons)
    ANSWERED_ABANDONED_LESS_SHORT = "answered_abandoned_less_short"
    # answered within threshold / (answered + abandoned)
    ANSWERED_ABANDONED = "answered_abandoned"
    # answered within threshold / answered (abandons ignored)
    ANSWERED_ONLY = "answered_only"
    # (answered within + abandoned within threshold) / (answered + abandoned): early abandons
    # count in the line's favour
    ABANDONED_WITHIN_POSITIVE = "abandoned_within_positive"
    # answered within threshold / (answered + abandoned after the threshold)
    ABANDONED_AFTER_THRESHOLD = "abandoned_after_threshold"
    # answered within threshold / offered (flow-outs count against the line)
    OFFERED = "offered"

    @property
    def label(self) -> str:
        return CONVENTION_LABELS[self]

    @property
    def formula(self) -> str:
        return CONVENTION_FORMULAS[self]


DEFAULT_CONVENTION = ServiceLevelConvention.ANSWERED_ABANDONED_LESS_SHORT

CONVENTION_LABELS = {
    ServiceLevelConvention.ANSWERED_ABANDONED_LESS_SHORT: "Answered and abandoned, less short abandons",
    ServiceLevelConvention.ANSWERED_ABANDONED: "Answered and abandoned",
    ServiceLevelConvention.ANSWERED_ONLY: "Answered only (abandons ignored)",
    ServiceLevelConvention.ABANDONED_WITHIN_POSITIVE: "Early abandons count as met",
    ServiceLevelConvention.ABANDONED_AFTER_THRESHOLD: "Abandons after the threshold count",
    ServiceLevelConvention.OFFERED: "All offered contacts (flow-outs count)",
}

CONVENTION_FORMULAS = {
    ServiceLevelConvention.ANSWERED_ABANDONED_LESS_SHORT: (
        "answered within threshold / (answered + abandoned - short abandons)"
    ),
    ServiceLevelConvention.ANSWERED_ABANDONED: "answered within threshold / (answered + abandoned)",
    ServiceLevelConvention.ANSWERED_ONLY: "answered within threshold / answered",
    ServiceLevelConvention.ABANDONED_WITHIN_POSITIVE: (
        "(answered within threshold + abandoned within threshold) / (answered + abandoned)"
    ),
    ServiceLevelConvention.ABANDONED_AFTER_THRESHOLD: (
        "answered within threshold / (answered + abandoned after threshold)"
    ),
    ServiceLevelConvention.OFFERED: "answered within threshold / offered",
}
