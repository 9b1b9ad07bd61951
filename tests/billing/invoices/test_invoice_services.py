"""The invoice life cycle through its services, in a client's schema on the real PostgreSQL:
drafts with their lines, evidence and totals, manual lines, issue (number, snapshot, register,
the e-invoice hooks), void, payments, credit notes and line disputes."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from billing.invoices import services
from billing.invoices.audit import history_of_invoice
from billing.invoices.models import Invoice, InvoiceLine, LineDisputeStatus, LineEvidence
from billing.ledger.models import InvoiceRegister, NumberSeries
from billing.lines import LineKind
from bpo.accounts.roles import Role
from bpo.errors import ConflictError, DomainError
from tests.billing.invoices.helpers import hours_line, make_draft, make_issued, make_legal_entity
from tests.conftest import in_schema, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def finance(client_a):
    return make_user(Role.FINANCE, client_a, email="finance@provider.test")


@pytest.fixture
def entity(db):
    return make_legal_entity()


@pytest.fixture
def schema_a(client_a):
    in_schema(client_a)
    return client_a


def test_a_draft_stores_lines_evidence_and_totals(schema_a, entity, finance):
    # given the rating's draft: 40 h at 25.00 and a fee, 19 % per line
    # when
    invoice = make_draft(
        entity,
        hours_line("1000.00"),
        hours_line("99.99", kind=LineKind.FEE, quantity="1", unit_price="99.99", evidence_days=0),
        actor=finance,
    )
    # then
    invoice.refresh_from_db()
    assert (invoice.status, invoice.number) == ("draft", None)
    assert (invoice.net_amount, invoice.tax_amount, invoice.total_amount) == (
        Decimal("1099.99"),
        Decimal("209.00"),  # 190.00 + 19.00 (18.9981 rounded on its line)
        Decimal("1308.99"),
    )
    assert invoice.due_amount == invoice.total_amount
    lines = list(invoice.lines.order_by("position"))
    assert [line.tax_amount for line in lines] == [Decimal("190.00"), Decimal("19.00")]
    assert LineEvidence.objects.filter(line=lines[0]).count() == 2
    assert lines[0].evidence.first().agent_name == "Ana Silva"
    assert invoice.tax_breakdown == [
        {"tax_category": "S", "tax_rate": "19.00", "taxable": "1099.99", "tax": "209.00"}
    ]
    # nothing is numbered at draft time
    assert not NumberSeries.objects.exists()
    assert history_of_invoice(invoice.pk).filter(actor=finance).exists()


def test_a_draft_line_that_is_not_rounded_is_refused(schema_a, entity):
    # when / then
    with pytest.raises(DomainError) as refused:
        make_draft(entity, hours_line("10.005"))
    assert "lines.0.amount" in refused.value.fields
    assert not Invoice.objects.exists()


def test_a_manual_line_needs_a_reason_and_changes_the_totals(schema_a, entity, finance):
    # given
    invoice = make_draft(entity, hours_line("100.00"))
    line = services.ManualLine(
        description="Training day",
        quantity=Decimal("1"),
        unit="C62",
        unit_price=Decimal("50.005"),
        tax_category="S",
        tax_rate=Decimal("19"),
        reason="",
    )
    # when a line without a reason
    with pytest.raises(DomainError) as refused:
        services.add_manual_line(invoice=invoice, line=line, actor=finance)
    # then
    assert refused.value.fields == {"reason": ["Say why this line is added by hand."]}
    # when with a reason
    stored = services.add_manual_line(
        invoice=invoice,
        line=services.ManualLine(**{**line.__dict__, "reason": "Agreed on 3 Dec"}),
        actor=finance,
    )
    # then the amount is rounded half up and the totals follow
    assert (stored.kind, stored.amount, stored.position) == ("manual", Decimal("50.01"), 2)
    invoice.refresh_from_db()
    assert invoice.net_amount == Decimal("150.01")
    assert invoice.tax_amount == Decimal("19.00") + Decimal("9.50")


def test_removing_a_draft_line_takes_its_evidence_and_keeps_one_line(schema_a, entity, finance):
    # given
    invoice = make_draft(entity, hours_line("100.00"), hours_line("200.00"))
    first, second = invoice.lines.order_by("position")
    # when
    services.remove_draft_line(line=first, actor=finance)
    # then
    invoice.refresh_from_db()
    assert invoice.net_amount == Decimal("200.00")
    assert not LineEvidence.objects.filter(line_id=first.pk).exists()
    with pytest.raises(ConflictError):
        services.remove_draft_line(line=second, actor=finance)


def test_issue_numbers_freezes_and_registers(schema_a, entity, finance):
    # given two drafts
    first = make_draft(entity, hours_line("1000.00"), payment_terms_days=14)
    second = make_draft(entity, hours_line("10.00"))
    # when
    services.issue_invoice(invoice=first, actor=finance, issue_date=date(2026, 12, 1))
    services.issue_invoice(invoice=second, actor=finance, issue_date=date(2026, 12, 2))
    # then
    first.refresh_from_db()
    second.refresh_from_db()
    prefix = entity.number_prefix
    assert (first.number, second.number) == (f"{prefix}-2026-000001", f"{prefix}-2026-000002")
    assert (first.status, first.issue_date, first.due_date) == (
        "issued",
        date(2026, 12, 1),
        date(2026, 12, 15),
    )
    assert first.seller["vat_id"] == "DE123456789"
    assert first.buyer["name"] == schema_a.legal_name
    assert first.terms["payment_terms_days"] == 14
    assert first.issued_by_id == finance.pk
    row = InvoiceRegister.objects.get(number=first.number)
    assert (row.client_id, row.invoice_id, row.total_amount, row.due_amount, row.status) == (
        schema_a.pk,
        first.pk,
        Decimal("1190.00"),
        Decimal("1190.00"),
        "issued",
    )
    assert NumberSeries.objects.get().next_number == 3
    with pytest.raises(ConflictError):
        services.issue_invoice(invoice=first, actor=finance)


def test_each_year_and_document_type_has_its_own_series(schema_a, entity, finance):
    # given
    december = make_issued(entity, hours_line("10.00"))
    # when a January invoice and a credit note
    january = services.issue_invoice(
        invoice=make_draft(entity, hours_line("10.00")), actor=finance, issue_date=date(2027, 1, 2)
    )
    note = services.issue_credit_note(
        invoice=december, reason="Wrong rate", actor=finance, issue_date=date(2026, 12, 3)
    )
    # then
    prefix = entity.number_prefix
    assert january.number == f"{prefix}-2027-000001"
    assert note.number == f"{prefix}-CN-2026-000001"


@pytest.mark.parametrize("hook", ["before_number", "validate"])
def test_a_refusing_e_invoice_hook_leaves_nothing_numbered(schema_a, entity, finance, hook):
    # given a draft and a validator that refuses with a rule's id and text
    invoice = make_draft(entity, hours_line("100.00"))
    seen = []

    def refuse(candidate: Invoice) -> None:
        seen.append(candidate.number)
        raise DomainError("[BR-CO-15] Invoice total amount with VAT = ...", code="einvoice")

    # when
    with pytest.raises(DomainError) as refused:
        services.issue_invoice(invoice=invoice, actor=finance, **{hook: refuse})
    # then the hook saw the invoice (numbered only for ``validate``), and nothing stays
    assert "BR-CO-15" in refused.value.message
    assert seen == [None] if hook == "before_number" else seen[0].endswith("-000001")
    invoice.refresh_from_db()
    assert (invoice.status, invoice.number, invoice.seller) == ("draft", None, {})
    assert not InvoiceRegister.objects.exists()
    assert NumberSeries.objects.filter(next_number__gt=1).count() == 0
    # and the next issue gets number 1
    issued = services.issue_invoice(invoice=invoice, actor=finance)
    assert issued.number.endswith("-000001")


def test_payments_partial_then_full_and_no_overpayment(schema_a, entity, finance):
    # given an issued invoice of 119.00
    invoice = make_issued(entity, hours_line("100.00"))
    # when a partial payment
    services.record_payment(
        invoice=invoice, amount=Decimal("50.00"), received_on=date(2026, 12, 5), actor=finance
    )
    invoice.refresh_from_db()
    # then
    assert (invoice.status, invoice.paid_amount, invoice.due_amount) == (
        "partly_paid",
        Decimal("50.00"),
        Decimal("69.00"),
    )
    # when it would overpay
    with pytest.raises(DomainError) as refused:
        services.record_payment(
            invoice=invoice, amount=Decimal("70.00"), received_on=date(2026, 12, 6), actor=finance
        )
    # then it says by how much, and nothing changed
    assert "overpay it by 1.00 EUR" in refused.value.message
    assert refused.value.field == "amount"
    # when the rest
    services.record_payment(
        invoice=invoice, amount=Decimal("69.00"), received_on=date(2026, 12, 7), actor=finance
    )
    invoice.refresh_from_db()
    assert (invoice.status, invoice.due_amount) == ("paid", Decimal("0.00"))
    row = InvoiceRegister.objects.get(invoice_id=invoice.pk, client=schema_a)
    assert (row.status, row.paid_amount, row.due_amount) == ("paid", Decimal("119.00"), 0)
    with pytest.raises(ConflictError):
        services.record_payment(
            invoice=invoice, amount=Decimal("1.00"), received_on=date(2026, 12, 7), actor=finance
        )


def test_a_payment_with_more_decimals_than_the_currency_is_refused(schema_a, entity, finance):
    invoice = make_issued(entity, hours_line("100"), currency="JPY")
    with pytest.raises(DomainError) as refused:
        services.record_payment(
            invoice=invoice, amount=Decimal("1.5"), received_on=date(2026, 12, 5), actor=finance
        )
    assert "JPY has 0 decimal places" in refused.value.message


def test_void_only_while_unpaid_and_with_a_reason(schema_a, entity, finance):
    # given
    unpaid = make_issued(entity, hours_line("100.00"))
    paid = make_issued(entity, hours_line("100.00"))
    services.record_payment(
        invoice=paid, amount=Decimal("1.00"), received_on=date(2026, 12, 5), actor=finance
    )
    # when / then
    with pytest.raises(DomainError):
        services.void_invoice(invoice=unpaid, reason=" ", actor=finance)
    with pytest.raises(ConflictError):
        services.void_invoice(invoice=paid, reason="Duplicate", actor=finance)
    voided = services.void_invoice(invoice=unpaid, reason="Duplicate", actor=finance)
    assert (voided.status, voided.due_amount, voided.number.endswith("000001")) == (
        "void",
        0,
        True,
    )
    assert InvoiceRegister.objects.get(invoice_id=unpaid.pk, client=schema_a).status == "void"


def test_a_partial_then_a_full_credit_note(schema_a, entity, finance):
    # given an invoice of two lines, 119.00 + 59.50
    invoice = make_issued(entity, hours_line("100.00"), hours_line("50.00"))
    first, _second = invoice.lines.order_by("position")
    # when half of the first line is credited
    note = services.issue_credit_note(
        invoice=invoice, reason="Rate was 12.50", actor=finance, lines={first.pk: Decimal("50")}
    )
    # then
    assert (note.document_type, note.status, note.credited_invoice_id) == (
        "credit_note",
        "issued",
        invoice.pk,
    )
    assert (note.net_amount, note.tax_amount, note.total_amount) == (
        Decimal("50.00"),
        Decimal("9.50"),
        Decimal("59.50"),
    )
    [credit_line] = note.lines.all()
    assert (credit_line.credited_line_id, credit_line.unit, credit_line.amount) == (
        first.pk,
        "C62",
        Decimal("50.00"),
    )
    invoice.refresh_from_db()
    assert (invoice.credited_amount, invoice.due_amount, invoice.status) == (
        Decimal("59.50"),
        Decimal("119.00"),
        "issued",
    )
    # when more than remains of the line
    with pytest.raises(DomainError) as refused:
        services.issue_credit_note(
            invoice=invoice, reason="x", actor=finance, lines={first.pk: Decimal("50.01")}
        )
    assert "at most 50.00 EUR" in refused.value.message
    # when everything that remains
    full = services.issue_credit_note(invoice=invoice, reason="Cancelled", actor=finance)
    # then the invoice is credited in full, its register row too
    assert full.total_amount == Decimal("119.00")
    invoice.refresh_from_db()
    assert (invoice.status, invoice.credited_amount, invoice.due_amount) == (
        "credited",
        Decimal("178.50"),
        0,
    )
    rows = InvoiceRegister.objects.filter(client=schema_a).order_by("number")
    assert [row.document_type for row in rows] == ["invoice", "credit_note", "credit_note"]
    assert rows.get(invoice_id=invoice.pk).status == "credited"
    assert rows.get(invoice_id=full.pk).credited_number == invoice.number
    with pytest.raises(ConflictError):
        services.issue_credit_note(invoice=invoice, reason="again", actor=finance)


def test_a_line_dispute_resolved_by_a_credit_note_or_a_rejection(
    schema_a, entity, finance, client_a_admin
):
    # given an issued invoice with two lines
    invoice = make_issued(entity, hours_line("100.00"), hours_line("40.00"))
    first, second = invoice.lines.order_by("position")
    # when the client admin disputes both lines
    dispute = services.raise_line_dispute(line=first, reason="Ana was off", actor=client_a_admin)
    other = services.raise_line_dispute(line=second, reason="Too much", actor=client_a_admin)
    # then one open dispute per line
    with pytest.raises(ConflictError):
        services.raise_line_dispute(line=first, reason="again", actor=client_a_admin)
    # when finance credits 8 hours of the first and rejects the second with a reason
    credited = services.resolve_line_dispute(
        dispute=dispute,
        outcome="credit",
        reason="Ana's day off was billed",
        amount=Decimal("20.00"),
        actor=finance,
    )
    with pytest.raises(DomainError):
        services.resolve_line_dispute(dispute=other, outcome="reject", reason="", actor=finance)
    rejected = services.resolve_line_dispute(
        dispute=other, outcome="reject", reason="Hours match the time clock", actor=finance
    )
    # then
    assert credited.status == LineDisputeStatus.CREDITED
    assert credited.credit_note.total_amount == Decimal("23.80")
    assert rejected.status == LineDisputeStatus.REJECTED
    assert rejected.credit_note is None
    invoice.refresh_from_db()
    assert invoice.credited_amount == Decimal("23.80")


def test_a_draft_line_cannot_be_disputed(schema_a, entity, client_a_admin):
    invoice = make_draft(entity, hours_line("100.00"))
    with pytest.raises(ConflictError):
        services.raise_line_dispute(
            line=InvoiceLine.objects.get(invoice=invoice), reason="x", actor=client_a_admin
        )
