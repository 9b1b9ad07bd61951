"""Issue 11 end to end, all in the portal: a QA analyst builds and publishes a small
scorecard, scores an interaction of last week with it and releases the evaluation; the agent
disputes one criterion; the analyst accepts it with a reason; the account manager regenerates
last week's report (a real Celery worker renders it); the client admin reads the report's QA
score and dispute. Browser, live server and worker."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from playwright.sync_api import expect

from bpo.accounts.roles import Role
from tests.browser.conftest import screenshot
from tests.catalog.factories import ServiceLineFactory
from tests.celery_worker import celery_worker  # noqa: F401 - the fixture
from tests.conftest import make_user
from tests.factories import DEMO_TEST_PASSWORD
from tests.roster.factories import AgentFactory


def _log_in(page, base: str, email: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", email)
    page.fill("#id_password", DEMO_TEST_PASSWORD)
    page.click("button:has-text('Log in')")


def _log_out(page) -> None:
    page.click("button:has-text('Log out')")


def _last_week(time_zone: str) -> tuple[str, str]:
    """Last ISO week as ``YYYY-Www`` and its Wednesday 09:30 as a datetime-local value."""
    today = datetime.now(ZoneInfo(time_zone)).date()
    wednesday = today - timedelta(days=today.weekday() + 7) + timedelta(days=2)
    year, week, _ = wednesday.isocalendar()
    return f"{year}-W{week:02d}", f"{wednesday.isoformat()}T09:30"


def _add_criterion(page, text: str) -> None:
    page.click("text=Add a criterion")
    page.fill("#id_text", text)
    page.fill("#id_weight", "1")
    page.click("button[name=save]")
    expect(page.locator("#scorecard-builder")).to_contain_text(text)


@pytest.mark.live
@pytest.mark.browser
@pytest.mark.celery_worker
def test_scorecard_evaluation_dispute_decision_and_weekly_report(
    live_server,
    page,
    live_client_factory,
    celery_worker,  # noqa: F811 - the fixture imported above
):
    # given a client with a line, a QA analyst, an agent, an account manager and a client admin
    client = live_client_factory("qa-report-co", name="QA Report Co")
    qa = make_user(Role.QA_ANALYST, client, email="qa@qa-report.test", full_name="Quinn QA")
    agent_user = make_user(Role.AGENT, client, email="ana@qa-report.test", full_name="Ana Agent")
    manager = make_user(Role.ACCOUNT_MANAGER, client, email="am@qa-report.test")
    admin = make_user(Role.CLIENT_ADMIN, client, email="admin@qa-report.test")
    connection.set_tenant(client)
    line = ServiceLineFactory(name="Order support")
    agent = AgentFactory(user=agent_user, full_name="Ana Agent")
    connection.set_schema_to_public()
    base = live_server.url
    week, occurred_at = _last_week(client.time_zone)

    # when the analyst builds a scorecard of one section and two yes/no criteria and publishes it
    _log_in(page, base, qa.email)
    page.goto(f"{base}/c/{client.slug}/scorecards/")
    page.click("text=New scorecard")
    page.fill("#id_name", "Order calls")
    page.select_option("#id_service_line", label="Order support")
    page.click("button[name=save]")
    expect(page.locator("h1")).to_contain_text("Version 1")
    page.fill("#id_section-title", "Conversation")
    page.fill("#id_section-weight", "1")
    page.click("button:has-text('Add the section')")
    expect(page.locator("#scorecard-builder")).to_contain_text("Conversation")
    _add_criterion(page, "Greets the customer")
    _add_criterion(page, "Solves the problem")
    screenshot(page, "qa-report-1-scorecard-built")
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("button[data-action=publish]")
    expect(page.locator("h1 .badge")).to_have_text("Published")

    # and scores last week's call with it: greeted, not solved, and releases it
    page.goto(f"{base}/c/{client.slug}/evaluations/")
    page.click("text=New evaluation")
    page.select_option("#id_service_line", str(line.pk))
    page.fill("#id_reference", "CALL-9001")
    page.select_option("#id_channel", "voice")
    page.fill("#id_occurred_at", occurred_at)
    page.select_option("#id_agent", str(agent.pk))
    card_option = page.locator("#id_scorecard_version option", has_text="Order calls")
    page.select_option("#id_scorecard_version", card_option.get_attribute("value"))
    page.click("button:has-text('Start scoring')")
    expect(page).to_have_url(re.compile(r"/evaluations/\d+/score/$"))
    form = page.locator("#scoring-form")
    form.locator("[id^=criterion-]", has_text="Greets the customer").locator(
        "input[value=yes]"
    ).check()
    solves = form.locator("[id^=criterion-]", has_text="Solves the problem")
    solves.locator("input[value=no]").check()
    expect(page.locator("#score-preview")).to_contain_text("50.00 %")
    screenshot(page, "qa-report-2-scoring")
    page.click("button[value=submit_release]")
    expect(page.locator(".messages")).to_contain_text("submitted and released")
    expect(page.locator("#evaluation-score")).to_have_text("50.00 %")
    _log_out(page)

    # when the agent disputes the "Solves the problem" criterion
    _log_in(page, base, agent_user.email)
    page.click("text=Read and acknowledge your evaluation of CALL-9001")
    page.locator("[id^=answer-]", has_text="Solves the problem").locator(
        "text=Dispute this"
    ).click()
    page.fill("#id_reason", "The refund went out during the call.")
    page.click("button:has-text('Send the dispute')")
    expect(page.locator(".messages")).to_contain_text("Dispute sent")
    screenshot(page, "qa-report-3-disputed")
    _log_out(page)

    # and the analyst accepts it with a reason, correcting the answer
    _log_in(page, base, qa.email)
    page.click("text=Decide the dispute of CALL-9001")
    expect(page.locator("main")).to_contain_text("The refund went out during the call.")
    page.check("input[name=decision][value=accepted]")
    page.fill("#id_decision_reason", "The call recording shows the refund confirmed.")
    page.locator("[id^=criterion-]", has_text="Solves the problem").locator(
        "input[value=yes]"
    ).check()
    screenshot(page, "qa-report-4-decide")
    page.click("button:has-text('Record the decision')")
    expect(page.locator("#evaluation-score")).to_have_text("100.00 %")
    expect(page.locator(".eval-dispute")).to_contain_text("50.00 % → 100.00 %")
    _log_out(page)

    # when the account manager regenerates last week's report from the archive
    _log_in(page, base, manager.email)
    page.goto(f"{base}/c/{client.slug}/reports/")
    page.fill("#report-week", week)
    page.click("#report-regenerate button:has-text('Regenerate')")
    expect(page.locator("#report-qa")).to_be_visible(timeout=90_000)
    screenshot(page, "qa-report-5-regenerated")
    _log_out(page)

    # then the client admin opens that week's report and reads the QA score and the dispute
    _log_in(page, base, admin.email)
    page.goto(f"{base}/c/{client.slug}/reports/")
    page.click(f"#weekly-reports >> text={week}")
    qa_section = page.locator("#report-qa")
    expect(qa_section).to_contain_text("Order support")
    expect(qa_section).to_contain_text("1 evaluation")
    expect(qa_section).to_contain_text("QA score 100.0 %")
    expect(qa_section).to_contain_text("Disputes: 1 raised, 1 decided, 0 open.")
    expect(qa_section).to_contain_text(
        "Disputes of the week's evaluations: 1 raised, 1 decided, 0 waiting for a decision."
    )
    screenshot(page, "qa-report-6-client-reads")
