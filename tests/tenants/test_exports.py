"""Full data exports of a client's schema: the zip's content, offboarding, who may export and
download, isolation between clients, a failure mid-way and the retry, and one consistent
snapshot outside any transaction.

Tasks run in-process: the on-commit callbacks are captured, ``export_client_task.delay`` is
recorded instead of sent, and the task is then called directly.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import threading
import uuid
import zipfile
from datetime import UTC

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from django_tenants.utils import schema_context

from bpo.accounts.permissions import forget_memberships
from bpo.errors import ConflictError, DomainError
from bpo.jobs.models import Job, JobStatus
from tenants import exports, provisioning, services, tasks, workers
from tenants.models import Client, ClientEvent, ClientExport, ClientStatus
from tests.conftest import token_client
from tests.factories import client_answers

BILLING_CONTACTS = "contracts_billingcontact"
CONTRACTS = "contracts_contract"


# --- fixtures and helpers --------------------------------------------------------------------------


@pytest.fixture
def media(settings, tmp_path):
    """Exports are written under a throwaway MEDIA_ROOT."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def enqueued(monkeypatch, media):
    """Export ids handed to the broker (``export_client_task.delay``), recorded instead."""
    calls: list[int] = []
    monkeypatch.setattr(tasks.export_client_task, "delay", calls.append)
    return calls


def run_enqueued(enqueued: list[int]) -> list[ClientExport]:
    """Run the recorded tasks in this process, as a worker would."""
    for export_id in enqueued:
        tasks.export_client_task(export_id)
    connection.set_schema_to_public()
    return [ClientExport.objects.select_related("job", "client").get(pk=pk) for pk in enqueued]


def request_and_run(capture, enqueued, *, client, actor) -> ClientExport:
    with capture(execute=True):
        export = services.request_client_export(client=client, actor=actor, reason="on_request")
    assert enqueued == [export.pk]
    (export,) = run_enqueued(enqueued)
    return export


def add_billing_contact(client: Client):
    """A row the test writes into the client's own schema (awkward CSV characters included)."""
    from billing.contracts.models import BillingContact

    with schema_context(client.schema_name):
        return BillingContact.objects.create(
            name='Zoë Ledger, "AP"',
            email="zoe.ledger@acme-a.example",
            address="1 Main Street\nSuite 2",
            is_primary=False,
        )


def open_zip(export: ClientExport) -> zipfile.ZipFile:
    with default_storage.open(export.file_path, "rb") as file:
        return zipfile.ZipFile(io.BytesIO(file.read()))


def csv_rows(archive: zipfile.ZipFile, table: str) -> list[dict[str, str]]:
    text = archive.read(f"data/{table}.csv").decode()
    return list(csv.DictReader(io.StringIO(text)))


def real_counts(schema_name: str) -> dict[str, int]:
    with connection.cursor() as cursor:
        tables = exports.tables_of(cursor, schema_name)
        counts = {}
        for table in tables:
            cursor.execute(f'SELECT count(*) FROM "{schema_name}"."{table}"')
            counts[table] = cursor.fetchone()[0]
    return counts


def stored_files(media) -> list[str]:
    return sorted(str(path.relative_to(media)) for path in media.rglob("*") if path.is_file())


def finished_export(client: Client, *, requested_by=None) -> ClientExport:
    """A done export with a small file, without running one (for the access tests)."""
    job = Job.objects.create(
        kind="client_export", client=client, status=JobStatus.SUCCEEDED, progress=100
    )
    name = default_storage.save(
        f"exports/{client.slug}/test-{uuid.uuid4().hex[:8]}.zip",
        ContentFile(b"zip of " + client.slug.encode()),
    )
    return ClientExport.objects.create(
        client=client,
        job=job,
        requested_by=requested_by,
        reason="on_request",
        file_path=name,
        size_bytes=default_storage.size(name),
        sha256="0" * 64,
        generated_at=timezone.now(),
    )


