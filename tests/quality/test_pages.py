"""The scorecard pages: who may do what, the builder with its errors next to the fields,
the preview's score, publish and new version, the navigation link, query counts."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bpo.accounts.roles import Role
from bpo.quality.models import Scorecard, ScorecardCriterion, ScorecardVersion
from tests.catalog.roles import ROLES
from tests.conftest import in_schema, make_user
from tests.quality.helpers import make_scorecard

pytestmark = pytest.mark.django_db

READERS = {"provider_admin", "account_manager", "qa_analyst", "client_admin", "client_viewer"}
MANAGERS = {"provider_admin", "account_manager", "qa_analyst"}


@pytest.fixture
def qa(client_a):
    return make_user(Role.QA_ANALYST, client_a, email="qa@pages.test")


@pytest.fixture
def draft(client_a, qa):
    connection.set_tenant(client_a)
    scorecard, version = make_scorecard(qa)
    connection.set_schema_to_public()
    return scorecard, version


def _url(name, client, *args):
    return reverse(f"client:{name}", args=[client.slug, *args])


def _signed_in(django_client, user):
    django_client.force_login(user)
    return django_client


@pytest.mark.parametrize("role", ROLES)
def test_who_reads_and_who_builds(client, client_a, draft, role):
    scorecard, version = draft
    user = make_user(role, client_a, email=f"{role}@pages.test")
    browser = _signed_in(client, user)
    # reading
    for name, args in (
        ("scorecards", ()),
        ("scorecard", (scorecard.pk,)),
        ("scorecard_version", (scorecard.pk, version.pk)),
        ("scorecard_version_preview", (scorecard.pk, version.pk)),
    ):
        response = browser.get(_url(name, client_a, *args))
        assert response.status_code == (200 if role in READERS else 403), (name, role)
    # building: a section added, or refused at the edge with nothing written
    response = browser.post(
        _url("scorecard_section_create", client_a, scorecard.pk, version.pk),
        {"section-title": "Closing", "section-weight": "1"},
    )
    assert response.status_code == (302 if role in MANAGERS else 403)
    in_schema(client_a)
    assert version.sections.filter(title="Closing").exists() == (role in MANAGERS)


def test_the_navigation_links_the_scorecards(client, client_a, client_a_admin, client_b_admin):
    html = _signed_in(client, client_a_admin).get(_url("scorecards", client_a)).content.decode()
    assert f'href="/c/{client_a.slug}/scorecards/">QA scorecards</a>' in html
    agent = make_user(Role.AGENT, client_a, email="agent@pages.test")
    html = _signed_in(client, agent).get(f"/c/{client_a.slug}/").content.decode()
    assert "QA scorecards" not in html


def test_creating_a_scorecard_reports_every_problem_and_keeps_the_input(client, client_a, qa):
    browser = _signed_in(client, qa)
    in_schema(client_a)
    make_scorecard(qa, name="Chat QA")
    connection.set_schema_to_public()
    response = browser.post(
        _url("scorecard_create", client_a), {"name": "chat qa", "description": "Kept text"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "There is already a scorecard called “chat qa”." in html
    assert "Kept text" in html
    # when it is right, the new draft's builder opens
    response = browser.post(_url("scorecard_create", client_a), {"name": "Email QA"})
    assert response.status_code == 302
    in_schema(client_a)
    card = Scorecard.objects.get(name="Email QA")
    assert response.url == _url("scorecard_version", client_a, card.pk, card.versions.get().pk)


def test_the_criterion_form_shows_each_rule_next_to_its_field(client, client_a, qa, draft):
    scorecard, version = draft
    in_schema(client_a)
    section = version.sections.first()
    connection.set_schema_to_public()
    url = _url("scorecard_criterion_create", client_a, scorecard.pk, version.pk, section.pk)
    response = _signed_in(client, qa).post(
        url,
        {
            "text": "Upsells",
            "weight": "-2",
            "scale": "points",
            "auto_fail": "section",
            "is_bonus": "on",
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    for field, message in (
        ("weight", "A weight cannot be negative."),
        ("max_points", "A points criterion needs its maximum points."),
        (
            "auto_fail",
            "A bonus criterion cannot be an auto-fail item: missing it costs nothing.",
        ),
    ):
        start = html.index(f'id="field-{field}"')
        assert message in html[start : html.index("</div>", start)], field
    assert 'value="Upsells"' in html
    in_schema(client_a)
    assert not section.criteria.filter(text="Upsells").exists()


def test_publishing_from_the_builder_and_a_new_version(client, client_a, qa, draft):
    scorecard, version = draft
    browser = _signed_in(client, qa)
    page = browser.get(_url("scorecard_version", client_a, scorecard.pk, version.pk))
    html = page.content.decode()
    assert 'data-action="publish"' in html and "Before it can be published" not in html
    # the bonus: 1/4 of Resolution: (1 x 100 + 3 x 125) / 4
    assert "highest possible score 118.75 %" in html
    response = browser.post(
        _url("scorecard_version_publish", client_a, scorecard.pk, version.pk), follow=True
    )
    assert "Version 1 is published" in response.content.decode()
    in_schema(client_a)
    version.refresh_from_db()
    assert version.status == "published"
    connection.set_schema_to_public()
    # the published version shows no builder
    html = browser.get(_url("scorecard_version", client_a, scorecard.pk, version.pk)).content
    assert b"Add a section" not in html and b'data-action="retire"' in html
    # a new version copies it
    assert b"Delete draft" not in html  # the only version is never deleted
    response = browser.post(
        _url("scorecard_version_create", client_a, scorecard.pk),
        {"new-change_summary": "Points for the closing"},
    )
    assert response.status_code == 302
    in_schema(client_a)
    second = ScorecardVersion.objects.get(scorecard=scorecard, number=2)
    assert (second.status, second.based_on_id) == ("draft", version.pk)
    assert ScorecardCriterion.objects.filter(section__version=second).count() == 6
    connection.set_schema_to_public()
    # the draft says what publishing it does, and can be deleted; v1 links to it
    html = browser.get(_url("scorecard_version", client_a, scorecard.pk, second.pk)).content
    assert b"Version 1 will be retired." in html and b'data-action="delete"' in html
    html = browser.get(_url("scorecard_version", client_a, scorecard.pk, version.pk)).content
    assert b"Version 2 is a draft</a>" in html


def test_a_draft_lists_what_keeps_it_from_being_published(client, client_a, qa):
    in_schema(client_a)
    scorecard, version = make_scorecard(
        qa,
        sections=[
            {"title": "Greeting", "weight": "1"},
            {"title": "Bonus only", "weight": "1", "criteria": [{"text": "Wow", "is_bonus": True}]},
        ],
    )
    connection.set_schema_to_public()
    browser = _signed_in(client, qa)
    html = browser.get(_url("scorecard_version", client_a, scorecard.pk, version.pk)).content
    html = html.decode()
    assert "Greeting: Section “Greeting” has no criteria." in html
    assert "needs a regular (not bonus) criterion with a weight above 0." in html
    assert 'data-action="publish" disabled' in html
    response = browser.post(
        _url("scorecard_version_publish", client_a, scorecard.pk, version.pk), follow=True
    )
    assert "Version 1 cannot be published yet" in response.content.decode()


def test_the_preview_scores_a_sample(client, client_a, qa, draft):
    scorecard, version = draft
    in_schema(client_a)
    ids = {c.text: f"c{c.pk}" for c in ScorecardCriterion.objects.filter(section__version=version)}
    connection.set_schema_to_public()
    url = _url("scorecard_version_preview", client_a, scorecard.pk, version.pk)
    answers = {
        ids["Greets with the brand's name"]: "yes",
        ids["Verifies the caller"]: "yes",
        ids["Resolves the issue"]: "4",
        ids["Follows the steps"]: "2",
        ids["Offers a survey"]: "na",
        ids["Delights the customer"]: "no",
        "score": "1",
    }
    browser = _signed_in(client, qa)
    html = browser.get(url, answers).content.decode()
    assert "75.00 %" in html and "Below the pass mark of 80.00 %" in html
    # an auto-fail answer
    html = browser.get(url, {**answers, ids["Verifies the caller"]: "no"}).content.decode()
    assert "0.00 %" in html and "Criterion “Verifies the caller” failed." in html
    # a missing answer is named next to its criterion (htmx gets the same fragment, 200)
    response = browser.get(url, {**answers, ids["Resolves the issue"]: ""})
    assert response.status_code == 400
    assert "Answer this criterion." in response.content.decode()
    response = browser.get(url, {**answers, ids["Resolves the issue"]: "9"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "Answer from 1 to 5." in response.content.decode()
    assert "<html" not in response.content.decode()


def test_reorder_and_remove_from_the_builder(client, client_a, qa, draft):
    scorecard, version = draft
    in_schema(client_a)
    opening, resolution = version.sections.all()
    connection.set_schema_to_public()
    browser = _signed_in(client, qa)
    browser.post(
        _url("scorecard_section_move", client_a, scorecard.pk, version.pk, resolution.pk),
        {"direction": "up"},
    )
    in_schema(client_a)
    first = opening.criteria.first()
    connection.set_schema_to_public()
    browser.post(
        _url("scorecard_criterion_delete", client_a, scorecard.pk, version.pk, opening.pk, first.pk)
    )
    in_schema(client_a)
    assert [s.title for s in version.sections.order_by("position")] == ["Resolution", "Opening"]
    assert [c.text for c in opening.criteria.all()] == ["Verifies the caller"]


def test_another_clients_ids_are_not_found(client, client_a, client_b, qa, draft):
    scorecard, version = draft
    other_qa = make_user(Role.QA_ANALYST, client_b, email="qa@b.pages.test")
    browser = _signed_in(client, other_qa)
    # B's own address with A's ids: not found
    response = browser.get(_url("scorecard_version", client_b, scorecard.pk, version.pk))
    assert response.status_code == 404


def _count(browser, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert browser.get(url).status_code == 200
    return len(queries)


def test_list_and_version_pages_read_in_a_fixed_number_of_queries(client, client_a, qa):
    in_schema(client_a)
    small, small_version = make_scorecard(qa, name="Small", sections=[{"title": "A"}])
    connection.set_schema_to_public()
    browser = _signed_in(client, qa)
    browser.get(_url("scorecards", client_a))  # the session is read once
    one = _count(browser, _url("scorecards", client_a))
    small_page = _count(browser, _url("scorecard_version", client_a, small.pk, small_version.pk))
    # given more scorecards, and a version with more sections and criteria
    in_schema(client_a)
    for n in range(3):
        make_scorecard(qa, name=f"Card {n}")
    big, big_version = make_scorecard(qa, name="Big")
    connection.set_schema_to_public()
    # then the same number of queries
    assert _count(browser, _url("scorecards", client_a)) == one
    assert _count(browser, _url("scorecard_version", client_a, big.pk, big_version.pk)) == (
        small_page
    )
    assert one <= 14 and small_page <= 18, (one, small_page)
