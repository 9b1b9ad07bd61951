"""A client admin approves a script version in review, publishes it and sees it published."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from playwright.sync_api import expect

from bpo.accounts.roles import Role
from tests.browser.conftest import screenshot
from tests.catalog.factories import ScriptFactory, ServiceLineFactory
from tests.catalog.script_helpers import make_version
from tests.conftest import make_user
from tests.factories import DEMO_TEST_PASSWORD


@pytest.mark.live
@pytest.mark.browser
def test_client_admin_approves_and_publishes_a_script_version(
    live_server, page, live_client_factory
):
    # given a service line whose script has a version in review
    client = live_client_factory("script-approval-co", name="Script Approval Co")
    admin = make_user(Role.CLIENT_ADMIN, client, email="admin@script-approval.test")
    author = make_user(Role.ACCOUNT_MANAGER, client, email="am@script-approval.test")
    connection.set_tenant(client)
    line = ServiceLineFactory(name="Billing support")
    script = ScriptFactory(service_line=line, title="Billing support script")
    make_version(
        script=script,
        status="in_review",
        change_summary="First version for the pilot",
        created_by=author,
        submitted_by=author,
    )
    connection.set_schema_to_public()
    page.on("dialog", lambda dialog: dialog.accept())  # the publish confirmation

    # when the client admin logs in
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", admin.email)
    page.fill("#id_password", DEMO_TEST_PASSWORD)
    page.click("button:has-text('Log in')")
    expect(page).to_have_url(re.compile(rf"/c/{client.slug}/$"))

    # and opens the service line's Script tab
    page.goto(f"{live_server.url}/c/{client.slug}/service-lines/{line.pk}/")
    page.click("nav.tabs >> text=Script")
    expect(page).to_have_url(re.compile(rf"/service-lines/{line.pk}/script/$"))
    versions = page.locator("#script-versions")
    expect(versions).to_contain_text("In review")
    expect(versions).to_contain_text("First version for the pilot")
    screenshot(page, "script-approval-1-script-tab")

    # then opens the version, which waits for their review
    page.click("#script-versions >> text=Version 1")
    expect(page.locator("#review-state")).to_contain_text("Waiting for your review.")
    expect(page.locator("#script-sections")).to_contain_text("Greeting")
    screenshot(page, "script-approval-2-in-review")

    # when they approve it
    page.click("button[data-action=approve]")
    # then it is approved
    expect(page.locator("#version-status")).to_have_text("Approved")
    expect(page.locator(".messages")).to_contain_text("Version 1 is approved.")

    # when they publish it (confirming)
    page.click("button[data-action=publish]")
    # then it is published
    expect(page.locator("#version-status")).to_have_text("Published")
    expect(page.locator(".messages")).to_contain_text("Version 1 is published.")
    screenshot(page, "script-approval-3-published")

    # and the Script tab marks it as the published version
    page.click("nav.tabs >> text=Script")
    expect(page.locator("tr.is-published")).to_contain_text("Published")
    expect(page.locator("main")).to_contain_text("Version 1 is published: agents read it.")

    # and the agents' view shows it with the sample values
    page.click("text=Agent view")
    expect(page.locator("#agent-script")).to_contain_text("Hello Jane Doe, thank you for calling.")
    screenshot(page, "script-approval-4-agent-view")
