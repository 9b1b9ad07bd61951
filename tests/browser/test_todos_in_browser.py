"""The to-do list in a phone-sized browser: a client admin is asked to approve a version in
review; an account manager is asked to publish an approved one. The list fits 390 px."""

from __future__ import annotations

import pytest
from django.db import connection
from playwright.sync_api import expect

from bpo.accounts.roles import Role
from tests.browser.conftest import screenshot
from tests.catalog.factories import ScriptFactory
from tests.catalog.script_helpers import make_version
from tests.conftest import make_user
from tests.factories import DEMO_TEST_PASSWORD


def _log_in(page, live_server, user) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", user.email)
    page.fill("#id_password", DEMO_TEST_PASSWORD)
    page.click("button:has-text('Log in')")


@pytest.mark.live
@pytest.mark.browser
def test_each_role_sees_what_waits_for_it_at_390_px(live_server, page, live_client_factory):
    # given a version in review and an approved one
    client = live_client_factory("todo-co", name="ShopRight Todo Co")
    admin = make_user(Role.CLIENT_ADMIN, client, email="admin@todo-co.test")
    manager = make_user(Role.ACCOUNT_MANAGER, client, email="am@todo-co.test")
    connection.set_tenant(client)
    make_version(
        script=ScriptFactory(service_line__name="Billing support"),
        status="in_review",
        change_summary="Shorter greeting for the pilot",
    )
    make_version(script=ScriptFactory(service_line__name="Returns"), status="approved")
    connection.set_schema_to_public()
    page.set_viewport_size({"width": 390, "height": 844})

    for user, expected, name in (
        (admin, "Approve the Billing support script, version 1", "todos-client-admin-390"),
        (manager, "Publish the Returns script, version 1", "todos-account-manager-390"),
    ):
        # when
        _log_in(page, live_server, user)

        # then
        todos = page.locator("#todos")
        expect(todos).to_contain_text(expected)
        expect(todos).to_contain_text("ShopRight Todo Co")
        # The card itself fits the phone (the rest of each page is the phone layout's work).
        box = todos.bounding_box()
        screenshot(page, name)
        assert box is not None and box["x"] + box["width"] <= 390
        assert todos.evaluate("element => element.scrollWidth <= element.clientWidth")
        page.context.clear_cookies()
