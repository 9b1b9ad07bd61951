"""The quote simulator in money: each target's FTE over a line's stored forecast becomes next
month's invoice under the client's contract (billing.contracts.selectors.project_month_invoice),
shown beside the FTE to the roles that may read the contract."""

from __future__ import annotations

from datetime import date, time
from decimal import Decimal

import pytest
from django.db import connection
from django.urls import reverse

from billing.contracts import selectors, services
from billing.contracts.models import ContractVersion
from billing.contracts.usage import projected_terms
from billing.rating.terms import (
    Basis,
    CommittedFteTerm,
    ContractTerms,
    MultiplierKind,
    MultiplierTerm,
    RateTerm,
)
from bpo.accounts.roles import Role
from bpo.catalog.models import OpeningHours
from tests.catalog.factories import ServiceLineFactory
from tests.conftest import make_user
from tests.scheduling.forecast_helpers import make_ready_forecast

pytestmark = pytest.mark.django_db
D = Decimal
TARGETS = {"level_a": 80, "seconds_a": 20, "level_b": 90, "seconds_b": 20}


@pytest.fixture
def forecast_line(contract_a, client_a):
    """Client A's line with a stored forecast of next week (10 contacts of 240 s per quarter
    hour, every hour open), under a contract of 30.00 USD per worked hour and 10 % tax."""
    line = ServiceLineFactory(name="Billing support")
    for weekday in range(7):
        OpeningHours.objects.create(
            service_line=line, weekday=weekday, opens_at=time(8), closes_at=time(20)
        )
    make_ready_forecast(line, time_zone=client_a.time_zone)
    services.create_contract_version(
        effective_from=date(2026, 2, 1),
        actor=None,
        terms={
            "currency": "USD",
            "language": "en-US",
            "default_tax_rate": D("10"),
            "tax_mode": "per_line",
            "minimum_monthly_amount": None,
            "hours_per_fte_month": D("160"),
        },
        rates=[{"basis": "worked_hour", "unit_price": D("30.00")}],
        multipliers=[],
        sla_credits=[],
        committed_fte=[],
    )
    connection.set_schema_to_public()
    return line


def _compare(client, client_a, line):
    return client.get(
        reverse("client:staffing", args=[client_a.slug]), {"forecast_line": line.pk, **TARGETS}
    )


@pytest.mark.parametrize("role", [Role.FINANCE, Role.ACCOUNT_MANAGER, Role.PROVIDER_ADMIN])
def test_each_target_is_next_months_invoice_by_the_rate_card(client, client_a, forecast_line, role):
    # given someone who may read the contract
    client.force_login(make_user(role, client_a))
    # when 80/20 and 90/20 are compared over the forecast
    response = _compare(client, client_a, forecast_line)
    # then each target's FTE x 160 h x 30.00 USD, plus 10 % tax, is the invoice shown
    a, b = response.context["fte_comparison"].figures
    assert (a.fte, b.fte) == (
        pytest.approx(33.6),
        pytest.approx(37.8),
    )  # 8 and 9 agents x 168 h / 40
    by_hand_a = D("33.6") * 160 * D("30.00") * D("1.10")  # 177,408.00
    by_hand_b = D("37.8") * 160 * D("30.00") * D("1.10")  # 199,584.00
    (_, invoice_a), (_, invoice_b) = response.context["projected_invoices"]
    assert (invoice_a.total, invoice_b.total) == (by_hand_a, by_hand_b)
    assert [(line.quantity, line.amount) for line in invoice_a.lines] == [
        (D("5376"), D("161280.00"))
    ]
    page = response.content.decode()
    assert "$177,408.00" in page and "$199,584.00" in page
    assert "+$22,176.00" in page  # the difference of the two, tax included
    assert "How the projection is made" in page
    assert "5,376 hours" in page


def test_a_client_without_a_version_next_month_sees_a_clear_message(
    client, client_a, forecast_line
):
    # given a contract whose versions all start long after next month
    connection.set_tenant(client_a)
    for day, version in enumerate(ContractVersion.objects.order_by("-effective_from"), start=1):
        ContractVersion.objects.filter(pk=version.pk).update(effective_from=date(2099, 1, day))
    connection.set_schema_to_public()
    client.force_login(make_user(Role.FINANCE, client_a))
    # when the targets are compared
    response = _compare(client, client_a, forecast_line)
    # then the FTE are there, the money is not, and the page says why
    assert len(response.context["fte_comparison"].figures) == 2
    assert response.context["projected_invoices"] == []
    page = response.content.decode()
    assert "No contract version is in force next month" in page
    assert "Next month&#x27;s invoice</th>" not in page


