"""Background work of invoices. Tasks take ids and are idempotent; the client's schema travels
with each task (tenant-schemas-celery)."""

from __future__ import annotations

from celery import shared_task
from django.db import OperationalError


@shared_task(bind=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3)
def render_invoice_pdf_task(self, invoice_id: int) -> str:
    from billing.invoices import workers

    return workers.render_invoice_pdf(invoice_id=invoice_id).status
