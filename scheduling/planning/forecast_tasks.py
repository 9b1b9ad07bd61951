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
