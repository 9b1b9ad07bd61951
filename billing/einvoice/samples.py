"""Sample documents: a German B2B invoice (EUR, 19 %), a reverse-charge invoice to France, a
credit note, an invoice with an SLA credit and a JPY invoice, with figures as the rating
engine hands them over (rounded to the currency's minor unit). The tests, the benchmark and
demo data use them; each validates without a fatal finding in CII and UBL."""

from __future__ import annotations

import datetime
from dataclasses import replace
from decimal import Decimal
from typing import Any

from billing.einvoice.document import (
    EXEMPTION_REASONS,
    AllowanceCharge,
    Document,
    DocumentType,
    Line,
    Party,
    PaymentMeans,
    PrecedingInvoice,
    Totals,
    UnitCode,
    VatBreakdown,
    VatCategory,
)

SELLER = Party(
    name="Northwind Contact Services GmbH",
    address_lines=("Friedrichstrasse 123",),
    city="Berlin",
    postcode="10117",
    country_code="DE",
    vat_id="DE123456789",
    legal_registration_id="HRB 123456 B",
    electronic_address="billing@northwind.example",
    contact_email="billing@northwind.example",
)
GERMAN_BUYER = Party(
    name="Musterbank AG",
    address_lines=("Hauptstrasse 1", "Gebäude B"),
    city="Frankfurt am Main",
    postcode="60311",
    country_code="DE",
    vat_id="DE987654321",
    electronic_address="invoices@musterbank.example",
)
FRENCH_BUYER = Party(
    name="Acme Telecom SAS",
    address_lines=("10 rue de la Paix",),
    city="Paris",
    postcode="75002",
    country_code="FR",
    vat_id="FR40303265045",
    electronic_address="factures@acme.example",
)
JAPANESE_BUYER = Party(
    name="Sakura Insurance KK",
    address_lines=("1-1 Marunouchi",),
    city="Tokyo",
    postcode="100-0005",
    country_code="JP",
    electronic_address="ap@sakura.example",
)
PAYMENT = PaymentMeans(
    iban="DE02120300000000202051",
    bic="BYLADEM1001",
    account_name="Northwind Contact Services GmbH",
)
ISSUED = datetime.date(2026, 11, 2)
PERIOD = (datetime.date(2026, 10, 1), datetime.date(2026, 10, 31))


def _document(**overrides: Any) -> Document:
    values: dict[str, Any] = dict(
        document_type=DocumentType.INVOICE,
        number="RE-2026-0001",
        issue_date=ISSUED,
        due_date=datetime.date(2026, 12, 2),
        currency_code="EUR",
        seller=SELLER,
        buyer=GERMAN_BUYER,
        buyer_reference="04011000-12345-34",
        purchase_order_reference="PO-4711",
        payment_terms="Payable within 30 days without deduction",
        payment_means=PAYMENT,
        notes=("Services of October 2026 under contract version 3.",),
        period_start=PERIOD[0],
        period_end=PERIOD[1],
    )
    values.update(overrides)
    if values["payment_means"] is not None:
        values["payment_means"] = replace(PAYMENT, remittance_information=values["number"])
    return Document(**values)


def german_invoice() -> Document:
    """EUR, VAT 19 %: productive hours, a per-FTE month and minutes handled."""
    lines = (
        Line(
            id="1",
            name="Productive hours, Customer care DE",
            description="1,280.50 productive hours at 38.50 EUR",
            quantity=Decimal("1280.50"),
            unit_code=UnitCode.HOUR,
            unit_net_price=Decimal("38.50"),
            net_amount=Decimal("49299.25"),
            vat_category=VatCategory.STANDARD,
            vat_rate=Decimal("19"),
            period_start=PERIOD[0],
            period_end=PERIOD[1],
        ),
        Line(
            id="2",
            name="Seats, Technical support",
            quantity=Decimal("12"),
            unit_code=UnitCode.MONTH,
            unit_net_price=Decimal("4150.00"),
            net_amount=Decimal("49800.00"),
            vat_category=VatCategory.STANDARD,
            vat_rate=Decimal("19"),
        ),
        Line(
            id="3",
            name="Handled minutes, Chat",
            quantity=Decimal("10432"),
            unit_code=UnitCode.MINUTE,
            unit_net_price=Decimal("0.415"),
            net_amount=Decimal("4329.28"),
            vat_category=VatCategory.STANDARD,
            vat_rate=Decimal("19"),
        ),
    )
    basis = Decimal("103428.53")
    tax = Decimal("19651.42")
    return _document(
        lines=lines,
        vat_breakdown=(VatBreakdown(VatCategory.STANDARD, Decimal("19"), basis, tax),),
        totals=Totals(
            line_total=basis,
            tax_basis_total=basis,
            tax_total=tax,
            grand_total=basis + tax,
            due_amount=basis + tax,
        ),
    )


