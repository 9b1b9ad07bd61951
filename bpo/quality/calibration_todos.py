"""The calibration to-dos: open sessions where the user takes part and has interactions left
to score ("calibrations open" on a QA analyst's home; the invitation on a client admin's). One
query for all the user's clients (``UNION ALL`` across their schemas)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.urls import reverse

from bpo.accounts.permissions import can, roles_for
from bpo.accounts.roles import CLIENT_ROLES, Action
from bpo.portal.todos import Todo, register
from bpo.quality.calibration_selectors import open_sessions_to_score
from tenants.db import qualified_sql, union_all

if TYPE_CHECKING:
    from bpo.accounts.models import User
    from tenants.models import Client


@register
def calibration_todos(user: User, clients: Sequence[Client]) -> list[Todo]:
    by_pk = {}
    selects = []
    # ``to_score`` and ``scored`` are the selector's annotations (mypy cannot see them).
    rows = open_sessions_to_score(user=user).values_list(  # type: ignore[misc]
        "pk", "title", "created_at", "to_score", "scored"
    )
    for client in clients:
        if not can(user, client, Action.JOIN_CALIBRATIONS):
            continue
        by_pk[client.pk] = client
        sql, params = qualified_sql(rows, schema_name=client.schema_name)
        selects.append((f"SELECT {int(client.pk)}, waiting.* FROM ({sql}) AS waiting", params))
    todos = []
    for client_pk, pk, title, created_at, to_score, scored in union_all(selects):
        client = by_pk[client_pk]
        invited = bool(roles_for(user, client)) and roles_for(user, client) <= CLIENT_ROLES
        left = to_score - scored
        todos.append(
            Todo(
                title=(
                    f"You are invited to score the calibration session “{title}”"
                    if invited
                    else f"Score the calibration session “{title}”"
                ),
                detail=f"{left} of {to_score} interaction{'s' if to_score != 1 else ''} left "
                "to score. Calibration scores never count in the QA score.",
                url=reverse("client:calibration_session", args=[client.slug, pk]),
                client=client,
                when=created_at,
                kind="calibration_invited" if invited else "calibration_open",
                priority=1,
            )
        )
    return todos
