"""What a worker runs for an invoice run: hand out one task per waiting client, draft each
client's invoice in its own schema, and settle the run's progress as items finish.

A client's draft and its item's outcome are written in one transaction (the item row is in
public, the invoice in the client's schema, one connection): a worker killed in the middle
leaves the item waiting and no invoice, and the redelivered task (acks late) drafts it once.
One client's failure is recorded on its item; the others go on."""

from __future__ import annotations

import logging
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import DatabaseError, transaction
from django.db.models import Count, F, Q
from django.utils import timezone
from django_tenants.utils import tenant_context

from billing.runs import drafting, tasks
from billing.runs.models import (
    InvoiceRun,
    InvoiceRunItem,
    InvoiceRunItemStatus,
    InvoiceRunStatus,
    InvoiceRunTrigger,
)
from bpo.errors import DomainError
from bpo.jobs import services as job_services

logger = logging.getLogger(__name__)

# The monthly run starts at this local time on the 1st, in each client's own zone.
MONTHLY_RUN_AT = time(2, 0)


def hand_out_run(*, run_id: int) -> int:
    """Enqueue one task per waiting item of the run; returns how many."""
    run = InvoiceRun.objects.get(pk=run_id)
    if run.job_id:
        job_services.start_job(job_id=run.job_id)
    InvoiceRun.objects.filter(pk=run_id, status=InvoiceRunStatus.QUEUED).update(
        status=InvoiceRunStatus.RUNNING
    )
    waiting = list(
        run.items.filter(status=InvoiceRunItemStatus.PENDING).values_list("pk", flat=True)
    )
    for item_id in waiting:
        tasks.draft_run_item_task.delay(item_id)
    settle_run(run_id=run_id)
    return len(waiting)


def draft_run_item(*, item_id: int) -> InvoiceRunItem:
    """Draft one client's invoice of the run's period; an item already done is left as it is."""
    item = InvoiceRunItem.objects.select_related("run", "client", "run__created_by").get(pk=item_id)
    if item.status != InvoiceRunItemStatus.PENDING:
        return item
    InvoiceRunItem.objects.filter(pk=item_id).update(attempts=F("attempts") + 1)
    run = item.run
    try:
        with tenant_context(item.client), transaction.atomic():
            locked = InvoiceRunItem.objects.select_for_update().get(pk=item_id)
            if locked.status == InvoiceRunItemStatus.PENDING:
                outcome = drafting.draft_client_invoice(
                    period_start=run.period_start,
                    period_end=run.period_end,
                    actor=run.created_by,
                )
                locked.status = outcome.status
                locked.invoice_id = outcome.invoice_id
                locked.currency = outcome.currency
                locked.total = outcome.total
                locked.message = outcome.message[:300]
                locked.error = ""
                locked.save(
                    update_fields=["status", "invoice_id", "currency", "total", "message", "error"]
                )
    except Exception as exc:
        message = exc.message if isinstance(exc, DomainError) else f"{type(exc).__name__}: {exc}"
        if not isinstance(exc, DomainError):
            logger.exception("Invoice run %s: drafting %s failed", run.pk, item.client)
        try:
            InvoiceRunItem.objects.filter(pk=item_id, status=InvoiceRunItemStatus.PENDING).update(
                status=InvoiceRunItemStatus.FAILED,
                error=message[:5000],
                message="The draft failed",
            )
        except DatabaseError:  # the connection is gone: the redelivered task records it
            logger.exception("Could not record the failure of run item %s", item_id)
            raise
    settle_run(run_id=run.pk)
    return InvoiceRunItem.objects.get(pk=item_id)


def settle_run(*, run_id: int) -> InvoiceRun:
    """Move the run's bar to the share of clients done; once none is waiting, finish the run
    (once: the status change is conditional) with the outcome in words."""
    run = InvoiceRun.objects.get(pk=run_id)
    counts = run.items.aggregate(
        total=Count("pk"),
        waiting=Count("pk", filter=Q(status=InvoiceRunItemStatus.PENDING)),
        drafted=Count("pk", filter=Q(status=InvoiceRunItemStatus.DRAFTED)),
        skipped=Count("pk", filter=Q(status=InvoiceRunItemStatus.SKIPPED)),
        failed=Count("pk", filter=Q(status=InvoiceRunItemStatus.FAILED)),
    )
    done = counts["total"] - counts["waiting"]
    message = outcome_text(counts)
    if counts["waiting"]:
        if run.job_id:
            progress = int(100 * done / max(counts["total"], 1))
            job_services.report_progress(job_id=run.job_id, progress=progress, message=message)
        return run
    status = (
        InvoiceRunStatus.FINISHED_WITH_FAILURES if counts["failed"] else InvoiceRunStatus.FINISHED
    )
    finished = InvoiceRun.objects.filter(
        pk=run_id, status__in=[InvoiceRunStatus.QUEUED, InvoiceRunStatus.RUNNING]
    ).update(status=status, finished_at=timezone.now())
    if finished and run.job_id:
        job_services.finish_job(job_id=run.job_id, result=counts, message=message)
    return InvoiceRun.objects.get(pk=run_id)


def outcome_text(counts: dict) -> str:
    parts = [f"{counts['total'] - counts['waiting']} of {counts['total']} clients done"]
    if counts["drafted"]:
        parts.append(f"{counts['drafted']} drafts ready")
    if counts["skipped"]:
        parts.append(f"{counts['skipped']} with nothing to do")
    if counts["failed"]:
        parts.append(f"{counts['failed']} failed")
    return ", ".join(parts)


def month_due(*, time_zone: str, now: datetime) -> date:
    """The latest month a client in ``time_zone`` is due to be invoiced for at ``now``: a month
    is due from 02:00 on the next month's 1st on the client's own clock."""
    local = now.astimezone(ZoneInfo(time_zone))
    first = local.date().replace(day=1)
    if local.day == 1 and local.time() < MONTHLY_RUN_AT:
        first = (first - timedelta(days=1)).replace(day=1)
    return (first - timedelta(days=1)).replace(day=1)


def enqueue_due_clients(*, now: datetime) -> int:
    """Add every live client whose month has ended on its own clock to that month's scheduled
    run, and hand out the new items; returns how many clients were added. A client already in
    the month's run is not added again (nor is one whose month was invoiced by hand: its item
    is settled as "nothing to do")."""
    from billing.runs import services

    by_month: dict = {}
    for client in services.billable_clients():
        by_month.setdefault(month_due(time_zone=client.time_zone, now=now), []).append(client)
    added = 0
    for month, clients in sorted(by_month.items()):
        run, new = services.prepare_invoice_run(
            month=month, clients=clients, trigger=InvoiceRunTrigger.SCHEDULE, today=now.date()
        )
        if new:
            added += new
            tasks.run_invoice_run_task.delay(run.pk)
    return added
