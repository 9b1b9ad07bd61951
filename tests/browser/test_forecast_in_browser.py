"""A scheduler runs a forecast, watches its progress, reads the forecast chart and then the
staffing requirement chart: browser, live server and a real Celery worker."""

from __future__ import annotations

import re
from datetime import time

import pytest
from django.db import connection
from playwright.sync_api import expect

from bpo.accounts.roles import Role
from bpo.catalog.models import OpeningHours
from tests.browser.conftest import screenshot
from tests.catalog.factories import ServiceLineFactory
from tests.celery_worker import celery_worker  # noqa: F401 - the fixture
from tests.conftest import make_user
from tests.factories import DEMO_TEST_PASSWORD
from tests.scheduling.forecast_helpers import history_end, write_history


@pytest.mark.live
@pytest.mark.browser
@pytest.mark.celery_worker
def test_run_forecast_progress_chart_and_requirement(
    live_server,
    page,
    live_client_factory,
    celery_worker,  # noqa: F811
):
    # given a line with ten weeks of statistics and its scheduler
    client = live_client_factory("forecast-browser-co", name="Forecast Browser Co")
    scheduler = make_user(Role.SCHEDULER, client, email="scheduler@forecast-browser.test")
    connection.set_tenant(client)
    line = ServiceLineFactory(name="Order hotline")
    for weekday in range(7):
        OpeningHours.objects.create(
            service_line=line, weekday=weekday, opens_at=time(8), closes_at=time(20)
        )
    write_history(
        line=line, time_zone=client.time_zone, end_day=history_end(client.time_zone), weeks=10
    )
    connection.set_schema_to_public()

    # when the scheduler logs in and opens Forecasts from the navigation
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", scheduler.email)
    page.fill("#id_password", DEMO_TEST_PASSWORD)
    page.click("button:has-text('Log in')")
    page.goto(f"{live_server.url}/c/{client.slug}/staffing/")
    page.click("nav.mainnav >> text=Forecasts")
    expect(page.locator("#line-" + str(line.pk))).to_contain_text("Not forecast yet.")

    # and runs a two-week forecast
    page.click("#run-forecast")
    page.select_option("#id_service_line", label="Order hotline")
    page.select_option("#id_weeks", "2")
    screenshot(page, "forecast-1-run")
    page.click("button:has-text('Run the forecast')")

    # then the progress bar shows until the worker is done, and the page turns into the version
    expect(page.locator("#forecast-progress, #forecast-chart").first).to_be_visible()
    screenshot(page, "forecast-2-progress")
    expect(page.locator("#forecast-chart svg")).to_be_visible(timeout=90_000)
    expect(page.locator("h1")).to_contain_text("forecast version 1")
    expect(page.locator("#forecast-days tbody tr")).to_have_count(7)
    screenshot(page, "forecast-3-chart")

    # when the second week is picked, the chart follows
    page.click(".week-picker a:not([aria-current])")
    expect(page).to_have_url(re.compile(r"\?week=1$"))

    # and the requirement tab shows its chart, its model and the table behind it
    page.click("nav.tabs >> text=Staffing requirement")
    expect(page.locator("#requirement-model")).to_contain_text("Erlang C")
    expect(page.locator("#requirement-chart svg")).to_be_visible()
    page.click("#requirement-table-details summary")
    expect(page.locator("#requirement-table tbody tr").first).to_be_visible()
    screenshot(page, "forecast-4-requirement")

    # and at 390 px nothing scrolls sideways
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
