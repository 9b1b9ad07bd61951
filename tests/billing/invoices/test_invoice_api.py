"""The invoice API: who reads what (the client's admin: issued documents only, never a draft),
finance's actions (issue, pay, void, credit, manual lines), the client admin's dispute of a
line and finance's answer, and the refusals of every change to an issued invoice."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection

from billing.invoices.models import Invoice, InvoiceLine, LineEvidence
from billing.ledger.models import InvoiceRegister
from bpo.accounts.roles import Role
from tests.billing.invoices.helpers import hours_line, make_draft, make_issued, make_legal_entity
from tests.conftest import in_schema, make_user, token_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def finance(client_a):
    return make_user(Role.FINANCE, client_a, email="finance@provider.test")


@pytest.fixture
def documents(client_a):
    """A draft and an issued invoice of client A."""
    entity = make_legal_entity()
    in_schema(client_a)
    draft = make_draft(entity, hours_line("100.00"))
    issued = make_issued(entity, hours_line("200.00"), hours_line("50.00"))
    connection.set_schema_to_public()
    return draft, issued


def url(client, path: str) -> str:
    return f"/api/v1/clients/{client.slug}/{path}"


def test_finance_sees_drafts_the_client_admin_only_issued_invoices(
    client_a, documents, finance, client_a_admin, account_manager, django_assert_max_num_queries
):
    draft, issued = documents
    # when
    api = token_client(finance)
    # (the client, the token, the memberships, the count, the rows, and their SET search_path)
    with django_assert_max_num_queries(10):
        by_finance = api.get(url(client_a, "invoices/"))
    by_manager = token_client(account_manager).get(url(client_a, "invoices/"))
    by_admin = token_client(client_a_admin).get(url(client_a, "invoices/"))
    # then
    assert {row["id"] for row in by_finance.json()["results"]} == {draft.pk, issued.pk}
    assert {row["id"] for row in by_manager.json()["results"]} == {draft.pk, issued.pk}
    assert [row["id"] for row in by_admin.json()["results"]] == [issued.pk]
    row = by_admin.json()["results"][0]
    assert (row["total_amount"], row["currency"], row["status"]) == ("297.50", "EUR", "issued")
    # a draft, its lines and their evidence do not exist for the client's admin
    admin = token_client(client_a_admin)
    assert admin.get(url(client_a, f"invoices/{draft.pk}/")).status_code == 404
    in_schema(client_a)
    draft_line = InvoiceLine.objects.get(invoice=draft)
    connection.set_schema_to_public()
    assert admin.get(url(client_a, f"invoice-lines/{draft_line.pk}/")).status_code == 404
    assert admin.get(url(client_a, f"invoice-lines/?invoice={draft.pk}")).json()["count"] == 0


def test_a_line_with_its_evidence(client_a, documents, client_a_admin):
    _, issued = documents
    in_schema(client_a)
    line = issued.lines.order_by("position").first()
    connection.set_schema_to_public()
    # when
    response = token_client(client_a_admin).get(url(client_a, f"invoice-lines/{line.pk}/"))
    # then
    body = response.json()
    assert response.status_code == 200, body
    assert (body["amount"], body["tax_amount"], body["invoice_number"]) == (
        "200.00",
        "38.00",
        issued.number,
    )
    assert [(row["day"], row["agent_name"], row["quantity"]) for row in body["evidence"]] == [
        ("2026-11-02", "Ana Silva", "8.0000"),
        ("2026-11-03", "Ana Silva", "8.0000"),
    ]


def test_finance_issues_and_the_others_may_not(
    client_a, documents, finance, client_a_admin, account_manager
):
    draft, _ = documents
    path = url(client_a, f"invoices/{draft.pk}/issue/")
    # when the account manager and the client's admin try
    assert token_client(account_manager).post(path, {}, format="json").status_code == 403
    assert token_client(client_a_admin).post(path, {}, format="json").status_code == 403
    # when finance issues
    response = token_client(finance).post(path, {"issue_date": "2026-12-01"}, format="json")
    # then
    body = response.json()
    assert response.status_code == 200, body
    assert body["status"] == "issued" and body["number"].endswith("-2026-000002")
    assert body["due_date"] == "2026-12-31"
    assert "issue" not in body["allowed_steps"] and "pay" in body["allowed_steps"]
    assert InvoiceRegister.objects.filter(number=body["number"], client=client_a).exists()


def test_payments_credit_notes_and_void_over_the_api(client_a, documents, finance):
    _, issued = documents
    api = token_client(finance)
    in_schema(client_a)
    first = issued.lines.order_by("position").first()
    connection.set_schema_to_public()
    # when an overpayment, then a partial payment
    over = api.post(
        url(client_a, f"invoices/{issued.pk}/payments/"),
        {"amount": "300.00", "received_on": "2026-12-05"},
        format="json",
    )
    assert over.status_code == 400
    assert "overpay it by 2.50 EUR" in over.json()["error"]["fields"]["amount"][0]
    paid = api.post(
        url(client_a, f"invoices/{issued.pk}/payments/"),
        {"amount": "100.00", "received_on": "2026-12-05", "reference": "Bank 123"},
        format="json",
    )
    assert paid.status_code == 201, paid.json()
    # then it cannot be voided any more
    void = api.post(url(client_a, f"invoices/{issued.pk}/void/"), {"reason": "x"}, format="json")
    assert void.status_code == 409
    # when too much of a line is credited, then a part of it
    too_much = api.post(
        url(client_a, f"invoices/{issued.pk}/credit-note/"),
        {"reason": "Rate", "lines": [{"line": first.pk, "amount": "200.01"}]},
        format="json",
    )
    assert too_much.status_code == 400
    assert "at most 200.00 EUR" in too_much.json()["error"]["fields"]["lines"][0]
    note = api.post(
        url(client_a, f"invoices/{issued.pk}/credit-note/"),
        {"reason": "Rate", "lines": [{"line": first.pk, "amount": "20.00"}]},
        format="json",
    )
    # then
    assert note.status_code == 201, note.json()
    assert (note.json()["document_type"], note.json()["total_amount"]) == ("credit_note", "23.80")
    invoice = api.get(url(client_a, f"invoices/{issued.pk}/")).json()
    assert (invoice["status"], invoice["paid_amount"], invoice["credited_amount"]) == (
        "partly_paid",
        "100.00",
        "23.80",
    )
    assert invoice["due_amount"] == "173.70"
    assert [n["number"] for n in invoice["credit_notes"]] == [note.json()["number"]]


def test_a_client_admin_disputes_a_line_and_finance_credits_it(
    client_a, documents, finance, client_a_admin
):
    _, issued = documents
    in_schema(client_a)
    line = issued.lines.order_by("position").first()
    connection.set_schema_to_public()
    # when finance tries to dispute (not its right), then the client's admin
    path = url(client_a, f"invoice-lines/{line.pk}/dispute/")
    assert token_client(finance).post(path, {"reason": "x"}, format="json").status_code == 403
    empty = token_client(client_a_admin).post(path, {"reason": ""}, format="json")
    assert empty.status_code == 400
    raised = token_client(client_a_admin).post(path, {"reason": "Ana was off"}, format="json")
    assert raised.status_code == 201, raised.json()
    dispute = raised.json()
    # when the client's admin tries to resolve it, then finance credits 8 hours
    resolve = url(client_a, f"invoice-disputes/{dispute['id']}/resolve/")
    body = {"outcome": "credit", "reason": "Billed by mistake", "amount": "40.00"}
    assert token_client(client_a_admin).post(resolve, body, format="json").status_code == 403
    resolved = token_client(finance).post(resolve, body, format="json")
    # then
    assert resolved.status_code == 200, resolved.json()
    assert resolved.json()["status"] == "credited"
    assert resolved.json()["credit_note_number"].startswith("INV")
    listed = token_client(client_a_admin).get(url(client_a, "invoice-disputes/")).json()
    assert [row["status_label"] for row in listed["results"]] == ["Resolved by a credit note"]


def test_the_api_refuses_every_change_of_an_issued_invoice(client_a, documents, finance):
    _, issued = documents
    api = token_client(finance)
    in_schema(client_a)
    line = issued.lines.order_by("position").first()
    before = (
        list(Invoice.objects.filter(pk=issued.pk).values()),
        list(InvoiceLine.objects.filter(invoice=issued).values()),
        list(LineEvidence.objects.filter(invoice=issued).values()),
    )
    connection.set_schema_to_public()
    manual = {
        "description": "Extra",
        "quantity": "1",
        "unit": "C62",
        "unit_price": "10",
        "tax_category": "S",
        "tax_rate": "19",
        "reason": "Sneaked in",
    }
    # when
    answers = {
        "add a line": api.post(url(client_a, f"invoices/{issued.pk}/lines/"), manual, "json"),
        "remove a line": api.delete(url(client_a, f"invoice-lines/{line.pk}/")),
        "issue again": api.post(url(client_a, f"invoices/{issued.pk}/issue/"), {}, "json"),
        "put": api.put(url(client_a, f"invoices/{issued.pk}/"), {"total_amount": "1"}, "json"),
        "patch": api.patch(url(client_a, f"invoices/{issued.pk}/"), {"number": "X"}, "json"),
        "delete": api.delete(url(client_a, f"invoices/{issued.pk}/")),
        "patch a line": api.patch(url(client_a, f"invoice-lines/{line.pk}/"), {"amount": "1"}),
    }
    # then each is refused, and the stored rows are as they were
    assert {name: r.status_code for name, r in answers.items()} == {
        "add a line": 409,
        "remove a line": 409,
        "issue again": 409,
        "put": 405,
        "patch": 405,
        "delete": 405,
        "patch a line": 405,
    }
    in_schema(client_a)
    after = (
        list(Invoice.objects.filter(pk=issued.pk).values()),
        list(InvoiceLine.objects.filter(invoice=issued).values()),
        list(LineEvidence.objects.filter(invoice=issued).values()),
    )
    assert after == before


def test_a_manual_line_and_removing_a_line_of_a_draft(client_a, documents, finance):
    draft, _ = documents
    api = token_client(finance)
    # when a manual line without a reason, then with one
    line = {
        "description": "Training day",
        "quantity": "1",
        "unit": "C62",
        "unit_price": "250",
        "tax_category": "S",
        "tax_rate": "19",
        "reason": "",
    }
    refused = api.post(url(client_a, f"invoices/{draft.pk}/lines/"), line, format="json")
    assert refused.status_code == 400
    assert refused.json()["error"]["fields"] == {"reason": ["Say why this line is added by hand."]}
    added = api.post(
        url(client_a, f"invoices/{draft.pk}/lines/"),
        {**line, "reason": "Agreed with the client"},
        format="json",
    )
    # then
    assert added.status_code == 201, added.json()
    body = added.json()
    assert (body["net_amount"], body["total_amount"]) == ("350.00", "416.50")
    manual = next(row for row in body["lines"] if row["kind"] == "manual")
    assert manual["manual_reason"] == "Agreed with the client"
    # when the manual line is removed
    removed = api.delete(url(client_a, f"invoice-lines/{manual['id']}/"))
    assert removed.status_code == 204
    assert api.get(url(client_a, f"invoices/{draft.pk}/")).json()["net_amount"] == "100.00"
    assert Decimal(body["tax_amount"]) == Decimal("66.50")
