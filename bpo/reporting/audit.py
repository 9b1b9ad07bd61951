"""The change history of weekly reports (django-auditlog, in the client's schema): who asked
for which revision, and when it became ready. The PDF bytes and the snapshot are not logged
(they are the report itself, kept whole and immutable on its row)."""

from __future__ import annotations

from auditlog.registry import auditlog

from bpo.audit.services import audit_actor as audit_actor  # the app's writes name their actor

LOGGED_FIELDS = ["iso_year", "iso_week", "revision", "status", "sha256", "generated_at"]


def register_models() -> None:
    from django.apps import apps

    report = apps.get_model("reporting", "weeklyreport")
    if not auditlog.contains(report):
        auditlog.register(report, include_fields=LOGGED_FIELDS)
    subscription = apps.get_model("reporting", "reportsubscription")
    if not auditlog.contains(subscription):
        auditlog.register(subscription, include_fields=["user"])
