"""The QA scoring rules (bpo/quality/scoring.py): golden cases worked out by hand, and
properties that hold for any scorecard. Pure: runs with ``-p no:django``."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bpo.quality.scoring import (
    NA,
    AnswersInvalid,
    AutoFail,
    CriterionSpec,
    Scale,
    ScorecardSpec,
    SectionScore,
    SectionSpec,
    answer_problem,
    check_answers,
    criterion_field_problems,
    maximum_score,
    parse_answer,
    percent,
    score,
    section_field_problems,
    structure_problems,
    top_answer,
)

F = Fraction


def yes_no(key, weight, **kwargs):
    return CriterionSpec(key=key, weight=F(weight), **kwargs)


def section(key, weight, *criteria, **kwargs):
    return SectionSpec(key=key, weight=F(weight), criteria=tuple(criteria), **kwargs)


def card(*sections, pass_mark=80):
    return ScorecardSpec(sections=tuple(sections), pass_mark=F(pass_mark))


# --- golden cases ------------------------------------------------------------------------------


def test_weights_within_a_section_and_between_sections():
    # given two sections weighted 3:1; the first with criteria weighted 2:1:1
    spec = card(
        section("s1", 3, yes_no("a", 2), yes_no("b", 1), yes_no("c", 1)),
        section("s2", 1, yes_no("d", 1)),
    )
    # when a and c are met, b missed, d met
    result = score(spec, {"a": True, "b": False, "c": True, "d": True})
    # then s1 = 3/4 = 75 %, s2 = 100 %, overall = (3 * 75 + 1 * 100) / 4 = 81.25 %
    assert [s.score for s in result.sections] == [F(75), F(100)]
    assert result.score == F(325, 4)
    assert result.percent == Decimal("81.25")
    assert result.is_passed and not result.is_auto_failed


def test_na_renormalises_the_other_weights_of_its_section():
    spec = card(section("s", 1, yes_no("a", 2), yes_no("b", 1, allows_na=True), yes_no("c", 1)))
    # b N/A: a (2) met, c (1) missed -> 2/3
    result = score(spec, {"a": True, "b": NA, "c": False})
    assert result.sections[0].score == F(200, 3)
    assert result.percent == Decimal("66.67")
    assert not result.is_passed  # below the pass mark of 80 %


def test_an_all_na_section_leaves_the_overall_score_to_the_others():
    spec = card(
        section("s1", 1, yes_no("a", 1, allows_na=True), yes_no("b", 1, allows_na=True)),
        section("s2", 3, yes_no("c", 1), yes_no("d", 1)),
    )
    result = score(spec, {"a": NA, "b": NA, "c": True, "d": False})
    assert result.sections[0].score is None
    assert result.score == F(50)  # s2 alone, not (0 * 1 + 50 * 3) / 4


def test_everything_na_gives_no_score():
    spec = card(section("s", 1, yes_no("a", 1, allows_na=True)))
    result = score(spec, {"a": NA})
    assert result.score is None and result.percent is None
    assert not result.is_passed and not result.is_auto_failed


def test_scales_one_to_five_and_points():
    spec = card(
        section(
            "s",
            1,
            CriterionSpec("tone", F(1), Scale.ONE_TO_FIVE),
            CriterionSpec("steps", F(1), Scale.POINTS, max_points=8),
        )
    )
    # 4 on 1-5 is (4 - 1) / 4 = 75 %; 6 of 8 points is 75 %; 1 on 1-5 is 0
    assert score(spec, {"tone": 4, "steps": 6}).score == F(75)
    assert score(spec, {"tone": 1, "steps": 8}).score == F(50)
    assert score(spec, {"tone": 5, "steps": 0}).score == F(50)


def test_a_section_auto_fail_zeroes_its_section_only():
    spec = card(
        section("s1", 1, yes_no("verify", 1, auto_fail=AutoFail.SECTION), yes_no("b", 3)),
        section("s2", 1, yes_no("c", 1)),
    )
    result = score(spec, {"verify": False, "b": True, "c": True})
    assert result.sections[0].score == 0
    assert result.sections[0].is_auto_failed
    assert result.sections[0].failed_criteria == ("verify",)
    assert result.score == F(50)  # (0 + 100) / 2: the evaluation goes on
    assert not result.is_auto_failed


def test_an_evaluation_auto_fail_zeroes_everything():
    spec = card(
        section("s1", 1, yes_no("gdpr", 1, auto_fail=AutoFail.EVALUATION, label="Data protection")),
        section("s2", 1, yes_no("c", 1)),
    )
    result = score(spec, {"gdpr": False, "c": True})
    assert result.score == 0 and result.is_auto_failed and not result.is_passed
    assert result.auto_fail_reasons == ("Criterion “Data protection” failed.",)
    # the section's own score stays what it was (the report shows where it went wrong)
    assert result.sections[1].score == 100
    # met, it is an ordinary criterion
    assert score(spec, {"gdpr": True, "c": True}).score == 100


def test_an_auto_fail_item_answered_na_does_not_trip():
    spec = card(
        section(
            "s",
            1,
            yes_no("gate", 0, auto_fail=AutoFail.EVALUATION, allows_na=True),
            yes_no("a", 1),
        )
    )
    result = score(spec, {"gate": NA, "a": True})
    assert result.score == 100 and not result.is_auto_failed


def test_a_zero_weight_gate_counts_only_as_an_auto_fail():
    spec = card(section("s", 1, yes_no("gate", 0, auto_fail=AutoFail.SECTION), yes_no("a", 1)))
    assert score(spec, {"gate": True, "a": False}).score == 0  # a missed
    assert score(spec, {"gate": True, "a": True}).score == 100
    assert score(spec, {"gate": False, "a": True}).score == 0  # the gate tripped


def test_auto_fail_on_a_scale_trips_at_its_lowest_answer():
    spec = card(
        section(
            "s",
            1,
            CriterionSpec("tone", F(1), Scale.ONE_TO_FIVE, auto_fail=AutoFail.EVALUATION),
            CriterionSpec("pts", F(1), Scale.POINTS, max_points=3, auto_fail=AutoFail.SECTION),
        )
    )
    assert score(spec, {"tone": 1, "pts": 3}).is_auto_failed
    assert not score(spec, {"tone": 2, "pts": 3}).is_auto_failed
    assert score(spec, {"tone": 5, "pts": 0}).sections[0].is_auto_failed


def test_a_section_below_its_auto_fail_mark_fails_the_evaluation():
    spec = card(
        section("c", 1, yes_no("a", 1), yes_no("b", 1), auto_fail_below=F(100), label="Compliance"),
        section("s", 1, yes_no("d", 1)),
    )
    result = score(spec, {"a": True, "b": False, "d": True})
    assert result.sections[0].fails_evaluation
    assert result.score == 0 and result.is_auto_failed
    assert result.auto_fail_reasons == (
        "Section “Compliance” scored below its auto-fail mark of 100.00 %.",
    )
    assert score(spec, {"a": True, "b": True, "d": True}).score == 100


def test_a_bonus_lifts_above_100_percent_and_missing_it_costs_nothing():
    spec = card(
        section("s1", 1, yes_no("a", 4), yes_no("wow", 1, is_bonus=True, allows_na=True)),
        section("s2", 1, yes_no("b", 1)),
    )
    full = score(spec, {"a": True, "wow": True, "b": True})
    # s1: 4/4 + 1/4 bonus = 125 %; overall (125 + 100) / 2 = 112.5 %
    assert full.sections[0].score == 125 and full.sections[0].bonus == 25
    assert full.score == F(225, 2)
    assert score(spec, {"a": True, "wow": False, "b": True}).score == 100
    assert score(spec, {"a": True, "wow": NA, "b": True}).score == 100
    assert maximum_score(spec) == F(225, 2)


def test_a_bonus_is_worth_the_same_when_regular_criteria_are_na():
    spec = card(
        section(
            "s",
            1,
            yes_no("a", 2, allows_na=True),
            yes_no("b", 2),
            yes_no("wow", 1, is_bonus=True),
        )
    )
    # the bonus is 1 / 4 of the section's regular weight, N/A or not: 100 + 25
    assert score(spec, {"a": NA, "b": True, "wow": True}).score == 125
    assert score(spec, {"a": True, "b": True, "wow": True}).score == 125


def test_a_section_auto_fail_takes_the_bonus_too():
    spec = card(
        section(
            "s",
            1,
            yes_no("v", 1, auto_fail=AutoFail.SECTION),
            yes_no("a", 1),
            yes_no("wow", 1, is_bonus=True),
        )
    )
    assert score(spec, {"v": False, "a": True, "wow": True}).score == 0


def test_the_pass_mark_is_inclusive():
    spec = card(section("s", 1, *(yes_no(str(i), 1) for i in range(5))), pass_mark=80)
    answers = {str(i): i < 4 for i in range(5)}  # 4 of 5 = 80 %
    assert score(spec, answers).is_passed
    answers["3"] = False
    assert not score(spec, answers).is_passed


def test_rounding_half_up_to_two_places():
    assert percent(F(200, 3)) == Decimal("66.67")
    assert percent(F(1, 8)) == Decimal("0.13")  # 0.125 half up
    assert percent(F(100)) == Decimal("100.00")


def test_missing_and_unfitting_answers_are_all_named():
    spec = card(
        section(
            "s",
            1,
            yes_no("a", 1),
            CriterionSpec("b", F(1), Scale.ONE_TO_FIVE),
            CriterionSpec("c", F(1), Scale.POINTS, max_points=4),
            yes_no("d", 1, allows_na=True),
        )
    )
    with pytest.raises(AnswersInvalid) as caught:
        score(spec, {"a": NA, "b": 6, "c": 5})
    assert caught.value.problems == {
        "a": "This criterion cannot be answered N/A.",
        "b": "Answer from 1 to 5.",
        "c": "Answer from 0 to 4 points.",
        "d": "Answer this criterion (or N/A).",
    }
    with pytest.raises(AnswersInvalid):
        score(spec, {"a": 1, "b": True, "c": 1, "d": True})  # 1 is not yes; True is not 1-5


def test_parse_answer():
    yn = yes_no("a", 1)
    pts = CriterionSpec("b", F(1), Scale.POINTS, max_points=4)
    assert parse_answer(yn, "Yes") is True
    assert parse_answer(yn, "no") is False
    assert parse_answer(yn, "N/A") is NA
    assert parse_answer(yn, "") is None
    assert parse_answer(pts, "3") == 3
    assert parse_answer(pts, "²") == "²"
    assert parse_answer(pts, "-1") == "-1"


# --- structure rules ---------------------------------------------------------------------------


def test_structure_problems_name_every_field():
    spec = card(
        section("s1", 0, CriterionSpec("p", F(1), Scale.POINTS)),
        section(
            "s2",
            1,
            yes_no("b", 1, is_bonus=True, auto_fail=AutoFail.SECTION),
            yes_no("z", 0),
            CriterionSpec("y", F(-1), Scale.YES_NO, max_points=3),
            auto_fail_below=F(0),
        ),
        section("s3", 1),
        pass_mark=120,
    )
    keys = [(p.key, p.message) for p in structure_problems(spec)]
    assert keys == [
        ("pass_mark", "The pass mark is a percentage from 0 to 100."),
        ("sections.0.weight", "A section's weight must be above 0."),
        ("sections.0.criteria.0.max_points", "A points criterion needs its maximum points."),
        ("sections.1.auto_fail_below", "The auto-fail mark is a percentage above 0, at most 100."),
        (
            "sections.1.criteria",
            "Section 2 needs a regular (not bonus) criterion with a weight above 0.",
        ),
        (
            "sections.1.criteria.0.auto_fail",
            "A bonus criterion cannot be an auto-fail item: missing it costs nothing.",
        ),
        (
            "sections.1.criteria.1.weight",
            "A criterion with no weight counts for nothing: give it a weight above 0, "
            "or make it an auto-fail item.",
        ),
        ("sections.1.criteria.2.weight", "A weight cannot be negative."),
        ("sections.1.criteria.2.max_points", "Only a points criterion has maximum points."),
        ("sections.2.criteria", "Section 3 has no criteria."),
    ]
    assert [p.key for p in structure_problems(card())] == ["sections"]


def test_a_valid_structure_has_no_problems():
    spec = card(
        section(
            "s",
            2,
            yes_no("a", 1, allows_na=True),
            yes_no("gate", 0, auto_fail=AutoFail.EVALUATION),
            CriterionSpec("p", F(3), Scale.POINTS, max_points=10),
            yes_no("wow", 1, is_bonus=True),
        ),
        pass_mark=75,
    )
    assert structure_problems(spec) == []


def test_points_limits():
    assert criterion_field_problems(CriterionSpec("p", F(1), Scale.POINTS, max_points=0)) == [
        ("max_points", "Maximum points are a whole number from 1 to 1000.")
    ]
    assert criterion_field_problems(CriterionSpec("p", F(1), Scale.POINTS, max_points=1000)) == []
    assert criterion_field_problems(CriterionSpec("p", F(1), Scale.POINTS, max_points=1001))


# --- the words and fields each result carries (what forms and reports show) ----------------


def test_unlabelled_criteria_and_sections_are_named_by_their_key():
    # given an evaluation gate and a section with an auto-fail mark, neither labelled
    spec = card(
        section("s1", 1, yes_no("gate", 1, auto_fail=AutoFail.EVALUATION)),
        section("s2", 1, yes_no("a", 1), yes_no("b", 1), auto_fail_below=F(75)),
    )
    # when both fail
    result = score(spec, {"gate": False, "a": True, "b": False})
    # then the reasons name them by key
    assert result.auto_fail_reasons == (
        "Criterion gate failed.",
        "Section s2 scored below its auto-fail mark of 75.00 %.",
    )


def test_every_part_of_a_section_score():
    spec = card(
        section("plain", 1, yes_no("a", 3), yes_no("b", 1), yes_no("wow", 2, is_bonus=True)),
        section("na", 1, yes_no("c", 1, allows_na=True)),
        section(
            "tripped",
            1,
            yes_no("v", 1, auto_fail=AutoFail.SECTION),
            yes_no("d", 1),
            yes_no("wow2", 1, is_bonus=True),
        ),
    )
    result = score(
        spec, {"a": True, "b": False, "wow": True, "c": NA, "v": False, "d": True, "wow2": True}
    )
    # a scored section: 3 of 4 = 75 %, the bonus adds 2 / 4 = 50 points
    assert result.sections[0] == SectionScore("plain", F(125), F(75), F(50), False, False, ())
    # an all-N/A section: no score, no bonus, nothing failed
    assert result.sections[1] == SectionScore("na", None, None, F(0), False, False, ())
    # a section auto-failed by its own criterion: zero everywhere, the criterion named
    assert result.sections[2] == SectionScore("tripped", F(0), F(0), F(0), True, False, ("v",))
    assert result.sections[0].percent == Decimal("125.00")


def test_two_bonus_criteria_add_up():
    spec = card(
        section(
            "s",
            1,
            yes_no("a", 4),
            yes_no("wow", 1, is_bonus=True),
            CriterionSpec("extra", F(2), Scale.POINTS, max_points=4, is_bonus=True),
        )
    )
    # 100 % + 1/4 (wow) + 2 * 2/4 / 4 (extra: 2 of 4 points) = 100 + 25 + 25
    result = score(spec, {"a": True, "wow": True, "extra": 2})
    assert result.sections[0].bonus == 50 and result.score == 150


def test_answers_of_the_wrong_kind_are_named_in_words():
    yn = yes_no("a", 1)
    five = CriterionSpec("b", F(1), Scale.ONE_TO_FIVE)
    pts = CriterionSpec("c", F(1), Scale.POINTS, max_points=4)
    assert answer_problem(yn, 1) == "Answer yes or no."
    assert answer_problem(yn, "yes") == "Answer yes or no."
    assert answer_problem(yn, True) == ""
    assert answer_problem(five, True) == "Answer with a whole number."
    assert answer_problem(pts, "3") == "Answer with a whole number."
    assert answer_problem(pts, 2.0) == "Answer with a whole number."
    assert answer_problem(pts, -1) == "Answer from 0 to 4 points."
    # a points criterion without its maximum (a draft) takes only 0
    draft = CriterionSpec("d", F(1), Scale.POINTS)
    assert answer_problem(draft, 1) == "Answer from 0 to 0 points."
    assert answer_problem(draft, 0) == ""


def test_every_missing_answer_is_named_with_or_without_na():
    spec = card(
        section("s", 1, yes_no("a", 1), yes_no("b", 1), yes_no("c", 1, allows_na=True)),
        section("t", 1, yes_no("d", 1)),
    )
    assert check_answers(spec, {"b": None, "d": True}) == {
        "a": "Answer this criterion.",
        "b": "Answer this criterion.",
        "c": "Answer this criterion (or N/A).",
    }
    with pytest.raises(AnswersInvalid) as caught:
        score(spec, {"a": True, "c": 2, "d": True})
    assert str(caught.value) == "b: Answer this criterion.; c: Answer yes or no."


def test_the_top_answer_of_every_scale_is_a_valid_answer():
    for criterion in (
        yes_no("a", 1),
        CriterionSpec("b", F(1), Scale.ONE_TO_FIVE),
        CriterionSpec("c", F(1), Scale.POINTS, max_points=7),
        CriterionSpec("draft", F(1), Scale.POINTS),  # no maximum yet
    ):
        assert answer_problem(criterion, top_answer(criterion)) == ""
    assert top_answer(CriterionSpec("c", F(1), Scale.POINTS, max_points=7)) == 7


def test_parse_answer_keeps_unknown_words_and_long_numbers_as_text():
    yn = yes_no("a", 1)
    pts = CriterionSpec("b", F(1), Scale.POINTS, max_points=4)
    assert parse_answer(yn, "maybe") == "maybe"
    assert parse_answer(yn, " NA ") is NA
    assert parse_answer(pts, "na") is NA
    assert parse_answer(yn, None) is None  # type: ignore[arg-type]
    assert parse_answer(pts, "123456") == 123456
    assert parse_answer(pts, "1234567") == "1234567"
    assert repr(NA) == "NA"


def test_a_bonus_without_weight_is_named_twice():
    bonus = yes_no("wow", 0, is_bonus=True)
    assert criterion_field_problems(bonus) == [
        (
            "weight",
            "A criterion with no weight counts for nothing: give it a weight above 0, "
            "or make it an auto-fail item.",
        ),
        ("weight", "A bonus criterion needs a weight above 0."),
    ]


def test_the_limits_of_the_pass_mark_and_the_auto_fail_mark():
    def problems(pass_mark, below):
        spec = card(section("s", 1, yes_no("a", 1), auto_fail_below=below), pass_mark=pass_mark)
        return [p.key for p in structure_problems(spec)]

    assert problems(0, F(100)) == []
    assert problems(100, F(1, 2)) == []
    assert problems(F(-1, 2), None) == ["pass_mark"]
    assert problems(101, F(101)) == ["pass_mark", "sections.0.auto_fail_below"]
    assert problems(F(201, 2), F(201, 2)) == ["pass_mark", "sections.0.auto_fail_below"]
    assert section_field_problems(section("s", 1, auto_fail_below=F(0))) == [
        ("auto_fail_below", "The auto-fail mark is a percentage above 0, at most 100.")
    ]


def test_structure_problems_name_a_labelled_section_by_its_label():
    spec = card(section("s", 1, label="Compliance"))
    assert [(p.key, p.message) for p in structure_problems(spec)] == [
        ("sections.0.criteria", "Section “Compliance” has no criteria.")
    ]
    assert [(p.key, p.message) for p in structure_problems(card())] == [
        ("sections", "A scorecard needs at least one section.")
    ]


# --- properties --------------------------------------------------------------------------------

weights = st.fractions(min_value=0, max_value=10, max_denominator=4)


@st.composite
def criteria(draw, key):
    scale = draw(st.sampled_from(list(Scale)))
    is_bonus = draw(st.booleans())
    auto_fail = AutoFail.NONE if is_bonus else draw(st.sampled_from(list(AutoFail)))
    weight = draw(weights)
    if weight == 0 and (is_bonus or auto_fail == AutoFail.NONE):
        weight = F(1)
    return CriterionSpec(
        key=key,
        weight=weight,
        scale=scale,
        max_points=draw(st.integers(1, 20)) if scale == Scale.POINTS else None,
        allows_na=draw(st.booleans()),
        auto_fail=auto_fail,
        is_bonus=is_bonus,
    )


@st.composite
def scorecards(draw):
    sections = []
    for s in range(draw(st.integers(1, 4))):
        items = [draw(criteria(f"{s}.{c}")) for c in range(draw(st.integers(1, 5)))]
        items.append(CriterionSpec(f"{s}.r", draw(weights.filter(lambda w: w > 0))))
        below = draw(st.none() | st.fractions(min_value=1, max_value=100, max_denominator=1))
        sections.append(
            SectionSpec(
                f"{s}", draw(weights.filter(lambda w: w > 0)), tuple(items), auto_fail_below=below
            )
        )
    return ScorecardSpec(tuple(sections))


def answer_for(draw, criterion):
    options = []
    if criterion.allows_na:
        options.append(st.just(NA))
    if criterion.scale == Scale.YES_NO:
        options.append(st.booleans())
    elif criterion.scale == Scale.ONE_TO_FIVE:
        options.append(st.integers(1, 5))
    else:
        options.append(st.integers(0, criterion.max_points))
    return draw(st.one_of(options))


@st.composite
def scored(draw):
    spec = draw(scorecards())
    answers = {c.key: answer_for(draw, c) for section in spec.sections for c in section.criteria}
    return spec, answers


@settings(max_examples=60, deadline=None)
@given(scored())
def test_property_the_score_stays_within_its_bounds(case):
    spec, answers = case
    assert structure_problems(spec) == []
    result = score(spec, answers)
    top = maximum_score(spec)
    assert top is not None and top >= 100
    if result.score is not None:
        assert 0 <= result.score <= top
    for section_result in result.sections:
        if section_result.score is not None:
            assert section_result.score >= 0
            assert section_result.base is None or section_result.base <= 100
    if result.is_auto_failed:
        assert result.score == 0 and not result.is_passed


@settings(max_examples=60, deadline=None)
@given(scored())
def test_property_na_of_a_zero_weight_criterion_changes_nothing(case):
    spec, answers = case
    # given one more zero-weight, N/A-able criterion that does not trip (met) ...
    extra = CriterionSpec("extra", F(0), Scale.YES_NO, allows_na=True, auto_fail=AutoFail.SECTION)
    first = spec.sections[0]
    widened = ScorecardSpec(
        (
            SectionSpec(first.key, first.weight, (*first.criteria, extra), first.auto_fail_below),
            *spec.sections[1:],
        ),
        spec.pass_mark,
    )
    # then met or N/A, it changes no score
    before = score(spec, answers)
    for answer in (True, NA):
        after = score(widened, {**answers, "extra": answer})
        assert after.score == before.score
        assert [s.score for s in after.sections] == [s.score for s in before.sections]


@settings(max_examples=60, deadline=None)
@given(scored(), st.integers(1, 5))
def test_property_scaling_every_weight_changes_nothing(case, factor):
    spec, answers = case
    scaled = ScorecardSpec(
        tuple(
            SectionSpec(
                s.key,
                s.weight * factor,
                tuple(
                    CriterionSpec(
                        c.key,
                        c.weight * factor,
                        c.scale,
                        c.max_points,
                        c.allows_na,
                        c.auto_fail,
                        c.is_bonus,
                    )
                    for c in s.criteria
                ),
                s.auto_fail_below,
            )
            for s in spec.sections
        ),
        spec.pass_mark,
    )
    assert score(scaled, answers) == score(spec, answers)


@settings(max_examples=40, deadline=None)
@given(scored())
def test_property_meeting_a_missed_regular_criterion_never_lowers_the_score(case):
    spec, answers = case
    before = score(spec, answers)
    for section in spec.sections:
        for criterion in section.criteria:
            if answers[criterion.key] is False:
                after = score(spec, {**answers, criterion.key: True})
                if before.score is not None and after.score is not None:
                    assert after.score >= before.score
