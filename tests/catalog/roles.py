"""The eight roles the catalog's permission tests walk, and who may change what, written out
here (not read from ``bpo.accounts.roles``) so that a change of the role table fails tests."""

from __future__ import annotations

ROLES = [
    "provider_admin",
    "account_manager",
    "scheduler",
    "finance",
    "qa_analyst",
    "agent",
    "client_admin",
    "client_viewer",
]
MANAGERS = {"provider_admin", "account_manager"}
CONTACT_EDITORS = MANAGERS | {"client_admin"}
