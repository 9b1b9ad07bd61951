"""Invoice runs: the run key, the month each client is due by its own clock, the pages."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from billing.runs import services, workers
from billing.runs.models import InvoiceRun, InvoiceRunItem, InvoiceRunStatus, InvoiceRunTrigger
from bpo.accounts.roles import Role
from bpo.errors import DomainError
from tenants.models import Client, ClientStatus
from tests.conftest import make_user


@pytest.fixture
def live_clients(client_a, client_b):
    for client in (client_a, client_b):
        client.status = ClientStatus.LIVE
        client.save(update_fields=["status"])
    return [client_a, client_b]


@pytest.fixture
def finance(client_a, client_b):
    """Finance holds its role in each client it bills."""
    from tests.factories import MembershipFactory

    user = make_user(Role.FINANCE, client_a)
    MembershipFactory(user=user, role=Role.FINANCE, client=client_b)
    return user


@pytest.mark.parametrize(
    ("zone", "now", "due"),
    [
        # 1 December 01:00 UTC is 02:00 in Berlin: due; in New York it is still 30 November.
        ("Europe/Berlin", datetime(2026, 12, 1, 1, 0, tzinfo=UTC), date(2026, 11, 1)),
        ("Europe/Berlin", datetime(2026, 12, 1, 0, 59, tzinfo=UTC), date(2026, 10, 1)),
        ("America/New_York", datetime(2026, 12, 1, 1, 0, tzinfo=UTC), date(2026, 10, 1)),
        ("America/New_York", datetime(2026, 12, 1, 7, 0, tzinfo=UTC), date(2026, 11, 1)),
        # later in the month the last month stays due (a client added late is still billed)
        ("Asia/Kathmandu", datetime(2026, 12, 15, 12, 0, tzinfo=UTC), date(2026, 11, 1)),
        ("Asia/Kathmandu", datetime(2026, 11, 30, 20, 15, tzinfo=UTC), date(2026, 11, 1)),
        ("Asia/Kathmandu", datetime(2026, 11, 30, 20, 14, tzinfo=UTC), date(2026, 10, 1)),
    ],
)
def test_the_month_due_follows_the_clients_own_clock(zone, now, due):
    assert workers.month_due(time_zone=zone, now=now) == due


def test_finance_bills_only_its_own_clients(live_clients):
    # given finance of client A only
    a, b = live_clients
    finance_a = make_user(Role.FINANCE, a)
    # when it asks for every live client
    run, _ = services.prepare_invoice_run(
        month=date(2026, 11, 1), actor=finance_a, today=date(2026, 12, 4)
    )
    # then the run is its clients' (keyed by them), and client B is refused by name
    assert list(run.items.values_list("client_id", flat=True)) == [a.pk]
    assert run.run_key == f"2026-11:clients:{a.pk}"
    with pytest.raises(DomainError, match="You do not manage the invoices of") as caught:
        services.prepare_invoice_run(
            month=date(2026, 11, 1), actor=finance_a, clients=[b], today=date(2026, 12, 4)
        )
    assert b.name in caught.value.message


def test_a_run_shows_each_finance_user_only_its_clients(client, live_clients, finance):
    # given a run of both clients, and finance of client B only
    a, b = live_clients
    run, _ = services.prepare_invoice_run(
        month=date(2026, 11, 1), actor=finance, today=date(2026, 12, 4)
    )
    finance_b = make_user(Role.FINANCE, b)
    # when it opens the run
    client.force_login(finance_b)
    page = client.get(f"/invoice-runs/{run.pk}/")
    listing = client.get("/invoice-runs/")
    # then only client B's row and count
    assert page.status_code == 200
    assert b.name.encode() in page.content and a.name.encode() not in page.content
    assert b"<td>1</td>" in listing.content
    # and finance of neither client finds no run
    client.force_login(make_user(Role.FINANCE))
    assert client.get(f"/invoice-runs/{run.pk}/").status_code == 404


def test_the_run_key_names_the_month_and_the_clients(live_clients):
    a, b = live_clients
    key = services.run_key_of(period_start=date(2026, 11, 1), clients=[b, a], trigger="finance")
    assert key == f"2026-11:clients:{min(a.pk, b.pk)},{max(a.pk, b.pk)}"
    assert (
        services.run_key_of(period_start=date(2026, 11, 1), clients=None, trigger="finance")
        == "2026-11:all"
    )
    assert (
        services.run_key_of(
            period_start=date(2026, 11, 1), clients=None, trigger=InvoiceRunTrigger.SCHEDULE
        )
        == "2026-11:schedule"
    )


def test_a_run_of_many_chosen_clients_has_a_key_that_fits_and_stays_unique():
    # given 500 chosen clients (unsaved: the key reads only their ids), and the same less one
    chosen = [Client(pk=pk) for pk in range(100_000, 100_500)]
    # when their run keys are made
    key = services.run_key_of(period_start=date(2026, 11, 1), clients=chosen, trigger="finance")
    again = services.run_key_of(
        period_start=date(2026, 11, 1), clients=chosen[::-1], trigger="finance"
    )
    fewer = services.run_key_of(
        period_start=date(2026, 11, 1), clients=chosen[1:], trigger="finance"
    )
    # then the key fits its column, names the month, and only the same clients share it
    assert len(key) <= InvoiceRun._meta.get_field("run_key").max_length
    assert key.startswith("2026-11:clients:sha256:")
    assert key == again
    assert key != fewer


def test_asking_twice_for_the_same_run_creates_nothing_twice(live_clients, finance):
    # given
    first, added = services.prepare_invoice_run(
        month=date(2026, 11, 17), actor=finance, today=date(2026, 12, 4)
    )
    # when
    second, added_again = services.prepare_invoice_run(
        month=date(2026, 11, 3), actor=finance, today=date(2026, 12, 4)
    )
    # then
    assert second.pk == first.pk
    assert first.run_key.startswith("2026-11:clients:")
    assert (first.period_start, first.period_end) == (date(2026, 11, 1), date(2026, 11, 30))
    assert (added, added_again) == (2, 0)
    assert InvoiceRunItem.objects.filter(run=first).count() == 2
    assert InvoiceRun.objects.count() == 1
    assert first.job is not None and first.job.kind == "invoice_run"


def test_a_month_not_begun_and_a_client_not_live_are_refused(live_clients, finance):
    a, b = live_clients
    with pytest.raises(DomainError, match="has not begun"):
        services.prepare_invoice_run(month=date(2027, 1, 1), actor=finance, today=date(2026, 12, 4))
    b.status = ClientStatus.ONBOARDING
    b.save(update_fields=["status"])
    with pytest.raises(DomainError, match="Only live clients") as caught:
        services.prepare_invoice_run(
            month=date(2026, 11, 1), actor=finance, clients=[a, b], today=date(2026, 12, 4)
        )
    assert caught.value.field == "clients"
    assert b.name in caught.value.message
    assert not InvoiceRun.objects.exists()


def test_the_schedule_adds_each_client_once_as_its_month_ends(live_clients, monkeypatch):
    # given: Berlin has passed 02:00 on the 1st, New York has not
    a, b = live_clients
    a.time_zone, b.time_zone = "Europe/Berlin", "America/New_York"
    for client in live_clients:
        client.save(update_fields=["time_zone"])
    handed_out = []
    monkeypatch.setattr(
        workers.tasks.run_invoice_run_task, "delay", lambda run_id: handed_out.append(run_id)
    )
    # when: the beat fires three times
    first = workers.enqueue_due_clients(now=datetime(2026, 12, 1, 1, 30, tzinfo=UTC))
    again = workers.enqueue_due_clients(now=datetime(2026, 12, 1, 1, 45, tzinfo=UTC))
    later = workers.enqueue_due_clients(now=datetime(2026, 12, 1, 7, 30, tzinfo=UTC))
    # then: Berlin joins November's scheduled run first, New York when its own 02:00 passes
    november = InvoiceRun.objects.get(run_key="2026-11:schedule")
    assert (first, again, later) == (2, 0, 1)
    assert set(november.items.values_list("client__slug", flat=True)) == {a.slug, b.slug}
    # New York's October is due at 01:30 UTC: it is the month its clock is in
    october = InvoiceRun.objects.filter(run_key="2026-10:schedule").first()
    assert october is not None and list(october.items.values_list("client_id", flat=True)) == [b.pk]
    assert handed_out.count(november.pk) == 2
    assert november.trigger == InvoiceRunTrigger.SCHEDULE
    assert november.status == InvoiceRunStatus.QUEUED


def test_finance_starts_a_run_from_the_page_and_sees_its_clients(client, live_clients, finance):
    # given
    client.force_login(finance)
    # when
    page = client.get("/invoice-runs/new/")
    refused = client.post("/invoice-runs/new/", {"month": "November", "scope": "chosen"})
    # then: every problem next to its field, in one submit
    assert page.status_code == 200
    assert b"Every live client" in page.content
    assert refused.status_code == 200
    assert b"Give the month as year-month" in refused.content
    assert b"Choose at least one client" in refused.content
    assert not InvoiceRun.objects.exists()


@pytest.mark.parametrize("role", [Role.ACCOUNT_MANAGER, Role.SCHEDULER, Role.QA_ANALYST])
def test_invoice_runs_are_finances_alone(client, live_clients, role):
    user = make_user(role, client=live_clients[0])
    client.force_login(user)
    assert client.get("/invoice-runs/").status_code == 404
    assert client.get("/invoice-runs/new/").status_code == 404


def test_a_run_with_a_failed_client_waits_on_finances_home(client, live_clients, finance):
    # given: one client drafted, the other failed
    run, _ = services.prepare_invoice_run(
        month=date(2026, 11, 1), actor=finance, today=date(2026, 12, 4)
    )
    done, failed = run.items.order_by("client__name")
    InvoiceRunItem.objects.filter(pk=done.pk).update(status="skipped", message="Nothing to bill")
    InvoiceRunItem.objects.filter(pk=failed.pk).update(
        status="failed", error="No contract version is in force on 1 November 2026."
    )
    # when
    settled = workers.settle_run(run_id=run.pk)
    client.force_login(finance)
    home = client.get("/")
    detail = client.get(f"/invoice-runs/{run.pk}/")
    # then
    assert settled.status == InvoiceRunStatus.FINISHED_WITH_FAILURES
    settled.job.refresh_from_db()
    assert settled.job.message == "2 of 2 clients done, 1 with nothing to do, 1 failed"
    assert b"Retry 1 failed client of the November 2026 invoice run" in home.content
    assert b"No contract version is in force on 1 November 2026." in detail.content
    # when: finance retries
    client.post(f"/invoice-runs/{run.pk}/retry/")
    # then: the failed client waits again, the drafted one is left alone
    assert set(run.items.values_list("status", flat=True)) == {"pending", "skipped"}
