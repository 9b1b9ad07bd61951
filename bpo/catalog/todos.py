"""The catalog's to-dos: script versions waiting for their next workflow step.

A client admin approves versions in review; the provider's catalog owners rework versions sent
back with a comment and publish approved ones. One query for all the user's clients.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from django.db.models import Q
from django.urls import reverse

from bpo.accounts.permissions import can
from bpo.accounts.roles import Action
from bpo.catalog.models import ScriptVersion, ScriptVersionStatus
from bpo.portal.todos import Todo, register
from tenants.db import qualified_sql, union_all

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


# The columns a to-do needs, read in one query across the clients' schemas.
COLUMNS = (
    "pk",
    "number",
    "status",
    "change_summary",
    "review_comment",
    "submitted_at",
    "reviewed_at",
    "updated_at",
    "script__service_line_id",
    "script__service_line__name",
)


@dataclass(frozen=True)
class WaitingVersion:
    pk: int
    number: int
    status: str
    change_summary: str
    review_comment: str
    submitted_at: datetime | None
    reviewed_at: datetime | None
    updated_at: datetime
    service_line_id: int
    service_line_name: str


def _todo(client: Client, version: WaitingVersion) -> Todo:
    url = reverse("client:script_version", args=[client.slug, version.service_line_id, version.pk])
    name = f"the {version.service_line_name} script, version {version.number}"
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
    """One query for every client: the waiting versions of each client's schema, ``UNION
    ALL`` (each client's part with the filter of that user's rights there)."""
    by_pk = {}
    selects = []
    for client in clients:
        wanted = _wanted(user, client)
        if wanted is None:
            continue
        by_pk[client.pk] = client
        rows = ScriptVersion.objects.filter(wanted).values_list(*COLUMNS)
        sql, params = qualified_sql(rows, schema_name=client.schema_name)
        selects.append((f"SELECT {int(client.pk)}, waiting.* FROM ({sql}) AS waiting", params))
    return [
        _todo(by_pk[client_pk], WaitingVersion(*columns))
        for client_pk, *columns in union_all(selects)
    ]
