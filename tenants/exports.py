"""A full data export of one client's schema, as a zip (the mechanics; the writes that record
an export are in ``tenants.services``, producing it in ``tenants.workers``).

The archive holds:

- ``manifest.json``: the client's registry facts, when the snapshot was taken (UTC), the
  schema's name and migration state, the row count of every table and the SHA-256 of every
  other file in the archive;
- ``schema.sql``: ``pg_dump --schema-only`` of the client's schema (no owners, no privileges);
- ``data/<table>.csv``: every table the catalog lists in that schema, with a header row.
  Tables come from ``pg_class``, not from a list in the code, so the tables of a future
  tenant app are exported without a change here.

One consistent snapshot: a second connection opens a ``REPEATABLE READ, READ ONLY``
transaction and exports its snapshot (``pg_export_snapshot()``). ``pg_dump --snapshot`` and
every table's ``COPY ... TO STDOUT`` (psycopg's copy API on Django's own connection, one short
read-only transaction per table that imports the snapshot) all see the schema as of that one
moment, while Django's connection is outside any transaction between two tables, so the caller
can report progress that pages see live.

A test case wraps every test in a transaction whose rows no other connection sees; inside
such a transaction the export reads within it instead (and ``pg_dump`` sees the committed
schema). Inside a transaction of the application it refuses to run.
"""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import IO, Any

import psycopg
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.http import FileResponse
from django.utils import timezone
from django_tenants.utils import schema_exists
from psycopg import sql

from bpo.embedded_db import pg_bin
from bpo.errors import ConflictError, NotFoundError
from bpo.jobs import services as job_services
from tenants import provisioning
from tenants.models import REGISTRY_FIELDS, REGISTRY_TIMESTAMPS, Client, ClientExport

ARCHIVE_FORMAT = "bpo-client-export/1"
MANIFEST_NAME = "manifest.json"
SCHEMA_FILE_NAME = "schema.sql"
DATA_FOLDER = "data"
# pg_export_snapshot() answers e.g. 00000003-0000001B-1; nothing else is put into SQL text.
SNAPSHOT_ID_PATTERN = re.compile(r"^[0-9A-F]+-[0-9A-F]+(?:-[0-9]+)?$")
UNSAFE_FILE_CHARACTERS = re.compile(r"[^A-Za-z0-9_.-]")
PG_DUMP_TIMEOUT_SECONDS = 600

# (tables done, tables in all, the table just exported); called outside any transaction.
TableProgress = Callable[[int, int, str], None]


@dataclass
class ArchiveSummary:
    """What was written: the facts ``tenants.workers`` records on the export."""

    generated_at: datetime
    schema_name: str
    row_counts: dict[str, int] = field(default_factory=dict)
    files: dict[str, dict[str, Any]] = field(default_factory=dict)


def write_client_archive(
    *,
    client: Client,
    target: IO[bytes],
    on_table: TableProgress | None = None,
    details: dict | None = None,
) -> ArchiveSummary:
    """Write the zip of ``client``'s schema to ``target`` (a binary file open for writing).

    ``details`` are added to the manifest (e.g. the export's id and reason). Raises on any
    failure; ``target`` then holds a partial archive the caller must throw away.
    """
    schema_name = client.schema_name
    if not provisioning.SCHEMA_NAME_PATTERN.match(schema_name) or not schema_exists(schema_name):
        raise RuntimeError(f"The client's schema {schema_name!r} does not exist.")
    with consistent_snapshot() as snapshot_id:
        summary = ArchiveSummary(generated_at=timezone.now(), schema_name=schema_name)
        with reading(snapshot_id) as cursor:
            tables = tables_of(cursor, schema_name)
            migrations = _migration_state(cursor, schema_name, tables)
        with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            schema_sql = dump_schema(schema_name=schema_name, snapshot_id=snapshot_id)
            summary.files[SCHEMA_FILE_NAME] = _write_member(archive, SCHEMA_FILE_NAME, schema_sql)
            used_names: set[str] = set()
            for done, table in enumerate(tables, start=1):
                name = _data_file_name(table, used_names)
                with (
                    reading(snapshot_id) as cursor,
                    archive.open(name, "w", force_zip64=True) as member,
                ):
                    rows, facts = copy_table(cursor, schema_name, table, member)
                summary.row_counts[table] = rows
                summary.files[name] = facts
                if on_table is not None:
                    on_table(done, len(tables), table)
            manifest = {
                "format": ARCHIVE_FORMAT,
                "generated_at": _utc_text(summary.generated_at),
                "client": registry_facts(client),
                "schema": schema_name,
                "migrations": migrations,
                "row_counts": summary.row_counts,
                "files": summary.files,
                **(details or {}),
            }
            archive.writestr(MANIFEST_NAME, json.dumps(manifest, indent=2, ensure_ascii=False))
    return summary


# --- one snapshot --------------------------------------------------------------------------------


@contextmanager
def consistent_snapshot() -> Iterator[str | None]:
    """The id of an exported snapshot, held open until the block ends; ``None`` inside a test
    case's transaction (the export then reads within it)."""
    if connection.in_atomic_block:
        if job_services.inside_an_application_transaction():
            raise RuntimeError(
                "Run the export outside any transaction: it reads in its own snapshot and "
                "reports progress between tables."
            )
        yield None
        return
    holder = connection.get_new_connection(connection.get_connection_params())
    try:
        holder.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        holder.read_only = True
        row = holder.execute("SELECT pg_export_snapshot()").fetchone()
        snapshot_id = str(row[0]) if row else ""
        if not SNAPSHOT_ID_PATTERN.match(snapshot_id):
            raise RuntimeError(f"Unexpected snapshot id {snapshot_id!r}")
        yield snapshot_id
    finally:
        holder.close()


