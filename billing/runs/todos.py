"""Invoice runs' to-dos for finance: a run that left clients failed, until they are retried.
One query, whatever the number of runs."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.urls import reverse

from billing.runs.selectors import runs_with_failures
from bpo.accounts.permissions import can_run_invoices
from bpo.dates import format_when
from bpo.portal.todos import Todo, register

if TYPE_CHECKING:
    from bpo.accounts.models import User
    from tenants.models import Client


@register
def invoice_run_todos(user: User, clients: Sequence[Client]) -> list[Todo]:
    if not can_run_invoices(user):
        return []
    todos = []
    for run in runs_with_failures(user=user):
        failed = run.failed_count  # type: ignore[attr-defined]  # annotated by the selector
        todos.append(
            Todo(
                title=f"Retry {failed} failed client{'s' if failed != 1 else ''}"
                f" of the {format_when(run.period_start, 'month')} invoice run",
                detail="The other clients' drafts are ready; each failure says why.",
                url=reverse("invoice_runs:run", args=[run.pk]),
                client=None,
                when=run.finished_at or run.created_at,
                kind="invoice_run_failed",
                priority=2,
            )
        )
    return todos
