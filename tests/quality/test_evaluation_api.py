"""The evaluation and dispute API: start, answer, submit and release, acknowledge, dispute,
decide; rights per role; an agent's own evaluations only; stored rows checked; client B's
users get 404 for client A's evaluation."""

from __future__ import annotations

import pytest
from django.db import connection

from bpo.accounts.roles import Role
from bpo.quality.models import Dispute, Evaluation
from bpo.quality.services import releases
from tests.catalog.factories import ServiceLineFactory
from tests.catalog.roles import ROLES
from tests.conftest import in_schema, make_user, token_client
from tests.quality.helpers import make_interaction, make_scorecard, submit_evaluation
from tests.roster.factories import AgentFactory

pytestmark = pytest.mark.django_db

BASE = "/api/v1/clients/acme-a/"
READERS = {
    "provider_admin",
    "account_manager",
    "qa_analyst",
    "agent",
    "client_admin",
    "client_viewer",
}
EVALUATORS = {"provider_admin", "account_manager", "qa_analyst"}
MIXED = ["yes", "yes", "2", "2", "yes", "no"]


@pytest.fixture
def qa(client_a):
    return make_user(Role.QA_ANALYST, client_a, email="qa@evalapi.test")


@pytest.fixture
def agent_user(client_a):
    return make_user(Role.AGENT, client_a, email="ana@evalapi.test")


@pytest.fixture
def setup(client_a, qa, agent_user):
    in_schema(client_a)
    line = ServiceLineFactory()
    _card, version = make_scorecard(qa, service_line=line, publish=True)
    criteria = [c for s in version.sections.all() for c in s.criteria.all()]
    ana = AgentFactory(user=agent_user)
    connection.set_schema_to_public()
    return {"line": line, "version": version, "criteria": criteria, "ana": ana}


