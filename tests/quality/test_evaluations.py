"""Evaluations: interactions recorded once, answers saved and submitted, the stored score, the
week an evaluation counts in, and the week's QA figures with their intervals."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.db import connection

from bpo.accounts.roles import Role
from bpo.errors import ConflictError, DomainError
from bpo.quality import selectors
from bpo.quality.models import EvaluationStatus
from bpo.quality.services import evaluations
from bpo.quality.services.evaluations import AnswerInput
from tests.catalog.factories import ServiceLineFactory
from tests.conftest import make_user
from tests.quality.helpers import (
    answers_of,
    make_interaction,
    make_scorecard,
    submit_evaluation,
)
from tests.roster.factories import AgentFactory

pytestmark = pytest.mark.django_db

# CONTACT_SECTIONS: greets (y/n), verifies (y/n, auto-fail, weight 0) | resolves (1-5, w2),
# steps (points of 4), survey (y/n, N/A allowed), delights (bonus)
PERFECT = ["yes", "yes", "5", "4", "yes", "no"]


@pytest.fixture
def qa(client_a):
    user = make_user(Role.QA_ANALYST, client_a, email="qa@evaluations.test")
    connection.set_tenant(client_a)
    return user


@pytest.fixture
def line(qa):
    return ServiceLineFactory()


@pytest.fixture
def version(qa, line):
    return make_scorecard(qa, service_line=line, publish=True)[1]


def test_an_interaction_is_recorded_once(line):
    agent = AgentFactory()
    at = datetime(2026, 11, 30, 9, tzinfo=UTC)
    first = make_interaction(line, reference="C-1", agent=agent, occurred_at=at)
    again = make_interaction(line, reference=" C-1 ", agent=agent, occurred_at=at)
    assert again.pk == first.pk
    with pytest.raises(ConflictError, match="already recorded with another"):
        make_interaction(line, reference="C-1", agent=agent, occurred_at=at, channel="chat")


def test_bad_interactions_are_refused_by_field(line):
    with pytest.raises(DomainError) as caught:
        evaluations.record_interaction(
            service_line=line,
            reference="",
            channel="fax",
            occurred_at=datetime(2026, 11, 30, 9),  # noqa: DTZ001 (naive on purpose)
            agent=None,
        )
    assert set(caught.value.fields) == {"reference", "channel", "occurred_at"}


def test_a_submitted_evaluation_stores_its_score(qa, line, version):
    # given
    interaction = make_interaction(line, agent=AgentFactory())
    # when: resolves 4 of 5 (3/4), steps 2 of 4, survey N/A, bonus missed
    evaluation = submit_evaluation(version, interaction, qa, ["yes", "yes", "4", "2", "na", "no"])
    # then: opening 100 %; resolution (2 * 3/4 + 1 * 1/2) / 3 = 66.67 %; (1*100 + 3*66.67)/4
    assert evaluation.status == EvaluationStatus.SUBMITTED
    assert evaluation.score_percent == Decimal("75.00")
    assert evaluation.is_passed is False
    stored = {a.criterion.text: (a.value, a.is_na) for a in evaluation.answers.all()}
    assert stored["Offers a survey"] == (None, True)
    assert stored["Resolves the issue"] == (4, False)


def test_an_auto_fail_answer_fails_the_evaluation(qa, line, version):
    evaluation = submit_evaluation(
        version, make_interaction(line), qa, ["yes", "no", "5", "4", "yes", "yes"]
    )
    assert (evaluation.score_percent, evaluation.is_passed, evaluation.is_auto_failed) == (
        Decimal("0.00"),
        False,
        True,
    )
    assert evaluation.auto_fail_reasons == ["Criterion “Verifies the caller” failed."]


def test_a_draft_keeps_partial_answers_and_submit_names_what_is_missing(qa, line, version):
    evaluation = evaluations.start_evaluation(
        interaction=make_interaction(line), scorecard_version=version, evaluator=qa, actor=qa
    )
    criteria = list(answers_of(version, PERFECT))
    evaluations.save_evaluation(
        evaluation=evaluation,
        answers={criteria[0]: AnswerInput("yes", "Warm greeting")},
        overall_comment="Half done",
        submit=False,
        actor=qa,
    )
    evaluation.refresh_from_db()
    assert evaluation.status == EvaluationStatus.DRAFT and evaluation.score_percent is None
    with pytest.raises(DomainError) as caught:
        evaluations.save_evaluation(
            evaluation=evaluation,
            answers={criteria[0]: AnswerInput("yes"), criteria[2]: AnswerInput("7")},
            overall_comment="",
            submit=True,
            actor=qa,
        )
    fields = caught.value.fields
    assert fields[f"answers.{criteria[2]}"] == ["Answer from 1 to 5."]
    assert fields[f"answers.{criteria[1]}"] == ["Answer this criterion."]
    assert fields[f"answers.{criteria[4]}"] == ["Answer this criterion (or N/A)."]
    evaluation.refresh_from_db()
    assert evaluation.overall_comment == "Half done"  # nothing lost, nothing half-written


def test_a_submitted_evaluation_no_longer_changes(qa, line, version):
    evaluation = submit_evaluation(version, make_interaction(line), qa, PERFECT)
    with pytest.raises(ConflictError, match="no longer change"):
        evaluations.save_evaluation(
            evaluation=evaluation,
            answers=answers_of(version, PERFECT),
            overall_comment="",
            submit=True,
            actor=qa,
        )


def test_only_a_published_version_of_the_line_scores(qa, line):
    _scorecard, draft = make_scorecard(qa, name="Draft card", service_line=line)
    with pytest.raises(ConflictError, match="published scorecard version"):
        evaluations.start_evaluation(
            interaction=make_interaction(line), scorecard_version=draft, evaluator=qa, actor=qa
        )
    other_line = ServiceLineFactory()
    _card, other = make_scorecard(qa, name="Other", service_line=other_line, publish=True)
    with pytest.raises(DomainError, match="another service line"):
        evaluations.start_evaluation(
            interaction=make_interaction(line, reference="C-2"),
            scorecard_version=other,
            evaluator=qa,
            actor=qa,
        )


def test_the_week_is_the_interactions_iso_week_in_the_clients_zone(client_a):
    # Monday 00:30 in Auckland is Sunday 11:30 UTC: the evaluation counts in Monday's week.
    from zoneinfo import ZoneInfo

    instant = datetime(2026, 11, 29, 11, 30, tzinfo=UTC)
    assert evaluations.week_starts_on(instant, ZoneInfo("Pacific/Auckland")) == date(2026, 11, 30)
    assert evaluations.week_starts_on(instant, ZoneInfo("UTC")) == date(2026, 11, 23)


def test_the_weeks_qa_figures_per_line_agent_and_criterion(qa, line, version):
    # given three evaluations of two agents in one week, and one of another week
    ana, ben = AgentFactory(full_name="Ana"), AgentFactory(full_name="Ben")
    at = datetime(2026, 11, 24, 10, tzinfo=UTC)  # Tuesday of the week of 23 November
    scores = []
    for number, (agent, texts) in enumerate(
        [
            (ana, PERFECT),  # 100
            (ana, ["no", "yes", "5", "4", "yes", "no"]),  # opening 0: 75
            (ben, ["yes", "yes", "1", "0", "no", "no"]),  # resolution 0: 25
        ]
    ):
        interaction = make_interaction(line, reference=f"W-{number}", agent=agent, occurred_at=at)
        scores.append(submit_evaluation(version, interaction, qa, texts).score_percent)
    make_interaction(line, reference="LATER", occurred_at=datetime(2026, 12, 1, tzinfo=UTC))
    assert scores == [Decimal("100.00"), Decimal("75.00"), Decimal("25.00")]
    # when
    week = date(2026, 11, 23)
    [figures] = selectors.week_qa_figures(week_starts_on=week)
    # then: the line's mean 66.67 with its t interval, 1 of 3 passed (pass mark 80)
    values = [100.0, 75.0, 25.0]
    mean = sum(values) / 3
    deviation = math.sqrt(sum((v - mean) ** 2 for v in values) / 2)
    half = 4.302652729911275 * deviation / math.sqrt(3)
    line_figures = figures.figures
    assert (line_figures.evaluated, line_figures.passed) == (3, 1)
    assert line_figures.mean is not None
    assert line_figures.mean.estimate == pytest.approx(mean)
    assert line_figures.mean.low == pytest.approx(mean - half)
    assert line_figures.pass_rate is not None
    assert line_figures.pass_rate.estimate == pytest.approx(1 / 3)
    # agents by name: Ana 2 evaluations (87.5), Ben 1 (no interval below two)
    assert [(a.agent_name, a.figures.evaluated, a.figures.mean_value) for a in figures.agents] == [
        ("Ana", 2, 87.5),
        ("Ben", 1, 25.0),
    ]
    assert figures.agents[1].figures.mean is None
    # criteria, most failed first: "Delights" failed 3 of 3, then greets / resolves / steps
    by_text = {c.text: c for c in figures.criteria}
    assert figures.criteria[0].text == "Delights the customer"
    assert (
        by_text["Greets with the brand's name"].failed,
        by_text["Resolves the issue"].failed,
    ) == (
        1,
        1,
    )
    # resolves: shares 1, 1, 0 -> 66.67 %; survey: yes, yes, no -> 2 of 3
    assert by_text["Resolves the issue"].earned_value == pytest.approx(200 / 3)
    survey = by_text["Offers a survey"]
    assert (survey.answered, survey.failed) == (3, 1)
    assert survey.earned is not None and survey.earned.estimate == pytest.approx(200 / 3)
    assert line_figures.needed_for_mean is not None and line_figures.needed_for_mean > 3


def test_calibration_and_unsubmitted_evaluations_do_not_count(qa, line, version):
    interaction = make_interaction(line, occurred_at=datetime(2026, 11, 24, 10, tzinfo=UTC))
    evaluations.start_evaluation(
        interaction=interaction, scorecard_version=version, evaluator=qa, actor=qa
    )
    assert selectors.week_qa_figures(week_starts_on=date(2026, 11, 23)) == []
