"""Calibration pages and API as users use them: who reads and who runs, a client admin seeing
only the sessions they take part in, creating a session with an interaction recorded on the
fly, scoring, the agreement table once two have submitted, closing, the home to-dos, and the
list's pinned query count."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bpo.accounts.roles import Role
from bpo.quality.models import CalibrationSession, Evaluation, EvaluationStatus
from bpo.quality.services import calibration as services
from tests.catalog.factories import ServiceLineFactory
from tests.catalog.roles import ROLES
from tests.conftest import in_schema, make_user, token_client
from tests.quality.helpers import answers_of, make_interaction, make_scorecard

pytestmark = pytest.mark.django_db

# Written out here, not read from the role table, so a change of it fails a test.
RUNNERS = {"provider_admin", "account_manager", "qa_analyst"}
JOINERS = RUNNERS | {"client_admin"}
PERFECT = ["yes", "yes", "5", "4", "yes", "no"]
HARSH = ["no", "yes", "2", "1", "na", "no"]


@pytest.fixture
def qa(client_a):
    return make_user(Role.QA_ANALYST, client_a, email="qa@calpages.test")


@pytest.fixture
def admin(client_a):
    return make_user(Role.CLIENT_ADMIN, client_a, email="admin@calpages.test")


@pytest.fixture
def world(client_a, qa, admin):
    """A published scorecard of a line, two calls, and a session of the QA analyst and the
    client's admin (the QA analyst the expert)."""
    connection.set_tenant(client_a)
    line = ServiceLineFactory()
    _, version = make_scorecard(qa, service_line=line, publish=True)
    calls = [make_interaction(line, reference=f"CALL-{n}") for n in (1, 2)]
    session = services.create_calibration_session(
        client=client_a,
        title="December calls",
        scorecard_version=version,
        interactions=calls,
        participant_ids=[qa.pk, admin.pk],
        expert_id=qa.pk,
        actor=qa,
    )
    connection.set_schema_to_public()
    return {"line": line, "version": version, "calls": calls, "session": session}


def _url(name, client, *args):
    return reverse(f"client:{name}", args=[client.slug, *args])


def _score_by_page(browser, client, session, call, texts, version, submit=True):
    connection.set_tenant(client)
    answers = answers_of(version, texts)
    connection.set_schema_to_public()
    data = {f"c{key}": answer.text for key, answer in answers.items()}
    data["submit" if submit else "save"] = "1"
    return browser.post(_url("calibration_score", client, session.pk, call.pk), data)


@pytest.mark.parametrize("role", ROLES)
def test_who_sees_the_sessions_and_who_runs_them(client, client_a, world, role):
    user = make_user(role, client_a, email=f"{role}@calpages.test")
    client.force_login(user)
    response = client.get(_url("calibration_sessions", client_a))
    assert response.status_code == (200 if role in JOINERS else 403), role
    response = client.get(_url("calibration_session_create", client_a))
    assert response.status_code == (200 if role in RUNNERS else 403), role
    # the session: runners see every one; a client admin not invited gets 404
    response = client.get(_url("calibration_session", client_a, world["session"].pk))
    expected = 200 if role in RUNNERS else (404 if role == "client_admin" else 403)
    assert response.status_code == expected, role
    response = client.post(_url("calibration_session_close", client_a, world["session"].pk))
    assert response.status_code in ((302,) if role in RUNNERS else (403, 404)), role
    if role in RUNNERS:
        return
    in_schema(client_a)
    assert CalibrationSession.objects.get().status == "open"


def test_an_invited_client_admin_scores_and_sees_the_figures(client, client_a, qa, admin, world):
    session, version, calls = world["session"], world["version"], world["calls"]
    # the admin is invited: the list shows the session, with the calibration notice
    client.force_login(admin)
    page = client.get(_url("calibration_sessions", client_a)).content.decode()
    assert "December calls" in page and "never count in the QA score" in page
    page = client.get(_url("calibration_session", client_a, session.pk)).content.decode()
    assert "The figures appear once two participants have submitted scores" in page
    # a half-answered submit is refused next to the criteria, nothing submitted
    response = client.post(
        _url("calibration_score", client_a, session.pk, calls[0].pk), {"submit": "1"}
    )
    assert response.status_code == 400
    assert "Answer this criterion" in response.content.decode()
    for call in calls:
        assert _score_by_page(client, client_a, session, call, PERFECT, version).status_code == 302
    # the expert scores: the agreement table appears, with alpha in words
    client.force_login(qa)
    _score_by_page(client, client_a, session, calls[0], PERFECT, version)
    _score_by_page(client, client_a, session, calls[1], HARSH, version)
    page = client.get(_url("calibration_session", client_a, session.pk)).content.decode()
    assert ('id="agreement-criteria"' in page and "95 % CI" in page) or "No alpha:" in page
    assert "Alignment to the expert" in page
    assert "67 % (8 of 12)" in page  # the admin: 6 of 6 on call 1, 2 of 6 on call 2
    in_schema(client_a)
    scores = Evaluation.objects.filter(calibration_session=session)
    assert scores.filter(status=EvaluationStatus.SUBMITTED).count() == 4


def test_creating_a_session_with_an_interaction_recorded_on_the_fly(client, client_a, qa, world):
    client.force_login(qa)
    form = {
        "title": "",
        "scorecard_version": str(world["version"].pk),
        "participants": [str(qa.pk)],
        "new-reference": "CALL-NEW",
        "new-service_line": str(world["line"].pk),
        "new-channel": "voice",
        "new-occurred_at": "2026-12-01T10:30",
    }
    response = client.post(_url("calibration_session_create", client_a), form)
    assert response.status_code == 400
    page = response.content.decode()
    assert "Give the session a title" in page and "at least two participants" in page
    am = make_user(Role.ACCOUNT_MANAGER, client_a, email="am@calpages.test")
    form.update(title="New calls", participants=[str(qa.pk), str(am.pk)], expert=str(am.pk))
    response = client.post(_url("calibration_session_create", client_a), form)
    assert response.status_code == 302
    in_schema(client_a)
    session = CalibrationSession.objects.get(title="New calls")
    assert [i.reference for i in session.interactions.all()] == ["CALL-NEW"]
    assert session.expert_id == am.pk


