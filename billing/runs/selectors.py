"""Reads of invoice runs (public schema), for finance's pages and home."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from billing.runs.models import InvoiceRun, InvoiceRunItem, InvoiceRunItemStatus, InvoiceRunStatus
from bpo.accounts.permissions import can_run_invoices
from bpo.errors import NotFoundError

RUN_NOT_FOUND = "There is no such invoice run."


def _runs() -> QuerySet[InvoiceRun]:
    return InvoiceRun.objects.select_related("job", "created_by").annotate(
        client_count=Count("items"),
        drafted_count=Count("items", filter=Q(items__status=InvoiceRunItemStatus.DRAFTED)),
        failed_count=Count("items", filter=Q(items__status=InvoiceRunItemStatus.FAILED)),
        waiting_count=Count("items", filter=Q(items__status=InvoiceRunItemStatus.PENDING)),
    )


def list_invoice_runs(*, user) -> QuerySet[InvoiceRun]:
    if not can_run_invoices(user):
        return InvoiceRun.objects.none()
    return _runs().order_by("-created_at", "-pk")


def access_invoice_run(*, user, run_id) -> InvoiceRun:
    if not can_run_invoices(user):
        raise NotFoundError(RUN_NOT_FOUND)
    try:
        return _runs().get(pk=int(run_id))
    except (InvoiceRun.DoesNotExist, ValueError, TypeError):
        raise NotFoundError(RUN_NOT_FOUND) from None


def run_items(*, run: InvoiceRun) -> QuerySet[InvoiceRunItem]:
    return run.items.select_related("client").order_by("client__name", "pk")


def runs_with_failures() -> QuerySet[InvoiceRun]:
    """Finished runs with a client still failed: finance's to-do until retried."""
    return (
        _runs()
        .filter(
            status=InvoiceRunStatus.FINISHED_WITH_FAILURES,
            items__status=InvoiceRunItemStatus.FAILED,
        )
        .distinct()
    )
