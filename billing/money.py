"""Money: a `Decimal` with its currency beside it, and every rounding of the billing domain.

This is the one module that rounds money (STYLE.md, "Values"). Amounts are rounded half up
(0.125 -> 0.13) to the currency's minor units as CLDR states them (`babel`: USD 2, JPY 0,
BHD 3). An amount split over several lines (100.00 over three) is allocated by the largest
remainder so the parts add up to the whole. No float ever enters: a float argument is refused.

Plain Python over plain data (no Django), so the rating engine, the ledger and the e-invoice
builder share it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from babel import Locale
from babel.numbers import format_currency, get_currency_name, get_currency_precision

# Quantities on an invoice line (hours, minutes, FTE) and rates keep more places than money.
QUANTITY_PLACES = 4
RATE_PLACES = 6


class MoneyError(ValueError):
    """A value that is not money: a float, an unknown currency, mixed currencies."""


def _decimal(value: Decimal | int | str) -> Decimal:
    if isinstance(value, float | bool):
        raise MoneyError(f"money is never a float or a boolean: {value!r}")
    try:
        number = Decimal(value)
    except (InvalidOperation, TypeError, ValueError) as error:
        raise MoneyError(f"not a number: {value!r}") from error
    if not number.is_finite():
        raise MoneyError(f"not a finite number: {value!r}")
    return number


def minor_units(currency: str) -> int:
    """The currency's decimal places by CLDR (USD 2, JPY 0, BHD 3)."""
    code = currency.upper()
    if len(code) != 3 or not code.isalpha():
        raise MoneyError(f"not an ISO 4217 currency code: {currency!r}")
    # CLDR names every currency it knows; an unknown code comes back as itself.
    if get_currency_name(code, locale="en") == code:
        raise MoneyError(f"unknown currency: {currency!r}")
    return get_currency_precision(code)


def _exponent(places: int) -> Decimal:
    return Decimal(1).scaleb(-places)


def round_money(amount: Decimal | int | str, currency: str) -> Decimal:
    """``amount`` rounded half up to ``currency``'s minor units."""
    return _decimal(amount).quantize(_exponent(minor_units(currency)), rounding=ROUND_HALF_UP)


def round_quantity(quantity: Decimal | int | str) -> Decimal:
    """A line's quantity (hours, minutes, FTE) to four places, half up."""
    return _decimal(quantity).quantize(_exponent(QUANTITY_PLACES), rounding=ROUND_HALF_UP)


def round_rate(rate: Decimal | int | str) -> Decimal:
    """A unit price or a multiplied rate to six places, half up; money is rounded later."""
    return _decimal(rate).quantize(_exponent(RATE_PLACES), rounding=ROUND_HALF_UP)


def whole_minutes(hours: Decimal | int | str) -> int:
    """``hours`` as whole minutes, half up (a projected month of 33.6 FTE x 160 h: 322560)."""
    return int((_decimal(hours) * 60).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def percent_of(amount: Decimal, percent: Decimal | int | str, currency: str) -> Decimal:
    """``percent`` % of ``amount`` (a tax, a credit), rounded to the currency."""
    return round_money(_decimal(amount) * _decimal(percent) / 100, currency)


def allocate(
    total: Decimal | int | str, weights: Sequence[Decimal | int], currency: str
) -> list[Decimal]:
    """``total`` split in proportion to ``weights``, each part rounded to the currency and the
    parts adding up to the rounded total exactly: the remainder's minor units go to the parts
    with the largest fractional remainders (ties to the earlier part). 100.00 over three equal
    weights gives 33.34, 33.33, 33.33."""
    whole = round_money(total, currency)
    numbers = [_decimal(weight) for weight in weights]
    if not numbers:
        raise MoneyError("nothing to allocate over")
    if any(weight < 0 for weight in numbers):
        raise MoneyError("allocation weights cannot be negative")
    weight_sum = sum(numbers, Decimal(0))
    if weight_sum == 0:
        raise MoneyError("allocation weights add up to zero")
    unit = _exponent(minor_units(currency))
    exact = [whole * weight / weight_sum for weight in numbers]
    # Round every share towards zero, then hand out the remaining units one by one.
    floors = [share.quantize(unit, rounding="ROUND_DOWN") for share in exact]
    remaining = int(((whole - sum(floors, Decimal(0))) / unit).to_integral_value())
    step = unit if whole >= 0 else -unit
    order = sorted(range(len(exact)), key=lambda index: (-abs(exact[index] - floors[index]), index))
    for index in order[: abs(remaining)]:
        floors[index] += step
    return floors


@dataclass(frozen=True, slots=True)
class Money:
    """An amount with its currency. Arithmetic keeps full precision; ``rounded()`` rounds."""

    amount: Decimal
    currency: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "amount", _decimal(self.amount))
        object.__setattr__(self, "currency", self.currency.upper())
        minor_units(self.currency)

    def _same(self, other: Money) -> None:
        if not isinstance(other, Money):
            raise MoneyError(f"cannot add money and {type(other).__name__}")
        if other.currency != self.currency:
            raise MoneyError(f"cannot mix {self.currency} and {other.currency}")

    def __add__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.amount + other.amount, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.amount - other.amount, self.currency)

    def __neg__(self) -> Money:
        return Money(-self.amount, self.currency)

    def __mul__(self, factor: Decimal | int) -> Money:
        return Money(self.amount * _decimal(factor), self.currency)

    def rounded(self) -> Money:
        return Money(round_money(self.amount, self.currency), self.currency)

    @classmethod
    def zero(cls, currency: str) -> Money:
        return cls(Decimal(0), currency)


def format_money(amount: Decimal, currency: str, locale: str) -> str:
    """``amount`` as the client's locale writes it (``1.234,50 €`` in de_DE)."""
    return format_currency(round_money(amount, currency), currency.upper(), locale=locale)


def amount_in_words(amount: Decimal, currency: str, language: str) -> str:
    """The amount in words of ``language`` ("eintausend... Euro und sechsundfünfzig Cent").

    num2words knows the common currencies of each language; for the others the whole number
    is spelled out with CLDR's name of the currency and the minor units as a fraction
    (``one thousand two hundred thirty-four Japanese yen``)."""
    from num2words import num2words

    rounded = round_money(amount, currency)
    code = currency.upper()
    lang = Locale.parse(language.replace("-", "_")).language
    try:
        return num2words(rounded, lang=lang, to="currency", currency=code)
    except (NotImplementedError, KeyError):
        pass
    places = minor_units(code)
    whole = int(rounded)
    words = num2words(whole, lang=lang)
    name = get_currency_name(code, count=whole, locale=lang)
    fraction = abs(rounded - whole).scaleb(places)
    if places and fraction:
        return f"{words} {name} {int(fraction):0{places}d}/{10**places}"
    return f"{words} {name}"
