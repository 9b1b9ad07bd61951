"""A real Celery worker process for end-to-end tests.

Use it in tests marked ``live`` (data must be committed for another process to see it; they
run last, see ``tests/conftest.py``) and ``celery_worker``::

    from tests.celery_worker import celery_worker  # noqa: F401  (the fixture)

    @pytest.mark.live
    @pytest.mark.celery_worker
    def test_something(transactional_db, celery_worker):
        ...  # enqueue through the code under test, then
        celery_worker.wait_for(lambda: Job.objects.get(pk=...).is_finished, what="the job")

The worker runs ``bpo.settings.test`` against the *test* database (built from this process's
connection settings) and reads only the test queue (``CELERY_TASK_DEFAULT_QUEUE``) of the same
broker: ``CELERY_BROKER_URL`` when set, otherwise the filesystem broker folders that both
processes derive from the same settings. Its log is printed when the test fails.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from bpo.embedded_db import database_url_of

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _prepare_broker(queue: str) -> None:
    """Create the filesystem broker's folders and drop messages an earlier run left behind
    (a stale task must not run against this test's database)."""
    from django.conf import settings

    from bpo.celery import app

    options = getattr(settings, "CELERY_BROKER_TRANSPORT_OPTIONS", {}) or {}
    for key in ("data_folder_in", "data_folder_out", "control_folder"):
        if options.get(key):
            Path(options[key]).mkdir(parents=True, exist_ok=True)
    with app.connection_for_write() as connection:
        connection.default_channel.queue_purge(queue)


class CeleryWorker:
    def __init__(self, process: subprocess.Popen, log_path: Path, queue: str):
        self.process = process
        self.log_path = log_path
        self.queue = queue

    def log(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except FileNotFoundError:
            return ""

    def wait_for(
        self, condition: Callable[[], object], *, what: str, timeout: float = 60.0
    ) -> object:
        """Poll ``condition`` until it returns something truthy; fail with the worker's log."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            result = condition()
            if result:
                return result
            if self.process.poll() is not None:
                pytest.fail(
                    f"The Celery worker exited ({self.process.returncode}) while waiting for "
                    f"{what}.\n--- worker log ---\n{self.log()}"
                )
            time.sleep(0.25)
        pytest.fail(
            f"Timed out after {timeout:.0f} s waiting for {what}.\n--- worker log ---\n{self.log()}"
        )

    def stop(self, timeout: float = 20.0) -> None:
        if self.process.poll() is None:
            # Warm shutdown; on the filesystem broker the worker notices it within ~4 s.
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)


@contextmanager
def running_celery_worker(*, queue: str | None = None) -> Iterator[CeleryWorker]:
    """Start ``celery -A bpo worker --pool=solo`` on the test database and queue."""
    from django.conf import settings
    from django.db import connection

    queue = queue or settings.CELERY_TASK_DEFAULT_QUEUE
    _prepare_broker(queue)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bpo.settings.test",
        "DATABASE_URL": database_url_of(connection.settings_dict),
        "PYTHONUNBUFFERED": "1",
    }
    log_file = tempfile.NamedTemporaryFile(  # noqa: SIM115 - closed in finally
        prefix="celery-worker-", suffix=".log", delete=False
    )
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "bpo",
            "worker",
            "--pool=solo",
            "--concurrency=1",
            "-Q",
            queue,
            "--hostname",
            f"test-{os.getpid()}@%h",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "--loglevel=INFO",
        ],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=log_file,
        stderr=subprocess.STDOUT,
    )
    worker = CeleryWorker(process, Path(log_file.name), queue)
    try:
        yield worker
    finally:
        worker.stop()
        log_file.close()
        # Shown by pytest only when the test failed (captured output of the teardown).
        print(f"--- Celery worker log ({worker.log_path}) ---\n{worker.log()}")
        Path(log_file.name).unlink(missing_ok=True)


@pytest.fixture
def celery_worker(transactional_db):
    """A real worker process for one test (see the module docstring)."""
    with running_celery_worker() as worker:
        yield worker
