"""A scheduler uploads a Genesys Cloud export, checks the preview, commits it and reads the
stored intervals."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from playwright.sync_api import expect

from bpo.accounts.roles import Role
from tests.browser.conftest import screenshot
from tests.catalog.factories import ServiceLineFactory
from tests.conftest import make_user
from tests.factories import DEMO_TEST_PASSWORD
from tests.scheduling.statistics_helpers import SAMPLES


@pytest.mark.live
@pytest.mark.browser
def test_scheduler_imports_a_genesys_export(
    live_server, page, live_client_factory, settings, tmp_path
):
    # given a client in New York with the two lines the export's queues feed
    settings.MEDIA_ROOT = tmp_path / "media"
    client = live_client_factory("stats-import-co", name="Stats Import Co")
    scheduler = make_user(Role.SCHEDULER, client, email="scheduler@stats-import.test")
    connection.set_tenant(client)
    english = ServiceLineFactory(name="Order support")
    ServiceLineFactory(name="Order support ES")
    connection.set_schema_to_public()

    # when the scheduler logs in and uploads the export
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", scheduler.email)
    page.fill("#id_password", DEMO_TEST_PASSWORD)
    page.click("button:has-text('Log in')")
    page.goto(f"{live_server.url}/c/{client.slug}/statistics/import/")
    page.set_input_files("#id_file", str(SAMPLES / "genesys-cloud-queue-performance-intervals.csv"))
    page.select_option("#id_format", "genesys-cloud")
    page.fill("#id_queue_mapping", "SR Orders EN = Order support\nSR Orders ES = Order support ES")
    page.select_option("#id_time_zone", "America/New_York")
    page.click("button:has-text('Check the file')")

    # then the preview shows the mapping and the first rows, nothing stored yet
    expect(page).to_have_url(re.compile(r"/statistics/imports/\d+/$"))
    expect(page.locator("#import-status")).to_contain_text("544 rows checked, no problem found")
    expect(page.locator("#import-mapping")).to_contain_text("answered_within_threshold")
    expect(page.locator("#import-preview")).to_contain_text("2026-11-16 08:00 EST")
    screenshot(page, "statistics-import-1-preview")

    # when committed
    page.click("#commit-import button")

    # then it is stored, and the line's week shows the intervals in local time
    expect(page.locator("#import-status")).to_contain_text("Stored 544 intervals")
    page.click("text=See the stored intervals")
    page.goto(f"{live_server.url}/c/{client.slug}/statistics/lines/{english.pk}/?week=2026-W47")
    expect(page.locator("#stored-intervals")).to_contain_text("Mon 16 Nov, 08:00")
    screenshot(page, "statistics-import-2-stored")
