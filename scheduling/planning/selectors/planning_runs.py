"""Reads of planning runs (provider-side, public schema). A run is shown to whoever may plan
every client in it; for anyone else it does not exist (the same not-found as a missing id)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef, QuerySet

from bpo.accounts.permissions import accessible_clients, can_plan_client, can_run_planning
from bpo.errors import NotFoundError
from scheduling.roster.models import PlanningRun, PlanningRunStatus

if TYPE_CHECKING:
    from bpo.accounts.models import User
    from tenants.models import Client

RUN_NOT_FOUND = "No such planning run."


def plannable_clients(user: User) -> list[Client]:
    """The clients ``user`` may put in a planning run, by name."""
    if not can_run_planning(user):
        return []
    return [c for c in accessible_clients(user).order_by("name") if can_plan_client(user, c)]


def list_planning_runs(*, user: User, limit: int = 50) -> list[PlanningRun]:
    """The newest runs whose every client ``user`` may plan, with their clients and job."""
    allowed = {c.pk for c in plannable_clients(user)}
    if not allowed:
        return []
    runs = (
        PlanningRun.objects.exclude(clients__in=_others(allowed))
        .select_related("job", "created_by")
        .prefetch_related("clients")
        .order_by("-created_at", "-id")
    )
    return list(runs[:limit])


def _others(allowed: set[int]) -> QuerySet:
    from tenants.models import Client

    return Client.objects.exclude(pk__in=allowed).values("pk")


def access_planning_run(*, user: User, run_id) -> PlanningRun:
    allowed = {c.pk for c in plannable_clients(user)}
    try:
        run = (
            PlanningRun.objects.select_related("job", "created_by")
            .prefetch_related("clients")
            .get(pk=int(run_id))
        )
    except (PlanningRun.DoesNotExist, ValueError, TypeError):
        raise NotFoundError(RUN_NOT_FOUND) from None
    client_ids = {c.pk for c in run.clients.all()}
    if not client_ids or not client_ids <= allowed:
        raise NotFoundError(RUN_NOT_FOUND)
    return run


def list_failed_runs(*, user: User, since) -> list[PlanningRun]:
    """``user``'s own runs failed since ``since`` with no later ready run of the same week
    (for the home page's to-dos): one query."""
    later_ready = PlanningRun.objects.filter(
        week_starts_on=OuterRef("week_starts_on"),
        status=PlanningRunStatus.READY,
        created_at__gt=OuterRef("created_at"),
    )
    return list(
        PlanningRun.objects.filter(
            created_by=user, status=PlanningRunStatus.FAILED, created_at__gte=since
        )
        .exclude(Exists(later_ready))
        .order_by("-created_at")[:5]
    )