def page_download_url(client: Client, export: ClientExport) -> str:
    return reverse("client:export_download", args=[client.slug, export.pk])


def api_url(client: Client, suffix: str = "") -> str:
    return f"/api/v1/clients/{client.slug}/exports/{suffix}"


# --- the archive ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_zip_holds_every_table_with_its_real_row_count(
    client_a, account_manager, enqueued, media, django_capture_on_commit_callbacks
):
    # given a row written into the client's schema
    contact = add_billing_contact(client_a)
    # when an export is requested and the worker runs it
    export = request_and_run(
        django_capture_on_commit_callbacks, enqueued, client=client_a, actor=account_manager
    )
    # then the export is done, in the storage under exports/<slug>/, with its facts
    assert export.job.status == JobStatus.SUCCEEDED
    assert (export.job.progress, export.job.attempts) == (100, 1)
    assert export.file_path.startswith("exports/acme-a/acme-a-export-")
    with default_storage.open(export.file_path, "rb") as file:
        content = file.read()
    assert export.size_bytes == len(content)
    assert export.sha256 == hashlib.sha256(content).hexdigest()
    assert stored_files(media) == [export.file_path]

    archive = open_zip(export)
    counts = real_counts(client_a.schema_name)
    assert BILLING_CONTACTS in counts and CONTRACTS in counts and "django_migrations" in counts
    assert sorted(archive.namelist()) == sorted(
        ["manifest.json", "schema.sql", *(f"data/{table}.csv" for table in counts)]
    )
    # the manifest: registry facts, schema, migration state, real row counts, checksums
    manifest = json.loads(archive.read("manifest.json"))
    assert manifest["row_counts"] == counts == export.row_counts
    assert manifest["row_counts"][BILLING_CONTACTS] == 2  # onboarding's contact and ours
    assert manifest["schema"] == "c_acme_a"
    assert manifest["client"]["slug"] == "acme-a"
    assert manifest["client"]["name"] == client_a.name
    assert manifest["generated_at"].endswith("Z")
    assert manifest["export"] == {"id": export.pk, "reason": "on_request"}
    state = provisioning.migration_state_key(provisioning.migrations_on_disk())
    assert manifest["migrations"]["state"] == state
    assert any(name.startswith("contracts.") for name in manifest["migrations"]["applied"])
    for name, facts in manifest["files"].items():
        data = archive.read(name)
        assert facts == {"sha256": hashlib.sha256(data).hexdigest(), "size_bytes": len(data)}
    assert set(manifest["files"]) == set(archive.namelist()) - {"manifest.json"}
    # the CSV holds our row, quoting and line break intact
    (row,) = [row for row in csv_rows(archive, BILLING_CONTACTS) if row["id"] == str(contact.pk)]
    assert (row["name"], row["email"], row["address"], row["is_primary"]) == (
        'Zoë Ledger, "AP"',
        "zoe.ledger@acme-a.example",
        "1 Main Street\nSuite 2",
        "f",
    )
    # schema.sql is this client's schema only
    schema_sql = archive.read("schema.sql").decode()
    assert "CREATE TABLE c_acme_a.contracts_billingcontact" in schema_sql
    assert "CREATE TABLE c_acme_a.contracts_contract" in schema_sql
    assert provisioning.template_schema() not in schema_sql
    assert "c_globex_b" not in schema_sql
    assert "globex" not in json.dumps(manifest)


@pytest.mark.django_db
def test_a_done_export_is_not_produced_again(
    client_a, account_manager, enqueued, media, django_capture_on_commit_callbacks
):
    # given
    export = request_and_run(
        django_capture_on_commit_callbacks, enqueued, client=client_a, actor=account_manager
    )
    # when the task is delivered a second time
    tasks.export_client_task(export.pk)
    # then nothing changed: one file, one attempt
    again = ClientExport.objects.select_related("job").get(pk=export.pk)
    assert (again.file_path, again.sha256, again.job.attempts) == (
        export.file_path,
        export.sha256,
        1,
    )
    assert stored_files(media) == [export.file_path]


