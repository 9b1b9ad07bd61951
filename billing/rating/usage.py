"""A client's month of usage as plain data: what the rating engine bills (no Django).

The Django side (`billing.contracts.usage`) reads it from the apps that own it: booked,
worked and productive time from the roster, contacts from the contact statistics, the weekly
SLA figures from the same selector as the weekly report.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from billing.rating.terms import Basis


@dataclass(frozen=True, slots=True)
class TimeSpan:
    """One agent's booked time on one of the client's lines (one shift), with what of it was
    worked, productive and in the scheduled state (adherence), in minutes.

    ``day`` is the local day the shift starts (the roster's rule); ``starts_at``/``ends_at``
    are aware instants of the booked clock time (None when only a day total is known: then
    night hours cannot be told apart, and a holiday is judged by ``day``)."""

    agent_id: int
    agent_name: str
    day: date
    service_line_id: int | None
    scheduled_minutes: int
    worked_minutes: int = 0
    productive_minutes: int = 0
    in_state_minutes: int = 0
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    roles: tuple[str, ...] = ()
    reference: dict[str, object] = field(default_factory=dict)

    def minutes(self, basis: Basis) -> int:
        if basis == Basis.SCHEDULED_HOUR:
            return self.scheduled_minutes
        if basis == Basis.WORKED_HOUR:
            return self.worked_minutes
        if basis == Basis.PRODUCTIVE_HOUR:
            return self.productive_minutes
        raise ValueError(f"{basis} is not paid by the hour")


@dataclass(frozen=True, slots=True)
class ContactDay:
    """Contacts handled on one line on one local day, and their handled time (talk, hold and
    after-call work) in seconds."""

    service_line_id: int
    day: date
    contacts: int
    handled_seconds: int = 0
    reference: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class SlaWeek:
    """One line's ISO week as the weekly report shows it: ``met`` of ``counted`` contacts
    answered within the threshold (the line's convention), against ``target_percent``."""

    service_line_id: int
    week: str  # "2026-W48"
    met: int
    counted: int
    target_percent: Decimal
    threshold_seconds: int | None = None

    @property
    def service_level_percent(self) -> Decimal | None:
        if self.counted <= 0:
            return None
        return Decimal(self.met) * 100 / Decimal(self.counted)


@dataclass(frozen=True, slots=True)
class MonthUsage:
    """Everything a period bills. ``live_from``/``live_until`` bound the days the client was
    live (seats and FTE are prorated by them); None: live the whole period."""

    period_start: date
    period_end: date  # inclusive
    spans: tuple[TimeSpan, ...] = ()
    contacts: tuple[ContactDay, ...] = ()
    sla_weeks: tuple[SlaWeek, ...] = ()
    service_line_names: dict[int, str] = field(default_factory=dict)
    live_from: date | None = None
    live_until: date | None = None
