"""Fixtures of the tenant registry's tests (the session clients come from tests/conftest.py)."""

from __future__ import annotations

import pytest

from bpo.accounts.roles import Role
from tests.conftest import make_user


@pytest.fixture
def scheduler_a(client_a):
    return make_user(Role.SCHEDULER, client_a, email="scheduler@provider.test")


@pytest.fixture
def account_manager_b(client_b):
    return make_user(Role.ACCOUNT_MANAGER, client_b, email="am-b@provider.test")


@pytest.fixture
def signed_in(client):
    """``signed_in(user)``: the Django test client, logged in as ``user``."""

    def sign_in(user):
        client.force_login(user)
        return client

    return sign_in
