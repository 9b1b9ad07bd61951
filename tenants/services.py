"""Writes to the tenant registry: onboarding, provisioning, the client lifecycle and data
exports."""

from __future__ import annotations

import logging
import re
import tempfile
import zoneinfo
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC
from functools import lru_cache

import pycountry
from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import DatabaseError, connection, transaction
from django.utils import timezone
from django.utils.text import slugify
from django_tenants.models import TenantMixin
from django_tenants.signals import post_schema_sync
from django_tenants.utils import schema_context

from bpo.accounts import permissions as account_permissions
from bpo.accounts import services as account_services
from bpo.accounts.roles import Action, Role
from bpo.errors import ConflictError, DomainError
from bpo.jobs import services as job_services
from tenants import exports, provisioning
from tenants.db import use_public_schema
from tenants.models import (
    BillingModel,
    Client,
    ClientEvent,
    ClientExport,
    ClientStatus,
    ExportReason,
    Industry,
    OnboardingRun,
    SchemaSnapshot,
)

logger = logging.getLogger(__name__)

SLUG_PATTERN = re.compile(r"^[a-z0-9](?:[a-z0-9-]{1,38}[a-z0-9])$")
RESERVED_SLUGS = frozenset({"public", "admin", "api", "new", "template", "www", "static"})


@dataclass(frozen=True)
class OnboardingAnswers:
    """What the wizard (or the API) collects. ``validate_answers`` builds it."""

    name: str
    legal_name: str
    slug: str
    industry: str
    country: str
    time_zone: str
    currency: str
    billing_model: str
    billing_contact_name: str
    billing_contact_email: str
    admin_full_name: str
    admin_email: str

    def as_dict(self) -> dict:
        return dict(self.__dict__)


def suggest_slug(name: str) -> str:
    return slugify(name)[:40].strip("-") or "client"


ANSWER_FIELDS = tuple(OnboardingAnswers.__dataclass_fields__)


@lru_cache(maxsize=1)
def available_time_zones() -> frozenset[str]:
    # Scanning the zone database costs milliseconds per call; it does not change at runtime.
    return frozenset(zoneinfo.available_timezones())


def validate_answers(data: dict, *, check_unique: bool = True) -> OnboardingAnswers:
    """Check every answer; raise one DomainError listing each bad field."""
    values, errors = _check_answers(data, check_unique=check_unique)
    if errors:
        first_field = next(iter(errors))
        raise DomainError(errors[first_field][0], fields=errors)
    return OnboardingAnswers(**values)


def validate_answer_fields(data: dict, *, fields: Iterable[str]) -> dict[str, str]:
    """Check only ``fields`` of the answers (one wizard step) with the rules of
    :func:`validate_answers`; return their normalised values or raise one DomainError with
    the messages of those fields only."""
    asked = set(fields)
    wanted = [field for field in ANSWER_FIELDS if field in asked]
    values, errors = _check_answers(data, check_unique=True)
    step_errors = {field: errors[field] for field in wanted if field in errors}
    if step_errors:
        first_field = next(iter(step_errors))
        raise DomainError(step_errors[first_field][0], fields=step_errors)
    return {field: values[field] for field in wanted}


