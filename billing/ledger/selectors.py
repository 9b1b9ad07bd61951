"""Reads of the invoice register (public) for finance's views across clients.

Register rows belong to one client each, so every read takes the reading user and keeps to
the clients where that user reads invoices' drafts and receivables
(``Action.VIEW_INVOICE_DRAFTS``: finance, account managers, provider admins); no default lists
every row (``tests/test_selector_rule.py``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db.models import QuerySet

from billing.ledger.models import DocumentType, InvoiceRegister, RegisterStatus
from bpo.accounts.permissions import accessible_clients, can
from bpo.accounts.roles import Action

if TYPE_CHECKING:
    from bpo.accounts.models import User

# What is still owed: issued invoices not paid in full, credited or void.
OPEN_STATUSES = (RegisterStatus.ISSUED, RegisterStatus.PARTLY_PAID)
AGEING_BUCKETS = ("current", "days_1_30", "days_31_60", "days_61_90", "days_over_90")
AGEING_LABELS = {
    "current": "Not yet due",
    "days_1_30": "1-30 days overdue",
    "days_31_60": "31-60 days overdue",
    "days_61_90": "61-90 days overdue",
    "days_over_90": "More than 90 days overdue",
}


def finance_client_ids(user: User) -> list[int]:
    """The clients whose register rows ``user`` reads (one query for the clients; the role
    checks read the user's cached memberships)."""
    return [
        client.pk
        for client in accessible_clients(user)
        if can(user, client, Action.VIEW_INVOICE_DRAFTS)
    ]


def list_register_documents(
    *,
    user: User,
    client_id: int | None = None,
    status: str | None = None,
    document_type: str | None = None,
) -> QuerySet[InvoiceRegister]:
    """Issued documents of the clients ``user`` reads, newest first."""
    rows = InvoiceRegister.objects.filter(client_id__in=finance_client_ids(user)).select_related(
        "client", "legal_entity"
    )
    if client_id is not None:
        rows = rows.filter(client_id=client_id)
    if status:
        rows = rows.filter(status=status)
    if document_type:
        rows = rows.filter(document_type=document_type)
    return rows


def ageing_bucket(*, due_date: date, as_of: date) -> str:
    """Which column of the ageing an amount due on ``due_date`` falls in on ``as_of``."""
    overdue = (as_of - due_date).days
    if overdue <= 0:
        return "current"
    if overdue <= 30:
        return "days_1_30"
    if overdue <= 60:
        return "days_31_60"
    if overdue <= 90:
        return "days_61_90"
    return "days_over_90"


@dataclass
class AgeingRow:
    """One client's open amounts in one currency, by how long they are overdue."""

    client_id: int
    client_name: str
    currency: str
    buckets: dict[str, Decimal] = field(
        default_factory=lambda: dict.fromkeys(AGEING_BUCKETS, Decimal(0))
    )
    documents: int = 0

    @property
    def total(self) -> Decimal:
        return sum(self.buckets.values(), Decimal(0))


@dataclass
class Ageing:
    as_of: date
    rows: list[AgeingRow]
    # The same columns summed per currency (amounts of different currencies never add up).
    totals: dict[str, AgeingRow]


def _age(rows: Iterable[InvoiceRegister], as_of: date) -> Ageing:
    by_client: dict[tuple[int, str], AgeingRow] = {}
    totals: dict[str, AgeingRow] = {}
    for row in rows:
        bucket = ageing_bucket(due_date=row.due_date, as_of=as_of)
        line = by_client.setdefault(
            (row.client_id, row.currency),
            AgeingRow(row.client_id, row.client.name, row.currency),
        )
        total = totals.setdefault(row.currency, AgeingRow(0, "All clients", row.currency))
        for target in (line, total):
            target.buckets[bucket] += row.due_amount
            target.documents += 1
    ordered = sorted(by_client.values(), key=lambda r: (r.client_name, r.currency))
    return Ageing(as_of=as_of, rows=ordered, totals=dict(sorted(totals.items())))


def receivables_ageing(*, user: User, as_of: date) -> Ageing:
    """Open invoices of the clients ``user`` reads, aged on ``as_of`` by their due date:
    current (not yet due), 1-30, 31-60, 61-90 and more than 90 days overdue; per client and
    currency, with totals per currency. One query."""
    rows = list_register_documents(user=user, document_type=DocumentType.INVOICE).filter(
        status__in=OPEN_STATUSES, due_amount__gt=0
    )
    return _age(rows, as_of)
