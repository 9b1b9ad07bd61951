"""A QA analyst finishes scoring a calibration session in the browser and reads the agreement
table, on a desktop and on a phone (screenshots ``calibration-session-1280``/``-390``)."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from playwright.sync_api import expect

from bpo.accounts.roles import Role
from bpo.quality.services import calibration
from tests.browser.conftest import open_menu, screenshot
from tests.catalog.factories import ServiceLineFactory
from tests.conftest import make_user
from tests.factories import DEMO_TEST_PASSWORD
from tests.quality.helpers import answers_of, make_interaction, make_scorecard

# CONTACT_SECTIONS: greets, verifies | resolves (1-5), steps (of 4), survey (N/A), delights
ANSWERS = {
    "expert": [
        ["yes", "yes", "5", "4", "yes", "no"],
        ["no", "yes", "3", "2", "na", "no"],
        ["yes", "yes", "4", "3", "yes", "yes"],
        ["yes", "no", "2", "1", "no", "no"],
    ],
    "am": [
        ["yes", "yes", "5", "4", "yes", "no"],
        ["no", "yes", "3", "3", "na", "no"],
        ["yes", "yes", "4", "3", "yes", "no"],
        ["yes", "no", "1", "1", "no", "no"],
    ],
    "admin": [
        ["yes", "yes", "4", "4", "yes", "yes"],
        ["yes", "yes", "4", "2", "yes", "no"],
        ["yes", "yes", "5", "4", "yes", "yes"],
        ["no", "yes", "3", "2", "no", "no"],
    ],
}


def _submit(session, version, user, interaction, texts):
    evaluation = calibration.calibration_evaluation(
        session=session, interaction_id=interaction.pk, actor=user
    )
    calibration.save_calibration_score(
        session=session,
        evaluation=evaluation,
        answers=answers_of(version, texts),
        overall_comment="",
        submit=True,
        actor=user,
    )


@pytest.mark.live
@pytest.mark.browser
def test_a_qa_analyst_scores_and_reads_the_agreement(live_server, page, live_client_factory):
    # given a session of three participants over four calls, all scored but the expert's last
    client = live_client_factory("calibration-co", name="Calibration Co")
    qa = make_user(Role.QA_ANALYST, client, email="qa@calibration.test", full_name="Ana Quality")
    am = make_user(Role.ACCOUNT_MANAGER, client, email="am@calibration.test", full_name="Ben Able")
    admin = make_user(
        Role.CLIENT_ADMIN, client, email="admin@calibration.test", full_name="Cleo Client"
    )
    connection.set_tenant(client)
    line = ServiceLineFactory(name="Billing support")
    _, version = make_scorecard(qa, service_line=line, publish=True)
    calls = [make_interaction(line, reference=f"CALL-10{n}") for n in range(1, 5)]
    session = calibration.create_calibration_session(
        client=client,
        title="December billing calls",
        scorecard_version=version,
        interactions=calls,
        participant_ids=[qa.pk, am.pk, admin.pk],
        expert_id=qa.pk,
        actor=qa,
    )
    for key, user in (("expert", qa), ("am", am), ("admin", admin)):
        for index, call in enumerate(calls):
            if key == "expert" and index == 3:
                continue
            _submit(session, version, user, call, ANSWERS[key][index])
    criteria = [c for s in version.sections.all() for c in s.criteria.all()]
    connection.set_schema_to_public()

    # when the expert logs in, finds the session on their home and scores the last call
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", qa.email)
    page.fill("#id_password", DEMO_TEST_PASSWORD)
    page.click("button:has-text('Log in')")
    page.click("text=Score the calibration session “December billing calls”")
    expect(page.locator("h1")).to_contain_text("December billing calls")
    page.click("text=Score CALL-104")
    typed = dict(
        zip(
            ["greets", "verifies", "resolves", "steps", "survey", "delights"], criteria, strict=True
        )
    )
    page.select_option(f"#id_c{typed['greets'].pk}", "yes")
    page.select_option(f"#id_c{typed['verifies'].pk}", "no")
    page.select_option(f"#id_c{typed['resolves'].pk}", "2")
    page.fill(f"#id_c{typed['steps'].pk}", "1")
    page.select_option(f"#id_c{typed['survey'].pk}", "no")
    page.select_option(f"#id_c{typed['delights'].pk}", "no")
    page.click("button:has-text('Submit (final)')")

    # then the session shows the agreement per criterion and per evaluator, in words
    expect(page).to_have_url(re.compile(rf"/calibrations/{session.pk}/$"))
    expect(page.locator(".messages")).to_contain_text("never in the QA score")
    table = page.locator("#agreement-criteria")
    expect(table).to_contain_text("Greets with the brand's name")
    expect(page.locator("#overall-alpha")).to_contain_text("95 % CI")
    expect(page.locator("#agreement-evaluators")).to_contain_text("Ben Able")
    expect(page.locator("#agreement-evaluators")).to_contain_text("the reference")
    screenshot(page, "calibration-session-1280")

    # and on a phone the tables stack into lines
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    open_menu(page)
    expect(page.locator("#agreement-criteria")).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways on a phone ({width} px)"
    screenshot(page, "calibration-session-390")
