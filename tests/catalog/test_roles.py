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
