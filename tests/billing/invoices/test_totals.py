"""The totals of invoices and credit notes (``billing.invoices.totals``, pure): golden cases of
tax per line against tax per invoice, and properties: a total is the lines plus their tax, and
credit notes never credit more than a line, a tax group or the invoice."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from billing.invoices.totals import (
    TaxedAmount,
    TotalsError,
    credit_note_totals,
    invoice_totals,
    remaining_to_credit,
)
from billing.money import allocate, minor_units, percent_of, round_money


def line(key, amount, rate="19", category="S") -> TaxedAmount:
    return TaxedAmount(key, Decimal(amount), category, Decimal(rate))


# --- golden -------------------------------------------------------------------------------------


def test_100_over_three_lines_tax_per_line_against_per_invoice():
    # given 100.00 split over three lines (33.34, 33.33, 33.33) at 19 %
    parts = allocate(Decimal("100.00"), [1, 1, 1], "EUR")
    assert parts == [Decimal("33.34"), Decimal("33.33"), Decimal("33.33")]
    lines = [line(index, part) for index, part in enumerate(parts)]
    # when
    per_line = invoice_totals(lines, currency="EUR", tax_per_invoice=False)
    per_invoice = invoice_totals(lines, currency="EUR", tax_per_invoice=True)
    # then per line: 6.3346 -> 6.33, 6.3327 -> 6.33 twice = 18.99; per invoice 19.00
    assert [per_line.line_taxes[index] for index in range(3)] == [Decimal("6.33")] * 3
    assert (per_line.net, per_line.tax, per_line.total) == (
        Decimal("100.00"),
        Decimal("18.99"),
        Decimal("118.99"),
    )
    assert (per_invoice.net, per_invoice.tax, per_invoice.total) == (
        Decimal("100.00"),
        Decimal("19.00"),
        Decimal("119.00"),
    )
    assert per_invoice.line_taxes == {}
    assert [(g.tax_category, g.taxable, g.tax) for g in per_invoice.groups] == [
        ("S", Decimal("100.00"), Decimal("19.00"))
    ]


def test_groups_by_category_and_rate_with_half_up_rounding():
    # given 0.125 of tax on one group (half up: 0.13), a reverse-charge line at 0 %
    lines = [line(1, "0.50", "25"), line(2, "0.50", "25"), line(3, "200.00", "0", "AE")]
    # when
    totals = invoice_totals(lines, currency="EUR", tax_per_invoice=True)
    # then
    assert [(g.tax_category, g.taxable, g.tax) for g in totals.groups] == [
        ("S", Decimal("1.00"), Decimal("0.25")),
        ("AE", Decimal("200.00"), Decimal("0.00")),
    ]
    per_line = invoice_totals(lines, currency="EUR", tax_per_invoice=False)
    assert per_line.tax == Decimal("0.26")  # 0.125 -> 0.13 on each line


def test_jpy_and_bhd_keep_their_minor_units():
    yen = invoice_totals([line(1, "1001", "10")], currency="JPY", tax_per_invoice=True)
    assert (yen.tax, yen.total) == (Decimal("100"), Decimal("1101"))
    dinar = invoice_totals([line(1, "10.005", "10")], currency="BHD", tax_per_invoice=False)
    assert (dinar.tax, dinar.total) == (Decimal("1.001"), Decimal("11.006"))  # 1.0005 half up


def test_a_line_not_rounded_to_the_currency_is_refused():
    with pytest.raises(TotalsError):
        invoice_totals([line(1, "1.5")], currency="JPY", tax_per_invoice=True)


def test_credit_tax_by_difference_never_credits_more_tax_than_charged():
    # given the three lines of 100.00 / 3, tax per invoice (19.00 on the invoice)
    lines = [line(0, "33.34"), line(1, "33.33"), line(2, "33.33")]
    credited: dict = {}
    credited_total = Decimal(0)
    taxes = []
    # when each line is credited by its own credit note
    for key in range(3):
        note = credit_note_totals(
            lines=lines,
            credited_before=credited,
            requested={key: lines[key].amount},
            currency="EUR",
            tax_per_invoice=True,
            credited_total_before=credited_total,
        )
        credited[key] = lines[key].amount
        credited_total += note.total
        taxes.append(note.tax)
    # then the taxes add up to the invoice's 19.00 exactly (6.33 + 6.34 + 6.33)
    assert taxes == [Decimal("6.33"), Decimal("6.34"), Decimal("6.33")]
    assert credited_total == Decimal("119.00")


def test_a_group_cannot_be_credited_past_its_total():
    # given 100.00 of hours and an SLA credit of -10.00 in the same group
    lines = [line(1, "100.00"), line(2, "-10.00")]
    # when all the hours but not the SLA credit are credited
    with pytest.raises(TotalsError) as refused:
        credit_note_totals(
            lines=lines,
            credited_before={},
            requested={1: Decimal("100.00")},
            currency="EUR",
            tax_per_invoice=False,
            credited_total_before=Decimal(0),
        )
    # then
    assert "credit their negative lines too" in refused.value.message


@pytest.mark.parametrize(
    ("requested", "message"),
    [
        ({9: Decimal("1.00")}, "not a line of this invoice"),
        ({1: Decimal("-1.00")}, "the line's own sign"),
        ({1: Decimal("0")}, "not zero"),
        ({1: Decimal("0.001")}, "not rounded"),
        ({}, "at least one line"),
    ],
)
def test_credit_requests_that_make_no_sense_are_refused(requested, message):
    with pytest.raises(TotalsError) as refused:
        credit_note_totals(
            lines=[line(1, "100.00")],
            credited_before={},
            requested=requested,
            currency="EUR",
            tax_per_invoice=True,
            credited_total_before=Decimal(0),
        )
    assert message in refused.value.message


# --- properties ---------------------------------------------------------------------------------

CURRENCIES = st.sampled_from(["EUR", "JPY", "BHD", "USD"])
RATES = st.sampled_from([Decimal(0), Decimal("7"), Decimal("16"), Decimal("19"), Decimal("21")])


@st.composite
def invoices(draw):
    currency = draw(CURRENCIES)
    places = minor_units(currency)
    count = draw(st.integers(1, 8))
    lines = []
    for key in range(count):
        minor = draw(st.integers(-50_000, 5_000_000))
        if minor == 0:
            minor = 1
        amount = Decimal(minor).scaleb(-places)
        lines.append(TaxedAmount(key, amount, "S", draw(RATES)))
    return currency, lines, draw(st.booleans())


@given(invoices())
def test_a_total_is_the_sum_of_the_lines_plus_their_tax(invoice):
    currency, lines, tax_per_invoice = invoice
    # when
    totals = invoice_totals(lines, currency=currency, tax_per_invoice=tax_per_invoice)
    # then
    assert totals.net == sum((item.amount for item in lines), Decimal(0))
    assert totals.total == totals.net + totals.tax
    assert totals.tax == sum((group.tax for group in totals.groups), Decimal(0))
    if tax_per_invoice:
        for group in totals.groups:
            assert group.tax == percent_of(group.taxable, group.tax_rate, currency)
    else:
        assert totals.tax == sum(
            (percent_of(item.amount, item.tax_rate, currency) for item in lines), Decimal(0)
        )
    assert round_money(totals.total, currency) == totals.total


@settings(max_examples=150, deadline=None)
@given(invoices(), st.data())
def test_credit_notes_never_exceed_what_they_credit(invoice, data):
    currency, lines, tax_per_invoice = invoice
    totals = invoice_totals(lines, currency=currency, tax_per_invoice=tax_per_invoice)
    assume(totals.total > 0)
    places = minor_units(currency)
    credited: dict = {}
    credited_total = Decimal(0)
    # when a few partial credit notes are asked for, with random amounts (some too large)
    for _ in range(data.draw(st.integers(0, 4))):
        requested = {}
        for item in data.draw(st.lists(st.sampled_from(lines), min_size=1, max_size=3)):
            sign = 1 if item.amount > 0 else -1
            minor = data.draw(st.integers(1, int(abs(item.amount).scaleb(places)) + 3))
            requested[item.key] = sign * Decimal(minor).scaleb(-places)
        try:
            note = credit_note_totals(
                lines=lines,
                credited_before=credited,
                requested=requested,
                currency=currency,
                tax_per_invoice=tax_per_invoice,
                credited_total_before=credited_total,
            )
        except TotalsError:
            continue  # refused: nothing is credited
        # then an accepted note adds up and keeps every bound
        assert note.total == note.net + note.tax > 0
        for key, amount in requested.items():
            credited[key] = credited.get(key, Decimal(0)) + amount
        credited_total += note.total
        assert credited_total <= totals.total
        for item in lines:
            assert abs(credited.get(item.key, Decimal(0))) <= abs(item.amount)
    # and what remains can always be credited in one note, to the invoice's total exactly
    remaining = remaining_to_credit(lines, credited)
    if credited_total < totals.total:
        assume(remaining)
        final = credit_note_totals(
            lines=lines,
            credited_before=credited,
            requested=remaining,
            currency=currency,
            tax_per_invoice=tax_per_invoice,
            credited_total_before=credited_total,
        )
        credited_total += final.total
    assert credited_total == totals.total
