"""Writes to a client's commercial terms. Called with the client's schema active.

A contract has effective-dated versions. A version is never edited once it is in force: a
change of terms is a new version from a later day (``create_contract_version``, which copies
the current rate card and rules unless new ones are given). Only a version that has not yet
come into force may have rate lines added or removed. ``record_invoiced_period`` is the
ledger's door: once an invoice billed days under a version, no new version may start on or
before the last of them.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, time
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

import pycountry
from babel import Locale, UnknownLocaleError
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from billing.contracts.audit import audit_actor
from billing.contracts.models import (
    Basis,
    BillingContact,
    CommittedFte,
    Contract,
    ContractVersion,
    EInvoiceFormat,
    MultiplierKind,
    MultiplierRule,
    RateLine,
    SlaCreditRule,
    TaxMode,
    TrueUpRule,
)
from billing.ledger.models import LegalEntity
from billing.money import MoneyError, minor_units, round_money
from billing.rating.calendar import known_subdivisions
from billing.rating.tax import VatIdError, is_reverse_charge, normalise_vat_id
from bpo.catalog.models import ServiceLine
from bpo.dates import format_when
from bpo.errors import ConflictError, DomainError, NotFoundError

if TYPE_CHECKING:
    from bpo.accounts.models import User

VERSION_FIELDS = (
    "seller_id",
    "buyer_legal_name",
    "buyer_address",
    "buyer_city",
    "buyer_postcode",
    "buyer_country",
    "buyer_vat_id",
    "buyer_reference",
    "purchase_order",
    "currency",
    "payment_terms_days",
    "language",
    "tax_mode",
    "default_tax_rate",
    "e_invoice_format",
    "minimum_monthly_amount",
    "fte_true_up_rule",
    "hours_per_fte_month",
)
MONTH_BASES = {Basis.FTE_MONTH, Basis.SEAT_MONTH}
HOUR_BASES = {Basis.PRODUCTIVE_HOUR, Basis.SCHEDULED_HOUR, Basis.WORKED_HOUR}


# --- the seller --------------------------------------------------------------------------------


def default_legal_entity() -> LegalEntity:
    """The provider's company named by ``settings.BILLING_DEFAULT_SELLER``, created in public
    the first time it is needed (the seller of every contract's first version)."""
    values = dict(settings.BILLING_DEFAULT_SELLER)
    entity = LegalEntity.objects.filter(name=values["name"]).first()
    if entity is None:
        entity, _ = LegalEntity.objects.get_or_create(name=values.pop("name"), defaults=values)
    return entity


# --- onboarding --------------------------------------------------------------------------------


def client_today() -> date:
    """Today in the active client's zone."""
    zone = getattr(getattr(connection, "tenant", None), "time_zone", "") or "UTC"
    return timezone.localdate(timezone=zoneinfo.ZoneInfo(zone))


@transaction.atomic
def create_initial_contract(
    *,
    billing_model: str,
    currency: str,
    time_zone: str,
    billing_contact_name: str,
    billing_contact_email: str,
    buyer_legal_name: str = "",
    buyer_country: str = "",
) -> Contract:
    """The contract chosen at onboarding, its primary billing contact and its version 1
    (the default seller, no rate card yet), starting today in the client's ``time_zone``.
    The caller (onboarding) has validated the values and made the new client's schema the
    active one."""
    BillingContact.objects.create(
        name=billing_contact_name, email=billing_contact_email, is_primary=True
    )
    tenant = getattr(connection, "tenant", None)
    contract = Contract.objects.create(
        billing_model=billing_model,
        currency=currency,
        starts_on=timezone.localdate(timezone=zoneinfo.ZoneInfo(time_zone)),
    )
    with audit_actor(None):
        ContractVersion.objects.create(
            contract=contract,
            number=1,
            effective_from=contract.starts_on,
            seller=default_legal_entity(),
            buyer_legal_name=buyer_legal_name
            or getattr(tenant, "legal_name", "")
            or getattr(tenant, "name", ""),
            buyer_country=(buyer_country or getattr(tenant, "country", "")).upper(),
            currency=currency.upper(),
            payment_terms_days=contract.payment_terms_days,
            note="The contract chosen at onboarding.",
        )
    return contract


# --- checking a version's terms ----------------------------------------------------------------


@dataclass
class _Problems:
    fields: dict[str, list[str]]

    def add(self, field: str, message: str) -> None:
        self.fields.setdefault(field, []).append(message)

    def raise_if_any(self) -> None:
        if self.fields:
            first = next(iter(self.fields))
            raise DomainError(self.fields[first][0], field=first, fields=self.fields)


def _decimal(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    if isinstance(value, float):
        value = str(value)
    try:
        return Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        return None


def _check_percent(problems: _Problems, field: str, value: Any, *, required: bool) -> None:
    number = _decimal(value)
    if number is None:
        if required or value not in (None, ""):
            problems.add(field, "Give a percentage, e.g. 19 or 7.5.")
        return
    if not 0 <= number <= 100:
        problems.add(field, "A percentage lies between 0 and 100.")


def check_version_terms(values: Mapping[str, Any], problems: _Problems) -> dict[str, Any]:
    """The version's own fields, checked; answers them cleaned (VAT id compact, codes upper
    case, the reverse charge decided)."""
    clean = {name: values.get(name) for name in VERSION_FIELDS}
    seller = (
        LegalEntity.objects.filter(pk=clean["seller_id"]).first()
        if clean["seller_id"] is not None
        else None
    )
    if seller is None:
        problems.add("seller", "Choose the provider's company that issues the invoices.")
    if not (clean["buyer_legal_name"] or "").strip():
        problems.add("buyer_legal_name", "Give the buyer's legal name as it appears on invoices.")
    country = (clean["buyer_country"] or "").strip().upper()
    clean["buyer_country"] = country
    if len(country) != 2 or pycountry.countries.get(alpha_2=country) is None:
        problems.add("buyer_country", "Give the buyer's country as a two-letter ISO code (DE).")
    elif clean["buyer_vat_id"]:
        try:
            clean["buyer_vat_id"] = normalise_vat_id(clean["buyer_vat_id"], country)
        except VatIdError as error:
            problems.add("buyer_vat_id", f"Buyer VAT id: {error}")
    currency = (clean["currency"] or "").strip().upper()
    clean["currency"] = currency
    try:
        minor_units(currency)
    except MoneyError:
        problems.add("currency", "Give an ISO 4217 currency code, e.g. EUR, USD, MXN.")
        currency = ""
    terms = clean["payment_terms_days"]
    if not isinstance(terms, int) or not 0 <= terms <= 365:
        problems.add("payment_terms_days", "Payment terms are 0 to 365 days.")
    language = (clean["language"] or "en").strip()
    try:
        Locale.parse(language.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        problems.add("language", f"{language} is not a language or locale (en, de-DE, es-MX).")
    clean["language"] = language
    if clean["tax_mode"] not in TaxMode.values:
        problems.add("tax_mode", "Choose tax per line or per invoice.")
    if clean["e_invoice_format"] not in EInvoiceFormat.values:
        problems.add("e_invoice_format", "Choose none, Factur-X or UBL.")
    if clean["fte_true_up_rule"] not in TrueUpRule.values:
        problems.add("fte_true_up_rule", "Choose what happens to committed FTE not delivered.")
    rate = _decimal(clean["default_tax_rate"])
    if rate is None or not 0 <= rate < 100:
        problems.add("default_tax_rate", "The default tax rate lies between 0 and 100 %.")
    hours = _decimal(clean["hours_per_fte_month"])
    if hours is None or not 0 < hours <= 744:
        problems.add("hours_per_fte_month", "An FTE month has between 1 and 744 hours.")
    minimum = _decimal(clean["minimum_monthly_amount"])
    if clean["minimum_monthly_amount"] not in (None, ""):
        if minimum is None or minimum < 0:
            problems.add(
                "minimum_monthly_amount", "Give an amount of 0 or more, or leave it empty."
            )
        elif currency and round_money(minimum, currency) != minimum:
            problems.add(
                "minimum_monthly_amount",
                f"{currency} has {minor_units(currency)} decimal places; {minimum} has more.",
            )
    else:
        clean["minimum_monthly_amount"] = None
    if seller is not None and not problems.fields.get("buyer_vat_id"):
        clean["reverse_charge"] = is_reverse_charge(
            seller_country=seller.country,
            buyer_country=country,
            buyer_vat_id=clean["buyer_vat_id"] or "",
        )
    return clean


def _line_ids() -> set[int]:
    return set(ServiceLine.objects.values_list("id", flat=True))


def _check_line(problems: _Problems, field: str, value: Any, known: set[int], required: bool):
    if value in (None, ""):
        if required:
            problems.add(field, "Choose the service line.")
        return None
    line_id = value.pk if isinstance(value, ServiceLine) else value
    if not isinstance(line_id, int) or line_id not in known:
        problems.add(field, "No such service line.")
        return None
    return line_id


def check_rates(rows: Sequence[Mapping[str, Any]], problems: _Problems, known: set[int]) -> list:
    clean = []
    for index, row in enumerate(rows):
        at = f"rates.{index}."
        basis = row.get("basis")
        if basis not in Basis.values:
            problems.add(at + "basis", "Choose what the rate is paid per.")
        price = _decimal(row.get("unit_price"))
        if price is None or price < 0:
            problems.add(at + "unit_price", "Give a price of 0 or more.")
        quantity = _decimal(row.get("quantity", 1))
        if quantity is None or quantity < 0:
            problems.add(at + "quantity", "Give a number of seats, FTE or fees of 0 or more.")
        elif basis in MONTH_BASES and quantity == 0:
            problems.add(at + "quantity", "Give the number of seats or FTE billed each month.")
        _check_percent(problems, at + "tax_rate", row.get("tax_rate"), required=False)
        if row.get("bill_on") and basis != Basis.ONE_OFF_FEE:
            problems.add(at + "bill_on", "Only a one-off fee has a due day.")
        line_id = _check_line(problems, at + "service_line", row.get("service_line"), known, False)
        clean.append(
            {
                "basis": basis,
                "service_line_id": line_id,
                "role": (row.get("role") or "").strip(),
                "unit_price": price,
                "quantity": quantity if quantity is not None else Decimal(1),
                "tax_rate": _decimal(row.get("tax_rate")),
                "description": (row.get("description") or "").strip(),
                "bill_on": row.get("bill_on") or None,
                "position": index,
            }
        )
    return clean


def check_multipliers(rows: Sequence[Mapping[str, Any]], problems: _Problems, country: str) -> list:
    clean = []
    holidays = 0
    for index, row in enumerate(rows):
        at = f"multipliers.{index}."
        kind = row.get("kind")
        if kind not in MultiplierKind.values:
            problems.add(at + "kind", "Choose overtime, night or public holidays.")
        factor = _decimal(row.get("factor"))
        if factor is None or not 1 < factor <= 10:
            problems.add(
                at + "factor", "A multiplier lies above 1 (1.25 is 25 % extra), at most 10."
            )
        threshold = _decimal(row.get("threshold_hours"))
        if kind in (MultiplierKind.OVERTIME_DAY, MultiplierKind.OVERTIME_WEEK):
            limit = 24 if kind == MultiplierKind.OVERTIME_DAY else 168
            if threshold is None or not 0 < threshold < limit:
                problems.add(at + "threshold_hours", f"Overtime starts after 1 to {limit} hours.")
        starts, ends = row.get("night_starts"), row.get("night_ends")
        if kind == MultiplierKind.NIGHT:
            if not isinstance(starts, time):
                problems.add(at + "night_starts", "Give when the night starts (22:00).")
            if not isinstance(ends, time):
                problems.add(at + "night_ends", "Give when the night ends (06:00).")
            elif starts == ends:
                problems.add(at + "night_ends", "The night ends at another time than it starts.")
        subdivision = (row.get("subdivision") or "").strip().upper()
        if kind == MultiplierKind.HOLIDAY:
            holidays += 1
            if holidays > 1:
                problems.add(at + "kind", "One public-holiday rule per version.")
            if subdivision and subdivision not in known_subdivisions(country):
                problems.add(
                    at + "subdivision", f"{subdivision} is not a region of {country} known here."
                )
        clean.append(
            {
                "kind": kind,
                "factor": factor,
                "threshold_hours": threshold if kind not in (MultiplierKind.NIGHT,) else None,
                "night_starts": starts if kind == MultiplierKind.NIGHT else None,
                "night_ends": ends if kind == MultiplierKind.NIGHT else None,
                "subdivision": subdivision if kind == MultiplierKind.HOLIDAY else "",
            }
        )
    return clean


def check_sla_credits(rows, problems: _Problems, known: set[int]) -> list:
    clean, seen = [], set()
    for index, row in enumerate(rows):
        at = f"sla_credits.{index}."
        line_id = _check_line(problems, at + "service_line", row.get("service_line"), known, True)
        if line_id is not None and line_id in seen:
            problems.add(at + "service_line", "One SLA credit rule per service line.")
        seen.add(line_id)
        points = _decimal(row.get("points_per_step"))
        if points is None or points <= 0:
            problems.add(at + "points_per_step", "Give the points below target per step (1).")
        _check_percent(
            problems,
            at + "credit_percent_per_step",
            row.get("credit_percent_per_step"),
            required=True,
        )
        _check_percent(problems, at + "cap_percent", row.get("cap_percent"), required=True)
        bonus = [
            row.get(f"bonus_{name}")
            for name in ("points_per_step", "percent_per_step", "cap_percent")
        ]
        if any(value not in (None, "") for value in bonus) and any(
            value in (None, "") for value in bonus
        ):
            problems.add(at + "bonus_points_per_step", "A bonus needs its points, percent and cap.")
        clean.append(
            {
                "service_line_id": line_id,
                "points_per_step": points,
                "credit_percent_per_step": _decimal(row.get("credit_percent_per_step")),
                "cap_percent": _decimal(row.get("cap_percent")),
                "bonus_points_per_step": _decimal(bonus[0]),
                "bonus_percent_per_step": _decimal(bonus[1]),
                "bonus_cap_percent": _decimal(bonus[2]),
            }
        )
    return clean


def check_committed_fte(rows, problems: _Problems, known: set[int]) -> list:
    clean = []
    for index, row in enumerate(rows):
        at = f"committed_fte.{index}."
        line_id = _check_line(problems, at + "service_line", row.get("service_line"), known, False)
        fte = _decimal(row.get("fte"))
        if fte is None or fte <= 0:
            problems.add(at + "fte", "Give the FTE committed, more than 0.")
        weekdays = list(row.get("weekdays") or [])
        if any(not isinstance(day, int) or not 0 <= day <= 6 for day in weekdays):
            problems.add(at + "weekdays", "Weekdays are 0 (Monday) to 6 (Sunday).")
        starts, ends = row.get("window_starts"), row.get("window_ends")
        if (starts is None) != (ends is None):
            problems.add(at + "window_ends", "A window has a start and an end, or neither.")
        clean.append(
            {
                "service_line_id": line_id,
                "fte": fte,
                "weekdays": sorted(set(weekdays)),
                "window_starts": starts,
                "window_ends": ends,
            }
        )
    return clean


# --- versions ----------------------------------------------------------------------------------


def _current_contract() -> Contract:
    contract = Contract.objects.select_for_update().order_by("-starts_on", "-id").first()
    if contract is None:
        raise NotFoundError("This client has no contract yet.")
    return contract


RATE_COPY = ("basis", "role", "unit_price", "quantity", "tax_rate", "description", "bill_on")
MULTIPLIER_COPY = ("kind", "factor", "threshold_hours", "night_starts", "night_ends", "subdivision")
SLA_COPY = (
    "points_per_step",
    "credit_percent_per_step",
    "cap_percent",
    "bonus_points_per_step",
    "bonus_percent_per_step",
    "bonus_cap_percent",
)
FTE_COPY = ("fte", "weekdays", "window_starts", "window_ends")


def copy_version_rows(version: ContractVersion) -> dict[str, list[dict]]:
    """The rate card and rules of ``version`` as the input rows of a new version (the form
    and the API start from them)."""

    def rows(objects, names, with_line: bool) -> list[dict]:
        copied = []
        for obj in objects:
            row = {name: getattr(obj, name) for name in names}
            if with_line:
                row["service_line"] = obj.service_line_id
            copied.append(row)
        return copied

    return {
        "rates": rows(version.rates.all(), RATE_COPY, True),
        "multipliers": rows(version.multipliers.all(), MULTIPLIER_COPY, False),
        "sla_credits": rows(version.sla_credits.all(), SLA_COPY, True),
        "committed_fte": rows(version.committed_fte.all(), FTE_COPY, True),
    }


def version_terms(version: ContractVersion) -> dict[str, Any]:
    return {name: getattr(version, name) for name in VERSION_FIELDS}


@transaction.atomic
def create_contract_version(
    *,
    effective_from: date,
    actor: User | None,
    terms: Mapping[str, Any] | None = None,
    rates: Sequence[Mapping[str, Any]] | None = None,
    multipliers: Sequence[Mapping[str, Any]] | None = None,
    sla_credits: Sequence[Mapping[str, Any]] | None = None,
    committed_fte: Sequence[Mapping[str, Any]] | None = None,
    note: str = "",
) -> ContractVersion:
    """A new version of the client's contract from ``effective_from``, superseding the
    current one from that day. Fields of ``terms`` not given, and each of the lists given
    as None, are copied from the latest version. Refused (``DomainError`` naming every field
    at fault, rows as ``rates.0.unit_price``) when a rule breaks; refused (``ConflictError``)
    when the day is not after the latest version's first day or falls in a period already
    invoiced."""
    contract = _current_contract()
    latest = contract.versions.order_by("-effective_from").first()
    problems = _Problems({})
    if latest is not None:
        invoiced = contract.versions.aggregate(last=Max("invoiced_through"))["last"]
        if effective_from <= latest.effective_from:
            raise ConflictError(
                f"A new version starts after the latest one (version {latest.number} from "
                f"{format_when(latest.effective_from, 'date')}); a version in force is never edited.",
                field="effective_from",
            )
        if invoiced is not None and effective_from <= invoiced:
            raise ConflictError(
                f"Invoices were issued up to {format_when(invoiced, 'date')}; start the new version "
                "after that day.",
                field="effective_from",
            )
    values = {**(version_terms(latest) if latest else {}), **(terms or {})}
    if "seller" in values and "seller_id" not in (terms or {}):
        seller = values.pop("seller")
        values["seller_id"] = getattr(seller, "pk", seller)
    if values.get("seller_id") is None:
        values["seller_id"] = default_legal_entity().pk
    clean = check_version_terms(values, problems)
    copied = copy_version_rows(latest) if latest else {}
    known = _line_ids()
    country = (
        getattr(getattr(connection, "tenant", None), "country", "") or clean["buyer_country"]
    ).upper()
    rate_rows = check_rates(
        rates if rates is not None else copied.get("rates", []), problems, known
    )
    multiplier_rows = check_multipliers(
        multipliers if multipliers is not None else copied.get("multipliers", []), problems, country
    )
    sla_rows = check_sla_credits(
        sla_credits if sla_credits is not None else copied.get("sla_credits", []), problems, known
    )
    fte_rows = check_committed_fte(
        committed_fte if committed_fte is not None else copied.get("committed_fte", []),
        problems,
        known,
    )
    note = " ".join((note or "").split())
    if len(note) > 300:
        problems.add("note", "At most 300 characters.")
    problems.raise_if_any()
    with audit_actor(actor):
        version = ContractVersion.objects.create(
            contract=contract,
            number=(latest.number + 1) if latest else 1,
            effective_from=effective_from,
            note=note,
            created_by=actor if actor is not None and actor.pk else None,
            **clean,
        )
        for row in rate_rows:  # one by one: the history records each line
            RateLine.objects.create(version=version, **row)
        for row in multiplier_rows:
            MultiplierRule.objects.create(version=version, **row)
        for row in sla_rows:
            SlaCreditRule.objects.create(version=version, **row)
        for row in fte_rows:
            CommittedFte.objects.create(version=version, **row)
    return version


def _refuse_if_in_force(version: ContractVersion) -> None:
    if version.effective_from <= client_today() or version.invoiced_through is not None:
        raise ConflictError(
            f"Version {version.number} is in force since {format_when(version.effective_from, 'date')}: "
            "it is never edited. Add a new version from a later day.",
            field="version",
        )


@transaction.atomic
def add_rate_line(
    *, version: ContractVersion, actor: User | None, values: Mapping[str, Any]
) -> RateLine:
    """A rate line on a version that has not come into force yet."""
    version = ContractVersion.objects.select_for_update().get(pk=version.pk)
    _refuse_if_in_force(version)
    problems = _Problems({})
    rows = check_rates([values], problems, _line_ids())
    problems.raise_if_any()
    row = {**rows[0], "position": version.rates.count()}
    with audit_actor(actor):
        return RateLine.objects.create(version=version, **row)


@transaction.atomic
def remove_rate_line(*, rate_line: RateLine, actor: User | None) -> None:
    """Remove a rate line of a version that has not come into force yet."""
    version = ContractVersion.objects.select_for_update().get(pk=rate_line.version_id)
    _refuse_if_in_force(version)
    with audit_actor(actor):
        rate_line.delete()


@transaction.atomic
def record_invoiced_period(*, version: ContractVersion, period_end: date) -> ContractVersion:
    """The ledger's call when it issues an invoice billed under ``version`` up to
    ``period_end``: from then on no version may start on or before that day."""
    version = ContractVersion.objects.select_for_update().get(pk=version.pk)
    if version.invoiced_through is None or period_end > version.invoiced_through:
        version.invoiced_through = period_end
        version.save(update_fields=["invoiced_through"])
    return version


@transaction.atomic
def start_contract_earlier(*, starts_on: date, actor: User | None) -> Contract:
    """Move the client's contract, and its only version, to start on the earlier day
    ``starts_on`` (a contract signed before onboarding finished). Refused (``ConflictError``)
    once the contract has a second version or anything was invoiced under it: from then on
    the terms of past days are fixed."""
    contract = _current_contract()
    versions = list(contract.versions.select_for_update().order_by("effective_from"))
    if len(versions) != 1 or versions[0].invoiced_through is not None:
        raise ConflictError(
            "Only a contract with one version and nothing invoiced can start earlier.",
            field="starts_on",
        )
    if starts_on >= contract.starts_on:
        raise DomainError("Give a day before the contract's current start.", field="starts_on")
    version = versions[0]
    with audit_actor(actor):
        contract.starts_on = starts_on
        contract.save(update_fields=["starts_on"])
        version.effective_from = starts_on
        version.save(update_fields=["effective_from"])
    return contract
