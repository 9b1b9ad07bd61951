"""Issue 9's whole workforce flow as a scheduler does it, in one browser session: import ten
weeks of statistics (neutral format) -> preview -> commit -> the SLA page shows the figures ->
run a forecast -> its progress -> the forecast chart -> the staffing requirement chart.
Live server and a real Celery worker (the forecast is a background job)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

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

HEADER = (
    "service_line,interval_start,interval_minutes,offered,answered,abandoned,short_abandoned,"
    "answered_within_threshold,abandoned_within_threshold,flowed_out,first_responses,"
    "first_responses_within_target,answered_wait_seconds,talk_seconds,hold_seconds,acw_seconds,"
    "first_response_seconds"
)


def neutral_history(*, line_name: str, zone: str, weeks: int) -> tuple[str, int, str]:
    """A neutral-format file of ``weeks`` whole weeks ending last Sunday (local), 08:00-20:00
    in 15-minute intervals; with its row count and last week's ISO name."""
    tz = ZoneInfo(zone)
    today = datetime.now(UTC).astimezone(tz).date()
    last_monday = today - timedelta(days=today.weekday() + 7)
    first_day = last_monday - timedelta(weeks=weeks - 1)
    rows = [HEADER]
    for day_index in range(weeks * 7):
        day = first_day + timedelta(days=day_index)
        for slot in range(48):
            start = datetime.combine(day, time(8), tzinfo=tz) + timedelta(minutes=15 * slot)
            offered = 8 + (slot % 16) + (4 if day.weekday() == 0 else 0)
            abandoned = 1 if slot % 5 == 0 else 0
            answered = offered - abandoned
            within = answered - (1 if slot % 3 == 0 else 0)
            rows.append(
                f"{line_name},{start.isoformat()},15,{offered},{answered},{abandoned},0,"
                f"{within},0,0,0,0,{answered * 15},{answered * 200},{answered * 10},"
                f"{answered * 40},0"
            )
    year, week, _ = last_monday.isocalendar()
    return "\n".join(rows) + "\n", len(rows) - 1, f"{year}-W{week:02d}"


@pytest.mark.live
@pytest.mark.browser
@pytest.mark.celery_worker
def test_scheduler_imports_reads_sla_forecasts_and_reads_the_requirement(
    live_server,
    page,
    live_client_factory,
    celery_worker,  # noqa: F811
    settings,
    tmp_path,
):
    # given a client with one voice line open 08:00-20:00 and its scheduler
    settings.MEDIA_ROOT = tmp_path / "media"
    client = live_client_factory("workforce-flow-co", name="Workforce Flow Co")
    scheduler = make_user(Role.SCHEDULER, client, email="scheduler@workforce-flow.test")
    connection.set_tenant(client)
    line = ServiceLineFactory(name="Order hotline")
    for weekday in range(7):
        OpeningHours.objects.create(
            service_line=line, weekday=weekday, opens_at=time(8), closes_at=time(20)
        )
    connection.set_schema_to_public()
    text, rows, last_week = neutral_history(
        line_name="Order hotline", zone=client.time_zone, weeks=10
    )
    upload = tmp_path / "ten-weeks.csv"
    upload.write_text(text, encoding="utf-8")

    # when the scheduler logs in and uploads ten weeks of intervals
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", scheduler.email)
    page.fill("#id_password", DEMO_TEST_PASSWORD)
    page.click("button:has-text('Log in')")
    page.goto(f"{live_server.url}/c/{client.slug}/statistics/import/")
    page.set_input_files("#id_file", str(upload))
    page.select_option("#id_format", "neutral")
    page.click("button:has-text('Check the file')")

    # then the preview has checked every row and stored nothing yet
    expect(page).to_have_url(re.compile(r"/statistics/imports/\d+/$"))
    expect(page.locator("#import-status")).to_contain_text(
        f"{rows} rows checked, no problem found", timeout=60_000
    )
    screenshot(page, "workforce-1-preview")

    # when committed
    page.click("#commit-import button")
    expect(page.locator("#import-status")).to_contain_text(
        f"Stored {rows} intervals", timeout=60_000
    )

    # then last week's SLA page shows the line's figures and its chart
    page.goto(f"{live_server.url}/c/{client.slug}/sla/?week={last_week}")
    card = page.locator(f"#sla-line-{line.pk}")
    expect(card).to_be_visible()
    expect(card.locator(".sla-counts")).to_contain_text("offered")
    expect(card.locator("figure.sla-chart img")).to_be_visible()
    screenshot(page, "workforce-2-sla")

    # when the scheduler runs a one-week forecast from the Forecasts page
    page.click("nav.mainnav >> text=Forecasts")
    expect(page.locator(f"#line-{line.pk}")).to_contain_text("Not forecast yet.")
    page.click("#run-forecast")
    page.select_option("#id_service_line", label="Order hotline")
    page.select_option("#id_weeks", "1")
    page.click("button:has-text('Run the forecast')")

    # then progress shows until the worker is done, then the forecast chart
    expect(page.locator("#forecast-progress, #forecast-chart").first).to_be_visible()
    screenshot(page, "workforce-3-progress")
    expect(page.locator("#forecast-chart svg")).to_be_visible(timeout=90_000)
    expect(page.locator("h1")).to_contain_text("forecast version 1")
    screenshot(page, "workforce-4-forecast")

    # and the requirement tab shows its chart and the model it used
    page.click("nav.tabs >> text=Staffing requirement")
    expect(page.locator("#requirement-model")).to_contain_text("Erlang C")
    expect(page.locator("#requirement-chart svg")).to_be_visible()
    screenshot(page, "workforce-5-requirement")
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
