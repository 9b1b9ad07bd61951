"""A contract version's terms as plain data: what the rating engine reads (no Django).

The Django side (`billing.contracts`) turns a stored ``ContractVersion`` with its rate lines
and rules into ``ContractTerms``; every id here is the stored row's, so the evidence of an
invoice line can name the rate line, the rule and the version behind it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time
from decimal import Decimal
from enum import StrEnum


class Basis(StrEnum):
    """What a rate line is paid per."""

    PRODUCTIVE_HOUR = "productive_hour"
    SCHEDULED_HOUR = "scheduled_hour"
    WORKED_HOUR = "worked_hour"
    FTE_MONTH = "fte_month"
    SEAT_MONTH = "seat_month"
    CONTACT = "contact"
    HANDLED_MINUTE = "handled_minute"
    ONE_OFF_FEE = "one_off_fee"


HOUR_BASES = frozenset({Basis.PRODUCTIVE_HOUR, Basis.SCHEDULED_HOUR, Basis.WORKED_HOUR})
MONTH_BASES = frozenset({Basis.FTE_MONTH, Basis.SEAT_MONTH})
CONTACT_BASES = frozenset({Basis.CONTACT, Basis.HANDLED_MINUTE})

BASIS_WORDS = {
    Basis.PRODUCTIVE_HOUR: "productive hour",
    Basis.SCHEDULED_HOUR: "scheduled hour",
    Basis.WORKED_HOUR: "worked hour",
    Basis.FTE_MONTH: "FTE per month",
    Basis.SEAT_MONTH: "seat per month",
    Basis.CONTACT: "contact handled",
    Basis.HANDLED_MINUTE: "minute handled",
    Basis.ONE_OFF_FEE: "one-off fee",
}


class MultiplierKind(StrEnum):
    OVERTIME_DAY = "overtime_day"  # an agent's hours on the client over N in a local day
    OVERTIME_WEEK = "overtime_week"  # ... over N in an ISO week
    NIGHT = "night"  # hours between two local times (across midnight when start > end)
    HOLIDAY = "holiday"  # hours on a public holiday of the client's country


class TrueUpRule(StrEnum):
    """What the invoice does when the FTE delivered falls short of the FTE committed."""

    REPORT_ONLY = "report_only"  # shown as a note, no money
    BILL_SHORTFALL = "bill_shortfall"  # the client committed to buy them: the shortfall is billed
    CREDIT_SHORTFALL = "credit_shortfall"  # the provider committed to deliver: it is credited


@dataclass(frozen=True, slots=True)
class RateTerm:
    """One line of the rate card. ``service_line_id`` None: every line; ``role`` empty: every
    agent (else an agent skill's name). ``quantity`` is the number of seats or FTE of a month
    basis and the count of a one-off fee; ``bill_on`` the day a one-off fee falls due (None:
    the version's first day)."""

    id: int
    basis: Basis
    unit_price: Decimal
    service_line_id: int | None = None
    service_line_name: str = ""
    role: str = ""
    quantity: Decimal = Decimal(1)
    tax_rate: Decimal | None = None
    description: str = ""
    bill_on: date | None = None


@dataclass(frozen=True, slots=True)
class MultiplierTerm:
    """``factor`` x the hour's rate for the hours the rule selects; the invoice bills the extra
    (factor - 1) as its own line. ``threshold_hours`` for overtime, ``night_starts`` /
    ``night_ends`` for night hours."""

    id: int
    kind: MultiplierKind
    factor: Decimal
    threshold_hours: Decimal | None = None
    night_starts: time | None = None
    night_ends: time | None = None
    subdivision: str = ""  # holidays: a region of the country (e.g. "BY"), empty for national


@dataclass(frozen=True, slots=True)
class SlaCreditTerm:
    """Per ``points_per_step`` points of service level below target in a week: a credit of
    ``credit_percent_per_step`` % of the line's fees, at most ``cap_percent`` %. The optional
    bonus mirrors it above target."""

    id: int
    service_line_id: int
    points_per_step: Decimal
    credit_percent_per_step: Decimal
    cap_percent: Decimal
    service_line_name: str = ""
    bonus_points_per_step: Decimal | None = None
    bonus_percent_per_step: Decimal | None = None
    bonus_cap_percent: Decimal | None = None


@dataclass(frozen=True, slots=True)
class CommittedFteTerm:
    """``fte`` committed on a line (None: all lines), optionally only on ``weekdays`` (0 =
    Monday) between ``window_starts`` and ``window_ends`` local time."""

    id: int
    fte: Decimal
    service_line_id: int | None = None
    service_line_name: str = ""
    weekdays: tuple[int, ...] = ()
    window_starts: time | None = None
    window_ends: time | None = None


@dataclass(frozen=True, slots=True)
class ContractTerms:
    """One contract version, in force from ``effective_from``."""

    version_id: int
    version_number: int
    effective_from: date
    currency: str
    time_zone: str  # the client's IANA zone: nights and holidays are on its clock
    country: str  # the client's ISO 3166 code: whose public holidays
    payment_terms_days: int = 30
    language: str = "en"
    tax_per_invoice: bool = False
    default_tax_rate: Decimal = Decimal(0)
    reverse_charge: bool = False
    buyer_reference: str = ""
    minimum_monthly_amount: Decimal | None = None
    fte_true_up_rule: TrueUpRule = TrueUpRule.REPORT_ONLY
    hours_per_fte_month: Decimal = Decimal(160)
    rates: tuple[RateTerm, ...] = ()
    multipliers: tuple[MultiplierTerm, ...] = ()
    sla_credits: tuple[SlaCreditTerm, ...] = ()
    committed_fte: tuple[CommittedFteTerm, ...] = ()
