"""My week on a phone and on a desktop: the agent's shifts across two clients, a line's
script and escalation path, a colleague's offer taken from the page, no horizontal scroll."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect

from bpo.accounts.roles import Role
from scheduling.roster import swaps
from scheduling.roster.models import AgentServiceLine, Booking
from tests.browser.conftest import SCREENSHOTS, screenshot
from tests.conftest import make_user
from tests.factories import DEMO_TEST_PASSWORD
from tests.roster.factories import AgentFactory, TeamFactory
from tests.roster.shifts import book, line_of


def _log_in(page, live_server, user) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", user.email)
    page.fill("#id_password", DEMO_TEST_PASSWORD)
    page.click("button:has-text('Log in')")


def _script_and_path(client, line) -> None:
    from django_tenants.utils import tenant_context

    from tests.catalog.factories import EscalationPathFactory, EscalationTierFactory, ScriptFactory
    from tests.catalog.script_helpers import make_version

    with tenant_context(client):
        make_version(
            script=ScriptFactory(service_line=line, title="Orders and returns script"),
            status="published",
            sections=[
                ("Greeting", "Thank you for calling ShopRight, this is {{customer_name}}'s agent."),
                ("Returns", "1. Ask for the **order number**.\n2. Check the 30-day window."),
            ],
        )
        path = EscalationPathFactory(service_line=line, name="Orders escalations")
        EscalationTierFactory(path=path, level=1)
        EscalationTierFactory(
            path=path,
            level=2,
            contact_name="Sam Duty",
            contact_role="Duty manager",
            trigger_kind="unresolved",
            min_severity=None,
            unresolved_minutes=30,
        )


def _fits(page) -> bool:
    return page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.live
@pytest.mark.browser
def test_my_week_on_a_phone_and_a_desktop(live_server, page, live_client_factory, settings):
    # given an agent booked for two clients next week, and a colleague's offer
    settings.SWAP_AUTO_APPROVE = True
    shop = live_client_factory("week-shop", name="ShopRight Retail")
    cloud = live_client_factory("week-cloud", name="CloudLane Software")
    user = make_user(Role.AGENT, email="diego@roster.test", full_name="Diego Hernández")
    team = TeamFactory(name="Atlantic")
    agent = AgentFactory(
        user=user, full_name="Diego Hernández", time_zone="America/New_York", team=team
    )
    colleague = AgentFactory(
        full_name="Priya Colleague", time_zone="America/New_York", min_hours_per_week=8, team=team
    )
    for client in (shop, cloud):
        AgentServiceLine.objects.create(agent=agent, client=client)
    orders, support = line_of(shop, "Orders and returns"), line_of(cloud, "Technical support")
    _script_and_path(shop, orders)
    now = datetime.now(UTC)
    monday = (now - timedelta(days=now.weekday())).replace(
        hour=0, minute=0, second=0, microsecond=0
    ) + timedelta(days=7)
    for day in (0, 1, 3):
        book(agent, shop, orders, monday + timedelta(days=day, hours=13))
    book(agent, cloud, support, monday + timedelta(days=4, hours=12))
    offered = book(colleague, shop, orders, monday + timedelta(days=2, hours=13))
    swaps.offer_shift(booking=offered, actor=None, note="Doctor's appointment")
    swaps.ensure_calendar_feed(agent=agent)

    for width, height in ((390, 844), (1366, 900)):
        page.set_viewport_size({"width": width, "height": height})
        _log_in(page, live_server, user) if width == 390 else None
        page.goto(f"{live_server.url}/roster/my-week/?week={monday.date().isoformat()}")
        # then
        week = page.locator("#my-week")
        expect(week).to_contain_text("ShopRight Retail")
        expect(week).to_contain_text("Technical support")
        expect(page.locator("#open-offers")).to_contain_text("Priya Colleague")
        expect(page.locator("#calendar-feed")).to_contain_text("Subscribe")
        assert _fits(page), f"My week scrolls sideways at {width} px"
        screenshot(page, f"roster-my-week-{width}")
    # the line's script and escalation path open on the phone too
    page.set_viewport_size({"width": 390, "height": 844})
    page.locator(".week-shift").first.get_by_role("link", name="Script and escalation path").click()
    guide = page.locator(".week-guide", has_text="Orders and returns")
    guide.locator("summary").click()
    expect(guide).to_contain_text("Tina Lead (Team lead)")
    expect(guide).to_contain_text("Jane Doe")
    assert _fits(page)
    guide.screenshot(path=str(SCREENSHOTS / "roster-my-week-guide-390.png"))

    # when the agent takes the colleague's shift: the colleague would fall below the contract's
    # minimum, so it waits for a scheduler
    page.locator("#open-offers").get_by_role("button", name="Take this shift").click()
    expect(page.locator(".messages")).to_contain_text("Swap taken, waiting for approval")
    assert Booking.objects.get(pk=offered.pk).agent_id == colleague.pk

    # then the scheduler finds it on the home page, reads the warning and approves it
    page.context.clear_cookies()
    scheduler = make_user(Role.SCHEDULER, email="wfm@roster.test", full_name="Jordan Lee")
    _log_in(page, live_server, scheduler)
    page.get_by_role("link", name="1 shift swap waits for approval").click()
    queue = page.locator("#swaps-waiting")
    expect(queue).to_contain_text("below the contract's 8 h minimum")
    assert _fits(page)
    screenshot(page, "roster-swaps-390")
    queue.get_by_role("button", name="Approve").click()
    expect(page.locator(".messages")).to_contain_text("Swap approved")
    assert Booking.objects.get(pk=offered.pk).agent_id == agent.pk

    # and the team's week shows the shift under its new agent
    page.goto(
        f"{live_server.url}/roster/team-week/?team={team.pk}&week={monday.date().isoformat()}"
    )
    expect(page.locator("#team-week")).to_contain_text("Priya Colleague")
    expect(page.locator("#team-week")).to_contain_text("ShopRight Retail, Orders and returns")
    assert _fits(page)
    screenshot(page, "roster-team-week-390")