def _check_answers(data: dict, *, check_unique: bool) -> tuple[dict, dict[str, list[str]]]:
    """The onboarding rules, in one place: normalised values and messages per field."""
    errors: dict[str, list[str]] = {}

    def text(key: str, label: str, max_length: int = 200) -> str:
        value = str(data.get(key) or "").strip()
        if not value:
            errors.setdefault(key, []).append(f"{label} is required.")
        elif len(value) > max_length:
            errors.setdefault(key, []).append(f"{label} is longer than {max_length} characters.")
        return value

    name = text("name", "Company name")
    legal_name = text("legal_name", "Legal name")
    slug = str(data.get("slug") or "").strip().lower() or suggest_slug(name)
    if not SLUG_PATTERN.match(slug):
        errors.setdefault("slug", []).append(
            "Use 3 to 40 lowercase letters, digits and hyphens, starting and ending with a "
            "letter or digit."
        )
    elif slug in RESERVED_SLUGS:
        errors.setdefault("slug", []).append(f"'{slug}' is reserved.")
    elif check_unique and (
        Client.objects.filter(slug=slug).exists()
        or Client.objects.filter(schema_name=schema_name_for(slug)).exists()
    ):
        errors.setdefault("slug", []).append(f"The address '{slug}' is taken by another client.")

    industry = str(data.get("industry") or Industry.OTHER)
    if industry not in Industry.values:
        errors.setdefault("industry", []).append(f"Unknown industry {industry!r}.")

    country = str(data.get("country") or "").strip().upper()
    if not country:
        errors.setdefault("country", []).append("Country is required.")
    elif pycountry.countries.get(alpha_2=country) is None:
        errors.setdefault("country", []).append(
            f"{country!r} is not an ISO 3166 country code (e.g. US, DE, MX)."
        )

    time_zone = str(data.get("time_zone") or "").strip()
    if not time_zone:
        errors.setdefault("time_zone", []).append("Time zone is required.")
    elif time_zone not in available_time_zones():
        errors.setdefault("time_zone", []).append(
            f"{time_zone!r} is not an IANA time zone (e.g. Europe/Berlin)."
        )

    currency = str(data.get("currency") or "").strip().upper()
    if not currency:
        errors.setdefault("currency", []).append("Currency is required.")
    elif pycountry.currencies.get(alpha_3=currency) is None:
        errors.setdefault("currency", []).append(
            f"{currency!r} is not an ISO 4217 currency code (e.g. USD, EUR, MXN)."
        )

    billing_model = str(data.get("billing_model") or "")
    if billing_model not in BillingModel.values:
        errors.setdefault("billing_model", []).append(
            "Choose a billing model: " + ", ".join(BillingModel.values) + "."
        )

    billing_contact_name = text("billing_contact_name", "Billing contact name")
    billing_contact_email = _email(data, "billing_contact_email", "Billing contact e-mail", errors)
    admin_full_name = text("admin_full_name", "Client admin name")
    admin_email = _email(data, "admin_email", "Client admin e-mail", errors)
    if admin_email and not errors.get("admin_email"):
        from bpo.accounts.models import User
        from bpo.accounts.roles import STAFF_ROLES

        existing = User.objects.filter(email__iexact=admin_email).first()
        if existing and existing.memberships.exists():
            roles = set(existing.memberships.values_list("role", flat=True))
            reason = "provider staff" if roles & STAFF_ROLES else "a user of another client"
            errors.setdefault("admin_email", []).append(
                f"{admin_email} belongs to {reason}; a client admin needs their own account."
            )

    values = {
        "name": name,
        "legal_name": legal_name,
        "slug": slug,
        "industry": industry,
        "country": country,
        "time_zone": time_zone,
        "currency": currency,
        "billing_model": billing_model,
        "billing_contact_name": billing_contact_name,
        "billing_contact_email": billing_contact_email,
        "admin_full_name": admin_full_name,
        "admin_email": admin_email,
    }
    return values, errors


def _email(data: dict, key: str, label: str, errors: dict) -> str:
    from django.core.exceptions import ValidationError
    from django.core.validators import validate_email

    value = str(data.get(key) or "").strip().lower()
    if not value:
        errors.setdefault(key, []).append(f"{label} is required.")
        return value
    try:
        validate_email(value)
    except ValidationError:
        errors.setdefault(key, []).append(f"{label} {value!r} is not a valid e-mail address.")
    return value


def schema_name_for(slug: str) -> str:
    return "c_" + slug.replace("-", "_")


