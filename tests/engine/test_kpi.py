"""KPI formulas (scheduling.engine.kpi): hand-computed cases for every service-level convention,
the other service figures, CSAT/CES/FCR with their sample sizes, zero denominators, weekly
figures from summed intervals (not an average of daily percentages), and properties."""

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scheduling.engine import kpi
from scheduling.engine.kpi import (
    ContactExperience,
    ContactTotals,
    ExperienceTotals,
    Outcome,
    ServiceLevelConvention,
    Targets,
)

FAST = settings(max_examples=200, deadline=None)

# 110 offered, 10 of them flowed out; 80 answered, 60 of them within the threshold; 20
# abandoned, 8 of them within the threshold and 5 of those short (misdials).
CASE = ContactTotals(
    offered=110,
    answered=80,
    abandoned=20,
    short_abandoned=5,
    answered_within_threshold=60,
    abandoned_within_threshold=8,
    flowed_out=10,
    answered_wait_seconds=1_600,
    talk_seconds=16_000,
    hold_seconds=1_600,
    acw_seconds=2_400,
)

GOLDEN = {
    # 60 / (80 + 20 - 5)
    ServiceLevelConvention.ANSWERED_ABANDONED_LESS_SHORT: (60, 95),
    # 60 / (80 + 20)
    ServiceLevelConvention.ANSWERED_ABANDONED: (60, 100),
    # 60 / 80
    ServiceLevelConvention.ANSWERED_ONLY: (60, 80),
    # (60 + 8) / (80 + 20)
    ServiceLevelConvention.ABANDONED_WITHIN_POSITIVE: (68, 100),
    # 60 / (80 + 20 - 8)
    ServiceLevelConvention.ABANDONED_AFTER_THRESHOLD: (60, 92),
    # 60 / 110
    ServiceLevelConvention.OFFERED: (60, 110),
}


def test_every_convention_has_a_golden_case():
    assert set(GOLDEN) == set(ServiceLevelConvention)


@pytest.mark.parametrize("convention", list(ServiceLevelConvention), ids=str)
def test_service_level_of_each_convention_by_hand(convention):
    # given the case above, counted as computed by hand in GOLDEN
    numerator, denominator = GOLDEN[convention]

    # when
    terms = kpi.service_level_terms(CASE, convention)
    level = kpi.service_level(CASE, convention)

    # then
    assert terms == (numerator, denominator)
    assert level == pytest.approx(numerator / denominator)


def test_the_default_convention_leaves_short_abandons_out():
    # given / when
    level = kpi.service_level(CASE)

    # then 60 / 95 = 63.16 %
    assert kpi.DEFAULT_CONVENTION is ServiceLevelConvention.ANSWERED_ABANDONED_LESS_SHORT
    assert round(level * 100, 2) == 63.16


def test_every_convention_is_named_in_words_and_formula():
    for convention in ServiceLevelConvention:
        assert convention.label and "_" not in convention.label
        assert "answered within threshold" in convention.formula


def test_the_other_service_figures_by_hand():
    # given the case above
    # when
    figures = kpi.service_figures(CASE, "answered_only")

    # then
    assert figures.convention is ServiceLevelConvention.ANSWERED_ONLY
    assert figures.formula == "answered within threshold / answered"
    assert figures.service_level == pytest.approx(0.75)
    assert figures.asa_seconds == pytest.approx(20.0)  # 1600 / 80
    assert figures.abandon_rate == pytest.approx(20 / 110)
    assert figures.abandon_rate_less_short == pytest.approx(15 / 105)  # 1 in 7
    assert figures.aht_seconds == pytest.approx(250.0)  # (16000 + 1600 + 2400) / 80
    assert figures.occupancy is None  # no staffed time known
    assert (figures.offered, figures.answered, figures.abandoned) == (110, 80, 20)
    assert figures.flowed_out == 10


def test_occupancy_where_the_staffed_time_is_known():
    # given 20,000 s of handling in 25,000 staffed seconds
    totals = ContactTotals(answered=80, talk_seconds=20_000, staffed_seconds=25_000)

    # when / then
    assert kpi.occupancy(totals) == pytest.approx(0.8)
    assert kpi.occupancy(ContactTotals(staffed_seconds=0)) is None


