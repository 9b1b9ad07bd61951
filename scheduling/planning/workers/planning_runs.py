"""What a worker runs for a planning run: read the week (``scheduling.planning.problem``),
optimise it within the run's time limit, and write one draft plan per client, all in one
transaction over the clients' schemas. Runs in the public schema (the run is the provider's);
it enters each client's schema to read its requirement and to write its draft."""

from __future__ import annotations

import logging
import threading
import time
from datetime import datetime

import numpy as np
from auditlog.context import set_actor
from django.db import DatabaseError, connection, transaction
from django.utils import timezone
from django_tenants.utils import tenant_context

from bpo.errors import DomainError
from bpo.jobs import services as job_services
from scheduling.engine.optimiser import ShiftPlan, solve_schedule
from scheduling.planning.models import Plan, PlanShift, PlanStatus
from scheduling.planning.planning_week import (
    INTERVAL_MINUTES,
    MergedQueues,
    activities_of,
    break_periods,
    client_parts,
    coverage_figures,
    expand_queues,
    merge_queues,
    net_of_breaks,
    sticky_queues,
    with_breaks,
)
from scheduling.planning.problem import PlanningInput, build_planning_input
from scheduling.planning.services.publishing import discard_plan
from scheduling.roster.models import PlanningRun, PlanningRunStatus

logger = logging.getLogger(__name__)

# Share of the time limit the optimiser gets; reading and storing take the rest.
SOLVE_SHARE = 0.85
PROGRESS_EVERY_SECONDS = 2.0


class _SolveProgress:
    """Moves the job's bar while the optimiser runs (it has no callback): a thread that writes
    progress on its own connection every few seconds, from the elapsed share of the limit."""

    def __init__(self, job_id, seconds: float, low: int, high: int) -> None:
        self.job_id, self.seconds, self.low, self.high = job_id, seconds, low, high
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.started = time.monotonic()

    def _run(self) -> None:
        try:
            while not self.stop.wait(PROGRESS_EVERY_SECONDS):
                share = min(1.0, (time.monotonic() - self.started) / max(self.seconds, 1.0))
                job_services.report_progress(
                    job_id=self.job_id,
                    progress=int(self.low + share * (self.high - self.low)),
                    message=f"Optimising ({time.monotonic() - self.started:.0f} s of at most "
                    f"{self.seconds:.0f} s)",
                )
        except DatabaseError:  # progress is a courtesy; the run's outcome is recorded anyway
            logger.exception("Could not report the progress of job %s", self.job_id)
        finally:
            connection.close()

    def __enter__(self):
        if self.job_id:
            self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop.set()
        if self.thread.is_alive():
            self.thread.join()


def run_planning(*, run_id: int, timings: dict | None = None) -> PlanningRun:
    """Optimise and store one planning run; idempotent (a finished run is returned as it is).

    Progress is reported outside any transaction; the drafts of every client are written in
    one transaction at the end, so a failure leaves no draft. A failure marks the run and its
    job failed with the reason. ``timings`` (if given) receives solve_s and store_s."""
    run = PlanningRun.objects.get(pk=run_id)
    if run.status in {PlanningRunStatus.READY, PlanningRunStatus.FAILED}:
        return run
    job_id = run.job_id

    def report(percent: int, message: str) -> None:
        if job_id:
            job_services.report_progress(job_id=job_id, progress=percent, message=message)

    if job_id:
        job_services.start_job(job_id=job_id)
    PlanningRun.objects.filter(pk=run.pk).update(status=PlanningRunStatus.RUNNING)
    started = time.perf_counter()
    try:
        clients = list(run.clients.order_by("name", "pk"))
        report(3, "Reading requirements, the roster, time off and other clients' bookings")
        data = build_planning_input(
            week_starts_on=run.week_starts_on, clients=clients, time_zone=run.time_zone
        )
        budget = max(2.0, run.time_limit_seconds * SOLVE_SHARE - (time.perf_counter() - started))
        report(10, f"Optimising {len(data.agent_ids)} agents over {len(data.queues)} lines")
        with _SolveProgress(job_id, budget, 10, 85):
            solve_started = time.perf_counter()
            merged = merge_queues(data.problem)
            result = solve_schedule(merged.problem, time_limit=budget)
            solve_seconds = time.perf_counter() - solve_started
        report(88, "Storing the draft plans")
        store_started = time.perf_counter()
        figures = store_drafts(run=run, clients=clients, data=data, merged=merged, result=result)
        store_seconds = time.perf_counter() - store_started
    except Exception as exc:
        message = exc.message if isinstance(exc, DomainError) else f"{type(exc).__name__}: {exc}"
        try:
            PlanningRun.objects.filter(pk=run_id).update(
                status=PlanningRunStatus.FAILED, error=message[:5000], finished_at=timezone.now()
            )
            if job_id:
                job_services.fail_job(job_id=job_id, error=message, message="The run failed")
        except DatabaseError:  # the connection is gone: a retry records the outcome
            logger.exception("Could not record the failure of planning run %s", run_id)
        if isinstance(exc, DomainError):
            return PlanningRun.objects.get(pk=run_id)
        raise
    if timings is not None:
        timings.update(solve_s=solve_seconds, store_s=store_seconds)
    if job_id:
        job_services.finish_job(
            job_id=job_id,
            result={"planning_run": run.pk, "seconds": round(time.perf_counter() - started, 3)},
            message=f"Drafts ready: coverage {figures['total']['coverage_pct']} %, "
            f"gap {figures['total']['gap_pct']} %",
        )
    return PlanningRun.objects.get(pk=run_id)


