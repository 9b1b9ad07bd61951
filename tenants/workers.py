"""Worker-side runs of the tenant registry: provisioning a client and producing a data export.

The Celery tasks (``tenants.tasks``) call these with ids; the requests that queue them are in
``tenants.services``. Neither module is imported here, so the import graph has no circle:
services -> tasks -> workers.
"""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import DatabaseError, connection, transaction
from django.utils import timezone
from django_tenants.models import TenantMixin
from django_tenants.signals import post_schema_sync
from django_tenants.utils import schema_context

from billing.contracts import services as contract_services
from bpo.accounts import permissions as account_permissions
from bpo.accounts import services as account_services
from bpo.accounts.roles import Role
from bpo.errors import DomainError
from bpo.jobs import services as job_services
from tenants import exports, provisioning
from tenants.db import use_public_schema
from tenants.models import Client, ClientEvent, ClientExport, OnboardingRun, SchemaSnapshot
from tenants.onboarding_rules import OnboardingAnswers, schema_name_for, validate_answers

if TYPE_CHECKING:
    from bpo.accounts.models import User

logger = logging.getLogger(__name__)

# pg_try_advisory_lock(namespace, export id): one worker at a time per export.
EXPORT_LOCK_NAMESPACE = 0x45585054
EXPORT_FOLDER = "exports"


def run_provisioning(*, run_id) -> Client:
    """The background work of onboarding; idempotent (a provisioned run returns its client).

    Progress is reported between steps; the registry row, the schema, the client's initial
    data, the staff assignment and the admin invitation are one transaction.
    """
    run = OnboardingRun.objects.select_related("job", "client").get(pk=run_id)
    if run.client is not None:
        return run.client
    job_id = run.job_id
    job_services.start_job(job_id=job_id)
    try:
        job_services.report_progress(job_id=job_id, progress=10, message="Checking the answers")
        answers = validate_answers(run.answers)
        job_services.report_progress(job_id=job_id, progress=30, message="Preparing the schema")
        snapshot = snapshot_for(method=None)  # captured outside the transaction
        job_services.report_progress(job_id=job_id, progress=50, message="Creating the client")
        started = timezone.now()
        client, method = create_client(
            answers=answers, run=run, snapshot=snapshot, requested_by=run.requested_by
        )
        seconds = (timezone.now() - started).total_seconds()
    except Exception as exc:
        use_public_schema()
        concurrent = (
            OnboardingRun.objects.select_related("client")
            .filter(pk=run_id, client__isnull=False)
            .first()
        )
        if concurrent is not None and concurrent.client is not None:
            # A second delivery of the same task lost the race to the first: not a failure.
            return concurrent.client
        message = exc.message if isinstance(exc, DomainError) else f"{type(exc).__name__}: {exc}"
        job_services.fail_job(job_id=job_id, error=message, message="Provisioning failed")
        raise
    # django-tenants' listeners expect this signal after a schema is created and synced.
    post_schema_sync.send(sender=TenantMixin, tenant=client.serializable_fields())
    job_services.finish_job(
        job_id=job_id,
        result={"client": client.slug, "method": method, "seconds": round(seconds, 3)},
        message=f"{client.name} is ready",
    )
    return client


PROVISIONING_METHODS = ("clone", "migrate")


def snapshot_for(*, method: str | None) -> SchemaSnapshot | None:
    """The template snapshot to replay, or ``None`` to run migrations.

    By default the template is replayed unless it drifted from the code; ``method`` forces
    ``clone`` or ``migrate`` (the benchmark). Captures a missing snapshot, so call it outside
    the provisioning transaction.
    """
    if method is not None and method not in PROVISIONING_METHODS:
        raise ValueError(f"Unknown provisioning method {method!r}")
    if method == "migrate":
        return None
    snapshot = provisioning.current_snapshot(capture=True)
    if method == "clone" and snapshot is None:
        raise RuntimeError(
            "No template snapshot at the code's migration state; run migrate_schemas first."
        )
    return snapshot


@transaction.atomic
def create_client(
    *,
    answers: OnboardingAnswers,
    run: OnboardingRun | None,
    snapshot: SchemaSnapshot | None,
    requested_by: User | None,
) -> tuple[Client, str]:
    client = Client.objects.create(
        schema_name=schema_name_for(answers.slug),
        slug=answers.slug,
        name=answers.name,
        legal_name=answers.legal_name,
        industry=answers.industry,
        country=answers.country,
        time_zone=answers.time_zone,
        currency=answers.currency,
        billing_model=answers.billing_model,
        created_by=requested_by,
    )
    method = provisioning.create_client_schema(schema_name=client.schema_name, snapshot=snapshot)
    with schema_context(client.schema_name):
        _create_initial_client_data(answers=answers)
    if (
        requested_by is not None
        and requested_by.memberships.filter(role=Role.ACCOUNT_MANAGER).exists()
    ):
        # The portal assigns the onboarding account manager (actor=None: no user's right).
        account_services.grant_membership(
            user=requested_by, role=Role.ACCOUNT_MANAGER, client=client, actor=None
        )
    account_services.invite_user(
        email=answers.admin_email,
        role=Role.CLIENT_ADMIN,
        client=client,
        # Named as the inviter when the requester may invite a client admin here; otherwise
        # the portal sends it (an account manager with no role yet, the demo seed).
        invited_by=requested_by
        if requested_by is not None
        and account_permissions.can_grant_role(requested_by, client, Role.CLIENT_ADMIN)
        else None,
        full_name=answers.admin_full_name,
    )
    ClientEvent.objects.create(
        client=client, actor=requested_by, action="onboarded", after={"method": method}
    )
    if run is not None:
        run.client = client
        run.provisioning_method = method
        run.save(update_fields=["client", "provisioning_method"])
    return client, method


