"""Issue 10's flow as its people do it, in a browser: a scheduler starts a planning run (a real
Celery worker optimises it), opens the draft's grid, adds a shift by hand, publishes the week;
the agent then finds the shifts on "My week" and in the calendar feed. Live server, real
worker, Chromium."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import icalendar
import pytest
from django.db import connection
from playwright.sync_api import expect

from bpo.accounts.roles import Role
from scheduling.planning.models import Plan, PlanStatus
from scheduling.roster.models import Booking, PlanningRun
from tests.browser.conftest import screenshot
from tests.catalog.factories import ServiceLineFactory
from tests.celery_worker import celery_worker  # noqa: F401 - the fixture
from tests.conftest import make_user
from tests.factories import DEMO_TEST_PASSWORD
from tests.scheduling.run_helpers import day_template, planning_agent, write_requirement


def log_in(page, base: str, email: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", email)
    page.fill("#id_password", DEMO_TEST_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/**")


@pytest.mark.live
@pytest.mark.browser
@pytest.mark.celery_worker
def test_planning_run_grid_edit_publish_and_the_agents_week(
    live_server,
    page,
    live_client_factory,
    celery_worker,  # noqa: F811
):
    # given a client with one line needing one agent 08:00-20:00 next week, and two agents
    client = live_client_factory("plan-flow-co", name="Plan Flow Co", time_zone="UTC")
    scheduler = make_user(Role.SCHEDULER, client, email="scheduler@plan-flow.test")
    agent_user = make_user(Role.AGENT, client, email="ana@plan-flow.test")
    today = datetime.now(UTC).date()
    monday = today + timedelta(days=7 - today.weekday())
    connection.set_tenant(client)
    line = ServiceLineFactory(name="Billing support")
    write_requirement(line, monday=monday, time_zone="UTC")
    connection.set_schema_to_public()
    template = day_template("Day 8h", starts=(8, 12))
    ana = planning_agent([client], templates=[template], full_name="Ana Silva", user=agent_user)
    planning_agent([client], templates=[template], full_name="Ben Costa")

    # when the scheduler starts a run for next week
    log_in(page, live_server.url, scheduler.email)
    page.goto(f"{live_server.url}/planning-runs/new/")
    page.fill("#id_week_starts_on", monday.isoformat())
    page.check(f"input[name=clients][value='{client.pk}']")
    page.fill("#id_time_limit", "5")
    page.click("#start-planning-run-form button[type=submit]")
    # then its progress shows until the worker is done, and the draft's figures appear
    expect(page.locator("#run-progress")).to_be_visible()
    run = celery_worker.wait_for(
        lambda: PlanningRun.objects.filter(status__in=["ready", "failed"]).first(),
        what="the planning run to finish",
        timeout=120,
    )
    assert run.status == "ready", f"{run.error}\n--- worker log ---\n{celery_worker.log()}"
    # (the progress box asks the page to reload itself when the run is done)
    expect(page.locator("#run-figures")).to_be_visible(timeout=20_000)
    screenshot(page, "flow-run-result")
    expect(page.locator("#run-figures")).to_contain_text("Plan Flow Co")
    page.click("text=Open the draft")
    expect(page.locator("h1")).to_contain_text("Plan for the week of")
    screenshot(page, "flow-grid")
    plan_url = page.url

    # when the scheduler adds a second shift for Ana on a day she works already
    connection.set_tenant(client)
    plan = Plan.objects.get(status=PlanStatus.DRAFT)
    planned = plan.shifts.count()
    ana_days = {s.starts_at.date() for s in plan.shifts.filter(agent_id=ana.pk)}
    connection.set_schema_to_public()
    assert planned >= 2
    busy_day = min(ana_days)
    page.goto(f"{plan_url}shifts/add/?agent={ana.pk}&day={(busy_day - monday).days}")
    page.select_option("#id_service_line", label="Billing support")
    page.fill("#id_starts", "20:00")
    page.fill("#id_ends", "23:00")
    page.click("#add-shift-form button[type=submit]")
    # then the refusal names the rule (one shift a day, or the rest) and keeps what was typed
    expect(page.locator(".rule-errors")).to_contain_text("Ana Silva")
    expect(page.locator("#id_starts")).to_have_value("20:00")
    screenshot(page, "flow-edit-refused")

    # when the scheduler removes one of Ben's shifts from the grid instead
    page.goto(plan_url)
    ben_cell = page.locator("a[href*='/shifts/']", has_text=re.compile(r"\d\d:\d\d")).last
    ben_cell.click()
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#remove-shift-form button[type=submit]")
    # then the grid has one shift fewer and the plan waits to be published
    page.wait_for_url(re.compile(re.escape(plan_url) + r"(\?.*)?$"))
    screenshot(page, "flow-edit-removed")
    connection.set_tenant(client)
    assert plan.shifts.count() == planned - 1
    connection.set_schema_to_public()
    planned -= 1

    # when the scheduler publishes the week
    page.goto(f"{plan_url}publish/")
    page.click("#publish-form button[type=submit]")
    expect(page.locator("main")).to_contain_text("Published")
    screenshot(page, "flow-published")
    assert Booking.objects.filter(client=client).count() == planned

    # then Ana finds her shifts on My week (next week), on a phone
    agent_context = page.context.browser.new_context(viewport={"width": 390, "height": 900})
    agent_page = agent_context.new_page()
    log_in(agent_page, live_server.url, agent_user.email)
    agent_page.goto(f"{live_server.url}/roster/my-week/?week={monday.isoformat()}")
    bookings = list(Booking.objects.filter(agent=ana).order_by("during"))
    assert bookings
    main = agent_page.locator("main")
    expect(main).to_contain_text("Plan Flow Co")
    expect(main).to_contain_text(f"{len(bookings)} shift")
    first = bookings[0].during.lower
    expect(main).to_contain_text(first.strftime("%H:%M"))
    screenshot(agent_page, "flow-agent-week-390")

    # and in her calendar feed, once she asks for the address
    buttons = agent_page.locator("text=Make my calendar address")
    if buttons.count():
        buttons.first.click()
    address = agent_page.locator("input[readonly]").first.input_value()
    feed = agent_page.request.get(address)
    assert feed.status == 200
    calendar = icalendar.Calendar.from_ical(feed.body())
    starts = sorted(event.decoded("dtstart") for event in calendar.walk("VEVENT"))
    assert starts == [b.during.lower for b in bookings]
    assert all(re.search("Plan Flow Co", str(e.get("summary"))) for e in calendar.walk("VEVENT"))
    agent_context.close()
