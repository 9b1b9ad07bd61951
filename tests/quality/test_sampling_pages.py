"""The sampling pages and API as users use them: import a list (a file with a bad row stores
nothing), filter the interactions, set a plan, draw, see what is due, read the week's QA score
with its intervals and choose the precision; who may do what; fixed query counts."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bpo.accounts.roles import Role
from bpo.quality import intervals
from bpo.quality.models import Evaluation, Interaction, SampleDraw, SamplingPlan
from bpo.quality.services import sampling as services
from tests.catalog.factories import ServiceLineFactory
from tests.catalog.roles import ROLES
from tests.conftest import in_schema, make_user, token_client
from tests.quality.helpers import make_scorecard, submit_evaluation
from tests.quality.sampling_helpers import MONDAY, client_agent, week_interactions

pytestmark = pytest.mark.django_db

SAMPLERS = {"provider_admin", "account_manager", "qa_analyst"}
VIEWERS = SAMPLERS | {"client_admin"}
IMPORTERS = VIEWERS
SCORE_READERS = VIEWERS | {"client_viewer"}
WEEK = "2026-W48"  # Monday 23 November 2026
# greets, verifies | resolves 1-5, steps of 4, survey, bonus
SCORES = [
    ["yes", "yes", "5", "4", "yes", "no"],  # 100
    ["yes", "yes", "4", "2", "yes", "no"],
    ["no", "yes", "3", "2", "no", "no"],
    ["yes", "no", "5", "4", "yes", "no"],  # auto-failed
]


@pytest.fixture
def qa(client_a):
    return make_user(Role.QA_ANALYST, client_a, email="qa@sampling-pages.test", full_name="Quinn")


@pytest.fixture
def setup(client_a, qa):
    """A line with a plan, a scorecard for every line and one agent with 4 interactions."""
    in_schema(client_a)
    line = ServiceLineFactory(name="Order support", status="active")
    version = make_scorecard(qa, publish=True)[1]
    agent = client_agent(full_name="Ann Agent", employee_number="E-100")
    made = week_interactions(line, [(agent, 4)])
    services.create_sampling_plan(
        service_line=line, mode="per_agent", evaluations_per_agent=4, actor=qa
    )
    connection.set_schema_to_public()
    return line, version, agent, made


def _url(name, client, *args):
    return reverse(f"client:{name}", args=[client.slug, *args])


def _signed_in(django_client, user):
    django_client.force_login(user)
    return django_client


def _scored_week(client_a, qa, setup):
    line, version, _, made = setup
    in_schema(client_a)
    for interaction, texts in zip(made, SCORES, strict=True):
        submit_evaluation(version, interaction, qa, texts)
    connection.set_schema_to_public()
    return line


# --- rights --------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_who_may_open_which_page(client, client_a, setup, role):
    line = setup[0]
    browser = _signed_in(client, make_user(role, client_a, email=f"{role}@sp.test"))
    expected = {
        "qa_interactions": VIEWERS,
        "qa_interaction_import": IMPORTERS,
        "qa_sampling": VIEWERS,
        "qa_due": VIEWERS,
        "qa_scores": SCORE_READERS,
    }
    for name, allowed in expected.items():
        status = browser.get(_url(name, client_a)).status_code
        assert status == (200 if role in allowed else 403), (name, role)
    status = browser.get(_url("qa_sampling_plan", client_a, line.pk)).status_code
    assert status == (200 if role in SAMPLERS else 403), role
    # a draw refused at the edge writes nothing
    response = browser.post(_url("qa_sample_draw", client_a, line.pk), {"week": WEEK})
    if role not in SAMPLERS:
        assert response.status_code == 403
        in_schema(client_a)
        assert not SampleDraw.objects.exists()


def test_the_navigation_shows_qa_pages_to_whom_may_read_them(client, client_a, setup):
    viewer = make_user(Role.CLIENT_VIEWER, client_a, email="viewer@sp.test")
    page = _signed_in(client, viewer).get(_url("qa_scores", client_a)).content.decode()
    assert _url("qa_scores", client_a) in page
    assert _url("qa_sampling", client_a) not in page


# --- import and list --------------------------------------------------------------------------


CSV_OK = (
    "line,reference,channel,occurred_at,agent,link\n"
    "Order support,CSV-1,voice,2026-11-24T10:00:00-05:00,E-100,https://rec.example/1\n"
    "Order support,CSV-2,chat,2026-11-24 11:15,e-100,\n"
)


def test_a_file_is_imported_and_again_changes_nothing(client, client_a, qa, setup):
    browser = _signed_in(client, qa)
    for expected in ("2 new interactions, 0 already", "0 new interactions, 2 already"):
        response = browser.post(
            _url("qa_interaction_import", client_a),
            {"file": SimpleUploadedFile("week.csv", CSV_OK.encode())},
            follow=True,
        )
        assert expected in response.content.decode()
    in_schema(client_a)
    assert Interaction.objects.filter(reference__startswith="CSV-").count() == 2


def test_a_file_with_bad_rows_stores_nothing_and_lists_each(client, client_a, qa, setup):
    bad = CSV_OK + "Order support,CSV-3,fax,soon,E-999,\n"
    response = _signed_in(client, qa).post(
        _url("qa_interaction_import", client_a),
        {"file": SimpleUploadedFile("week.csv", bad.encode())},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "row 4, channel" in page
    assert "row 4, occurred_at" in page
    assert "row 4, agent: No agent serving this client has the employee number E-999" in page
    in_schema(client_a)
    assert not Interaction.objects.filter(reference__startswith="CSV-").exists()


def test_a_spreadsheet_or_an_unknown_column_is_refused_in_words(client, client_a, qa, setup):
    browser = _signed_in(client, qa)
    response = browser.post(
        _url("qa_interaction_import", client_a),
        {"file": SimpleUploadedFile("week.csv", b"PK\x03\x04rest")},
    )
    assert "This is a spreadsheet" in response.content.decode()
    response = browser.post(
        _url("qa_interaction_import", client_a),
        {"file": SimpleUploadedFile("week.csv", b"line,reference,colour\n")},
    )
    assert "colour: Unknown column (see docs/quality.md)" in response.content.decode()


def _count(browser, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert browser.get(url).status_code == 200
    return len(queries)


def test_the_interaction_list_filters_and_reads_in_fixed_queries(client, client_a, qa, setup):
    line, _, agent, _ = setup
    browser = _signed_in(client, qa)
    url = _url("qa_interactions", client_a)
    browser.get(url)
    few = _count(browser, url)
    in_schema(client_a)
    week_interactions(line, [(agent, 30)], monday=date(2026, 11, 16), prefix="MORE")
    connection.set_schema_to_public()
    assert _count(browser, url) == few
    page = browser.get(url + f"?week={WEEK}&agent={agent.pk}").content.decode()
    assert "W-E-100-0" in page and "MORE-E-100-0" not in page
    page = browser.get(url + "?search=nothing-like-this").content.decode()
    assert "No interaction matches these filters." in page


# --- plan, draw, due ---------------------------------------------------------------------------


def test_a_plan_is_set_on_its_page_with_errors_by_field(client, client_a, qa, setup):
    line = setup[0]
    browser = _signed_in(client, qa)
    url = _url("qa_sampling_plan", client_a, line.pk)
    response = browser.post(url, {"mode": "share", "share_percent": "250", "is_active": "on"})
    assert response.status_code == 400
    assert "above 0 and at most 100" in response.content.decode()
    response = browser.post(url, {"mode": "share", "share_percent": "12.5", "is_active": "on"})
    assert response.status_code == 302
    in_schema(client_a)
    assert str(SamplingPlan.objects.get(service_line=line).share_percent) == "12.50"


def test_a_draw_from_its_page_shows_what_is_due(client, client_a, qa, setup):
    line = setup[0]
    browser = _signed_in(client, qa)
    page = browser.get(_url("qa_sample_draw", client_a, line.pk) + f"?week={WEEK}")
    assert "<strong>4</strong> interactions to draw from" in page.content.decode()
    response = browser.post(
        _url("qa_sample_draw", client_a, line.pk),
        {"week": WEEK, "evaluators": [str(qa.pk)], "seed": "123"},
        follow=True,
    )
    page = response.content.decode()
    assert "4 interactions drawn of 4 (seed 123)" in page
    assert "Quinn" in page and "Ann Agent" in page
    # drawn once: a second try says so next to the week
    response = browser.post(
        _url("qa_sample_draw", client_a, line.pk), {"week": WEEK, "evaluators": [str(qa.pk)]}
    )
    assert response.status_code == 400
    assert "was drawn already" in response.content.decode()
    sampling_page = browser.get(_url("qa_sampling", client_a) + f"?week={WEEK}").content.decode()
    assert "4 drawn of 4" in sampling_page


def test_nothing_drawn_is_an_empty_state(client, client_a, qa, setup):
    page = _signed_in(client, qa).get(_url("qa_due", client_a) + "?week=2026-W10")
    assert "Nothing was drawn for week 2026-W10" in page.content.decode()


# --- the week's QA score -----------------------------------------------------------------------


def test_the_qa_score_shows_intervals_and_the_evaluations_needed(client, client_a, qa, setup):
    _scored_week(client_a, qa, setup)
    browser = _signed_in(client, make_user(Role.CLIENT_VIEWER, client_a, email="v@sp.test"))
    page = browser.get(_url("qa_scores", client_a) + f"?week={WEEK}").content.decode()
    in_schema(client_a)
    scores = [float(e.score_percent) for e in Evaluation.objects.order_by("pk")]
    mean = intervals.mean_interval(scores)
    # the t interval's lower bound is below 0 here (an auto-failed 0 %): shown clipped at 0
    assert mean.low < 0
    text = f"{mean.estimate:.1f} % (95 % CI 0.0–{mean.high:.1f}, n = 4)"  # noqa: RUF001
    assert text in page
    passed = Evaluation.objects.filter(is_passed=True).count()
    assert 0 < passed < 4
    rate = intervals.pass_rate_interval(passed, 4)
    low, high = rate.low * 100, rate.high * 100
    assert f"{passed * 25:.1f} % (95 % CI {low:.1f}–{high:.1f}, n = 4)" in page  # noqa: RUF001
    deviation = intervals.sample_deviation(scores)
    for margin in (2, 5, 10):
        needed = intervals.evaluations_needed_for_mean(margin, deviation=deviation)
        page = browser.get(
            _url("qa_scores", client_a) + f"?week={WEEK}&margin={margin}"
        ).content.decode()
        assert f"<strong>{needed}</strong> (you have 4)" in page
    assert "Verifies the caller" in page  # the most failed criteria
    # the API: the same figures
    response = token_client(qa).get(
        reverse("api:qa-scores", args=[client_a.slug]) + f"?week={WEEK}&margin=2"
    )
    assert response.status_code == 200
    (line,) = response.json()["lines"]
    assert line["figures"]["evaluated"] == 4
    assert line["figures"]["mean_score_interval"]["low"] == pytest.approx(mean.low)
    assert line["figures"]["needed_for_mean"] == intervals.evaluations_needed_for_mean(
        2, deviation=deviation
    )


def test_a_week_without_evaluations_is_an_empty_state(client, client_a, qa, setup):
    page = _signed_in(client, qa).get(_url("qa_scores", client_a) + "?week=2026-W10")
    assert "No evaluation was submitted for week 2026-W10" in page.content.decode()


def test_a_bad_week_is_named(client, client_a, qa, setup):
    response = _signed_in(client, qa).get(_url("qa_scores", client_a) + "?week=next")
    assert response.status_code == 400
    assert "next" in response.content.decode()


def test_the_qa_score_page_reads_in_fixed_queries(client, client_a, qa, setup):
    line = _scored_week(client_a, qa, setup)
    browser = _signed_in(client, qa)
    url = _url("qa_scores", client_a) + f"?week={WEEK}"
    browser.get(url)
    before = _count(browser, url)
    in_schema(client_a)
    version = setup[1]
    others = [client_agent() for _ in range(3)]
    for i, interaction in enumerate(week_interactions(line, [(a, 2) for a in others], prefix="X")):
        submit_evaluation(version, interaction, qa, SCORES[i % 4])
    connection.set_schema_to_public()
    assert _count(browser, url) == before


# --- the API -----------------------------------------------------------------------------------


def test_the_api_imports_json_and_csv_all_or_nothing(client_a, qa, setup):
    api = token_client(qa)
    url = reverse("api:interaction-import-rows", args=[client_a.slug])
    body = {
        "interactions": [
            {
                "line": "Order support",
                "reference": "API-1",
                "channel": "voice",
                "occurred_at": "2026-11-24T10:00:00Z",
                "agent": "E-100",
            },
            {"line": "Order support", "reference": "API-2", "channel": "voice"},
        ]
    }
    response = api.post(url, body, format="json")
    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"rows.2.occurred_at", "rows.2.agent"}
    body["interactions"].pop()
    assert api.post(url, body, format="json").json() == {"rows": 1, "created": 1, "unchanged": 0}
    response = api.post(url, CSV_OK.encode(), content_type="text/csv")
    assert response.json() == {"rows": 2, "created": 2, "unchanged": 0}
    listed = api.get(reverse("api:interaction-list", args=[client_a.slug]) + "?reference=API")
    assert [row["reference"] for row in listed.json()["results"]] == ["API-1"]


def test_the_api_sets_a_plan_and_draws(client_a, qa, setup):
    line = setup[0]
    api = token_client(qa)
    in_schema(client_a)
    plan = SamplingPlan.objects.get(service_line=line)
    connection.set_schema_to_public()
    detail = reverse("api:sampling-plan-detail", args=[client_a.slug, plan.pk])
    response = api.patch(detail, {"evaluations_per_agent": 2}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["evaluations_per_agent"] == 2
    draw = reverse("api:sampling-plan-draw", args=[client_a.slug, plan.pk])
    response = api.post(draw, {"week": WEEK, "evaluators": [qa.pk], "seed": 5}, format="json")
    assert response.status_code == 201, response.json()
    assert (response.json()["seed"], len(response.json()["evaluations"])) == (5, 2)
    again = api.post(draw, {"week": WEEK, "evaluators": [qa.pk]}, format="json")
    assert again.status_code == 409
    viewer = token_client(make_user(Role.CLIENT_ADMIN, client_a, email="ca@sp.test"))
    assert viewer.post(draw, {"week": "2026-W47", "evaluators": [qa.pk]}).status_code == 403


def test_due_days_follow_the_setting(client_a, qa, setup, settings):
    settings.QA_SAMPLE_DUE_DAYS = 10
    in_schema(client_a)
    plan = SamplingPlan.objects.get(service_line=setup[0])
    draw = services.draw_sample(plan=plan, week=MONDAY, evaluators=[qa], actor=qa)
    assert {e.due_on for e in draw.evaluations.all()} == {MONDAY + timedelta(days=10)}


def test_the_sampling_and_due_pages_read_in_fixed_queries(client, client_a, qa, setup):
    line = setup[0]
    browser = _signed_in(client, qa)
    in_schema(client_a)
    plan = SamplingPlan.objects.get(service_line=line)
    services.draw_sample(plan=plan, week=MONDAY, evaluators=[qa], actor=qa, seed=3)
    connection.set_schema_to_public()
    urls = [
        _url("qa_sampling", client_a) + f"?week={WEEK}",
        _url("qa_due", client_a) + f"?week={WEEK}",
        reverse("api:interaction-list", args=[client_a.slug]),
    ]
    browser.get(urls[0])
    before = [_count(browser, url) for url in urls[:2]]
    api = token_client(qa)
    with CaptureQueriesContext(connection) as api_queries:
        assert api.get(urls[2]).status_code == 200
    # more lines with plans and draws, more agents, evaluators and interactions
    in_schema(client_a)
    qa2 = make_user(Role.QA_ANALYST, client_a, email="qa2@sp.test")
    in_schema(client_a)
    for n in range(3):
        other = ServiceLineFactory(name=f"Line {n}", status="active")
        agents = [client_agent() for _ in range(2)]
        week_interactions(other, [(a, 3) for a in agents], prefix=f"L{n}")
        other_plan = services.create_sampling_plan(
            service_line=other, mode="per_agent", evaluations_per_agent=2, actor=qa
        )
        services.draw_sample(plan=other_plan, week=MONDAY, evaluators=[qa, qa2], actor=qa)
    connection.set_schema_to_public()
    assert [_count(browser, url) for url in urls[:2]] == before
    with CaptureQueriesContext(connection) as more_api_queries:
        assert api.get(urls[2]).status_code == 200
    assert len(more_api_queries) == len(api_queries)


def test_the_api_rights_follow_the_role_table(client_a, setup):
    viewer = token_client(make_user(Role.CLIENT_VIEWER, client_a, email="cv@sp.test"))
    agent = token_client(make_user(Role.AGENT, client_a, email="ag@sp.test"))
    scores = reverse("api:qa-scores", args=[client_a.slug]) + "?week=2026-W10"
    listed = reverse("api:interaction-list", args=[client_a.slug])
    response = viewer.get(scores)
    assert (response.status_code, response.json()["lines"]) == (200, [])
    assert viewer.get(listed).status_code == 403
    assert agent.get(scores).status_code == 403
    bad = viewer.get(reverse("api:qa-scores", args=[client_a.slug]) + "?week=soon")
    assert bad.status_code == 400
    assert "week" in bad.json()["error"]["fields"]
