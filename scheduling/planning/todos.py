"""The planning app's to-dos. For those who run forecasts (schedulers, account managers,
provider admins): "Forecast for <line> is older than a week". For schedulers (the role, not
every holder of the right): service lines with no statistics for last week, and statistics
imports that failed (in the last 14 days, with no later stored import of the same file). One
query per client schema for each."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.db import connection
from django.urls import reverse
from django.utils import timezone
from django_tenants.utils import schema_context

from bpo.accounts.permissions import can, roles_for
from bpo.accounts.roles import Action, Role
from bpo.portal.todos import Todo, register
from scheduling.planning.selectors.forecasts import stale_forecast_lines

if TYPE_CHECKING:
    from bpo.accounts.models import User
    from tenants.models import Client

STALE_AFTER = timedelta(days=7)


@register
def forecast_todos(user: User, clients: Sequence[Client]) -> list[Todo]:
    items: list[Todo] = []
    older_than = timezone.now() - STALE_AFTER
    for client in clients:
        if not can(user, client, Action.RUN_FORECAST):
            continue
        with schema_context(client.schema_name):
            stale = stale_forecast_lines(older_than=older_than)
        for line, forecast in stale:
            assert forecast.completed_at is not None
            items.append(
                Todo(
                    title=f"Forecast for {line.name} is older than a week",
                    detail=f"Version {forecast.version} was made "
                    f"{(timezone.now() - forecast.completed_at).days} days ago; run a new one "
                    "with the latest statistics.",
                    url=reverse("client:forecast_run", args=[client.slug]) + f"?line={line.pk}",
                    client=client,
                    when=forecast.completed_at,
                    kind="forecast_stale",
                    priority=1,
                )
            )
    return items


FAILED_WITHIN = timedelta(days=14)

# Lines (active or paused) without an interval last week, and failed imports not followed by
# a stored import of the same file, in one round trip.
QUERY = """
SELECT 'line', l.name, NULL::bigint, NULL::timestamptz
FROM catalog_serviceline l
WHERE l.status IN ('active', 'paused') AND NOT EXISTS (
    SELECT 1 FROM planning_intervalstatistic s
    WHERE s.service_line_id = l.id AND s.starts_at >= %s AND s.starts_at < %s)
UNION ALL
SELECT 'import', i.file_name, i.id, i.created_at
FROM planning_statisticsimport i
WHERE i.status = 'failed' AND i.created_at >= %s AND NOT EXISTS (
    SELECT 1 FROM planning_statisticsimport later
    WHERE later.status = 'committed' AND later.created_at > i.created_at
      AND later.file_name = i.file_name)
"""


def last_week(client: Client) -> tuple[datetime, datetime]:
    zone = ZoneInfo(client.time_zone)
    today = timezone.now().astimezone(zone).date()
    monday = today - timedelta(days=today.weekday() + 7)
    start = datetime.combine(monday, time(0), tzinfo=zone)
    return start, datetime.combine(monday + timedelta(days=7), time(0), tzinfo=zone)


@register
def statistics_todos(user: User, clients: Sequence[Client]) -> list[Todo]:
    items: list[Todo] = []
    for client in clients:
        # The scheduler imports the statistics; the other holders of the right are not
        # reminded of every client's weekly import.
        if Role.SCHEDULER not in roles_for(user, client) or not can(
            user, client, Action.IMPORT_STATISTICS
        ):
            continue
        start, end = last_week(client)
        with schema_context(client.schema_name), connection.cursor() as cursor:
            cursor.execute(QUERY, [start, end, timezone.now() - FAILED_WITHIN])
            rows = cursor.fetchall()
        lines = [name for kind, name, _, _ in rows if kind == "line"]
        if lines:
            week = start.isocalendar()
            items.append(
                Todo(
                    title=f"Import last week's statistics ({week.year}-W{week.week:02d})",
                    detail="No intervals stored for " + ", ".join(lines) + ".",
                    url=reverse("client:statistics_upload", args=[client.slug]),
                    client=client,
                    when=end,
                    kind="statistics_missing",
                    priority=1,
                )
            )
        for kind, name, import_id, created_at in rows:
            if kind == "import":
                items.append(
                    Todo(
                        title=f"Fix the statistics import {name or 'API push'}",
                        detail="It failed and stored nothing.",
                        url=reverse("client:statistics_import", args=[client.slug, import_id]),
                        client=client,
                        when=created_at,
                        kind="statistics_import_failed",
                        priority=1,
                    )
                )
    return items
