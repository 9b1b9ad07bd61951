"""Contract versions and rate cards: version 1 from onboarding, new versions from a later day
(copying the current card), every problem named by its field, VAT ids, the reverse charge,
versions never edited once in force, and the versions of a period."""

from __future__ import annotations

from datetime import date, time
from decimal import Decimal

import pytest

from billing.contracts import selectors, services
from billing.contracts.models import ContractVersion, MultiplierRule, RateLine
from billing.ledger.models import LegalEntity
from bpo.audit.models import LogEntry
from bpo.errors import ConflictError, DomainError
from tests.catalog.factories import ServiceLineFactory

pytestmark = pytest.mark.django_db
D = Decimal


def test_onboarding_made_version_one_with_the_default_seller(in_client_a):
    # given client A, onboarded in the session's setup
    version = ContractVersion.objects.get()
    # then
    assert (version.number, version.currency, version.buyer_country) == (1, "USD", "US")
    assert version.buyer_legal_name == "Acme A Ltd."
    assert version.seller == services.default_legal_entity()
    assert version.seller.name == "BPO Portal Services B.V."
    assert LegalEntity.objects.filter(name=version.seller.name).count() == 1


def test_a_new_version_copies_the_current_card_and_supersedes_it_from_its_day(contract_a):
    # given version 2 with a rate and a night rule
    line = ServiceLineFactory(name="Orders")
    second = services.create_contract_version(
        effective_from=date(2026, 6, 1),
        actor=None,
        terms={"default_tax_rate": D("8.25"), "buyer_reference": "PO-77"},
        rates=[{"basis": "worked_hour", "unit_price": D("28.50"), "service_line": line.pk}],
        multipliers=[
            {"kind": "night", "factor": D("1.25"), "night_starts": time(22), "night_ends": time(6)}
        ],
    )
    # when version 3 changes only the payment terms
    third = services.create_contract_version(
        effective_from=date(2026, 11, 16), actor=None, terms={"payment_terms_days": 45}
    )
    # then it copies the rest, and each day has its version
    assert (third.number, third.payment_terms_days, third.default_tax_rate) == (3, 45, D("8.25"))
    assert list(third.rates.values_list("basis", "unit_price", "service_line_id")) == [
        ("worked_hour", D("28.500000"), line.pk)
    ]
    assert MultiplierRule.objects.get(version=third).night_starts == time(22)
    assert selectors.version_in_force(on=date(2026, 5, 31)).number == 1
    assert selectors.version_in_force(on=date(2026, 6, 1)) == second
    periods = selectors.versions_for_period(start=date(2026, 11, 1), end=date(2026, 11, 30))
    assert [(p.version.number, p.first_day, p.last_day) for p in periods] == [
        (2, date(2026, 11, 1), date(2026, 11, 15)),
        (3, date(2026, 11, 16), date(2026, 11, 30)),
    ]
    # and the history records who created what
    assert LogEntry.objects.filter(content_type__model="rateline").count() >= 2


def test_every_problem_is_named_by_its_field_in_one_answer(contract_a):
    with pytest.raises(DomainError) as raised:
        services.create_contract_version(
            effective_from=date(2026, 6, 1),
            actor=None,
            terms={"currency": "XXY", "buyer_country": "Germany", "payment_terms_days": 900},
            rates=[{"basis": "per_banana", "unit_price": D("-1")}],
            multipliers=[{"kind": "overtime_day", "factor": D("1")}],
            sla_credits=[{"service_line": 987654, "points_per_step": D(0)}],
        )
    assert set(raised.value.fields) >= {
        "currency",
        "buyer_country",
        "payment_terms_days",
        "rates.0.basis",
        "rates.0.unit_price",
        "multipliers.0.factor",
        "multipliers.0.threshold_hours",
        "sla_credits.0.service_line",
        "sla_credits.0.points_per_step",
        "sla_credits.0.cap_percent",
    }
    assert ContractVersion.objects.count() == 1