@transaction.atomic
def start_onboarding(*, data: dict, requested_by) -> OnboardingRun:
    """Validate the answers, record the run and enqueue provisioning (after commit)."""
    from bpo.accounts.permissions import can_onboard_clients

    if not can_onboard_clients(requested_by):
        raise DomainError(
            "Only account managers and provider admins onboard clients.", code="permission_denied"
        )
    answers = validate_answers(data)
    in_flight = OnboardingRun.objects.filter(
        slug=answers.slug, client__isnull=True, job__status__in=["queued", "running"]
    )
    if in_flight.exists():
        raise ConflictError(f"'{answers.slug}' is being onboarded already.", field="slug")
    job = job_services.create_job(kind="onboarding", created_by=requested_by)
    run = OnboardingRun.objects.create(
        requested_by=requested_by, slug=answers.slug, answers=answers.as_dict(), job=job
    )
    job_services.enqueue_after_commit(job_id=job.pk, send=lambda: _enqueue_provisioning(run.pk))
    return run


def _enqueue_provisioning(run_id) -> None:
    from tenants.tasks import provision_client_task

    provision_client_task.delay(str(run_id))


@transaction.atomic
def retry_onboarding(*, run: OnboardingRun, actor) -> OnboardingRun:
    """Queue a failed onboarding again (after commit). The task validates the stored answers
    anew, so a retry after the cause was fixed elsewhere (e.g. a freed address) succeeds.

    The job row is locked so that two retries at once enqueue one task.
    """
    from bpo.accounts.permissions import can_onboard_clients
    from bpo.jobs.models import Job

    if not can_onboard_clients(actor):
        raise DomainError(
            "Only account managers and provider admins onboard clients.", code="permission_denied"
        )
    job = Job.objects.select_for_update().get(pk=run.job_id)
    run = OnboardingRun.objects.select_related("client").get(pk=run.pk)
    if run.client_id:
        raise ConflictError("This client is provisioned already.", field="run")
    if not job.can_be_retried:
        raise ConflictError(
            "Only a failed onboarding, or one no worker has picked up for a while, can be retried.",
            field="run",
        )
    job_services.requeue_job(job_id=job.pk)
    job_services.enqueue_after_commit(job_id=job.pk, send=lambda: _enqueue_provisioning(run.pk))
    run.job = Job.objects.get(pk=job.pk)
    return run


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
        snapshot = _snapshot_for(method=None)  # captured outside the transaction
        job_services.report_progress(job_id=job_id, progress=50, message="Creating the client")
        started = timezone.now()
        client, method = _create_client(answers=answers, run=run, snapshot=snapshot)
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


def _snapshot_for(*, method: str | None) -> SchemaSnapshot | None:
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
def _create_client(
    *,
    answers: OnboardingAnswers,
    run: OnboardingRun | None,
    snapshot: SchemaSnapshot | None,
) -> tuple[Client, str]:
    requested_by = run.requested_by if run else None
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
    from billing.contracts.models import BillingContact, Contract

    BillingContact.objects.create(
        name=answers.billing_contact_name, email=answers.billing_contact_email, is_primary=True
    )
    Contract.objects.create(
        billing_model=answers.billing_model,
        currency=answers.currency,
        starts_on=timezone.localdate(timezone=zoneinfo.ZoneInfo(answers.time_zone)),
    )


def create_client_now(*, data: dict, requested_by=None, method: str | None = None) -> Client:
    """Provision synchronously (demo data, tests, benchmarks): same path as the task.

    ``method`` (``clone`` or ``migrate``) overrides the choice, for the benchmark only.
    """
    answers = validate_answers(data)
    snapshot = _snapshot_for(method=method)
    client, _ = _create_client(answers=answers, run=None, snapshot=snapshot)
    post_schema_sync.send(sender=TenantMixin, tenant=client.serializable_fields())
    return client


# --- lifecycle -------------------------------------------------------------------------------

