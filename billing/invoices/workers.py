"""What a worker runs for an issued invoice: render its PDF from the one invoice template (a
Factur-X PDF/A-3b carrying the validated CII for e-invoice clients, a plain PDF otherwise),
store it in the default storage and record its SHA-256. Runs in the client's schema (the task
carries it). Idempotent: a ready document is returned as it is; a retry after a crash
between storing the file and recording it overwrites the file with the same bytes."""

from __future__ import annotations

import logging

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import DatabaseError
from django.utils import timezone

from billing.einvoice.pdf import render_factur_x
from billing.invoices import documents
from billing.invoices.models import IssuedDocument, IssuedDocumentStatus
from bpo import pdf
from tenants.db import tenant_connection

logger = logging.getLogger(__name__)

FACTUR_X = "factur_x"


def render_invoice_pdf(*, invoice_id: int) -> IssuedDocument:
    stored = IssuedDocument.objects.select_related("invoice").get(invoice_id=invoice_id)
    if stored.is_ready:
        return stored
    invoice = stored.invoice
    client = tenant_connection().tenant
    title = f"{'Credit note' if invoice.is_credit_note else 'Invoice'} {invoice.number}"
    try:
        assert invoice.issue_date is not None, "only an issued invoice has a PDF"
        html = documents.render_document_html(invoice, client=client)
        if stored.e_invoice_format == FACTUR_X:
            facturx = render_factur_x(
                html, cii_xml=bytes(stored.cii_xml), issue_date=invoice.issue_date, title=title
            )
            content, sha256 = facturx.content, facturx.sha256
        else:
            plain = pdf.render_pdf(html, title=title)
            content, sha256 = plain.content, plain.sha256
        name = documents.pdf_name(invoice, schema_name=client.schema_name)
        if default_storage.exists(name):
            default_storage.delete(name)
        name = default_storage.save(name, ContentFile(content))
    except Exception as exc:
        message = f"{type(exc).__name__}: {exc}"
        logger.exception("Rendering the PDF of invoice %s failed", invoice.number)
        try:
            IssuedDocument.objects.filter(pk=stored.pk).exclude(
                status=IssuedDocumentStatus.READY
            ).update(status=IssuedDocumentStatus.FAILED, error=message[:5000])
        except DatabaseError:
            logger.exception("Could not record the failure of invoice %s", invoice.number)
        raise
    IssuedDocument.objects.filter(pk=stored.pk).exclude(status=IssuedDocumentStatus.READY).update(
        status=IssuedDocumentStatus.READY,
        pdf_path=name,
        pdf_sha256=sha256,
        pdf_bytes=len(content),
        error="",
        rendered_at=timezone.now(),
    )
    return IssuedDocument.objects.get(pk=stored.pk)


def read_pdf(stored: IssuedDocument) -> bytes:
    with default_storage.open(stored.pdf_path, "rb") as handle:
        return handle.read()
