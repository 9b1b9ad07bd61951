"""Writes to job records. Progress is written on its own so that it is visible while the
task's main work is still inside an uncommitted transaction."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from bpo.jobs.models import Job, JobStatus

logger = logging.getLogger(__name__)


def create_job(*, kind: str, created_by=None, client=None) -> Job:
    return Job.objects.create(kind=kind, created_by=created_by, client=client)


def start_job(*, job_id) -> Job:
    Job.objects.filter(pk=job_id).update(
        status=JobStatus.RUNNING,
        started_at=timezone.now(),
        finished_at=None,
        error="",
        progress=0,
        attempts=F("attempts") + 1,
    )
    return Job.objects.get(pk=job_id)


def inside_an_application_transaction() -> bool:
    """True inside an ``atomic`` block of the application; the blocks a test case wraps every
    test in do not count (there, progress is visible to the test anyway)."""
    connection = transaction.get_connection()
    return any(not getattr(block, "_from_testcase", False) for block in connection.atomic_blocks)


def report_progress(*, job_id, progress: int, message: str = "") -> None:
    if inside_an_application_transaction():
        raise RuntimeError("report progress outside the task's transaction, or nobody sees it")
    Job.objects.filter(pk=job_id).update(progress=max(0, min(100, progress)), message=message[:300])


def finish_job(*, job_id, result: dict | None = None, message: str = "Done") -> None:
    Job.objects.filter(pk=job_id).update(
        status=JobStatus.SUCCEEDED,
        progress=100,
        message=message,
        result=result or {},
        finished_at=timezone.now(),
    )


def fail_job(*, job_id, error: str, message: str = "Failed") -> None:
    Job.objects.filter(pk=job_id).update(
        status=JobStatus.FAILED, message=message, error=error[:5000], finished_at=timezone.now()
    )


def requeue_job(*, job_id) -> None:
    Job.objects.filter(pk=job_id).update(
        status=JobStatus.QUEUED,
        progress=0,
        message="Queued for retry",
        error="",
        queued_at=timezone.now(),
    )


def enqueue_after_commit(*, job_id, send: Callable[[], object]) -> None:
    """Hand a job's task to the broker once the transaction has committed.

    If the broker cannot be reached, the request that asked for the work still succeeds: the
    job is marked failed with the reason, so the person sees it and can retry, and nothing of
    what was committed is lost.
    """

    def send_or_record_failure() -> None:
        try:
            send()
        except Exception as exc:  # whatever the transport raises (kombu, redis, OS errors)
            logger.exception("Could not hand job %s to the task queue", job_id)
            fail_job(
                job_id=job_id,
                error=f"The task queue could not be reached ({type(exc).__name__}: {exc}). "
                "Retry once the worker's broker is up.",
                message="Not started",
            )

    transaction.on_commit(send_or_record_failure)
