"""Background work of the planning app. Tasks take ids and are idempotent; the client's schema
travels with each task (tenant-schemas-celery), so a task runs where its import lives."""

from __future__ import annotations

from celery import shared_task
from django.db import OperationalError

from scheduling.planning.workers import statistics_import as workers


@shared_task(bind=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3)
def statistics_import_task(self, import_id: int, commit: bool, job_id: str) -> str:
    """Check (or store) a large statistics file; a committed import is not stored again."""
    record = workers.run_statistics_import(import_id=import_id, commit=commit, job_id=job_id)
    return record.status
