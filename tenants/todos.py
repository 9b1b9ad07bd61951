"""The client registry's to-dos: onboardings that failed, pilots still missing items.

One query for the failed runs, and one for the pilot checklists of every client in onboarding
(an ``EXISTS`` per item in each client's schema, ``UNION ALL`` across them), however many.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.apps import apps
from django.urls import reverse

from bpo.accounts.permissions import can, can_onboard_clients
from bpo.accounts.roles import Action
from bpo.jobs.models import JobStatus
from bpo.portal.todos import Todo, register
from tenants.db import qualified_sql, union_all
from tenants.models import Client, ClientStatus
from tenants.pilot import PILOT_ITEMS
from tenants.selectors import list_onboarding_runs

if TYPE_CHECKING:
    from bpo.accounts.models import User


def _failed_onboardings(user: User) -> list[Todo]:
    if not can_onboard_clients(user):
        return []
    runs = list_onboarding_runs(user=user).filter(job__status=JobStatus.FAILED)
    return [
        Todo(
            title=f"Retry the onboarding of {run.answers.get('name', run.slug)}",
            detail="Provisioning failed; the answers are kept.",
            url=reverse("tenants:onboarding_run", args=[run.pk]),
            client=None,
            when=run.job.finished_at or run.created_at,
            kind="onboarding_failed",
            priority=2,
        )
        for run in runs
    ]


def _missing_pilot_items(clients: Sequence[Client]) -> dict[int, list[str]]:
    """Per client, the labels of the checklist items it can already do and has not: one
    query for all of them (``EXISTS`` per item, read in each client's schema)."""
    checks = []
    for item in PILOT_ITEMS:
        try:
            model = apps.get_model(item.app_label, item.model_name)
        except LookupError:
            continue  # not available yet: nothing the account manager can do about it
        checks.append((item, model._default_manager.filter(**item.filter).values("pk")[:1]))
    if not checks or not clients:
        return {}
    selects = []
    for client in clients:
        parts = [qualified_sql(rows, schema_name=client.schema_name) for _, rows in checks]
        flags = ", ".join(f"EXISTS({sql})" for sql, _ in parts)
        selects.append(
            (f"SELECT {int(client.pk)}, {flags}", tuple(p for _, params in parts for p in params))
        )
    return {
        client_pk: [item.label for (item, _), done in zip(checks, flags, strict=True) if not done]
        for client_pk, *flags in union_all(selects)
    }


def _incomplete_pilots(user: User, clients: Sequence[Client]) -> list[Todo]:
    piloting = [
        client
        for client in clients
        if client.status == ClientStatus.ONBOARDING and can(user, client, Action.MANAGE_CLIENT)
    ]
    missing_by_client = _missing_pilot_items(piloting)
    items = []
    for client in piloting:
        missing = missing_by_client.get(client.pk)
        if not missing:
            continue
        items.append(
            Todo(
                title=f"Complete the pilot of {client.name}",
                # "A QA scorecard" -> "a QA scorecard": only the first letter is lowered.
                detail="Missing: "
                + ", ".join(label[:1].lower() + label[1:] for label in missing)
                + ".",
                url=reverse("client:overview", args=[client.slug]),
                client=client,
                when=client.created_at,
                kind="pilot_incomplete",
            )
        )
    return items


@register
def client_todos(user: User, clients: Sequence[Client]) -> list[Todo]:
    return _failed_onboardings(user) + _incomplete_pilots(user, clients)
