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


def _lock_period(period_start: date) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(hashtext(current_schema() || %s))",
            [f":invoice-period:{period_start:%Y-%m}"],
        )


def draft_client_invoice(*, period_start: date, period_end: date, actor) -> DraftOutcome:
    """Called inside the item's transaction: what it writes commits with the item's outcome."""
    from billing.contracts import selectors as contracts
    from billing.invoices import selectors as invoices
    from billing.invoices import services as invoice_services

    # Two runs of one period (the schedule's and finance's) draft a client one after the other.
    _lock_period(period_start)
    existing = invoices.period_invoice(period_start=period_start, period_end=period_end)
    if existing is not None:
        return DraftOutcome(
            status=InvoiceRunItemStatus.SKIPPED,
            message=f"Already invoiced: {existing.number or 'a draft'} ({existing.get_status_display().lower()})",
            invoice_id=existing.pk,
            currency=existing.currency,
            total=existing.total_amount,
        )
    draft = contracts.rate_client_month(period_start=period_start, period_end=period_end)
    if not draft.lines:
        return DraftOutcome(
            status=InvoiceRunItemStatus.SKIPPED, message="Nothing to bill for the period"
        )
    version = contracts.access_contract_version(version_id=draft.contract_version_id)
    invoice = invoice_services.create_draft_invoice(
        draft=draft, legal_entity=version.seller, actor=actor
    )
    return DraftOutcome(
        status=InvoiceRunItemStatus.DRAFTED,
        message=f"Draft with {len(draft.lines)} lines",
        invoice_id=invoice.pk,
        currency=invoice.currency,
        total=invoice.total_amount,
    )
