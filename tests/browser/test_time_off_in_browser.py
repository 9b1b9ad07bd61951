"""Time off in a phone-sized browser: the scheduler finds the waiting request on the home
page, approves it in the queue (htmx), and the agent then sees the balance go down."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from bpo.accounts.roles import Role
from scheduling.roster import services
from scheduling.roster.models import TimeOffRequest
from tests.browser.conftest import open_menu, screenshot
from tests.conftest import make_user
from tests.factories import DEMO_TEST_PASSWORD
from tests.roster.factories import AgentFactory


def _log_in(page, live_server, user) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", user.email)
    page.fill("#id_password", DEMO_TEST_PASSWORD)
    page.click("button:has-text('Log in')")


def _fits(page) -> bool:
    return page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.live
@pytest.mark.browser
def test_scheduler_approves_and_the_agent_sees_the_balance(live_server, page):
    # given an agent with 20 vacation days and a three-day request waiting
    scheduler = make_user(Role.SCHEDULER, email="wfm@roster.test", full_name="Jordan Lee")
    agent_user = make_user(Role.AGENT, email="ana@roster.test", full_name="Ana Costa")
    agent = AgentFactory(user=agent_user, full_name="Ana Costa", time_zone="UTC")
    first = timezone.localdate() + timedelta(days=7)
    last = first + timedelta(days=2)
    for year in {first.year, last.year}:
        services.set_time_off_allowance(agent=agent, year=year, days=Decimal(20), actor=None)
    request = services.request_time_off(
        agent=agent, starts_on=first, ends_on=last, kind="vacation", actor=agent_user
    )
    page.set_viewport_size({"width": 390, "height": 844})

    # when the scheduler follows the to-do and approves
    _log_in(page, live_server, scheduler)
    todos = page.locator("#todos")
    expect(todos).to_contain_text("1 time-off request waits for a decision")
    todos.get_by_role("link", name="1 time-off request waits for a decision").click()
    row = page.locator(f"#time-off-{request.pk}")
    expect(row).to_contain_text("Ana Costa")
    assert _fits(page)
    screenshot(page, "roster-time-off-queue-390")
    row.get_by_role("button", name="Approve").click()

    # then the row says so without a reload, and the request is stored approved
    expect(page.locator(f"#time-off-{request.pk}")).to_contain_text("Approved")
    request.refresh_from_db()
    assert request.status == "approved" and request.decided_by == scheduler
    page.context.clear_cookies()

    # and the agent sees three days planned and the rest remaining
    _log_in(page, live_server, agent_user)
    open_menu(page)  # a phone: the navigation is behind "Menu"
    page.get_by_role("link", name="My time off").first.click()
    balance = page.locator(f"#balance-{first.year}")
    expected_remaining = "17 days" if first.year == last.year else "18 days"
    expect(balance.locator("[data-remaining]")).to_have_text(expected_remaining)
    expect(page.locator("#my-requests")).to_contain_text("Approved")
    assert _fits(page)
    screenshot(page, "roster-my-time-off-390")
    assert TimeOffRequest.objects.filter(agent=agent, status="approved").count() == 1
