"""The one Celery app. Tenant-aware: the sender's schema travels with every task
(tenant-schemas-celery), so a task enqueued inside a client's request runs in that schema."""

from __future__ import annotations

import os

from tenant_schemas_celery.app import CeleryApp as TenantAwareCeleryApp

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bpo.settings.dev")

app = TenantAwareCeleryApp("bpo")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