def test_first_response_figures_of_an_async_line():
    # given 40 e-mails answered, 30 within the target, 144,000 s to first response in all
    totals = ContactTotals(
        first_responses=40, first_responses_within_target=30, first_response_seconds=144_000
    )

    # when
    figures = kpi.service_figures(totals)

    # then
    assert figures.first_response_level == pytest.approx(0.75)
    assert figures.mean_first_response_seconds == pytest.approx(3_600.0)
    assert figures.first_responses == 40
    assert figures.service_level is None  # no live contacts


def test_zero_denominators_give_none_never_an_error():
    # given no contacts at all
    figures = kpi.service_figures(ContactTotals())

    # then every ratio is "no contacts"
    for name in (
        "service_level",
        "asa_seconds",
        "abandon_rate",
        "abandon_rate_less_short",
        "aht_seconds",
        "occupancy",
        "first_response_level",
        "mean_first_response_seconds",
    ):
        assert getattr(figures, name) is None, name
    for convention in ServiceLevelConvention:
        assert kpi.service_level(ContactTotals(), convention) is None


def test_only_short_abandons_leave_no_denominator_under_the_default():
    # given three misdials and nothing else
    totals = ContactTotals(offered=3, abandoned=3, short_abandoned=3)

    # then the default convention and the rate without short abandons have nothing to count
    assert kpi.service_level(totals) is None
    assert kpi.abandon_rate_less_short(totals) is None
    assert kpi.abandon_rate(totals) == 1.0
    assert kpi.service_level(totals, ServiceLevelConvention.ANSWERED_ABANDONED) == 0.0


def _day(contacts: int, within: int) -> ContactTotals:
    return ContactTotals(
        offered=contacts,
        answered=contacts,
        answered_within_threshold=within,
        answered_wait_seconds=within * 5 + (contacts - within) * 60,
    )


def test_a_week_is_the_sum_of_its_intervals_not_the_mean_of_daily_percentages():
    # given a quiet day at 100 % (10 of 10) and a busy day at 50 % (45 of 90)
    quiet, busy = _day(10, 10), _day(90, 45)
    daily = [kpi.service_level(quiet), kpi.service_level(busy)]

    # when
    week = kpi.service_level(kpi.sum_totals([quiet, busy]))

    # then the week is 55 / 100, not (100 % + 50 %) / 2
    assert daily == [1.0, 0.5]
    assert week == pytest.approx(0.55)
    assert week != pytest.approx(sum(daily) / 2)


def test_adding_totals_keeps_staffed_time_unknown_until_some_is_given():
    assert (ContactTotals(offered=1) + ContactTotals(offered=2)).staffed_seconds is None
    added = ContactTotals(staffed_seconds=10) + ContactTotals(offered=2)
    assert added.staffed_seconds == 10
    assert added.offered == 2


# --- customer experience ----------------------------------------------------------------------


def test_csat_ces_and_fcr_from_contacts_with_sample_sizes():
    # given five contacts: CSAT 5, 4, 3, 1 (one not surveyed), CES 2, 6 and 3 answers of FCR
    contacts = [
        ContactExperience(csat=5, ces=2, resolved_first_contact=True),
        ContactExperience(csat=4, ces=None, resolved_first_contact=False),
        ContactExperience(csat=3, ces=6, resolved_first_contact=None),
        ContactExperience(csat=1, ces=None, resolved_first_contact=True),
        ContactExperience(csat=None, ces=None, resolved_first_contact=None),
    ]

    # when
    totals = kpi.experience_totals(contacts)
    figures = kpi.experience_figures(totals)

    # then 2 of 4 satisfied (4-5 of 5), mean 13 / 4, CES 8 / 2, FCR 2 of 3
    assert figures.csat_satisfied == kpi.SampledFigure(0.5, 4)
    assert figures.csat_mean == kpi.SampledFigure(3.25, 4)
    assert figures.ces_mean == kpi.SampledFigure(4.0, 2)
    assert figures.fcr.sample_size == 3
    assert figures.fcr.value == pytest.approx(2 / 3)


