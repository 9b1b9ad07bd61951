"""The evaluation pages: who sees which evaluation, a new evaluation, the scoring form with its
errors next to each criterion (nothing lost), release, acknowledge, dispute and decide, the
history both sides read, the list's filters and its pinned query count, the navigation."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bpo.accounts.roles import Role
from bpo.quality.models import Dispute, Evaluation, EvaluationStatus, Interaction
from bpo.quality.services import evaluations, releases
from tests.catalog.factories import ServiceLineFactory
from tests.catalog.roles import ROLES
from tests.conftest import in_schema, make_user
from tests.quality.helpers import make_interaction, make_scorecard, submit_evaluation
from tests.roster.factories import AgentFactory

pytestmark = pytest.mark.django_db

READERS = {
    "provider_admin",
    "account_manager",
    "qa_analyst",
    "agent",
    "client_admin",
    "client_viewer",
}
EVALUATORS = {"provider_admin", "account_manager", "qa_analyst"}
MIXED = ["yes", "yes", "2", "2", "yes", "no"]  # 62.50 %


@pytest.fixture
def qa(client_a):
    return make_user(Role.QA_ANALYST, client_a, email="qa@evalpages.test", full_name="Quinn QA")


@pytest.fixture
def agent_user(client_a):
    return make_user(Role.AGENT, client_a, email="ana@evalpages.test", full_name="Ana Agent")


@pytest.fixture
def world(client_a, qa, agent_user):
    """A published scorecard of a line, Ana's released evaluation, Ana's draft, and a
    colleague's released evaluation."""
    in_schema(client_a)
    line = ServiceLineFactory(name="Order support")
    _card, version = make_scorecard(qa, service_line=line, publish=True)
    ana = AgentFactory(user=agent_user, full_name="Ana Agent")
    ben = AgentFactory(full_name="Ben Colleague")
    released = submit_evaluation(
        version, make_interaction(line, reference="ANA-1", agent=ana), qa, MIXED
    )
    releases.release_evaluation(evaluation=released, actor=qa)
    draft = evaluations.start_evaluation(
        interaction=make_interaction(line, reference="ANA-DRAFT", agent=ana),
        scorecard_version=version,
        evaluator=qa,
        actor=qa,
    )
    colleague = submit_evaluation(
        version, make_interaction(line, reference="BEN-1", agent=ben), qa, MIXED
    )
    releases.release_evaluation(evaluation=colleague, actor=qa)
    criteria = [c for s in version.sections.all() for c in s.criteria.all()]
    connection.set_schema_to_public()
    return {
        "criteria": criteria,
        "line": line,
        "version": version,
        "ana": ana,
        "released": released,
        "draft": draft,
        "colleague": colleague,
    }


def _url(client, name, *args):
    return reverse(f"client:{name}", args=[client.slug, *args])


@pytest.mark.parametrize("role", ROLES)
def test_who_reads_and_who_scores(client, client_a, world, role):
    user = make_user(role, client_a, email=f"{role}@evalpages.test")
    client.force_login(user)
    assert client.get(_url(client_a, "evaluations")).status_code == (
        200 if role in READERS else 403
    )
    assert client.get(_url(client_a, "evaluation_create")).status_code == (
        200 if role in EVALUATORS else 403
    )
    assert client.get(_url(client_a, "disputes")).status_code == (200 if role in READERS else 403)


def test_an_agent_sees_only_their_own_released_evaluations(client, client_a, world, agent_user):
    client.force_login(agent_user)
    html = client.get(_url(client_a, "evaluations")).content.decode()
    assert "ANA-1" in html
    assert "ANA-DRAFT" not in html and "BEN-1" not in html
    assert "My evaluations" in html
    assert client.get(_url(client_a, "evaluation", world["released"].pk)).status_code == 200
    # a draft of theirs and a colleague's evaluation do not exist for them
    assert client.get(_url(client_a, "evaluation", world["draft"].pk)).status_code == 404
    assert client.get(_url(client_a, "evaluation", world["colleague"].pk)).status_code == 404


