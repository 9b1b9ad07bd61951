"""Invoices' to-dos. Finance (whoever manages a client's invoices): drafts to review, invoices
overdue, line disputes waiting for an answer. The client admin: a dispute of theirs that
finance answered in the last two weeks.

One query whatever the number of clients: a row of counts per client, read in each client's
schema, ``UNION ALL`` across them (``tenants.db.qualified_sql``); none when no client is the
user's to act on.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from billing.invoices.models import (
    DocumentType,
    Invoice,
    InvoiceStatus,
    LineDispute,
    LineDisputeStatus,
)
from bpo.accounts.permissions import can
from bpo.accounts.roles import Action
from bpo.portal.todos import Todo, register
from tenants.db import qualified_sql, union_all

if TYPE_CHECKING:
    from bpo.accounts.models import User
    from tenants.models import Client

ANSWERED_FOR = timedelta(days=14)
OVERDUE_STATUSES = (InvoiceStatus.ISSUED, InvoiceStatus.PARTLY_PAID)


def _count_and_first(rows: QuerySet, column: str, schema_name: str) -> tuple[str, tuple]:
    """``count, min(column), max(column)`` of ``rows`` in the client's schema, as SQL."""
    sql, params = qualified_sql(rows.order_by().values(column), schema_name=schema_name)
    return (
        f"(SELECT count(*) FROM ({sql}) r), (SELECT min(r.{column}) FROM ({sql}) r), "
        f"(SELECT max(r.{column}) FROM ({sql}) r)",
        params * 3,
    )


def _counts(user: User, finance: Sequence[Client], admin: Sequence[Client]) -> dict[int, tuple]:
    now = timezone.now()
    selects = []
    for client in {c.pk: c for c in [*finance, *admin]}.values():
        today = now.astimezone(ZoneInfo(client.time_zone)).date()
        parts = [
            _count_and_first(
                Invoice.objects.filter(status=InvoiceStatus.DRAFT), "created_at", client.schema_name
            )
        ]
        parts.append(
            _count_and_first(
                Invoice.objects.filter(
                    document_type=DocumentType.INVOICE,
                    status__in=OVERDUE_STATUSES,
                    due_amount__gt=0,
                    due_date__lt=today,
                ),
                "due_date",
                client.schema_name,
            )
        )
        parts.append(
            _count_and_first(
                LineDispute.objects.filter(status=LineDisputeStatus.OPEN),
                "raised_at",
                client.schema_name,
            )
        )
        parts.append(
            _count_and_first(
                LineDispute.objects.filter(
                    raised_by_id=user.pk,
                    resolved_at__gte=now - ANSWERED_FOR,
                ).exclude(status=LineDisputeStatus.OPEN),
                "resolved_at",
                client.schema_name,
            )
        )
        columns = ", ".join(sql for sql, _ in parts)
        selects.append(
            (f"SELECT {int(client.pk)}, {columns}", tuple(p for _, ps in parts for p in ps))
        )
    return {row[0]: row[1:] for row in union_all(selects)}


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _as_datetime(value, client: Client) -> datetime:
    if isinstance(value, datetime):
        return value
    return datetime.combine(value, datetime.min.time(), tzinfo=ZoneInfo(client.time_zone))


@register
def invoice_todos(user: User, clients: Sequence[Client]) -> list[Todo]:
    finance = [c for c in clients if can(user, c, Action.MANAGE_INVOICES)]
    admin = [c for c in clients if can(user, c, Action.DISPUTE_INVOICE_LINE)]
    if not finance and not admin:
        return []
    counts = _counts(user, finance, admin)
    todos = []
    finance_pks = {c.pk for c in finance}
    admin_pks = {c.pk for c in admin}
    for client in {c.pk: c for c in [*finance, *admin]}.values():
        row = counts.get(client.pk)
        if row is None:
            continue
        drafts, draft_since, _, overdue, due_since, _, disputes, dispute_since, _ = row[:9]
        answered, _, answered_at = row[9:12]
        invoices = reverse("client:invoices", args=[client.slug])
        if client.pk in finance_pks and drafts:
            todos.append(
                Todo(
                    title=f"Review {_plural(drafts, 'draft invoice')} of {client.name}",
                    detail="Check the lines and their evidence, then issue.",
                    url=f"{invoices}?status={InvoiceStatus.DRAFT}",
                    client=client,
                    when=draft_since,
                    kind="invoice_drafts",
                    priority=1,
                )
            )
        if client.pk in finance_pks and overdue:
            todos.append(
                Todo(
                    title=f"Follow up {_plural(overdue, 'overdue invoice')} of {client.name}",
                    detail="Past the payment terms with an amount still due.",
                    url=reverse("receivables:ageing"),
                    client=client,
                    when=_as_datetime(due_since, client),
                    kind="invoice_overdue",
                    priority=1,
                )
            )
        if client.pk in finance_pks and disputes:
            todos.append(
                Todo(
                    title=f"Answer {_plural(disputes, 'line dispute')} of {client.name}",
                    detail="Resolve each with a credit note or a reasoned rejection.",
                    url=invoices,
                    client=client,
                    when=dispute_since,
                    kind="invoice_line_disputes",
                    priority=2,
                )
            )
        if client.pk in admin_pks and answered:
            todos.append(
                Todo(
                    title=f"Finance answered {_plural(answered, 'line dispute')} of yours",
                    detail="Read the answer on the invoice.",
                    url=invoices,
                    client=client,
                    when=answered_at,
                    kind="invoice_dispute_answered",
                )
            )
    return todos
