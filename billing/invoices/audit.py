"""The change history of invoices, kept by django-auditlog in the client's own schema (the same
``bpo.audit.LogEntry`` as the catalog's). Services write inside :func:`audit_actor`; lines,
payments and disputes name their invoice in ``additional_data``, so an invoice's history shows
all of it. Evidence rows are not audited one by one: they are written once, with their line,
and never change (the trigger refuses it once the invoice is issued).
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from bpo.audit.models import LogEntry
from bpo.audit.services import audit_actor as audit_actor  # the app's writes name their actor
from bpo.audit.services import register_audited_models

OBJECT_TYPES = ("invoice", "invoiceline", "payment", "linedispute")


def register_models() -> None:
    register_audited_models("invoices", OBJECT_TYPES)


def history_of_invoice(invoice_id: int) -> QuerySet[LogEntry]:
    """Entries of the invoice and of its lines, payments and disputes, newest first."""
    return (
        LogEntry.objects.filter(content_type__app_label="invoices")
        .filter(
            Q(content_type__model="invoice", object_id=invoice_id)
            | Q(additional_data__invoice=invoice_id)
        )
        .select_related("actor", "content_type")
        .order_by("-timestamp", "-id")
    )
