"""The catalog's to-dos: script versions waiting for their next workflow step.

A client admin approves versions in review; the provider's catalog owners rework versions sent
back with a comment and publish approved ones. One query per client schema.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.db.models import Q
from django.urls import reverse
from django_tenants.utils import schema_context

from bpo.accounts.permissions import can
from bpo.accounts.roles import Action
from bpo.catalog.models import ScriptVersion, ScriptVersionStatus
from bpo.portal.todos import Todo, register

if TYPE_CHECKING:
    from bpo.accounts.models import User
    from tenants.models import Client

Status = ScriptVersionStatus


def _wanted(user: User, client: Client) -> Q | None:
    """The versions waiting for ``user`` in ``client`` (None: none can)."""
    wanted = Q(pk__in=[])
    reviews = can(user, client, Action.REVIEW_SCRIPT)
    if reviews:
        wanted |= Q(status=Status.IN_REVIEW)
    # The reviewer who sent a version back, or approved it, is not the one to act on it next.
    if can(user, client, Action.PROPOSE_SCRIPT) and not reviews:
        wanted |= Q(status=Status.DRAFT) & ~Q(review_comment="")
    if can(user, client, Action.PUBLISH_SCRIPT) and not reviews:
        wanted |= Q(status=Status.APPROVED)
    return None if wanted == Q(pk__in=[]) else wanted


def _todo(client: Client, version: ScriptVersion) -> Todo:
    line = version.script.service_line
    url = reverse("client:script_version", args=[client.slug, line.pk, version.pk])
    name = f"the {line.name} script, version {version.number}"
    if version.status == Status.IN_REVIEW:
        return Todo(
            title=f"Approve {name}",
            detail=version.change_summary,
            url=url,
            client=client,
            when=version.submitted_at or version.updated_at,
            kind="script_review",
            priority=2,
        )
    if version.status == Status.APPROVED:
        return Todo(
            title=f"Publish {name}",
            detail="Approved by the client; agents see it once published.",
            url=url,
            client=client,
            when=version.reviewed_at or version.updated_at,
            kind="script_publish",
            priority=1,
        )
    return Todo(
        title=f"Rework {name}",
        detail=f"Sent back: {version.review_comment}",
        url=url,
        client=client,
        when=version.reviewed_at or version.updated_at,
        kind="script_rework",
        priority=1,
    )


@register
def script_todos(user: User, clients: Sequence[Client]) -> list[Todo]:
    items: list[Todo] = []
    for client in clients:
        wanted = _wanted(user, client)
        if wanted is None:
            continue
        with schema_context(client.schema_name):
            versions = list(
                ScriptVersion.objects.filter(wanted)
                .select_related("script__service_line")
                .only(
                    "number",
                    "status",
                    "change_summary",
                    "review_comment",
                    "submitted_at",
                    "reviewed_at",
                    "updated_at",
                    "script__service_line__name",
                )
            )
        items.extend(_todo(client, version) for version in versions)
    return items