def reverse_charge_invoice() -> Document:
    """A German seller, a French business buyer: VAT category AE, rate 0, "Reverse charge"."""
    reason, code = EXEMPTION_REASONS[VatCategory.REVERSE_CHARGE]
    line = Line(
        id="1",
        name="Productive hours, Customer care FR",
        quantity=Decimal("640"),
        unit_code=UnitCode.HOUR,
        unit_net_price=Decimal("41.25"),
        net_amount=Decimal("26400.00"),
        vat_category=VatCategory.REVERSE_CHARGE,
        vat_rate=Decimal("0"),
    )
    amount = Decimal("26400.00")
    return _document(
        number="RE-2026-0002",
        buyer=FRENCH_BUYER,
        lines=(line,),
        vat_breakdown=(
            VatBreakdown(
                VatCategory.REVERSE_CHARGE,
                Decimal("0"),
                amount,
                Decimal("0.00"),
                exemption_reason=reason,
                exemption_reason_code=code,
            ),
        ),
        totals=Totals(
            line_total=amount,
            tax_basis_total=amount,
            tax_total=Decimal("0.00"),
            grand_total=amount,
            due_amount=amount,
        ),
        notes=(
            "Reverse charge: the recipient is liable for VAT (Art. 196 Directive 2006/112/EC).",
        ),
    )


def credit_note() -> Document:
    """A partial credit of the German invoice: 20 hours billed twice."""
    line = Line(
        id="1",
        name="Productive hours, Customer care DE (billed twice)",
        quantity=Decimal("20"),
        unit_code=UnitCode.HOUR,
        unit_net_price=Decimal("38.50"),
        net_amount=Decimal("770.00"),
        vat_category=VatCategory.STANDARD,
        vat_rate=Decimal("19"),
    )
    basis, tax = Decimal("770.00"), Decimal("146.30")
    return _document(
        document_type=DocumentType.CREDIT_NOTE,
        number="GS-2026-0001",
        issue_date=datetime.date(2026, 11, 20),
        due_date=None,
        preceding_invoice=PrecedingInvoice("RE-2026-0001", ISSUED),
        payment_terms="The amount is credited to your account.",
        notes=("Credit for 20 hours billed twice on RE-2026-0001.",),
        lines=(line,),
        vat_breakdown=(VatBreakdown(VatCategory.STANDARD, Decimal("19"), basis, tax),),
        totals=Totals(
            line_total=basis,
            tax_basis_total=basis,
            tax_total=tax,
            grand_total=basis + tax,
            due_amount=basis + tax,
        ),
    )


def sla_credit_invoice() -> Document:
    """Hours with a document-level SLA credit of 5 % of the line's fees."""
    line = Line(
        id="1",
        name="Productive hours, Customer care DE",
        quantity=Decimal("1000"),
        unit_code=UnitCode.HOUR,
        unit_net_price=Decimal("38.50"),
        net_amount=Decimal("38500.00"),
        vat_category=VatCategory.STANDARD,
        vat_rate=Decimal("19"),
    )
    credit = AllowanceCharge(
        is_charge=False,
        amount=Decimal("1925.00"),
        base_amount=Decimal("38500.00"),
        percent=Decimal("5"),
        vat_category=VatCategory.STANDARD,
        vat_rate=Decimal("19"),
        reason="SLA credit: service level 74.2 % in week 42, target 80 %",
        reason_code="95",
    )
    basis = Decimal("36575.00")
    tax = Decimal("6949.25")
    return _document(
        number="RE-2026-0003",
        lines=(line,),
        allowances_charges=(credit,),
        vat_breakdown=(VatBreakdown(VatCategory.STANDARD, Decimal("19"), basis, tax),),
        totals=Totals(
            line_total=Decimal("38500.00"),
            allowance_total=Decimal("1925.00"),
            tax_basis_total=basis,
            tax_total=tax,
            grand_total=basis + tax,
            due_amount=basis + tax,
        ),
    )


def yen_invoice() -> Document:
    """JPY, no decimals; Japanese consumption tax is not EU VAT: category O (out of scope)."""
    reason, code = EXEMPTION_REASONS[VatCategory.OUT_OF_SCOPE]
    line = Line(
        id="1",
        name="Handled contacts, Claims line",
        quantity=Decimal("4210"),
        unit_code=UnitCode.UNIT,
        unit_net_price=Decimal("385"),
        net_amount=Decimal("1620850"),
        vat_category=VatCategory.OUT_OF_SCOPE,
        vat_rate=Decimal("0"),
    )
    amount = Decimal("1620850")
    return _document(
        number="RE-2026-0004",
        currency_code="JPY",
        # Outside the scope of EU VAT (BR-O-02): no VAT ids on either side, the register entry
        # identifies the seller (BR-CO-26).
        seller=replace(SELLER, vat_id=""),
        buyer=JAPANESE_BUYER,
        buyer_reference="SAKURA-AP",
        lines=(line,),
        vat_breakdown=(
            VatBreakdown(
                VatCategory.OUT_OF_SCOPE,
                Decimal("0"),
                amount,
                Decimal("0"),
                exemption_reason=reason,
                exemption_reason_code=code,
            ),
        ),
        totals=Totals(
            line_total=amount,
            tax_basis_total=amount,
            tax_total=Decimal("0"),
            grand_total=amount,
            due_amount=amount,
        ),
    )


ALL = {
    "german": german_invoice,
    "reverse_charge": reverse_charge_invoice,
    "credit_note": credit_note,
    "sla_credit": sla_credit_invoice,
    "yen": yen_invoice,
}
