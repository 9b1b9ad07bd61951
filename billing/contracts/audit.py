"""The change history of contracts (django-auditlog, in the client's schema): every version
and each line of its rate card and rules, created by the services inside ``audit_actor``."""

from __future__ import annotations

from auditlog.registry import auditlog

from bpo.audit.services import audit_actor as audit_actor  # the app's writes name their actor

MODELS = ("contractversion", "rateline", "multiplierrule", "slacreditrule", "committedfte")


def register_models() -> None:
    from django.apps import apps

    for name in MODELS:
        model = apps.get_model("contracts", name)
        if not auditlog.contains(model):
            auditlog.register(model, exclude_fields=["created_at"])
