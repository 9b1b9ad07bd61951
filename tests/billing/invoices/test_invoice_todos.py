"""Invoices' to-dos on the home page: finance's drafts to review, overdue invoices and open line
disputes; the client admin's dispute that finance answered. One query across the clients."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from billing.invoices import services
from billing.invoices.todos import invoice_todos
from bpo.accounts.roles import Role
from tests.billing.invoices.helpers import hours_line, make_draft, make_legal_entity
from tests.conftest import in_schema, make_user
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def _issue(entity, *, due_days_ago: int):
    draft = make_draft(entity, hours_line("100.00"), currency="EUR", payment_terms_days=30)
    issued_on = timezone.localdate() - timedelta(days=due_days_ago + 30)
    return services.issue_invoice(invoice=draft, actor=None, issue_date=issued_on)


@pytest.fixture
def finance(client_a, client_b):
    user = make_user(Role.FINANCE, client_a, email="finance-todos@provider.test")
    MembershipFactory(user=user, role=Role.FINANCE, client=client_b)
    return user


def test_finance_sees_drafts_overdue_invoices_and_open_disputes_per_client(
    client_a, client_b, finance
):
    # given in A: two drafts, an overdue invoice with a disputed line, one not yet due; in B
    # nothing waiting
    entity = make_legal_entity()
    admin_a = make_user(Role.CLIENT_ADMIN, client_a, email="ca-todos@acme-a.test")
    in_schema(client_a)
    make_draft(entity, hours_line("10.00"))
    make_draft(entity, hours_line("20.00"))
    overdue = _issue(entity, due_days_ago=3)
    _issue(entity, due_days_ago=-3)
    services.raise_line_dispute(line=overdue.lines.first(), reason="Too many hours.", actor=admin_a)
    connection.set_schema_to_public()
    invoice_todos(finance, [client_a])  # the user's roles are read once per request
    # when
    with CaptureQueriesContext(connection) as queries:
        todos = invoice_todos(finance, [client_a, client_b])
    # then one read for both clients (and django-tenants' search_path before it)
    assert len([q for q in queries if "UNION ALL" in q["sql"]]) == 1
    assert len(queries) <= 2
    assert sorted((todo.kind, todo.client.slug, todo.title) for todo in todos) == [
        ("invoice_drafts", client_a.slug, f"Review 2 draft invoices of {client_a.name}"),
        ("invoice_line_disputes", client_a.slug, f"Answer 1 line dispute of {client_a.name}"),
        ("invoice_overdue", client_a.slug, f"Follow up 1 overdue invoice of {client_a.name}"),
    ]
    urls = {todo.kind: todo.url for todo in todos}
    assert urls["invoice_drafts"] == f"/c/{client_a.slug}/invoices/?status=draft"
    assert urls["invoice_overdue"] == "/receivables/"
    # and the client admin has nothing yet: the dispute waits for finance
    assert invoice_todos(admin_a, [client_a]) == []


def test_the_client_admin_sees_a_dispute_finance_answered(client_a, finance):
    # given a dispute of the client admin's, rejected by finance
    entity = make_legal_entity()
    admin_a = make_user(Role.CLIENT_ADMIN, client_a, email="ca-answered@acme-a.test")
    viewer_a = make_user(Role.CLIENT_VIEWER, client_a, email="cv-answered@acme-a.test")
    in_schema(client_a)
    invoice = _issue(entity, due_days_ago=-10)
    dispute = services.raise_line_dispute(
        line=invoice.lines.first(), reason="Not ours.", actor=admin_a
    )
    services.resolve_line_dispute(
        dispute=dispute, outcome="reject", reason="The hours are in the evidence.", actor=finance
    )
    connection.set_schema_to_public()
    # when
    todos = invoice_todos(admin_a, [client_a])
    # then
    assert [(todo.kind, todo.title) for todo in todos] == [
        ("invoice_dispute_answered", "Finance answered 1 line dispute of yours")
    ]
    assert todos[0].url == f"/c/{client_a.slug}/invoices/"
    # and finance no longer sees it waiting; a viewer sees nothing (no query either)
    assert [todo.kind for todo in invoice_todos(finance, [client_a])] == []
    invoice_todos(viewer_a, [client_a])  # the user's roles are read once per request
    with CaptureQueriesContext(connection) as queries:
        assert invoice_todos(viewer_a, [client_a]) == []
    assert len(queries) == 0
