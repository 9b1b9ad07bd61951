"""Calibration sessions through the services: creating one (every problem at once), inviting
and removing participants, scoring (participants only, while open), the figures stored after
each submitted score and frozen on close, and calibration scores never counting in QA."""

from __future__ import annotations

import pytest
from django.db import connection

from bpo.accounts.roles import Role
from bpo.errors import ConflictError, DomainError, NotFoundError, PermissionDeniedError
from bpo.quality import calibration_selectors as selectors
from bpo.quality import selectors as qa_selectors
from bpo.quality.models import CalibrationStatus, Evaluation, EvaluationStatus
from bpo.quality.services import calibration as services
from tests.catalog.factories import ServiceLineFactory
from tests.conftest import make_user
from tests.quality.helpers import answers_of, make_interaction, make_scorecard

pytestmark = pytest.mark.django_db

# CONTACT_SECTIONS: greets, verifies (auto-fail) | resolves (1-5), steps (of 4), survey (N/A),
# delights (bonus)
PERFECT = ["yes", "yes", "5", "4", "yes", "no"]
HARSH = ["no", "yes", "2", "1", "na", "no"]


@pytest.fixture
def people(client_a):
    qa = make_user(Role.QA_ANALYST, client_a, email="qa@calib.test")
    am = make_user(Role.ACCOUNT_MANAGER, client_a, email="am@calib.test")
    admin = make_user(Role.CLIENT_ADMIN, client_a, email="admin@calib.test")
    viewer = make_user(Role.CLIENT_VIEWER, client_a, email="viewer@calib.test")
    connection.set_tenant(client_a)
    return {"qa": qa, "am": am, "admin": admin, "viewer": viewer}


@pytest.fixture
def setup(people):
    line = ServiceLineFactory()
    _, version = make_scorecard(people["qa"], service_line=line, publish=True)
    calls = [make_interaction(line, reference=f"CALL-{n}") for n in (1, 2)]
    return line, version, calls


def _session(client, people, version, calls, **kwargs):
    return services.create_calibration_session(
        client=client,
        title=kwargs.get("title", "December calls"),
        scorecard_version=version,
        interactions=calls,
        participant_ids=kwargs.get(
            "participants", [people["qa"].pk, people["am"].pk, people["admin"].pk]
        ),
        expert_id=kwargs.get("expert", people["qa"].pk),
        actor=people["qa"],
    )


def _score(session, user, interaction, texts, submit=True):
    evaluation = services.calibration_evaluation(
        session=session, interaction_id=interaction.pk, actor=user
    )
    return services.save_calibration_score(
        session=session,
        evaluation=evaluation,
        answers=answers_of(session.scorecard_version, texts),
        overall_comment="",
        submit=submit,
        actor=user,
    )


def test_creating_a_session_names_every_problem(client_a, people, setup):
    _line, version, calls = setup
    other_line_call = make_interaction(ServiceLineFactory(), reference="ELSEWHERE")
    with pytest.raises(DomainError) as refused:
        services.create_calibration_session(
            client=client_a,
            title=" ",
            scorecard_version=version,
            interactions=[other_line_call],
            participant_ids=[people["qa"].pk, people["viewer"].pk],
            expert_id=people["am"].pk,
            actor=people["qa"],
        )
    assert set(refused.value.fields) == {"title", "interactions", "participants", "expert"}
    assert "another service line" in refused.value.fields["interactions"][0]
    with pytest.raises(DomainError, match="at least two"):
        _session(client_a, people, version, calls, participants=[people["qa"].pk])


def test_a_session_is_created_open_with_its_interactions(client_a, people, setup):
    _, version, calls = setup
    session = _session(client_a, people, version, calls)
    assert session.status == CalibrationStatus.OPEN
    assert set(session.interactions.all()) == set(calls)
    assert session.participants == [people["qa"].pk, people["am"].pk, people["admin"].pk]
    assert session.expert_id == people["qa"].pk


def test_only_participants_score_and_figures_follow_the_submitted_scores(client_a, people, setup):
    _, version, calls = setup
    session = _session(client_a, people, version, calls)
    outsider = make_user(Role.QA_ANALYST, client_a, email="qa2@calib.test")
    connection.set_tenant(client_a)
    with pytest.raises(PermissionDeniedError):
        services.calibration_evaluation(session=session, interaction_id=calls[0].pk, actor=outsider)
    # one participant: no figures yet
    _score(session, people["qa"], calls[0], PERFECT)
    _score(session, people["qa"], calls[1], HARSH)
    session.refresh_from_db()
    assert selectors.session_agreement(session) is None
    # a draft does not count
    _score(session, people["am"], calls[0], PERFECT, submit=False)
    assert selectors.session_agreement(session) is None
    # a second participant submits: figures, stored with the key of the scores
    _score(session, people["am"], calls[0], PERFECT)
    _score(session, people["am"], calls[1], PERFECT)
    session.refresh_from_db()
    assert session.agreement["key"] == selectors.scores_key(session)
    figures = selectors.session_agreement(session)
    assert figures is not None and figures.expert == str(people["qa"].pk)
    am = next(e for e in figures.evaluators if e.evaluator == str(people["am"].pk))
    # call 1 equal (6 of 6), call 2: greets, resolves, steps, survey (N/A vs yes) differ
    assert (am.compared, am.matched) == (12, 8)
    # a submitted score is final
    with pytest.raises(ConflictError):
        _score(session, people["am"], calls[1], HARSH)


