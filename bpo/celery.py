"""The one Celery app. Tenant-aware: the sender's schema travels with every task
(tenant-schemas-celery), so a task enqueued inside a client's request runs in that schema."""

from __future__ import annotations

import os

from celery.signals import worker_process_init
from tenant_schemas_celery.app import CeleryApp as TenantAwareCeleryApp

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bpo.settings.dev")

app = TenantAwareCeleryApp("bpo")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.on_after_configure.connect
def _create_filesystem_broker_folders(sender, **kwargs) -> None:
    """kombu's filesystem transport does not create its folders; any process may send first."""
    from pathlib import Path

    if str(sender.conf.broker_url).startswith("filesystem://"):
        options = sender.conf.broker_transport_options or {}
        for key in ("data_folder_in", "data_folder_out", "control_folder"):
            if options.get(key):
                Path(options[key]).mkdir(parents=True, exist_ok=True)


@worker_process_init.connect
def _warm_up_invoice_validation(**kwargs) -> None:
    """Compile the EN 16931 Schematron stylesheets (~2 s) once in each pool process, after the
    fork (Saxon's isolate must not be inherited from the parent), so no invoice issued by the
    worker waits for them; web processes never pay this."""
    from billing.einvoice.validation import warm_up

    warm_up()
