"""Gap-free numbers under real concurrency: 50 invoices issued by 8 threads at once, each with
its own database connection, with 25 issues rolled back in between (the e-invoice hook refuses
after the number was taken, or the caller's transaction fails after the issue returned). The
numbers given back by the rollbacks are taken again: the 50 issued invoices carry 1..50, no gap,
no duplicate, and the register agrees.

Two connections see only committed data, so this is a ``live`` test: it commits on a client
provisioned for it (``live_client_factory``; its schema is dropped afterwards) and
pytest-django empties the public tables after it."""

from __future__ import annotations

import queue
import random
import threading
import time
from datetime import date

import pytest
from django.db import connection, connections, transaction

from billing.invoices import services
from billing.invoices.models import Invoice
from billing.ledger.models import InvoiceRegister, NumberSeries
from bpo.errors import DomainError
from tests.billing.invoices.helpers import hours_line, make_draft, make_legal_entity
from tests.browser.conftest import drop_schemas, live_client_factory  # noqa: F401 - fixtures

pytestmark = pytest.mark.live

ISSUES = 50
ROLLBACKS = 25
THREADS = 8


class CallerFailed(Exception):
    """The caller's own transaction fails after ``issue_invoice`` returned."""


def test_fifty_concurrent_issues_with_rollbacks_between_get_1_to_50(
    live_client_factory,  # noqa: F811
):
    # given a committed client, a legal entity and 75 committed drafts
    client = live_client_factory("ledger-race", name="Ledger Race")
    entity = make_legal_entity(number_prefix="RACE")
    connection.set_tenant(client)
    drafts = [make_draft(entity, hours_line("100.00")).pk for _ in range(ISSUES + ROLLBACKS)]
    connection.set_schema_to_public()
    # 50 issues that succeed, 25 that take a number and roll back, in a shuffled order
    tasks: queue.Queue = queue.Queue()
    plan = [("issue", pk) for pk in drafts[:ISSUES]]
    plan += [("refused", pk) for pk in drafts[ISSUES : ISSUES + 13]]
    plan += [("caller_fails", pk) for pk in drafts[ISSUES + 13 :]]
    random.Random(12).shuffle(plan)
    for task in plan:
        tasks.put(task)
    outcomes: list[tuple[str, int, str | None]] = []
    errors: list[BaseException] = []
    lock = threading.Lock()
    barrier = threading.Barrier(THREADS)

    def refuse(invoice: Invoice) -> None:
        time.sleep(0.005)  # hold the series' lock a moment: the others queue behind it
        raise DomainError(f"[BR-TEST] refused {invoice.number}")

    def worker() -> None:
        try:
            connection.set_tenant(client)
            barrier.wait(timeout=30)
            while True:
                try:
                    kind, pk = tasks.get_nowait()
                except queue.Empty:
                    return
                invoice = Invoice.objects.get(pk=pk)
                try:
                    if kind == "issue":
                        issued = services.issue_invoice(
                            invoice=invoice, actor=None, issue_date=date(2026, 12, 1)
                        )
                        number = issued.number
                    elif kind == "refused":
                        services.issue_invoice(
                            invoice=invoice,
                            actor=None,
                            issue_date=date(2026, 12, 1),
                            validate=refuse,
                        )
                        number = "not refused"
                    else:
                        with transaction.atomic():
                            services.issue_invoice(
                                invoice=invoice, actor=None, issue_date=date(2026, 12, 1)
                            )
                            raise CallerFailed
                except (DomainError, CallerFailed):
                    number = None
                with lock:
                    outcomes.append((kind, pk, number))
        except BaseException as error:  # reported by the test below
            errors.append(error)
        finally:
            connections.close_all()

    # when 8 threads issue at once
    threads = [threading.Thread(target=worker) for _ in range(THREADS)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    elapsed = time.monotonic() - started

    # then every task ran, the rollbacks numbered nothing, the issues got 1..50
    assert not errors, errors
    assert len(outcomes) == ISSUES + ROLLBACKS
    assert all(number is None for kind, _, number in outcomes if kind != "issue")
    connection.set_tenant(client)
    issued = list(Invoice.objects.exclude(number=None).values_list("pk", "number"))
    still_drafts = set(Invoice.objects.filter(status="draft").values_list("pk", flat=True))
    connection.set_schema_to_public()
    sequences = sorted(int(number.rsplit("-", 1)[1]) for _, number in issued)
    assert sequences == list(range(1, ISSUES + 1)), sequences
    assert {pk for pk, _ in issued} == set(drafts[:ISSUES])
    assert still_drafts == set(drafts[ISSUES:])
    series = NumberSeries.objects.get(legal_entity=entity)
    assert (series.document_type, series.year, series.next_number) == ("invoice", 2026, 51)
    register = InvoiceRegister.objects.filter(client=client)
    assert sorted(register.values_list("number", flat=True)) == sorted(n for _, n in issued)
    print(f"issued={ISSUES} rollbacks={ROLLBACKS} threads={THREADS} seconds={elapsed:.2f}")
