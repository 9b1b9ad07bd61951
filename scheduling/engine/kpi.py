"""Contact-center KPI formulas: service level by each convention, ASA, abandon rate, AHT,
occupancy, first-response figures, and customer-experience figures (CSAT, CES, FCR).

Pure: no Django. Every figure is computed from summed counts and seconds, so a week's figure is
a weighted aggregation of its intervals, never an average of daily percentages.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
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


# (value, words) of each convention, for pickers and schemas
CONVENTION_CHOICES = [(convention.value, convention.label) for convention in ServiceLevelConvention]


# --- totals ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ContactTotals:
    """Summed counts and seconds of any span of intervals (one interval, a day, a week).

    Every figure is a formula over these sums, so a week's figure weighs each interval by its
    contacts. ``staffed_seconds`` is the agents' logged-in time when it is known (occupancy),
    else ``None``.
    """

    offered: int = 0
    answered: int = 0
    abandoned: int = 0
    short_abandoned: int = 0
    answered_within_threshold: int = 0
    abandoned_within_threshold: int = 0
    flowed_out: int = 0
    answered_wait_seconds: int = 0
    talk_seconds: int = 0
    hold_seconds: int = 0
    acw_seconds: int = 0
    first_responses: int = 0
    first_responses_within_target: int = 0
    first_response_seconds: int = 0
    staffed_seconds: int | None = None

    def __add__(self, other: ContactTotals) -> ContactTotals:
        if not isinstance(other, ContactTotals):
            return NotImplemented
        values = {name: getattr(self, name) + getattr(other, name) for name in CONTACT_COUNT_NAMES}
        if self.staffed_seconds is None and other.staffed_seconds is None:
            staffed = None
        else:
            staffed = (self.staffed_seconds or 0) + (other.staffed_seconds or 0)
        return ContactTotals(**values, staffed_seconds=staffed)

    @property
    def handle_seconds(self) -> int:
        return self.talk_seconds + self.hold_seconds + self.acw_seconds

    @property
    def has_contacts(self) -> bool:
        return bool(self.offered or self.answered or self.abandoned or self.first_responses)


CONTACT_COUNT_NAMES = tuple(
    name for name in ContactTotals.__dataclass_fields__ if name != "staffed_seconds"
)


def sum_totals(parts: Iterable[ContactTotals]) -> ContactTotals:
    """The totals of several spans (e.g. a week from its days or intervals)."""
    total = ContactTotals()
    for part in parts:
        total = total + part
    return total


# --- the formulas --------------------------------------------------------------------------------


def ratio(numerator: float, denominator: float) -> float | None:
    """``numerator / denominator``, or ``None`` when there is nothing to divide by (shown as
    "no contacts"), never a division error."""
    if denominator <= 0:
        return None
    return numerator / denominator


def service_level_terms(
    totals: ContactTotals, convention: ServiceLevelConvention = DEFAULT_CONVENTION
) -> tuple[int, int]:
    """The service level's (numerator, denominator) under ``convention``."""
    met = totals.answered_within_threshold
    answered, abandoned = totals.answered, totals.abandoned
    if not isinstance(convention, ServiceLevelConvention):
        convention = ServiceLevelConvention(convention)
    match convention:
        case ServiceLevelConvention.ANSWERED_ABANDONED_LESS_SHORT:
            return met, answered + abandoned - totals.short_abandoned
        case ServiceLevelConvention.ANSWERED_ABANDONED:
            return met, answered + abandoned
        case ServiceLevelConvention.ANSWERED_ONLY:
            return met, answered
        case ServiceLevelConvention.ABANDONED_WITHIN_POSITIVE:
            return met + totals.abandoned_within_threshold, answered + abandoned
        case ServiceLevelConvention.ABANDONED_AFTER_THRESHOLD:
            return met, answered + abandoned - totals.abandoned_within_threshold
        case ServiceLevelConvention.OFFERED:
            return met, totals.offered
    raise ValueError(f"Unknown service level convention {convention!r}")  # pragma: no cover


def service_level(
    totals: ContactTotals, convention: ServiceLevelConvention = DEFAULT_CONVENTION
) -> float | None:
    """The share of contacts counted as answered in time (0 to 1) under ``convention``."""
    return ratio(*service_level_terms(totals, convention))


def asa_seconds(totals: ContactTotals) -> float | None:
    """Average speed of answer: wait of answered contacts / answered."""
    return ratio(totals.answered_wait_seconds, totals.answered)


def abandon_rate(totals: ContactTotals) -> float | None:
    """Abandoned / offered, short abandons included."""
    return ratio(totals.abandoned, totals.offered)


def abandon_rate_less_short(totals: ContactTotals) -> float | None:
    """(Abandoned - short abandons) / (offered - short abandons): misdials left out of both."""
    return ratio(totals.abandoned - totals.short_abandoned, totals.offered - totals.short_abandoned)


