"""The OpenAPI document is true: schemathesis sends generated requests to every operation, as a
client admin and as an account manager, over WSGI into the real app on the real PostgreSQL,
with demo-like data (a catalog, people, invitations, onboarding runs), and checks that nothing
answers 5xx, every status is documented and every body matches its documented schema.

Bounded: a few examples per operation (``SCHEMATHESIS_MAX_EXAMPLES``, default 4), fuzzing
only. Run it longer to hunt: ``SCHEMATHESIS_MAX_EXAMPLES=200 pytest tests/api/test_openapi_conformance.py``.
"""

from __future__ import annotations

import os
import re
from datetime import date, time

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.db import connection
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    response_schema_conformance,
    status_code_conformance,
)

from tests.conftest import SESSION_CLIENT_SLUGS, in_schema, make_user

MAX_EXAMPLES = int(os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "4"))
CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance]

CONFIG = schemathesis.config.SchemathesisConfig.from_dict(
    {
        "phases": {
            "examples": {"enabled": False},
            "coverage": {"enabled": False},
            "stateful": {"enabled": False},
            "fuzzing": {"enabled": True},
        },
        "generation": {"max-examples": MAX_EXAMPLES},
        "seed": 20261202,
    }
)
SCHEMA = schemathesis.openapi.from_dict(
    SchemaGenerator().get_schema(request=None, public=True), config=CONFIG
)
SCHEMA.app = WSGIHandler()

# Which rows an ``{id}`` names, by the path's collection (generated ids rarely exist).
COLLECTION = re.compile(r"/api/v1/(?:clients/\{client_slug\}/)?([a-z-]+)/\{id\}")


@pytest.fixture(scope="module")
def _wsgi_keeps_the_test_transaction():
    """As Django's test client does: a finished request must not close the connection that
    holds the test's transaction."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture(scope="module")
def api_data(django_db_setup, django_db_blocker, _wsgi_keeps_the_test_transaction):
    """Demo-like data in the session's first client, made once for the module in a
    transaction that is rolled back at its end (each test's own transaction nests in it)."""
    from django.db import transaction

    with django_db_blocker.unblock(), transaction.atomic():
        yield _demo_like_data()
        transaction.set_rollback(True)
    connection.set_schema_to_public()


def _demo_like_data() -> dict:
    from bpo.accounts.models import Invitation, Membership
    from bpo.accounts.services import invite_user
    from bpo.catalog import demo
    from bpo.catalog.models import (
        DateOverride,
        EscalationPath,
        EscalationTier,
        Script,
        ScriptVersion,
        ServiceLine,
    )
    from bpo.catalog.services.service_lines import add_date_override
    from tenants.models import Client, ClientExport, OnboardingRun
    from tenants.services import request_client_export, start_onboarding
    from tests.factories import client_answers

    client_a = Client.objects.get(slug=SESSION_CLIENT_SLUGS[0])
    account_manager = make_user("account_manager", client_a, email="am@provider.test")
    client_admin = make_user("client_admin", client_a, email="admin@acme-a.test")
    make_user("client_viewer", client_a, email="viewer@acme-a.test")
    in_schema(client_a)
    demo._shopright(client=client_a, account_manager=account_manager, client_admin=client_admin)
    line = ServiceLine.objects.order_by("pk").first()
    add_date_override(
        service_line=line,
        actor=account_manager,
        date=date(2026, 12, 24),
        is_closed=True,
        note="Christmas Eve",
    )
    add_date_override(
        service_line=line,
        actor=account_manager,
        date=date(2026, 12, 31),
        is_closed=False,
        opens_at=time(8),
        closes_at=time(12),
        note="New Year's Eve: mornings only",
    )
    ids = {
        "service-lines": list(ServiceLine.objects.values_list("pk", flat=True)),
        "date-overrides": list(DateOverride.objects.values_list("pk", flat=True)),
        "escalation-paths": list(EscalationPath.objects.values_list("pk", flat=True)),
        "escalation-tiers": list(EscalationTier.objects.values_list("pk", flat=True)),
        "scripts": list(Script.objects.values_list("pk", flat=True)),
        "script-versions": list(ScriptVersion.objects.values_list("pk", flat=True)),
    }
    in_schema(client_a)
    request_client_export(client=client_a, actor=client_admin, reason="on_request")
    invite_user(
        email="new@acme-a.test", role="client_viewer", client=client_a, invited_by=client_admin
    )
    start_onboarding(data=client_answers("alpine-travel"), requested_by=account_manager)
    ids |= {
        "memberships": list(Membership.objects.values_list("pk", flat=True)),
        "invitations": list(Invitation.objects.values_list("pk", flat=True)),
        "exports": list(ClientExport.objects.values_list("pk", flat=True)),
        "onboarding-runs": [str(pk) for pk in OnboardingRun.objects.values_list("pk", flat=True)],
    }
    connection.set_schema_to_public()
    return {
        "ids": ids,
        "client_slug": client_a.slug,
        "client_admin": client_admin,
        "account_manager": account_manager,
    }


def _aim(case, client_slug: str, ids: dict) -> None:
    """Send the case to the test client, and most ``{id}`` to a row that exists."""
    if "client_slug" in case.path_parameters:
        case.path_parameters["client_slug"] = client_slug
    match = COLLECTION.search(case.path)
    known = ids.get(match.group(1)) if match else None
    generated = case.path_parameters.get("id")
    if known and generated is not None and hash(str(generated)) % 4:
        case.path_parameters["id"] = known[hash(str(generated)) % len(known)]


@pytest.mark.parametrize("role", ["client_admin", "account_manager"])
@SCHEMA.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_the_api_answers_as_documented(case, role, api_data, db):
    # given a signed-in user of the role and a generated request
    from rest_framework.authtoken.models import Token

    token, _ = Token.objects.get_or_create(user=api_data[role])
    _aim(case, api_data["client_slug"], api_data["ids"])
    # when it is sent, then the answer is documented: status, and body for that status
    case.call_and_validate(headers={"Authorization": f"Token {token.key}"}, checks=CHECKS)
