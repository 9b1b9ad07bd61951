"""Periodic housekeeping of accounts (Celery beat, public schema)."""

from __future__ import annotations

from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from bpo.accounts.models import FailedLogin


@shared_task
def purge_old_failed_logins() -> int:
    """Failed logins older than the throttle window no longer count; drop them."""
    cutoff = timezone.now() - timedelta(seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS)
    deleted, _ = FailedLogin.objects.filter(attempted_at__lt=cutoff).delete()
    return deleted