def aht_seconds(totals: ContactTotals) -> float | None:
    """Average handle time: (talk + hold + after-contact work) / answered."""
    return ratio(totals.handle_seconds, totals.answered)


def occupancy(totals: ContactTotals) -> float | None:
    """Handle time / staffed time, where the staffed time is known. A chat agent holding
    several conversations at once can exceed 1."""
    if totals.staffed_seconds is None:
        return None
    return ratio(totals.handle_seconds, totals.staffed_seconds)


def first_response_level(totals: ContactTotals) -> float | None:
    """Async lines: first responses within target / first responses."""
    return ratio(totals.first_responses_within_target, totals.first_responses)


def mean_first_response_seconds(totals: ContactTotals) -> float | None:
    """Async lines: first-response seconds / first responses."""
    return ratio(totals.first_response_seconds, totals.first_responses)


@dataclass(frozen=True)
class ServiceFigures:
    """Every service figure of one span of intervals, with the convention that counted its
    service level. Ratios are fractions (0.8 for 80 %); ``None`` means no contacts."""

    convention: ServiceLevelConvention
    offered: int
    answered: int
    abandoned: int
    short_abandoned: int
    flowed_out: int
    service_level: float | None
    asa_seconds: float | None
    abandon_rate: float | None
    abandon_rate_less_short: float | None
    aht_seconds: float | None
    occupancy: float | None
    first_responses: int
    first_response_level: float | None
    mean_first_response_seconds: float | None

    @property
    def convention_label(self) -> str:
        return self.convention.label

    @property
    def formula(self) -> str:
        return self.convention.formula


def service_figures(
    totals: ContactTotals, convention: ServiceLevelConvention | str = DEFAULT_CONVENTION
) -> ServiceFigures:
    """All the service figures of ``totals`` (already summed over the span)."""
    chosen = ServiceLevelConvention(convention)
    return ServiceFigures(
        convention=chosen,
        offered=totals.offered,
        answered=totals.answered,
        abandoned=totals.abandoned,
        short_abandoned=totals.short_abandoned,
        flowed_out=totals.flowed_out,
        service_level=service_level(totals, chosen),
        asa_seconds=asa_seconds(totals),
        abandon_rate=abandon_rate(totals),
        abandon_rate_less_short=abandon_rate_less_short(totals),
        aht_seconds=aht_seconds(totals),
        occupancy=occupancy(totals),
        first_responses=totals.first_responses,
        first_response_level=first_response_level(totals),
        mean_first_response_seconds=mean_first_response_seconds(totals),
    )


# --- customer experience ----------------------------------------------------------------------------

CSAT_SCALE = (1, 5)
CSAT_SATISFIED_FROM = 4  # 4 and 5 of 5 count as satisfied
CES_SCALE = (1, 7)


@dataclass(frozen=True)
class ContactExperience:
    """One surveyed or resolved contact: CSAT 1-5, CES 1-7 and whether it was resolved on first
    contact; each ``None`` where the contact has no answer for it."""

    csat: int | None = None
    ces: int | None = None
    resolved_first_contact: bool | None = None


@dataclass(frozen=True)
class ExperienceTotals:
    """Summed survey and resolution results (per contact, or already aggregated per day).
    Means need their sums and counts, never a mean of means."""

    csat_responses: int = 0
    csat_satisfied: int = 0  # scores of 4 or 5
    csat_score_total: int = 0
    ces_responses: int = 0
    ces_score_total: int = 0
    fcr_contacts: int = 0  # contacts whose first-contact outcome is known
    fcr_resolved: int = 0

    def __add__(self, other: ExperienceTotals) -> ExperienceTotals:
        if not isinstance(other, ExperienceTotals):
            return NotImplemented
        return ExperienceTotals(
            **{
                name: getattr(self, name) + getattr(other, name)
                for name in ExperienceTotals.__dataclass_fields__
            }
        )

    @property
    def has_results(self) -> bool:
        return bool(self.csat_responses or self.ces_responses or self.fcr_contacts)


def _check_score(value: int, scale: tuple[int, int], name: str) -> None:
    low, high = scale
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ValueError(f"{name} must be a whole number from {low} to {high}, got {value!r}.")


def experience_totals(contacts: Iterable[ContactExperience]) -> ExperienceTotals:
    """The totals of per-contact results. Scores outside their scale are refused (the import
    reports them per row before this)."""
    csat_responses = csat_satisfied = csat_total = 0
    ces_responses = ces_total = fcr_contacts = fcr_resolved = 0
    for contact in contacts:
        if contact.csat is not None:
            _check_score(contact.csat, CSAT_SCALE, "CSAT")
            csat_responses += 1
            csat_total += contact.csat
            csat_satisfied += contact.csat >= CSAT_SATISFIED_FROM
        if contact.ces is not None:
            _check_score(contact.ces, CES_SCALE, "CES")
            ces_responses += 1
            ces_total += contact.ces
        if contact.resolved_first_contact is not None:
            fcr_contacts += 1
            fcr_resolved += bool(contact.resolved_first_contact)
    return ExperienceTotals(
        csat_responses=csat_responses,
        csat_satisfied=csat_satisfied,
        csat_score_total=csat_total,
        ces_responses=ces_responses,
        ces_score_total=ces_total,
        fcr_contacts=fcr_contacts,
        fcr_resolved=fcr_resolved,
    )