def test_experience_of_days_adds_sums_and_counts_not_means():
    # given one day with 2 answers of CSAT 5 and one with 8 answers averaging 2.5
    monday = ExperienceTotals(csat_responses=2, csat_satisfied=2, csat_score_total=10)
    tuesday = ExperienceTotals(csat_responses=8, csat_satisfied=1, csat_score_total=20)

    # when
    week = kpi.experience_figures(monday + tuesday)

    # then 30 / 10 = 3.0 (the mean of the daily means would be 3.75); 3 of 10 satisfied
    assert week.csat_mean == kpi.SampledFigure(3.0, 10)
    assert week.csat_satisfied == kpi.SampledFigure(0.3, 10)


def test_experience_without_answers_has_no_figure_and_sample_zero():
    figures = kpi.experience_figures(ExperienceTotals())
    for figure in (figures.csat_satisfied, figures.csat_mean, figures.ces_mean, figures.fcr):
        assert figure == kpi.SampledFigure(None, 0)


@pytest.mark.parametrize(
    ("contact", "message"),
    [
        (ContactExperience(csat=6), "CSAT must be a whole number from 1 to 5, got 6."),
        (ContactExperience(csat=0), "CSAT must be a whole number from 1 to 5, got 0."),
        (ContactExperience(ces=8), "CES must be a whole number from 1 to 7, got 8."),
    ],
)
def test_scores_outside_their_scale_are_refused(contact, message):
    with pytest.raises(ValueError) as error:
        kpi.experience_totals([contact])
    assert str(error.value) == message


# --- against targets -----------------------------------------------------------------------------


def test_outcomes_against_targets_by_hand():
    # given the case: SL 63.16 % (default), abandon without short 1 in 7 = 14.29 %, ASA 20 s
    targets = Targets(
        service_level_percent=Decimal("80"),
        service_level_seconds=20,
        max_abandon_percent=Decimal("15"),
        asa_seconds=20,
    )

    # when
    outcomes = kpi.service_outcomes(CASE, targets)

    # then
    assert outcomes == {
        "service_level": Outcome.MISSED,
        "abandon_rate": Outcome.MET,
        "asa_seconds": Outcome.MET,  # exactly on target counts as met
        "first_response_level": Outcome.NO_TARGET,
    }
    assert kpi.service_outcomes(CASE, targets, "abandoned_within_positive")["service_level"] == (
        Outcome.MISSED
    )
    assert Outcome.MISSED.label == "Missed"


def test_a_target_met_exactly_is_met_without_float_rounding():
    # given 29 of 100 answered in time (29/100*100 is 28.999... in floats) and a 29 % target
    totals = ContactTotals(offered=100, answered=100, answered_within_threshold=29)

    # when / then
    outcome = kpi.service_outcomes(totals, Targets(service_level_percent=Decimal("29")))
    assert outcome["service_level"] == Outcome.MET


def test_outcomes_without_contacts_say_so():
    outcomes = kpi.service_outcomes(ContactTotals(), Targets(service_level_percent=Decimal(80)))
    assert outcomes["service_level"] == Outcome.NO_CONTACTS
    assert Outcome.NO_CONTACTS.label == "No contacts"


def test_experience_outcomes_against_targets():
    totals = ExperienceTotals(
        csat_responses=10, csat_satisfied=9, csat_score_total=45, fcr_contacts=4, fcr_resolved=2
    )
    outcomes = kpi.experience_outcomes(
        totals, Targets(csat_percent=Decimal("85"), fcr_percent=Decimal("70"))
    )
    assert outcomes == {"csat_satisfied": Outcome.MET, "fcr": Outcome.MISSED}


# --- properties ------------------------------------------------------------------------------------


@st.composite
def consistent_totals(draw) -> ContactTotals:
    """Totals as the database allows them (its check constraint)."""
    offered = draw(st.integers(0, 5_000))
    answered = draw(st.integers(0, offered))
    abandoned = draw(st.integers(0, offered - answered))
    return ContactTotals(
        offered=offered,
        answered=answered,
        abandoned=abandoned,
        short_abandoned=draw(st.integers(0, abandoned)),
        answered_within_threshold=draw(st.integers(0, answered)),
        abandoned_within_threshold=draw(st.integers(0, abandoned)),
        flowed_out=offered - answered - abandoned,
        answered_wait_seconds=draw(st.integers(0, 600)) * answered,
        talk_seconds=draw(st.integers(0, 900)) * answered,
        hold_seconds=draw(st.integers(0, 120)) * answered,
        acw_seconds=draw(st.integers(0, 300)) * answered,
    )


