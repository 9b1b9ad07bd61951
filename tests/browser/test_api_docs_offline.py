"""``/api/docs/`` renders with no internet: every request the page makes goes to the portal
itself (Swagger UI from drf-spectacular-sidecar); any other host is cut off."""

from __future__ import annotations

from urllib.parse import urlparse

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import screenshot


@pytest.mark.live
@pytest.mark.browser
def test_the_api_docs_render_without_internet(live_server, page):
    # given a browser that reaches nothing but the portal
    portal = urlparse(live_server.url).netloc
    elsewhere: list[str] = []

    def offline(route):
        if urlparse(route.request.url).netloc == portal:
            route.continue_()
        else:
            elsewhere.append(route.request.url)
            route.abort()

    page.route("**/*", offline)
    errors: list[str] = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    # when it opens the API docs
    page.goto(f"{live_server.url}/api/docs/")
    # then Swagger UI shows the portal's API, its operations included, from local files only
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("BPO Portal API")
    expect(page.locator(".opblock").first).to_be_visible()
    screenshot(page, "api-docs-offline")
    assert elsewhere == []
    assert errors == []
