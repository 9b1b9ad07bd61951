"""Escalation resolver: who to call about an issue now, and who takes over if nobody acts.

Plain data in and out; no Django (``bpo.catalog.selectors.escalations`` adapts the models).
An instant is in *business hours* when the service line is open then (its hours in the
client's zone, from :mod:`bpo.catalog.hours`), otherwise *after hours*.

- The tier to use now is the lowest-level tier whose coverage fits the period and whose
  severity trigger matches the issue: its category is blank or the issue's category (compared
  case-insensitively) and the issue is at least its minimum severity.
- The next tier is the next higher-level tier that applies: a severity tier matching the
  issue, due when the current tier has not responded within its respond-within minutes, or a
  time tier, due when the issue is still unresolved after its minutes. Its coverage is judged
  at that deadline, which may fall after closing time. With no tier to use now, only time
  tiers can take over later.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from bpo.catalog import hours as hours_module

# Kept in step with bpo.catalog.models.Severity / TriggerKind / Coverage (this module has no
# Django import; a test checks that the values agree).
SEVERITY_LABELS = {1: "Low", 2: "Medium", 3: "High", 4: "Critical"}
SEVERITY_BY_NAME = {label.lower(): value for value, label in SEVERITY_LABELS.items()}

TRIGGER_SEVERITY = "severity"
TRIGGER_UNRESOLVED = "unresolved"

BUSINESS_HOURS = "business_hours"
AFTER_HOURS = "after_hours"
ALWAYS = "always"
PERIOD_LABELS = {BUSINESS_HOURS: "business hours", AFTER_HOURS: "after hours"}
# How a period is said in a sentence ("No tier covers ... after hours.").
PERIOD_PHRASES = {BUSINESS_HOURS: "during business hours", AFTER_HOURS: "after hours"}
COVERAGE_PERIODS = {
    BUSINESS_HOURS: frozenset({BUSINESS_HOURS}),
    AFTER_HOURS: frozenset({AFTER_HOURS}),
    ALWAYS: frozenset({BUSINESS_HOURS, AFTER_HOURS}),
}

SEVERITY_ERROR = "Severity must be 1 to 4, or low, medium, high or critical."


@dataclass(frozen=True)
class Tier:
    level: int
    trigger_kind: str
    respond_within_minutes: int
    coverage: str = ALWAYS
    category: str = ""
    min_severity: int | None = None
    unresolved_minutes: int | None = None
    contact_name: str = ""
    contact_role: str = ""
    channel: str = ""
    phone: str = ""
    email: str = ""
    id: int | None = None

    def covers(self, period: str) -> bool:
        return period in COVERAGE_PERIODS.get(self.coverage, frozenset())

    def matches(self, *, severity: int, category: str) -> bool:
        """Whether this tier's severity trigger applies to an issue (False for time tiers)."""
        if self.trigger_kind != TRIGGER_SEVERITY or self.min_severity is None:
            return False
        wanted = self.category.strip().casefold()
        return (not wanted or wanted == category.strip().casefold()) and (
            severity >= self.min_severity
        )


@dataclass(frozen=True)
class NextTier:
    tier: Tier
    deadline: datetime  # UTC
    period: str  # the period at the deadline
    reason: str  # why it takes over, e.g. "if tier 1 has not responded within 15 minutes"


@dataclass(frozen=True)
class Resolution:
    at: datetime  # UTC
    severity: int
    category: str
    period: str
    tier: Tier | None
    next_tier: NextTier | None
    message: str  # why no tier applies now (empty when one does)
    next_message: str  # why nobody takes over later (empty when a next tier does)

    @property
    def severity_label(self) -> str:
        return SEVERITY_LABELS[self.severity]

    @property
    def period_label(self) -> str:
        return PERIOD_LABELS[self.period]


def parse_severity(value: object) -> int:
    """1-4 or a name (low, medium, high, critical, any case); ``ValueError`` otherwise."""
    if isinstance(value, bool):
        raise ValueError(SEVERITY_ERROR)
    if isinstance(value, int):
        number = value
    else:
        text = str(value).strip().lower()
        if text in SEVERITY_BY_NAME:
            return SEVERITY_BY_NAME[text]
        # isdigit() alone takes superscripts ("²", which int() refuses) and other scripts' digits.
        if not (text.isascii() and text.isdigit()):
            raise ValueError(SEVERITY_ERROR)
        number = int(text)
    if number not in SEVERITY_LABELS:
        raise ValueError(SEVERITY_ERROR)
    return number


def period_at(hours: hours_module.WeeklyHours, at: datetime) -> str:
    return BUSINESS_HOURS if hours_module.is_open(hours, at) else AFTER_HOURS


def no_tier_message(*, severity: int, category: str, period: str) -> str:
    where = f" in category “{category.strip()}”" if category.strip() else ""
    return f"No tier covers severity {SEVERITY_LABELS[severity]}{where} {PERIOD_PHRASES[period]}."


