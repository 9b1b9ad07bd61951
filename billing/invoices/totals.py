"""An invoice's totals and what a credit note may credit: plain functions over plain data.

Tax is computed one of two ways, as the contract states it (``tax_per_invoice``):

- per line: each line's tax is its amount at its rate, rounded; the invoice's tax is their sum;
- per invoice: the lines are grouped by tax category and rate, and each group's tax is the
  group's total at its rate, rounded once (EN 16931's VAT breakdown).

A credit note credits amounts of the invoice's lines. Its tax is worked out by difference, so
that rounding never lets credit notes credit more tax than the invoice charged: the tax of what
is credited so far *after* this note, less the tax of what was credited *before* it (per line,
or per group). Credit notes never credit more than a line's amount, more than a tax group's
total, or more than the invoice's total; a credit of everything that remains always brings the
credited total to the invoice's total exactly.

No Django here (the "pure" import-linter contract): the ledger's services adapt models to it.
Every rounding goes through ``billing.money``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from billing.money import percent_of, round_money

ZERO = Decimal(0)


class TotalsError(ValueError):
    """A credit the invoice does not allow; ``field`` names the input at fault."""

    def __init__(self, message: str, *, field: str = "lines") -> None:
        super().__init__(message)
        self.message = message
        self.field = field


@dataclass(frozen=True, slots=True)
class TaxedAmount:
    """One line as the totals see it: its key (id or position), net amount and tax."""

    key: int
    amount: Decimal
    tax_category: str
    tax_rate: Decimal


@dataclass(frozen=True, slots=True)
class TaxGroup:
    """One row of the VAT breakdown."""

    tax_category: str
    tax_rate: Decimal
    taxable: Decimal
    tax: Decimal


@dataclass(frozen=True, slots=True)
class Totals:
    net: Decimal
    tax: Decimal
    total: Decimal
    groups: tuple[TaxGroup, ...]
    # Per line mode: each line's tax by key; per invoice mode: empty (tax is the group's).
    line_taxes: Mapping[int, Decimal]


def _group_key(line: TaxedAmount) -> tuple[str, Decimal]:
    return (line.tax_category, line.tax_rate.normalize())


def _check_rounded(amount: Decimal, currency: str, what: str) -> None:
    if round_money(amount, currency) != amount:
        raise TotalsError(f"{what} {amount} is not rounded to {currency}'s minor units.")


def invoice_totals(lines: Sequence[TaxedAmount], *, currency: str, tax_per_invoice: bool) -> Totals:
    """Net, tax and total of ``lines`` (amounts already rounded to ``currency``), with the VAT
    breakdown by category and rate in the order the groups first appear."""
    for line in lines:
        _check_rounded(line.amount, currency, "The line amount")
    groups: dict[tuple[str, Decimal], list[TaxedAmount]] = {}
    for line in lines:
        groups.setdefault(_group_key(line), []).append(line)
    line_taxes: dict[int, Decimal] = {}
    breakdown = []
    for (category, rate), members in groups.items():
        taxable = sum((line.amount for line in members), ZERO)
        if tax_per_invoice:
            tax = percent_of(taxable, rate, currency)
        else:
            for line in members:
                line_taxes[line.key] = percent_of(line.amount, rate, currency)
            tax = sum((line_taxes[line.key] for line in members), round_money(0, currency))
        breakdown.append(TaxGroup(category, rate, round_money(taxable, currency), tax))
    net = round_money(sum((group.taxable for group in breakdown), ZERO), currency)
    tax = round_money(sum((group.tax for group in breakdown), ZERO), currency)
    return Totals(net, tax, net + tax, tuple(breakdown), line_taxes)


def remaining_to_credit(
    lines: Sequence[TaxedAmount], credited_before: Mapping[int, Decimal]
) -> dict[int, Decimal]:
    """Each line's amount not credited yet (zero lines and fully credited ones left out): the
    request of a full credit note."""
    remaining = {}
    for line in lines:
        left = line.amount - credited_before.get(line.key, ZERO)
        if left != 0:
            remaining[line.key] = left
    return remaining


def _same_sign(a: Decimal, b: Decimal) -> bool:
    return (a > 0 and b > 0) or (a < 0 and b < 0)


def credit_note_totals(
    *,
    lines: Sequence[TaxedAmount],
    credited_before: Mapping[int, Decimal],
    requested: Mapping[int, Decimal],
    currency: str,
    tax_per_invoice: bool,
    credited_total_before: Decimal,
) -> Totals:
    """The totals of a credit note crediting ``requested`` (net amount per line key, with the
    line's own sign) of an invoice of ``lines``, of which ``credited_before`` (per line) and
    ``credited_total_before`` (gross) were credited by earlier credit notes.

    Raises ``TotalsError`` for a key that is not a line, an amount of the wrong sign or not
    rounded, more than remains of a line or of a tax group, a credit note of nothing or less,
    or one that would take the credited total past the invoice's total."""
    by_key = {line.key: line for line in lines}
    if not requested:
        raise TotalsError("Choose at least one line to credit.")
    for key, amount in requested.items():
        line = by_key.get(key)
        if line is None:
            raise TotalsError(f"Line {key} is not a line of this invoice.")
        _check_rounded(amount, currency, "The amount")
        if amount == 0:
            raise TotalsError(f"Line {key}: give an amount to credit, not zero.")
        if not _same_sign(amount, line.amount):
            raise TotalsError(
                f"Line {key}: a credit has the line's own sign "
                f"({round_money(line.amount, currency)} {currency})."
            )
        before = credited_before.get(key, ZERO)
        if abs(before + amount) > abs(line.amount):
            left = round_money(line.amount - before, currency)
            whole = round_money(line.amount, currency)
            raise TotalsError(
                f"Line {key}: at most {left} {currency} of {whole} {currency} remains "
                "to be credited."
            )

    invoice = invoice_totals(lines, currency=currency, tax_per_invoice=tax_per_invoice)
    groups: dict[tuple[str, Decimal], list[TaxedAmount]] = {}
    for line in lines:
        groups.setdefault(_group_key(line), []).append(line)
    line_taxes: dict[int, Decimal] = {}
    breakdown = []
    for (category, rate), members in groups.items():
        group_net = sum((line.amount for line in members), ZERO)
        before = sum((credited_before.get(line.key, ZERO) for line in members), ZERO)
        credited_now = [line for line in members if line.key in requested]
        if not credited_now:
            continue
        now = sum((requested[line.key] for line in credited_now), ZERO)
        after = before + now
        if not (min(ZERO, group_net) <= after <= max(ZERO, group_net)):
            raise TotalsError(
                f"This credits {round_money(after, currency)} {currency} of the lines at "
                f"{category} {rate} %, whose total on the invoice is "
                f"{round_money(group_net, currency)} {currency}; credit their negative lines too."
            )
        if tax_per_invoice:
            tax = percent_of(after, rate, currency) - percent_of(before, rate, currency)
        else:
            tax = ZERO
            for line in credited_now:
                line_before = credited_before.get(line.key, ZERO)
                line_tax = percent_of(
                    line_before + requested[line.key], rate, currency
                ) - percent_of(line_before, rate, currency)
                line_taxes[line.key] = line_tax
                tax += line_tax
        breakdown.append(TaxGroup(category, rate, round_money(now, currency), tax))
    net = round_money(sum((group.taxable for group in breakdown), ZERO), currency)
    tax = round_money(sum((group.tax for group in breakdown), ZERO), currency)
    total = net + tax
    if total <= 0:
        raise TotalsError(
            f"A credit note credits a positive total; this one comes to {total} {currency}."
        )
    if credited_total_before + total > invoice.total:
        left = round_money(invoice.total - credited_total_before, currency)
        raise TotalsError(
            f"This credit note comes to {total} {currency}, but only {left} {currency} of the "
            f"invoice's {invoice.total} {currency} remains to be credited."
        )
    return Totals(net, tax, total, tuple(breakdown), line_taxes)