def test_closing_by_page_ends_the_scoring(client, client_a, qa, admin, world):
    client.force_login(qa)
    response = client.post(_url("calibration_session_close", client_a, world["session"].pk))
    assert response.status_code == 302
    client.force_login(admin)
    response = _score_by_page(
        client, client_a, world["session"], world["calls"][0], PERFECT, world["version"]
    )
    assert response.status_code == 302  # back to the session, with the refusal as a message
    in_schema(client_a)
    assert not Evaluation.objects.exists()


def test_the_home_to_dos_of_a_qa_analyst_and_an_invited_client_admin(
    client, client_a, qa, admin, world
):
    client.force_login(qa)
    page = client.get("/").content.decode()
    assert "Score the calibration session “December calls”" in page
    assert "2 of 2 interactions left" in page
    client.force_login(admin)
    page = client.get(_url("overview", client_a)).content.decode()
    assert "You are invited to score the calibration session “December calls”" in page


def test_the_list_costs_the_same_whatever_its_length(client, client_a, qa, admin, world):
    client.force_login(qa)
    url = _url("calibration_sessions", client_a)
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    in_schema(client_a)
    for n in range(5):
        services.create_calibration_session(
            client=client_a,
            title=f"Session {n}",
            scorecard_version=world["version"],
            interactions=world["calls"],
            participant_ids=[qa.pk, admin.pk],
            expert_id=None,
            actor=qa,
        )
    connection.set_schema_to_public()
    with CaptureQueriesContext(connection) as six:
        assert client.get(url).status_code == 200
    assert len(six) == len(one)


# --- API -----------------------------------------------------------------------------------------


def _api(client, path=""):
    return f"/api/v1/clients/{client.slug}/calibration-sessions/{path}"


def test_the_api_creates_reads_closes_and_gives_the_figures(client_a, qa, admin, world):
    api = token_client(qa)
    body = {
        "title": "API session",
        "scorecard_version": world["version"].pk,
        "interactions": [c.pk for c in world["calls"]],
        "participants": [qa.pk],
        "expert": qa.pk,
    }
    response = api.post(_api(client_a), body, format="json")
    assert response.status_code == 400
    assert "participants" in response.json()["error"]["fields"]
    body["participants"] = [qa.pk, admin.pk]
    response = api.post(_api(client_a), body, format="json")
    assert response.status_code == 201, response.json()
    created = response.json()
    assert created["counts_in_qa"] is False and created["status"] == "open"
    assert created["interactions"] == sorted(c.pk for c in world["calls"])
    figures = api.get(_api(client_a, f"{created['id']}/agreement/")).json()
    assert figures["available"] is False
    # the client admin sees both sessions they are in; a viewer is refused
    listed = token_client(admin).get(_api(client_a)).json()
    assert {row["title"] for row in listed["results"]} == {"API session", "December calls"}
    viewer = make_user(Role.CLIENT_VIEWER, client_a, email="viewer@calpages.test")
    assert token_client(viewer).get(_api(client_a)).status_code == 403
    # the admin may not run: closing is refused
    assert token_client(admin).post(_api(client_a, f"{created['id']}/close/")).status_code == 403
    response = api.post(_api(client_a, f"{created['id']}/close/"))
    assert response.status_code == 200 and response.json()["status"] == "closed"
    assert api.post(_api(client_a, f"{created['id']}/close/")).status_code == 409


def test_the_api_figures_once_two_have_scored(client_a, qa, admin, world):
    session, version, calls = world["session"], world["version"], world["calls"]
    in_schema(client_a)
    for user, texts in ((qa, [PERFECT, HARSH]), (admin, [PERFECT, PERFECT])):
        for call, answer in zip(calls, texts, strict=True):
            evaluation = services.calibration_evaluation(
                session=session, interaction_id=call.pk, actor=user
            )
            services.save_calibration_score(
                session=session,
                evaluation=evaluation,
                answers=answers_of(version, answer),
                overall_comment="",
                submit=True,
                actor=user,
            )
    connection.set_schema_to_public()
    figures = token_client(admin).get(_api(client_a, f"{session.pk}/agreement/")).json()
    assert figures["available"] is True and figures["expert"] == qa.pk
    assert figures["resamples"] == 1000 and figures["confidence"] == 0.95
    assert len(figures["criteria"]) == 6
    by = {row["evaluator"]: row for row in figures["evaluators"]}
    assert (by[admin.pk]["matched"], by[admin.pk]["compared"]) == (8, 12)
    assert by[qa.pk]["is_expert"] is True


def test_participants_are_invited_and_removed_over_the_api(client_a, qa, admin, world):
    session = world["session"]
    am = make_user(Role.ACCOUNT_MANAGER, client_a, email="am2@calpages.test")
    api = token_client(qa)
    response = api.post(_api(client_a, f"{session.pk}/participants/"), {"user": am.pk})
    assert response.status_code == 200 and am.pk in response.json()["participants"]
    response = api.post(_api(client_a, f"{session.pk}/remove-participant/"), {"user": admin.pk})
    assert response.status_code == 200 and admin.pk not in response.json()["participants"]
    # the removed admin no longer sees the session
    assert token_client(admin).get(_api(client_a, f"{session.pk}/")).status_code == 404