@pytest.mark.django_db
def test_inside_an_application_transaction_the_export_refuses_to_run(client_a):
    from django.db import transaction

    with transaction.atomic(), pytest.raises(RuntimeError, match="outside any transaction"):
        exports.write_client_archive(client=client_a, target=io.BytesIO())


# --- offboarding ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_offboarding_enqueues_exactly_one_export(
    signed_in, client_a, account_manager, enqueued, media, django_capture_on_commit_callbacks
):
    # when the client is offboarded through the portal
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in(account_manager).post(
            reverse("client:change_status", args=[client_a.slug]),
            {"status": "offboarded", "confirm": "acme-a"},
        )
    assert response.status_code == 302
    # then exactly one export was enqueued, for the offboarding, by the one who offboarded
    export = ClientExport.objects.get(client=client_a)
    assert enqueued == [export.pk]
    assert (export.reason, export.requested_by, export.job.status) == (
        "offboarding",
        account_manager,
        "queued",
    )
    assert ClientEvent.objects.filter(client=client_a, action="export_requested").count() == 1
    # and the worker produces it; staff can still download it
    (export,) = run_enqueued(enqueued)
    assert export.is_done
    forget_memberships(account_manager)
    download = signed_in(account_manager).get(page_download_url(client_a, export))
    assert download.status_code == 200
    # a second offboarding export cannot be made
    with pytest.raises(ConflictError):
        services.request_client_export(
            client=Client.objects.get(pk=client_a.pk), actor=account_manager, reason="offboarding"
        )


@pytest.mark.django_db
def test_offboarding_does_not_duplicate_an_export_in_progress(
    client_a, account_manager, enqueued, django_capture_on_commit_callbacks
):
    # given an export requested a moment before, still queued
    with django_capture_on_commit_callbacks(execute=True):
        running = services.request_client_export(
            client=client_a, actor=account_manager, reason="on_request"
        )
    # when the client is offboarded
    with django_capture_on_commit_callbacks(execute=True):
        services.change_client_status(client=client_a, status="offboarded", actor=account_manager)
    # then no second export: the one in progress covers it
    assert list(ClientExport.objects.filter(client=client_a)) == [running]
    assert enqueued == [running.pk]


@pytest.mark.django_db
def test_one_export_at_a_time(client_a, account_manager, enqueued):
    services.request_client_export(client=client_a, actor=account_manager, reason="on_request")
    with pytest.raises(ConflictError, match="in progress already"):
        services.request_client_export(client=client_a, actor=account_manager, reason="on_request")
    assert ClientExport.objects.filter(client=client_a).count() == 1


# --- who may export and download -------------------------------------------------------------------


@pytest.mark.django_db
def test_a_client_admin_exports_and_downloads_own_data_while_not_locked(
    signed_in, client_a, client_a_admin, enqueued, media, django_capture_on_commit_callbacks
):
    web = signed_in(client_a_admin)
    # the overview offers the card
    overview = web.get(reverse("client:overview", args=[client_a.slug])).content.decode()
    assert 'id="data-exports"' in overview and "Export data now" in overview
    # when the client admin asks for an export
    with django_capture_on_commit_callbacks(execute=True):
        response = web.post(reverse("client:export_request", args=[client_a.slug]))
    assert response.status_code == 302
    assert response.url.endswith("#data-exports")
    (export,) = run_enqueued(enqueued)
    assert export.requested_by == client_a_admin
    # then the download is the zip, named after the client and the snapshot's minute (UTC)
    response = web.get(page_download_url(client_a, export))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    stamp = export.generated_at.astimezone(UTC).strftime("%Y%m%d-%H%M")
    assert response["Content-Disposition"] == f'attachment; filename="acme-a-export-{stamp}.zip"'
    body = b"".join(response.streaming_content)
    assert hashlib.sha256(body).hexdigest() == export.sha256
    # and the download is in the client's audit trail
    downloaded = ClientEvent.objects.get(client=client_a, action="export_downloaded")
    assert (downloaded.actor, downloaded.after["export"]) == (client_a_admin, export.pk)
    # and once the client is suspended, its admin sees nothing of it any more
    Client.objects.filter(pk=client_a.pk).update(status=ClientStatus.SUSPENDED)
    forget_memberships(client_a_admin)
    assert web.get(page_download_url(client_a, export)).status_code == 404
    assert token_client(client_a_admin).get(api_url(client_a)).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("role_fixture", ["client_a_viewer", "scheduler_a"])
