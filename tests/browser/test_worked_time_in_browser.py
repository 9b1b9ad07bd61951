"""Worked time in a browser: last week's adherence and conformance (from the demo's
time clock over the bookings) at desktop and phone widths, without horizontal scrolling."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.db.backends.postgresql.psycopg_any import DateTimeTZRange
from django.utils import timezone
from playwright.sync_api import expect

from bpo.accounts.roles import Role
from scheduling.roster import demo
from scheduling.roster.models import Booking
from tests.browser.conftest import screenshot
from tests.browser.test_time_off_in_browser import _fits, _log_in
from tests.conftest import make_user
from tests.roster.factories import AgentFactory, TeamFactory

NAMES = ("Ana Costa", "Diego Hernández", "Mei Tanaka", "Rui Lopes", "Sofía Marín")


@pytest.mark.live
@pytest.mark.browser
def test_last_weeks_adherence_at_desktop_and_phone_width(live_server, page, live_client_factory):
    # given five agents booked on last week's weekdays, and the demo's time clock for them
    client = live_client_factory("worked-shop")
    scheduler = make_user(Role.SCHEDULER, email="wfm@worked.test", full_name="Jordan Lee")
    team = TeamFactory(name="Atlantic")
    today = timezone.localdate()
    monday = today - timedelta(days=today.weekday() + 7)
    shift = 0
    for name in NAMES:
        agent = AgentFactory(full_name=name, team=team, time_zone="UTC")
        for offset in range(5):
            day = monday + timedelta(days=offset)
            start = datetime(day.year, day.month, day.day, 8, tzinfo=UTC)
            shift += 1
            Booking.objects.create(
                agent=agent,
                client=client,
                during=DateTimeTZRange(start, start + timedelta(hours=8)),
                plan_id=1,
                shift_id=shift,
            )
    assert demo.seed_worked_time(today=today) == 25

    # when the scheduler opens Worked time
    _log_in(page, live_server, scheduler)
    page.set_viewport_size({"width": 1366, "height": 900})
    page.get_by_role("link", name="Worked time").first.click()
    table = page.locator("#worked-week")
    expect(table).to_contain_text("Diego Hernández")
    expect(table).to_contain_text("Adh.")
    screenshot(page, "roster-worked-week-1366")
    assert _fits(page)

    # then on a phone every agent is a card that fits the screen
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    expect(page.locator("#worked-week")).to_contain_text("Sofía Marín")
    screenshot(page, "roster-worked-week-390")
    assert _fits(page)


@pytest.mark.live
@pytest.mark.browser
def test_the_other_worked_time_pages_fit_a_phone(live_server, page):
    # given a scheduler, finance with a lock, and an agent
    from datetime import date

    from scheduling.roster import worked

    scheduler = make_user(Role.PROVIDER_ADMIN, email="admin@worked.test", full_name="Alex Admin")
    agent = AgentFactory(full_name="Ana Costa", employee_number="E-1", time_zone="UTC")
    worked.lock_period(
        starts_on=date(2026, 11, 1),
        ends_on=date(2026, 11, 30),
        note="November invoiced",
        actor=scheduler,
    )
    page.set_viewport_size({"width": 390, "height": 844})
    _log_in(page, live_server, scheduler)

    # the locks list with its reopen form
    page.goto(f"{live_server.url}/roster/locks/")
    expect(page.locator("#locks")).to_contain_text("November invoiced")
    screenshot(page, "roster-locks-390")
    assert _fits(page)

    # a locked day's page says so instead of offering the form
    page.goto(f"{live_server.url}/roster/worked-time/day/?agent={agent.pk}&day=2026-11-23")
    expect(page.locator("main")).to_contain_text("can no longer change")
    assert _fits(page)

    # an import with problems lists each one
    page.goto(f"{live_server.url}/roster/worked-time/import/")
    page.set_input_files(
        "input[type=file]",
        files=[
            {
                "name": "clock.csv",
                "mimeType": "text/csv",
                "buffer": b"employee_number,date,clock_in,clock_out\n"
                b"E-1,2026-11-23,08:00,16:00\nE-9,2026-12-01,8,16:00\n",
            }
        ],
    )
    page.get_by_role("button", name="Check the file").click()
    expect(page.locator("#import-problems")).to_contain_text("No agent has the number E-9.")
    screenshot(page, "roster-worked-import-problems-390")
    assert _fits(page)
