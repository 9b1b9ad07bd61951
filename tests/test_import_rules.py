"""The app-boundary contract of ``make check`` refuses a reach into another app's internals."""

from __future__ import annotations

from grimp import ImportGraph

from tests.import_rules import AppBoundaryContract


def contract() -> AppBoundaryContract:
    return AppBoundaryContract(
        name="boundaries",
        session_options={"root_packages": ["bpo"]},
        contract_options={
            "apps": ["bpo.catalog", "bpo.accounts"],
            "doors": ["services", "selectors", "models"],
            "public": ["bpo.accounts.roles"],
        },
    )


def graph_with(*imports: tuple[str, str]) -> ImportGraph:
    graph = ImportGraph()
    for importer, imported in imports:
        graph.add_import(importer=importer, imported=imported, line_number=1, line_contents="")
    return graph


def test_doors_public_modules_and_own_internals_are_allowed():
    # given
    graph = graph_with(
        ("bpo.catalog.views", "bpo.accounts.services"),
        ("bpo.catalog.views", "bpo.accounts.selectors.people"),
        ("bpo.catalog.apis", "bpo.accounts.models"),
        ("bpo.catalog.apis", "bpo.accounts.roles"),
        ("bpo.catalog.views", "bpo.catalog.forms"),
        ("bpo.catalog.views", "bpo.errors"),
    )
    # when
    check = contract().check(graph, verbose=False)
    # then
    assert check.kept


def test_a_reach_into_another_apps_internals_is_refused():
    # given
    graph = graph_with(
        ("bpo.catalog.views", "bpo.accounts.forms"),
        ("bpo.accounts.views", "bpo.catalog.serializers.scripts"),
        ("bpo.catalog.views", "bpo.accounts.services"),
    )
    # when
    check = contract().check(graph, verbose=False)
    # then
    assert not check.kept
    assert check.metadata["breaches"] == [
        ("bpo.accounts.views", "bpo.catalog.serializers.scripts"),
        ("bpo.catalog.views", "bpo.accounts.forms"),
    ]
