"""Drafts of invoices made from ``InvoiceDraftData`` built here (the rating engine's output),
a legal entity to issue them, and the client's schema around each helper's writes."""

from __future__ import annotations

import itertools
from datetime import date
from decimal import Decimal

from billing.invoices import services
from billing.ledger.models import LegalEntity
from billing.lines import EvidenceRow, InvoiceDraftData, LineDraft, LineKind, TaxCategory

_prefixes = itertools.count(1)


def make_legal_entity(**overrides) -> LegalEntity:
    number = next(_prefixes)
    values = {
        "name": f"BPO Services GmbH {number}",
        "address_lines": "Hauptstrasse 1",
        "city": "Berlin",
        "postcode": "10115",
        "country": "DE",
        "vat_id": "DE123456789",
        "email": "billing@bpo.example",
        "iban": "DE89370400440532013000",
        "bic": "COBADEFFXXX",
        "number_prefix": f"INV{number}",
    }
    values.update(overrides)
    return LegalEntity.objects.create(**values)


def hours_line(
    amount: str = "1000.00",
    *,
    quantity: str = "40",
    unit_price: str = "25",
    rate: str = "19",
    category: TaxCategory = TaxCategory.STANDARD,
    evidence_days: int = 2,
    kind: LineKind = LineKind.HOURS,
    description: str = "Productive hours, Order support",
) -> LineDraft:
    return LineDraft(
        kind=kind,
        description=description,
        quantity=Decimal(quantity),
        unit="HUR",
        unit_price=Decimal(unit_price),
        amount=Decimal(amount),
        tax_category=category,
        tax_rate=Decimal(rate),
        service_line_id=4,
        service_line_name="Order support",
        rate_line_id=11,
        rule="",
        evidence=tuple(
            EvidenceRow(
                source="productive_day",
                quantity=Decimal("8"),
                unit="hours",
                day=date(2026, 11, day + 2),
                agent_id=7,
                agent_name="Ana Silva",
                service_line_id=4,
                detail="Productive time",
                reference={"productive_time_ids": [day]},
            )
            for day in range(evidence_days)
        ),
    )


def first_contract_version_id() -> int:
    """The active client's version 1, made at onboarding (invoices are issued under it)."""
    from billing.contracts.models import ContractVersion

    return ContractVersion.objects.get(number=1).pk


def draft_data(
    *lines: LineDraft,
    currency: str = "EUR",
    tax_per_invoice: bool = False,
    payment_terms_days: int = 30,
) -> InvoiceDraftData:
    return InvoiceDraftData(
        period_start=date(2026, 11, 1),
        period_end=date(2026, 11, 30),
        currency=currency,
        contract_version_id=first_contract_version_id(),
        lines=lines or (hours_line(),),
        tax_per_invoice=tax_per_invoice,
        reverse_charge=False,
        payment_terms_days=payment_terms_days,
        buyer_reference="PO-4711",
    )


def make_draft(legal_entity: LegalEntity, *lines: LineDraft, actor=None, **options):
    """A stored draft in the active schema."""
    return services.create_draft_invoice(
        draft=draft_data(*lines, **options), legal_entity=legal_entity, actor=actor
    )


def make_issued(legal_entity: LegalEntity, *lines: LineDraft, actor=None, **options):
    invoice = make_draft(legal_entity, *lines, actor=actor, **options)
    return services.issue_invoice(invoice=invoice, actor=actor, issue_date=date(2026, 12, 1))
