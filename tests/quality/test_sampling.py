"""Sampling through the services: the interaction list imported all or nothing (and again
without change), a line's plan, the draw (reproducible, stored, handed out by open load, once
per week) and what is due and what is done."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime

import pytest
from django.db import connection

from bpo.accounts.roles import Role
from bpo.errors import ConflictError, DomainError
from bpo.quality import sampling_selectors
from bpo.quality.models import EvaluationStatus, Interaction, SampleDraw
from bpo.quality.services import sampling as services
from bpo.quality.services.sampling import InteractionImportError
from tests.catalog.factories import ServiceLineFactory
from tests.conftest import make_user
from tests.quality.helpers import answers_of, make_scorecard
from tests.quality.sampling_helpers import MONDAY, client_agent, week_interactions

pytestmark = pytest.mark.django_db

PERFECT = ["yes", "yes", "5", "4", "yes", "no"]


@pytest.fixture
def qa(client_a):
    user = make_user(Role.QA_ANALYST, client_a, email="qa1@sampling.test", full_name="Quinn QA")
    connection.set_tenant(client_a)
    return user


@pytest.fixture
def qa2(client_a, qa):
    user = make_user(Role.QA_ANALYST, client_a, email="qa2@sampling.test", full_name="Rae QA")
    connection.set_tenant(client_a)
    return user


@pytest.fixture
def line(qa):
    return ServiceLineFactory(name="Order support", status="active")


@pytest.fixture
def version(qa, line):
    return make_scorecard(qa, publish=True)[1]  # for every line


def _rows(*rows):
    return [(number, values) for number, values in enumerate(rows, start=2)]


def _row(who, reference="R-1", **overrides):
    values = {
        "line": "Order support",
        "reference": reference,
        "channel": "voice",
        "occurred_at": "2026-11-24T10:00:00+01:00",
        "agent": who.employee_number,
        "link": "",
    }
    values.update(overrides)
    return values


# --- import ------------------------------------------------------------------------------------


def test_an_import_stores_every_row_and_again_changes_nothing(qa, line):
    agent = client_agent()
    rows = _rows(
        _row(agent, "R-1"),
        _row(agent, "R-2", line=str(line.pk), channel="E-mail", occurred_at="2026-11-24 09:30"),
    )
    first = services.import_interactions(rows=rows, actor=qa)
    assert (first.created, first.unchanged) == (2, 0)
    second = services.import_interactions(rows=rows, actor=qa)
    assert (second.created, second.unchanged) == (0, 2)
    stored = {i.reference: i for i in Interaction.objects.all()}
    assert stored["R-1"].occurred_at == datetime(2026, 11, 24, 9, tzinfo=UTC)
    # a local time is the client's (New York, UTC-5 in November)
    assert stored["R-2"].occurred_at == datetime(2026, 11, 24, 14, 30, tzinfo=UTC)
    assert stored["R-2"].channel == "email"


def test_a_bad_row_stores_nothing_and_names_row_and_field(qa, line):
    agent = client_agent()
    rows = _rows(
        _row(agent, "R-1"),
        _row(agent, "R-2", channel="fax", occurred_at="yesterday"),
        _row(agent, "R-3", agent="NOBODY", line="Unknown line"),
    )
    with pytest.raises(InteractionImportError) as caught:
        services.import_interactions(rows=rows, actor=qa)
    assert not Interaction.objects.exists()
    assert set(caught.value.fields) == {
        "rows.3.channel",
        "rows.3.occurred_at",
        "rows.4.agent",
        "rows.4.line",
    }
    assert caught.value.message.startswith("Nothing was imported: 4 problems. First: row 3")


def test_a_value_that_is_not_text_is_refused_by_row_and_field(qa, line):
    # given JSON carrying a lone surrogate (valid JSON, not storable text), found by schemathesis
    agent = client_agent()
    rows = _rows(
        _row(agent, "R-1"),
        _row(agent, "R-2", agent="\udb1c\udc15x", line="\ud928"),
        _row(agent, "NUL\x00"),
    )
    # when / then: refused as the other bad rows are, and nothing is stored
    with pytest.raises(InteractionImportError) as caught:
        services.import_interactions(rows=rows, actor=qa)
    assert set(caught.value.fields) == {"rows.3.agent", "rows.3.line", "rows.4.reference"}
    assert "not text" in caught.value.message
    assert not Interaction.objects.exists()


def test_a_conflict_with_a_stored_interaction_rolls_back_the_whole_file(qa, line):
    agent = client_agent()
    services.import_interactions(rows=_rows(_row(agent, "R-1")), actor=qa)
    rows = _rows(_row(agent, "R-9"), _row(agent, "R-1", channel="chat"))
    with pytest.raises(InteractionImportError) as caught:
        services.import_interactions(rows=rows, actor=qa)
    assert list(caught.value.fields) == ["rows.3.reference"]
    assert not Interaction.objects.filter(reference="R-9").exists()


def test_a_reference_twice_in_one_file_with_other_facts_is_refused(qa, line):
    agent = client_agent()
    rows = _rows(_row(agent, "R-1"), _row(agent, "R-1"), _row(agent, "R-1", channel="chat"))
    with pytest.raises(InteractionImportError, match="also in row 2"):
        services.import_interactions(rows=rows, actor=qa)


def test_an_agent_of_another_client_is_unknown(qa, line, client_b):
    from scheduling.roster.models import AgentServiceLine
    from tests.roster.factories import AgentFactory

    stranger = AgentFactory()
    AgentServiceLine.objects.create(agent=stranger, client=client_b)
    with pytest.raises(InteractionImportError) as caught:
        services.import_interactions(rows=_rows(_row(stranger)), actor=qa)
    assert list(caught.value.fields) == ["rows.2.agent"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2026-03-08 02:30", "does not exist in America/New_York"),
        ("2026-11-01 01:30", "happens twice in America/New_York"),
        ("2026-11-24", "has no time of day"),
    ],
)
def test_local_times_the_clock_skips_or_repeats_are_refused(qa, line, text, message):
    agent = client_agent()
    with pytest.raises(InteractionImportError, match=message):
        services.import_interactions(rows=_rows(_row(agent, occurred_at=text)), actor=qa)


# --- plans ---------------------------------------------------------------------------------------


def test_a_plan_is_created_and_changed(qa, line):
    plan = services.create_sampling_plan(
        service_line=line, mode="per_agent", evaluations_per_agent="4", actor=qa
    )
    assert (plan.evaluations_per_agent, plan.share_percent) == (4, None)
    services.update_sampling_plan(plan=plan, mode="share", share_percent="2,5", actor=qa)
    plan.refresh_from_db()
    assert (plan.mode, plan.evaluations_per_agent, str(plan.share_percent)) == (
        "share",
        None,
        "2.50",
    )
    with pytest.raises(ConflictError, match="has a sampling plan already"):
        services.create_sampling_plan(
            service_line=line, mode="per_agent", evaluations_per_agent=1, actor=qa
        )


@pytest.mark.parametrize(
    ("size", "field"),
    [
        ({"mode": "per_agent", "evaluations_per_agent": "0"}, "evaluations_per_agent"),
        ({"mode": "per_agent", "evaluations_per_agent": "2.5"}, "evaluations_per_agent"),
        ({"mode": "share", "share_percent": "0"}, "share_percent"),
        ({"mode": "share", "share_percent": "101"}, "share_percent"),
        ({"mode": "share", "share_percent": "1.234"}, "share_percent"),
        ({"mode": "share", "share_percent": "lots"}, "share_percent"),
        ({"mode": "all"}, "mode"),
    ],
)
def test_a_bad_plan_size_is_refused_by_field(qa, line, size, field):
    with pytest.raises(DomainError) as caught:
        services.save_sampling_plan(service_line=line, actor=qa, **size)
    assert list(caught.value.fields) == [field]


# --- the draw -------------------------------------------------------------------------------


def test_a_draw_creates_assigned_evaluations_handed_out_evenly(qa, qa2, line, version):
    ann, bob = client_agent(full_name="Ann"), client_agent(full_name="Bob")
    week_interactions(line, [(ann, 5), (bob, 2)])
    plan = services.create_sampling_plan(
        service_line=line, mode="per_agent", evaluations_per_agent=3, actor=qa
    )
    draw = services.draw_sample(plan=plan, week=MONDAY, evaluators=[qa, qa2], actor=qa, seed=11)
    evaluations = list(draw.evaluations.all())
    assert (draw.seed, draw.population, len(evaluations)) == (11, 7, 5)
    assert Counter(e.agent_id for e in evaluations) == {ann.pk: 3, bob.pk: 2}
    assert Counter(e.evaluator_id for e in evaluations) == {qa.pk: 3, qa2.pk: 2}
    assert {e.status for e in evaluations} == {EvaluationStatus.ASSIGNED}
    assert {e.due_on for e in evaluations} == {date(2026, 11, 30)}
    assert {e.scorecard_version_id for e in evaluations} == {version.pk}


def test_the_same_seed_draws_the_same_interactions(qa, line, version, client_b):
    agents = [client_agent() for _ in range(3)]
    week_interactions(line, [(a, 6) for a in agents])
    plan = services.create_sampling_plan(
        service_line=line, mode="share", share_percent="30", actor=qa
    )
    draw = services.draw_sample(plan=plan, week=MONDAY, evaluators=[qa], actor=qa, seed=99)
    picked = sorted(draw.evaluations.values_list("interaction__reference", flat=True))
    assert len(picked) == 6  # ceil(30 % of 18) = 6, two per agent
    # undo it and draw again with the stored seed: the same interactions
    draw.evaluations.all().delete()
    draw.delete()
    again = services.draw_sample(plan=plan, week=MONDAY, evaluators=[qa], actor=qa, seed=99)
    assert sorted(again.evaluations.values_list("interaction__reference", flat=True)) == picked


def test_a_week_is_drawn_once(qa, line, version):
    agent = client_agent()
    week_interactions(line, [(agent, 2)])
    plan = services.create_sampling_plan(
        service_line=line, mode="per_agent", evaluations_per_agent=1, actor=qa
    )
    services.draw_sample(plan=plan, week=MONDAY, evaluators=[qa], actor=qa)
    with pytest.raises(ConflictError, match="was drawn already"):
        services.draw_sample(plan=plan, week=MONDAY, evaluators=[qa], actor=qa)
    assert SampleDraw.objects.count() == 1


def test_a_backlog_gets_fewer_of_the_draw(qa, qa2, line, version):
    agent = client_agent()
    week_interactions(line, [(agent, 4)], monday=date(2026, 11, 16), prefix="OLD")
    week_interactions(line, [(agent, 4)])
    plan = services.create_sampling_plan(
        service_line=line, mode="per_agent", evaluations_per_agent=4, actor=qa
    )
    services.draw_sample(plan=plan, week=date(2026, 11, 16), evaluators=[qa], actor=qa)
    draw = services.draw_sample(plan=plan, week=MONDAY, evaluators=[qa, qa2], actor=qa)
    # qa has 4 open from last week: all four of this week go to qa2
    assert Counter(draw.evaluations.values_list("evaluator_id", flat=True)) == {qa2.pk: 4}


@pytest.mark.parametrize("what", ["no scorecard", "no interactions", "not a qa", "not monday"])
def test_a_draw_that_cannot_be_made_says_why(qa, line, client_a, what):
    agent = client_agent()
    if what != "no scorecard":
        make_scorecard(qa, publish=True)
    if what != "no interactions":
        week_interactions(line, [(agent, 2)])
    plan = services.create_sampling_plan(
        service_line=line, mode="per_agent", evaluations_per_agent=1, actor=qa
    )
    evaluator = qa
    if what == "not a qa":
        evaluator = make_user(Role.CLIENT_ADMIN, client_a, email="ca@sampling.test")
        connection.set_tenant(client_a)
    week = date(2026, 11, 24) if what == "not monday" else MONDAY
    messages = {
        "no scorecard": "No published scorecard applies",
        "no interactions": "import the week's interactions",
        "not a qa": "is not a QA analyst",
        "not monday": "by its Monday",
    }
    with pytest.raises(DomainError, match=messages[what]):
        services.draw_sample(plan=plan, week=week, evaluators=[evaluator], actor=qa)
    assert not SampleDraw.objects.exists()


def test_the_line_scorecard_comes_before_the_one_for_every_line(qa, line):
    make_scorecard(qa, name="Every line", publish=True)
    own = make_scorecard(qa, name="Own", service_line=line, publish=True)[1]
    assert sampling_selectors.published_version_for_line(service_line_id=line.pk) == own


# --- due and done ----------------------------------------------------------------------------


def test_due_and_done_counts_per_evaluator_and_agent(qa, qa2, line, version):
    from bpo.quality.services import evaluations

    ann = client_agent(full_name="Ann Agent")
    week_interactions(line, [(ann, 4)])
    plan = services.create_sampling_plan(
        service_line=line, mode="per_agent", evaluations_per_agent=4, actor=qa
    )
    draw = services.draw_sample(plan=plan, week=MONDAY, evaluators=[qa, qa2], actor=qa, seed=1)
    mine = draw.evaluations.filter(evaluator=qa).first()
    evaluations.save_evaluation(
        evaluation=mine,
        answers=answers_of(version, PERFECT),
        overall_comment="",
        submit=True,
        actor=qa,
    )
    figures = sampling_selectors.due_and_done(monday=MONDAY, today=date(2026, 12, 3))
    by_name = {row.name: row for row in figures.by_evaluator}
    assert (by_name["Quinn QA"].drawn, by_name["Quinn QA"].done, by_name["Quinn QA"].open) == (
        2,
        1,
        1,
    )
    assert by_name["Quinn QA"].overdue == 1  # due 30 November, open on 3 December
    assert (by_name["Rae QA"].drawn, by_name["Rae QA"].overdue) == (2, 2)
    (agent_row,) = figures.by_agent
    assert (agent_row.name, agent_row.drawn, agent_row.done) == ("Ann Agent", 4, 1)
    assert figures.total.done_percent == 25
    # before the due day nothing is overdue; another week has nothing
    assert sampling_selectors.due_and_done(monday=MONDAY, today=MONDAY).total.overdue == 0
    assert sampling_selectors.due_and_done(monday=date(2026, 11, 30), today=MONDAY).total is None


# --- the QA analyst's to-do --------------------------------------------------------------------


def test_the_qa_analyst_is_asked_to_draw_this_weeks_sample(qa, line, version, client_a):
    from bpo.portal.todos import todos_for
    from bpo.quality.sampling_todos import this_monday

    # given two lines with an active plan, one paused, one drawn this week already
    drawn_line = ServiceLineFactory(name="Returns", status="active")
    paused_line = ServiceLineFactory(name="Paused line", status="active")
    agent = client_agent()
    monday = this_monday(client_a)
    services.create_sampling_plan(
        service_line=line, mode="per_agent", evaluations_per_agent=1, actor=qa
    )
    services.create_sampling_plan(
        service_line=paused_line,
        mode="per_agent",
        evaluations_per_agent=1,
        is_active=False,
        actor=qa,
    )
    drawn = services.create_sampling_plan(
        service_line=drawn_line, mode="share", share_percent=50, actor=qa
    )
    week_interactions(drawn_line, [(agent, 1)])
    SampleDraw.objects.create(sampling_plan=drawn, week_starts_on=monday, seed=1, population=0)
    manager = make_user(Role.ACCOUNT_MANAGER, client_a, email="am@sampling.test")
    connection.set_schema_to_public()
    # when
    todos = [t for t in todos_for(user=qa, clients=[client_a]) if t.kind == "qa_sample_draw"]
    # then only the active, undrawn line waits, linking to its draw for this week
    assert [t.title for t in todos] == ["Draw this week's QA sample of Order support"]
    week = monday.isocalendar()
    assert todos[0].url.endswith(f"/draw/?week={week.year}-W{week.week:02d}")
    assert not [
        t for t in todos_for(user=manager, clients=[client_a]) if t.kind == "qa_sample_draw"
    ]