def test_a_scheduler_sees_the_fte_but_not_the_money(client, client_a, forecast_line):
    # given a scheduler: forecasts yes, the contract no
    client.force_login(make_user(Role.SCHEDULER, client_a))
    # when the targets are compared
    response = _compare(client, client_a, forecast_line)
    # then no invoice, amount or contract message reaches the page
    assert len(response.context["fte_comparison"].figures) == 2
    assert "projected_invoices" not in response.context
    page = response.content.decode()
    assert "projected-invoices" not in page and "$" not in page


def test_a_client_admin_sees_neither_forecast_fte_nor_money(
    client, client_a, client_a_admin, forecast_line
):
    # given the client's own admin (the calculator is open to clients, forecasts are not)
    client.force_login(client_a_admin)
    # when the comparison is asked for
    response = _compare(client, client_a, forecast_line)
    # then the page is the per-interval calculator only
    assert response.status_code == 200
    assert "fte_comparison" not in response.context
    assert "projected-invoices" not in response.content.decode()


def test_the_projection_leaves_out_what_a_target_does_not_decide():
    # given a card with an hour rate, a role rate, a contact rate, an every-line FTE rate, a
    # line's own FTE rate, a night rule and a windowed and a whole-month commitment
    terms = ContractTerms(
        version_id=1,
        version_number=1,
        effective_from=date(2027, 1, 1),
        currency="USD",
        time_zone="America/New_York",
        country="US",
        rates=(
            RateTerm(id=1, basis=Basis.WORKED_HOUR, unit_price=D("30")),
            RateTerm(id=2, basis=Basis.WORKED_HOUR, unit_price=D("35"), role="French"),
            RateTerm(id=3, basis=Basis.CONTACT, unit_price=D("0.5")),
            RateTerm(id=4, basis=Basis.FTE_MONTH, unit_price=D("100")),
            RateTerm(id=5, basis=Basis.FTE_MONTH, unit_price=D("200"), service_line_id=7),
            RateTerm(id=6, basis=Basis.SEAT_MONTH, unit_price=D("50"), service_line_id=9),
        ),
        multipliers=(MultiplierTerm(id=1, kind=MultiplierKind.NIGHT, factor=D("1.25")),),
        committed_fte=(
            CommittedFteTerm(id=1, fte=D("5")),
            CommittedFteTerm(id=2, fte=D("2"), weekdays=(0,)),
        ),
    )
    # when lines 7 and 8 are projected with 3 and 4 FTE
    projected = projected_terms(terms, fte_by_line={7: D("3"), 8: D("4")})
    # then the role and contact rates, the night rule and the windowed commitment are gone, the
    # line's own FTE rate counts its 3 FTE, the every-line one the other line's 4, and the seat
    # rate of an unstaffed line is dropped
    assert [(rate.id, rate.quantity) for rate in projected.rates] == [
        (1, D(1)),
        (4, D("4")),
        (5, D("3")),
    ]
    assert projected.multipliers == ()
    assert [commitment.id for commitment in projected.committed_fte] == [1]


def test_per_fte_rates_bill_the_projected_fte_and_a_version_mid_month_splits_it(contract_a):
    # given 2 000.00 EUR per FTE month on the line until the 16th, then 2 200.00
    line = ServiceLineFactory(name="Orders")
    terms = {"currency": "EUR", "language": "de-DE", "default_tax_rate": D("0")}
    services.create_contract_version(
        effective_from=date(2027, 3, 1),
        actor=None,
        terms={**terms, "minimum_monthly_amount": None},
        rates=[{"basis": "fte_month", "unit_price": D("2000.00"), "service_line": line.pk}],
        multipliers=[],
        sla_credits=[],
        committed_fte=[],
    )
    services.create_contract_version(
        effective_from=date(2027, 4, 16),
        actor=None,
        rates=[{"basis": "fte_month", "unit_price": D("2200.00"), "service_line": line.pk}],
    )
    # when April 2027 (30 days) is projected with 10.5 FTE on the line
    invoice = selectors.project_month_invoice(fte_by_line={line.pk: 10.5}, month=date(2027, 4, 9))
    # then 15/30 of 10.5 FTE at 2 000.00 and 15/30 at 2 200.00, in German
    assert invoice.total == D("10.5") / 2 * D("2000.00") + D("10.5") / 2 * D("2200.00")
    assert invoice.total_text == "22.050,00\xa0€"
    assert invoice.version_numbers[-2:] == (
        invoice.version_numbers[-2],
        invoice.version_numbers[-2] + 1,
    )