ALLOWED_TRANSITIONS = {
    ClientStatus.ONBOARDING: {ClientStatus.LIVE, ClientStatus.SUSPENDED, ClientStatus.OFFBOARDED},
    ClientStatus.LIVE: {ClientStatus.SUSPENDED, ClientStatus.OFFBOARDED},
    # Back to onboarding only for a client that never went live (see change_client_status).
    ClientStatus.SUSPENDED: {ClientStatus.LIVE, ClientStatus.ONBOARDING, ClientStatus.OFFBOARDED},
    ClientStatus.OFFBOARDED: set(),
}


@transaction.atomic
def change_client_status(*, client: Client, status: str, actor, note: str = "") -> Client:
    """Move a client through onboarding -> live -> suspended -> offboarded.

    Going live needs the pilot checklist complete. Suspending locks the client's users out
    (``bpo.accounts.permissions``); its data stays. A suspended client is reactivated to live,
    or to onboarding if it never went live (:func:`reactivation_status`). Offboarded is final
    and queues a full data export of the client's schema (after commit; an export already in
    progress is not duplicated).
    """
    from tenants.pilot import is_pilot_complete

    client = Client.objects.select_for_update().get(pk=client.pk)
    if status not in ClientStatus.values:
        raise DomainError(f"Unknown status {status!r}.", field="status")
    if status == client.status:
        raise ConflictError(
            f"The client is {client.get_status_display().lower()} already.", field="status"
        )
    if status not in ALLOWED_TRANSITIONS[ClientStatus(client.status)]:
        if client.status == ClientStatus.OFFBOARDED:
            raise DomainError("An offboarded client cannot change status.", field="status")
        raise DomainError(
            f"A client cannot go from {client.get_status_display().lower()} to "
            f"{ClientStatus(status).label.lower()}.",
            field="status",
        )
    if status == ClientStatus.ONBOARDING and client.live_at is not None:
        raise DomainError(
            "This client has been live; reactivate it as live, not onboarding.", field="status"
        )
    if status == ClientStatus.LIVE:
        with schema_context(client.schema_name):
            complete = is_pilot_complete(client=client)
        if not complete:
            raise DomainError(
                "The pilot checklist is not complete: a service line, a published script, an "
                "escalation path and a QA scorecard are needed first.",
                field="status",
            )
    before = {"status": client.status}
    client.status = status
    stamp_field = {"live": "live_at", "suspended": "suspended_at", "offboarded": "offboarded_at"}
    client_fields = ["status", "updated_at"]
    if status in stamp_field:
        setattr(client, stamp_field[status], timezone.now())
        client_fields.append(stamp_field[status])
    client.save(update_fields=client_fields)
    if status == ClientStatus.OFFBOARDED:
        _request_offboarding_export(client=client, actor=actor)
    ClientEvent.objects.create(
        client=client,
        actor=actor,
        action="status_changed",
        before=before,
        after={"status": status},
        note=note,
    )
    return client


def reactivation_status(client: Client) -> str:
    """The status a suspended client returns to: live if it has been live, else onboarding."""
    return ClientStatus.LIVE if client.live_at else ClientStatus.ONBOARDING


# --- data exports ------------------------------------------------------------------------------

EXPORT_FOLDER = "exports"
EXPORT_JOB_KIND = "client_export"
# pg_try_advisory_lock(namespace, export id): one worker at a time per export.
EXPORT_LOCK_NAMESPACE = 0x45585054


def _may_export(actor, client: Client) -> bool:
    from bpo.accounts.permissions import can

    return can(actor, client, Action.EXPORT_CLIENT_DATA)


def _export_in_progress(
    client: Client, *, excluding: ClientExport | None = None
) -> ClientExport | None:
    from bpo.jobs.models import JobStatus

    exports = ClientExport.objects.filter(
        client=client, job__status__in=[JobStatus.QUEUED, JobStatus.RUNNING]
    )
    if excluding is not None:
        exports = exports.exclude(pk=excluding.pk)
    return exports.order_by("-created_at").first()


