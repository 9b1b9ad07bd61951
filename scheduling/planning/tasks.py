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


@shared_task(bind=True)
def refresh_sla_projections_task(self) -> int:
    """Every half hour (beat, in public): store each client's current-week SLA projection per
    line for the home pages' to-dos. Fans out to the clients that have a schema; one client's
    failure is logged and the others go on. Returns the clients refreshed."""
    import logging

    from django.utils import timezone
    from django_tenants.utils import tenant_context

    from scheduling.planning.services.sla_projection import refresh_sla_projections
    from tenants.models import Client, ClientStatus

    logger = logging.getLogger(__name__)
    now = timezone.now()
    done = 0
    clients = Client.objects.exclude(schema_name="public").filter(
        status__in=[ClientStatus.ONBOARDING, ClientStatus.LIVE]
    )
    for client in clients.order_by("pk"):
        try:
            with tenant_context(client):
                refresh_sla_projections(client=client, now=now)
            done += 1
        except Exception:  # one client's data must not stop the others' to-dos
            logger.exception("SLA projection of client %s failed", client.slug)
    return done
