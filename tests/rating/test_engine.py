"""Golden cases of the rating engine, one per rule (pure: runs with ``-p no:django``)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from billing.lines import LineKind, TaxCategory
from billing.rating import RatingError, VersionPart, rate_month, rate_period
from billing.rating.calendar import public_holidays
from billing.rating.terms import (
    Basis,
    CommittedFteTerm,
    ContractTerms,
    MultiplierKind,
    MultiplierTerm,
    RateTerm,
    SlaCreditTerm,
    TrueUpRule,
)
from billing.rating.usage import ContactDay, MonthUsage, SlaWeek, TimeSpan

D = Decimal
NY = ZoneInfo("America/New_York")
MX = ZoneInfo("America/Mexico_City")
BERLIN = ZoneInfo("Europe/Berlin")
ORDERS, RETURNS = 11, 12
NAMES = {ORDERS: "Orders", RETURNS: "Returns"}


def terms(**overrides) -> ContractTerms:
    values = {
        "version_id": 1,
        "version_number": 1,
        "effective_from": date(2026, 1, 1),
        "currency": "USD",
        "time_zone": "America/New_York",
        "country": "US",
        "default_tax_rate": D("0"),
        "rates": (RateTerm(id=100, basis=Basis.WORKED_HOUR, unit_price=D("25.00")),),
    }
    values.update(overrides)
    return ContractTerms(**values)


def shift(
    day: date,
    start: str,
    end: str,
    *,
    zone=NY,
    agent=1,
    line=ORDERS,
    worked=None,
    productive=0,
    in_state=None,
) -> TimeSpan:
    starts = datetime.combine(day, time.fromisoformat(start), tzinfo=zone)
    ends_day = day if end > start else date.fromordinal(day.toordinal() + 1)
    ends = datetime.combine(ends_day, time.fromisoformat(end), tzinfo=zone)
    minutes = int((ends.astimezone(UTC) - starts.astimezone(UTC)).total_seconds() // 60)
    return TimeSpan(
        agent_id=agent,
        agent_name=f"Agent {agent}",
        day=day,
        service_line_id=line,
        scheduled_minutes=minutes,
        worked_minutes=minutes if worked is None else worked,
        productive_minutes=productive,
        in_state_minutes=minutes if in_state is None else in_state,
        starts_at=starts,
        ends_at=ends,
        reference={"booking": agent * 1000 + day.day},
    )


def month(year=2026, number=11, **values) -> MonthUsage:
    first = date(year, number, 1)
    last = date(year + number // 12, number % 12 + 1, 1).fromordinal(
        date(year + number // 12, number % 12 + 1, 1).toordinal() - 1
    )
    return MonthUsage(period_start=first, period_end=last, service_line_names=NAMES, **values)


def only(lines, kind):
    found = [line for line in lines if line.kind == kind]
    assert len(found) == 1, found
    return found[0]


# --- hours ---------------------------------------------------------------------------------


def test_worked_hours_are_billed_per_rate_and_line_with_an_evidence_row_per_shift():
    # given two agents' shifts on two lines, 8 h and 7.5 h and 4 h 20 min
    usage = month(
        spans=(
            shift(date(2026, 11, 2), "09:00", "17:00"),
            shift(date(2026, 11, 3), "09:00", "16:30", agent=2),
            shift(date(2026, 11, 3), "09:00", "13:20", line=RETURNS),
        )
    )
    # when
    invoice = rate_month(terms(), usage, holidays={})
    # then one line per line, quantity in hours to four places, amount rounded once
    orders, returns = sorted(invoice.lines, key=lambda line: line.service_line_name)
    assert (orders.description, orders.quantity, orders.amount) == (
        "Worked hours, Orders",
        D("15.5000"),
        D("387.50"),
    )
    assert (returns.quantity, returns.unit_price, returns.amount) == (
        D("4.3333"),
        D("25.00"),
        D("108.33"),
    )
    assert [(row.agent_name, row.day, row.quantity) for row in orders.evidence] == [
        ("Agent 1", date(2026, 11, 2), D(480)),
        ("Agent 2", date(2026, 11, 3), D(450)),
    ]
    assert orders.evidence[0].source == "worked_day"
    assert orders.evidence[0].reference == {
        "contract_version": 1,
        "rate_line": 100,
        "booking": 1002,
    }
    assert orders.contract_version_id == 1
    assert invoice.contract_version_ids == (1,)


def test_the_most_specific_rate_wins_a_line_and_the_general_one_bills_the_rest():
    # given a productive-hour rate on Returns and a worked-hour rate for all lines
    card = (
        RateTerm(id=1, basis=Basis.WORKED_HOUR, unit_price=D("20")),
        RateTerm(id=2, basis=Basis.PRODUCTIVE_HOUR, unit_price=D("30"), service_line_id=RETURNS),
    )
    usage = month(
        spans=(
            shift(date(2026, 11, 2), "09:00", "17:00"),
            shift(date(2026, 11, 2), "17:00", "19:00", line=RETURNS, productive=90),
        )
    )
    # when
    invoice = rate_month(terms(rates=card), usage, holidays={})
    # then
    assert sorted((line.rate_line_id, line.quantity, line.amount) for line in invoice.lines) == [
        (1, D("8.0000"), D("160.00")),
        (2, D("1.5000"), D("45.00")),
    ]


# --- multipliers -----------------------------------------------------------------------------


def test_night_hours_across_midnight_bill_their_extra_as_a_multiplier_line():
    # given a night rule 22:00-06:00 x 1.25 and a shift 20:00-04:00
    rule = MultiplierTerm(
        id=7, kind=MultiplierKind.NIGHT, factor=D("1.25"), night_starts=time(22), night_ends=time(6)
    )
    usage = month(spans=(shift(date(2026, 11, 5), "20:00", "04:00"),))
    # when
    invoice = rate_month(terms(multipliers=(rule,)), usage, holidays={})
    # then 8 hours billed, and 6 of them at 25 % extra: 6 x 6.25
    assert only(invoice.lines, LineKind.HOURS).amount == D("200.00")
    extra = only(invoice.lines, LineKind.MULTIPLIER)
    assert (extra.quantity, extra.unit_price, extra.amount) == (
        D("6.0000"),
        D("6.250000"),
        D("37.50"),
    )
    assert extra.rule == "Night 22:00-06:00 x 1.25"
    assert extra.evidence[0].reference["multiplier_rule"] == 7
    assert extra.evidence[0].quantity == D("360.0000")


def test_holiday_multiplier_in_mexico_on_independence_day():
    # given a Mexican client, a holiday rule x 2 and shifts on 15 and 16 September
    assert public_holidays("MX", [2026])[date(2026, 9, 16)] == "Independence Day"
    rule = MultiplierTerm(id=8, kind=MultiplierKind.HOLIDAY, factor=D("2"))
    contract = terms(
        currency="MXN",
        country="MX",
        time_zone="America/Mexico_City",
        rates=(RateTerm(id=100, basis=Basis.SCHEDULED_HOUR, unit_price=D("180.00")),),
        multipliers=(rule,),
    )
    usage = month(
        2026,
        9,
        spans=(
            shift(date(2026, 9, 15), "18:00", "02:00", zone=MX),  # 2 h after midnight: the 16th
            shift(date(2026, 9, 16), "08:00", "16:00", zone=MX, agent=2),
        ),
    )
    # when the holidays come from the library (None)
    invoice = rate_month(contract, usage, holidays=None)
    # then 10 holiday hours earn the extra 180 each
    extra = only(invoice.lines, LineKind.MULTIPLIER)
    assert (extra.quantity, extra.unit_price, extra.amount) == (
        D("10.0000"),
        D("180.000000"),
        D("1800.00"),
    )
    assert extra.rule == "Public holidays (MX) x 2"
    assert [row.quantity for row in extra.evidence] == [D("120.0000"), D("480.0000")]


def test_holiday_multiplier_in_germany_on_unity_day_and_a_regional_holiday():
    # given a German client (Bavaria), a holiday rule x 1.5; 3 October is national, 6 January
    # is Bavarian only
    assert date(2026, 10, 3) in public_holidays("DE", [2026])
    assert date(2026, 1, 6) not in public_holidays("DE", [2026])
    assert date(2026, 1, 6) in public_holidays("DE", [2026], "BY")
    rule = MultiplierTerm(id=9, kind=MultiplierKind.HOLIDAY, factor=D("1.5"), subdivision="BY")
    contract = terms(
        currency="EUR",
        country="DE",
        time_zone="Europe/Berlin",
        rates=(RateTerm(id=100, basis=Basis.WORKED_HOUR, unit_price=D("40.00")),),
        multipliers=(rule,),
    )
    october = month(2026, 10, spans=(shift(date(2026, 10, 3), "10:00", "14:00", zone=BERLIN),))
    january = month(2026, 1, spans=(shift(date(2026, 1, 6), "10:00", "12:00", zone=BERLIN),))
    # when
    in_october = rate_month(contract, october)
    in_january = rate_month(contract, january)
    # then 4 h x 20 extra, and the regional holiday counts as well
    assert only(in_october.lines, LineKind.MULTIPLIER).amount == D("80.00")
    assert only(in_january.lines, LineKind.MULTIPLIER).amount == D("40.00")
    assert only(in_january.lines, LineKind.MULTIPLIER).rule == "Public holidays (DE-BY) x 1.5"


def test_day_total_minutes_on_a_holiday_count_whole_and_never_at_night():
    # given productive minutes known only as a day total (no clock times)
    span = TimeSpan(
        agent_id=1,
        agent_name="A",
        day=date(2026, 10, 3),
        service_line_id=ORDERS,
        scheduled_minutes=0,
        productive_minutes=300,
    )
    rules = (
        MultiplierTerm(id=1, kind=MultiplierKind.HOLIDAY, factor=D("2")),
        MultiplierTerm(
            id=2,
            kind=MultiplierKind.NIGHT,
            factor=D("2"),
            night_starts=time(0),
            night_ends=time(23, 59),
        ),
    )
    contract = terms(
        country="DE",
        rates=(RateTerm(id=5, basis=Basis.PRODUCTIVE_HOUR, unit_price=D("10")),),
        multipliers=rules,
    )
    # when
    invoice = rate_month(
        contract, month(2026, 10, spans=(span,)), holidays={date(2026, 10, 3): "x"}
    )
    # then
    assert only(invoice.lines, LineKind.MULTIPLIER).amount == D("50.00")


def test_overtime_over_eight_hours_a_day_counts_the_agents_hours_in_order():
    # given two shifts of one agent on one day (6 h + 4 h) and a rule over 8 h a day x 1.5
    rule = MultiplierTerm(
        id=3, kind=MultiplierKind.OVERTIME_DAY, factor=D("1.5"), threshold_hours=D("8")
    )
    usage = month(
        spans=(
            shift(date(2026, 11, 2), "08:00", "14:00"),
            shift(date(2026, 11, 2), "15:00", "19:00", line=RETURNS),
            shift(date(2026, 11, 3), "08:00", "17:00", agent=2),
        )
    )
    # when
    invoice = rate_month(terms(multipliers=(rule,)), usage, holidays={})
    # then agent 1's last 2 h (on Returns) and agent 2's ninth hour earn 12.50 extra each
    extras = sorted(
        (line.service_line_name, line.quantity, line.amount)
        for line in invoice.lines
        if line.kind == LineKind.MULTIPLIER
    )
    assert extras == [("Orders", D("1.0000"), D("12.50")), ("Returns", D("2.0000"), D("25.00"))]


def test_weekly_overtime_counts_the_iso_week():
    # given five 9-hour days in one week and a rule over 40 h a week
    rule = MultiplierTerm(
        id=4, kind=MultiplierKind.OVERTIME_WEEK, factor=D("1.5"), threshold_hours=D("40")
    )
    days = [date(2026, 11, day) for day in range(2, 7)]
    usage = month(spans=tuple(shift(day, "08:00", "17:00") for day in days))
    # when
    invoice = rate_month(terms(multipliers=(rule,)), usage, holidays={})
    # then 45 - 40 = 5 hours, all on Friday
    extra = only(invoice.lines, LineKind.MULTIPLIER)
    assert (extra.quantity, extra.amount) == (D("5.0000"), D("62.50"))
    assert [row.day for row in extra.evidence] == [date(2026, 11, 6)]


# --- seats, contacts, fees --------------------------------------------------------------------


def test_a_seat_month_is_prorated_by_the_days_the_client_was_live():
    # given 10 seats at 3,000 EUR and a client live from the 10th of a 30-day month
    card = (RateTerm(id=20, basis=Basis.SEAT_MONTH, unit_price=D("3000.00"), quantity=D(10)),)
    usage = month(2026, 11, live_from=date(2026, 11, 10))
    # when
    invoice = rate_month(terms(currency="EUR", rates=card), usage, holidays={})
    # then 10 x 21/30 = 7 seat-months
    line = only(invoice.lines, LineKind.SEATS)
    assert (line.quantity, line.amount) == (D("7.0000"), D("21000.00"))
    assert line.evidence[0].detail == "10 seats x 21 of 30 days live"


def test_contacts_and_minutes_handled_are_billed_per_line():
    # given a per-contact rate on Orders and a per-minute rate for all lines
    card = (
        RateTerm(id=30, basis=Basis.CONTACT, unit_price=D("4.10"), service_line_id=ORDERS),
        RateTerm(id=31, basis=Basis.HANDLED_MINUTE, unit_price=D("0.85")),
    )
    usage = month(
        contacts=(
            ContactDay(ORDERS, date(2026, 11, 2), contacts=120, handled_seconds=36000),
            ContactDay(ORDERS, date(2026, 11, 3), contacts=80, handled_seconds=24030),
            ContactDay(RETURNS, date(2026, 11, 3), contacts=10, handled_seconds=3000),
        )
    )
    # when
    invoice = rate_month(terms(rates=card), usage, holidays={})
    # then
    assert sorted(
        (line.rate_line_id, line.service_line_name, line.quantity, line.amount)
        for line in invoice.lines
    ) == [
        (30, "Orders", D(200), D("820.00")),
        (31, "Orders", D("1000.5000"), D("850.43")),
        (31, "Returns", D("50.0000"), D("42.50")),
    ]


def test_a_one_off_fee_is_billed_in_the_month_of_its_day_only():
    card = (RateTerm(id=40, basis=Basis.ONE_OFF_FEE, unit_price=D("500"), description="Setup"),)
    contract = terms(rates=card, effective_from=date(2026, 11, 1))
    assert only(rate_month(contract, month(), holidays={}).lines, LineKind.FEE).amount == D(
        "500.00"
    )
    assert rate_month(contract, month(2026, 12), holidays={}).lines == ()


# --- commitments ------------------------------------------------------------------------------


def test_minimum_monthly_commitment_adds_a_true_up_line():
    # given a minimum of 1,000 and 20 worked hours at 25
    usage = month(spans=tuple(shift(date(2026, 11, d), "09:00", "19:00") for d in (2, 3)))
    contract = terms(minimum_monthly_amount=D("1000"))
    # when
    invoice = rate_month(contract, usage, holidays={})
    # then
    true_up = only(invoice.lines, LineKind.TRUE_UP)
    assert (true_up.quantity, true_up.unit_price, true_up.amount) == (
        D(1),
        D("500.00"),
        D("500.00"),
    )
    assert sum(line.amount for line in invoice.lines) == D("1000.00")
    assert rate_month(terms(minimum_monthly_amount=D("500")), usage, holidays={}).lines[
        -1
    ].kind == (LineKind.HOURS)


def test_committed_fte_shortfall_is_billed_under_the_true_up_rule():
    # given 2 FTE committed on Orders (160 h per FTE month), an FTE price of 4,000, and
    # 240 scheduled hours delivered at 90 % adherence (216 h = 1.35 FTE)
    spans = tuple(
        shift(date(2026, 11, day), "08:00", "16:00", agent=agent, in_state=432)
        for day in range(2, 17)
        for agent in (1, 2)
    )
    card = (
        RateTerm(id=1, basis=Basis.SCHEDULED_HOUR, unit_price=D("25")),
        RateTerm(
            id=2, basis=Basis.FTE_MONTH, unit_price=D("4000"), quantity=D(0), service_line_id=ORDERS
        ),
    )
    commitment = CommittedFteTerm(id=60, fte=D(2), service_line_id=ORDERS)
    contract = terms(
        rates=card, committed_fte=(commitment,), fte_true_up_rule=TrueUpRule.BILL_SHORTFALL
    )
    # when
    invoice = rate_month(contract, month(spans=spans), holidays={})
    # then 0.65 FTE short x 4,000
    line = only(invoice.lines, LineKind.TRUE_UP)
    assert line.description == "Committed 2 FTE, delivered 1.35 FTE, Orders"
    assert (line.quantity, line.unit_price, line.amount) == (D("0.6500"), D("4000"), D("2600.00"))
    assert line.rule == "Shortfall of 0.65 FTE billed"
    # credited instead, or only reported
    credited = rate_month(
        terms(
            rates=card, committed_fte=(commitment,), fte_true_up_rule=TrueUpRule.CREDIT_SHORTFALL
        ),
        month(spans=spans),
        holidays={},
    )
    assert only(credited.lines, LineKind.TRUE_UP).amount == D("-2600.00")
    reported = rate_month(
        terms(rates=card, committed_fte=(commitment,)), month(spans=spans), holidays={}
    )
    assert only(reported.lines, LineKind.TRUE_UP).amount == D("0.00")
    assert "reported" in reported.notes[0]


def test_committed_fte_in_a_window_compares_with_the_windows_open_time():
    # given 1 FTE committed Mondays 08:00-12:00 and one agent there every Monday of
    # November 2026 (5 Mondays) for 2 of the 4 hours
    commitment = CommittedFteTerm(
        id=61, fte=D(1), weekdays=(0,), window_starts=time(8), window_ends=time(12)
    )
    spans = tuple(shift(date(2026, 11, day), "10:00", "14:00") for day in (2, 9, 16, 23, 30))
    contract = terms(committed_fte=(commitment,), fte_true_up_rule=TrueUpRule.BILL_SHORTFALL)
    # when
    invoice = rate_month(contract, month(spans=spans), holidays={})
    # then delivered 0.5 FTE, 0.5 short at 25 x 160
    line = only(invoice.lines, LineKind.TRUE_UP)
    assert line.description == "Committed 1 FTE (Mon 08:00-12:00), delivered 0.5 FTE, All lines"
    assert (line.quantity, line.unit_price, line.amount) == (
        D("0.5000"),
        D("4000.000000"),
        D("2000.00"),
    )


# --- SLA ------------------------------------------------------------------------------------


def test_sla_credit_from_known_weeks_is_a_share_of_the_lines_fees_capped():
    # given Orders billed 10,000 in November; a rule: 2 % per point below target, at most 10 %
    # weeks (Thursday in November): W45 74.1 % (5.9 points short: 5 steps = 10 %), W46 on
    # target, W47 78.5 % (1 step = 2 %), W48 30 % (capped 10 %); W44's Thursday is 29 October
    card = (RateTerm(id=1, basis=Basis.SEAT_MONTH, unit_price=D("10000"), service_line_id=ORDERS),)
    rule = SlaCreditTerm(
        id=70,
        service_line_id=ORDERS,
        points_per_step=D(1),
        credit_percent_per_step=D(2),
        cap_percent=D(10),
    )
    weeks = (
        SlaWeek(ORDERS, "2026-W44", met=0, counted=100, target_percent=D(80)),
        SlaWeek(ORDERS, "2026-W45", met=741, counted=1000, target_percent=D(80)),
        SlaWeek(ORDERS, "2026-W46", met=800, counted=1000, target_percent=D(80)),
        SlaWeek(ORDERS, "2026-W47", met=785, counted=1000, target_percent=D(80)),
        SlaWeek(ORDERS, "2026-W48", met=30, counted=100, target_percent=D(80)),
        SlaWeek(RETURNS, "2026-W45", met=0, counted=100, target_percent=D(80)),
    )
    # when
    invoice = rate_month(
        terms(rates=card, sla_credits=(rule,)), month(sla_weeks=weeks), holidays={}
    )
    # then (10 + 0 + 2 + 10) / 4 = 5.5 % of 10,000
    credit = only(invoice.lines, LineKind.SLA_CREDIT)
    assert (credit.quantity, credit.unit_price, credit.amount) == (D(1), D("-550.00"), D("-550.00"))
    assert [(row.week, row.quantity) for row in credit.evidence] == [
        ("2026-W45", D("10.0000")),
        ("2026-W46", D("0.0000")),
        ("2026-W47", D("2.0000")),
        ("2026-W48", D("10.0000")),
    ]
    assert credit.evidence[0].detail == (
        "Service level 74.1 % (741 of 1000) against 80 % target: 10 %"
    )
    assert WEEK_RULE_TEXT in invoice.notes


WEEK_RULE_TEXT = "An ISO week is billed in the month that holds its Thursday."


def test_sla_bonus_above_target():
    card = (RateTerm(id=1, basis=Basis.SEAT_MONTH, unit_price=D("1000"), service_line_id=ORDERS),)
    rule = SlaCreditTerm(
        id=71,
        service_line_id=ORDERS,
        points_per_step=D(1),
        credit_percent_per_step=D(2),
        cap_percent=D(10),
        bonus_points_per_step=D(5),
        bonus_percent_per_step=D(1),
        bonus_cap_percent=D(3),
    )
    weeks = (SlaWeek(ORDERS, "2026-W46", met=95, counted=100, target_percent=D(80)),)
    invoice = rate_month(
        terms(rates=card, sla_credits=(rule,)), month(sla_weeks=weeks), holidays={}
    )
    bonus = only(invoice.lines, LineKind.SLA_BONUS)
    assert bonus.amount == D("30.00")  # 15 points above: 3 steps of 1 %, at the cap


# --- tax --------------------------------------------------------------------------------------


def test_tax_rates_per_line_and_the_reverse_charge():
    card = (
        RateTerm(id=1, basis=Basis.WORKED_HOUR, unit_price=D("25")),
        RateTerm(id=2, basis=Basis.ONE_OFF_FEE, unit_price=D("100"), tax_rate=D("7")),
    )
    usage = month(spans=(shift(date(2026, 11, 2), "09:00", "10:00"),))
    contract = terms(rates=card, default_tax_rate=D("19"), effective_from=date(2026, 11, 1))
    taxed = rate_month(contract, usage, holidays={})
    assert {(line.kind, line.tax_category, line.tax_rate) for line in taxed.lines} == {
        (LineKind.HOURS, TaxCategory.STANDARD, D("19")),
        (LineKind.FEE, TaxCategory.STANDARD, D("7")),
    }
    reversed_ = rate_month(
        terms(
            rates=card,
            default_tax_rate=D("19"),
            reverse_charge=True,
            effective_from=date(2026, 11, 1),
        ),
        usage,
        holidays={},
    )
    assert {(line.tax_category, line.tax_rate) for line in reversed_.lines} == {
        (TaxCategory.REVERSE_CHARGE, D(0))
    }
    assert reversed_.reverse_charge is True


# --- versions ---------------------------------------------------------------------------------


def test_a_version_from_the_16th_splits_the_month():
    # given version 1 (25 an hour) to the 15th and version 2 (30 an hour) from the 16th, and
    # a minimum of 3,000 a month in version 2 only
    first = terms()
    second = terms(
        version_id=2,
        version_number=2,
        effective_from=date(2026, 11, 16),
        rates=(RateTerm(id=200, basis=Basis.WORKED_HOUR, unit_price=D("30")),),
        minimum_monthly_amount=D("3000"),
    )
    usage = month(
        spans=(
            shift(date(2026, 11, 15), "09:00", "17:00"),
            shift(date(2026, 11, 16), "09:00", "17:00"),
        )
    )
    parts = [
        VersionPart(first, date(2026, 11, 1), date(2026, 11, 15)),
        VersionPart(second, date(2026, 11, 16), date(2026, 11, 30)),
    ]
    # when
    invoice = rate_period(parts, usage, holidays={})
    # then each part under its card; the minimum prorated 15/30
    assert [(line.contract_version_id, line.kind, line.amount) for line in invoice.lines] == [
        (1, LineKind.HOURS, D("200.00")),
        (2, LineKind.HOURS, D("240.00")),
        (2, LineKind.TRUE_UP, D("1260.00")),
    ]
    assert (invoice.contract_version_id, invoice.contract_version_ids) == (2, (1, 2))


def test_parts_must_cover_the_period_in_one_currency():
    usage = month()
    with pytest.raises(RatingError, match="cover the period"):
        rate_period([VersionPart(terms(), date(2026, 11, 2), date(2026, 11, 30))], usage, {})
    with pytest.raises(RatingError, match="two currencies"):
        rate_period(
            [
                VersionPart(terms(), date(2026, 11, 1), date(2026, 11, 15)),
                VersionPart(terms(currency="EUR"), date(2026, 11, 16), date(2026, 11, 30)),
            ],
            usage,
            {},
        )


def test_amounts_follow_the_currencys_minor_units():
    # given JPY (no minor units) and BHD (three)
    usage = month(spans=(shift(date(2026, 11, 2), "09:00", "09:20"),))
    yen = rate_month(
        terms(
            currency="JPY", rates=(RateTerm(id=1, basis=Basis.WORKED_HOUR, unit_price=D("3001")),)
        ),
        usage,
        {},
    )
    dinar = rate_month(
        terms(
            currency="BHD", rates=(RateTerm(id=1, basis=Basis.WORKED_HOUR, unit_price=D("9.001")),)
        ),
        usage,
        {},
    )
    assert yen.lines[0].amount == D("1000")  # 0.3333 h x 3001 = 1000.2333
    assert dinar.lines[0].amount == D("3.000")  # 0.3333 x 9.001 = 2.99999
