"""Reads of invoice runs (public schema), for finance's pages and home."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from billing.runs.models import InvoiceRun, InvoiceRunItem, InvoiceRunItemStatus, InvoiceRunStatus
from bpo.accounts.permissions import can_run_invoices
from bpo.errors import NotFoundError

RUN_NOT_FOUND = "There is no such invoice run."


def billed_client_ids(user) -> list[int]:
    """The clients whose invoices ``user`` manages: a run shows only their items."""
    from billing.runs.services import billable_clients

    if not can_run_invoices(user):
        return []
    return [client.pk for client in billable_clients(user=user)]


def _runs(client_ids: list[int]) -> QuerySet[InvoiceRun]:
    def items(status: str | None = None) -> Count:
        mine = Q(items__client_id__in=client_ids)
        if status:
            mine &= Q(items__status=status)
        return Count("items", filter=mine, distinct=True)

    return (
        InvoiceRun.objects.filter(items__client_id__in=client_ids)
        .distinct()
        .select_related("job", "created_by")
        .annotate(
            client_count=items(),
            drafted_count=items(InvoiceRunItemStatus.DRAFTED),
            failed_count=items(InvoiceRunItemStatus.FAILED),
            waiting_count=items(InvoiceRunItemStatus.PENDING),
        )
    )


def list_invoice_runs(*, user) -> QuerySet[InvoiceRun]:
    """The runs with a client the user bills, their counts over those clients only."""
    return _runs(billed_client_ids(user)).order_by("-created_at", "-pk")


def access_invoice_run(*, user, run_id) -> InvoiceRun:
    try:
        return _runs(billed_client_ids(user)).get(pk=int(run_id))
    except (InvoiceRun.DoesNotExist, ValueError, TypeError):
        raise NotFoundError(RUN_NOT_FOUND) from None


def run_items(*, run: InvoiceRun, user) -> QuerySet[InvoiceRunItem]:
    return (
        run.items.filter(client_id__in=billed_client_ids(user))
        .select_related("client")
        .order_by("client__name", "pk")
    )


def runs_with_failures(*, user) -> QuerySet[InvoiceRun]:
    """Finished runs with a client of ``user`` still failed: a to-do until retried."""
    client_ids = billed_client_ids(user)
    return _runs(client_ids).filter(
        status=InvoiceRunStatus.FINISHED_WITH_FAILURES,
        items__status=InvoiceRunItemStatus.FAILED,
        items__client_id__in=client_ids,
    )
