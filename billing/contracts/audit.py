"""The change history of contracts (django-auditlog, in the client's schema): every version
and each line of its rate card and rules, created by the services inside ``audit_actor``."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from auditlog.context import set_actor
from auditlog.registry import auditlog

MODELS = ("contractversion", "rateline", "multiplierrule", "slacreditrule", "committedfte")


def register_models() -> None:
    from django.apps import apps

    for name in MODELS:
        model = apps.get_model("contracts", name)
        if not auditlog.contains(model):
            auditlog.register(model, exclude_fields=["created_at"])


@contextmanager
def audit_actor(actor) -> Iterator[None]:
    with set_actor(actor):
        yield
