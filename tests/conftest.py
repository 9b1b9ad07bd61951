"""Test fixtures on the real PostgreSQL.

Two client schemas (``client_a``, ``client_b``) are provisioned once per session in the test
database; each test runs in a transaction that is rolled back, and the connection is reset to
the public schema around every test.
"""

from __future__ import annotations

import pytest
from django.db import connection

# Model imports stay inside the fixtures: the pure engine tests then run even without Django
# (`pytest -p no:django tests/engine`).

SESSION_CLIENT_SLUGS = ("acme-a", "globex-b")


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Migrate once (public, template) and provision the session's two client schemas."""
    from tenants import services
    from tenants.models import Client
    from tests.factories import client_answers

    with django_db_blocker.unblock():
        for slug in SESSION_CLIENT_SLUGS:
            if not Client.objects.filter(slug=slug).exists():
                services.create_client_now(data=client_answers(slug), requested_by=None)
        connection.set_schema_to_public()
    yield


@pytest.fixture(autouse=True)
def _public_schema_around_each_test(request):
    # Pure tests run with `-p no:django` (and mutmut); importing ``bpo`` (the Celery app)
    # configures the settings even then, so ask for the plugin, not the settings.
    if not request.config.pluginmanager.has_plugin("django"):
        yield
        return
    connection.set_schema_to_public()
    yield
    connection.set_schema_to_public()


@pytest.fixture
def client_a(db):
    from tenants.models import Client

    return Client.objects.get(slug=SESSION_CLIENT_SLUGS[0])


@pytest.fixture
def client_b(db):
    from tenants.models import Client

    return Client.objects.get(slug=SESSION_CLIENT_SLUGS[1])


def make_user(role: str, client=None, **kwargs):
    from bpo.accounts.roles import Role
    from tests.factories import MembershipFactory, UserFactory

    user = UserFactory(**kwargs)
    is_admin = role == Role.PROVIDER_ADMIN
    MembershipFactory(user=user, role=role, client=None if is_admin else client)
    if is_admin:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    return user


def in_schema(client) -> None:
    """Requests leave the connection on their own schema; come back to ``client``'s."""
    connection.set_tenant(client)


@pytest.fixture
def password():
    from tests.factories import DEMO_TEST_PASSWORD

    return DEMO_TEST_PASSWORD


@pytest.fixture
def provider_admin(db):
    return make_user("provider_admin", email="admin@provider.test")


@pytest.fixture
def account_manager(client_a):
    return make_user("account_manager", client_a, email="am@provider.test")


@pytest.fixture
def client_a_admin(client_a):
    return make_user("client_admin", client_a, email="admin@acme-a.test")


@pytest.fixture
def client_a_viewer(client_a):
    return make_user("client_viewer", client_a, email="viewer@acme-a.test")


@pytest.fixture
def client_b_admin(client_b):
    return make_user("client_admin", client_b, email="admin@globex-b.test")


@pytest.fixture
def api_client():
    from rest_framework.test import APIClient

    return APIClient()


def token_client(user):
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    api = APIClient()
    token, _ = Token.objects.get_or_create(user=user)
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return api


def pytest_collection_modifyitems(session, config, items):
    """Tests marked ``live`` commit real data (a browser or a Celery worker must see it) and
    pytest-django flushes the public tables after each; they run last, after every test that
    relies on the session's clients."""
    items.sort(key=lambda item: item.get_closest_marker("live") is not None)