def test_a_buyer_vat_id_is_checked_and_decides_the_reverse_charge(contract_a):
    # given the Dutch default seller
    # a German buyer with a wrong check digit is refused on the field
    with pytest.raises(DomainError) as raised:
        services.create_contract_version(
            effective_from=date(2026, 6, 1),
            actor=None,
            terms={"buyer_country": "DE", "buyer_vat_id": "DE136695977", "currency": "EUR"},
        )
    assert raised.value.fields["buyer_vat_id"][0].startswith("Buyer VAT id: DE136695977 is not")
    # a US buyer's tax number is not an EU VAT id: refused with words, not a crash
    with pytest.raises(DomainError) as raised:
        services.create_contract_version(
            effective_from=date(2026, 6, 1), actor=None, terms={"buyer_vat_id": "12-3456789"}
        )
    assert "not an EU country" in raised.value.fields["buyer_vat_id"][0]
    # a valid German id: reverse charge, compact form stored
    version = services.create_contract_version(
        effective_from=date(2026, 6, 1),
        actor=None,
        terms={"buyer_country": "DE", "buyer_vat_id": "DE 136 695 976", "currency": "EUR"},
    )
    assert (version.buyer_vat_id, version.reverse_charge) == ("DE136695976", True)


def test_a_version_is_superseded_from_a_later_day_never_edited(contract_a):
    # given version 2 in force since June
    version = services.create_contract_version(
        effective_from=date(2026, 6, 1),
        actor=None,
        rates=[{"basis": "seat_month", "unit_price": D("3000"), "quantity": D(5)}],
    )
    # then it cannot start a version on or before its own day
    with pytest.raises(ConflictError, match="after the latest one"):
        services.create_contract_version(effective_from=date(2026, 6, 1), actor=None)
    # nor change its rate card
    with pytest.raises(ConflictError, match="never edited"):
        services.add_rate_line(
            version=version, actor=None, values={"basis": "contact", "unit_price": D(1)}
        )
    with pytest.raises(ConflictError, match="never edited"):
        services.remove_rate_line(rate_line=version.rates.get(), actor=None)
    # a version not yet in force can still be completed
    future = services.create_contract_version(effective_from=date(2030, 1, 1), actor=None)
    services.add_rate_line(
        version=future, actor=None, values={"basis": "contact", "unit_price": D("1.10")}
    )
    assert future.rates.count() == 2
    # once invoiced through a day, no version starts on or before it
    services.record_invoiced_period(version=future, period_end=date(2030, 1, 31))
    with pytest.raises(ConflictError, match="Invoices were issued up to 31 January 2030"):
        services.create_contract_version(effective_from=date(2030, 1, 20), actor=None)
    assert RateLine.objects.filter(version=version).count() == 1


def test_the_data_migration_makes_version_one_of_a_contract_without_versions(in_client_a):
    # given a contract from before versions existed (its version removed in this test)
    import importlib

    from django.apps import apps

    from billing.contracts.models import Contract

    ContractVersion.objects.all().delete()
    contract = Contract.objects.get()
    migration = importlib.import_module("billing.contracts.migrations.0003_first_versions")
    # when
    migration.first_versions(apps, None)
    migration.first_versions(apps, None)  # a second run changes nothing
    # then
    version = ContractVersion.objects.get()
    assert (version.number, version.effective_from, version.currency) == (
        1,
        contract.starts_on,
        contract.currency,
    )
    assert (version.buyer_legal_name, version.buyer_country) == ("Acme A Ltd.", "US")
    assert version.seller == services.default_legal_entity()


def test_a_contract_with_one_version_and_nothing_invoiced_can_start_earlier(in_client_a):
    # given onboarding's contract (version 1, from today)
    from billing.contracts.models import Contract

    first = ContractVersion.objects.get()
    earlier = date(first.effective_from.year - 1, 1, 1)
    # when
    services.start_contract_earlier(starts_on=earlier, actor=None)
    # then the contract and its version start on that day
    assert Contract.objects.get().starts_on == earlier
    assert ContractVersion.objects.get().effective_from == earlier
    # and a later day, or a contract with a second version, is refused
    with pytest.raises(DomainError):
        services.start_contract_earlier(starts_on=first.effective_from, actor=None)
    services.create_contract_version(effective_from=date(earlier.year, 6, 1), actor=None)
    with pytest.raises(ConflictError, match="one version"):
        services.start_contract_earlier(starts_on=date(earlier.year - 1, 1, 1), actor=None)
