"""Finance's receivables page (``/receivables/``): the ageing per client and currency with
totals, for the provider roles that read drafts; each reader sees only their clients' rows."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from billing.invoices import services
from bpo.accounts.roles import Role
from tests.billing.invoices.helpers import hours_line, make_draft, make_legal_entity
from tests.conftest import in_schema, make_user
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def _issue(entity, amount: str, *, due_days_ago: int, currency: str):
    draft = make_draft(entity, hours_line(amount), currency=currency, payment_terms_days=30)
    issued_on = timezone.localdate() - timedelta(days=due_days_ago + 30)
    return services.issue_invoice(invoice=draft, actor=None, issue_date=issued_on)


@pytest.fixture
def open_invoices(client_a, client_b):
    # client A owes 119.00 EUR 10 days overdue, client B 59.50 USD not yet due
    entity = make_legal_entity()
    in_schema(client_a)
    _issue(entity, "100.00", due_days_ago=10, currency="EUR")
    in_schema(client_b)
    _issue(entity, "50.00", due_days_ago=-5, currency="USD")
    connection.set_schema_to_public()


def test_finance_sees_every_clients_buckets_and_the_totals(
    client, client_a, client_b, open_invoices
):
    # given finance for both clients
    finance = make_user(Role.FINANCE, client_a, email="finance-ageing@provider.test")
    MembershipFactory(user=finance, role=Role.FINANCE, client=client_b)
    client.force_login(finance)
    # when
    page = client.get("/receivables/")
    # then one row per client and currency, in its column, and a total per currency
    assert page.status_code == 200
    rows = page.context["rows"]
    assert sorted((row["name"], row["currency"], row["total"]) for row in rows) == sorted(
        [(client_a.name, "EUR", Decimal("119.00")), (client_b.name, "USD", Decimal("59.50"))]
    )
    euro = next(row for row in rows if row["currency"] == "EUR")
    assert euro["amounts"][1] == Decimal("119.00")  # 1-30 days overdue
    assert [(row["currency"], row["total"]) for row in page.context["totals"]] == [
        ("EUR", Decimal("119.00")),
        ("USD", Decimal("59.50")),
    ]
    html = page.content.decode()
    assert "1-30 days overdue" in html and client_b.name in html
    # and the navigation links the page
    assert 'href="/receivables/"' in html


def test_an_account_manager_of_one_client_sees_only_that_clients_rows(
    client, client_a, client_b, open_invoices
):
    # given an account manager of A only
    manager = make_user(Role.ACCOUNT_MANAGER, client_a, email="am-ageing@provider.test")
    client.force_login(manager)
    # when
    page = client.get("/receivables/")
    # then
    assert page.status_code == 200
    assert [row["name"] for row in page.context["rows"]] == [client_a.name]
    assert client_b.name not in page.content.decode()


@pytest.mark.parametrize("role", [Role.SCHEDULER, Role.QA_ANALYST, Role.CLIENT_ADMIN])
def test_the_receivables_are_not_for_other_roles(client, client_a, role):
    user = make_user(role, client_a, email="other-ageing@provider.test")
    client.force_login(user)
    page = client.get("/receivables/")
    assert page.status_code == 404
