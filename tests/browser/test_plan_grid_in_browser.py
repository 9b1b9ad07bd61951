"""A scheduler reads a plan's grid, a day and its coverage heat map, and sees a refused edit's
rule in words, at 1366 px and 390 px without horizontal page scroll."""

from __future__ import annotations

import pytest
from django.db import connection
from playwright.sync_api import expect

from bpo.accounts.roles import Role
from tests.browser.conftest import screenshot
from tests.catalog.factories import ServiceLineFactory
from tests.conftest import make_user
from tests.factories import DEMO_TEST_PASSWORD
from tests.scheduling.grid_helpers import make_agent, make_plan, requirement, shift

NAMES = ("Ana Silva", "Ben Costa", "Carla Dias", "Duarte Reis", "Eva Lopes", "Filipa Moura")


@pytest.mark.live
@pytest.mark.browser
def test_the_plan_grid_and_heat_map_in_a_browser(live_server, page, live_client_factory):
    client = live_client_factory("browser-plans-co", name="Plans Co", time_zone="UTC")
    scheduler = make_user(Role.SCHEDULER, client, email="scheduler@plans-co.test")
    connection.set_tenant(client)
    billing = ServiceLineFactory(name="Billing support")
    returns = ServiceLineFactory(name="Returns", required_skills=[])
    plan = make_plan()
    agents = []
    for index in range(24):
        name = NAMES[index % len(NAMES)] + (f" {index // len(NAMES) + 1}" if index >= 6 else "")
        agents.append(make_agent(client, full_name=name))
    for index, agent in enumerate(agents):
        for day in range(5 if index % 3 else 4):
            start = 6 + (index % 4) * 2
            shift(
                plan, agent, billing if index % 5 else returns, (day + index) % 7, start, start + 8
            )
    requirement(
        billing, {(day, hour): 4 + (hour % 5 == 0) * 3 for day in range(7) for hour in range(7, 21)}
    )
    plan_id, first_agent = plan.pk, agents[0]
    connection.set_schema_to_public()

    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", scheduler.email)
    page.fill("#id_password", DEMO_TEST_PASSWORD)
    page.click("button[type=submit]")
    base = f"{live_server.url}/c/{client.slug}/plans/{plan_id}/"
    for width in (1366, 390):
        page.set_viewport_size({"width": width, "height": 900})
        for name, path in (("grid", ""), ("coverage", "coverage/"), ("day", "day/?day=2026-12-08")):
            page.goto(base + path)
            overflow = page.evaluate(
                "() => document.documentElement.scrollWidth - window.innerWidth"
            )
            assert overflow <= 0, f"{name} at {width} px is {overflow} px too wide"
            screenshot(page, f"plan-{name}-{width}")
        # a refused edit: the rule in words, what was typed kept
        page.goto(base + f"shifts/add/?agent={first_agent.pk}&day=0")
        page.select_option("#id_service_line", label="Billing support")
        page.fill("#id_starts", "10:00")
        page.fill("#id_ends", "18:00")
        page.click("#add-shift-form button[type=submit]")
        expect(page.locator(".rule-errors")).to_contain_text("Ana Silva")
        expect(page.locator("#id_starts")).to_have_value("10:00")
        screenshot(page, f"plan-refused-{width}")
