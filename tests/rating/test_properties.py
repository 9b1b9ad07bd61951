"""Properties of the rating engine (hypothesis; pure)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from billing.lines import LineKind
from billing.money import percent_of, round_money, round_quantity
from billing.rating import VersionPart, rate_month, rate_period, split_usage
from billing.rating.terms import (
    Basis,
    ContractTerms,
    MultiplierKind,
    MultiplierTerm,
    RateTerm,
    SlaCreditTerm,
)
from billing.rating.usage import MonthUsage, SlaWeek, TimeSpan

D = Decimal
ZONE = ZoneInfo("Europe/Berlin")
FIRST, LAST = date(2026, 10, 1), date(2026, 10, 31)  # the month of a DST change

prices = st.decimals(min_value=D("0.01"), max_value=D("500"), places=2)


@st.composite
def spans(draw):
    day = draw(st.dates(min_value=FIRST, max_value=LAST))
    start_minute = draw(st.integers(min_value=0, max_value=24 * 60 - 1))
    length = draw(st.integers(min_value=1, max_value=12 * 60))
    starts = datetime.combine(day, datetime.min.time(), tzinfo=ZONE) + timedelta(
        minutes=start_minute
    )
    ends = starts + timedelta(minutes=length)
    minutes = int(
        (ends.astimezone(ZoneInfo("UTC")) - starts.astimezone(ZoneInfo("UTC"))).total_seconds()
        // 60
    )
    return TimeSpan(
        agent_id=draw(st.integers(min_value=1, max_value=4)),
        agent_name="A",
        day=day,
        service_line_id=draw(st.sampled_from([1, 2])),
        scheduled_minutes=minutes,
        worked_minutes=draw(st.integers(min_value=0, max_value=minutes)),
        in_state_minutes=draw(st.integers(min_value=0, max_value=minutes)),
        starts_at=starts,
        ends_at=ends,
    )


def contract(version_id: int, price: Decimal, currency: str = "EUR") -> ContractTerms:
    return ContractTerms(
        version_id=version_id,
        version_number=version_id,
        effective_from=FIRST,
        currency=currency,
        time_zone="Europe/Berlin",
        country="DE",
        rates=(
            RateTerm(id=version_id * 10, basis=Basis.WORKED_HOUR, unit_price=price),
            RateTerm(
                id=version_id * 10 + 1,
                basis=Basis.SCHEDULED_HOUR,
                unit_price=price,
                service_line_id=2,
            ),
        ),
        multipliers=(
            MultiplierTerm(
                id=1,
                kind=MultiplierKind.NIGHT,
                factor=D("1.25"),
                night_starts=datetime.min.time().replace(hour=22),
                night_ends=datetime.min.time().replace(hour=6),
            ),
            MultiplierTerm(
                id=2, kind=MultiplierKind.OVERTIME_DAY, factor=D("1.5"), threshold_hours=D(8)
            ),
            MultiplierTerm(id=3, kind=MultiplierKind.HOLIDAY, factor=D("2")),
        ),
    )


@settings(max_examples=60, deadline=None)
@given(st.lists(spans(), max_size=25), prices, st.sampled_from(["EUR", "JPY", "BHD"]))
def test_every_line_is_its_quantity_times_its_price_rounded_once(usage_spans, price, currency):
    usage = MonthUsage(period_start=FIRST, period_end=LAST, spans=tuple(usage_spans))
    invoice = rate_month(contract(1, price, currency), usage, holidays={date(2026, 10, 3): "Unity"})
    for line in invoice.lines:
        assert line.amount == round_money(line.quantity * line.unit_price, currency)
        if line.kind == LineKind.HOURS:
            minutes = sum(row.quantity for row in line.evidence)
            assert line.quantity == round_quantity(minutes / 60)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(spans(), max_size=25), st.dates(min_value=FIRST + timedelta(days=1), max_value=LAST)
)
def test_splitting_a_month_across_versions_loses_no_minute(usage_spans, change_day):
    usage = MonthUsage(period_start=FIRST, period_end=LAST, spans=tuple(usage_spans))
    parts = [
        VersionPart(contract(1, D("20")), FIRST, change_day - timedelta(days=1)),
        VersionPart(contract(2, D("30")), change_day, LAST),
    ]
    # the parts hold every span exactly once
    pieces = split_usage(parts, usage)
    assert sorted(map(id, [span for piece in pieces for span in piece.spans])) == sorted(
        map(id, usage.spans)
    )
    # and the hour lines bill every billable minute once: worked minutes on line 1,
    # scheduled minutes on line 2
    invoice = rate_period(parts, usage, holidays={})
    billed = sum(
        row.quantity
        for line in invoice.lines
        if line.kind == LineKind.HOURS
        for row in line.evidence
    )
    expected = sum(
        span.worked_minutes if span.service_line_id == 1 else span.scheduled_minutes
        for span in usage_spans
        if (span.worked_minutes if span.service_line_id == 1 else span.scheduled_minutes)
    )
    assert billed == expected
    for line in invoice.lines:
        version = 1 if line.rate_line_id in (10, 11) else 2
        assert line.contract_version_id == version


@settings(max_examples=100, deadline=None)
@given(
    fee=prices,
    levels=st.lists(st.integers(min_value=0, max_value=1000), min_size=1, max_size=5),
    step=st.decimals(min_value=D("0.5"), max_value=D("10"), places=1),
    per_step=st.decimals(min_value=D("0.5"), max_value=D("20"), places=1),
    cap=st.decimals(min_value=D("1"), max_value=D("50"), places=0),
)
def test_an_sla_credit_never_exceeds_its_cap(fee, levels, step, per_step, cap):
    terms = ContractTerms(
        version_id=1,
        version_number=1,
        effective_from=FIRST,
        currency="EUR",
        time_zone="Europe/Berlin",
        country="DE",
        rates=(RateTerm(id=1, basis=Basis.SEAT_MONTH, unit_price=fee, service_line_id=1),),
        sla_credits=(
            SlaCreditTerm(
                id=1,
                service_line_id=1,
                points_per_step=step,
                credit_percent_per_step=per_step,
                cap_percent=cap,
            ),
        ),
    )
    weeks = tuple(
        SlaWeek(1, f"2026-W{41 + n}", met=level, counted=1000, target_percent=D(80))
        for n, level in enumerate(levels)
    )
    usage = MonthUsage(period_start=FIRST, period_end=LAST, sla_weeks=weeks)
    invoice = rate_month(terms, usage, holidays={})
    fees = sum(line.amount for line in invoice.lines if line.kind == LineKind.SEATS)
    for line in invoice.lines:
        if line.kind == LineKind.SLA_CREDIT:
            assert line.amount < 0
            assert -line.amount <= percent_of(fees, cap, "EUR")
            for row in line.evidence:
                assert row.quantity <= cap