def _money(value: float) -> str:
    return f"{value:.2f}"


def store_drafts(
    *,
    run: PlanningRun,
    clients: list,
    data: PlanningInput,
    merged: MergedQueues,
    result: ShiftPlan,
) -> dict:
    """One draft plan per client with its shifts, the run's figures, in one transaction.
    An older draft of the same client and week is discarded.

    The optimiser placed each shift's breaks (its template's rules): they become ``break`` and
    ``lunch`` parts of the shift's activities, and coverage is counted net of them, as the
    plan pages count the work parts."""
    problem = data.problem
    client_of_queue = data.client_of_queue()
    line_of_queue = data.line_of_queue()
    classes: dict[frozenset, int] = {}
    class_of = np.array(
        [classes.setdefault(frozenset(a.skills), len(classes)) for a in problem.agents]
    )
    # The optimiser planned the merged queues; hand each agent its (client, line) queue per
    # interval, keeping it on one queue, and one client, as long as the counts allow.
    on_merged = sticky_queues(result.queue_of, class_of, list(range(len(merged.members))))
    queue_of = expand_queues(merged, on_merged, problem.requirement, client_of_queue)
    coverage = np.stack([(queue_of == q).sum(axis=0) for q in range(len(problem.queues))])
    placed = result.breaks or [[] for _ in problem.agents]
    coverage = net_of_breaks(coverage, queue_of, placed)
    shifts_of: dict[int, list[dict]] = {c.pk: [] for c in clients}
    cost_of: dict[int, float] = {c.pk: 0.0 for c in clients}
    for a, week in enumerate(result.shifts):
        agent = problem.agents[a]
        for shift in week:
            if shift is None:
                continue
            template = problem.templates[shift.template]
            first = shift.day * problem.intervals_per_day + shift.start
            breaks = break_periods(data.clock, first, [b for b in placed[a] if b.day == shift.day])
            for part in client_parts(
                first, template.length_intervals, queue_of[a], client_of_queue
            ):
                starts_at, ends_at, main, activities = activities_of(
                    data.clock, part, line_of_queue
                )
                shifts_of[part.client].append(
                    {
                        "agent_id": data.agent_ids[a],
                        "service_line_id": main,
                        "starts_at": starts_at,
                        "ends_at": ends_at,
                        "template_name": shift.template,
                        "activities": with_breaks(activities, breaks),
                    }
                )
                cost_of[part.client] += (
                    (part.last - part.first) * INTERVAL_MINUTES / 60 * agent.hourly_cost
                )
    requirement = np.asarray(problem.requirement)
    total = coverage_figures(requirement, coverage)
    overall = {
        "coverage_pct": total.coverage_pct,
        "shortfall_hours": total.shortfall_hours,
        "over_hours": total.over_hours,
        "required_hours": total.required_hours,
        "cost": _money(result.cost),
        "objective": round(result.objective, 1),
        "lower_bound": round(result.lower_bound, 1),
        "gap_pct": round(result.gap_pct, 3),
        "shifts": sum(len(s) for s in shifts_of.values()),
        "agents": len(problem.agents),
        "method": result.method,
        "status": result.status,
        "solve_seconds": round(result.seconds, 1),
        "notes": data.notes[:50],
    }
    per_client: dict[str, dict] = {}
    with transaction.atomic():
        for client in clients:
            rows = [q for q, c in enumerate(client_of_queue) if c == client.pk]
            covered = coverage_figures(requirement[rows], coverage[rows])
            figures = {
                "coverage_pct": covered.coverage_pct,
                "shortfall_hours": covered.shortfall_hours,
                "over_hours": covered.over_hours,
                "required_hours": covered.required_hours,
                "cost": _money(cost_of[client.pk]),
                "shifts": len(shifts_of[client.pk]),
                "run_objective": overall["objective"],
                "run_lower_bound": overall["lower_bound"],
                "run_gap_pct": overall["gap_pct"],
            }
            with tenant_context(client), set_actor(run.created_by):
                plan = _write_plan(run, shifts_of[client.pk], figures)
            per_client[str(client.pk)] = {**figures, "client": client.name, "plan_id": plan.pk}
        PlanningRun.objects.filter(pk=run.pk).update(
            status=PlanningRunStatus.READY,
            figures={"total": overall, "clients": per_client},
            error="",
            finished_at=timezone.now(),
        )
    return {"total": overall, "clients": per_client}


def _write_plan(run: PlanningRun, shifts: list[dict], figures: dict) -> Plan:
    """Inside the client's schema: discard older drafts of the week, write the new one."""
    for older in Plan.objects.filter(week_starts_on=run.week_starts_on, status=PlanStatus.DRAFT):
        discard_plan(plan=older, user=run.created_by)
    plan = Plan.objects.create(
        week_starts_on=run.week_starts_on,
        time_zone=run.time_zone,
        status=PlanStatus.DRAFT,
        planning_run_id=run.pk,
        figures=figures,
        created_by_id=run.created_by_id,
    )
    PlanShift.objects.bulk_create(
        (PlanShift(plan=plan, **shift) for shift in _sorted(shifts)), batch_size=2000
    )
    return plan


def _sorted(shifts: list[dict]) -> list[dict]:
    def key(shift: dict) -> tuple[datetime, int]:
        return shift["starts_at"], shift["agent_id"]

    return sorted(shifts, key=key)