def _create_initial_client_data(*, answers: OnboardingAnswers) -> None:
    """Inside the new client's schema: its contract, through the billing app's service."""
    contract_services.create_initial_contract(
        billing_model=answers.billing_model,
        currency=answers.currency,
        time_zone=answers.time_zone,
        billing_contact_name=answers.billing_contact_name,
        billing_contact_email=answers.billing_contact_email,
        buyer_legal_name=answers.legal_name,
        buyer_country=answers.country,
    )


def run_client_export(*, export_id: int) -> ClientExport:
    """The background work of an export; idempotent: a done export is returned as it is, and
    a second delivery of the task while a worker is at it does nothing.

    Progress is reported per table, outside any transaction. The zip is written to a
    temporary file, saved to the default storage, and only then recorded on the export
    together with the job's success (one transaction); a failure removes the saved file and
    leaves a failed job with the error, which :func:`retry_client_export` queues again.
    """
    use_public_schema()
    export = ClientExport.objects.select_related("client", "job").get(pk=export_id)
    if export.is_done:
        return export
    with _export_lock(export.pk) as acquired:
        if not acquired:
            logger.info("Export %s is being produced by another worker.", export_id)
            return export
        export = ClientExport.objects.select_related("client", "job").get(pk=export_id)
        if export.is_done:
            return export
        return _produce_export(export)


@contextmanager
def _export_lock(export_id: int) -> Iterator[bool]:
    # A session-level lock: it spans the export's many short transactions and dies with the
    # worker's connection, so a task redelivered after a crash runs again.
    key = [EXPORT_LOCK_NAMESPACE, export_id % 2**31]
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", key)
        acquired = bool(cursor.fetchone()[0])
    try:
        yield acquired
    finally:
        if acquired:
            try:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_unlock(%s, %s)", key)
            except DatabaseError:  # the connection is gone, and the lock with it
                logger.warning("Could not release the lock of export %s", export_id)


def _produce_export(export: ClientExport) -> ClientExport:
    job_id = export.job_id
    client = export.client
    job_services.start_job(job_id=job_id)
    stored_name = ""
    try:
        job_services.report_progress(
            job_id=job_id, progress=2, message="Taking a snapshot of the schema"
        )

        def table_done(done: int, total: int, table: str) -> None:
            job_services.report_progress(
                job_id=job_id,
                progress=5 + (85 * done) // max(total, 1),
                message=f"Exported {table} ({done} of {total} tables)",
            )

        with tempfile.TemporaryFile(
            prefix="client-export-", suffix=".zip", dir=settings.FILE_UPLOAD_TEMP_DIR
        ) as archive:
            summary = exports.write_client_archive(
                client=client,
                target=archive,
                on_table=table_done,
                details={"export": {"id": export.pk, "reason": export.reason}},
            )
            job_services.report_progress(job_id=job_id, progress=92, message="Saving the archive")
            size, digest = exports.file_facts(archive)
            stored_name = _store_export_file(export=export, archive=archive, summary=summary)
        export = _record_export_done(
            export=export, stored_name=stored_name, size=size, digest=digest, summary=summary
        )
    except Exception as exc:
        if stored_name:
            _delete_quietly(stored_name)
        message = exc.message if isinstance(exc, DomainError) else f"{type(exc).__name__}: {exc}"
        try:
            job_services.fail_job(job_id=job_id, error=message, message="The export failed")
        except DatabaseError:  # e.g. the connection was lost: the retry records the outcome
            logger.exception("Could not record the failure of export %s", export.pk)
        raise
    return export


def _export_file_name(*, export: ClientExport, summary: exports.ArchiveSummary) -> str:
    slug = export.client.slug
    stamp = summary.generated_at.astimezone(UTC)
    return f"{EXPORT_FOLDER}/{slug}/{slug}-export-{stamp:%Y%m%d-%H%M%S}-{export.pk}.zip"


def _store_export_file(*, export: ClientExport, archive, summary: exports.ArchiveSummary) -> str:
    name = _export_file_name(export=export, summary=summary)
    if default_storage.exists(name):  # left by an attempt that crashed before recording it
        default_storage.delete(name)
    try:
        return default_storage.save(name, File(archive, name=name.rsplit("/", 1)[-1]))
    except Exception:
        _delete_quietly(name)  # a partly written file
        raise


def _delete_quietly(name: str) -> None:
    try:
        default_storage.delete(name)
    except Exception:
        logger.exception("Could not delete the export file %s", name)


@transaction.atomic
def _record_export_done(
    *,
    export: ClientExport,
    stored_name: str,
    size: int,
    digest: str,
    summary: exports.ArchiveSummary,
) -> ClientExport:
    export.file_path = stored_name
    export.size_bytes = size
    export.sha256 = digest
    export.row_counts = summary.row_counts
    export.generated_at = summary.generated_at
    export.save(update_fields=["file_path", "size_bytes", "sha256", "row_counts", "generated_at"])
    job_services.finish_job(
        job_id=export.job_id,
        result={
            "export": export.pk,
            "file": stored_name,
            "size_bytes": size,
            "tables": len(summary.row_counts),
            "rows": sum(summary.row_counts.values()),
        },
        message=f"Export of {export.client.name} is ready",
    )
    return ClientExport.objects.select_related("client", "job", "requested_by").get(pk=export.pk)
