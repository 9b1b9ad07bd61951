"""Starting a planning run: validate the request, record the run and its job, hand the work to
a worker after commit (``scheduling.planning.workers.planning_runs`` does the optimising and
writes the drafts).

A run is the provider's (``roster.PlanningRun``, public): it plans one week for one client or
several that share agents, on one zone's clock (the first client's unless given).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.db import transaction
from django.utils import timezone

from bpo.accounts.permissions import can_plan_client, can_run_planning
from bpo.errors import ConflictError, DomainError
from bpo.jobs import services as job_services
from scheduling.planning import planning_run_tasks
from scheduling.planning.planning_week import WeekClock
from scheduling.planning.problem import read_requirements
from scheduling.planning.workers.planning_runs import run_planning
from scheduling.roster.models import PlanningRun, PlanningRunStatus

TIME_LIMIT_LOWEST = 5
TIME_LIMIT_HIGHEST = 3600


def _check(*, user, week_starts_on, clients, time_limit_seconds, time_zone) -> tuple:
    """Every problem of the request at once would need a form; the service names the first."""
    if not can_run_planning(user):
        raise DomainError("Your role does not start planning runs.", code="permission_denied")
    if not isinstance(week_starts_on, date) or week_starts_on.weekday() != 0:
        raise DomainError("A planning week starts on a Monday.", field="week_starts_on")
    clients = list(dict.fromkeys(clients))
    if not clients:
        raise DomainError("Choose at least one client to plan.", field="clients")
    refused = [c.name for c in clients if not can_plan_client(user, c)]
    if refused:
        raise DomainError(f"You may not plan {', '.join(refused)}.", field="clients")
    try:
        limit = int(time_limit_seconds)
    except (TypeError, ValueError):
        raise DomainError("Give the time limit in whole seconds.", field="time_limit") from None
    if not TIME_LIMIT_LOWEST <= limit <= TIME_LIMIT_HIGHEST:
        raise DomainError(
            f"The time limit is {TIME_LIMIT_LOWEST} to {TIME_LIMIT_HIGHEST} seconds, not {limit}.",
            field="time_limit",
        )
    zone = time_zone or clients[0].time_zone
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        raise DomainError(f"{zone!r} is not a time zone.", field="time_zone") from None
    return clients, limit, zone


def _check_nothing_running(week_starts_on: date, clients: Sequence) -> None:
    ids = PlanningRun.objects.filter(
        week_starts_on=week_starts_on,
        clients__in=clients,
        status__in=[PlanningRunStatus.QUEUED, PlanningRunStatus.RUNNING],
    ).values("pk")
    running = (
        PlanningRun.objects.select_for_update(of=("self",))
        .filter(pk__in=ids)
        .select_related("job")
        .order_by("pk")
    )
    for other in running:
        other = settle_planning_run(run=other)
        if other.status in {PlanningRunStatus.QUEUED, PlanningRunStatus.RUNNING}:
            if other.job is not None and other.job.is_stalled:
                _fail(other, "No worker picked this run up; a newer run replaced it.")
                continue
            raise ConflictError(
                "A planning run of this week for one of these clients is in progress; wait "
                "for it to finish.",
                field="clients",
            )


def _fail(run: PlanningRun, error: str) -> None:
    PlanningRun.objects.filter(pk=run.pk).update(
        status=PlanningRunStatus.FAILED, error=error[:5000], finished_at=timezone.now()
    )
    if run.job_id:
        job_services.fail_job(job_id=run.job_id, error=error, message="Not run")
    run.status, run.error = PlanningRunStatus.FAILED, error


def settle_planning_run(*, run: PlanningRun) -> PlanningRun:
    """A run whose job failed before a worker started it (the broker could not be reached) is
    failed too, with the job's reason; called on read so the pages tell the truth."""
    if run.status not in {PlanningRunStatus.QUEUED, PlanningRunStatus.RUNNING} or not run.job_id:
        return run
    job = run.job
    if job is not None and job.status == "failed":
        PlanningRun.objects.filter(pk=run.pk, status__in=["queued", "running"]).update(
            status=PlanningRunStatus.FAILED, error=job.error[:5000], finished_at=timezone.now()
        )
        run.status, run.error = PlanningRunStatus.FAILED, job.error
    return run


def _prepare(*, user, week_starts_on, clients, time_limit_seconds, time_zone) -> PlanningRun:
    clients, limit, zone = _check(
        user=user,
        week_starts_on=week_starts_on,
        clients=clients,
        time_limit_seconds=time_limit_seconds,
        time_zone=time_zone,
    )
    # Refused at once, naming the client and line, rather than failing in the worker.
    read_requirements(WeekClock(week_starts_on, zone), clients)
    _check_nothing_running(week_starts_on, clients)
    run = PlanningRun.objects.create(
        week_starts_on=week_starts_on,
        time_zone=zone,
        time_limit_seconds=limit,
        created_by=user,
    )
    run.clients.set(clients)
    return run


@transaction.atomic
def start_planning_run(
    *,
    user,
    week_starts_on: date,
    clients: Sequence,
    time_limit_seconds: int,
    time_zone: str | None = None,
) -> PlanningRun:
    """Request a planning run of ``clients`` for the week from ``week_starts_on``; a worker
    optimises it after commit (progress in ``run.job``) and writes one draft per client.

    Raises ``DomainError`` for a day that is not a Monday, no client, a client the user may
    not plan, a time limit outside 5-3600 s, and a client or active line without a staffing
    requirement for the week (named); ``ConflictError`` while a run of the same week for one
    of the clients is in progress."""
    run = _prepare(
        user=user,
        week_starts_on=week_starts_on,
        clients=clients,
        time_limit_seconds=time_limit_seconds,
        time_zone=time_zone,
    )
    job = job_services.create_job(kind="planning_run", created_by=user)
    run.job = job
    run.save(update_fields=["job"])
    job_services.enqueue_after_commit(
        job_id=job.pk, send=lambda: planning_run_tasks.run_planning_task.delay(run.pk)
    )
    return run


def plan_week_now(
    *,
    user,
    week_starts_on: date,
    clients: Sequence,
    time_limit_seconds: int,
    time_zone: str | None = None,
    timings: dict | None = None,
) -> PlanningRun:
    """The same run synchronously, the path the worker takes (``bench_plan``, demo data)."""
    with transaction.atomic():
        run = _prepare(
            user=user,
            week_starts_on=week_starts_on,
            clients=clients,
            time_limit_seconds=time_limit_seconds,
            time_zone=time_zone,
        )
        job = job_services.create_job(kind="planning_run", created_by=user)
        run.job = job
        run.save(update_fields=["job"])
    return run_planning(run_id=run.pk, timings=timings)
