"""A client admin logs in and sees only its own client."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from bpo.accounts.roles import Role
from tests.browser.conftest import screenshot
from tests.conftest import make_user
from tests.factories import DEMO_TEST_PASSWORD


@pytest.mark.live
@pytest.mark.browser
def test_client_admin_sees_only_its_client(live_server, page, live_client_factory):
    # given two clients, and an admin and a viewer of the first
    own = live_client_factory("browser-own-co", name="Own Co")
    other = live_client_factory("browser-other-co", name="Other Co")
    admin = make_user(Role.CLIENT_ADMIN, own, email="admin@own-co.test", full_name="Olga Own")
    make_user(Role.CLIENT_VIEWER, own, email="viewer@own-co.test", full_name="Victor View")

    # when the admin logs in
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", admin.email)
    page.fill("#id_password", DEMO_TEST_PASSWORD)
    page.click("button:has-text('Log in')")

    # then they land in their client's portal
    expect(page).to_have_url(re.compile(rf"/c/{own.slug}/$"))
    expect(page.locator("h1")).to_contain_text("Own Co")
    switcher = page.locator("#client-switch option[value]:not([value=''])")
    assert switcher.evaluate_all("options => options.map(o => o.value)") in ([], [own.slug])
    assert "Other Co" not in page.content()
    screenshot(page, "client-admin-1-portal")

    # the People page shows their people and lets them invite
    page.click("nav >> text=People")
    expect(page.locator("#members")).to_contain_text("viewer@own-co.test")
    expect(page.locator("text=Invite a person")).to_be_visible()
    screenshot(page, "client-admin-2-people")

    # and the other client's portal does not exist for them
    response = page.goto(f"{live_server.url}/c/{other.slug}/")
    assert response.status == 404
    expect(page.locator("h1")).to_contain_text("Page not found")
    assert "Other Co" not in page.content()
    response = page.goto(f"{live_server.url}/c/{other.slug}/members/")
    assert response.status == 404
    screenshot(page, "client-admin-3-other-client-404")

    # nor does its API, with the session of this browser
    api = page.context.request
    response = api.get(f"{live_server.url}/api/v1/clients/{other.slug}/memberships/")
    assert response.status == 404
    assert response.json()["error"]["code"] == "not_found"
    response = api.get(f"{live_server.url}/api/v1/clients/{own.slug}/memberships/")
    assert response.status == 200
    assert {m["user"]["email"] for m in response.json()["results"]} == {
        "admin@own-co.test",
        "viewer@own-co.test",
    }
