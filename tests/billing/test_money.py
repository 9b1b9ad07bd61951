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
    round_rate,
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
    ("value", "words"),
    [
        (0.1, "money is never a float or a boolean: 0.1"),
        (True, "money is never a float or a boolean: True"),
        ("abc", "not a number: 'abc'"),
        (None, "not a number: None"),
        ([1], "not a number: [1]"),
        ("NaN", "not a finite number: 'NaN'"),
        (Decimal("-Infinity"), "not a finite number: Decimal('-Infinity')"),
    ],
)
def test_what_is_not_money_is_refused_in_words(value, words):
    # when / then: the refusal quotes the value it refused
    with pytest.raises(MoneyError) as raised:
        round_money(value, "EUR")
    assert str(raised.value) == words


@pytest.mark.parametrize(
    ("code", "words"),
    [
        ("XXXX", "not an ISO 4217 currency code: 'XXXX'"),
        ("EU", "not an ISO 4217 currency code: 'EU'"),
        ("1AB", "not an ISO 4217 currency code: '1AB'"),
        ("", "not an ISO 4217 currency code: ''"),
        ("ZZZ", "unknown currency: 'ZZZ'"),
        ("zzz", "unknown currency: 'zzz'"),
    ],
)
def test_a_currency_refusal_names_the_code_as_given(code, words):
    with pytest.raises(MoneyError) as raised:
        minor_units(code)
    assert str(raised.value) == words


def test_strings_and_whole_numbers_are_rounded_like_decimals():
    # given amounts written as text and as an int, and a currency in lower case
    assert str(round_money("2.675", "usd")) == "2.68"
    assert str(round_money(3, "BHD")) == "3.000"
    assert str(round_money("-0.5", "JPY")) == "-1"


def test_quantities_and_rates_round_half_up_to_their_places():
    assert str(round_quantity("0.00005")) == "0.0001"
    assert str(round_quantity(2)) == "2.0000"
    assert str(round_rate("0.4150005")) == "0.415001"
    assert str(round_rate("0.4150004")) == "0.415000"
    assert str(round_rate(1)) == "1.000000"
    with pytest.raises(MoneyError, match="float"):
        round_rate(0.5)


def test_percent_of_takes_text_and_whole_numbers_and_refuses_floats():
    assert percent_of("200", 7, "JPY") == Decimal(14)
    assert str(percent_of(Decimal("10.00"), "2.5", "BHD")) == "0.250"
    with pytest.raises(MoneyError, match="float"):
        percent_of(Decimal(1), 0.5, "EUR")


def test_a_negative_total_hands_its_units_to_the_largest_remainders():
    # given -10.00 over 1:2:3: exact -1.666.., -3.333.., -5.00; one cent left to hand out
    parts = allocate("-10.00", [1, 2, 3], "USD")
    # then the cent goes to the part furthest from its rounded-down share, as for +10.00
    assert parts == [Decimal("-1.67"), Decimal("-3.33"), Decimal("-5.00")]


def test_allocation_by_decimal_weights_with_more_than_one_unit_left():
    # given 0.05 over five equal weights of a half: each exact share 0.01, nothing left over
    assert allocate("0.05", [Decimal("0.5")] * 5, "EUR") == [Decimal("0.01")] * 5
    # given 1.00 over seven: 0.1428.. each, floors 0.14, two cents to the first two
    assert allocate(1, [1] * 7, "EUR") == [Decimal("0.15")] * 2 + [Decimal("0.14")] * 5
    # a weight of zero gets nothing, even a remainder
    assert allocate("0.02", [0, 1, 1, 1], "EUR") == [
        Decimal("0.00"),
        Decimal("0.01"),
        Decimal("0.01"),
        Decimal("0.00"),
    ]


