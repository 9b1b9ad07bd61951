"""Who may do what in the catalog: the role x action table, read through ``can()`` as pages and
the API read it. The areas' own tests check each action's pages and endpoints against it."""

from __future__ import annotations

import pytest

from bpo.accounts.permissions import can
from bpo.accounts.roles import Action
from tests.catalog.roles import ROLES
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

Y, N = True, False
# role order:                        PA AM SCH FIN QA AGT CA CV
EXPECTED = {
    Action.VIEW_CATALOG:             (Y, Y, Y, Y, Y, Y, Y, Y),
    Action.VIEW_SCRIPT_DRAFTS:       (Y, Y, Y, Y, Y, N, Y, Y),
    Action.VIEW_AUDIT:               (Y, Y, Y, Y, Y, N, Y, Y),
    Action.MANAGE_CATALOG:           (Y, Y, N, N, N, N, N, N),
    Action.PROPOSE_SCRIPT:           (Y, Y, N, N, N, N, Y, N),
    Action.REVIEW_SCRIPT:            (N, N, N, N, N, N, Y, N),
    Action.PUBLISH_SCRIPT:           (Y, Y, N, N, N, N, Y, N),
    Action.RETIRE_SCRIPT:            (Y, Y, N, N, N, N, N, N),
    Action.EDIT_ESCALATION_CONTACTS: (Y, Y, N, N, N, N, Y, N),
}  # fmt: skip


@pytest.mark.parametrize("action", list(EXPECTED), ids=str)
def test_catalog_rights_by_role(client_a, action):
    users = {role: make_user(role, client_a, email=f"{role}@roles.test") for role in ROLES}
    granted = tuple(can(users[role], client_a, action) for role in ROLES)
    assert granted == EXPECTED[action]


def test_no_catalog_right_reaches_another_client(client_a, client_b):
    # staff and client users of B hold nothing in A
    outsiders = [
        make_user("account_manager", client_b, email="am@b.roles.test"),
        make_user("client_admin", client_b, email="admin@b.roles.test"),
    ]
    for user in outsiders:
        assert not any(can(user, client_a, action) for action in EXPECTED)


def test_an_offboarded_clients_catalog_is_read_only(client_a):
    # given an offboarded client (the status only; its schema stays for the export)
    client_a.status = "offboarded"
    manager = make_user("account_manager", client_a, email="am@frozen.roles.test")
    admin = make_user("provider_admin", client_a, email="admin@frozen.roles.test")
    # then the provider can still read everything, and change nothing
    for user in (manager, admin):
        assert can(user, client_a, Action.VIEW_CATALOG)
        assert can(user, client_a, Action.VIEW_AUDIT)
        assert not any(
            can(user, client_a, action)
            for action in EXPECTED
            if action not in {Action.VIEW_CATALOG, Action.VIEW_SCRIPT_DRAFTS, Action.VIEW_AUDIT}
        )


def test_an_offboarded_clients_catalog_refuses_changes_in_the_api(client_a, account_manager):
    from django.db import connection

    from tests.catalog.factories import ServiceLineFactory
    from tests.conftest import token_client

    # given a line, then the client is offboarded
    connection.set_tenant(client_a)
    line = ServiceLineFactory(name="Frozen line")
    connection.set_schema_to_public()
    type(client_a).objects.filter(pk=client_a.pk).update(status="offboarded")
    api = token_client(account_manager)
    base = f"/api/v1/clients/{client_a.slug}/service-lines/"
    # when the account manager reads and tries to rename it
    read = api.get(f"{base}{line.pk}/")
    write = api.patch(f"{base}{line.pk}/", {"name": "Thawed"}, format="json")
    # then reading works and the change is refused, and nothing changed
    assert read.status_code == 200
    assert write.status_code == 403
    connection.set_tenant(client_a)
    line.refresh_from_db()
    assert line.name == "Frozen line"