def test_viewers_and_schedulers_can_neither_export_nor_download(
    request, signed_in, client_a, media, enqueued, role_fixture
):
    # given a done export and a user whose role does not allow exports
    user = request.getfixturevalue(role_fixture)
    export = finished_export(client_a)
    web = signed_in(user)
    api = token_client(user)
    # then the overview has no exports card
    overview = web.get(reverse("client:overview", args=[client_a.slug])).content.decode()
    assert 'id="data-exports"' not in overview
    # and every export route refuses the role (the client itself is theirs: 403, not 404)
    assert web.post(reverse("client:export_request", args=[client_a.slug])).status_code == 403
    assert web.get(page_download_url(client_a, export)).status_code == 403
    progress = reverse("client:export_progress", args=[client_a.slug, export.pk])
    assert web.get(progress).status_code == 403
    for response in (
        api.get(api_url(client_a)),
        api.post(api_url(client_a)),
        api.get(api_url(client_a, f"{export.pk}/")),
        api.get(api_url(client_a, f"{export.pk}/download/")),
    ):
        assert response.status_code == 403
        assert response.json()["error"]["code"] == "permission_denied"
    # and the service says no as well
    with pytest.raises(DomainError) as refused:
        services.request_client_export(client=client_a, actor=user, reason="on_request")
    assert refused.value.code == "permission_denied"
    assert enqueued == []
    assert ClientExport.objects.filter(client=client_a).count() == 1


@pytest.mark.django_db
def test_another_clients_admin_gets_404(signed_in, client_a, client_b_admin, media):
    # given client A's done export
    export = finished_export(client_a)
    # then client B's admin finds nothing of it, through A's path or B's own
    web = signed_in(client_b_admin)
    assert web.get(page_download_url(client_a, export)).status_code == 404
    assert (
        web.get(page_download_url(Client.objects.get(slug="globex-b"), export)).status_code == 404
    )
    api = token_client(client_b_admin)
    assert api.get(api_url(client_a, f"{export.pk}/download/")).status_code == 404
    response = api.get(f"/api/v1/clients/globex-b/exports/{export.pk}/download/")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


@pytest.mark.django_db
def test_client_as_export_is_404_through_client_bs_path_even_for_a_provider_admin(
    signed_in, client_a, client_b, provider_admin, media
):
    # given an export of A, and a user who may open both clients
    export = finished_export(client_a)
    web, api = signed_in(provider_admin), token_client(provider_admin)
    assert web.get(page_download_url(client_a, export)).status_code == 200
    # then B's path does not serve A's export, on any route
    for path in ("download/", "progress/"):
        url = f"/c/{client_b.slug}/exports/{export.pk}/{path}"
        assert web.get(url).status_code == 404, url
    assert web.post(f"/c/{client_b.slug}/exports/{export.pk}/retry/").status_code == 404
    for suffix in (f"{export.pk}/", f"{export.pk}/download/"):
        response = api.get(api_url(client_b, suffix))
        assert response.status_code == 404, suffix
        assert response.json()["error"]["code"] == "not_found"
    assert api.post(api_url(client_b, f"{export.pk}/retry/")).status_code == 404
    assert api.get(api_url(client_b)).json()["count"] == 0


# --- a failure mid-way, and the retry ------------------------------------------------------------


