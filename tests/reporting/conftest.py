from __future__ import annotations

import pytest
from django.db import connection


@pytest.fixture
def in_a(client_a):
    connection.set_tenant(client_a)
    yield client_a
    connection.set_schema_to_public()


@pytest.fixture
def in_b(client_b):
    connection.set_tenant(client_b)
    yield client_b
    connection.set_schema_to_public()
