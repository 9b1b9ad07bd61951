"""An issued document is final: the database trigger (``invoices/0002_issued_documents_are_final``,
through ``bpo.frozen_rows``) refuses every change of its lines and evidence and every change of
the invoice but its payment and credit state, whoever writes: the ORM, a queryset update, raw
SQL. (The API's refusals are in ``test_invoice_api.py``.) Drafts stay free."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction

from billing.invoices.models import Invoice, InvoiceLine, LineEvidence
from tests.billing.invoices.helpers import hours_line, make_draft, make_issued, make_legal_entity
from tests.conftest import in_schema

pytestmark = pytest.mark.django_db


@pytest.fixture
def issued(client_a):
    in_schema(client_a)
    return make_issued(make_legal_entity(), hours_line("100.00"))


def refused(write) -> str:
    with pytest.raises(IntegrityError) as error, transaction.atomic():
        write()
    return str(error.value)


def test_the_orm_cannot_change_or_delete_an_issued_invoice(issued):
    # when the amount, the number or the buyer are changed through the ORM
    issued.total_amount = Decimal("1.00")
    issued.net_amount = Decimal("1.00")
    issued.tax_amount = Decimal(0)
    assert "cannot be changed" in refused(lambda: issued.save())
    issued.refresh_from_db()
    issued.buyer = {"name": "Someone else"}
    assert "Issued documents are final" in refused(lambda: issued.save(update_fields=["buyer"]))
    issued.refresh_from_db()
    # nor moved back to draft, nor deleted
    assert "cannot be changed" in refused(
        lambda: Invoice.objects.filter(pk=issued.pk).update(status="draft", number=None)
    )
    # (the ORM deletes the evidence and lines first: the first of them is refused)
    assert "Issued documents are final" in refused(
        lambda: Invoice.objects.filter(pk=issued.pk).delete()
    )
    # then it is as issued
    issued.refresh_from_db()
    assert (issued.total_amount, issued.status, issued.buyer["name"]) == (
        Decimal("119.00"),
        "issued",
        issued.buyer["name"],
    )


def test_the_orm_cannot_touch_an_issued_invoices_lines_or_evidence(issued):
    line = issued.lines.get()
    evidence = line.evidence.first()
    line.amount = Decimal("1.00")
    assert "cannot be changed" in refused(lambda: line.save())
    assert "cannot be changed" in refused(lambda: InvoiceLine.objects.filter(pk=line.pk).delete())
    assert "cannot be changed" in refused(
        lambda: InvoiceLine.objects.create(
            invoice=issued,
            position=9,
            kind="fee",
            description="Sneaked in",
            quantity=1,
            unit="C62",
            unit_price=1,
            amount=1,
            tax_category="S",
            tax_rate=19,
        )
    )
    assert "cannot be changed" in refused(
        lambda: LineEvidence.objects.filter(pk=evidence.pk).update(quantity=0)
    )
    assert "cannot be changed" in refused(lambda: evidence.delete())
    assert InvoiceLine.objects.filter(invoice=issued).count() == 1
    assert LineEvidence.objects.get(pk=evidence.pk).quantity == Decimal("8")


def test_raw_sql_cannot_rewrite_an_issued_invoice(issued):
    line = issued.lines.get()

    def execute(sql, params):
        with connection.cursor() as cursor:
            cursor.execute(sql, params)

    assert "cannot be changed" in refused(
        lambda: execute("UPDATE invoices_invoice SET total_amount = 0 WHERE id = %s", [issued.pk])
    )
    assert "cannot be changed" in refused(
        lambda: execute("UPDATE invoices_invoiceline SET amount = 0 WHERE id = %s", [line.pk])
    )
    assert "cannot be changed" in refused(
        lambda: execute("DELETE FROM invoices_lineevidence WHERE line_id = %s", [line.pk])
    )
    assert "cannot be deleted" in refused(
        lambda: execute("DELETE FROM invoices_invoice WHERE id = %s", [issued.pk])
    )
    # the payment and credit columns are what stays writable
    execute(
        "UPDATE invoices_invoice SET paid_amount = 1, due_amount = 118, status = 'partly_paid'"
        " WHERE id = %s",
        [issued.pk],
    )
    issued.refresh_from_db()
    assert (issued.status, issued.paid_amount) == ("partly_paid", Decimal("1.000"))


def test_a_purge_of_the_clients_data_is_let_through(issued):
    # given the transaction-local purge setting (deleting a client's data on purpose)
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL bpo.purge_invoices = 'on'")
        # when
        LineEvidence.objects.filter(invoice=issued).delete()
        InvoiceLine.objects.filter(invoice=issued).delete()
        Invoice.objects.filter(pk=issued.pk).delete()
    # then
    assert not Invoice.objects.filter(pk=issued.pk).exists()


def test_drafts_stay_free(client_a):
    # given a draft
    in_schema(client_a)
    draft = make_draft(make_legal_entity(), hours_line("100.00"))
    # when its line and evidence change and it is deleted
    line = draft.lines.get()
    LineEvidence.objects.filter(line=line).update(quantity=1)
    InvoiceLine.objects.filter(pk=line.pk).update(description="Changed")
    LineEvidence.objects.filter(line=line).delete()
    InvoiceLine.objects.filter(pk=line.pk).delete()
    Invoice.objects.filter(pk=draft.pk).delete()
    # then nothing refused it
    assert not Invoice.objects.filter(pk=draft.pk).exists()
