"""The client registry's to-dos: onboardings that failed, pilots still missing items.

One query for the failed runs, one per client in onboarding for its pilot checklist.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.apps import apps
from django.db.models import Exists
from django.urls import reverse
from django_tenants.utils import schema_context

from bpo.accounts.permissions import can, can_onboard_clients
from bpo.accounts.roles import Action
from bpo.jobs.models import JobStatus
from bpo.portal.todos import Todo, register
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


def _missing_pilot_items(client: Client) -> list[str]:
    """Labels of the checklist items the client can already do and has not (one query)."""
    checks = {}
    for item in PILOT_ITEMS:
        try:
            model = apps.get_model(item.app_label, item.model_name)
        except LookupError:
            continue  # not available yet: nothing the account manager can do about it
        checks[item.key] = Exists(model._default_manager.filter(**item.filter))
    if not checks:
        return []
    with schema_context(client.schema_name):
        done = Client.objects.filter(pk=client.pk).annotate(**checks).values(*checks).first()
    if done is None:
        return []
    return [item.label for item in PILOT_ITEMS if item.key in checks and not done[item.key]]


def _incomplete_pilots(user: User, clients: Sequence[Client]) -> list[Todo]:
    items = []
    for client in clients:
        if client.status != ClientStatus.ONBOARDING or not can(user, client, Action.MANAGE_CLIENT):
            continue
        missing = _missing_pilot_items(client)
        if not missing:
            continue
        items.append(
            Todo(
                title=f"Complete the pilot of {client.name}",
                detail="Missing: " + ", ".join(label.lower() for label in missing) + ".",
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