@pytest.mark.parametrize(
    ("weights", "words"),
    [
        ([], "nothing to allocate over"),
        ([0, 0], "allocation weights add up to zero"),
        ([1, -1], "allocation weights cannot be negative"),
        ([0, 0.5], "money is never a float or a boolean: 0.5"),
    ],
)
def test_allocation_refusals_in_words(weights, words):
    with pytest.raises(MoneyError) as raised:
        allocate(Decimal("1.00"), weights, "EUR")
    assert str(raised.value) == words


def test_money_arithmetic_keeps_its_currency_and_full_precision():
    # given
    ten = Money("10.005", "jpy")
    # then: text is read as a Decimal, the code in capitals, nothing rounded until asked
    assert ten == Money(Decimal("10.005"), "JPY")
    assert ten - Money(3, "JPY") == Money(Decimal("7.005"), "JPY")
    assert -ten == Money(Decimal("-10.005"), "JPY")
    assert ten * 3 == Money(Decimal("30.015"), "JPY")
    assert ten * Decimal("0.5") == Money(Decimal("5.0025"), "JPY")
    assert ten.rounded() == Money(Decimal(10), "JPY")
    assert str(ten.rounded().amount) == "10"
    assert Money.zero("bhd") == Money(Decimal(0), "BHD")
    assert ten + Money.zero("JPY") == ten


def test_money_refusals_in_words():
    ten = Money(Decimal(10), "EUR")
    with pytest.raises(MoneyError) as raised:
        ten + 1
    assert str(raised.value) == "cannot add money and int"
    with pytest.raises(MoneyError) as raised:
        ten - Money(Decimal(1), "USD")
    assert str(raised.value) == "cannot mix EUR and USD"
    with pytest.raises(MoneyError, match="float"):
        ten * 1.5
    with pytest.raises(MoneyError) as raised:
        Money(Decimal(1), "ZZZ")
    assert str(raised.value) == "unknown currency: 'ZZZ'"


def test_formatting_rounds_first_and_reads_the_code_in_any_case():
    assert format_money(Decimal("0.125"), "eur", "de_DE") == "0,13\xa0€"


def test_amounts_in_words_with_a_plural_a_dashed_language_and_leading_zeros():
    # given a dashed language tag and a lower-case code
    assert amount_in_words(Decimal("1234.56"), "eur", "de-DE") == (
        "eintausendzweihundertvierunddreißig Euro und sechsundfünfzig Cent"
    )
    # CLDR's name, singular or plural by the whole number
    assert amount_in_words(Decimal("1"), "BHD", "en") == "one Bahraini dinar"
    assert amount_in_words(Decimal("1"), "jpy", "en") == "one Japanese yen"
    # no fraction when the minor units are zero; the fraction keeps its leading zeros
    assert amount_in_words(Decimal("2"), "BHD", "en") == "two Bahraini dinars"
    assert amount_in_words(Decimal("2.05"), "BHD", "en-GB") == "two Bahraini dinars 050/1000"
    assert amount_in_words(Decimal("2.0004"), "BHD", "en") == "two Bahraini dinars"
    assert amount_in_words(Decimal("-2.5"), "BHD", "en") == "minus two Bahraini dinars 500/1000"


def test_amounts_in_words_fall_back_to_cldr_in_the_clients_language():
    # given currencies num2words does not know in German: the number and the name in German
    assert amount_in_words(Decimal("1234"), "JPY", "de") == (
        "eintausendzweihundertvierunddreißig Japanische Yen"
    )
    assert amount_in_words(Decimal("2.5"), "BHD", "de_DE") == "zwei Bahrain-Dinar 500/1000"


@pytest.mark.parametrize(
    ("hours", "expected"),
    [("5376", 322560), ("1666.672", 100000), ("0.0083", 0), ("0.00834", 1), ("-0.00834", -1)],
)
def test_hours_become_whole_minutes_half_up(hours, expected):
    # given hours with any places; when they become minutes; then half up to a whole minute
    assert whole_minutes(Decimal(hours)) == expected
