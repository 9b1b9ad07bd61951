"""Reads of a client's contract. Run with the client's schema active (pages and the API reach
them only through a client's route, which checks the user)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from babel.numbers import format_decimal
from django.db import connection
from django.db.models import Prefetch, QuerySet

from billing.contracts.models import ContractVersion, RateLine
from billing.lines import InvoiceDraftData, LineKind
from billing.money import format_money, round_quantity
from billing.rating import VersionPart, rate_period
from bpo.errors import DomainError, NotFoundError

VERSION_NOT_FOUND = "No such contract version."


def list_contract_versions() -> QuerySet[ContractVersion]:
    """Every version, oldest first, with its rate card and rules (a fixed number of
    queries)."""
    return ContractVersion.objects.select_related("seller", "contract").prefetch_related(
        Prefetch("rates", queryset=RateLine.objects.select_related("service_line")),
        "multipliers",
        "sla_credits__service_line",
        "committed_fte__service_line",
    )


def access_contract_version(*, version_id) -> ContractVersion:
    try:
        return list_contract_versions().get(pk=int(version_id))
    except (ContractVersion.DoesNotExist, ValueError, TypeError):
        raise NotFoundError(VERSION_NOT_FOUND) from None


def version_in_force(*, on: date) -> ContractVersion | None:
    """The version whose days include ``on`` (the latest starting on or before it)."""
    return (
        list_contract_versions().filter(effective_from__lte=on).order_by("-effective_from").first()
    )


def latest_contract_version() -> ContractVersion | None:
    return list_contract_versions().order_by("-effective_from").first()


@dataclass(frozen=True)
class VersionPeriod:
    version: ContractVersion
    first_day: date
    last_day: date


def versions_for_period(*, start: date, end: date) -> list[VersionPeriod]:
    """The versions in force from ``start`` to ``end`` (inclusive), each with its days: a
    version starting mid-period splits it. Days before the first version belong to none."""
    if end < start:
        raise DomainError("The period ends before it starts.", field="period_end")
    first = version_in_force(on=start)
    later = list(
        list_contract_versions()
        .filter(effective_from__gt=start, effective_from__lte=end)
        .order_by("effective_from")
    )
    versions = ([first] if first else []) + later
    periods = []
    for index, version in enumerate(versions):
        first_day = max(start, version.effective_from)
        last_day = (
            versions[index + 1].effective_from - timedelta(days=1)
            if index + 1 < len(versions)
            else end
        )
        periods.append(VersionPeriod(version, first_day, last_day))
    return periods


def rate_client_month(*, period_start: date, period_end: date) -> InvoiceDraftData:
    """The active client's invoice data for the period: its usage rated under the contract
    versions in force (split by day when one starts mid-period). Days before the first
    version are not billed: the period is cut to start with it."""
    from billing.contracts.usage import gather_usage, terms_of

    client = getattr(connection, "tenant", None)
    periods = versions_for_period(start=period_start, end=period_end)
    if not periods:
        raise DomainError("No contract version is in force in the period.", field="period_start")
    usage = gather_usage(client=client, period_start=period_start, period_end=period_end)
    parts = [
        VersionPart(terms_of(period.version, client=client), period.first_day, period.last_day)
        for period in periods
    ]
    return rate_period(_from_period_start(parts, period_start), usage)


def _from_period_start(parts: list[VersionPart], period_start: date) -> list[VersionPart]:
    if parts[0].first_day != period_start:
        # the contract began inside the period: bill its days only, prorating on the month
        parts.insert(
            0,
            VersionPart(
                _no_terms(parts[0].terms), period_start, parts[0].first_day - timedelta(days=1)
            ),
        )
    return parts


def _no_terms(terms):
    """The days before the first version: nothing is billed (an empty rate card)."""
    from dataclasses import replace

    return replace(
        terms,
        rates=(),
        multipliers=(),
        sla_credits=(),
        committed_fte=(),
        minimum_monthly_amount=None,
    )


# UN/ECE unit codes of invoice lines, as the projection's table words them.
_UNIT_WORDS = {"HUR": "hours", "MIN": "minutes", "MON": "months", "DAY": "days", "C62": ""}


@dataclass(frozen=True)
class ProjectedLine:
    description: str
    quantity: Decimal
    unit: str
    quantity_text: str  # "5,376 hours", in the contract's locale
    unit_price: str  # formatted in the contract's locale
    amount: Decimal
    amount_text: str


@dataclass(frozen=True)
class ProjectedInvoice:
    """What a month's invoice would come to for a given staffing, under the contract versions
    in force that month (formatted in the last one's locale)."""

    month_start: date
    month_end: date
    currency: str
    locale: str
    version_numbers: tuple[int, ...]
    lines: tuple[ProjectedLine, ...]
    net: Decimal
    tax: Decimal
    total: Decimal
    net_text: str
    tax_text: str
    total_text: str
    notes: tuple[str, ...]
    assumptions: tuple[str, ...]  # how the staffing became usage, in words

    def difference_to(self, other: ProjectedInvoice) -> str:
        """``other``'s total less this one's, signed, in this invoice's locale."""
        difference = other.total - self.total
        sign = "+" if difference > 0 else ""
        return sign + format_money(difference, self.currency, self.locale)


def month_of(day: date) -> tuple[date, date]:
    """The first and last day of ``day``'s calendar month."""
    first = day.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return first, following - timedelta(days=1)


def project_month_invoice(
    *,
    fte_by_line: Mapping[int, Decimal | float],
    month: date,
    productive_fte_by_line: Mapping[int, Decimal | float] | None = None,
) -> ProjectedInvoice | None:
    """The active client's invoice for ``month`` (any day of it) had it been staffed with
    ``fte_by_line`` (service line id -> FTE): the contract's versions in force that month,
    rated by the pure engine over a projected usage (``billing.contracts.usage``'s
    ``PROJECTION_ASSUMPTIONS`` say how FTE become hours, seats and FTE months). None when no
    version is in force in the month. No writes."""
    from billing.contracts.usage import (
        PROJECTION_ASSUMPTIONS,
        projected_terms,
        projected_usage,
        terms_of,
    )
    from billing.invoices.selectors import draft_totals

    client = getattr(connection, "tenant", None)
    month_start, month_end = month_of(month)
    periods = versions_for_period(start=month_start, end=month_end)
    if not periods:
        return None
    fte = {int(line): round_quantity(str(value)) for line, value in fte_by_line.items()}
    productive = {
        int(line): round_quantity(str(value))
        for line, value in (productive_fte_by_line or {}).items()
    }
    parts = [
        VersionPart(
            projected_terms(terms_of(period.version, client=client), fte_by_line=fte),
            period.first_day,
            period.last_day,
        )
        for period in periods
    ]
    last = parts[-1].terms
    usage = projected_usage(
        period_start=month_start,
        period_end=month_end,
        hours_per_fte_month=last.hours_per_fte_month,
        fte_by_line=fte,
        productive_fte_by_line=productive,
    )
    draft = rate_period(_from_period_start(parts, month_start), usage)
    totals = draft_totals(draft=draft)
    locale = (draft.language or "en").replace("-", "_")

    def money(amount: Decimal) -> str:
        return format_money(amount, draft.currency, locale)

    return ProjectedInvoice(
        month_start=month_start,
        month_end=month_end,
        currency=draft.currency,
        locale=locale,
        version_numbers=tuple(period.version.number for period in periods),
        lines=tuple(
            ProjectedLine(
                description=line.description,
                quantity=line.quantity,
                unit=line.unit,
                quantity_text=" ".join(
                    part
                    for part in (
                        format_decimal(
                            line.quantity.normalize(), locale=locale, decimal_quantization=False
                        ),
                        _UNIT_WORDS.get(line.unit, line.unit),
                    )
                    if part
                ),
                unit_price=money(line.unit_price),
                amount=line.amount,
                amount_text=money(line.amount),
            )
            for line in draft.lines
            if line.amount or line.kind == LineKind.TRUE_UP
        ),
        net=totals.net,
        tax=totals.tax,
        total=totals.total,
        net_text=money(totals.net),
        tax_text=money(totals.tax),
        total_text=money(totals.total),
        notes=draft.notes,
        assumptions=PROJECTION_ASSUMPTIONS,
    )
