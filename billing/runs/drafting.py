"""The billing apps' part of a run item, with the client's schema active: rate the client's
period under its contract and store the draft invoice, unless the period is invoiced already."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from billing.runs.models import InvoiceRunItemStatus


@dataclass(frozen=True, slots=True)
class DraftOutcome:
    status: str
    message: str
    invoice_id: int | None = None
    currency: str = ""
    total: Decimal | None = None


def draft_client_invoice(*, period_start: date, period_end: date, actor) -> DraftOutcome:
    """Called inside the item's transaction: what it writes commits with the item's outcome."""
    from billing.contracts import selectors as contracts
    from billing.invoices import selectors as invoices
    from billing.invoices import services as invoice_services

    existing = invoices.period_invoice(period_start=period_start, period_end=period_end)
    if existing is not None:
        return DraftOutcome(
            status=InvoiceRunItemStatus.SKIPPED,
            message=f"Already invoiced: {existing.number or 'a draft'} ({existing.get_status_display().lower()})",
            invoice_id=existing.pk,
            currency=existing.currency,
            total=existing.total,
        )
    draft = contracts.rate_client_month(period_start=period_start, period_end=period_end)
    if not draft.lines:
        return DraftOutcome(
            status=InvoiceRunItemStatus.SKIPPED, message="Nothing to bill for the period"
        )
    invoice = invoice_services.create_draft_invoice(
        draft=draft,
        legal_entity=contracts.seller_of_version(version_id=draft.contract_version_id),
        actor=actor,
    )
    return DraftOutcome(
        status=InvoiceRunItemStatus.DRAFTED,
        message=f"Draft with {len(draft.lines)} lines",
        invoice_id=invoice.pk,
        currency=invoice.currency,
        total=invoice.total,
    )