@FAST
@given(totals=consistent_totals(), convention=st.sampled_from(list(ServiceLevelConvention)))
def test_service_level_lies_between_0_and_1(totals, convention):
    level = kpi.service_level(totals, convention)
    assert level is None or 0.0 <= level <= 1.0


@FAST
@given(totals=consistent_totals())
def test_rates_lie_between_0_and_1_and_averages_are_not_negative(totals):
    figures = kpi.service_figures(totals)
    for rate in (figures.abandon_rate, figures.abandon_rate_less_short):
        assert rate is None or 0.0 <= rate <= 1.0
    for average in (figures.asa_seconds, figures.aht_seconds):
        assert average is None or average >= 0.0


@FAST
@given(parts=st.lists(consistent_totals(), min_size=1, max_size=6))
def test_a_sum_of_spans_lies_between_its_lowest_and_highest_part(parts):
    # a weighted aggregation never leaves the range of its parts (a plain mean could be
    # dragged by an empty day; a weighted one ignores it)
    levels = [kpi.service_level(part) for part in parts]
    known = [level for level in levels if level is not None]
    total = kpi.service_level(kpi.sum_totals(parts))
    if not known:
        assert total is None
    else:
        assert min(known) - 1e-12 <= total <= max(known) + 1e-12


@FAST
@given(
    scores=st.lists(
        st.tuples(
            st.none() | st.integers(1, 5),
            st.none() | st.integers(1, 7),
            st.none() | st.booleans(),
        ),
        max_size=40,
    )
)
def test_experience_figures_stay_on_their_scales_with_their_sample_sizes(scores):
    contacts = [ContactExperience(csat=a, ces=b, resolved_first_contact=c) for a, b, c in scores]
    figures = kpi.experience_figures(kpi.experience_totals(contacts))
    assert figures.csat_mean.sample_size == sum(a is not None for a, _, _ in scores)
    assert figures.ces_mean.sample_size == sum(b is not None for _, b, _ in scores)
    assert figures.fcr.sample_size == sum(c is not None for _, _, c in scores)
    assert figures.csat_mean.value is None or 1.0 <= figures.csat_mean.value <= 5.0
    assert figures.ces_mean.value is None or 1.0 <= figures.ces_mean.value <= 7.0
    for share in (figures.csat_satisfied.value, figures.fcr.value):
        assert share is None or 0.0 <= share <= 1.0


# --- pinned after the mutation run (docs/testing.md) ---------------------------------------------


def test_adding_totals_adds_the_staffed_time_known_on_either_side():
    one_hour = ContactTotals(answered=1, staffed_seconds=3600)
    half_hour = ContactTotals(answered=1, staffed_seconds=1800)
    unknown = ContactTotals(answered=1)
    assert (one_hour + half_hour).staffed_seconds == 5400
    assert (unknown + half_hour).staffed_seconds == 1800
    assert (one_hour + unknown).staffed_seconds == 3600
    assert (unknown + unknown).staffed_seconds is None


def test_service_figures_carry_short_abandons_and_occupancy():
    # given 10 answered with 1500 s of handle time over 1 staffed hour, 3 abandoned, 2 short
    totals = ContactTotals(
        offered=13,
        answered=10,
        abandoned=3,
        short_abandoned=2,
        talk_seconds=1200,
        hold_seconds=100,
        acw_seconds=200,
        staffed_seconds=3600,
    )
    figures = kpi.service_figures(totals)
    assert figures.short_abandoned == 2
    assert figures.occupancy == pytest.approx(1500 / 3600)


def test_service_level_terms_take_the_convention_by_its_stored_name():
    # CASE: 60 met; answered only: 60 / 80
    assert kpi.service_level_terms(CASE, "answered_only") == (60, 80)
    assert kpi.service_level_terms(CASE, "offered") == (60, 110)


def test_one_contact_is_enough_for_an_outcome():
    # given one answered contact, within the threshold, after 20 s
    one = ContactTotals(
        offered=1, answered=1, answered_within_threshold=1, answered_wait_seconds=20
    )
    outcomes = kpi.service_outcomes(
        one,
        Targets(service_level_percent=Decimal(80), asa_seconds=30, max_abandon_percent=Decimal(5)),
    )
    assert outcomes["service_level"] is Outcome.MET
    assert outcomes["asa_seconds"] is Outcome.MET
    assert outcomes["abandon_rate"] is Outcome.MET  # 0 of 1 lost


