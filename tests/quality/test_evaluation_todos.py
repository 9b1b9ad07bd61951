"""QA's to-dos: the analyst's evaluations to score (overdue by due date) and disputes to
decide, the agent's released evaluations to acknowledge, the client admin's answered disputes
and released evaluations; read in bulk across clients."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bpo.accounts.roles import Role
from bpo.portal.todos import todos_for
from bpo.quality.models import Dispute
from bpo.quality.services import disputes, evaluations, releases
from tests.catalog.factories import ServiceLineFactory
from tests.conftest import in_schema, make_user
from tests.factories import MembershipFactory
from tests.quality.helpers import make_interaction, make_scorecard, submit_evaluation
from tests.roster.factories import AgentFactory

pytestmark = pytest.mark.django_db
MIXED = ["yes", "yes", "2", "2", "yes", "no"]


def _qa_kinds(todos):
    return sorted(
        (t.kind, t.title, t.detail) for t in todos if t.kind.startswith(("evaluation", "dispute"))
    )


@pytest.fixture
def qa(client_a):
    return make_user(Role.QA_ANALYST, client_a, email="qa@evaltodos.test")


@pytest.fixture
def agent_user(client_a):
    return make_user(Role.AGENT, client_a, email="ana@evaltodos.test")


def _client_world(client, qa, agent_user):
    """In ``client``: two evaluations assigned to ``qa`` (one overdue), a released one of the
    agent, and a released one disputed by the agent."""
    in_schema(client)
    line = ServiceLineFactory(name=f"Line of {client.slug}")
    _card, version = make_scorecard(qa, service_line=line, publish=True)
    agent = (
        AgentFactory(user=agent_user)
        if not hasattr(agent_user, "roster_agent")
        else agent_user.roster_agent
    )
    today = timezone.now().date()
    for reference, due in (
        ("DUE-1", today - timedelta(days=2)),
        ("DUE-2", today + timedelta(days=3)),
    ):
        evaluations.start_evaluation(
            interaction=make_interaction(line, reference=reference),
            scorecard_version=version,
            evaluator=qa,
            actor=qa,
            due_on=due,
        )
    released = submit_evaluation(
        version, make_interaction(line, reference="REL-1", agent=agent), qa, MIXED
    )
    releases.release_evaluation(evaluation=released, actor=qa)
    disputed = submit_evaluation(
        version, make_interaction(line, reference="DIS-1", agent=agent), qa, MIXED
    )
    releases.release_evaluation(evaluation=disputed, actor=qa)
    dispute = disputes.raise_dispute(
        evaluation=disputed, reason="Solved on the call.", actor=agent_user, client=client
    )
    connection.set_schema_to_public()
    return dispute


def test_the_analyst_scores_what_is_assigned_and_decides_disputes(client_a, qa, agent_user):
    _client_world(client_a, qa, agent_user)
    todos = todos_for(user=qa, clients=[client_a])
    assert sorted((t.kind, t.priority) for t in todos) == [
        ("dispute_to_decide", 2),
        ("evaluations_to_score", 2),  # one is overdue
    ]
    by_kind = {t.kind: t for t in todos}
    score = by_kind["evaluations_to_score"]
    assert score.title == "Score 2 evaluations assigned to you"
    assert score.detail.startswith("1 overdue; the first was due on ")
    assert f"evaluator={qa.pk}" in score.url
    decide = by_kind["dispute_to_decide"]
    assert decide.title.startswith("Decide the dispute of DIS-1")
    assert "Solved on the call." in decide.detail
    assert decide.url.endswith("/decide/")
    # another analyst has nothing to score; the agent and the client admin see their own
    other = make_user(Role.QA_ANALYST, client_a, email="other@evaltodos.test")
    assert [t.kind for t in todos_for(user=other, clients=[client_a])] == ["dispute_to_decide"]


def test_the_agent_acknowledges_released_evaluations(client_a, qa, agent_user):
    _client_world(client_a, qa, agent_user)
    todos = todos_for(user=agent_user, clients=[client_a])
    assert _qa_kinds(todos) == [
        (
            "evaluation_to_acknowledge",
            "Read and acknowledge your evaluation of REL-1",
            "Line of acme-a: 62.50 %. Disagree? You may dispute it within the scorecard's window.",
        )
    ]


def test_the_client_admin_reads_answered_disputes_and_released_evaluations(
    client_a, qa, agent_user, client_a_admin
):
    dispute = _client_world(client_a, qa, agent_user)
    titles = [t.title for t in todos_for(user=client_a_admin, clients=[client_a])]
    assert "2 evaluations released in the last 14 days" in titles
    assert not any(title.startswith("Dispute of") for title in titles)
    # when QA decides
    in_schema(client_a)
    disputes.decide_dispute(
        dispute=Dispute.objects.get(pk=dispute.pk),
        decision="partial",
        reason="Partly.",
        changes={
            str(
                dispute.evaluation.answers.get(criterion__text="Resolves the issue").criterion_id
            ): "4"
        },
        actor=qa,
    )
    connection.set_schema_to_public()
    todos = todos_for(user=client_a_admin, clients=[client_a])
    decided = [t for t in todos if t.kind == "dispute_decided"]
    assert [(t.title, t.detail) for t in decided] == [
        ("Dispute of DIS-1 decided: partly accepted", "Score 62.50 % → 81.25 %; read the reason.")
    ]
    assert decided[0].url.endswith(f"#dispute-{dispute.pk}")


def test_the_todos_cost_the_same_for_two_clients(client_a, client_b, qa, agent_user):
    _client_world(client_a, qa, agent_user)
    MembershipFactory(user=qa, role=Role.QA_ANALYST, client=client_b)
    MembershipFactory(user=agent_user, role=Role.AGENT, client=client_b)
    qa.refresh_from_db()
    from bpo.accounts.permissions import forget_memberships

    forget_memberships(qa)
    with CaptureQueriesContext(connection) as one:
        todos_for(user=qa, clients=[client_a])
    forget_memberships(agent_user)
    _client_world(client_b, qa, agent_user)
    forget_memberships(qa)
    with CaptureQueriesContext(connection) as two:
        todos = todos_for(user=qa, clients=[client_a, client_b])
    scoring = [t for t in todos if t.kind == "evaluations_to_score"]
    assert sorted(t.client.slug for t in scoring) == ["acme-a", "globex-b"]
    assert len(two) == len(one)
