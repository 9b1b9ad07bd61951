"""Writes of the provider's billing ledger (public): gap-free numbers and the invoice register.

Both are called by ``billing.invoices.services`` inside the transaction that issues, pays,
credits or voids a client's document, so the public rows and the client's rows commit or roll
back together (docs/invoices.md).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from billing.ledger.models import DocumentType, InvoiceRegister, LegalEntity, NumberSeries

if TYPE_CHECKING:
    from tenants.models import Client


@dataclass(frozen=True)
class TakenNumber:
    sequence: int  # 1, 2, 3 ... within the series
    number: str  # as printed: INV-DE-2026-000001, INV-DE-CN-2026-000001
    year: int


def format_number(
    *, legal_entity: LegalEntity, document_type: str, year: int, sequence: int
) -> str:
    middle = "-CN" if document_type == DocumentType.CREDIT_NOTE else ""
    return f"{legal_entity.number_prefix}{middle}-{year}-{sequence:06d}"


def take_number(*, legal_entity: LegalEntity, document_type: str, year: int) -> TakenNumber:
    """The next number of the series, taken for the caller's transaction.

    Must run inside the transaction that issues the document (``select_for_update`` refuses
    to run outside one): the series' row stays locked until that transaction ends, so issuers
    of the same series queue here, and a rollback gives the number back. A missing series row
    is created with ``ON CONFLICT DO NOTHING`` first, so two first issues of a year do not
    fail on the unique constraint (the second waits for the first's row)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("take_number runs inside the issuing transaction")
    NumberSeries.objects.bulk_create(
        [NumberSeries(legal_entity=legal_entity, document_type=document_type, year=year)],
        ignore_conflicts=True,
    )
    series = NumberSeries.objects.select_for_update().get(
        legal_entity=legal_entity, document_type=document_type, year=year
    )
    sequence = series.next_number
    series.next_number = sequence + 1
    series.save(update_fields=["next_number", "updated_at"])
    return TakenNumber(
        sequence=sequence,
        number=format_number(
            legal_entity=legal_entity, document_type=document_type, year=year, sequence=sequence
        ),
        year=year,
    )


@dataclass(frozen=True)
class RegisterFacts:
    """What the register keeps of a document (the client's schema keeps everything else)."""

    invoice_id: int
    number: str
    document_type: str
    credited_number: str
    period_start: date
    period_end: date
    currency: str
    net_amount: Decimal
    tax_amount: Decimal
    total_amount: Decimal
    paid_amount: Decimal
    credited_amount: Decimal
    due_amount: Decimal
    status: str
    issue_date: date
    due_date: date


def register_document(
    *, client: Client, legal_entity: LegalEntity, facts: RegisterFacts
) -> InvoiceRegister:
    """The register row of a document just issued (in the issuing transaction)."""
    return InvoiceRegister.objects.create(client=client, legal_entity=legal_entity, **asdict(facts))


def update_register_row(
    *,
    client: Client,
    invoice_id: int,
    status: str,
    paid_amount: Decimal,
    credited_amount: Decimal,
    due_amount: Decimal,
) -> None:
    """A registered document's status and amounts after a payment, credit or void (in the
    same transaction). A document without a row is a bug of the caller: it raises."""
    updated = InvoiceRegister.objects.filter(client=client, invoice_id=invoice_id).update(
        status=status,
        paid_amount=paid_amount,
        credited_amount=credited_amount,
        due_amount=due_amount,
        updated_at=timezone.now(),
    )
    if updated != 1:
        raise InvoiceRegister.DoesNotExist(f"no register row of document {invoice_id}")