@dataclass(frozen=True)
class SampledFigure:
    """A figure with the number of answers behind it (``value`` is ``None`` without any)."""

    value: float | None
    sample_size: int


@dataclass(frozen=True)
class ExperienceFigures:
    csat_satisfied: SampledFigure  # share of 4-5 of 5 (0 to 1)
    csat_mean: SampledFigure  # 1 to 5
    ces_mean: SampledFigure  # 1 to 7
    fcr: SampledFigure  # share resolved on first contact (0 to 1)


def experience_figures(totals: ExperienceTotals) -> ExperienceFigures:
    return ExperienceFigures(
        csat_satisfied=SampledFigure(
            ratio(totals.csat_satisfied, totals.csat_responses), totals.csat_responses
        ),
        csat_mean=SampledFigure(
            ratio(totals.csat_score_total, totals.csat_responses), totals.csat_responses
        ),
        ces_mean=SampledFigure(
            ratio(totals.ces_score_total, totals.ces_responses), totals.ces_responses
        ),
        fcr=SampledFigure(ratio(totals.fcr_resolved, totals.fcr_contacts), totals.fcr_contacts),
    )


# --- against the line's targets ---------------------------------------------------------------------


class Outcome(StrEnum):
    MET = "met"
    MISSED = "missed"
    NO_TARGET = "no_target"
    NO_CONTACTS = "no_contacts"

    @property
    def label(self) -> str:
        return OUTCOME_LABELS[self]


OUTCOME_LABELS = {
    Outcome.MET: "Met",
    Outcome.MISSED: "Missed",
    Outcome.NO_TARGET: "No target",
    Outcome.NO_CONTACTS: "No contacts",
}


@dataclass(frozen=True)
class Targets:
    """A line's SLA targets, as the catalog stores them (percent as people say them)."""

    service_level_percent: Decimal | None = None
    service_level_seconds: int | None = None
    max_abandon_percent: Decimal | None = None
    asa_seconds: int | None = None
    first_response_percent: Decimal | None = None
    first_response_hours: Decimal | None = None
    fcr_percent: Decimal | None = None
    csat_percent: Decimal | None = None


def _at_least(numerator: int, denominator: int, target_percent: Decimal | None) -> Outcome:
    """numerator / denominator >= target %, compared exactly (no float rounding at the edge)."""
    if target_percent is None:
        return Outcome.NO_TARGET
    if denominator <= 0:
        return Outcome.NO_CONTACTS
    met = Decimal(numerator) * 100 >= Decimal(target_percent) * denominator
    return Outcome.MET if met else Outcome.MISSED


def _at_most(numerator: int, denominator: int, target: Decimal | int | None) -> Outcome:
    """numerator / denominator <= target, compared exactly."""
    if target is None:
        return Outcome.NO_TARGET
    if denominator <= 0:
        return Outcome.NO_CONTACTS
    met = Decimal(numerator) <= Decimal(target) * denominator
    return Outcome.MET if met else Outcome.MISSED


def service_outcomes(
    totals: ContactTotals,
    targets: Targets,
    convention: ServiceLevelConvention | str = DEFAULT_CONVENTION,
) -> dict[str, Outcome]:
    """Met or missed for each target of the line: service level (by its convention), abandon
    rate (without short abandons, the callers actually lost), ASA and first response."""
    max_abandon = (
        None if targets.max_abandon_percent is None else Decimal(targets.max_abandon_percent) / 100
    )
    return {
        "service_level": _at_least(
            *service_level_terms(totals, ServiceLevelConvention(convention)),
            targets.service_level_percent,
        ),
        "abandon_rate": _at_most(
            totals.abandoned - totals.short_abandoned,
            totals.offered - totals.short_abandoned,
            max_abandon,
        ),
        "asa_seconds": _at_most(totals.answered_wait_seconds, totals.answered, targets.asa_seconds),
        "first_response_level": _at_least(
            totals.first_responses_within_target,
            totals.first_responses,
            targets.first_response_percent,
        ),
    }


def experience_outcomes(totals: ExperienceTotals, targets: Targets) -> dict[str, Outcome]:
    """Met or missed for CSAT (percent satisfied) and FCR."""
    return {
        "csat_satisfied": _at_least(
            totals.csat_satisfied, totals.csat_responses, targets.csat_percent
        ),
        "fcr": _at_least(totals.fcr_resolved, totals.fcr_contacts, targets.fcr_percent),
    }
