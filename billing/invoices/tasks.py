"""Background work of invoices. Tasks take ids and are idempotent; the client's schema travels
with each task (tenant-schemas-celery)."""

from __future__ import annotations

from celery import shared_task
from django.db import OperationalError


@shared_task(bind=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3)
def render_invoice_pdf_task(self, invoice_id: int) -> str:
    from billing.invoices import workers

    return workers.render_invoice_pdf(invoice_id=invoice_id).status


@shared_task(bind=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3)
def issue_invoice_task(self, invoice_id: int) -> str:
    """Issue one draft (number, XML validated, the PDF handed on). Idempotent: an invoice no
    longer a draft is left as it is, even when another task issued it meanwhile."""
    from billing.invoices import services
    from billing.invoices.models import Invoice, InvoiceStatus
    from bpo.errors import ConflictError

    invoice = Invoice.objects.get(pk=invoice_id)
    if not invoice.is_draft:
        return invoice.status
    try:
        return services.issue_invoice(invoice=invoice, actor=None).status
    except ConflictError:
        status = Invoice.objects.values_list("status", flat=True).get(pk=invoice_id)
        if status == InvoiceStatus.DRAFT:
            raise
        return status
