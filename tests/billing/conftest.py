"""Fixtures of the billing tests: client A's schema active, its contract's first version
moved to the start of 2026 (written directly: the services never move a version)."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection


@pytest.fixture
def in_client_a(client_a):
    connection.set_tenant(client_a)
    yield client_a
    connection.set_schema_to_public()


@pytest.fixture
def contract_a(in_client_a):
    from billing.contracts.models import Contract, ContractVersion

    Contract.objects.update(starts_on=date(2026, 1, 1))
    ContractVersion.objects.filter(number=1).update(effective_from=date(2026, 1, 1))
    return Contract.objects.get()
