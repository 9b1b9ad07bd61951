"""Reads of a client's invoices, for one user, with the client's schema active.

Who sees which document (the right ``VIEW_INVOICES`` is checked at the edge first): finance,
account managers and provider admins (``VIEW_INVOICE_DRAFTS``) every one of the client's,
drafts included; the client's admin issued ones only (issued, partly paid, paid, credited,
void), never a draft. An id outside what the user sees does not exist (``NotFoundError``).
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django.db.models import Prefetch, Q, QuerySet

from billing.invoices.models import (
    DocumentType,
    Invoice,
    InvoiceLine,
    InvoiceStatus,
    LineDispute,
    LineEvidence,
    Payment,
)
from billing.invoices.totals import TaxedAmount, Totals, invoice_totals
from billing.lines import InvoiceDraftData
from bpo.accounts.permissions import can
from bpo.accounts.roles import Action
from bpo.errors import NotFoundError
from tenants.db import tenant_connection

if TYPE_CHECKING:
    from bpo.accounts.models import User
    from tenants.models import Client


def _client() -> Client:
    return tenant_connection().tenant  # type: ignore[return-value]


def sees_drafts(user: User, client: Client | None = None) -> bool:
    return can(user, client or _client(), Action.VIEW_INVOICE_DRAFTS)


def _visible(user: User) -> Q:
    if sees_drafts(user):
        return Q()
    return ~Q(status=InvoiceStatus.DRAFT)


def _as_id(value) -> int:
    text = str(value)
    if not text.isdigit():
        raise NotFoundError("No such invoice.")
    return int(text)


def list_invoices(
    *,
    user: User,
    status: str | None = None,
    document_type: str | None = None,
    period_from: date | None = None,
    period_to: date | None = None,
    number: str | None = None,
) -> QuerySet[Invoice]:
    """The client's documents ``user`` sees, newest period first (one query). ``period_from``
    and ``period_to`` keep documents whose period overlaps them."""
    rows = Invoice.objects.filter(_visible(user)).select_related("credited_invoice")
    if status:
        rows = rows.filter(status=status)
    if document_type:
        rows = rows.filter(document_type=document_type)
    if period_from is not None:
        rows = rows.filter(period_end__gte=period_from)
    if period_to is not None:
        rows = rows.filter(period_start__lte=period_to)
    if number:
        rows = rows.filter(number__icontains=number)
    return rows.order_by("-period_start", "-id")


def access_invoice(*, user: User, invoice_id) -> Invoice:
    """One document ``user`` sees, with its lines, payments, disputes and credit notes, or
    ``NotFoundError``."""
    invoice = (
        list_invoices(user=user)
        .prefetch_related(
            Prefetch("lines", queryset=InvoiceLine.objects.order_by("position")),
            Prefetch("payments", queryset=Payment.objects.order_by("received_on", "id")),
            Prefetch("disputes", queryset=LineDispute.objects.order_by("raised_at", "id")),
            Prefetch(
                "credit_notes",
                queryset=Invoice.objects.exclude(status=InvoiceStatus.DRAFT).order_by("id"),
            ),
        )
        .filter(pk=_as_id(invoice_id))
        .first()
    )
    if invoice is None:
        raise NotFoundError("No such invoice.")
    return invoice


def list_invoice_lines(*, user: User, invoice_id: int | None = None) -> QuerySet[InvoiceLine]:
    """Lines of the documents ``user`` sees (of one invoice with ``invoice_id``)."""
    rows = InvoiceLine.objects.filter(
        invoice__in=list_invoices(user=user).values("pk")
    ).select_related("invoice")
    if invoice_id is not None:
        rows = rows.filter(invoice_id=invoice_id)
    return rows.order_by("invoice_id", "position")


def access_invoice_line(*, user: User, line_id) -> InvoiceLine:
    """One line ``user`` sees, with its evidence (in order) and its disputes."""
    line = (
        list_invoice_lines(user=user)
        .prefetch_related(
            Prefetch("evidence", queryset=LineEvidence.objects.order_by("position")),
            Prefetch("disputes", queryset=LineDispute.objects.order_by("raised_at", "id")),
        )
        .filter(pk=_as_id(line_id))
        .first()
    )
    if line is None:
        raise NotFoundError("No such invoice line.")
    return line


def list_line_disputes(*, user: User, status: str | None = None) -> QuerySet[LineDispute]:
    """Disputes of the documents ``user`` sees, newest first."""
    rows = LineDispute.objects.filter(
        invoice__in=list_invoices(user=user).values("pk")
    ).select_related("invoice", "line", "credit_note")
    if status:
        rows = rows.filter(status=status)
    return rows.order_by("-raised_at", "-id")


def access_line_dispute(*, user: User, dispute_id) -> LineDispute:
    dispute = list_line_disputes(user=user).filter(pk=_as_id(dispute_id)).first()
    if dispute is None:
        raise NotFoundError("No such dispute.")
    return dispute


def period_invoice(*, period_start, period_end) -> Invoice | None:
    """The active client's invoice of exactly this period (a draft or issued one, not void):
    an invoice run drafts a period once."""
    return (
        Invoice.objects.filter(
            document_type=DocumentType.INVOICE, period_start=period_start, period_end=period_end
        )
        .exclude(status=InvoiceStatus.VOID)
        .order_by("pk")
        .first()
    )


def draft_totals(*, draft: InvoiceDraftData) -> Totals:
    """Net, tax and total of lines not stored (a projection, a preview), by the same rule as
    a stored draft's (``billing.invoices.totals``)."""
    return invoice_totals(
        [
            TaxedAmount(
                key=index,
                amount=line.amount,
                tax_category=str(line.tax_category),
                tax_rate=line.tax_rate,
            )
            for index, line in enumerate(draft.lines)
        ],
        currency=draft.currency,
        tax_per_invoice=draft.tax_per_invoice,
    )
