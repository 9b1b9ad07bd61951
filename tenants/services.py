"""Writes to the tenant registry, on the request side: onboarding a client
(:func:`start_onboarding`, or :func:`create_client_now` in-process), the client lifecycle
(:func:`change_client_status`) and data exports (:func:`request_client_export`).

The answers' rules are in ``tenants.onboarding_rules``; the work a Celery worker does (the
provisioning itself, producing an export) is in ``tenants.workers``, which ``tenants.tasks``
calls.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django_tenants.models import TenantMixin
from django_tenants.signals import post_schema_sync
from django_tenants.utils import schema_context

from bpo.accounts.roles import Action
from bpo.errors import ConflictError, DomainError
from bpo.jobs import services as job_services
from tenants import exports, tasks, workers
from tenants.models import (
    Client,
    ClientEvent,
    ClientExport,
    ClientStatus,
    ExportReason,
    OnboardingRun,
)
from tenants.onboarding_rules import validate_answers

if TYPE_CHECKING:
    from bpo.accounts.models import User

logger = logging.getLogger(__name__)


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
    tasks.provision_client_task.delay(str(run_id))


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


def create_client_now(
    *, data: dict, requested_by: User | None, method: str | None = None
) -> Client:
    """Provision synchronously (demo data, tests, benchmarks): same path as the task.

    ``requested_by`` is recorded as the task records the run's requester: the client's
    ``created_by``, the actor of its ``onboarded`` event, its account manager when they are
    one, and the client admin's inviter when they may invite one; ``None`` is the portal
    itself (no actor anywhere). ``method`` (``clone`` or ``migrate``) overrides the choice,
    for the benchmark only.
    """
    answers = validate_answers(data)
    snapshot = workers.snapshot_for(method=method)
    client, _ = workers.create_client(
        answers=answers, run=None, snapshot=snapshot, requested_by=requested_by
    )
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
    from tenants import pilot

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
            if not pilot.is_pilot_complete(client=client):
                missing = pilot.missing_message(pilot.pilot_checklist(client=client))
                raise DomainError(missing or "The pilot checklist is not complete.", field="status")
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

EXPORT_JOB_KIND = "client_export"


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
    tasks.export_client_task.delay(export_id)


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
