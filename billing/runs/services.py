"""Writes to invoice runs (public schema). A run drafts one invoice per client of a period in
the background: ``start_invoice_run`` records the run and one item per client and hands the
run to a worker after commit; the worker enqueues one task per client (``workers``).

A run is its own record of who billed what and when (``created_by``, the items' outcomes),
as a planning run is: it spans clients, so it lives in public with its audit."""

from __future__ import annotations

import calendar
import hashlib
from collections.abc import Sequence
from datetime import date

from django.db import transaction
from django.utils import timezone

from billing.runs import tasks
from billing.runs.models import (
    InvoiceRun,
    InvoiceRunItem,
    InvoiceRunItemStatus,
    InvoiceRunStatus,
    InvoiceRunTrigger,
)
from bpo.accounts.permissions import can
from bpo.accounts.roles import Action
from bpo.errors import DomainError
from bpo.jobs import services as job_services
from tenants.models import Client, ClientStatus


def month_bounds(month: date) -> tuple[date, date]:
    """The first and last day of ``month``'s calendar month."""
    last = calendar.monthrange(month.year, month.month)[1]
    return month.replace(day=1), month.replace(day=last)


RUN_KEY_LENGTH = InvoiceRun._meta.get_field("run_key").max_length or 120


def run_key_of(*, period_start: date, clients: Sequence[Client] | None, trigger: str) -> str:
    """The same period and clients give the same key: a second request finds the first run."""
    month = f"{period_start:%Y-%m}"
    if trigger == InvoiceRunTrigger.SCHEDULE:
        return f"{month}:schedule"
    if clients is None:
        return f"{month}:all"
    ids = ",".join(str(pk) for pk in sorted(c.pk for c in clients))
    key = f"{month}:clients:{ids}"
    if len(key) > RUN_KEY_LENGTH:  # many clients chosen: their digest keeps the key unique
        key = f"{month}:clients:sha256:{hashlib.sha256(ids.encode('ascii')).hexdigest()}"
    return key


def billable_clients(*, user=None) -> list[Client]:
    """The live clients, the ones an invoice run covers when none are chosen; with ``user``,
    those of them whose invoices the user manages (finance holds a role per client)."""
    live = list(
        Client.objects.filter(status=ClientStatus.LIVE)
        .exclude(schema_name="public")
        .order_by("name", "pk")
    )
    if user is None:
        return live
    return [client for client in live if can(user, client, Action.MANAGE_INVOICES)]


def _check_period(period_start: date, today: date) -> None:
    if period_start.replace(day=1) > today.replace(day=1):
        raise DomainError(
            f"{period_start:%B %Y} has not begun: an invoice run bills a month that has ended "
            "or, as a preview, the month so far.",
            field="month",
        )


@transaction.atomic
def prepare_invoice_run(
    *,
    month: date,
    actor=None,
    clients: Sequence[Client] | None = None,
    trigger: str = InvoiceRunTrigger.FINANCE,
    today: date | None = None,
) -> tuple[InvoiceRun, int]:
    """The run of ``month`` for ``clients`` (all live clients when None) and how many clients
    were added to it now. The same request twice returns the first run and creates nothing: the run key
    is unique. Raises ``DomainError`` for a month that has not begun, a chosen client that is
    not live, and no client at all."""
    period_start, period_end = month_bounds(month)
    _check_period(period_start, today or timezone.localdate())
    chosen = billable_clients(user=actor) if clients is None else list(clients)
    not_live = [c.name for c in chosen if c.status != ClientStatus.LIVE]
    if actor is not None:
        not_yours = [c.name for c in chosen if not can(actor, c, Action.MANAGE_INVOICES)]
        if not_yours:
            raise DomainError(
                "You do not manage the invoices of " + ", ".join(sorted(not_yours)) + ".",
                field="clients",
            )
    if not_live:
        raise DomainError(
            "Only live clients are invoiced; not live: " + ", ".join(sorted(not_live)) + ".",
            field="clients",
        )
    if not chosen:
        raise DomainError("There is no live client to invoice.", field="clients")
    # "Every live client" of a person means every one they bill: their run is keyed by them.
    scope = None if clients is None and actor is None else chosen
    key = run_key_of(period_start=period_start, clients=scope, trigger=trigger)
    run, created = InvoiceRun.objects.get_or_create(
        run_key=key,
        defaults={
            "period_start": period_start,
            "period_end": period_end,
            "trigger": trigger,
            "created_by": actor,
        },
    )
    if created:
        run.job = job_services.create_job(kind="invoice_run", created_by=actor)
        run.save(update_fields=["job"])
    return run, add_run_items(run=run, clients=chosen)


def add_run_items(*, run: InvoiceRun, clients: Sequence[Client]) -> int:
    """One waiting item per client not yet in the run; returns how many were added. The
    monthly schedule adds clients to its run as each one's own month ends."""
    before = run.items.count()
    InvoiceRunItem.objects.bulk_create(
        [InvoiceRunItem(run=run, client=client) for client in clients], ignore_conflicts=True
    )
    added = run.items.count() - before
    if added and run.status != InvoiceRunStatus.QUEUED:
        InvoiceRun.objects.filter(pk=run.pk).update(
            status=InvoiceRunStatus.RUNNING, finished_at=None
        )
    return added


def start_invoice_run(
    *,
    month: date,
    actor,
    clients: Sequence[Client] | None = None,
    today: date | None = None,
) -> InvoiceRun:
    """Request the invoice run of ``month``; a worker drafts each client's invoice after
    commit (progress in ``run.job``). Asking again for the same month and clients returns the
    first run and drafts nothing twice; waiting or failed items of it are handed out again."""
    with transaction.atomic():
        run, _ = prepare_invoice_run(month=month, actor=actor, clients=clients, today=today)
        job_services.enqueue_after_commit(
            job_id=run.job_id, send=lambda: tasks.run_invoice_run_task.delay(run.pk)
        )
    return run


@transaction.atomic
def retry_failed_items(*, run: InvoiceRun, actor) -> int:
    """Hand the run's failed clients that ``actor`` bills out again; returns how many."""
    mine = [c.pk for c in billable_clients(user=actor)]
    count = run.items.filter(status=InvoiceRunItemStatus.FAILED, client_id__in=mine).update(
        status=InvoiceRunItemStatus.PENDING, error="", message=""
    )
    if count:
        InvoiceRun.objects.filter(pk=run.pk).update(
            status=InvoiceRunStatus.RUNNING, finished_at=None
        )
        job_services.enqueue_after_commit(
            job_id=run.job_id, send=lambda: tasks.run_invoice_run_task.delay(run.pk)
        )
    return count
