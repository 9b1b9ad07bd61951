"""Fixtures of the planning tests: client A's schema active, its scheduler, uploads in tmp."""

from __future__ import annotations

import pytest
from django.db import connection

from bpo.accounts.roles import Role
from tests.conftest import make_user


@pytest.fixture
def in_client_a(client_a):
    connection.set_tenant(client_a)
    yield client_a
    connection.set_schema_to_public()


@pytest.fixture
def scheduler_a(client_a):
    return make_user(Role.SCHEDULER, client_a, email="scheduler@provider.test")


@pytest.fixture(autouse=True)
def _uploads_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
