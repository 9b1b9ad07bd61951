"""The planning app's to-dos: "Forecast for <line> is older than a week", for those who run
forecasts (schedulers, account managers, provider admins). One query per client schema."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils import timezone
from django_tenants.utils import schema_context

from bpo.accounts.permissions import can
from bpo.accounts.roles import Action
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
