"""A contract version's rate card and rules in words, for the contract page and the API."""

from __future__ import annotations

from decimal import Decimal

from billing.contracts.models import Basis, ContractVersion, MultiplierKind, TrueUpRule
from billing.money import format_money

WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def _n(value: Decimal | None) -> str:
    if value is None:
        return ""
    return format(value.normalize(), "f")


def _money(amount: Decimal, version: ContractVersion) -> str:
    return format_money(amount, version.currency, "en")


def _line(service_line) -> str:
    return service_line.name if service_line is not None else "every line"


def describe_rate(rate, version: ContractVersion) -> str:
    where = _line(rate.service_line)
    role = f" for agents with the skill {rate.role}" if rate.role else ""
    tax = f" (tax {_n(rate.tax_rate)} %)" if rate.tax_rate is not None else ""
    price = _money(rate.unit_price, version)
    if rate.basis in (Basis.FTE_MONTH, Basis.SEAT_MONTH):
        unit = "FTE" if rate.basis == Basis.FTE_MONTH else "seats"
        return (
            f"{_n(rate.quantity)} {unit} on {where}{role} at {price} each a month, prorated by "
            f"the days live{tax}."
        )
    if rate.basis == Basis.ONE_OFF_FEE:
        due = rate.bill_on or version.effective_from
        what = rate.description or "One-off fee"
        return f"{what}: {price} x {_n(rate.quantity)}, billed once in {due:%B %Y}{tax}."
    return f"{rate.get_basis_display()} on {where}{role}: {price}{tax}."


def describe_multiplier(rule) -> str:
    extra = f"x {_n(rule.factor)} (the extra {_n((rule.factor - 1) * 100)} % on its own line)"
    if rule.kind == MultiplierKind.NIGHT:
        return f"Hours between {rule.night_starts:%H:%M} and {rule.night_ends:%H:%M}: {extra}."
    if rule.kind == MultiplierKind.HOLIDAY:
        region = f" and of the region {rule.subdivision}" if rule.subdivision else ""
        return f"Hours on the public holidays of the client's country{region}: {extra}."
    period = "a day" if rule.kind == MultiplierKind.OVERTIME_DAY else "a week"
    return f"An agent's hours over {_n(rule.threshold_hours)} in {period}: {extra}."


def describe_sla(rule) -> str:
    words = (
        f"{rule.service_line.name}: {_n(rule.credit_percent_per_step)} % of the line's fees "
        f"credited for every {_n(rule.points_per_step)} points a week's service level is below "
        f"target, at most {_n(rule.cap_percent)} %"
    )
    if rule.bonus_points_per_step is not None:
        words += (
            f"; a bonus of {_n(rule.bonus_percent_per_step)} % for every "
            f"{_n(rule.bonus_points_per_step)} points above, at most {_n(rule.bonus_cap_percent)} %"
        )
    return words + "."


def describe_commitment(commitment, version: ContractVersion) -> str:
    window = ""
    if commitment.weekdays:
        window += " on " + ", ".join(WEEKDAYS[day] for day in commitment.weekdays)
    if commitment.window_starts is not None:
        window += f" {commitment.window_starts:%H:%M}-{commitment.window_ends:%H:%M}"
    rule = {
        TrueUpRule.REPORT_ONLY: "a shortfall is shown, not billed",
        TrueUpRule.BILL_SHORTFALL: "a shortfall is billed to the client",
        TrueUpRule.CREDIT_SHORTFALL: "a shortfall is credited to the client",
    }[TrueUpRule(version.fte_true_up_rule)]
    return (
        f"{_n(commitment.fte)} FTE committed on {_line(commitment.service_line)}{window}, "
        f"delivered = scheduled hours x adherence; {rule}."
    )


def describe_version_rules(version: ContractVersion) -> list[str]:
    words = [describe_rate(rate, version) for rate in version.rates.all()]
    words += [describe_multiplier(rule) for rule in version.multipliers.all()]
    words += [describe_sla(rule) for rule in version.sla_credits.all()]
    words += [describe_commitment(c, version) for c in version.committed_fte.all()]
    if version.minimum_monthly_amount:
        words.append(
            f"At least {_money(version.minimum_monthly_amount, version)} a month (prorated when "
            "a version starts mid-month): a true-up line bills the difference."
        )
    tax = (
        "Reverse charge: the buyer accounts for the VAT (EU B2B)."
        if version.reverse_charge
        else f"Tax {_n(version.default_tax_rate)} % unless a rate says otherwise, "
        + ("on each line." if version.tax_mode == "per_line" else "once per rate on the total.")
    )
    words.append(tax)
    words.append(f"Payment within {version.payment_terms_days} days.")
    return words
