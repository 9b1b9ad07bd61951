"""``{{ amount|money:currency }}``: an amount as the page shows it, with the currency's own
decimal places and the locale's grouping (``billing.money.format_money``)."""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.utils.translation import get_language

from billing.lines import UNIT_WORDS
from billing.money import format_money

register = template.Library()


@register.filter
def money(amount: Decimal | None, currency: str) -> str:
    if amount is None or amount == "":
        return "—"
    locale = (get_language() or "en").replace("-", "_")
    return format_money(Decimal(amount), currency, locale)


@register.filter
def unit_words(code: str) -> str:
    """A line's unit in words ("hours", "months"); a plain count ("C62") shows nothing."""
    return UNIT_WORDS.get(code, code)
