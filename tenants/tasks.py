"""Background work of the tenant registry. Tasks take ids and are idempotent."""

from __future__ import annotations

from celery import shared_task
from django.db import OperationalError

from tenants import services


@shared_task(
    bind=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=3,
)
def provision_client_task(self, run_id: str) -> str:
    client = services.run_provisioning(run_id=run_id)
    return client.slug
