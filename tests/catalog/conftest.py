"""Fixtures of the catalog's tests: the session clients' schemas and their people."""

from __future__ import annotations

import pytest
from django.db import connection

from bpo.accounts.roles import Role
from tests.conftest import make_user


@pytest.fixture
def in_client_a(client_a):
    """Client A's schema active for the test's own ORM calls (reset to public afterwards)."""
    connection.set_tenant(client_a)
    yield client_a
    connection.set_schema_to_public()


@pytest.fixture
def in_client_b(client_b):
    connection.set_tenant(client_b)
    yield client_b
    connection.set_schema_to_public()


@pytest.fixture
def agent_a(client_a):
    return make_user(Role.AGENT, client_a, email="agent@provider.test")


@pytest.fixture
def scheduler_a(client_a):
    return make_user(Role.SCHEDULER, client_a, email="scheduler@provider.test")
