"""The invoice pages: the list (the client's admin: issued invoices only), one invoice with its
lines and their evidence, and the forms: finance issues, records a payment (an overpayment is
refused next to the field, the typed amount kept), credits a line; the client's admin disputes
a line and finance resolves it."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection

from billing.invoices.models import Invoice, LineDispute
from bpo.accounts.roles import Role
from tests.billing.invoices.helpers import hours_line, make_draft, make_issued, make_legal_entity
from tests.conftest import in_schema, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def finance(client_a):
    return make_user(Role.FINANCE, client_a, email="finance@provider.test")


@pytest.fixture
def documents(client_a):
    entity = make_legal_entity()
    in_schema(client_a)
    draft = make_draft(entity, hours_line("100.00"))
    issued = make_issued(entity, hours_line("200.00"), hours_line("50.00"))
    lines = list(issued.lines.order_by("position"))
    connection.set_schema_to_public()
    return draft, issued, lines


def page(client, path: str = "") -> str:
    return f"/c/{client.slug}/{path}"


def test_the_list_finance_sees_drafts_the_client_admin_not(
    client, client_a, documents, finance, client_a_admin, django_assert_max_num_queries
):
    draft, issued, _ = documents
    client.force_login(finance)
    with django_assert_max_num_queries(20):
        body = client.get(page(client_a, "invoices/")).content.decode()
    assert issued.number in body and "Draft" in body
    client.force_login(client_a_admin)
    response = client.get(page(client_a, "invoices/"))
    body = response.content.decode()
    assert issued.number in body
    assert f"invoices/{draft.pk}/" not in body
    assert client.get(page(client_a, f"invoices/{draft.pk}/")).status_code == 404


def test_the_client_admin_reads_a_lines_evidence_and_disputes_it(
    client, client_a, documents, client_a_admin, finance
):
    _, issued, (first, _second) = documents
    client.force_login(client_a_admin)
    # when the invoice is opened
    body = client.get(page(client_a, f"invoices/{issued.pk}/")).content.decode()
    # then each line shows what is behind it, and no finance form
    assert "What is behind this line (2)" in body and "Ana Silva" in body
    assert 'id="invoice-pay"' not in body and 'id="invoice-credit"' not in body
    # when a dispute without a reason, then with one
    path = page(client_a, f"invoice-lines/{first.pk}/dispute/")
    refused = client.post(path, {"reason": ""})
    assert refused.status_code == 400
    assert "Say why you dispute this line." in refused.content.decode()
    assert client.post(path, {"reason": "Ana was off on 3 Nov"}).status_code == 302
    in_schema(client_a)
    dispute = LineDispute.objects.get(line=first)
    connection.set_schema_to_public()
    assert dispute.reason == "Ana was off on 3 Nov"
    # when finance rejects it with a reason
    client.force_login(finance)
    resolved = client.post(
        page(client_a, f"invoice-disputes/{dispute.pk}/resolve/"),
        {"outcome": "reject", "reason": "The time clock shows 8 hours"},
    )
    assert resolved.status_code == 302
    in_schema(client_a)
    dispute.refresh_from_db()
    assert (dispute.status, dispute.resolution_reason) == (
        "rejected",
        "The time clock shows 8 hours",
    )


def test_finance_issues_pays_and_credits_on_the_page(client, client_a, documents, finance):
    draft, issued, (first, _second) = documents
    client.force_login(finance)
    # when the draft is issued
    assert client.post(page(client_a, f"invoices/{draft.pk}/issue/")).status_code == 302
    # when an overpayment is typed
    refused = client.post(
        page(client_a, f"invoices/{issued.pk}/pay/"),
        {"amount": "300", "received_on": "2026-12-05"},
    )
    # then it is refused next to the field, with what was typed
    body = refused.content.decode()
    assert refused.status_code == 400
    assert "would overpay it by 2.50 EUR" in body
    assert 'value="300"' in body
    # when a partial payment and a credit of 20.00 on the first line
    client.post(
        page(client_a, f"invoices/{issued.pk}/pay/"),
        {"amount": "100.00", "received_on": "2026-12-05", "reference": "Bank 1"},
    )
    credited = client.post(
        page(client_a, f"invoices/{issued.pk}/credit/"),
        {f"line-{first.pk}": "20.00", "reason": "Rate was wrong"},
    )
    assert credited.status_code == 302
    # then
    in_schema(client_a)
    draft.refresh_from_db()
    issued.refresh_from_db()
    assert draft.status == "issued"
    assert (issued.status, issued.paid_amount, issued.credited_amount) == (
        "partly_paid",
        Decimal("100.00"),
        Decimal("23.80"),
    )
    note = Invoice.objects.get(credited_invoice=issued)
    connection.set_schema_to_public()
    assert credited.url.endswith(f"/invoices/{note.pk}/")
    body = client.get(page(client_a, f"invoices/{issued.pk}/")).content.decode()
    assert note.number in body and "Bank 1" in body


def test_the_client_admin_cannot_take_finances_steps(client, client_a, documents, client_a_admin):
    _, issued, _ = documents
    client.force_login(client_a_admin)
    for path in (f"invoices/{issued.pk}/pay/", f"invoices/{issued.pk}/void/"):
        assert client.post(page(client_a, path), {"amount": "1"}).status_code == 403
    in_schema(client_a)
    issued.refresh_from_db()
    assert issued.status == "issued"
