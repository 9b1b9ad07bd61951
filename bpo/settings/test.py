"""Tests: the real PostgreSQL (DATABASE_URL or the embedded server), fast hashing, no real mail."""

import os

from bpo.settings.base import *  # noqa: F403
from bpo.settings.base import DATA_DIR, DATABASES

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# One test database per pytest process, so that two test sessions on one server never collide;
# pytest-django drops it at the end of the session.
DATABASES["default"]["TEST"] = {
    "NAME": os.environ.get("TEST_DATABASE_NAME", f"test_bpo_{os.getpid()}")
}
# A real worker started by a test reads tasks from this queue only, so a developer's running
# `make run` worker on the same broker never steals them; one queue per pytest-xdist worker
# too (each has its own test database, ``test_..._gw0``), should live tests run in parallel.
CELERY_TASK_DEFAULT_QUEUE = "bpo-test" + (
    f"-{os.environ['PYTEST_XDIST_WORKER']}" if os.environ.get("PYTEST_XDIST_WORKER") else ""
)
if not os.environ.get("CELERY_BROKER_URL"):
    _broker_dir = DATA_DIR / "test-celery" / "broker"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir),
        "data_folder_out": str(_broker_dir),
        "control_folder": str(DATA_DIR / "test-celery" / "control"),
    }
LOGGING = {"version": 1, "disable_existing_loggers": False}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
