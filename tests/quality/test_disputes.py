"""After scoring: release, acknowledgement, disputes raised within the window (by whom), and
decisions that correct answers, recalculate the score and keep the history."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from bpo.accounts.roles import Role
from bpo.audit.models import LogEntry
from bpo.errors import ConflictError, DomainError, NotFoundError, PermissionDeniedError
from bpo.quality.models import Dispute, Evaluation, EvaluationStatus
from bpo.quality.services import disputes, releases
from tests.catalog.factories import ServiceLineFactory
from tests.conftest import make_user
from tests.quality.helpers import make_interaction, make_scorecard, submit_evaluation
from tests.roster.factories import AgentFactory

pytestmark = pytest.mark.django_db

# CONTACT_SECTIONS: greets (y/n), verifies (y/n, auto-fail, weight 0) | resolves (1-5, w2),
# steps (points of 4), survey (y/n, N/A allowed), delights (bonus)
# Resolves 2 of 5 (1/4), steps 2 of 4: resolution (2 * 1/4 + 1/2 + 1) / 4 = 50 %;
# (1 * 100 + 3 * 50) / 4 = 62.50 %.
MIXED = ["yes", "yes", "2", "2", "yes", "no"]


@pytest.fixture
def qa(client_a):
    user = make_user(Role.QA_ANALYST, client_a, email="qa@disputes.test")
    connection.set_tenant(client_a)
    return user


@pytest.fixture
def agent_user(client_a):
    user = make_user(Role.AGENT, client_a, email="agent@disputes.test")
    connection.set_tenant(client_a)
    return user


@pytest.fixture
def agent(agent_user):
    return AgentFactory(user=agent_user, full_name="Ana Agent")


@pytest.fixture
def version(qa):
    return make_scorecard(qa, service_line=ServiceLineFactory(), publish=True)[1]


@pytest.fixture
def evaluation(qa, version, agent):
    line = version.scorecard.service_line
    return submit_evaluation(version, make_interaction(line, agent=agent), qa, MIXED)


@pytest.fixture
def released(qa, evaluation):
    return releases.release_evaluation(evaluation=evaluation, actor=qa)


def _criterion(version, text):
    return next(c for s in version.sections.all() for c in s.criteria.all() if c.text == text)


def test_release_shows_a_submitted_evaluation_once(qa, evaluation):
    # when
    released = releases.release_evaluation(evaluation=evaluation, actor=qa)
    # then
    stored = Evaluation.objects.get(pk=evaluation.pk)
    assert stored.status == EvaluationStatus.RELEASED
    assert stored.released_at is not None
    assert abs(stored.released_at - timezone.now()) < timedelta(minutes=1)
    assert released.status == EvaluationStatus.RELEASED
    with pytest.raises(ConflictError, match="released already"):
        releases.release_evaluation(evaluation=evaluation, actor=qa)
    entry = LogEntry.objects.filter(
        content_type__model="evaluation", object_id=evaluation.pk
    ).latest("pk")
    assert entry.actor_id == qa.pk and "released_at" in entry.changes_dict


def test_a_draft_is_not_released(qa, version):
    from bpo.quality.services import evaluations

    draft = evaluations.start_evaluation(
        interaction=make_interaction(version.scorecard.service_line, reference="D-1"),
        scorecard_version=version,
        evaluator=qa,
        actor=qa,
    )
    with pytest.raises(ConflictError, match="Submit the evaluation first"):
        releases.release_evaluation(evaluation=draft, actor=qa)
    assert Evaluation.objects.get(pk=draft.pk).released_at is None


def test_only_the_evaluated_agent_acknowledges(client_a, released, agent_user):
    colleague = make_user(Role.AGENT, client_a, email="colleague@disputes.test")
    connection.set_tenant(client_a)
    AgentFactory(user=colleague)
    with pytest.raises(PermissionDeniedError, match="Only the evaluated agent"):
        releases.acknowledge_evaluation(evaluation=released, actor=colleague)
    assert Evaluation.objects.get(pk=released.pk).status == EvaluationStatus.RELEASED
    # when the agent acknowledges
    releases.acknowledge_evaluation(evaluation=released, actor=agent_user)
    stored = Evaluation.objects.get(pk=released.pk)
    assert stored.status == EvaluationStatus.ACKNOWLEDGED and stored.acknowledged_at is not None
    with pytest.raises(ConflictError, match="acknowledged; nothing to do"):
        releases.acknowledge_evaluation(evaluation=released, actor=agent_user)


def test_a_submitted_evaluation_is_not_acknowledged_before_release(evaluation, agent_user):
    with pytest.raises(ConflictError, match="submitted"):
        releases.acknowledge_evaluation(evaluation=evaluation, actor=agent_user)


def test_the_agent_disputes_one_criterion_within_the_window(
    client_a, released, agent_user, version
):
    resolves = _criterion(version, "Resolves the issue")
    # when
    dispute = disputes.raise_dispute(
        evaluation=released,
        criterion_id=str(resolves.pk),
        reason="The customer's problem was solved on the call.",
        actor=agent_user,
        client=client_a,
    )
    # then
    stored = Dispute.objects.get(pk=dispute.pk)
    assert (stored.status, stored.criterion_id, stored.raised_by_id) == (
        "open",
        resolves.pk,
        agent_user.pk,
    )
    assert stored.score_before == Decimal("62.50")
    assert Evaluation.objects.get(pk=released.pk).status == EvaluationStatus.DISPUTED


def test_a_second_open_dispute_is_refused(client_a, released, agent_user, client_a_admin):
    disputes.raise_dispute(evaluation=released, reason="Unfair.", actor=agent_user, client=client_a)
    connection.set_tenant(client_a)
    with pytest.raises(ConflictError, match="waits for a decision already"):
        disputes.raise_dispute(
            evaluation=released, reason="Also unfair.", actor=client_a_admin, client=client_a
        )
    assert Dispute.objects.filter(evaluation=released).count() == 1


def test_a_dispute_after_the_window_is_refused_in_words(client_a, released, agent_user):
    # given the evaluation was released 8 days ago (the window is 7 days)
    Evaluation.objects.filter(pk=released.pk).update(released_at=timezone.now() - timedelta(days=8))
    # when / then
    with pytest.raises(ConflictError) as caught:
        disputes.raise_dispute(
            evaluation=released, reason="Too late?", actor=agent_user, client=client_a
        )
    assert "The dispute window closed on" in caught.value.message
    assert "7 days after the evaluation was released" in caught.value.message
    assert not Dispute.objects.exists()
    # a longer window on the scorecard opens it again
    released.scorecard_version.scorecard.__class__.objects.filter(
        pk=released.scorecard_version.scorecard_id
    ).update(dispute_window_days=10)
    disputes.raise_dispute(
        evaluation=released, reason="In time now.", actor=agent_user, client=client_a
    )
    assert Dispute.objects.count() == 1


def test_only_a_released_evaluation_is_disputed(client_a, evaluation, client_a_admin):
    connection.set_tenant(client_a)
    with pytest.raises(ConflictError, match="Only a released evaluation"):
        disputes.raise_dispute(
            evaluation=evaluation, reason="Not yet.", actor=client_a_admin, client=client_a
        )


def test_who_may_raise_a_dispute_of_this_evaluation(client_a, released, client_a_admin, qa):
    # another agent: the evaluation does not exist for them
    other = make_user(Role.AGENT, client_a, email="other@disputes.test")
    connection.set_tenant(client_a)
    AgentFactory(user=other)
    with pytest.raises(NotFoundError):
        disputes.raise_dispute(evaluation=released, reason="x", actor=other, client=client_a)
    # a QA analyst does not dispute
    with pytest.raises(PermissionDeniedError):
        disputes.raise_dispute(evaluation=released, reason="x", actor=qa, client=client_a)
    # the client's admin may, about any of the client's evaluations; a reason is needed
    with pytest.raises(DomainError) as caught:
        disputes.raise_dispute(
            evaluation=released, reason=" ", actor=client_a_admin, client=client_a
        )
    assert caught.value.fields == {"reason": ["Say why you dispute it."]}
    with pytest.raises(DomainError) as caught:
        disputes.raise_dispute(
            evaluation=released,
            reason="Wrong",
            criterion_id="987654",
            actor=client_a_admin,
            client=client_a,
        )
    assert "criterion" in caught.value.fields
    connection.set_tenant(client_a)
    disputes.raise_dispute(
        evaluation=released, reason="Wrong", actor=client_a_admin, client=client_a
    )
    assert Dispute.objects.get().raised_by_id == client_a_admin.pk


@pytest.fixture
def disputed(client_a, released, agent_user, version):
    resolves = _criterion(version, "Resolves the issue")
    return disputes.raise_dispute(
        evaluation=released,
        criterion_id=resolves.pk,
        reason="Solved on the call.",
        actor=agent_user,
        client=client_a,
    )


def test_a_partial_decision_recalculates_the_score_and_keeps_both(qa, disputed, version):
    resolves = _criterion(version, "Resolves the issue")
    # when: resolves 2 -> 4 (the agent asked for more; partly accepted)
    decided = disputes.decide_dispute(
        dispute=disputed,
        decision="partial",
        reason="Solved, but the caller had to repeat the order number.",
        changes={str(resolves.pk): "4"},
        actor=qa,
    )
    # then: resolution (2 * 3/4 + 1/2 + 1) / 4 = 75 %; (100 + 3 * 75) / 4 = 81.25 %: a pass
    stored = Dispute.objects.get(pk=decided.pk)
    assert (stored.status, stored.decided_by_id) == ("partial", qa.pk)
    assert (stored.score_before, stored.score_after) == (Decimal("62.50"), Decimal("81.25"))
    assert stored.answer_changes == [
        {"criterion": resolves.pk, "text": "Resolves the issue", "before": "2", "after": "4"}
    ]
    evaluation = Evaluation.objects.get(pk=disputed.evaluation_id)
    assert (evaluation.status, evaluation.score_percent, evaluation.is_passed) == (
        EvaluationStatus.RELEASED,
        Decimal("81.25"),
        True,
    )
    assert evaluation.answers.get(criterion=resolves).value == 4
    # the history names the answer's change and the decision, by the decider
    changed = LogEntry.objects.filter(
        content_type__model="evaluationanswer", additional_data__evaluation=evaluation.pk
    ).latest("pk")
    assert changed.actor_id == qa.pk and changed.changes_dict["value"] == ["2", "4"]
    with pytest.raises(ConflictError, match="decided already"):
        disputes.decide_dispute(dispute=disputed, decision="rejected", reason="x", actor=qa)


def test_a_rejection_changes_nothing_and_needs_a_reason(qa, disputed, version):
    resolves = _criterion(version, "Resolves the issue")
    with pytest.raises(DomainError) as caught:
        disputes.decide_dispute(
            dispute=disputed,
            decision="rejected",
            reason="",
            changes={str(resolves.pk): "5"},
            actor=qa,
        )
    assert set(caught.value.fields) == {"decision_reason", "changes"}
    decided = disputes.decide_dispute(
        dispute=disputed, decision="rejected", reason="Scored by the guidance.", actor=qa
    )
    assert (decided.score_before, decided.score_after, decided.answer_changes) == (
        Decimal("62.50"),
        Decimal("62.50"),
        [],
    )
    assert Evaluation.objects.get(pk=disputed.evaluation_id).status == "released"


def test_an_acceptance_corrects_the_disputed_criterion(qa, disputed, version):
    resolves = _criterion(version, "Resolves the issue")
    greets = _criterion(version, "Greets with the brand's name")
    # an acceptance that leaves the disputed criterion as it was is refused, by field
    with pytest.raises(DomainError) as caught:
        disputes.decide_dispute(
            dispute=disputed,
            decision="accepted",
            reason="Yes.",
            changes={str(greets.pk): "no", str(resolves.pk): "2"},
            actor=qa,
        )
    assert f"changes.{resolves.pk}" in caught.value.fields
    # an answer that does not fit the scale, by field
    with pytest.raises(DomainError) as caught:
        disputes.decide_dispute(
            dispute=disputed,
            decision="accepted",
            reason="Yes.",
            changes={str(resolves.pk): "9"},
            actor=qa,
        )
    assert caught.value.fields == {f"changes.{resolves.pk}": ["Answer from 1 to 5."]}
    decided = disputes.decide_dispute(
        dispute=disputed,
        decision="accepted",
        reason="Solved first time.",
        changes={str(resolves.pk): "5"},
        actor=qa,
    )
    # resolution (2 + 1/2 + 1) / 4 = 87.5 %; (100 + 3 * 87.5) / 4 = 90.63 % (half up)
    assert decided.score_after == Decimal("90.63")


def test_a_decision_of_an_acknowledged_evaluation_returns_it_acknowledged(
    client_a, qa, released, agent_user
):
    releases.acknowledge_evaluation(evaluation=released, actor=agent_user)
    dispute = disputes.raise_dispute(
        evaluation=released, reason="On second thought.", actor=agent_user, client=client_a
    )
    disputes.decide_dispute(dispute=dispute, decision="rejected", reason="No.", actor=qa)
    assert Evaluation.objects.get(pk=released.pk).status == EvaluationStatus.ACKNOWLEDGED
