"""The BPO operations portal: project package (settings, URLs, Celery app, portal shell)."""

from bpo.celery import app as celery_app

__all__ = ["celery_app"]
