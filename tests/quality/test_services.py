"""Writes of scorecards: drafts, publishing, new versions, immutability, history."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction

from bpo.accounts.roles import Role
from bpo.audit.models import LogEntry
from bpo.errors import ConflictError, DomainError
from bpo.quality import scoring, selectors
from bpo.quality.models import ScorecardCriterion, ScorecardSection, ScorecardVersion
from bpo.quality.services import scorecards as services
from tests.catalog.factories import ServiceLineFactory
from tests.conftest import make_user
from tests.quality.helpers import make_scorecard

pytestmark = pytest.mark.django_db


@pytest.fixture
def qa(client_a):
    user = make_user(Role.QA_ANALYST, client_a, email="qa@services.test")
    connection.set_tenant(client_a)
    return user


def test_a_new_scorecard_starts_with_an_empty_draft(qa):
    line = ServiceLineFactory()
    scorecard = services.create_scorecard(name=" Voice QA ", service_line=line, actor=qa)
    version = scorecard.versions.get()
    assert (scorecard.name, scorecard.service_line, version.number, version.status) == (
        "Voice QA",
        line,
        1,
        "draft",
    )
    with pytest.raises(DomainError) as caught:
        services.create_scorecard(name="voice qa", actor=qa)
    assert caught.value.fields == {"name": ["There is already a scorecard called “voice qa”."]}


def test_publishing_names_every_problem_of_the_structure(qa):
    _scorecard, version = make_scorecard(qa, sections=[{"title": "Empty", "weight": "1"}])
    with pytest.raises(DomainError) as caught:
        services.publish_scorecard_version(version=version, actor=qa)
    assert caught.value.fields == {"sections.0.criteria": ["Section “Empty” has no criteria."]}
    assert caught.value.message == (
        "Version 1 cannot be published yet: Section “Empty” has no criteria."
    )
    version.refresh_from_db()
    assert version.status == "draft"


def test_criterion_rules_are_refused_all_at_once(qa):
    _scorecard, version = make_scorecard(qa, sections=[{"title": "S", "weight": "1"}])
    section = version.sections.get()
    with pytest.raises(DomainError) as caught:
        services.add_scorecard_criterion(
            section=section,
            data={"text": "", "weight": "-1", "scale": "points", "is_bonus": True,
                  "auto_fail": "section"},
            actor=qa,
        )  # fmt: skip
    assert caught.value.fields == {
        "text": ["Say what the evaluator checks."],
        "weight": ["A weight cannot be negative."],
        "max_points": ["A points criterion needs its maximum points."],
        "auto_fail": ["A bonus criterion cannot be an auto-fail item: missing it costs nothing."],
    }
    with pytest.raises(DomainError) as caught:
        services.add_scorecard_section(
            version=version, data={"title": "T", "weight": "0"}, actor=qa
        )
    assert caught.value.fields == {"weight": ["A section's weight must be above 0."]}
    with pytest.raises(DomainError) as caught:
        services.add_scorecard_criterion(
            section=section, data={"text": "x", "weight": "abc"}, actor=qa
        )
    assert caught.value.fields == {
        "weight": ["Give the weight as a number with at most two decimals."]
    }
    assert not ScorecardCriterion.objects.exists()


def test_publish_then_new_version_copies_and_the_published_one_stays(qa):
    scorecard, v1 = make_scorecard(qa, publish=True)
    assert v1.status == "published" and v1.published_by == qa
    # a published version refuses changes
    section = v1.sections.first()
    with pytest.raises(ConflictError) as caught:
        services.add_scorecard_criterion(section=section, data={"text": "x"}, actor=qa)
    assert caught.value.message == (
        "Only a draft can be changed; this one is published. A change of scoring makes a new "
        "version."
    )
    # when a new version is made from it
    v2 = services.create_scorecard_version(
        scorecard=scorecard, change_summary="Stricter verification", actor=qa
    )
    # then it is a copy of v1's structure, and a second draft is refused
    assert (v2.number, v2.status, v2.based_on) == (2, "draft", v1)
    shape = lambda v: [  # noqa: E731
        (s.title, s.weight, [(c.text, c.weight, c.scale, c.auto_fail) for c in s.criteria.all()])
        for s in v.sections.all()
    ]
    assert shape(v2) == shape(v1)
    with pytest.raises(ConflictError):
        services.create_scorecard_version(scorecard=scorecard, change_summary="x", actor=qa)
    # publishing v2 retires v1 in the same step
    services.publish_scorecard_version(version=v2, actor=qa)
    v1.refresh_from_db()
    assert v1.status == "retired" and v1.retired_at is not None
    assert list(
        ScorecardVersion.objects.filter(status="published").values_list("number", flat=True)
    ) == [2]


def test_the_database_refuses_rewriting_a_published_version(qa):
    _scorecard, version = make_scorecard(qa, publish=True)
    criterion = ScorecardCriterion.objects.filter(section__version=version).first()
    for write in (
        lambda: ScorecardCriterion.objects.filter(pk=criterion.pk).update(weight=Decimal("9")),
        lambda: ScorecardSection.objects.filter(version=version).update(title="Changed"),
        lambda: ScorecardVersion.objects.filter(pk=version.pk).update(pass_mark_percent=10),
        lambda: ScorecardVersion.objects.filter(pk=version.pk).update(status="draft"),
        lambda: ScorecardCriterion.objects.create(
            section=criterion.section, position=99, text="Sneaked in"
        ),
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            write()
    # retiring is the one change allowed
    services.retire_scorecard_version(version=version, actor=qa)
    version.refresh_from_db()
    assert version.status == "retired"


def test_reordering_and_removing(qa):
    _scorecard, version = make_scorecard(qa)
    _first, second = version.sections.all()
    assert services.move_scorecard_section(section=second, direction="up", actor=qa)
    assert [s.title for s in version.sections.order_by("position")] == ["Resolution", "Opening"]
    assert not services.move_scorecard_section(section=second, direction="up", actor=qa)
    criteria = list(second.criteria.order_by("position"))
    services.move_scorecard_criterion(criterion=criteria[0], direction="down", actor=qa)
    services.delete_scorecard_criterion(criterion=criteria[2], actor=qa)
    assert [c.text for c in second.criteria.order_by("position")] == [
        "Follows the steps",
        "Resolves the issue",
        "Delights the customer",
    ]
    assert list(second.criteria.order_by("position").values_list("position", flat=True)) == [
        1,
        2,
        3,
    ]
    services.delete_scorecard_section(section=second, actor=qa)
    assert [(s.title, s.position) for s in version.sections.all()] == [("Opening", 1)]


def test_the_version_scores_through_the_pure_module(qa):
    _scorecard, version = make_scorecard(qa, publish=True)
    version = selectors.access_scorecard_version(version_id=version.pk)
    spec = selectors.scorecard_spec(version)
    ids = {c.text: str(c.pk) for s in version.sections.all() for c in s.criteria.all()}
    answers = {
        ids["Greets with the brand's name"]: True,
        ids["Verifies the caller"]: True,
        ids["Resolves the issue"]: 4,  # 75 %
        ids["Follows the steps"]: 2,  # 50 %
        ids["Offers a survey"]: scoring.NA,
        ids["Delights the customer"]: False,
    }
    result = scoring.score(spec, answers)
    # Resolution: (2 * 0.75 + 1 * 0.5) / 3 = 66.67 %; overall (100 + 3 * 66.67) / 4 = 75 %
    assert result.percent == Decimal("75.00")
    assert not result.is_passed  # the pass mark is 80 %


def test_every_change_is_in_the_scorecards_history(qa):
    scorecard, _version = make_scorecard(qa, publish=True)
    page = selectors.scorecard_history_page(scorecard=scorecard, page_number=1)
    kinds = {entry["object_type"] for entry in page.object_list}
    assert kinds == {"scorecard", "scorecardversion", "scorecardsection", "scorecardcriterion"}
    assert all(entry["actor"] == qa.email for entry in page.object_list)
    assert LogEntry.objects.filter(content_type__app_label="quality").count() >= 9


def test_api_style_nested_draft_names_nested_fields(qa):
    scorecard, _version = make_scorecard(qa, publish=True)
    with pytest.raises(DomainError) as caught:
        services.create_scorecard_version(
            scorecard=scorecard,
            change_summary="",
            pass_mark_percent="101",
            sections=[
                {"title": "A", "weight": "1", "criteria": [{"text": "x", "scale": "points"}]}
            ],
            actor=qa,
        )
    assert caught.value.fields == {
        "change_summary": ["Say what changes in this version."],
        "pass_mark_percent": ["The pass mark is a percentage from 0 to 100."],
        "sections.0.criteria.0.max_points": ["A points criterion needs its maximum points."],
    }
    assert scorecard.versions.count() == 1
