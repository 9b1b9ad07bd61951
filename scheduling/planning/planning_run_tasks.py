"""Background work of planning runs. The task takes the run's id and is idempotent; it runs in
the public schema (a run is the provider's) and enters each client's schema itself."""

from __future__ import annotations

from celery import shared_task
from django.db import OperationalError

from scheduling.planning.workers import planning_runs as workers


@shared_task(bind=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3)
def run_planning_task(self, run_id: int) -> str:
    run = workers.run_planning(run_id=run_id)
    return run.status