def test_start_answer_submit_release_acknowledge(client_a, qa, agent_user, setup):
    api = token_client(qa)
    greets, verifies, resolves, steps, survey, delights = setup["criteria"]
    # when started
    response = api.post(
        f"{BASE}evaluations/",
        {
            "service_line": setup["line"].pk,
            "scorecard_version": setup["version"].pk,
            "reference": "CALL-9",
            "channel": "voice",
            "occurred_at": "2026-12-01T09:00:00Z",
            "agent": setup["ana"].pk,
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    evaluation_id = body["id"]
    assert (body["status"], body["interaction"]["reference"], body["evaluator"]) == (
        "draft",
        "CALL-9",
        "qa@evalapi.test",
    )
    # answers change in parts; the others are kept
    url = f"{BASE}evaluations/{evaluation_id}/"
    response = api.put(
        url + "answers/",
        {"answers": [{"criterion": greets.pk, "answer": "yes", "comment": "Warm"}]},
        format="json",
    )
    assert response.status_code == 200, response.json()
    response = api.put(
        url + "answers/",
        {"answers": [{"criterion": resolves.pk, "answer": "2"}], "overall_comment": "Fine"},
        format="json",
    )
    answers = {a["criterion"]: a for a in response.json()["answers"]}
    assert answers[greets.pk]["answer"] == "yes" and answers[greets.pk]["comment"] == "Warm"
    assert answers[resolves.pk]["answer"] == "2"
    # submitting with missing answers names each one
    response = api.post(url + "submit/", {}, format="json")
    assert response.status_code == 400
    fields = response.json()["error"]["fields"]
    assert set(fields) == {f"answers.{c.pk}" for c in (verifies, steps, survey, delights)}
    # the agent sees nothing before release
    assert token_client(agent_user).get(url).status_code == 404
    # submitted and released at once
    rest = [
        {"criterion": verifies.pk, "answer": "yes"},
        {"criterion": steps.pk, "answer": "2"},
        {"criterion": survey.pk, "answer": "yes"},
        {"criterion": delights.pk, "answer": "no"},
    ]
    response = api.post(url + "submit/", {"answers": rest, "release": True}, format="json")
    assert response.status_code == 200, response.json()
    assert (response.json()["status"], response.json()["score_percent"]) == ("released", "62.50")
    assert response.json()["dispute_window_closes_at"] is not None
    # the analyst does not acknowledge; the agent does
    assert api.post(url + "acknowledge/").status_code == 403
    response = token_client(agent_user).post(url + "acknowledge/")
    assert response.status_code == 200 and response.json()["status"] == "acknowledged"
    in_schema(client_a)
    assert Evaluation.objects.get(pk=evaluation_id).acknowledged_at is not None


def test_dispute_and_partial_decision(client_a, qa, agent_user, setup):
    in_schema(client_a)
    evaluation = submit_evaluation(
        setup["version"], make_interaction(setup["line"], agent=setup["ana"]), qa, MIXED
    )
    releases.release_evaluation(evaluation=evaluation, actor=qa)
    connection.set_schema_to_public()
    resolves = setup["criteria"][2]
    agent_api = token_client(agent_user)
    response = agent_api.post(
        f"{BASE}disputes/",
        {"evaluation": evaluation.pk, "criterion": resolves.pk, "reason": "Solved."},
        format="json",
    )
    assert response.status_code == 201, response.json()
    dispute_id = response.json()["id"]
    response = agent_api.post(
        f"{BASE}disputes/", {"evaluation": evaluation.pk, "reason": "Again."}, format="json"
    )
    assert response.status_code == 409
    # the agent does not decide
    decide = f"{BASE}disputes/{dispute_id}/decide/"
    body = {
        "decision": "partial",
        "reason": "Partly right.",
        "changes": [{"criterion": resolves.pk, "answer": "4"}],
    }
    assert agent_api.post(decide, body, format="json").status_code == 403
    response = token_client(qa).post(decide, body, format="json")
    assert response.status_code == 200, response.json()
    assert (
        response.json()["status"],
        response.json()["score_before"],
        response.json()["score_after"],
    ) == ("partial", "62.50", "81.25")
    assert response.json()["answer_changes"] == [
        {"criterion": resolves.pk, "text": "Resolves the issue", "before": "2", "after": "4"}
    ]
    # both sides read it
    detail = agent_api.get(f"{BASE}evaluations/{evaluation.pk}/").json()
    assert (detail["status"], detail["score_percent"]) == ("released", "81.25")
    assert detail["disputes"][0]["decision_reason"] == "Partly right."
    in_schema(client_a)
    assert Dispute.objects.get(pk=dispute_id).decided_by_id == qa.pk


@pytest.mark.parametrize("role", ROLES)
def test_rights_per_role(client_a, qa, setup, role):
    in_schema(client_a)
    evaluation = submit_evaluation(setup["version"], make_interaction(setup["line"]), qa, MIXED)
    connection.set_schema_to_public()
    user = make_user(role, client_a, email=f"{role}@evalapi.test")
    api = token_client(user)
    assert api.get(f"{BASE}evaluations/").status_code == (200 if role in READERS else 403)
    response = api.post(f"{BASE}evaluations/{evaluation.pk}/release/")
    if role in EVALUATORS:
        assert response.status_code == 200
    else:
        assert response.status_code == 403
        in_schema(client_a)
        assert Evaluation.objects.get(pk=evaluation.pk).status == "submitted"


def test_who_sees_which_evaluation_in_the_list(client_a, qa, agent_user, client_a_viewer, setup):
    in_schema(client_a)
    own = submit_evaluation(
        setup["version"],
        make_interaction(setup["line"], reference="OWN", agent=setup["ana"]),
        qa,
        MIXED,
    )
    releases.release_evaluation(evaluation=own, actor=qa)
    submit_evaluation(
        setup["version"],
        make_interaction(setup["line"], reference="HELD", agent=setup["ana"]),
        qa,
        MIXED,
    )
    other = submit_evaluation(
        setup["version"],
        make_interaction(setup["line"], reference="OTHER", agent=AgentFactory()),
        qa,
        MIXED,
    )
    releases.release_evaluation(evaluation=other, actor=qa)
    connection.set_schema_to_public()

    def references(user, query=""):
        rows = token_client(user).get(f"{BASE}evaluations/{query}").json()
        rows = rows["results"] if isinstance(rows, dict) else rows
        return sorted(row["interaction"]["reference"] for row in rows)

    assert references(agent_user) == ["OWN"]
    assert references(client_a_viewer) == ["OTHER", "OWN"]
    assert references(qa) == ["HELD", "OTHER", "OWN"]
    assert references(qa, "?status=submitted") == ["HELD"]
    assert references(qa, f"?agent={setup['ana'].pk}") == ["HELD", "OWN"]


def test_another_clients_users_get_404(client_a, client_b_admin, qa, setup):
    in_schema(client_a)
    evaluation = submit_evaluation(setup["version"], make_interaction(setup["line"]), qa, MIXED)
    releases.release_evaluation(evaluation=evaluation, actor=qa)
    connection.set_schema_to_public()
    api = token_client(client_b_admin)
    assert api.get(f"{BASE}evaluations/{evaluation.pk}/").status_code == 404
    assert api.get("/api/v1/clients/globex-b/evaluations/").json() in (
        [],
        {"count": 0, "next": None, "previous": None, "results": []},
    )
    response = token_client(client_b_admin).get(
        f"/api/v1/clients/globex-b/evaluations/{evaluation.pk}/"
    )
    assert response.status_code == 404
