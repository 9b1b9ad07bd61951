"""The QA analyst's to-do of sampling: "Draw this week's QA sample" for each line with an
active sampling plan and no draw yet for the current week (the client's ISO week). One query
for all the user's clients (``UNION ALL`` across their schemas)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.db.models import Exists, OuterRef, QuerySet
from django.urls import reverse
from django.utils import timezone

from bpo.accounts.permissions import can, roles_for
from bpo.accounts.roles import Action, Role
from bpo.catalog.models import ServiceLineStatus
from bpo.portal.todos import Todo, register
from bpo.quality.models import SampleDraw, SamplingPlan
from tenants.db import qualified_sql, union_all

if TYPE_CHECKING:
    from bpo.accounts.models import User
    from tenants.models import Client


def this_monday(client: Client):
    today = timezone.now().astimezone(ZoneInfo(client.time_zone)).date()
    return today - timedelta(days=today.weekday())


def _plans_to_draw(monday) -> QuerySet:
    drawn = SampleDraw.objects.filter(sampling_plan=OuterRef("pk"), week_starts_on=monday)
    return (
        SamplingPlan.objects.filter(is_active=True)
        .exclude(service_line__status=ServiceLineStatus.RETIRED)
        .filter(~Exists(drawn))
        .order_by()
        .values_list("service_line_id", "service_line__name")
    )


@register
def sampling_todos(user: User, clients: Sequence[Client]) -> list[Todo]:
    by_pk = {}
    mondays = {}
    selects = []
    for client in clients:
        # The QA analysts draw; the other holders of the right are not reminded every week.
        if Role.QA_ANALYST not in roles_for(user, client) or not can(
            user, client, Action.MANAGE_SAMPLING
        ):
            continue
        by_pk[client.pk] = client
        mondays[client.pk] = monday = this_monday(client)
        sql, params = qualified_sql(_plans_to_draw(monday), schema_name=client.schema_name)
        selects.append((f"SELECT {int(client.pk)}, plan.* FROM ({sql}) AS plan", params))
    items = []
    for client_pk, line_id, line_name in union_all(selects):
        client = by_pk[client_pk]
        monday = mondays[client_pk]
        week = monday.isocalendar()
        items.append(
            Todo(
                title=f"Draw this week's QA sample of {line_name}",
                detail=f"Week {week.year}-W{week.week:02d}: the sampling plan is active and "
                "nothing is drawn yet.",
                url=reverse("client:qa_sample_draw", args=[client.slug, line_id])
                + f"?week={week.year}-W{week.week:02d}",
                client=client,
                when=datetime(
                    monday.year, monday.month, monday.day, tzinfo=ZoneInfo(client.time_zone)
                ),
                kind="qa_sample_draw",
                priority=1,
            )
        )
    return items