NO_NEXT_TIER_MESSAGE = "No higher tier applies to this issue."


def resolve(
    tiers: Iterable[Tier],
    hours: hours_module.WeeklyHours,
    *,
    severity: int,
    category: str,
    at: datetime,
) -> Resolution:
    """The tier to use at ``at`` (aware) for an issue, and the next one with its deadline."""
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError("the instant must be time-zone aware")
    at = at.astimezone(UTC)
    ordered = sorted(tiers, key=lambda tier: tier.level)
    period = period_at(hours, at)
    current = next(
        (
            tier
            for tier in ordered
            if tier.covers(period) and tier.matches(severity=severity, category=category)
        ),
        None,
    )
    following = _next_tier(ordered, hours, current, severity=severity, category=category, at=at)
    return Resolution(
        at=at,
        severity=severity,
        category=category.strip(),
        period=period,
        tier=current,
        next_tier=following,
        message=""
        if current
        else no_tier_message(severity=severity, category=category, period=period),
        next_message="" if following else NO_NEXT_TIER_MESSAGE,
    )


def _next_tier(
    ordered: Sequence[Tier],
    hours: hours_module.WeeklyHours,
    current: Tier | None,
    *,
    severity: int,
    category: str,
    at: datetime,
) -> NextTier | None:
    above = [tier for tier in ordered if current is None or tier.level > current.level]
    for tier in above:
        if tier.trigger_kind == TRIGGER_UNRESOLVED and tier.unresolved_minutes:
            deadline = at + timedelta(minutes=tier.unresolved_minutes)
            reason = f"if the issue is still unresolved after {_minutes(tier.unresolved_minutes)}"
        elif current is not None and tier.matches(severity=severity, category=category):
            deadline = at + timedelta(minutes=current.respond_within_minutes)
            reason = (
                f"if tier {current.level} has not responded within "
                f"{_minutes(current.respond_within_minutes)}"
            )
        else:
            continue
        deadline_period = period_at(hours, deadline)
        if tier.covers(deadline_period):
            return NextTier(tier=tier, deadline=deadline, period=deadline_period, reason=reason)
    return None


def _minutes(count: int) -> str:
    return "1 minute" if count == 1 else f"{count} minutes"


# --- what the line's hours allow (for validation) ------------------------------------------------


def is_never_open(hours: hours_module.WeeklyHours) -> bool:
    """No weekly hours, not 24/7 and no date that opens: every instant is after hours."""
    return (
        not hours.is_open_24_7
        and not hours.spans
        and all(day.is_closed for day in hours.overrides.values())
    )


def is_always_open(hours: hours_module.WeeklyHours) -> bool:
    """Open around the clock with no exception: no instant is after hours.

    A 24/7 line that closes on the public holidays of a country the holiday library knows, or
    that has a date override other than a full day, has after hours on those dates.
    """
    if not hours.is_open_24_7:
        return False
    if (
        hours.closed_on_public_holidays
        and hours.country
        and hours_module.is_supported_country(hours.country)
    ):
        return False
    full_day = (time(0, 0), time(0, 0))
    return all(
        not day.is_closed and (day.opens_at, day.closes_at) == full_day
        for day in hours.overrides.values()
    )


def uncovered_severities(tiers: list[Tier], *, period: str) -> list[int]:
    """The severities (of an issue without a category) that no tier answers in ``period``:
    nobody would be contacted first for them."""
    return [
        severity
        for severity in sorted(SEVERITY_LABELS)
        if not any(
            tier.covers(period) and tier.matches(severity=severity, category="") for tier in tiers
        )
    ]


def coverage_gaps(tiers: list[Tier], hours: hours_module.WeeklyHours | None = None) -> list[str]:
    """One sentence per period in which some severity has nobody, e.g. "After hours nobody
    covers severity 4 (Critical)." (business hours first). With the line's ``hours``, a period
    the line never has is left out: a 24/7 line has no after hours, a line never open no
    business hours."""
    sentences = []
    for period in (BUSINESS_HOURS, AFTER_HOURS):
        if hours is not None and (
            (period == AFTER_HOURS and is_always_open(hours))
            or (period == BUSINESS_HOURS and is_never_open(hours))
        ):
            continue
        missing = uncovered_severities(tiers, period=period)
        if not missing:
            continue
        named = [f"{severity} ({SEVERITY_LABELS[severity]})" for severity in missing]
        listed = named[0] if len(named) == 1 else ", ".join(named[:-1]) + " or " + named[-1]
        noun = "severity" if len(named) == 1 else "severities"
        when = "During business hours" if period == BUSINESS_HOURS else "After hours"
        sentences.append(f"{when} nobody covers {noun} {listed}.")
    return sentences
