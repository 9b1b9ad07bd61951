"""The roster's to-dos: time-off requests waiting for a scheduler, and an agent's recently
refused request to read. Provider-wide (no client); one query each."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils import timezone

from bpo.accounts.permissions import can_manage_roster, can_request_time_off
from bpo.portal.todos import Todo, register
from scheduling.roster.selectors import count_waiting_requests, list_recent_refusals

if TYPE_CHECKING:
    from bpo.accounts.models import User
    from tenants.models import Client

REFUSALS_SHOWN_FOR = timedelta(days=14)


@register
def roster_todos(user: User, clients: Sequence[Client]) -> list[Todo]:
    items: list[Todo] = []
    if can_manage_roster(user):
        count, oldest = count_waiting_requests()
        if count:
            items.append(
                Todo(
                    title=f"{count} time-off request{'s' if count != 1 else ''} "
                    f"wait{'' if count != 1 else 's'} for a decision",
                    detail="Approve or refuse them; a refusal needs a reason.",
                    url=reverse("roster:time_off"),
                    client=None,
                    when=oldest or timezone.now(),
                    kind="time_off_waiting",
                    priority=1,
                )
            )
    if can_request_time_off(user):
        since = timezone.now() - REFUSALS_SHOWN_FOR
        for refused in list_recent_refusals(user=user, since=since):
            items.append(
                Todo(
                    title=f"Your {refused.get_kind_display().lower()} "
                    f"{refused.period_display} was refused",
                    detail=f"Reason: {refused.refusal_reason}",
                    url=reverse("roster:my_time_off"),
                    client=None,
                    when=refused.decided_at or refused.requested_at,
                    kind="time_off_refused",
                )
            )
    return items


@register
def unplanned_agents_todos(user: User, clients: Sequence[Client]) -> list[Todo]:
    """Schedulers: agents this week leaves out (no shift, no time off), one query."""
    from scheduling.roster.selectors import agents_without_week, this_monday

    if not can_manage_roster(user):
        return []
    count = agents_without_week(monday=this_monday()).count()
    if not count:
        return []
    return [
        Todo(
            title=f"{count} agent{'s have' if count != 1 else ' has'} no shifts "
            "and no time off this week",
            detail="Plan them in a run, or record their time off.",
            url=reverse("roster:agents") + "?week=unplanned",
            client=None,
            when=timezone.now(),
            kind="agents_unplanned",
        )
    ]
