"""A client's month rated from real rows: bookings and worked days in the roster (shared with
another client), productive time, interval statistics and the weekly SLA figures the report
shows, under the contract versions of the month."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.db.backends.postgresql.psycopg_any import DateTimeTZRange

from billing.contracts import selectors, services
from billing.contracts.usage import apportion, weeks_of_period
from billing.lines import LineKind
from scheduling.engine import kpi
from scheduling.planning.selectors.sla import IsoWeek, list_week_figures
from scheduling.roster.models import Booking, ProductiveTime, WorkedDay
from tests.catalog.factories import ServiceLineFactory
from tests.roster.factories import AgentFactory
from tests.scheduling.sla_helpers import interval, store

pytestmark = pytest.mark.django_db
D = Decimal
NOVEMBER = (date(2026, 11, 1), date(2026, 11, 30))
_shift_ids = iter(range(50_000, 60_000))


def utc(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=UTC)


def book(agent, client, start, end, line=None):
    return Booking.objects.create(
        agent=agent,
        client=client,
        service_line_id=line,
        during=DateTimeTZRange(start, end),
        plan_id=1,
        shift_id=next(_shift_ids),
    )


@pytest.fixture
def month_of_work(contract_a, client_a, client_b):
    """Client A (New York) in November 2026: an agent on Orders, also booked for client B."""
    orders = ServiceLineFactory(name="Orders", service_level_percent=D(80))
    services.create_contract_version(
        effective_from=date(2026, 11, 1),
        actor=None,
        rates=[
            {"basis": "worked_hour", "unit_price": D("30.00")},
            {"basis": "contact", "unit_price": D("0.50"), "service_line": orders.pk},
        ],
        multipliers=[{"kind": "holiday", "factor": D("2")}],
        sla_credits=[
            {
                "service_line": orders.pk,
                "points_per_step": D(1),
                "credit_percent_per_step": D(2),
                "cap_percent": D(10),
            }
        ],
    )
    connection.set_schema_to_public()
    agent = AgentFactory(full_name="Nora Night", time_zone="America/New_York")
    # Monday 2 November: 09:00-17:00 for A, 18:00-20:00 for B (EST = UTC-5)
    book(agent, client_a, utc(2, 14), utc(2, 22), line=orders.pk)
    book(agent, client_b, utc(2, 23), utc(3, 1))
    WorkedDay.objects.create(
        agent=agent,
        day=date(2026, 11, 2),
        scheduled_minutes=600,
        worked_minutes=540,
        in_state_minutes=450,
        source="clock",
    )
    ProductiveTime.objects.create(
        agent=agent, day=date(2026, 11, 2), client=client_a, service_line_id=orders.pk, minutes=400
    )
    # Thanksgiving, 26 November: 10:00-14:00 for A
    book(agent, client_a, utc(26, 15), utc(26, 19), line=orders.pk)
    WorkedDay.objects.create(
        agent=agent,
        day=date(2026, 11, 26),
        scheduled_minutes=240,
        worked_minutes=240,
        in_state_minutes=240,
        source="confirmed",
    )
    connection.set_tenant(client_a)
    # 100 contacts on 2 November, 70 answered in time (week 2026-W45)
    store(
        interval(
            orders,
            utc(2, 15),
            answered=100,
            answered_within_threshold=70,
            talk_seconds=100 * 200,
            acw_seconds=100 * 40,
        )
    )
    return orders, agent


def test_a_month_is_rated_from_the_roster_the_statistics_and_the_weekly_sla(
    month_of_work, client_a
):
    orders, _agent = month_of_work
    # when
    invoice = selectors.rate_client_month(period_start=NOVEMBER[0], period_end=NOVEMBER[1])
    # then worked time is A's share of the agent's day: 540 x 480/600 = 432 min, plus 240
    lines = {line.kind: line for line in invoice.lines}
    hours = lines[LineKind.HOURS]
    assert (hours.quantity, hours.amount) == (D("11.2000"), D("336.00"))
    assert [(row.day, row.agent_name, row.quantity) for row in hours.evidence] == [
        (date(2026, 11, 2), "Nora Night", D(432)),
        (date(2026, 11, 26), "Nora Night", D(240)),
    ]
    assert set(hours.evidence[0].reference) == {
        "contract_version",
        "rate_line",
        "booking",
        "worked_day",
    }
    # Thanksgiving (the holidays library's US calendar) doubles its 4 hours
    assert (lines[LineKind.MULTIPLIER].quantity, lines[LineKind.MULTIPLIER].amount) == (
        D("4.0000"),
        D("120.00"),
    )
    assert lines[LineKind.CONTACTS].amount == D("50.00")
    # the SLA credit uses the weekly report's figure of W45: 70 % against 80 %: 10 %
    figures = list_week_figures(client=client_a, week=IsoWeek(2026, 45))
    week_line = next(line for line in figures.lines if line.service_line == orders)
    assert kpi.service_level_terms(week_line.week.totals, week_line.convention) == (70, 100)
    credit = lines[LineKind.SLA_CREDIT]
    assert credit.amount == D("-50.60")  # 10 % of 336 + 120 + 50
    assert [(row.week, row.quantity) for row in credit.evidence] == [("2026-W45", D("10.0000"))]
    assert invoice.currency == "USD"
    assert invoice.contract_version_id == selectors.version_in_force(on=NOVEMBER[1]).pk


def test_a_version_from_the_middle_of_the_month_splits_it(month_of_work):
    # given a new hourly price from 16 November
    services.create_contract_version(
        effective_from=date(2026, 11, 16),
        actor=None,
        rates=[{"basis": "worked_hour", "unit_price": D("40.00")}],
        multipliers=[],
        sla_credits=[],
    )
    # when
    invoice = selectors.rate_client_month(period_start=NOVEMBER[0], period_end=NOVEMBER[1])
    # then the 2nd at 30, Thanksgiving at 40, no minute lost or counted twice
    hours = [line for line in invoice.lines if line.kind == LineKind.HOURS]
    assert [(line.unit_price, line.quantity) for line in hours] == [
        (D("30.000000"), D("7.2000")),
        (D("40.000000"), D("4.0000")),
    ]
    assert len(invoice.contract_version_ids) == 2


def test_shares_of_a_day_add_up_and_weeks_belong_to_the_month_of_their_thursday():
    assert apportion(10, [1, 1, 1]) == [4, 3, 3]
    assert sum(apportion(432, [200, 280])) == 432
    assert [str(week) for week in weeks_of_period(*NOVEMBER)] == [
        "2026-W45",
        "2026-W46",
        "2026-W47",
        "2026-W48",
    ]