def test_the_client_sees_released_evaluations_and_qa_sees_all(
    client, client_a, world, client_a_viewer, qa
):
    client.force_login(client_a_viewer)
    html = client.get(_url(client_a, "evaluations")).content.decode()
    assert "ANA-1" in html and "BEN-1" in html and "ANA-DRAFT" not in html
    assert client.get(_url(client_a, "evaluation", world["draft"].pk)).status_code == 404
    client.force_login(qa)
    html = client.get(_url(client_a, "evaluations")).content.decode()
    assert "ANA-DRAFT" in html


def test_the_list_filters_and_its_query_count_is_pinned(client, client_a, world, qa):
    client.force_login(qa)
    html = client.get(
        _url(client_a, "evaluations") + f"?agent={world['ana'].pk}&status=released"
    ).content.decode()
    assert "ANA-1" in html and "ANA-DRAFT" not in html and "BEN-1" not in html
    week = world["released"].week_starts_on + timedelta(days=2)
    html = client.get(_url(client_a, "evaluations") + f"?week={week.isoformat()}").content.decode()
    assert "ANA-1" in html
    html = client.get(_url(client_a, "evaluations") + "?week=2020-01-01").content.decode()
    assert "No evaluation matches these filters." in html
    # more rows cost no more queries
    client.get(_url(client_a, "evaluations"))
    with CaptureQueriesContext(connection) as few:
        client.get(_url(client_a, "evaluations"))
    in_schema(client_a)
    for number in range(6):
        submit_evaluation(
            world["version"],
            make_interaction(world["line"], reference=f"MORE-{number}", agent=AgentFactory()),
            qa,
            MIXED,
        )
    connection.set_schema_to_public()
    with CaptureQueriesContext(connection) as many:
        response = client.get(_url(client_a, "evaluations"))
    assert "MORE-5" in response.content.decode()
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]
    # session, user, memberships, the three filters' choices, count, the switcher, the page
    # (and a search_path reset before each): 10 queries, whatever the number of rows
    real = [q for q in many.captured_queries if not q["sql"].startswith("SET search_path")]
    assert len(real) == 10, "\n".join(q["sql"][:150] for q in real)


def test_a_new_evaluation_is_scored_with_errors_next_to_each_criterion(client, client_a, world, qa):
    client.force_login(qa)
    # the refused interaction says why, next to the field, keeping what was typed
    response = client.post(
        _url(client_a, "evaluation_create"),
        {
            "service_line": world["line"].pk,
            "scorecard_version": world["version"].pk,
            "reference": "",
            "channel": "voice",
            "occurred_at": "2026-12-01T09:30",
            "agent": world["ana"].pk,
        },
    )
    assert response.status_code == 400
    assert "Give the interaction&#x27;s id in your system." in response.content.decode()
    # when the interaction is complete
    response = client.post(
        _url(client_a, "evaluation_create"),
        {
            "service_line": world["line"].pk,
            "scorecard_version": world["version"].pk,
            "reference": "CALL-77",
            "channel": "voice",
            "occurred_at": "2026-12-01T09:30",
            "link": "https://crm.example/77",
            "agent": world["ana"].pk,
        },
    )
    assert response.status_code == 302
    in_schema(client_a)
    evaluation = Evaluation.objects.get(interaction__reference="CALL-77")
    interaction = Interaction.objects.get(reference="CALL-77")
    # 09:30 in the client's zone
    local = interaction.occurred_at.astimezone(ZoneInfo(client_a.time_zone))
    assert (local.date().isoformat(), local.hour, local.minute) == ("2026-12-01", 9, 30)
    assert interaction.link == "https://crm.example/77"
    assert (evaluation.status, evaluation.evaluator_id, evaluation.agent_id) == (
        "draft",
        qa.pk,
        world["ana"].pk,
    )
    connection.set_schema_to_public()
    score_url = _url(client_a, "evaluation_score", evaluation.pk)
    assert response.url == score_url
    page = client.get(score_url).content.decode()
    assert "Name and postcode." in page  # the guidance text
    assert 'value="na"' in page  # N/A where allowed (the survey) ...
    assert page.count('value="na"') == 1  # ... and only there
    greets, verifies, resolves, steps, survey, delights = world["criteria"]
    # when submitted with a missing answer and one that does not fit
    typed = {
        f"c{greets.pk}": "yes",
        f"c{greets.pk}_comment": "Warm greeting",
        f"c{resolves.pk}": "7",
        f"c{steps.pk}": "3",
        "overall_comment": "Good call",
        "action": "submit",
    }
    response = client.post(score_url, typed)
    html = response.content.decode()
    assert response.status_code == 400
    assert "Answer from 1 to 5." in html
    assert "Answer this criterion." in html
    assert "Warm greeting" in html and "Good call" in html  # nothing lost
    assert f'name="c{steps.pk}" value="3" checked' in html
    in_schema(client_a)
    assert Evaluation.objects.get(pk=evaluation.pk).status == "draft"
    connection.set_schema_to_public()
    # a draft keeps a partial answer
    response = client.post(score_url, {**typed, f"c{resolves.pk}": "", "action": "save"})
    assert response.status_code == 302
    in_schema(client_a)
    assert evaluation.answers.get(criterion=greets).comment == "Warm greeting"
    connection.set_schema_to_public()
    # submit and release at once
    answers = {
        f"c{greets.pk}": "yes",
        f"c{verifies.pk}": "yes",
        f"c{resolves.pk}": "2",
        f"c{steps.pk}": "2",
        f"c{survey.pk}": "na",
        f"c{delights.pk}": "no",
    }
    response = client.post(score_url, {**answers, "action": "submit_release"})
    assert response.status_code == 302
    in_schema(client_a)
    stored = Evaluation.objects.get(pk=evaluation.pk)
    # resolution (2 * 1/4 + 1/2) / 3 = 33.33 %; (100 + 3 * 33.33) / 4 = 50 %
    assert (stored.status, str(stored.score_percent)) == ("released", "50.00")
    connection.set_schema_to_public()
    html = client.get(_url(client_a, "evaluation", evaluation.pk)).content.decode()
    assert "50.00 %" in html and "33.33 %" in html  # overall and the section
    assert "Below the pass mark of 80 %" in html
    assert client.get(score_url).status_code == 302  # no longer editable


