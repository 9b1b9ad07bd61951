"""Shared helpers of the script tests (no tests here): versions in any status, the role matrix.

Versions are written as drafts (sections and variables included) and only then moved to their
status, the way the workflow does it: the immutability trigger refuses content added to a
published or retired version.
"""

from __future__ import annotations

from bpo.accounts.roles import Role
from bpo.catalog.models import ScriptVersion, ScriptVersionStatus
from tests.catalog.factories import (
    ScriptFactory,
    ScriptSectionFactory,
    ScriptVariableFactory,
    ScriptVersionFactory,
)
from tests.catalog.roles import ROLES
from tests.conftest import make_user

ALL_ROLES = [Role(role) for role in ROLES]
# Who may do what with scripts, as the issue puts it (written out here, not read from the code's
# table, so a change of the table shows up as failing tests).
READERS = set(ALL_ROLES)
DRAFT_READERS = READERS - {Role.AGENT}
PROPOSERS = {Role.PROVIDER_ADMIN, Role.ACCOUNT_MANAGER, Role.CLIENT_ADMIN}
REVIEWERS = {Role.CLIENT_ADMIN}
PUBLISHERS = {Role.PROVIDER_ADMIN, Role.ACCOUNT_MANAGER, Role.CLIENT_ADMIN}
RETIRERS = {Role.PROVIDER_ADMIN, Role.ACCOUNT_MANAGER}

GREETING = ("Greeting", "Hello {{customer_name}}, thank you for calling.")
VERIFICATION = ("Verification", "May I have your order number?")


def make_version(
    *,
    status: str = ScriptVersionStatus.DRAFT,
    script=None,
    number: int | None = None,
    sections=(GREETING, VERIFICATION),
    variables=(("customer_name", "Jane Doe"),),
    change_summary: str = "First version",
    **fields,
) -> ScriptVersion:
    """A version with content, in ``status`` (run with a client's schema active)."""
    script = script or ScriptFactory()
    if number is None:
        number = (
            script.versions.order_by("-number").values_list("number", flat=True).first() or 0
        ) + 1
    version = ScriptVersionFactory(
        script=script, number=number, change_summary=change_summary, **fields
    )
    for position, (title, body) in enumerate(sections, start=1):
        ScriptSectionFactory(version=version, position=position, title=title, body=body)
    for name, sample in variables:
        ScriptVariableFactory(version=version, name=name, sample_value=sample)
    if status != ScriptVersionStatus.DRAFT:
        ScriptVersion.objects.filter(pk=version.pk).update(status=status)
        version.refresh_from_db()
    return version


def user_with_role(role: str, client):
    return make_user(role, client, email=f"{role.replace('_', '-')}@matrix.test")


def make_script():
    """The script of a "Billing support" line (the tests' ``script_a`` fixture, per module)."""
    return ScriptFactory(service_line__name="Billing support", title="Billing support script")
