"""The demo clients' billing, for ``seed_demo``: a rate card on each contract, last month's
invoice issued with its PDF rendered (synchronously, as the worker does), this month's draft,
and the finance moments a demo shows: a partial payment (ShopRight), a credit note (Viajes Sol)
and a disputed line waiting for finance (Cloudlane).

The rate cards bill what the demo records: seats or FTE every month (the demo's worked time
covers last week only, which may lie in this month), worked hours and contacts from the
roster and the interval statistics, an SLA credit from the weekly figures.

The portal's onboarding starts version 1 today, without rates: the demo moves it back to the
month before last (``start_contract_earlier``) and adds version 2, with the rate card, from the
first of last month. Idempotent: a contract with rates, an invoice of a period, a payment, a
credit note or a dispute that exists is left alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.utils import timezone

from billing.contracts import selectors as contract_selectors
from billing.contracts import services as contract_services
from billing.contracts.models import RateLine
from billing.invoices import selectors as invoice_selectors
from billing.invoices import services as invoice_services
from billing.invoices import workers as invoice_workers
from billing.invoices.models import DocumentType, Invoice, InvoiceStatus, LineDispute, Payment
from billing.ledger.models import LegalEntity
from billing.money import round_money
from billing.runs.services import month_bounds
from bpo.catalog.models import ServiceLine

# The provider's company for the Americas (USD and MXN); EUR invoices come from the default
# seller (``settings.BILLING_DEFAULT_SELLER``, in the Netherlands).
AMERICAS_SELLER = {
    "name": "BPO Portal Services Americas LLC",
    "address_lines": "100 Market Street, Suite 400",
    "city": "Wilmington",
    "postcode": "19801",
    "country": "US",
    # The US has no VAT: EN 16931 (BR-CO-09) still wants a country prefix on the seller id.
    "vat_id": "US123456789",
    "email": "billing-americas@bpo.example",
    "number_prefix": "INV-US",
}


@dataclass(frozen=True)
class DemoContract:
    seller: str  # "default" or "americas"
    terms: dict
    # (basis, unit price, quantity, description, tax rate); every service line
    rates: tuple[tuple[str, str, str, str, str | None], ...]
    sla_credit: bool = False
    extras: dict = field(default_factory=dict)


DEMO_CONTRACTS = {
    "shopright": DemoContract(
        seller="americas",
        terms={
            "buyer_address": "500 Commerce Avenue",
            "buyer_city": "New York",
            "buyer_postcode": "10001",
            "buyer_reference": "PO-SR-2026-114",
            "purchase_order": "PO-SR-2026-114",
            "language": "en-US",
            "default_tax_rate": Decimal("0"),
            "payment_terms_days": 30,
        },
        rates=(
            ("seat_month", "450", "4", "Dedicated seats", None),
            ("worked_hour", "28.50", "1", "Agent hours worked", None),
        ),
        sla_credit=True,
    ),
    "cloudlane": DemoContract(
        seller="default",
        terms={
            "buyer_address": "Friedrichstraße 68",
            "buyer_city": "Berlin",
            "buyer_postcode": "10117",
            "buyer_vat_id": "DE136695976",
            "buyer_reference": "04011000-12345-34",  # the buyer's Leitweg-ID (XRechnung)
            "language": "de-DE",
            "default_tax_rate": Decimal("19"),
            "e_invoice_format": "factur_x",
            "payment_terms_days": 14,
        },
        rates=(("fte_month", "3900", "6", "Support agents (FTE)", None),),
    ),
    "viajes-sol": DemoContract(
        seller="americas",
        terms={
            "buyer_address": "Paseo de la Reforma 222",
            "buyer_city": "Ciudad de México",
            "buyer_postcode": "06600",
            "language": "es-MX",
            "default_tax_rate": Decimal("16"),
            "payment_terms_days": 30,
        },
        rates=(
            ("contact", "18.50", "1", "Contacts handled", None),
            ("seat_month", "9500", "2", "Team lead seats", None),
        ),
    ),
}

PAYMENT_SHARE = Decimal("0.4")


def _seller(kind: str) -> LegalEntity:
    if kind == "default":
        return contract_services.default_legal_entity()
    values = dict(AMERICAS_SELLER)
    entity, _ = LegalEntity.objects.get_or_create(name=values.pop("name"), defaults=values)
    return entity


def _previous_month(day: date) -> date:
    return (day.replace(day=1) - timedelta(days=1)).replace(day=1)


def seed_contract(*, client, today: date) -> list[str]:
    """The demo rate card as version 2 from the first of last month (version 1, from
    onboarding, moved back a month before it); nothing if a version has rates."""
    demo = DEMO_CONTRACTS.get(client.slug)
    if demo is None or RateLine.objects.exists():
        return []
    last_month = _previous_month(today)
    latest = contract_selectors.latest_contract_version()
    if latest is not None and latest.number == 1 and latest.effective_from >= last_month:
        contract_services.start_contract_earlier(starts_on=_previous_month(last_month), actor=None)
        latest = contract_selectors.latest_contract_version()
    starts = last_month
    if latest is not None and latest.effective_from >= last_month:
        starts = latest.effective_from + timedelta(days=1)
    lines = list(ServiceLine.objects.order_by("pk"))
    rates = [
        {
            "basis": basis,
            "unit_price": Decimal(price),
            "quantity": Decimal(quantity),
            "description": description,
            "tax_rate": tax_rate,
        }
        for basis, price, quantity, description, tax_rate in demo.rates
    ]
    sla_credits = (
        [
            {
                "service_line": lines[0].pk,
                "points_per_step": Decimal("2"),
                "credit_percent_per_step": Decimal("1"),
                "cap_percent": Decimal("5"),
            }
        ]
        if demo.sla_credit and lines
        else []
    )
    version = contract_services.create_contract_version(
        effective_from=starts,
        actor=None,
        terms={"seller_id": _seller(demo.seller).pk, **demo.terms},
        rates=rates,
        sla_credits=sla_credits,
        note="The demo rate card.",
    )
    return [f"{client.name} contract version {version.number}: {len(rates)} rates"]


def _draft(*, period_start: date, period_end: date) -> Invoice | None:
    existing = invoice_selectors.period_invoice(period_start=period_start, period_end=period_end)
    if existing is not None:
        return existing
    draft = contract_selectors.rate_client_month(period_start=period_start, period_end=period_end)
    if not draft.lines:
        return None
    version = contract_selectors.access_contract_version(version_id=draft.contract_version_id)
    return invoice_services.create_draft_invoice(
        draft=draft, legal_entity=version.seller, actor=None
    )


def seed_invoices(*, client, finance, client_admin, now=None) -> list[str]:
    """Last month's invoice issued (its PDF rendered), this month's draft, and the client's
    finance moment; what exists is left alone."""
    today = (now or timezone.now()).astimezone(ZoneInfo(client.time_zone)).date()
    changes = seed_contract(client=client, today=today)
    last_start, last_end = month_bounds(_previous_month(today))
    invoice = _draft(period_start=last_start, period_end=last_end)
    if invoice is not None and invoice.is_draft:
        invoice = invoice_services.issue_invoice(invoice=invoice, actor=finance)
        changes.append(
            f"{client.name} invoice {invoice.number}: {invoice.total_amount} {invoice.currency}"
        )
    if invoice is not None and invoice.status != InvoiceStatus.VOID:
        invoice_workers.render_invoice_pdf(invoice_id=invoice.pk)  # a ready PDF is kept
        changes.extend(_finance_moment(client, invoice, finance, client_admin, today))
    this_start, this_end = month_bounds(today)
    existing = invoice_selectors.period_invoice(period_start=this_start, period_end=this_end)
    if existing is None:
        draft = _draft(period_start=this_start, period_end=this_end)
        if draft is not None:
            changes.append(f"{client.name} draft of {this_start:%B %Y}: {draft.total_amount}")
    return changes


def _finance_moment(client, invoice: Invoice, finance, client_admin, today: date) -> list[str]:
    if client.slug == "shopright":
        if Payment.objects.exists():
            return []
        amount = round_money(invoice.total_amount * PAYMENT_SHARE, invoice.currency)
        invoice_services.record_payment(
            invoice=invoice,
            amount=amount,
            received_on=today,
            reference="Wire transfer, first instalment",
            actor=finance,
        )
        return [f"{client.name} payment of {amount} {invoice.currency}"]
    if client.slug == "viajes-sol":
        if Invoice.objects.filter(document_type=DocumentType.CREDIT_NOTE).exists():
            return []
        line = invoice.lines.order_by("position").first()
        if line is None or line.amount <= 0:
            return []
        credit = round_money(line.amount / 10, invoice.currency)
        note = invoice_services.issue_credit_note(
            invoice=invoice,
            reason="Goodwill: two days of reduced service after the booking-system outage.",
            actor=finance,
            lines={line.pk: credit},
        )
        invoice_workers.render_invoice_pdf(invoice_id=note.pk)
        return [f"{client.name} credit note {note.number}: {note.total_amount} {note.currency}"]
    if client.slug == "cloudlane":
        if LineDispute.objects.exists():
            return []
        line = invoice.lines.order_by("position").first()
        if line is None:
            return []
        invoice_services.raise_line_dispute(
            line=line,
            reason="We had five agents in the first week of the month, not six.",
            actor=client_admin,
        )
        return [f"{client.name} dispute of line {line.position} of {invoice.number}"]
    return []
