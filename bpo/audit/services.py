"""The change history's two moves, shared by every app that keeps one in the client's schema
(django-auditlog; docs/architecture.md, "Which audit store a write uses"): register an app's
models, and name the actor of the writes inside a block."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from auditlog.context import set_actor
from auditlog.registry import auditlog

# Columns whose changes say nothing to a reader (kept by the row itself).
NOISE_FIELDS = frozenset({"created_at", "updated_at"})


def register_audited_models(
    app_label: str, model_names: Iterable[str], *, noise_fields: Iterable[str] = NOISE_FIELDS
) -> None:
    """Register each model once, with its own columns only (reverse relations would show as
    noise) and without ``noise_fields`` (the timestamps)."""
    left_out = frozenset(noise_fields)
    from django.apps import apps

    for name in model_names:
        model = apps.get_model(app_label, name)
        if not auditlog.contains(model):
            auditlog.register(
                model,
                include_fields=[
                    field.name
                    for field in model._meta.concrete_fields
                    if field.name not in left_out
                ],
            )


@contextmanager
def audit_actor(actor, remote_addr: str | None = None) -> Iterator[None]:
    """Entries written inside this block name ``actor`` as the one who made the change."""
    with set_actor(actor, remote_addr=remote_addr):
        yield
