"""The weekly reports' to-do: for a client admin (the role), "New weekly report" for the
newest ready report of the last seven days. One query for all the user's clients (``UNION
ALL`` across their schemas)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils import timezone

from bpo.accounts.permissions import can, roles_for
from bpo.accounts.roles import Action, Role
from bpo.portal.todos import Todo, register
from bpo.reporting.models import WeeklyReport, WeeklyReportStatus
from tenants.db import qualified_sql, union_all

if TYPE_CHECKING:
    from bpo.accounts.models import User
    from tenants.models import Client

NEW_FOR = timedelta(days=7)


@register
def weekly_report_todos(user: User, clients: Sequence[Client]) -> list[Todo]:
    since = timezone.now() - NEW_FOR
    by_pk = {}
    selects = []
    for client in clients:
        if Role.CLIENT_ADMIN not in roles_for(user, client):
            continue
        if not can(user, client, Action.VIEW_REPORTS):
            continue
        by_pk[client.pk] = client
        newest = (
            WeeklyReport.objects.filter(status=WeeklyReportStatus.READY, generated_at__gte=since)
            .order_by("-generated_at", "-id")
            .values_list("id", "iso_year", "iso_week", "revision", "generated_at")[:1]
        )
        sql, params = qualified_sql(newest, schema_name=client.schema_name)
        selects.append((f"SELECT {int(client.pk)}, newest.* FROM ({sql}) AS newest", params))
    return [
        Todo(
            title=f"New weekly report: week {year:04d}-W{week:02d}"
            + (f", revision {revision}" if revision > 1 else ""),
            detail="Last week's service levels, volumes, staffing and quality against targets.",
            url=reverse("client:weekly_report", args=[by_pk[client_pk].slug, report_id]),
            client=by_pk[client_pk],
            when=generated_at,
            kind="weekly_report_new",
        )
        for client_pk, report_id, year, week, revision, generated_at in union_all(selects)
    ]
