"""Background work of the tenant registry. Tasks take ids and are idempotent."""

from __future__ import annotations

import logging

from celery import shared_task
from django.db import OperationalError

from bpo.errors import DomainError
from tenants import workers

logger = logging.getLogger(__name__)


@shared_task(
    bind=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=3,
)
def provision_client_task(self, run_id: str) -> str | None:
    try:
        client = workers.run_provisioning(run_id=run_id)
    except DomainError as exc:
        # A business rule refused (e.g. the address was taken meanwhile): the job records it
        # as failed with the message, and only a retry after a fix can help.
        logger.info("Onboarding run %s refused: %s", run_id, exc.message)
        return None
    return client.slug


@shared_task(
    bind=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=3,
)
def export_client_task(self, export_id: int) -> str | None:
    """Produce a client's data export; a done export is not produced again."""
    export = workers.run_client_export(export_id=export_id)
    return export.file_path or None