@pytest.fixture
def injected_fault():
    """The second table's COPY fails, after the first was written into the zip. Its own
    MonkeyPatch, so that ``undo()`` removes the fault and nothing else."""
    real_copy = exports.copy_table
    calls = []

    def copy_or_fail(*args, **kwargs):
        calls.append(args[2])
        if len(calls) == 2:
            raise RuntimeError("injected fault: disk full")
        return real_copy(*args, **kwargs)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(exports, "copy_table", copy_or_fail)
        yield patch


@pytest.mark.django_db
def test_a_failure_mid_way_leaves_no_file_and_the_retry_works(
    signed_in,
    client_a,
    account_manager,
    enqueued,
    media,
    injected_fault,
    django_capture_on_commit_callbacks,
):
    # given
    with django_capture_on_commit_callbacks(execute=True):
        export = services.request_client_export(
            client=client_a, actor=account_manager, reason="on_request"
        )
    # when the export fails after its first table
    with pytest.raises(RuntimeError, match="injected fault"):
        tasks.export_client_task(export.pk)
    connection.set_schema_to_public()
    # then the export is failed, keeps the error, and there is no file
    export = ClientExport.objects.select_related("job").get(pk=export.pk)
    assert (export.job.status, export.job.error) == (
        "failed",
        "RuntimeError: injected fault: disk full",
    )
    assert (export.file_path, export.size_bytes, export.sha256) == ("", None, "")
    assert stored_files(media) == []
    # and the page shows the error and a Retry button, and stops polling
    web = signed_in(account_manager)
    fragment = web.get(reverse("client:export_progress", args=[client_a.slug, export.pk]))
    html = fragment.content.decode()
    assert "RuntimeError: injected fault: disk full" in html
    assert reverse("client:export_retry", args=[client_a.slug, export.pk]) in html
    assert "hx-trigger" not in html
    assert web.get(page_download_url(client_a, export)).status_code == 404

    # when the cause is gone and the export is retried from the page
    injected_fault.undo()
    enqueued.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = web.post(reverse("client:export_retry", args=[client_a.slug, export.pk]))
    assert response.status_code == 302
    (export,) = run_enqueued(enqueued)
    # then it is done, on the second attempt, with its one file
    assert (export.job.status, export.job.attempts, export.job.error) == ("succeeded", 2, "")
    assert stored_files(media) == [export.file_path]
    assert open_zip(export).testzip() is None
    # and a done export cannot be retried
    with pytest.raises(ConflictError, match="Only a failed export, or one no worker"):
        services.retry_client_export(export=export, actor=account_manager)


@pytest.mark.django_db
def test_a_stalled_export_can_be_queued_again_and_runs_once(
    client_a, account_manager, enqueued, media, settings, django_capture_on_commit_callbacks
):
    # given an export whose task message was lost (queued long ago, never started)
    from datetime import timedelta

    from django.utils import timezone

    from bpo.jobs.models import Job

    with django_capture_on_commit_callbacks(execute=True):
        export = services.request_client_export(
            client=client_a, actor=account_manager, reason="on_request"
        )
    long_ago = timezone.now() - timedelta(seconds=settings.JOB_STALLED_AFTER_SECONDS + 1)
    Job.objects.filter(pk=export.job_id).update(queued_at=long_ago)
    export.refresh_from_db()
    assert export.job.is_stalled
    # when it is queued again (it does not count as "another export in progress")
    enqueued.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.retry_client_export(export=export, actor=account_manager)
    # and the lost message turns up after all, next to the new one
    (done,) = run_enqueued(enqueued)
    tasks.export_client_task(export.pk)
    # then the export is done once, with one file
    done.refresh_from_db()
    assert done.job.status == "succeeded"
    assert stored_files(media) == [done.file_path]


