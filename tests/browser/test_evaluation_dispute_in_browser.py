"""A QA analyst scores an interaction and releases the evaluation; the agent finds it on their
home page and disputes one criterion; the analyst decides it in part; both read the history
and the new score. Screenshots at 1280 px and 390 px."""

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
from tests.quality.helpers import make_scorecard
from tests.roster.factories import AgentFactory


def _log_in(page, base: str, email: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", email)
    page.fill("#id_password", DEMO_TEST_PASSWORD)
    page.click("button:has-text('Log in')")


def _log_out(page) -> None:
    page.set_viewport_size({"width": 1280, "height": 900})
    page.click("button:has-text('Log out')")


def _both_widths(page, name: str) -> None:
    screenshot(page, f"{name}-1280")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, f"{name}-390")
    page.set_viewport_size({"width": 1280, "height": 900})


@pytest.mark.live
@pytest.mark.browser
def test_score_release_dispute_and_decide_in_the_browser(live_server, page, live_client_factory):
    # given a client with a published scorecard for its line, an analyst and an agent
    client = live_client_factory("qa-dispute-co", name="QA Dispute Co")
    qa = make_user(Role.QA_ANALYST, client, email="qa@qa-dispute.test", full_name="Quinn QA")
    agent_user = make_user(Role.AGENT, client, email="ana@qa-dispute.test", full_name="Ana Agent")
    connection.set_tenant(client)
    line = ServiceLineFactory(name="Order support")
    _card, version = make_scorecard(qa, service_line=line, publish=True)
    criteria = {c.text: c for s in version.sections.all() for c in s.criteria.all()}
    agent = AgentFactory(user=agent_user, full_name="Ana Agent")
    connection.set_schema_to_public()
    base = live_server.url

    # when the analyst starts an evaluation of a call
    _log_in(page, base, qa.email)
    page.goto(f"{base}/c/{client.slug}/evaluations/")
    expect(page.locator("#evaluations")).to_contain_text("No evaluation yet.")
    page.click("text=New evaluation")
    page.select_option("#id_service_line", str(line.pk))
    page.fill("#id_reference", "CALL-4711")
    page.select_option("#id_channel", "voice")
    page.fill("#id_occurred_at", "2026-12-01T09:30")
    page.select_option("#id_agent", str(agent.pk))
    page.select_option("#id_scorecard_version", str(version.pk))
    page.click("button:has-text('Start scoring')")
    expect(page).to_have_url(re.compile(r"/evaluations/\d+/score/$"))
    expect(page.locator("#scoring-form")).to_contain_text("Name and postcode.")

    # and answers; submitting with one criterion left says so next to it, keeping the rest
    for text, answer in (
        ("Greets with the brand's name", "yes"),
        ("Verifies the caller", "yes"),
        ("Resolves the issue", "2"),
        ("Follows the steps", "2"),
        ("Delights the customer", "no"),
    ):
        page.check(f"input[name=c{criteria[text].pk}][value='{answer}']")
    page.fill(f"#id_c{criteria['Resolves the issue'].pk}_comment", "Transferred once.")
    page.click("button[value=submit]")
    survey = page.locator(f"#criterion-{criteria['Offers a survey'].pk}")
    expect(survey.locator(".errorlist")).to_contain_text("Answer this criterion (or N/A).")
    expect(page.locator(f"#id_c{criteria['Resolves the issue'].pk}_comment")).to_have_value(
        "Transferred once."
    )
    # the live score shows once everything is answered
    page.check(f"input[name=c{criteria['Offers a survey'].pk}][value='yes']")
    expect(page.locator("#score-preview")).to_contain_text("62.50 %")
    _both_widths(page, "evaluation-1-scoring")
    page.click("button[value=submit_release]")
    expect(page.locator(".messages")).to_contain_text("submitted and released")
    expect(page.locator("#evaluation-score")).to_have_text("62.50 %")
    _log_out(page)

    # when the agent logs in, their home asks them to read it
    _log_in(page, base, agent_user.email)
    page.click("text=Read and acknowledge your evaluation of CALL-4711")
    expect(page.locator("#evaluation-score")).to_have_text("62.50 %")
    _both_widths(page, "evaluation-2-agent-reads")
    # and they dispute the resolution criterion
    page.click(f"#answer-{criteria['Resolves the issue'].pk} >> text=Dispute this")
    expect(page.locator("#id_criterion")).to_have_value(str(criteria["Resolves the issue"].pk))
    page.fill("#id_reason", "The order was fixed during the call; no callback was needed.")
    page.click("button:has-text('Send the dispute')")
    expect(page.locator(".messages")).to_contain_text("Dispute sent")
    expect(page.locator("#disputes")).to_contain_text("Waiting for a decision")
    _log_out(page)

    # when the analyst decides it in part from their home page
    _log_in(page, base, qa.email)
    page.click("text=Decide the dispute of CALL-4711")
    expect(page.locator("main")).to_contain_text("no callback was needed")
    page.check("input[name=decision][value=partial]")
    page.fill("#id_decision_reason", "Fixed on the call, but the caller repeated the order id.")
    page.check(f"input[name=c{criteria['Resolves the issue'].pk}][value='4']")
    _both_widths(page, "evaluation-3-decide")
    page.click("button:has-text('Record the decision')")
    expect(page.locator(".messages")).to_contain_text("62.50 %")
    expect(page.locator("#evaluation-score")).to_have_text("81.25 %")
    dispute_card = page.locator(".eval-dispute")
    expect(dispute_card).to_contain_text("Partly accepted")
    expect(dispute_card).to_contain_text("62.50 % → 81.25 %")
    _log_out(page)

    # then the agent reads the same history and the new score, and acknowledges it
    _log_in(page, base, agent_user.email)
    page.goto(f"{base}/c/{client.slug}/evaluations/")
    expect(page.locator("#evaluations")).to_contain_text("81.25 %")
    page.click("#evaluations >> text=CALL-4711")
    expect(page.locator("#evaluation-score")).to_have_text("81.25 %")
    expect(page.locator(".eval-dispute")).to_contain_text(
        "Fixed on the call, but the caller repeated the order id."
    )
    expect(page.locator(".eval-changes")).to_contain_text("Resolves the issue: 2 → 4")
    expect(page.locator("#timeline")).to_contain_text("Quinn QA: partly accepted")
    _both_widths(page, "evaluation-4-agent-history")
    page.click("button:has-text('Acknowledge')")
    expect(page.locator("h1 .badge")).to_have_text("Acknowledged")