def test_the_live_preview_scores_without_storing(client, client_a, world, qa):
    client.force_login(qa)
    greets, verifies, resolves, steps, survey, delights = world["criteria"]
    url = _url(client_a, "evaluation_score", world["draft"].pk)
    answers = {
        f"c{greets.pk}": "yes",
        f"c{verifies.pk}": "yes",
        f"c{resolves.pk}": "5",
        f"c{steps.pk}": "4",
        f"c{survey.pk}": "yes",
        f"c{delights.pk}": "no",
        "action": "preview",
    }
    response = client.post(url, answers, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "100.00 %" in response.content.decode()
    response = client.post(url, {**answers, f"c{steps.pk}": ""}, HTTP_HX_REQUEST="true")
    assert "1 criterion to answer" in response.content.decode()
    in_schema(client_a)
    assert not world["draft"].answers.exists()


def test_release_acknowledge_dispute_and_decide_through_the_pages(
    client, client_a, world, qa, agent_user
):
    greets, _verifies, resolves, *_ = world["criteria"]
    in_schema(client_a)
    submitted = submit_evaluation(
        world["version"],
        make_interaction(world["line"], reference="ANA-2", agent=world["ana"]),
        qa,
        MIXED,
    )
    connection.set_schema_to_public()
    detail = _url(client_a, "evaluation", submitted.pk)
    # the agent does not see it before release
    client.force_login(agent_user)
    assert client.get(detail).status_code == 404
    # the analyst releases it
    client.force_login(qa)
    assert "Release to the agent" in client.get(detail).content.decode()
    assert client.post(_url(client_a, "evaluation_release", submitted.pk)).status_code == 302
    # the agent disputes one criterion, with a reason
    client.force_login(agent_user)
    html = client.get(detail).content.decode()
    assert "Acknowledge" in html and "Dispute this" in html
    dispute_url = _url(client_a, "evaluation_dispute", submitted.pk)
    response = client.post(dispute_url, {"criterion": resolves.pk, "reason": ""})
    assert response.status_code == 400 and "Say why you dispute it." in response.content.decode()
    response = client.post(dispute_url, {"criterion": resolves.pk, "reason": "Solved on the call."})
    assert response.status_code == 302
    in_schema(client_a)
    dispute = Dispute.objects.get(evaluation=submitted)
    connection.set_schema_to_public()
    # a second one is refused in words
    response = client.post(dispute_url, {"reason": "Again"}, follow=True)
    assert "waits for a decision already" in response.content.decode()
    # the analyst decides: partly accepted, resolves 2 -> 4
    client.force_login(qa)
    decide = _url(client_a, "dispute_decide", submitted.pk, dispute.pk)
    page = client.get(decide).content.decode()
    assert "Solved on the call." in page
    response = client.post(decide, {"decision": "partial", "decision_reason": ""})
    html = response.content.decode()
    assert response.status_code == 400
    assert "Give the reason of the decision" in html
    response = client.post(
        decide,
        {
            "decision": "partial",
            "decision_reason": "Solved, but the order number was asked twice.",
            f"c{resolves.pk}": "4",
            f"c{greets.pk}": "yes",  # unchanged: not a change
        },
    )
    assert response.status_code == 302
    in_schema(client_a)
    dispute.refresh_from_db()
    assert (dispute.status, str(dispute.score_before), str(dispute.score_after)) == (
        "partial",
        "62.50",
        "81.25",
    )
    assert [c["criterion"] for c in dispute.answer_changes] == [resolves.pk]
    connection.set_schema_to_public()
    # both sides read the history and the new score
    for reader in (agent_user, qa):
        client.force_login(reader)
        html = client.get(detail).content.decode()
        assert "81.25 %" in html
        assert "Solved on the call." in html
        assert "Solved, but the order number was asked twice." in html
        assert "Partly accepted" in html
        assert "62.50 %</strong> → <strong>81.25 %" in html
    # the agent acknowledges it now
    client.force_login(agent_user)
    assert client.post(_url(client_a, "evaluation_acknowledge", submitted.pk)).status_code == 302
    in_schema(client_a)
    assert Evaluation.objects.get(pk=submitted.pk).status == EvaluationStatus.ACKNOWLEDGED


def test_an_agent_cannot_acknowledge_a_colleagues_evaluation(client, client_a, world, agent_user):
    client.force_login(agent_user)
    response = client.post(_url(client_a, "evaluation_acknowledge", world["colleague"].pk))
    assert response.status_code == 404
    in_schema(client_a)
    assert Evaluation.objects.get(pk=world["colleague"].pk).status == "released"


def test_the_navigation_links_the_evaluations(client, client_a, world, agent_user, qa):
    client.force_login(agent_user)
    html = client.get(_url(client_a, "evaluations")).content.decode()
    assert f'href="/c/{client_a.slug}/evaluations/">My evaluations</a>' in html
    client.force_login(qa)
    html = client.get(_url(client_a, "evaluations")).content.decode()
    assert f'href="/c/{client_a.slug}/evaluations/">Evaluations</a>' in html
    scheduler = make_user(Role.SCHEDULER, client_a, email="sched@evalpages.test")
    client.force_login(scheduler)
    assert "/evaluations/" not in client.get(f"/c/{client_a.slug}/").content.decode()


def test_an_offboarded_clients_evaluations_are_read_only(client_a, qa, agent_user, client_a_admin):
    from bpo.accounts.permissions import can
    from bpo.accounts.roles import Action

    client_a.status = "offboarded"  # not saved: the rule reads the status
    for user, action in (
        (qa, Action.EVALUATE),
        (qa, Action.DECIDE_DISPUTES),
        (agent_user, Action.ACKNOWLEDGE_EVALUATION),
        (agent_user, Action.RAISE_DISPUTE),
    ):
        assert not can(user, client_a, action), (user.email, action)
    assert can(qa, client_a, Action.VIEW_EVALUATIONS)


def test_an_agent_without_a_roster_row_sees_no_evaluation(client, client_a, world):
    unlinked = make_user(Role.AGENT, client_a, email="unlinked@evalpages.test")
    client.force_login(unlinked)
    html = client.get(_url(client_a, "evaluations")).content.decode()
    assert "No evaluation of yours has been released yet." in html
    assert client.get(_url(client_a, "evaluation", world["released"].pk)).status_code == 404
