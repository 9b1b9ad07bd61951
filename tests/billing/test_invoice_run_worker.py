"""An invoice run across clients through a real Celery worker: finance starts it in the page,
one client's failure is reported without stopping the others, the worker is killed in the
middle (SIGKILL) and the run started again: every client's invoice exists exactly once.
Commits data, so it runs last (``live``)."""

from __future__ import annotations

import signal
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection

from billing.runs.models import InvoiceRun
from bpo.accounts.roles import Role
from tenants import provisioning
from tenants.models import Client, ClientStatus
from tests.celery_worker import running_celery_worker
from tests.conftest import make_user
from tests.factories import client_answers

SLUGS = [f"run-worker-{n}" for n in range(1, 6)]  # the last one's contract starts too late


@pytest.fixture
def run_clients(transactional_db):
    from billing.contracts.models import ContractVersion, RateLine
    from tenants.services import create_client_now

    clients = []
    for number, slug in enumerate(SLUGS, start=1):
        client = create_client_now(
            data=client_answers(slug, name=f"Run Worker {number}"), requested_by=None
        )
        Client.objects.filter(pk=client.pk).update(status=ClientStatus.LIVE)
        connection.set_tenant(client)
        version = ContractVersion.objects.get(number=1)
        if slug == SLUGS[-1]:
            ContractVersion.objects.filter(pk=version.pk).update(effective_from=date(2027, 1, 1))
        else:
            ContractVersion.objects.filter(pk=version.pk).update(effective_from=date(2026, 1, 1))
            RateLine.objects.create(
                version=version, basis="seat_month", unit_price=Decimal("1000"), quantity=2
            )
        connection.set_schema_to_public()
        clients.append(client)
    yield clients
    connection.set_schema_to_public()
    for client in clients:
        provisioning.drop_schema(schema_name=client.schema_name)


def _invoices_of(client) -> list:
    from billing.invoices.models import Invoice

    connection.set_tenant(client)
    try:
        return list(Invoice.objects.values_list("period_start", "total_amount"))
    finally:
        connection.set_schema_to_public()


@pytest.mark.live
@pytest.mark.celery_worker
def test_a_run_survives_a_killed_worker_and_drafts_every_invoice_once(client, run_clients):
    # given finance and five live clients (the last without a contract in force in November)
    from tests.factories import MembershipFactory

    finance = make_user(Role.FINANCE, run_clients[0], email="finance@run-worker.test")
    for tenant in run_clients[1:]:
        MembershipFactory(user=finance, role=Role.FINANCE, client=tenant)
    client.force_login(finance)
    with running_celery_worker() as worker:
        # when finance starts November's run in the page
        response = client.post("/invoice-runs/new/", {"month": "2026-11", "scope": "all"})
        assert response.status_code == 302
        run = InvoiceRun.objects.get()
        assert response.url == f"/invoice-runs/{run.pk}/"
        assert 'role="progressbar"' in client.get(response.url).content.decode()
        # and the worker is killed once it has drafted a first client
        worker.wait_for(
            lambda: run.items.filter(status="drafted").exists(),
            what="a first draft",
            timeout=120,
        )
        worker.process.send_signal(signal.SIGKILL)
        worker.process.wait(timeout=10)
    print("clients done when the worker was killed:", run.items.exclude(status="pending").count())
    with running_celery_worker() as worker:
        # and finance starts the same run again
        again = client.post("/invoice-runs/new/", {"month": "2026-11", "scope": "all"})
        assert again.url == f"/invoice-runs/{run.pk}/"
        worker.wait_for(
            lambda: not run.items.filter(status="pending").exists(),
            what="every client done",
            timeout=180,
        )
        worker.wait_for(
            lambda: InvoiceRun.objects.get(pk=run.pk).status != "running",
            what="the run settled",
            timeout=30,
        )
    # then: one run, each good client's invoice exactly once, the late contract reported
    run.refresh_from_db()
    assert InvoiceRun.objects.count() == 1
    assert run.status == "finished_with_failures"
    by_slug = {item.client.slug: item for item in run.items.select_related("client")}
    for tenant in run_clients[:-1]:
        item = by_slug[tenant.slug]
        assert item.status == "drafted", item.error
        assert _invoices_of(tenant) == [(date(2026, 11, 1), Decimal("2000.000"))]
    late = by_slug[SLUGS[-1]]
    assert late.status == "failed"
    assert late.error == "No contract version is in force in the period."
    assert _invoices_of(run_clients[-1]) == []
    run.job.refresh_from_db()
    assert run.job.status == "succeeded"
    assert run.job.message == "5 of 5 clients done, 4 drafts ready, 1 failed"
    # the page shows it in words, with the failed client's reason
    page = client.get(f"/invoice-runs/{run.pk}/").content.decode()
    assert "1 client failed" in page
    assert "No contract version is in force in the period." in page
