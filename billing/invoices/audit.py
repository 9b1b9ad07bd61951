"""The change history of invoices, kept by django-auditlog in the client's own schema (the same
``bpo.audit.LogEntry`` as the catalog's). Services write inside :func:`audit_actor`; lines,
payments and disputes name their invoice in ``additional_data``, so an invoice's history shows
all of it. Evidence rows are not audited one by one: they are written once, with their line,
and never change (the trigger refuses it once the invoice is issued).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from auditlog.context import set_actor
from auditlog.registry import auditlog
from django.db.models import Q, QuerySet

from bpo.audit.models import LogEntry

_NOISE_FIELDS = {"created_at", "updated_at"}
OBJECT_TYPES = ("invoice", "invoiceline", "payment", "linedispute")


def register_models() -> None:
    from django.apps import apps

    for object_type in OBJECT_TYPES:
        model = apps.get_model("invoices", object_type)
        if not auditlog.contains(model):
            auditlog.register(
                model,
                include_fields=[
                    field.name
                    for field in model._meta.concrete_fields
                    if field.name not in _NOISE_FIELDS
                ],
            )


@contextmanager
def audit_actor(actor) -> Iterator[None]:
    """Entries written inside this block name ``actor`` as the one who made the change."""
    with set_actor(actor):
        yield


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