def test_outcomes_without_answered_contacts_have_no_contacts_for_asa():
    nobody = ContactTotals(offered=2, abandoned=2)
    outcomes = kpi.service_outcomes(nobody, Targets(asa_seconds=30))
    assert outcomes["asa_seconds"] is Outcome.NO_CONTACTS


def test_outcomes_are_missed_above_a_maximum():
    # given 10 answered after 400 s of waiting in all (40 s each) and 3 of 13 lost
    totals = ContactTotals(offered=13, answered=10, abandoned=3, answered_wait_seconds=400)
    outcomes = kpi.service_outcomes(
        totals, Targets(asa_seconds=30, max_abandon_percent=Decimal(20))
    )
    assert outcomes["asa_seconds"] is Outcome.MISSED  # 40 s > 30 s
    assert outcomes["abandon_rate"] is Outcome.MISSED  # 23.1 % > 20 %


def test_a_percentage_target_is_compared_exactly_at_its_edge():
    # 79 of 100 is 79 %: below a 79.5 % target; 80 of 100 meets an 80 % target exactly
    target = Targets(service_level_percent=Decimal("79.5"))
    below = ContactTotals(offered=100, answered=100, answered_within_threshold=79)
    assert kpi.service_outcomes(below, target)["service_level"] is Outcome.MISSED
    exact = ContactTotals(offered=100, answered=100, answered_within_threshold=80)
    met = kpi.service_outcomes(exact, Targets(service_level_percent=Decimal(80)))
    assert met["service_level"] is Outcome.MET


def test_the_abandon_target_leaves_short_abandons_out_of_both_sides():
    # given 100 offered, 15 abandoned of which 10 short: 5 lost of 90 = 5.56 %
    totals = ContactTotals(offered=100, answered=85, abandoned=15, short_abandoned=10)
    outcome = lambda percent: kpi.service_outcomes(  # noqa: E731
        totals, Targets(max_abandon_percent=Decimal(percent))
    )["abandon_rate"]
    assert outcome("5.5") is Outcome.MISSED
    assert outcome("5.6") is Outcome.MET
    # and exactly at the maximum: 5 of 100 lost (no short abandons) against 5 %
    edge = ContactTotals(offered=100, answered=95, abandoned=5)
    exact = kpi.service_outcomes(edge, Targets(max_abandon_percent=Decimal(5)))
    assert exact["abandon_rate"] is Outcome.MET
    assert (
        kpi.service_outcomes(edge, Targets(max_abandon_percent=Decimal("4.9")))["abandon_rate"]
        is Outcome.MISSED
    )


def test_the_service_level_outcome_follows_the_chosen_convention():
    # CASE: 60 met of 95 (less short: 63.2 %) or of 80 answered (75 %); target 70 %
    target = Targets(service_level_percent=Decimal(70))
    assert kpi.service_outcomes(CASE, target)["service_level"] is Outcome.MISSED
    answered_only = kpi.service_outcomes(CASE, target, "answered_only")
    assert answered_only["service_level"] is Outcome.MET


def test_the_first_response_outcome():
    # given 9 of 10 first responses within target: 90 %
    totals = ContactTotals(first_responses=10, first_responses_within_target=9)
    outcome = lambda percent: kpi.service_outcomes(  # noqa: E731
        totals, Targets(first_response_percent=Decimal(percent))
    )["first_response_level"]
    assert outcome(90) is Outcome.MET
    assert outcome("90.1") is Outcome.MISSED


@pytest.mark.parametrize("score", [True, 4.0, "4"], ids=repr)
def test_a_score_that_is_not_a_whole_number_is_refused(score):
    with pytest.raises(ValueError, match="CSAT must be a whole number from 1 to 5"):
        kpi.experience_totals([ContactExperience(csat=score)])


def test_a_ratio_over_one_contact_is_a_figure():
    assert kpi.ratio(1, 1) == 1.0
    assert kpi.ratio(0, 1) == 0.0
    assert kpi.asa_seconds(ContactTotals(answered=1, answered_wait_seconds=20)) == 20.0
