"""Golden rounding cases and properties of the one module that rounds money."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from billing.money import (
    Money,
    MoneyError,
    allocate,
    amount_in_words,
    format_money,
    minor_units,
    percent_of,
    round_money,
    round_quantity,
    whole_minutes,
)


@pytest.mark.parametrize(
    ("amount", "currency", "expected"),
    [
        ("0.125", "EUR", "0.13"),  # half up, not half even
        ("0.135", "EUR", "0.14"),
        ("-0.125", "EUR", "-0.13"),  # half away from zero
        ("0.124999", "USD", "0.12"),
        ("1234.5", "JPY", "1235"),  # no minor units
        ("1234.4", "JPY", "1234"),
        ("1.2345", "BHD", "1.235"),  # three minor units
        ("1.2344", "BHD", "1.234"),
        ("10", "MXN", "10.00"),
    ],
)
def test_round_money_golden_cases(amount, currency, expected):
    # when
    rounded = round_money(Decimal(amount), currency)
    # then: the value and its places
    assert str(rounded) == expected


def test_minor_units_come_from_cldr():
    assert [minor_units(code) for code in ("USD", "EUR", "JPY", "BHD", "mxn")] == [2, 2, 0, 3, 2]


@pytest.mark.parametrize("code", ["XXXX", "ZZZ", "1AB", ""])
def test_unknown_currencies_are_refused(code):
    with pytest.raises(MoneyError):
        minor_units(code)


def test_a_float_is_never_money():
    with pytest.raises(MoneyError, match="float"):
        round_money(0.1, "EUR")
    with pytest.raises(MoneyError):
        Money(1.5, "EUR")


def test_one_hundred_over_three_lines_adds_up():
    # when
    parts = allocate(Decimal("100.00"), [1, 1, 1], "EUR")
    # then: the first part takes the spare cent
    assert parts == [Decimal("33.34"), Decimal("33.33"), Decimal("33.33")]


def test_allocation_follows_the_largest_remainder():
    # given weights 1:2:3 of 10.00: exact 1.666.., 3.333.., 5.00
    parts = allocate(Decimal("10.00"), [1, 2, 3], "USD")
    # then
    assert parts == [Decimal("1.67"), Decimal("3.33"), Decimal("5.00")]


def test_allocation_in_yen_and_negative_totals():
    assert allocate(Decimal("100"), [1, 1, 1], "JPY") == [Decimal(34), Decimal(33), Decimal(33)]
    assert allocate(Decimal("-100.00"), [1, 1, 1], "EUR") == [
        Decimal("-33.34"),
        Decimal("-33.33"),
        Decimal("-33.33"),
    ]


@pytest.mark.parametrize("weights", [[], [0, 0], [1, -1]])
def test_allocation_refuses_weights_it_cannot_use(weights):
    with pytest.raises(MoneyError):
        allocate(Decimal("1.00"), weights, "EUR")


@given(
    total=st.decimals(min_value=-(10**7), max_value=10**7, places=3, allow_nan=False),
    weights=st.lists(st.integers(min_value=0, max_value=1000), min_size=1, max_size=12).filter(any),
    currency=st.sampled_from(["EUR", "JPY", "BHD"]),
)
def test_allocated_parts_always_add_up_to_the_rounded_total(total, weights, currency):
    parts = allocate(total, weights, currency)
    assert sum(parts, Decimal(0)) == round_money(total, currency)
    assert all(part == round_money(part, currency) for part in parts)
    # no part is more than one minor unit from its exact share
    unit = Decimal(1).scaleb(-minor_units(currency))
    whole = round_money(total, currency)
    for part, weight in zip(parts, weights, strict=True):
        assert abs(part - whole * weight / sum(weights)) < unit


def test_percent_of_rounds_once():
    assert percent_of(Decimal("99.99"), Decimal("19"), "EUR") == Decimal("19.00")
    assert percent_of(Decimal("0.66"), Decimal("19"), "EUR") == Decimal("0.13")  # 0.1254


def test_quantities_keep_four_places():
    assert round_quantity(Decimal("7.123450")) == Decimal("7.1235")


def test_money_refuses_mixing_currencies_and_rounds_on_request():
    # given
    total = Money(Decimal("10.005"), "eur") + Money(Decimal("0.001"), "EUR")
    # then
    assert total.currency == "EUR"
    assert total.rounded() == Money(Decimal("10.01"), "EUR")
    with pytest.raises(MoneyError, match="mix"):
        total + Money(Decimal(1), "USD")


def test_money_is_formatted_by_the_clients_locale():
    assert format_money(Decimal("1234.5"), "EUR", "de_DE") == "1.234,50\xa0€"
    assert format_money(Decimal("1234.5"), "JPY", "ja_JP") == "￥1,235"
    assert format_money(Decimal("1234.5"), "MXN", "es_MX") == "$1,234.50"


def test_amounts_in_words_of_the_clients_language():
    assert amount_in_words(Decimal("1234.56"), "EUR", "de") == (
        "eintausendzweihundertvierunddreißig Euro und sechsundfünfzig Cent"
    )
    assert amount_in_words(Decimal("1234.56"), "MXN", "es_MX") == (
        "mil doscientos treinta y cuatro pesos con cincuenta y seis centavos"
    )
    # a currency num2words does not know in English: CLDR's name
    assert amount_in_words(Decimal("1234"), "JPY", "en") == (
        "one thousand, two hundred and thirty-four Japanese yen"
    )
    assert amount_in_words(Decimal("2.5"), "BHD", "en") == "two Bahraini dinars 500/1000"


@pytest.mark.parametrize(
    ("hours", "expected"),
    [("5376", 322560), ("1666.672", 100000), ("0.0083", 0), ("0.00834", 1), ("-0.00834", -1)],
)
def test_hours_become_whole_minutes_half_up(hours, expected):
    # given hours with any places; when they become minutes; then half up to a whole minute
    assert whole_minutes(Decimal(hours)) == expected
