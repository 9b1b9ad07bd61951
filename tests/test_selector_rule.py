"""Rows that live in public but belong to one client (memberships, invitations, account and
client events, exports, jobs, onboarding runs) are read only through selectors that take the
user or the client as a required keyword (docs/architecture.md, "Who may do this").

Two halves, both read from the source (no database):
- outside the data layer (selectors, services, workers, models, migrations, management
  commands, demo data), no module reads those models through a manager (``Membership.objects``,
  ``_default_manager``, ``_base_manager``) or filters a related manager of them
  (``client.exports.filter(...)``), so a new provider view or API cannot list them unfiltered;
- every ``list_*`` / ``access_*`` selector of the apps that own them takes ``user`` or
  ``client`` as a keyword-only argument without a default.
"""

from __future__ import annotations

import ast
import importlib
import inspect
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APPS = ("bpo", "tenants", "billing", "scheduling")

# The public models whose rows belong to one client, and their related managers' names.
CLIENT_ROW_MODELS = {
    "Membership",
    "Invitation",
    "AccountEvent",
    "ClientEvent",
    "ClientExport",
    "OnboardingRun",
    "Job",
    "InvoiceRegister",
}
RELATED_MANAGERS = {
    "memberships",
    "invitations",
    "account_events",
    "events",
    "exports",
    "jobs",
    "invoice_register",
}
MANAGERS = {"objects", "_default_manager", "_base_manager"}
# Reading a prefetched relation (``.all()``) queries nothing; anything else on it does.
PREFETCH_READ = {"all"}

# Module path parts that are the data layer: they may read the models directly.
DATA_LAYER = {"selectors", "services", "workers", "models", "migrations", "management", "demo"}
# Named exceptions, each with its reason.
ALLOWED_MODULES = {
    # the permission layer reads the signed-in user's own memberships (once per request)
    "bpo/accounts/permissions.py",
    # the onboarding answer rules (run by tenants.services) ask whether an address has roles
    "tenants/onboarding_rules.py",
}
SELECTOR_MODULES = ("bpo.accounts.selectors", "tenants.selectors", "billing.ledger.selectors")


def _modules_outside_the_data_layer() -> list[Path]:
    modules = []
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            relative = path.relative_to(ROOT)
            parts = {part.removesuffix(".py") for part in relative.parts}
            if parts & DATA_LAYER or relative.as_posix() in ALLOWED_MODULES:
                continue
            modules.append(relative)
    return modules


def _terminal_name(node: ast.AST) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def direct_reads(source: str) -> list[tuple[int, str]]:
    """``(line, what)`` for every manager read of a client-row model in ``source``."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Attribute):
            continue
        owner = _terminal_name(node.value)
        if node.attr in MANAGERS and owner in CLIENT_ROW_MODELS:
            found.append((node.lineno, f"{owner}.{node.attr}"))
        elif (
            isinstance(node.value, ast.Attribute)
            and node.value.attr in RELATED_MANAGERS
            and node.attr not in PREFETCH_READ
            and not node.attr.startswith("_")
        ):
            found.append((node.lineno, f".{node.value.attr}.{node.attr}"))
    return found


def test_the_scan_sees_the_modules_it_guards():
    scanned = {path.as_posix() for path in _modules_outside_the_data_layer()}
    for module in (
        "tenants/views.py",
        "tenants/apis.py",
        "tenants/todos.py",
        "bpo/accounts/views.py",
        "bpo/accounts/apis.py",
        "bpo/portal/views.py",
        "bpo/catalog/todos.py",
    ):
        assert module in scanned
    assert "tenants/selectors.py" not in scanned


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("Membership.objects.filter(client=c)", ["Membership.objects"]),
        ("services.Invitation.objects.all()", ["Invitation.objects"]),
        ("ClientExport._default_manager.all()", ["ClientExport._default_manager"]),
        ("client.exports.filter(pk=1)", [".exports.filter"]),
        ("request.user.memberships.select_related('client')", [".memberships.select_related"]),
        ("staff_member.memberships.all()", []),
        ("Client.objects.all()", []),
        ("selectors.list_client_exports(client=client)", []),
    ],
)
def test_the_scan_finds_direct_reads(source, expected):
    assert [what for _, what in direct_reads(source)] == expected


def test_views_apis_and_todos_read_client_rows_only_through_selectors():
    offenders = [
        f"{path}:{line} {what}"
        for path in _modules_outside_the_data_layer()
        for line, what in direct_reads((ROOT / path).read_text())
    ]
    assert not offenders, (
        "Read these through a selector that takes user= or client= (bpo/accounts/selectors.py, "
        "tenants/selectors.py): " + ", ".join(offenders)
    )


def _selectors() -> list[tuple[str, object]]:
    found = []
    for dotted in SELECTOR_MODULES:
        module = importlib.import_module(dotted)
        for name, function in inspect.getmembers(module, inspect.isfunction):
            if function.__module__ == dotted and name.startswith(("list_", "access_")):
                found.append((f"{dotted}.{name}", function))
    return found


SELECTORS = _selectors()


def test_the_selectors_are_found():
    names = {name for name, _ in SELECTORS}
    assert "tenants.selectors.list_client_exports" in names
    assert "bpo.accounts.selectors.list_staff_invitations" in names


@pytest.mark.parametrize(("name", "function"), SELECTORS, ids=[name for name, _ in SELECTORS])
def test_every_selector_takes_the_user_or_the_client_as_a_required_keyword(name, function):
    parameters = inspect.signature(function).parameters
    scope = [
        parameter
        for key, parameter in parameters.items()
        if key in ("user", "client")
        and parameter.kind is inspect.Parameter.KEYWORD_ONLY
        and parameter.default is inspect.Parameter.empty
    ]
    assert scope, f"{name} must take user= or client= as a required keyword-only argument"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "select",
    [
        "bpo.accounts.selectors.list_client_memberships",
        "bpo.accounts.selectors.list_client_invitations",
        "bpo.accounts.selectors.list_client_account_events",
        "tenants.selectors.list_client_events",
        "tenants.selectors.list_client_exports",
    ],
)
def test_a_client_selector_refuses_none_for_the_client(select):
    module, name = select.rsplit(".", 1)
    function = getattr(importlib.import_module(module), name)
    with pytest.raises(TypeError, match="needs the client"):
        function(client=None)
