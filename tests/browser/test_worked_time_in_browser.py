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
