"""``make run``: one process that holds the database and supervises the portal's processes.

It attaches to (or starts) the embedded PostgreSQL unless ``DATABASE_URL`` is set, migrates
every schema, loads the demo data (idempotent), then starts the web server, a Celery worker
and Celery beat as children. Ctrl-C or SIGTERM stops the children, then the database.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def _manage(*args: str) -> None:
    subprocess.run([sys.executable, str(ROOT / "manage.py"), *args], cwd=ROOT, check=True)


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bpo.settings.dev")
    from bpo.embedded_db import DATA_DIR, database_url

    embedded = not os.environ.get("DATABASE_URL")
    database_url()  # starts the embedded server and exports DATABASE_URL to the children
    broker = os.environ.get("CELERY_BROKER_URL") or "filesystem (var/celery)"
    for folder in ("celery/broker", "celery/control", "mail", "media"):
        (DATA_DIR / folder).mkdir(parents=True, exist_ok=True)

    print("• Migrating the public schema, every client schema and the template…", flush=True)
    _manage("migrate_schemas", "--noinput", "-v", "0")
    host = os.environ.get("HOST", "127.0.0.1")
    port = os.environ.get("PORT", "8000")
    os.environ.setdefault("PORTAL_BASE_URL", f"http://{host}:{port}")
    print("• Loading the demo data (only what is missing)…", flush=True)
    _manage("seed_demo", "--no-table")

    children = {
        "web": [sys.executable, "manage.py", "runserver", f"{host}:{port}", "--noreload"],
        "worker": [
            str(BIN / "celery"),
            "-A",
            "bpo",
            "worker",
            "-l",
            "warning",
            "--concurrency",
            os.environ.get("WORKER_CONCURRENCY", "2"),
        ],
        "beat": [
            str(BIN / "celery"),
            "-A",
            "bpo",
            "beat",
            "-l",
            "warning",
            "--schedule",
            str(DATA_DIR / "celery" / "beat-schedule"),
        ],
    }
    processes = {name: subprocess.Popen(command, cwd=ROOT) for name, command in children.items()}

    time.sleep(1.5)  # let the children print their banners first
    print(f"\n  BPO Portal is running at http://{host}:{port}/", flush=True)
    print(
        f"  database: {'embedded PostgreSQL (var/postgres)' if embedded else 'DATABASE_URL'}"
        f" · broker: {broker}",
        flush=True,
    )
    _manage("seed_demo", "--logins-only")
    print("\n  Press Ctrl-C to stop.\n", flush=True)

    stopping = False

    def stop(signum, frame):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    exit_code = 0
    while not stopping:
        for name, process in processes.items():
            if process.poll() is not None:
                print(f"{name} exited with {process.returncode}; stopping the portal.", flush=True)
                exit_code = process.returncode or 1
                stopping = True
        time.sleep(0.5)

    print("Stopping web, worker and beat…", flush=True)
    for process in processes.values():
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + 20
    for process in processes.values():
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            process.kill()
    print("Stopped." + (" The embedded database stops with this process." if embedded else ""))
    return exit_code


if __name__ == "__main__":
    sys.exit(main())
