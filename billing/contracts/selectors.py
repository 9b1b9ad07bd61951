"""Reads of a client's contract. Run with the client's schema active (pages and the API reach
them only through a client's route, which checks the user)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db import connection
from django.db.models import Prefetch, QuerySet

from billing.contracts.models import ContractVersion, RateLine
from billing.lines import InvoiceDraftData
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
    if parts[0].first_day != period_start:
        # the contract began inside the period: bill its days only, prorating on the month
        parts.insert(
            0,
            VersionPart(
                _no_terms(parts[0].terms), period_start, parts[0].first_day - timedelta(days=1)
            ),
        )
    return rate_period(parts, usage)


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
