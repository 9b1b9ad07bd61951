"""The demo's shift plans, for ``seed_demo``: last week and this week planned across the demo
clients and published, next week planned and left as a draft for the scheduler to publish
(``scheduling.roster.demo.seed_agent_extras`` then adds what hangs on the bookings). Runs the planning service synchronously (the worker's path).
Idempotent: a week that already has a planning run is left alone."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone
from django_tenants.utils import tenant_context

from bpo.errors import DomainError
from scheduling.planning.models import Plan, PlanStatus
from scheduling.planning.services.planning_runs import plan_week_now
from scheduling.planning.services.publishing import publish_plan
from scheduling.roster.models import PlanningRun, PlanningRunStatus

TIME_LIMIT_SECONDS = 10
# (weeks from this one, publish?)
WEEKS = ((-1, True), (0, True), (1, False))


def seed_plans(*, clients: dict, scheduler) -> list[str]:
    """Plan the demo weeks for the ``clients`` (slug -> client) whose lines all have a staffing
    requirement for the week; publish the past and current ones."""
    today = timezone.localdate()
    this_monday = today - timedelta(days=today.weekday())
    changes: list[str] = []
    for offset, publish in WEEKS:
        monday = this_monday + timedelta(weeks=offset)
        if PlanningRun.objects.filter(week_starts_on=monday).exists():
            continue
        run, planned = _run(list(clients.values()), monday, scheduler)
        if run is None:
            changes.append(
                f"no plan for the week of {monday.isoformat()}: no client has a requirement"
            )
            continue
        if run.status != PlanningRunStatus.READY:
            changes.append(f"planning run for the week of {monday.isoformat()} failed: {run.error}")
            continue
        for client in planned:
            with tenant_context(client):
                plan = Plan.objects.get(planning_run_id=run.pk, status=PlanStatus.DRAFT)
                if publish:
                    publish_plan(plan=plan, user=scheduler)
        state = "published" if publish else "draft to publish"
        names = ", ".join(client.name for client in planned)
        changes.append(f"plan of the week of {monday.isoformat()} for {names} ({state})")
    changes.extend(_projections(clients))
    return changes


def _projections(clients: dict) -> list[str]:
    """This week's SLA projection per line, as the half-hourly beat task stores it, so the
    homes show their "projected to miss" to-dos at once (a week already projected is left to
    the beat)."""
    from scheduling.planning.models import SlaProjectionSnapshot
    from scheduling.planning.services.sla_projection import refresh_sla_projections

    changes = []
    now = timezone.now()
    for client in clients.values():
        with tenant_context(client):
            monday = timezone.localdate(now, ZoneInfo(client.time_zone))
            monday -= timedelta(days=monday.weekday())
            if SlaProjectionSnapshot.objects.filter(week_starts_on=monday).exists():
                continue
            projection = refresh_sla_projections(client=client, now=now)
        risky = ", ".join(line.service_line.name for line in projection.at_risk) or "none"
        changes.append(f"SLA projection of this week for {client.name} (at risk: {risky})")
    return changes


def _run(clients: list, monday, scheduler):
    """A run over the clients that can be planned: one that misses a requirement is left out
    (its name is in the refusal) and the rest tried again."""
    while clients:
        try:
            run = plan_week_now(
                user=scheduler,
                week_starts_on=monday,
                clients=clients,
                time_limit_seconds=TIME_LIMIT_SECONDS,
            )
        except DomainError as refusal:
            named = [client for client in clients if client.name in refusal.message]
            if not named:
                raise
            clients = [client for client in clients if client not in named]
            continue
        return run, clients
    return None, []
