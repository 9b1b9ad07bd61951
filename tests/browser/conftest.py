"""Browser tests: Playwright's sync API driving Debian's chromium against ``live_server``.

They are marked ``live`` (the live server's thread must see committed data; they run last) and
``browser``. Screenshots go to ``var/screenshots/``.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from django.db import connection, connections

from tenants import provisioning

SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture
def page(monkeypatch):
    """A fresh chromium page (1280x900), closed after the test."""
    chromium_path = shutil.which("chromium")
    if chromium_path is None:
        pytest.skip("Debian's chromium is not installed (apt-get install chromium); CI installs it")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the test's own ORM calls are
    # still plain synchronous code.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium_path, headless=True, args=CHROMIUM_ARGS
        )
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        context.set_default_timeout(15_000)
        try:
            yield context.new_page()
        finally:
            context.close()
            browser.close()
            # Django keeps connections per asyncio context: those the test opened inside
            # Playwright's loop are invisible to pytest-django's teardown, so close them here.
            connections.close_all()


def screenshot(page, name: str) -> Path:
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


@pytest.fixture
def drop_schemas():
    """Client schemas a live test creates: pytest-django empties the public tables after the
    test, the schemas are dropped here. Append schema names to the returned list."""
    names: list[str] = []
    yield names
    connection.set_schema_to_public()
    for name in names:
        provisioning.drop_schema(schema_name=name)


@pytest.fixture
def live_client_factory(transactional_db, drop_schemas):
    """``make_client(slug, **answers)``: a committed, provisioned client (template replay)."""
    from tenants import services
    from tests.factories import client_answers

    def make_client(slug: str, **answers):
        provisioning.current_snapshot(capture=True)  # a previous live test flushed it
        client = services.create_client_now(data=client_answers(slug, **answers), requested_by=None)
        drop_schemas.append(client.schema_name)
        connection.set_schema_to_public()
        return client

    return make_client


def open_menu(page) -> None:
    """On a phone the main navigation folds behind "Menu": open it (nothing on a desktop)."""
    toggle = page.locator("label.nav-toggle-label")
    if toggle.is_visible() and not page.locator(".mainnav").is_visible():
        toggle.click()
