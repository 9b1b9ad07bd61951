"""What the rating of a client's month hands to the invoice ledger: plain data, no Django.

The rating engine (`billing.rating`) turns a contract version and a month of usage into
``InvoiceDraftData``; the ledger (`billing.invoices`) stores it as a draft invoice, its lines
and each line's evidence. Amounts are `Decimal`, rounded by `billing.money` before they get
here; quantities keep `billing.money.QUANTITY_PLACES` places.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum


class LineKind(StrEnum):
    """What a line bills; the evidence of each kind differs."""

    HOURS = "hours"  # productive, scheduled or worked hours
    SEATS = "seats"  # FTE or seats per month, prorated by days
    CONTACTS = "contacts"  # contacts handled or minutes handled
    FEE = "fee"  # a one-off fee
    MULTIPLIER = "multiplier"  # the extra of overtime, night or public-holiday hours
    TRUE_UP = "true_up"  # the minimum monthly commitment, or committed FTE not delivered
    SLA_CREDIT = "sla_credit"  # negative: service level below target
    SLA_BONUS = "sla_bonus"
    MANUAL = "manual"  # added by finance to a draft, with a reason


class TaxCategory(StrEnum):
    """EN 16931 VAT category codes (UNTDID 5305) the portal uses."""

    STANDARD = "S"
    REVERSE_CHARGE = "AE"
    EXEMPT = "E"
    ZERO = "Z"
    OUT_OF_SCOPE = "O"


@dataclass(frozen=True, slots=True)
class EvidenceRow:
    """One fact behind a line, as the client admin sees it when opening the line.

    ``source`` names the record kind ("worked_day", "scheduled_day", "productive_day",
    "contacts_day", "sla_week", "contract_rate", "multiplier_rule", "seat_days"); ``day`` or
    ``week`` says when; ``agent_id``/``agent_name`` and ``service_line_id`` who and where;
    ``quantity`` and ``unit`` how much; ``detail`` the words ("Night 22:00-06:00 x 1.25",
    "Service level 74.1 % against 80 % target")."""

    source: str
    quantity: Decimal
    unit: str
    day: date | None = None
    week: str | None = None  # ISO week "2026-W48"
    agent_id: int | None = None
    agent_name: str = ""
    service_line_id: int | None = None
    detail: str = ""
    reference: dict[str, object] = field(default_factory=dict)  # ids of the source rows


@dataclass(frozen=True, slots=True)
class LineDraft:
    """One invoice line before it is stored.

    ``amount`` = ``quantity`` x ``unit_price`` rounded to the currency (negative for a credit);
    ``unit`` is a UN/ECE recommendation 20 code (HUR hour, MIN minute, MON month, C62 one)."""

    kind: LineKind
    description: str
    quantity: Decimal
    unit: str
    unit_price: Decimal
    amount: Decimal
    tax_category: TaxCategory
    tax_rate: Decimal  # percent, e.g. Decimal("19")
    service_line_id: int | None = None
    service_line_name: str = ""
    rate_line_id: int | None = None
    rule: str = ""  # the multiplier, true-up or SLA rule applied, in words
    evidence: tuple[EvidenceRow, ...] = ()
    # the contract version whose rate card priced the line (a month split across versions
    # has lines of each); None for a manual line
    contract_version_id: int | None = None


@dataclass(frozen=True, slots=True)
class InvoiceDraftData:
    """A client's invoice for one period under one contract version, ready to be stored."""

    period_start: date
    period_end: date  # inclusive
    currency: str
    contract_version_id: int
    lines: tuple[LineDraft, ...]
    tax_per_invoice: bool  # True: tax computed once on each rate's total, else per line
    reverse_charge: bool
    payment_terms_days: int
    buyer_reference: str = ""
    language: str = "en"
    notes: tuple[str, ...] = ()
    # every version that priced a line, in day order, when a change mid-month split the
    # period; ``contract_version_id`` is the last of them (the one in force at period end)
    contract_version_ids: tuple[int, ...] = ()


# The UN/ECE recommendation 20 codes of invoice lines, in words for people.
UNIT_WORDS = {"HUR": "hours", "MIN": "minutes", "MON": "months", "DAY": "days", "C62": ""}
