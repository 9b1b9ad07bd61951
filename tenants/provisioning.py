"""Creating a client's schema in about a second.

Running every migration for each new client costs seconds (most of it fixed overhead). Instead
``migrate_schemas`` keeps a *template schema* migrated on every deploy; its DDL (and the few
rows migrations put in it) is captured once per migration state with ``pg_dump`` and stored in
:class:`tenants.models.SchemaSnapshot`. A new client replays that script with its own schema
name, inside the same transaction that inserts its registry row, so a failure leaves neither.

Why not django-tenants' ``clone_schema``: it is only ~3x faster than migrating, slows down with
the number of tenants and renames multi-column unique constraints (a later migration dropping
one by name then fails on every cloned tenant). A replayed dump is byte-for-byte the migrated
schema.

Drift: if the template's applied migrations differ from the migrations on disk (code deployed
without ``migrate_schemas``), provisioning falls back to real migrations and says so.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import subprocess
from functools import lru_cache

from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction
from django.db.migrations.loader import MigrationLoader
from django_tenants.utils import schema_exists

from bpo.embedded_db import pg_bin
from tenants.db import use_public_schema
from tenants.models import SchemaSnapshot

logger = logging.getLogger(__name__)

PLACEHOLDER = "__bpo_schema__"
SCHEMA_NAME_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,62}$")


def template_schema() -> str:
    return settings.TENANT_TEMPLATE_SCHEMA


def tenant_app_labels() -> frozenset[str]:
    from django.apps import apps

    labels = set()
    for app_path in settings.TENANT_APPS:
        for config in apps.get_app_configs():
            if config.name == app_path:
                labels.add(config.label)
    return frozenset(labels)


@lru_cache(maxsize=1)
def migrations_on_disk() -> frozenset[tuple[str, str]]:
    """Tenant-app migrations the running code knows (loaded once per process)."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    labels = tenant_app_labels()
    return frozenset(key for key in loader.disk_migrations if key[0] in labels)


def applied_migrations(schema_name: str) -> frozenset[tuple[str, str]]:
    if not schema_exists(schema_name):
        return frozenset()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT EXISTS (SELECT 1 FROM information_schema.tables "
            "WHERE table_schema = %s AND table_name = 'django_migrations')",
            [schema_name],
        )
        if not cursor.fetchone()[0]:
            return frozenset()
        cursor.execute(f'SELECT app, name FROM "{schema_name}".django_migrations')
        labels = tenant_app_labels()
        return frozenset((app, name) for app, name in cursor.fetchall() if app in labels)


def migration_state_key(migrations: frozenset[tuple[str, str]]) -> str:
    text = "\n".join(f"{app}.{name}" for app, name in sorted(migrations))
    return hashlib.sha256(text.encode()).hexdigest()


def migrate_template(*, verbosity: int = 0) -> None:
    """Create the template schema if needed and migrate it; called by ``migrate_schemas``."""
    name = template_schema()
    if not schema_exists(name):
        with connection.cursor() as cursor:
            cursor.execute(f'CREATE SCHEMA "{name}"')
    call_command(
        "migrate_schemas",
        schema_name=name,
        interactive=False,
        verbosity=verbosity,
        skip_template=True,
    )
    use_public_schema()
    current_snapshot(capture=True)


def pg_environment() -> dict[str, str]:
    """The environment for PostgreSQL's client programs (``pg_dump``): the ``PG*`` variables
    of the default database."""
    db = settings.DATABASES["default"]
    env = {
        **os.environ,
        "PGHOST": db.get("HOST") or "",
        "PGPORT": str(db.get("PORT") or ""),
        "PGUSER": db.get("USER") or "",
        "PGPASSWORD": db.get("PASSWORD") or "",
        "PGDATABASE": db["NAME"],
    }
    return {key: value for key, value in env.items() if value != ""}


def _dump_template() -> str:
    env = pg_environment()
    result = subprocess.run(
        [
            pg_bin("pg_dump"),
            "--schema",
            template_schema(),
            "--no-owner",
            "--no-privileges",
            "--no-comments",
            "--inserts",
        ],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    if result.returncode != 0:
        raise RuntimeError(f"pg_dump of the template schema failed: {result.stderr.strip()}")
    return result.stdout


_SKIPPED_LINE = re.compile(r"^(\\|SET |SELECT pg_catalog\.set_config|--)")


def _portable_script(dump: str) -> str:
    """Keep DDL and rows; drop psql meta-commands and session settings (a newer pg_dump
    emits settings an older server does not know), and mark the schema name."""
    lines = [line for line in dump.splitlines() if line.strip() and not _SKIPPED_LINE.match(line)]
    script = "\n".join(lines)
    return re.sub(rf"\b{re.escape(template_schema())}\b", PLACEHOLDER, script)


def current_snapshot(*, capture: bool = True) -> SchemaSnapshot | None:
    """The snapshot for the template's migration state, or ``None`` when the template has
    drifted from the code (then new clients are migrated for real)."""
    applied = applied_migrations(template_schema())
    if not applied or applied != migrations_on_disk():
        if applied:
            logger.warning(
                "Template schema %s is not at the code's migration state; run migrate_schemas. "
                "Falling back to real migrations.",
                template_schema(),
            )
        return None
    key = migration_state_key(applied)
    snapshot = SchemaSnapshot.objects.filter(migration_state=key).first()
    if snapshot is None and capture:
        snapshot, _ = SchemaSnapshot.objects.get_or_create(
            migration_state=key, defaults={"sql": _portable_script(_dump_template())}
        )
    return snapshot


def create_client_schema(*, schema_name: str, snapshot: SchemaSnapshot | None) -> str:
    """Create and fill ``schema_name``. Returns the method used (``clone`` or ``migrate``).

    Must run inside the caller's transaction: a failure then rolls back the schema too.
    """
    if not SCHEMA_NAME_PATTERN.match(schema_name) or schema_name == template_schema():
        raise ValueError(f"Invalid schema name {schema_name!r}")
    if not connection.in_atomic_block:
        raise RuntimeError("create_client_schema must run inside a transaction")
    if snapshot is not None:
        with connection.cursor() as cursor:
            cursor.execute(snapshot.sql.replace(PLACEHOLDER, schema_name))
        use_public_schema()
        return "clone"
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE SCHEMA "{schema_name}"')
    call_command(
        "migrate_schemas",
        schema_name=schema_name,
        interactive=False,
        verbosity=0,
        skip_template=True,
    )
    use_public_schema()
    return "migrate"


def drop_schema(*, schema_name: str) -> None:
    if schema_name in {"public", template_schema()} or not SCHEMA_NAME_PATTERN.match(schema_name):
        raise ValueError(f"Refusing to drop {schema_name!r}")
    with transaction.atomic(), connection.cursor() as cursor:
        # Rows written to the schema earlier in this transaction (onboarding writes contract
        # version 1, with foreign keys Django makes DEFERRABLE INITIALLY DEFERRED) leave their
        # checks pending, and PostgreSQL refuses to drop a table with pending trigger events:
        # run those checks now.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(f'DROP SCHEMA IF EXISTS "{schema_name}" CASCADE')
