"""The register's reads across clients: receivables ageing (current, 1-30, 31-60, 61-90, 90+
days overdue) per client and currency, only of the clients the reader does finance for."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection

from billing.invoices import services
from billing.ledger.selectors import ageing_bucket, list_register_documents, receivables_ageing
from bpo.accounts.roles import Role
from tests.billing.invoices.helpers import hours_line, make_draft, make_legal_entity
from tests.conftest import in_schema, make_user

pytestmark = pytest.mark.django_db

AS_OF = date(2027, 6, 30)


def issue(entity, amount: str, *, due_days_ago: int, currency: str = "EUR"):
    """An issued invoice (tax 19 %) due ``due_days_ago`` days before ``AS_OF``."""
    draft = make_draft(entity, hours_line(amount), currency=currency, payment_terms_days=30)
    issued_on = AS_OF - timedelta(days=due_days_ago + 30)
    return services.issue_invoice(invoice=draft, actor=None, issue_date=issued_on)


@pytest.mark.parametrize(
    ("days", "bucket"),
    [
        (-5, "current"),
        (0, "current"),
        (1, "days_1_30"),
        (30, "days_1_30"),
        (31, "days_31_60"),
        (60, "days_31_60"),
        (61, "days_61_90"),
        (90, "days_61_90"),
        (91, "days_over_90"),
    ],
)
def test_the_buckets_edges(days, bucket):
    assert ageing_bucket(due_date=AS_OF - timedelta(days=days), as_of=AS_OF) == bucket


def test_ageing_across_clients_only_of_the_readers_clients(client_a, client_b, provider_admin):
    # given client A: one invoice per bucket, a partly paid one, a paid one and a void one
    entity = make_legal_entity()
    in_schema(client_a)
    for amount, days in (("100.00", -3), ("200.00", 10), ("300.00", 45), ("400.00", 75)):
        issue(entity, amount, due_days_ago=days)
    partly = issue(entity, "1000.00", due_days_ago=120)
    services.record_payment(invoice=partly, amount=Decimal("190.00"), received_on=AS_OF, actor=None)
    paid = issue(entity, "10.00", due_days_ago=50)
    services.record_payment(invoice=paid, amount=Decimal("11.90"), received_on=AS_OF, actor=None)
    services.void_invoice(
        invoice=issue(entity, "10.00", due_days_ago=50), reason="Duplicate", actor=None
    )
    # and client B an invoice in dollars
    in_schema(client_b)
    issue(entity, "50.00", due_days_ago=5, currency="USD")
    connection.set_schema_to_public()
    finance_a = make_user(Role.FINANCE, client_a, email="finance-a@provider.test")
    client_admin_a = make_user(Role.CLIENT_ADMIN, client_a, email="ca@acme-a.test")

    # when
    by_admin = receivables_ageing(user=provider_admin, as_of=AS_OF)
    by_finance = receivables_ageing(user=finance_a, as_of=AS_OF)
    by_client = receivables_ageing(user=client_admin_a, as_of=AS_OF)

    # then the provider admin sees both clients, per currency
    assert [(row.client_name, row.currency) for row in by_admin.rows] == sorted(
        [(client_a.name, "EUR"), (client_b.name, "USD")]
    )
    acme = next(row for row in by_admin.rows if row.currency == "EUR")
    assert acme.buckets == {
        "current": Decimal("119.00"),
        "days_1_30": Decimal("238.00"),
        "days_31_60": Decimal("357.00"),
        "days_61_90": Decimal("476.00"),
        "days_over_90": Decimal("1000.00"),  # 1190.00 less 190.00 paid
    }
    assert acme.documents == 5 and acme.total == Decimal("2190.00")
    assert by_admin.totals["USD"].buckets["days_1_30"] == Decimal("59.50")
    # finance of A sees only A; the client's own admin no register at all
    assert [row.client_id for row in by_finance.rows] == [client_a.pk]
    assert by_client.rows == []
    assert list_register_documents(user=client_admin_a).count() == 0
    assert list_register_documents(user=finance_a).count() == 7