@pytest.mark.django_db
def test_a_failure_after_saving_the_file_removes_it(
    client_a, account_manager, enqueued, media, monkeypatch, django_capture_on_commit_callbacks
):
    # given recording the finished export fails (e.g. the database went away)
    def fail(**kwargs):
        raise RuntimeError("injected fault: lost the database")

    monkeypatch.setattr(workers, "_record_export_done", fail)
    with django_capture_on_commit_callbacks(execute=True):
        export = services.request_client_export(
            client=client_a, actor=account_manager, reason="on_request"
        )
    # when
    with pytest.raises(RuntimeError, match="lost the database"):
        tasks.export_client_task(export.pk)
    # then no export is done without its file, and no file without a done export
    connection.set_schema_to_public()
    export = ClientExport.objects.select_related("job").get(pk=export.pk)
    assert (export.job.status, export.file_path) == ("failed", "")
    assert stored_files(media) == []


# --- pages and API --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_overview_shows_live_progress_then_the_download(
    signed_in, client_a, account_manager, enqueued, media
):
    from bpo.jobs import services as job_services

    # given an export half-way
    export = services.request_client_export(
        client=client_a, actor=account_manager, reason="on_request"
    )
    job_services.start_job(job_id=export.job_id)
    job_services.report_progress(
        job_id=export.job_id, progress=47, message="Exported contracts_contract (2 of 4)"
    )
    web = signed_in(account_manager)
    progress_url = reverse("client:export_progress", args=[client_a.slug, export.pk])
    # then the overview lists it with a polling progress fragment
    html = web.get(reverse("client:overview", args=[client_a.slug])).content.decode()
    assert f'id="export-{export.pk}-status"' in html
    assert f'hx-get="{progress_url}"' in html
    assert 'aria-valuenow="47"' in html
    assert "Exported contracts_contract (2 of 4)" in html
    assert "On request" in html and account_manager.full_name in html
    # when it is done, the fragment shows the download and stops polling
    done = finished_export(client_a)
    html = web.get(
        reverse("client:export_progress", args=[client_a.slug, done.pk])
    ).content.decode()
    assert page_download_url(client_a, done) in html
    assert "hx-trigger" not in html


@pytest.mark.django_db
def test_api_request_poll_and_download(
    client_a, account_manager, enqueued, media, django_capture_on_commit_callbacks
):
    api = token_client(account_manager)
    # when an export is requested through the API
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(api_url(client_a))
    # then 202 with the export and its job
    assert response.status_code == 202, response.content
    body = response.json()
    assert response["Location"] == body["url"] == api_url(client_a, f"{body['id']}/")
    assert (body["status"], body["reason"], body["download_url"]) == ("queued", "on_request", None)
    assert body["job"]["status"] == "queued" and body["job"]["kind"] == "client_export"
    assert body["requested_by"]["email"] == account_manager.email
    # a second request while it is queued is a conflict, in the project's error format
    conflict = api.post(api_url(client_a))
    assert conflict.status_code == 409
    assert conflict.json()["error"]["code"] == "conflict"
    assert conflict.json()["error"]["fields"] == {"export": [conflict.json()["error"]["message"]]}
    # downloading before it is done is a conflict too
    assert api.get(api_url(client_a, f"{body['id']}/download/")).status_code == 409

    # when the worker has run it
    run_enqueued(enqueued)
    detail = api.get(body["url"]).json()
    # then the detail says where to download it
    assert (detail["status"], detail["job"]["progress"]) == ("succeeded", 100)
    assert detail["download_url"] == api_url(client_a, f"{body['id']}/download/")
    assert detail["row_counts"] == real_counts(client_a.schema_name)
    download = api.get(detail["download_url"], HTTP_ACCEPT="application/zip")
    assert download.status_code == 200
    assert download["Content-Type"] == "application/zip"
    assert f'filename="{detail["file_name"]}"' in download["Content-Disposition"]
    assert hashlib.sha256(b"".join(download.streaming_content)).hexdigest() == detail["sha256"]


