"""Every page every demo role can reach, at 1366 px and at 390 px: no horizontal page scroll and
no console error.

The demo data (``seed_demo``) is loaded into the live database; each role logs in and follows
the links it is shown, breadth first from where it lands, up to ``PAGES_PER_ROLE`` pages (links
that change something are never followed: they are forms, and a GET must not write). A page
fails when its document is wider than the window or the console reports an error.
"""

from __future__ import annotations

import re
import shutil
from collections import deque
from datetime import datetime
from urllib.parse import urldefrag, urlsplit
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.db import connection, connections

from tenants import provisioning
from tenants.models import Client
from tests.browser.conftest import CHROMIUM_ARGS, SCREENSHOTS

WIDTHS = (1366, 390)
PAGES_PER_ROLE = 30
DEMO_LOGINS = (
    "admin@bpo.example",
    "am@bpo.example",
    "scheduler@bpo.example",
    "finance@bpo.example",
    "qa@bpo.example",
    "agent@bpo.example",
    "admin@shopright.example",
    "viewer@cloudlane.example",
)
# Paths a crawler must not open: they leave the portal, end the session or stream a file.
SKIPPED = ("/accounts/logout", "/admin/", "/api/", "/static/", "/media/", "/download", "/pdf/")
# The workforce pages (issue 9) sit deep in the link graph; links to them jump the queue, so the
# budget reaches them first, and each role must have walked the ones it uses.
FIRST = re.compile(
    r"^/(roster/(time-off/|my-time-off/)?"
    r"|c/[^/]+/(statistics/|sla/(\d+/)?|forecasts/(\d+/(requirement/)?)?"
    r"|scorecards/(\d+/(versions/\d+/(preview/)?)?)?"
    r"|qa/(scores|sampling|due|interactions)/))$"
)
MUST_REACH = {
    "scheduler@bpo.example": (
        r"^/roster/$",
        r"^/roster/time-off/$",
        r"^/c/[^/]+/statistics/$",
        r"^/c/[^/]+/sla/$",
        r"^/c/[^/]+/forecasts/$",
        r"^/c/[^/]+/forecasts/\d+/$",
        r"^/c/[^/]+/forecasts/\d+/requirement/$",
    ),
    "am@bpo.example": (r"^/c/[^/]+/statistics/$", r"^/c/[^/]+/sla/$", r"^/c/[^/]+/forecasts/$"),
    "admin@shopright.example": (r"^/c/shopright/sla/$",),
    "agent@bpo.example": (r"^/roster/my-time-off/$",),
    # The scorecards (issue 11): the list, a scorecard, a version (its builder for the QA
    # analyst, whose demo draft it is) and its preview.
    "qa@bpo.example": (
        r"^/c/[^/]+/scorecards/$",
        r"^/c/[^/]+/scorecards/\d+/$",
        r"^/c/[^/]+/scorecards/\d+/versions/\d+/$",
        r"^/c/[^/]+/scorecards/\d+/versions/\d+/preview/$",
        # QA sampling and the week's QA score
        r"^/c/[^/]+/qa/scores/$",
        r"^/c/[^/]+/qa/sampling/$",
        r"^/c/[^/]+/qa/due/$",
        r"^/c/[^/]+/qa/interactions/$",
    ),
}
# The SLA page opens on the current week; the demo's statistics reach yesterday, so a line's
# page is linked from it on every day but a Monday.
SLA_LINE = r"^/c/[^/]+/sla/\d+/$"
SLA_LINE_READERS = ("scheduler@bpo.example", "admin@shopright.example")


def follows(path: str) -> bool:
    return path.startswith("/") and not any(part in path for part in SKIPPED)


@pytest.fixture
def demo_data(transactional_db, monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "walk-every-page-2026")
    provisioning.current_snapshot(capture=True)  # a previous live test flushed it
    call_command("seed_demo", "--no-table", stdout=open("/dev/null", "w"))  # noqa: SIM115
    connection.set_schema_to_public()
    schemas = list(
        Client.objects.exclude(schema_name="public").values_list("schema_name", flat=True)
    )
    yield "walk-every-page-2026"
    connection.set_schema_to_public()
    for name in schemas:
        provisioning.drop_schema(schema_name=name)


def walk(context, base_url: str, email: str, password: str) -> list[str]:
    """Log in as ``email`` and visit what they can reach; the problems found, in words."""
    problems: list[str] = []
    page = context.new_page()
    errors: list[str] = []
    page.on(
        "console", lambda message: errors.append(message.text) if message.type == "error" else None
    )
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{base_url}/accounts/login/")
    page.fill("#id_username", email)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    start = urlsplit(page.url).path
    queue, first, seen = deque([start]), deque(), {start}
    visited = 0
    walked: list[str] = []
    while (queue or first) and visited < PAGES_PER_ROLE:
        path = (first or queue).popleft()
        visited += 1
        for width in WIDTHS:
            errors.clear()
            page.set_viewport_size({"width": width, "height": 900})
            response = page.goto(f"{base_url}{path}")
            status = response.status if response else 0
            if status >= 500:
                problems.append(f"{email} {path}: answered {status}")
            overflow = page.evaluate(
                "() => document.documentElement.scrollWidth - window.innerWidth"
            )
            if overflow > 0:
                name = f"walk-{email.split('@')[0]}-{width}-{path.strip('/').replace('/', '_') or 'home'}"
                page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
                problems.append(
                    f"{email} {path} at {width} px: {overflow} px wider than the window"
                )
            if errors:
                problems.append(f"{email} {path} at {width} px: console error {errors[0]!r}")
        for href in page.eval_on_selector_all(
            "a[href]", "links => links.map(a => a.getAttribute('href'))"
        ):
            target = urldefrag(href)[0]
            target_path = urlsplit(target).path if target.startswith("/") else ""
            if target_path and follows(target_path) and target_path not in seen:
                seen.add(target_path)
                (first if FIRST.match(target_path) else queue).append(target_path)
        walked.append(path)
    page.close()
    expected = MUST_REACH.get(email, ())
    if email in SLA_LINE_READERS and datetime.now(ZoneInfo("America/New_York")).weekday() > 0:
        expected += (SLA_LINE,)
    for pattern in expected:
        if not any(re.match(pattern, done) for done in walked):
            problems.append(f"{email}: the walk never reached a page like {pattern}")
    return problems


@pytest.mark.live
@pytest.mark.browser
def test_every_page_of_every_role_fits_a_phone_and_a_laptop(live_server, demo_data, monkeypatch):
    chromium_path = shutil.which("chromium")
    if chromium_path is None:
        pytest.skip("Debian's chromium is not installed (apt-get install chromium); CI installs it")
    from playwright.sync_api import sync_playwright

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    problems: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium_path, headless=True, args=CHROMIUM_ARGS
        )
        try:
            for email in DEMO_LOGINS:
                context = browser.new_context()
                context.set_default_timeout(15_000)
                try:
                    problems += walk(context, live_server.url, email, demo_data)
                finally:
                    context.close()
        finally:
            browser.close()
            connections.close_all()
    assert problems == [], "\n".join(problems)