@contextmanager
def reading(snapshot_id: str | None) -> Iterator[Any]:
    """A cursor on Django's connection in a read-only transaction that sees ``snapshot_id``."""
    with transaction.atomic(), connection.cursor() as cursor:
        if snapshot_id is not None:
            # Both must come first in the transaction (django-tenants' `SET search_path`
            # before them takes no snapshot, so it does not count).
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute(f"SET TRANSACTION SNAPSHOT '{snapshot_id}'")
        yield cursor


# --- what goes into the archive ------------------------------------------------------------------


def tables_of(cursor, schema_name: str) -> list[str]:
    """Every ordinary table of the schema, from the catalog, by name."""
    cursor.execute(
        "SELECT c.relname FROM pg_catalog.pg_class c "
        "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = %s AND c.relkind = 'r' ORDER BY c.relname",
        [schema_name],
    )
    return [row[0] for row in cursor.fetchall()]


def _migration_state(cursor, schema_name: str, tables: list[str]) -> dict[str, Any]:
    if "django_migrations" not in tables:
        return {"state": "", "applied": []}
    cursor.execute(
        sql.SQL("SELECT app, name FROM {}.django_migrations").format(sql.Identifier(schema_name))
    )
    labels = provisioning.tenant_app_labels()
    applied = frozenset((app, name) for app, name in cursor.fetchall() if app in labels)
    return {
        "state": provisioning.migration_state_key(applied),
        "applied": [f"{app}.{name}" for app, name in sorted(applied)],
    }


def dump_schema(*, schema_name: str, snapshot_id: str | None) -> bytes:
    """``pg_dump --schema-only`` of one schema, in ``snapshot_id`` when given."""
    command = [
        pg_bin("pg_dump"),
        "--schema-only",
        f"--schema={schema_name}",
        "--no-owner",
        "--no-privileges",
    ]
    if snapshot_id is not None:
        command.append(f"--snapshot={snapshot_id}")
    result = subprocess.run(
        command,
        env=provisioning.pg_environment(),
        capture_output=True,
        check=False,
        timeout=PG_DUMP_TIMEOUT_SECONDS,
    )
    if result.returncode != 0:
        error = result.stderr.decode(errors="replace").strip()
        raise RuntimeError(f"pg_dump of {schema_name} failed: {error}")
    return result.stdout


def copy_table(cursor, schema_name: str, table: str, member: IO[bytes]) -> tuple[int, dict]:
    """Stream one table as CSV with a header into ``member``; its row count and file facts."""
    statement = sql.SQL("COPY {}.{} TO STDOUT WITH (FORMAT csv, HEADER true)").format(
        sql.Identifier(schema_name), sql.Identifier(table)
    )
    digest = hashlib.sha256()
    size = 0
    raw_cursor = cursor.cursor  # psycopg's cursor under Django's wrapper
    with raw_cursor.copy(statement) as copy:
        for chunk in copy:
            member.write(chunk)
            digest.update(chunk)
            size += len(chunk)
    return raw_cursor.rowcount, {"sha256": digest.hexdigest(), "size_bytes": size}


def registry_facts(client: Client) -> dict[str, Any]:
    facts: dict[str, Any] = {name: getattr(client, name) for name in REGISTRY_FIELDS}
    for name in REGISTRY_TIMESTAMPS:
        value = getattr(client, name)
        facts[name] = _utc_text(value) if value else None
    return facts


def file_facts(file: IO[bytes]) -> tuple[int, str]:
    """Size and SHA-256 of a whole file (read from the start, in chunks)."""
    file.seek(0)
    digest = hashlib.sha256()
    size = 0
    while chunk := file.read(1024 * 1024):
        digest.update(chunk)
        size += len(chunk)
    file.seek(0)
    return size, digest.hexdigest()


def _write_member(archive: zipfile.ZipFile, name: str, content: bytes) -> dict[str, Any]:
    archive.writestr(name, content)
    return {"sha256": hashlib.sha256(content).hexdigest(), "size_bytes": len(content)}


def _data_file_name(table: str, used: set[str]) -> str:
    base = UNSAFE_FILE_CHARACTERS.sub("_", table) or "table"
    name, number = f"{DATA_FOLDER}/{base}.csv", 1
    while name in used:  # two names that differ only in unsafe characters
        number += 1
        name = f"{DATA_FOLDER}/{base}_{number}.csv"
    used.add(name)
    return name


def _utc_text(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


# --- download -------------------------------------------------------------------------------------


def export_file_response(export: ClientExport) -> FileResponse:
    """The zip as an attachment named ``<slug>-export-<YYYYmmdd-HHMM>.zip``, streamed from the
    default storage. Access is the caller's to check (``Action.EXPORT_CLIENT_DATA``)."""
    if not export.is_done:
        raise ConflictError("The export is not done yet.", field="export")
    try:
        file = default_storage.open(export.file_path, "rb")
    except FileNotFoundError as exc:
        raise NotFoundError("The export's file is missing from the storage.") from exc
    response = FileResponse(
        file, as_attachment=True, filename=export.download_name, content_type="application/zip"
    )
    response["Cache-Control"] = "private, no-store"
    return response
