"""The scorecard API: reading, creating a scorecard with its first draft, a new draft (nested
or copied), publishing and retiring; rights per role; stored rows checked, not the answer
only; query counts."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bpo.accounts.roles import Role
from bpo.quality.models import Scorecard, ScorecardCriterion, ScorecardVersion
from tests.catalog.factories import ServiceLineFactory
from tests.catalog.roles import ROLES
from tests.conftest import in_schema, make_user, token_client
from tests.quality.helpers import CONTACT_SECTIONS, make_scorecard

pytestmark = pytest.mark.django_db

BASE = "/api/v1/clients/acme-a/"
READERS = {"provider_admin", "account_manager", "qa_analyst", "client_admin", "client_viewer"}
MANAGERS = {"provider_admin", "account_manager", "qa_analyst"}


@pytest.fixture
def qa(client_a):
    return make_user(Role.QA_ANALYST, client_a, email="qa@api.test")


def test_create_a_scorecard_with_its_first_draft_then_publish_it(client_a, qa):
    in_schema(client_a)
    line = ServiceLineFactory()
    connection.set_schema_to_public()
    api = token_client(qa)
    # when
    response = api.post(
        f"{BASE}scorecards/",
        {"name": "Voice QA", "service_line": line.pk, "sections": CONTACT_SECTIONS},
        format="json",
    )
    # then
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["name"], body["service_line"], body["published_version"]) == (
        "Voice QA",
        line.pk,
        None,
    )
    draft_id = body["draft_version"]
    in_schema(client_a)
    stored = ScorecardVersion.objects.get(pk=draft_id)
    assert (stored.number, stored.status, stored.created_by_id) == (1, "draft", qa.pk)
    assert ScorecardCriterion.objects.filter(section__version=stored).count() == 6
    connection.set_schema_to_public()
    # when published
    response = api.post(f"{BASE}scorecard-versions/{draft_id}/publish/")
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["workflow_actions"]) == (
        "published",
        ["retire"],
    )
    in_schema(client_a)
    assert ScorecardVersion.objects.get(pk=draft_id).published_by_id == qa.pk
    connection.set_schema_to_public()
    # and a second publish is a conflict
    response = api.post(f"{BASE}scorecard-versions/{draft_id}/publish/")
    assert response.status_code == 409
    assert response.json()["error"]["message"] == (
        "Only a draft can be published; this one is published."
    )


def test_publishing_an_incomplete_draft_names_every_field(client_a, qa):
    api = token_client(qa)
    response = api.post(
        f"{BASE}scorecards/",
        {"name": "Half", "sections": [{"title": "Opening", "criteria": []}]},
        format="json",
    )
    draft_id = response.json()["draft_version"]
    response = api.post(f"{BASE}scorecard-versions/{draft_id}/publish/")
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {
        "sections.0.criteria": ["Section “Opening” has no criteria."]
    }


def test_a_new_draft_nested_with_errors_by_index_then_copied(client_a, qa):
    in_schema(client_a)
    scorecard, version = make_scorecard(qa, publish=True)
    connection.set_schema_to_public()
    api = token_client(qa)
    # nested content with problems: every one named, nothing stored
    response = api.post(
        f"{BASE}scorecard-versions/",
        {
            "scorecard": scorecard.pk,
            "change_summary": "Points",
            "sections": [
                {
                    "title": "A",
                    "weight": "0",
                    "criteria": [
                        {"text": "x", "scale": "points"},
                        {"text": "y", "is_bonus": True, "auto_fail": "evaluation"},
                    ],
                }
            ],
        },
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {
        "sections.0.weight": ["A section's weight must be above 0."],
        "sections.0.criteria.0.max_points": ["A points criterion needs its maximum points."],
        "sections.0.criteria.1.auto_fail": [
            "A bonus criterion cannot be an auto-fail item: missing it costs nothing."
        ],
    }
    # a copy of the published version
    response = api.post(
        f"{BASE}scorecard-versions/",
        {"scorecard": scorecard.pk, "change_summary": "Copy", "based_on": version.pk},
        format="json",
    )
    assert response.status_code == 201
    body = response.json()
    assert (body["number"], body["status"], body["based_on"]) == (2, "draft", version.pk)
    assert [s["title"] for s in body["sections"]] == ["Opening", "Resolution"]
    # while it is a draft, another is a conflict
    response = api.post(
        f"{BASE}scorecard-versions/",
        {"scorecard": scorecard.pk, "change_summary": "Again"},
        format="json",
    )
    assert response.status_code == 409
    # and the draft can be deleted; the published one cannot
    assert api.delete(f"{BASE}scorecard-versions/{body['id']}/").status_code == 204
    assert api.delete(f"{BASE}scorecard-versions/{version.pk}/").status_code == 409


@pytest.mark.parametrize("role", ROLES)
def test_rights_by_role(client_a, qa, role):
    in_schema(client_a)
    scorecard, version = make_scorecard(qa)
    connection.set_schema_to_public()
    api = token_client(make_user(role, client_a, email=f"{role}@api.test"))
    for path in (
        "scorecards/",
        f"scorecards/{scorecard.pk}/",
        "scorecard-versions/",
        f"scorecard-versions/{version.pk}/",
    ):
        assert api.get(BASE + path).status_code == (200 if role in READERS else 403), path
    response = api.post(f"{BASE}scorecards/", {"name": f"By {role}"}, format="json")
    assert response.status_code == (201 if role in MANAGERS else 403)
    response = api.post(f"{BASE}scorecard-versions/{version.pk}/publish/")
    assert response.status_code == (200 if role in MANAGERS else 403)
    in_schema(client_a)
    assert Scorecard.objects.filter(name=f"By {role}").exists() == (role in MANAGERS)
    version.refresh_from_db()
    assert version.status == ("published" if role in MANAGERS else "draft")


def test_a_referenced_id_of_another_client_is_refused(client_a, client_b, qa):
    # given a scorecard in B
    other = make_user(Role.QA_ANALYST, client_b, email="qa@b.api.test")
    in_schema(client_b)
    _b_card, b_version = make_scorecard(other, publish=True)
    b_line = ServiceLineFactory()
    connection.set_schema_to_public()
    in_schema(client_a)
    a_card, _ = make_scorecard(qa, publish=True)
    connection.set_schema_to_public()
    api = token_client(qa)
    # then A's requests cannot point at B's rows
    response = api.post(
        f"{BASE}scorecard-versions/",
        {"scorecard": a_card.pk, "change_summary": "x", "based_on": b_version.pk},
        format="json",
    )
    assert response.status_code in (400, 404)
    response = api.post(
        f"{BASE}scorecards/", {"name": "Sneaky", "service_line": b_line.pk}, format="json"
    )
    assert response.status_code == 404 or response.json()["error"]["fields"] == {
        "service_line": ["No such service line."]
    }
    in_schema(client_a)
    assert not Scorecard.objects.filter(name="Sneaky").exists()
    assert ScorecardVersion.objects.filter(scorecard=a_card).count() == 1


def test_the_version_list_reads_in_a_fixed_number_of_queries(client_a, qa):
    api = token_client(qa)
    in_schema(client_a)
    make_scorecard(qa, name="One")
    connection.set_schema_to_public()
    api.get(f"{BASE}scorecard-versions/")

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert api.get(f"{BASE}scorecard-versions/").status_code == 200
        return len(queries)

    few = count()
    in_schema(client_a)
    for n in range(3):
        make_scorecard(qa, name=f"More {n}", publish=True)
    connection.set_schema_to_public()
    assert count() == few
