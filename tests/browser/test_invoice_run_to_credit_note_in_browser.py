"""Issue 12 end to end, all in the portal: finance starts last month's invoice run (a real
Celery worker drafts the client's invoice), reviews the draft with its evidence and issues it
(the EN 16931 XML validated, the worker renders the Factur-X PDF); the client admin downloads
the PDF and disputes a line; finance resolves the dispute with a credit note, which the client
admin then reads. Browser, live server and worker."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone
from playwright.sync_api import expect

from bpo.accounts.roles import Role
from tests.browser.conftest import screenshot
from tests.celery_worker import celery_worker  # noqa: F401 - the fixture
from tests.conftest import make_user
from tests.factories import DEMO_TEST_PASSWORD


def _log_in(page, base: str, email: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", email)
    page.fill("#id_password", DEMO_TEST_PASSWORD)
    page.click("button:has-text('Log in')")


def _log_out(page) -> None:
    page.click("button:has-text('Log out')")


@pytest.mark.live
@pytest.mark.browser
@pytest.mark.celery_worker
def test_invoice_run_issue_download_dispute_and_credit_note(
    live_server,
    page,
    live_client_factory,
    celery_worker,  # noqa: F811 - the fixture imported above
):
    # given a live client on a per-seat contract with Factur-X e-invoices, finance, its admin
    from billing.contracts.models import ContractVersion, RateLine
    from tenants.models import Client, ClientStatus

    client = live_client_factory("bill-co", name="Bill Co")
    Client.objects.filter(pk=client.pk).update(status=ClientStatus.LIVE)
    finance = make_user(
        Role.FINANCE, client, email="finance@bill-co.test", full_name="Fiona Finance"
    )
    admin = make_user(Role.CLIENT_ADMIN, client, email="admin@bill-co.test")
    connection.set_tenant(client)
    version = ContractVersion.objects.get(number=1)
    ContractVersion.objects.filter(pk=version.pk).update(
        effective_from=timezone.localdate().replace(year=timezone.localdate().year - 1),
        buyer_legal_name="Bill Co GmbH",
        buyer_address="Lindenallee 4",
        buyer_city="Hamburg",
        buyer_postcode="20095",
        buyer_country="DE",
        buyer_vat_id="DE811907980",
        e_invoice_format="factur_x",
        default_tax_rate=Decimal("19"),
    )
    RateLine.objects.create(
        version=version,
        basis="seat_month",
        unit_price=Decimal("1000"),
        quantity=2,
        tax_rate=Decimal("19"),
        description="Seats, order support",
    )
    connection.set_schema_to_public()
    base = live_server.url
    last_month = (timezone.localdate().replace(day=1) - timedelta(days=1)).strftime("%Y-%m")

    # when finance starts last month's run for every live client
    _log_in(page, base, finance.email)
    page.click("nav >> text=Invoice runs")
    page.click("text=Start an invoice run")
    page.fill("#id_month", last_month)
    page.click("button:has-text('Start the run')")
    expect(page.locator("h1")).to_contain_text("Invoice run")
    # the worker drafts it; the page reloads itself when the run has finished
    expect(page.locator("#run-items")).to_contain_text("Draft ready", timeout=90_000)
    screenshot(page, "billing-1-run-finished")
    page.click("text=Open the invoice")
    # then the draft shows the seat line and what is behind it
    expect(page.locator("h1")).to_contain_text("(draft)")
    expect(page.locator("body")).to_contain_text("Seats, order support")
    page.click("text=What is behind this line")
    screenshot(page, "billing-2-draft-with-evidence")
    # when finance issues it
    page.click("button:has-text('Issue the invoice')")
    expect(page.locator("h1")).not_to_contain_text("(draft)")
    number = page.locator("h1").inner_text().split()[-1]
    # the worker renders the PDF; a reload shows the download
    for _ in range(60):
        if page.locator("text=Download the PDF").count():
            break
        page.wait_for_timeout(1000)
        page.reload()
    expect(page.locator("#invoice-files")).to_contain_text("Download the PDF")
    screenshot(page, "billing-3-issued")
    _log_out(page)

    # when the client admin opens its invoices, downloads the PDF and disputes the seat line
    _log_in(page, base, admin.email)
    page.goto(f"{base}/c/{client.slug}/invoices/")
    expect(page.locator("body")).to_contain_text(number)
    page.click(f"#invoices a:text-is('{number}')")
    with page.expect_download() as download:
        page.click("text=Download the PDF")
    assert download.value.suggested_filename == f"{number}.pdf"
    with open(download.value.path(), "rb") as handle:
        assert handle.read(5) == b"%PDF-"
    page.click("text=Dispute this line")
    page.fill("textarea[id^=dispute-reason-]", "We had one seat in use, not two.")
    page.click("button:has-text('Send to finance')")
    expect(page.locator("body")).to_contain_text("We had one seat in use, not two.")
    screenshot(page, "billing-4-line-disputed")
    _log_out(page)

    # when finance resolves the dispute with a credit note of one seat
    _log_in(page, base, finance.email)
    page.goto(f"{base}/c/{client.slug}/invoices/")
    page.click(f"#invoices a:text-is('{number}')")
    resolve = page.locator("form[id^=resolve-]")
    resolve.locator("input[value=credit]").check()
    resolve.locator("input[name=amount]").fill("1000.00")
    resolve.locator("textarea[name=reason]").fill("One seat was not used in the month.")
    resolve.locator("button:has-text('Resolve')").click()
    # then the credit note is listed on the invoice
    expect(page.locator("#invoice-credit-notes")).to_contain_text("One seat was not used")
    screenshot(page, "billing-5-credit-note")
    _log_out(page)

    # and the client admin reads the answer and the credit note
    _log_in(page, base, admin.email)
    page.goto(f"{base}/c/{client.slug}/invoices/")
    page.click(f"#invoices a:text-is('{number}')")
    expect(page.locator("body")).to_contain_text("One seat was not used in the month.")
    expect(page.locator("#invoice-credit-notes")).to_contain_text("1,190.00")
    screenshot(page, "billing-6-client-reads-credit-note")
