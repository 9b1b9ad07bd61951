"""An account manager logs in, completes the onboarding wizard, watches the progress page
finish and lands on the new client's overview."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from bpo.accounts.models import Invitation, Membership
from bpo.accounts.roles import Role
from tenants.models import Client
from tests.browser.conftest import screenshot
from tests.conftest import make_user
from tests.factories import DEMO_TEST_PASSWORD

NEW_SLUG = "northwind-travel"


@pytest.fixture
def eager_tasks():
    """Run the provisioning task inside the request (the real worker has its own test)."""
    from bpo.celery import app

    before = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = before


@pytest.mark.live
@pytest.mark.browser
def test_account_manager_onboards_a_client_in_the_browser(
    live_server, page, live_client_factory, drop_schemas, eager_tasks
):
    # given an account manager of an existing client
    existing = live_client_factory("browser-existing-co")
    manager = make_user(Role.ACCOUNT_MANAGER, existing, email="am.browser@provider.test")
    drop_schemas.append("c_" + NEW_SLUG.replace("-", "_"))

    # when they log in
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", manager.email)
    page.fill("#id_password", DEMO_TEST_PASSWORD)
    page.click("button:has-text('Log in')")
    expect(page.locator("h1")).to_contain_text("Good day")

    # and go through the wizard
    page.click("nav >> text=Onboard a client")
    expect(page).to_have_url(re.compile(r"/clients/new/company/$"))
    page.fill("#id_name", "Northwind Travel")
    page.fill("#id_legal_name", "Northwind Travel S.L.")
    page.fill("#id_slug", NEW_SLUG)
    page.select_option("#id_industry", "travel")
    page.select_option("#id_country", "ES")
    page.wait_for_load_state("networkidle")  # the country's time zones come first (htmx)
    page.select_option("#id_time_zone", "Europe/Madrid")
    page.select_option("#id_currency", "EUR")
    expect(page.locator("#id_time_zone")).to_have_value("Europe/Madrid")
    screenshot(page, "onboarding-1-company")
    page.click("button:has-text('Next')")

    expect(page).to_have_url(re.compile(r"/clients/new/billing/$"))
    page.check("input[name=billing_model][value=per_agent]")
    page.fill("#id_billing_contact_name", "Lucía Martín")
    page.fill("#id_billing_contact_email", "facturas@northwind.example")
    # Enter in a field means Next (the default button), never Back
    page.press("#id_billing_contact_email", "Enter")

    expect(page).to_have_url(re.compile(r"/clients/new/admin/$"))
    page.fill("#id_admin_full_name", "Pablo Ortega")
    page.fill("#id_admin_email", "pablo@northwind.example")
    page.click("button:has-text('Next')")

    expect(page).to_have_url(re.compile(r"/clients/new/review/$"))
    expect(page.locator("#wizard")).to_contain_text("Northwind Travel S.L.")
    screenshot(page, "onboarding-2-review")
    page.click("button:has-text('Start onboarding')")

    # then the progress page runs to the end
    progress = page.locator("#onboarding-progress")
    expect(progress).to_have_attribute("data-status", "succeeded")
    expect(progress).to_contain_text("100 %")
    screenshot(page, "onboarding-3-progress")

    # and the new client's overview opens
    page.click("text=Open Northwind Travel")
    expect(page).to_have_url(re.compile(rf"/c/{NEW_SLUG}/$"))
    expect(page.locator("h1")).to_contain_text("Northwind Travel")
    expect(page.locator("#pilot-checklist")).to_be_visible()
    screenshot(page, "onboarding-4-overview")

    # and the registry agrees: the client, the manager's assignment, the admin's invitation
    client = Client.objects.get(slug=NEW_SLUG)
    assert (client.country, client.time_zone, client.currency, client.billing_model) == (
        "ES",
        "Europe/Madrid",
        "EUR",
        "per_agent",
    )
    assert Membership.objects.filter(
        user=manager, client=client, role=Role.ACCOUNT_MANAGER
    ).exists()
    invitation = Invitation.objects.get(client=client)
    assert (invitation.email, invitation.role, invitation.status) == (
        "pablo@northwind.example",
        Role.CLIENT_ADMIN,
        "pending",
    )
