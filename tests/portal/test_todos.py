"""The to-do list: what waits for each role, on the home page and the client overview, read in
bulk (the query count does not grow with the items or the clients)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bpo.accounts.roles import Role
from bpo.catalog.models import ScriptVersionStatus as Status
from bpo.portal.todos import todos_for
from tests.catalog.factories import ScriptFactory
from tests.catalog.script_helpers import make_version
from tests.conftest import make_user
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def _in_schema(client, build):
    connection.set_tenant(client)
    try:
        return build()
    finally:
        connection.set_schema_to_public()


def _versions(client, line_name: str, statuses, **fields):
    def build():
        script = ScriptFactory(service_line__name=line_name, title=f"{line_name} script")
        return [make_version(script=script, status=status, **fields) for status in statuses]

    return _in_schema(client, build)


def _kinds(todos) -> list[tuple[str, str]]:
    return sorted((todo.kind, todo.title) for todo in todos)


def test_a_client_admin_is_asked_to_approve_versions_in_review(client_a, client_a_admin):
    # given
    _versions(client_a, "Billing support", [Status.PUBLISHED, Status.IN_REVIEW])
    _versions(client_a, "Returns", [Status.APPROVED, Status.DRAFT])

    # when
    todos = todos_for(user=client_a_admin, clients=[client_a])

    # then
    assert _kinds(todos) == [("script_review", "Approve the Billing support script, version 2")]
    assert todos[0].client == client_a
    assert todos[0].url.startswith(f"/c/{client_a.slug}/service-lines/")


def test_an_account_manager_reworks_returned_drafts_and_publishes_approved_ones(
    client_a, account_manager
):
    # given
    _versions(client_a, "Billing support", [Status.IN_REVIEW])
    _versions(client_a, "Returns", [Status.APPROVED])
    _versions(client_a, "Claims", [Status.DRAFT], review_comment="Name the refund period.")
    _versions(client_a, "Orders", [Status.DRAFT])  # a fresh draft waits for no one

    # when
    todos = todos_for(user=account_manager, clients=[client_a])

    # then
    scripts = [(kind, title) for kind, title in _kinds(todos) if kind.startswith("script")]
    assert scripts == [
        ("script_publish", "Publish the Returns script, version 1"),
        ("script_rework", "Rework the Claims script, version 1"),
    ]
    rework = next(todo for todo in todos if todo.kind == "script_rework")
    assert rework.detail == "Sent back: Name the refund period."


def test_a_viewer_and_another_clients_admin_see_nothing_of_it(
    client_a, client_b, client_a_viewer, client_b_admin
):
    # given
    _versions(client_a, "Billing support", [Status.IN_REVIEW])

    # then
    assert todos_for(user=client_a_viewer, clients=[client_a]) == []
    assert [
        t for t in todos_for(user=client_b_admin, clients=[client_b]) if t.client == client_a
    ] == []


def test_the_client_overview_starts_with_the_to_dos(client, client_a, client_a_admin):
    # given
    _versions(client_a, "Billing support", [Status.IN_REVIEW])
    client.force_login(client_a_admin)

    # when
    home = client.get(reverse("portal:home"))
    page = client.get(reverse("client:overview", args=[client_a.slug]))

    # then: a client user lands on the overview, which starts with what waits for her
    assert home.status_code == 302 and home.url == reverse("client:overview", args=[client_a.slug])
    html = page.content.decode()
    assert html.index('id="todos"') < html.index('id="registry-facts"')
    assert "Approve the Billing support script, version 1" in html
    assert client_a.name in html[html.index('id="todos"') :]


def test_the_home_page_says_when_nothing_waits(client, client_a):
    # given
    scheduler = make_user(Role.SCHEDULER, client_a, email="scheduler@provider.test")
    client.force_login(scheduler)

    # when
    html = client.get(reverse("portal:home")).content.decode()

    # then
    assert "Nothing waits for you." in html


def test_the_home_page_reads_in_bulk_whatever_waits(client, client_a, client_b):
    # given an account manager of two clients
    manager = make_user(Role.ACCOUNT_MANAGER, client_a, email="am@provider.test")
    MembershipFactory(user=manager, role=Role.ACCOUNT_MANAGER, client=client_b)
    client.force_login(manager)
    _versions(client_a, "Billing support", [Status.APPROVED])
    client.get(reverse("portal:home"))  # warm caches (sessions, content types)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("portal:home"))

    # when many more items wait in both clients
    for client_ in (client_a, client_b):
        for name in ("Returns", "Claims", "Orders", "Refunds"):
            _versions(client_, name, [Status.APPROVED])
            _versions(client_, name + " B", [Status.DRAFT], review_comment="Shorter, please.")
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("portal:home"))

    # then the page lists them all for the same number of queries
    html = response.content.decode()
    assert html.count('class="todo todo-script_publish"') == 9
    assert html.count('class="todo todo-script_rework"') == 8
    assert len(many) == len(few)
    # 25 for the catalog's and the tenants' items, and one per client for stale forecasts
    assert len(many) <= 25 + 2 + 1
