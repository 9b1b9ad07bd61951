"""Background work of forecasts. Tasks take ids and are idempotent; the client's schema
travels with the task (tenant-schemas-celery), so they run where they were enqueued."""

from __future__ import annotations

from celery import shared_task
from django.db import OperationalError

from scheduling.planning.workers import forecasts as workers


@shared_task(bind=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3)
def run_forecast_task(self, forecast_id: int) -> int | None:
    forecast = workers.run_forecast(forecast_id=forecast_id)
    return forecast.version


@shared_task(bind=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3)
def refresh_forecast_accuracy_task(self, service_line_id: int) -> int:
    """After statistics of a line were stored: measure its forecasts against them again (the
    pages do it on read as well; this keeps the list and the API current without a visit)."""
    from scheduling.planning.services.forecasts import refresh_line_accuracies

    return refresh_line_accuracies(service_line_id=service_line_id)
