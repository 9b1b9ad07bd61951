"""Background work of weekly reports. Tasks take ids (or a week) and are idempotent; the
client's schema travels with each task (tenant-schemas-celery).

``enqueue_due_weekly_reports`` is the beat entry (every 15 minutes, public schema): it finds
the live clients whose own local time has just passed Monday 06:00 and whose last week's
report does not exist yet, and enqueues one ``generate_weekly_report_task`` per client inside
that client's schema."""

from __future__ import annotations

from celery import shared_task
from django.db import OperationalError
from django.utils import timezone


@shared_task(bind=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3)
def render_weekly_report_task(self, report_id: int) -> str:
    from bpo.reporting import workers

    return workers.render_weekly_report(report_id=report_id).status


@shared_task(bind=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3)
def generate_weekly_report_task(self, week: str) -> str:
    """The week's first report of the schema's client: created once, rendered once."""
    from bpo.reporting import services, workers
    from scheduling.planning.selectors.sla import IsoWeek

    report, _ = services.ensure_weekly_report(week=IsoWeek.parse(week))
    return workers.render_weekly_report(report_id=report.pk).status


@shared_task
def enqueue_due_weekly_reports() -> int:
    from django_tenants.utils import tenant_context

    from bpo.reporting.selectors import clients_due
    from tenants.models import Client, ClientStatus

    live = Client.objects.filter(status=ClientStatus.LIVE).exclude(schema_name="public")
    due = clients_due(clients=live, now=timezone.now())
    for client, week in due:
        with tenant_context(client):
            generate_weekly_report_task.delay(str(week))
    return len(due)
