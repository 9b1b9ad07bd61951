"""The header with names at their limits (a user's 200-character name, two clients' 200-character
names, no space to wrap at): at 1366 px and 390 px the page does not scroll sideways and the
header keeps its size."""

from __future__ import annotations

import pytest

from bpo.accounts.roles import Role
from tests.browser.conftest import screenshot
from tests.conftest import make_user
from tests.factories import DEMO_TEST_PASSWORD, MembershipFactory


@pytest.mark.live
@pytest.mark.browser
def test_the_header_holds_names_at_their_limits(live_server, page, live_client_factory):
    # given two clients and an account manager of both, every name as long as allowed
    first = live_client_factory("long-a", name="A" * 200)
    second = live_client_factory("long-b", name="B" * 200)
    manager = make_user(Role.ACCOUNT_MANAGER, first, email="am@long-names.test")
    MembershipFactory(user=manager, role=Role.ACCOUNT_MANAGER, client=second)
    manager.full_name = "W" * 200
    manager.save(update_fields=["full_name"])
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", manager.email)
    page.fill("#id_password", DEMO_TEST_PASSWORD)
    page.click("button:has-text('Log in')")
    page.wait_for_url(f"{live_server.url}/**")

    for width in (1366, 390):
        page.set_viewport_size({"width": width, "height": 900})
        # when a client's page is open
        page.goto(f"{live_server.url}/c/{first.slug}/")
        screenshot(page, f"long-names-{width}")
        # then nothing is wider than the window
        overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{overflow} px too wide at {width} px"
        header = page.locator("header.topbar")
        box = header.bounding_box()
        assert box is not None and box["width"] <= width
        # the names are cut inside their boxes (whole in the title), each on one line; on a
        # phone the navigation folds behind "Menu" (two rows closed), which opens it
        assert box["height"] < (140 if width == 390 else 130), box
        if width == 390:
            assert not page.locator(".mainnav").is_visible()
            page.click("label.nav-toggle-label")
            assert page.locator(".mainnav .current-client").is_visible()
            screenshot(page, "long-names-390-menu")
        for selector in (".userbox-name", ".mainnav .current-client", "#client-switch"):
            element = page.locator(selector).first
            element_box = element.bounding_box()
            assert element_box is not None, selector
            assert element_box["x"] + element_box["width"] <= width, selector
            assert element_box["height"] < 40, (selector, element_box)
        assert page.locator(".userbox-name").get_attribute("title") == "W" * 200
        assert page.locator(".mainnav .current-client").get_attribute("title") == "A" * 200
