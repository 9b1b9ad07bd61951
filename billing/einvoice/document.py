"""One invoice or credit note as EN 16931 sees it: plain frozen data, no Django.

The billing side adapts its models to :class:`Document`; :mod:`billing.einvoice.cii` and
:mod:`billing.einvoice.ubl` serialise it, :mod:`billing.einvoice.validation` checks the XML.

Every amount is a ``Decimal`` **already rounded to the currency's minor unit by the caller**
(the money module is the one place that rounds): 2 decimals for EUR, 0 for JPY, 3 for BHD.
Nothing here rounds. :func:`check_document` refuses a document whose amounts carry more
decimals than the currency has or whose totals do not add up, with a message that names the
business term (BT-...) of EN 16931, before any XML is written. Quantities and unit prices are
not amounts: they may carry more decimals (a price per minute of 0.4150).

Field names follow the business terms of EN 16931; the docstring of each field names the term
so a maintainer can look it up in the standard or in the Schematron texts.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from billing.money import minor_units


class DocumentType(StrEnum):
    """BT-3, from UNTDID 1001."""

    INVOICE = "380"
    CREDIT_NOTE = "381"


class VatCategory(StrEnum):
    """BT-118 / BT-151 / BT-95, from UNTDID 5305 as EN 16931 restricts it."""

    STANDARD = "S"
    REVERSE_CHARGE = "AE"
    EXEMPT = "E"
    ZERO_RATED = "Z"
    OUT_OF_SCOPE = "O"


class UnitCode(StrEnum):
    """BT-130, from UN/ECE recommendation 20 (the codes billing uses)."""

    HOUR = "HUR"
    MINUTE = "MIN"
    MONTH = "MON"
    UNIT = "C62"


class PaymentMeansCode(StrEnum):
    """BT-81, from UNTDID 4461."""

    CREDIT_TRANSFER = "30"
    SEPA_CREDIT_TRANSFER = "58"


# VAT exemption reasons (BT-120) and codes (BT-121, the CEF VATEX list) per category that needs
# one. Reverse charge: the buyer accounts for the VAT (Art. 196 of the VAT directive).
EXEMPTION_REASONS: dict[VatCategory, tuple[str, str]] = {
    VatCategory.REVERSE_CHARGE: ("Reverse charge", "VATEX-EU-AE"),
    VatCategory.EXEMPT: ("Exempt from VAT", "VATEX-EU-132"),
    VatCategory.OUT_OF_SCOPE: ("Not subject to VAT", "VATEX-EU-O"),
}


@dataclass(frozen=True)
class Party:
    """Seller (BG-4) or buyer (BG-7)."""

    name: str
    """BT-27 / BT-44, the legal name."""
    country_code: str
    """BT-40 / BT-55, ISO 3166-1 alpha-2."""
    city: str = ""
    postcode: str = ""
    address_lines: tuple[str, ...] = ()
    """BT-35..37 / BT-50..52, at most three."""
    vat_id: str = ""
    """BT-31 / BT-48, with the country prefix (DE123456789)."""
    legal_registration_id: str = ""
    """BT-30 / BT-47 (a commercial register number: HRB 12345)."""
    electronic_address: str = ""
    """BT-34 / BT-49: an e-mail address (scheme EM), where e-invoices go."""
    contact_email: str = ""
    """BT-43 / BT-58."""


@dataclass(frozen=True)
class PaymentMeans:
    """BG-16: where the money goes."""

    iban: str
    """BT-84."""
    bic: str = ""
    """BT-86."""
    account_name: str = ""
    """BT-85."""
    code: PaymentMeansCode = PaymentMeansCode.SEPA_CREDIT_TRANSFER
    """BT-81."""
    remittance_information: str = ""
    """BT-83, what the buyer writes on the transfer (usually the invoice number)."""


@dataclass(frozen=True)
class PrecedingInvoice:
    """BG-3: the invoice a credit note corrects."""

    number: str
    issue_date: datetime.date | None = None


@dataclass(frozen=True)
class Line:
    """BG-25: one invoice line."""

    id: str
    """BT-126."""
    name: str
    """BT-153."""
    quantity: Decimal
    """BT-129 (negative on an invoice that corrects; positive on a credit note)."""
    unit_code: UnitCode | str
    """BT-130."""
    unit_net_price: Decimal
    """BT-146, per one unit, not negative; not rounded to the minor unit."""
    net_amount: Decimal
    """BT-131, rounded: quantity x price as the rating engine rounded it."""
    vat_category: VatCategory
    """BT-151."""
    vat_rate: Decimal
    """BT-152, percent (19 for 19 %); 0 for AE, E, Z; ignored for O."""
    description: str = ""
    """BT-154."""
    period_start: datetime.date | None = None
    """BT-134."""
    period_end: datetime.date | None = None
    """BT-135."""


@dataclass(frozen=True)
class AllowanceCharge:
    """BG-20 (allowance) or BG-21 (charge) on the document level.

    An SLA credit is an allowance with its reason ("SLA credit: service level 74.0 % below
    target 80 %") and reason code 95 (discount, UNTDID 5189)."""

    is_charge: bool
    amount: Decimal
    """BT-92 / BT-99, positive, rounded."""
    vat_category: VatCategory
    """BT-95 / BT-102."""
    vat_rate: Decimal
    """BT-96 / BT-103."""
    reason: str
    """BT-97 / BT-104."""
    reason_code: str = ""
    """BT-98 (UNTDID 5189) / BT-105 (UNTDID 7161)."""
    base_amount: Decimal | None = None
    """BT-93 / BT-100, what a percentage applies to."""
    percent: Decimal | None = None
    """BT-94 / BT-101."""


@dataclass(frozen=True)
class VatBreakdown:
    """BG-23: one row per VAT category and rate."""

    category: VatCategory
    """BT-118."""
    rate: Decimal
    """BT-119."""
    taxable_amount: Decimal
    """BT-116: lines - allowances + charges of this category and rate."""
    tax_amount: Decimal
    """BT-117."""
    exemption_reason: str = ""
    """BT-120 (required for AE, E, O: :data:`EXEMPTION_REASONS` has the texts)."""
    exemption_reason_code: str = ""
    """BT-121."""


@dataclass(frozen=True)
class Totals:
    """BG-22."""

    line_total: Decimal
    """BT-106: the sum of the lines' net amounts."""
    tax_basis_total: Decimal
    """BT-109: line total - allowances + charges."""
    tax_total: Decimal
    """BT-110: the sum of the breakdown's tax amounts."""
    grand_total: Decimal
    """BT-112: tax basis + tax."""
    due_amount: Decimal
    """BT-115: grand total - paid."""
    allowance_total: Decimal = Decimal(0)
    """BT-107."""
    charge_total: Decimal = Decimal(0)
    """BT-108."""
    paid_amount: Decimal = Decimal(0)
    """BT-113."""


@dataclass(frozen=True)
class Document:
    """One invoice (380) or credit note (381)."""

    document_type: DocumentType
    number: str
    """BT-1."""
    issue_date: datetime.date
    """BT-2."""
    currency_code: str
    """BT-5, ISO 4217."""
    seller: Party
    buyer: Party
    lines: tuple[Line, ...]
    vat_breakdown: tuple[VatBreakdown, ...]
    totals: Totals
    due_date: datetime.date | None = None
    """BT-9."""
    buyer_reference: str = ""
    """BT-10 (the Leitweg-ID for German public buyers)."""
    purchase_order_reference: str = ""
    """BT-13."""
    payment_terms: str = ""
    """BT-20, in words ("Payable within 30 days without deduction")."""
    payment_means: PaymentMeans | None = None
    notes: tuple[str, ...] = ()
    """BG-1 / BT-22."""
    preceding_invoice: PrecedingInvoice | None = None
    """BG-3, for a credit note."""
    period_start: datetime.date | None = None
    """BT-73, the month billed."""
    period_end: datetime.date | None = None
    """BT-74."""
    allowances_charges: tuple[AllowanceCharge, ...] = field(default=())

    @property
    def is_credit_note(self) -> bool:
        return self.document_type == DocumentType.CREDIT_NOTE

    @property
    def allowances(self) -> tuple[AllowanceCharge, ...]:
        return tuple(item for item in self.allowances_charges if not item.is_charge)

    @property
    def charges(self) -> tuple[AllowanceCharge, ...]:
        return tuple(item for item in self.allowances_charges if item.is_charge)


class DocumentShapeError(ValueError):
    """The document's figures do not add up or carry more decimals than the currency has.

    ``problems`` lists each one in words, naming the business term."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("; ".join(problems))


def format_amount(value: Decimal, currency_code: str) -> str:
    """An amount as EN 16931 writes it: exactly the currency's decimals, no exponent."""
    digits = minor_units(currency_code)
    return f"{value:.{digits}f}"


def format_number(value: Decimal) -> str:
    """A quantity, price or percentage without trailing zeros and without an exponent."""
    text = f"{value:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text if text not in ("", "-0") else "0"


def check_document(document: Document, *, require_buyer_reference: bool = False) -> None:
    """Raise :class:`DocumentShapeError` unless the document's totals add up (BR-CO-10..16 and
    BR-S/AE-08 in EN 16931's words) and every amount is rounded to the currency's minor unit.

    Cheaper and clearer than the Schematron for the figures the caller computed; the Schematron
    still runs on the XML. Two rules that the bundled Schematron does not carry are checked here:
    Peppol BIS 3 needs a buyer reference or a purchase order (PEPPOL-EN16931-R003), and a
    German public buyer (XRechnung) needs the buyer reference, its Leitweg-ID (BR-DE-15): pass
    ``require_buyer_reference=True`` for such a buyer."""
    problems: list[str] = []
    if require_buyer_reference and not document.buyer_reference:
        problems.append("the buyer reference (BT-10) is required for this buyer (BR-DE-15)")
    elif not (document.buyer_reference or document.purchase_order_reference):
        problems.append(
            "a buyer reference (BT-10) or a purchase order (BT-13) is required "
            "(PEPPOL-EN16931-R003)"
        )
    digits = minor_units(document.currency_code)
    quantum = Decimal(1).scaleb(-digits)
    totals = document.totals

    def amount(label: str, value: Decimal) -> None:
        if not isinstance(value, Decimal):
            problems.append(f"{label} must be a Decimal, not {type(value).__name__}")
        elif value != value.quantize(quantum):
            problems.append(
                f"{label} {value} has more decimals than {document.currency_code} has ({digits})"
            )

    for line in document.lines:
        amount(f"line {line.id} net amount (BT-131)", line.net_amount)
    for item in document.allowances_charges:
        amount(f"{_kind(item)} '{item.reason}' amount", item.amount)
    for row in document.vat_breakdown:
        amount(f"VAT {row.category}/{row.rate} taxable amount (BT-116)", row.taxable_amount)
        amount(f"VAT {row.category}/{row.rate} tax amount (BT-117)", row.tax_amount)
    for label, value in (
        ("sum of lines (BT-106)", totals.line_total),
        ("sum of allowances (BT-107)", totals.allowance_total),
        ("sum of charges (BT-108)", totals.charge_total),
        ("total without VAT (BT-109)", totals.tax_basis_total),
        ("total VAT (BT-110)", totals.tax_total),
        ("total with VAT (BT-112)", totals.grand_total),
        ("paid amount (BT-113)", totals.paid_amount),
        ("amount due (BT-115)", totals.due_amount),
    ):
        amount(label, value)
    if problems:
        raise DocumentShapeError(problems)

    if not document.lines:
        problems.append("an invoice has at least one line (BG-25)")
    _equal(problems, "sum of lines (BT-106)", totals.line_total, _sum(document.lines))
    _equal(
        problems,
        "sum of allowances (BT-107)",
        totals.allowance_total,
        _sum_amounts(document.allowances),
    )
    _equal(problems, "sum of charges (BT-108)", totals.charge_total, _sum_amounts(document.charges))
    _equal(
        problems,
        "total without VAT (BT-109) = lines - allowances + charges",
        totals.tax_basis_total,
        totals.line_total - totals.allowance_total + totals.charge_total,
    )
    _equal(
        problems,
        "total VAT (BT-110) = sum of the breakdown's tax amounts",
        totals.tax_total,
        sum((row.tax_amount for row in document.vat_breakdown), Decimal(0)),
    )
    _equal(
        problems,
        "total with VAT (BT-112) = total without VAT + VAT",
        totals.grand_total,
        totals.tax_basis_total + totals.tax_total,
    )
    _equal(
        problems,
        "amount due (BT-115) = total with VAT - paid",
        totals.due_amount,
        totals.grand_total - totals.paid_amount,
    )

    keys = [(line.vat_category, line.vat_rate) for line in document.lines]
    keys += [(item.vat_category, item.vat_rate) for item in document.allowances_charges]
    rows = {(row.category, row.rate): row for row in document.vat_breakdown}
    if len(rows) != len(document.vat_breakdown):
        problems.append("the VAT breakdown (BG-23) has one row per category and rate")
    for key in sorted(set(keys)):
        if key not in rows:
            problems.append(f"the VAT breakdown (BG-23) lacks category {key[0]} at {key[1]} %")
    for (category, rate), row in rows.items():
        expected = (
            sum(
                (line.net_amount for line in document.lines if _key(line) == (category, rate)),
                Decimal(0),
            )
            - _sum_amounts(item for item in document.allowances if _key(item) == (category, rate))
            + _sum_amounts(item for item in document.charges if _key(item) == (category, rate))
        )
        _equal(
            problems, f"VAT {category}/{rate} taxable amount (BT-116)", row.taxable_amount, expected
        )
        if category in EXEMPTION_REASONS and not (
            row.exemption_reason or row.exemption_reason_code
        ):
            problems.append(f"VAT category {category} needs an exemption reason (BT-120)")
    if problems:
        raise DocumentShapeError(problems)


def _kind(item: AllowanceCharge) -> str:
    return "charge" if item.is_charge else "allowance"


def _key(item: Line | AllowanceCharge) -> tuple[VatCategory, Decimal]:
    return (item.vat_category, item.vat_rate)


def _sum(lines: tuple[Line, ...]) -> Decimal:
    return sum((line.net_amount for line in lines), Decimal(0))


def _sum_amounts(items) -> Decimal:
    return sum((item.amount for item in items), Decimal(0))


def _equal(problems: list[str], label: str, stated: Decimal, expected: Decimal) -> None:
    if stated != expected:
        problems.append(f"{label}: stated {stated}, the figures give {expected}")
