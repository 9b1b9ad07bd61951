"""Background work of invoice runs. Tasks take ids and are idempotent; they run in the public
schema (a run is the provider's) and each client's task enters that client's schema itself.

``enqueue_due_invoice_runs`` is the beat entry (every 15 minutes): each live client's last
month is invoiced once the client's own clock has passed 02:00 on the 1st."""

from __future__ import annotations

from celery import shared_task
from django.db import OperationalError


@shared_task(bind=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3)
def run_invoice_run_task(self, run_id: int) -> int:
    from billing.runs import workers

    return workers.hand_out_run(run_id=run_id)


@shared_task(bind=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3)
def draft_run_item_task(self, item_id: int) -> str:
    from billing.runs import workers

    return workers.draft_run_item(item_id=item_id).status


@shared_task
def enqueue_due_invoice_runs() -> int:
    from django.utils import timezone

    from billing.runs import workers

    return workers.enqueue_due_clients(now=timezone.now())