@pytest.mark.django_db
def test_api_list_is_paginated_with_a_pinned_query_count(
    client_a, account_manager, media, django_assert_max_num_queries
):
    # given
    for _ in range(12):
        finished_export(client_a, requested_by=account_manager)
    api = token_client(account_manager)
    # when / then: client, token, memberships, count, page (with job and requester): 5
    # queries, each after django-tenants' SET search_path -- and no more with more exports
    with django_assert_max_num_queries(10):
        body = api.get(api_url(client_a), {"page_size": 5}).json()
    assert body["count"] == 12
    assert len(body["results"]) == 5
    assert body["next"] is not None
    assert all(item["status"] == "succeeded" for item in body["results"])


# --- one snapshot, outside any transaction (commits data: runs last) -----------------------------

SNAPSHOT_SLUG = "snapshot-co"


@pytest.fixture
def committed_client(transactional_db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    client = services.create_client_now(
        data=client_answers(SNAPSHOT_SLUG, name="Snapshot Co"), requested_by=None
    )
    connection.set_schema_to_public()
    yield client
    connection.set_schema_to_public()
    provisioning.drop_schema(schema_name=client.schema_name)


@pytest.mark.live
def test_outside_a_transaction_every_table_is_read_in_one_snapshot(
    committed_client, provider_admin, monkeypatch
):
    from billing.contracts.models import Contract

    monkeypatch.setattr(tasks.export_client_task, "delay", lambda export_id: None)
    export = services.request_client_export(
        client=committed_client, actor=provider_admin, reason="on_request"
    )
    # given another session signs a contract while the export reads the billing contacts
    # (before it reads the contracts, in a later transaction)
    real_copy = exports.copy_table
    added = []

    def sign_a_contract_elsewhere(schema_name):
        try:
            with schema_context(schema_name):
                contract = Contract.objects.create(
                    billing_model="per_hour", currency="USD", starts_on=timezone.localdate()
                )
                added.append(contract)
        finally:
            connection.close()  # this thread's own connection

    def copy_then_write(cursor, schema_name, table, member):
        result = real_copy(cursor, schema_name, table, member)
        if table == BILLING_CONTACTS:
            writer = threading.Thread(target=sign_a_contract_elsewhere, args=[schema_name])
            writer.start()
            writer.join()
        return result

    monkeypatch.setattr(exports, "copy_table", copy_then_write)
    # when the export runs as in a worker (no transaction around it; progress is reported
    # between tables, which bpo.jobs refuses inside a transaction)
    export = workers.run_client_export(export_id=export.pk)
    # then it is done, and the contract signed meanwhile is not in it: one snapshot
    assert added and export.is_done
    assert real_counts(committed_client.schema_name)[CONTRACTS] == 2
    assert export.row_counts[CONTRACTS] == 1
    archive = open_zip(export)
    assert len(csv_rows(archive, CONTRACTS)) == 1
    assert json.loads(archive.read("manifest.json"))["row_counts"][CONTRACTS] == 1
    assert "CREATE TABLE c_snapshot_co.contracts_contract" in archive.read("schema.sql").decode()
    job = Job.objects.get(pk=export.job_id)
    assert (job.status, job.progress) == ("succeeded", 100)


@pytest.mark.django_db
def test_the_admin_lists_exports_and_retries_through_the_service(
    signed_in, provider_admin, client_a, account_manager, enqueued, media
):
    # given a failed export
    export = services.request_client_export(
        client=client_a, actor=account_manager, reason="on_request"
    )
    Job.objects.filter(pk=export.job_id).update(status=JobStatus.FAILED, error="boom")
    web = signed_in(provider_admin)
    assert web.get("/admin/tenants/clientexport/").status_code == 200
    assert web.get(f"/admin/tenants/clientexport/{export.pk}/change/").status_code == 200
    # when it is retried from the admin
    web.post(
        "/admin/tenants/clientexport/",
        {"action": "retry_export", "_selected_action": [export.pk]},
    )
    # then the job is queued again
    job = Job.objects.get(pk=export.job_id)
    assert (job.status, job.error) == ("queued", "")