def test_calibration_scores_never_count_in_the_qa_figures(client_a, people, setup):
    _, version, calls = setup
    session = _session(client_a, people, version, calls)
    evaluation = _score(session, people["qa"], calls[0], PERFECT)
    assert evaluation.status == EvaluationStatus.SUBMITTED
    assert not evaluation.counts_in_qa
    assert qa_selectors.week_qa_figures(week_starts_on=evaluation.week_starts_on) == []


def test_participants_come_and_go_while_open(client_a, people, setup):
    _, version, calls = setup
    session = _session(client_a, people, version, calls)
    with pytest.raises(DomainError, match="QA analysts, account managers and admins"):
        services.add_calibration_participant(
            session=session, client=client_a, user_id=people["viewer"].pk, actor=people["qa"]
        )
    with pytest.raises(ConflictError, match="expert cannot leave"):
        services.remove_calibration_participant(
            session=session, user_id=people["qa"].pk, actor=people["qa"]
        )
    _score(session, people["admin"], calls[0], PERFECT, submit=False)
    services.remove_calibration_participant(
        session=session, user_id=people["admin"].pk, actor=people["qa"]
    )
    session.refresh_from_db()
    assert people["admin"].pk not in session.participants
    assert not Evaluation.objects.filter(evaluator_id=people["admin"].pk).exists()  # the draft
    services.add_calibration_participant(
        session=session, client=client_a, user_id=people["admin"].pk, actor=people["qa"]
    )
    session.refresh_from_db()
    assert session.participants[-1] == people["admin"].pk
    with pytest.raises(ConflictError, match="already"):
        services.add_calibration_participant(
            session=session, client=client_a, user_id=people["admin"].pk, actor=people["qa"]
        )


def test_closing_freezes_the_figures_and_ends_the_scoring(client_a, people, setup):
    line, version, calls = setup
    session = _session(client_a, people, version, calls)
    for user in (people["qa"], people["am"]):
        _score(session, user, calls[0], PERFECT)
        _score(session, user, calls[1], HARSH if user == people["qa"] else PERFECT)
    _score(session, people["admin"], calls[0], HARSH, submit=False)
    session = services.close_calibration_session(session=session, actor=people["am"])
    assert session.status == CalibrationStatus.CLOSED and session.closed_at is not None
    frozen = selectors.session_agreement(session)
    assert frozen is not None
    # no more scoring, no new interaction, nobody added
    with pytest.raises(ConflictError, match="closed"):
        _score(session, people["admin"], calls[0], HARSH)
    with pytest.raises(ConflictError, match="closed"):
        services.add_calibration_interaction(
            session=session,
            interaction=make_interaction(line, reference="CALL-9"),
            actor=people["qa"],
        )
    with pytest.raises(ConflictError, match="closed"):
        services.close_calibration_session(session=session, actor=people["am"])
    # the frozen figures are read as they were stored
    session.refresh_from_db()
    assert selectors.session_agreement(session) == frozen


def test_interactions_are_added_while_open(client_a, people, setup):
    _line, version, calls = setup
    session = _session(client_a, people, version, calls[:1])
    services.add_calibration_interaction(session=session, interaction=calls[1], actor=people["qa"])
    assert session.interactions.count() == 2
    with pytest.raises(ConflictError, match="already"):
        services.add_calibration_interaction(
            session=session, interaction=calls[1], actor=people["qa"]
        )
    with pytest.raises(NotFoundError):
        services.calibration_evaluation(session=session, interaction_id=0, actor=people["qa"])


def test_a_client_admin_sees_only_the_sessions_they_take_part_in(client_a, people, setup):
    _, version, calls = setup
    with_admin = _session(client_a, people, version, calls, title="With the client")
    without = _session(
        client_a,
        people,
        version,
        calls,
        title="Internal",
        participants=[people["qa"].pk, people["am"].pk],
    )
    seen = selectors.list_calibration_sessions(user=people["admin"], client=client_a)
    assert list(seen) == [with_admin]
    assert set(selectors.list_calibration_sessions(user=people["am"], client=client_a)) == {
        with_admin,
        without,
    }
    with pytest.raises(NotFoundError):
        selectors.access_calibration_session(
            user=people["admin"], client=client_a, session_id=without.pk
        )