def download_client_export(*, export: ClientExport, actor):
    """The export's zip as a streaming response; each download is written to the client's
    audit trail (who took the client's data, and when)."""
    response = exports.export_file_response(export)
    ClientEvent.objects.create(
        client=export.client,
        actor=actor,
        action="export_downloaded",
        after={"export": export.pk, "file": export.download_name},
    )
    return response


def _create_export(*, client: Client, actor, reason: str) -> ClientExport:
    job = job_services.create_job(kind=EXPORT_JOB_KIND, created_by=actor, client=client)
    export = ClientExport.objects.create(client=client, job=job, requested_by=actor, reason=reason)
    ClientEvent.objects.create(
        client=client,
        actor=actor,
        action="export_requested",
        after={"export": export.pk, "reason": reason},
    )
    job_services.enqueue_after_commit(job_id=job.pk, send=lambda: _enqueue_export(export.pk))
    return export


def _enqueue_export(export_id: int) -> None:
    from tenants.tasks import export_client_task

    export_client_task.delay(export_id)


@transaction.atomic
def request_client_export(
    *, client: Client, actor, reason: str = ExportReason.ON_REQUEST
) -> ClientExport:
    """Queue a full data export of the client's schema; a worker produces it after commit.

    Who may: ``Action.EXPORT_CLIENT_DATA`` (provider admins, the client's account managers,
    and its client admins while the client is not suspended or offboarded). One export at a
    time per client: a ``ConflictError`` while another is queued or running. The offboarding
    export is requested by :func:`change_client_status` itself; ``reason="offboarding"`` is
    accepted here only for an offboarded client that has none yet.
    """
    if reason not in ExportReason.values:
        raise DomainError(f"Unknown export reason {reason!r}.", field="reason")
    if not _may_export(actor, client):
        raise DomainError(
            "Only provider admins, the client's account managers and client admins export "
            "a client's data.",
            code="permission_denied",
        )
    client = Client.objects.select_for_update().get(pk=client.pk)
    if reason == ExportReason.OFFBOARDING and (
        client.status != ClientStatus.OFFBOARDED
        or ClientExport.objects.filter(client=client, reason=ExportReason.OFFBOARDING).exists()
    ):
        raise ConflictError(
            "An offboarding export is made once, when the client is offboarded.", field="reason"
        )
    if _export_in_progress(client) is not None:
        raise ConflictError(
            "An export of this client is in progress already; it can be downloaded when it "
            "is done.",
            field="export",
        )
    return _create_export(client=client, actor=actor, reason=reason)


def _request_offboarding_export(*, client: Client, actor) -> ClientExport:
    """Inside :func:`change_client_status` (its caller decided who may offboard; the client
    row is locked): one export per offboarding, none if one is in progress already."""
    in_progress = _export_in_progress(client)
    if in_progress is not None:
        return in_progress
    return _create_export(client=client, actor=actor, reason=ExportReason.OFFBOARDING)


@transaction.atomic
def retry_client_export(*, export: ClientExport, actor) -> ClientExport:
    """Queue a failed export again (after commit). Rows are locked client first, then job."""
    from bpo.jobs.models import Job

    if not _may_export(actor, export.client):
        raise DomainError(
            "Only provider admins, the client's account managers and client admins export "
            "a client's data.",
            code="permission_denied",
        )
    client = Client.objects.select_for_update().get(pk=export.client_id)
    job = Job.objects.select_for_update().get(pk=export.job_id)
    if not job.can_be_retried:
        raise ConflictError(
            "Only a failed export, or one no worker has picked up for a while, can be retried.",
            field="export",
        )
    other = _export_in_progress(client, excluding=export)
    if other is not None:
        raise ConflictError(
            "Another export of this client is in progress; retry when it is done.",
            field="export",
        )
    job_services.requeue_job(job_id=job.pk)
    job_services.enqueue_after_commit(job_id=job.pk, send=lambda: _enqueue_export(export.pk))
    return ClientExport.objects.select_related("client", "job", "requested_by").get(pk=export.pk)


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
