"""Confidence intervals and sample sizes against values computed by hand (and published)."""

from __future__ import annotations

import math

import pytest

from bpo.quality import intervals

Z95 = 1.959963984540054  # the 97.5th percentile of the normal distribution
T_2 = 4.302652729911275  # Student's t, 97.5th percentile, 2 degrees of freedom


def wilson_by_hand(passed: int, n: int, z: float = Z95) -> tuple[float, float]:
    p = passed / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return centre - half, centre + half


def test_the_pass_rate_interval_is_wilsons():
    # given 8 of 10 passed; when
    interval = intervals.pass_rate_interval(8, 10)
    # then the formula's bounds, which are also the textbook's 0.4902-0.9433 (Newcombe 1998)
    low, high = wilson_by_hand(8, 10)
    assert interval is not None
    assert interval.estimate == 0.8
    assert interval.low == pytest.approx(low, abs=1e-12)
    assert interval.high == pytest.approx(high, abs=1e-12)
    assert (round(interval.low, 4), round(interval.high, 4)) == (0.4902, 0.9433)


def test_wilson_stays_inside_zero_and_one_at_the_edges():
    none_passed = intervals.pass_rate_interval(0, 5)
    all_passed = intervals.pass_rate_interval(5, 5)
    assert none_passed is not None and all_passed is not None
    assert none_passed.low == pytest.approx(0, abs=1e-12)
    assert none_passed.high == pytest.approx(wilson_by_hand(0, 5)[1])
    assert all_passed.high == pytest.approx(1, abs=1e-12)
    assert all_passed.low == pytest.approx(wilson_by_hand(5, 5)[0])
    assert intervals.pass_rate_interval(0, 0) is None


def test_a_99_percent_interval_is_wider():
    narrow = intervals.pass_rate_interval(8, 10)
    wide = intervals.pass_rate_interval(8, 10, confidence=0.99)
    assert narrow is not None and wide is not None
    assert wide.low < narrow.low and wide.high > narrow.high


def test_the_mean_interval_is_students_t():
    # 70, 80, 90: mean 80, s = 10, half-width t(0.975, 2) * 10 / sqrt(3)
    interval = intervals.mean_interval([70.0, 80.0, 90.0])
    assert interval is not None
    half = T_2 * 10 / math.sqrt(3)
    assert interval.estimate == 80
    assert interval.low == pytest.approx(80 - half, abs=1e-9)
    assert interval.high == pytest.approx(80 + half, abs=1e-9)
    assert interval.margin == pytest.approx(half)
    assert (round(interval.low, 2), round(interval.high, 2)) == (55.16, 104.84)


def test_one_score_has_no_interval_and_equal_scores_have_no_width():
    assert intervals.mean_interval([88.0]) is None
    flat = intervals.mean_interval([90.0, 90.0, 90.0])
    assert flat is not None and (flat.low, flat.high) == (90.0, 90.0)


def test_evaluations_needed_for_a_pass_rate():
    # 1.96^2 * 0.8 * 0.2 / 0.05^2 = 245.85 -> 246; unknown rate -> 0.5: 384.15 -> 385
    assert intervals.evaluations_needed_for_pass_rate(0.05, observed=0.8) == 246
    assert intervals.evaluations_needed_for_pass_rate(0.05) == 385
    # a rate of 0 or 1 would give 0 under the normal formula: the rule of three instead
    assert intervals.evaluations_needed_for_pass_rate(0.05, observed=1.0) == 60


def test_evaluations_needed_for_a_mean():
    # s = 10, margin 5 points: n = 17 gives t(16) * 10 / sqrt(17) = 5.14 > 5; n = 18 gives 4.97
    assert intervals.evaluations_needed_for_mean(5, deviation=10) == 18
    half_17 = 2.1199052992210112 * 10 / math.sqrt(17)
    assert half_17 > 5
    assert intervals.evaluations_needed_for_mean(5, deviation=0) == 2


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: intervals.pass_rate_interval(3, 2), "between 0 and the number"),
        (lambda: intervals.pass_rate_interval(1, 2, confidence=1.5), "confidence level"),
        (lambda: intervals.evaluations_needed_for_pass_rate(0), "margin is a share"),
        (lambda: intervals.evaluations_needed_for_pass_rate(0.1, observed=2), "observed pass"),
        (lambda: intervals.evaluations_needed_for_mean(0, deviation=3), "positive number"),
        (lambda: intervals.evaluations_needed_for_mean(1, deviation=-1), "never negative"),
    ],
)
def test_bad_inputs_say_why(call, message):
    with pytest.raises(ValueError, match=message):
        call()


@pytest.mark.parametrize(
    ("call", "words"),
    [
        (
            lambda: intervals.pass_rate_interval(3, 2),
            "Passed evaluations are between 0 and the number evaluated.",
        ),
        (
            lambda: intervals.mean_interval([1.0, 2.0], confidence=2),
            "The confidence level is a share between 0 and 1, e.g. 0.95.",
        ),
        (
            lambda: intervals.evaluations_needed_for_pass_rate(0),
            "The margin is a share between 0 and 1, e.g. 0.05 for 5 points.",
        ),
        (
            lambda: intervals.evaluations_needed_for_pass_rate(0.1, observed=2),
            "The observed pass rate is a share between 0 and 1.",
        ),
        (
            lambda: intervals.evaluations_needed_for_mean(0, deviation=3),
            "The margin is a positive number of score points.",
        ),
        (
            lambda: intervals.evaluations_needed_for_mean(1, deviation=-1),
            "A standard deviation is never negative.",
        ),
    ],
)
def test_refusals_in_exactly_these_words(call, words):
    # the words are shown to the user as they are
    with pytest.raises(ValueError) as caught:
        call()
    assert str(caught.value) == words


def test_sample_deviation():
    assert intervals.sample_deviation([70.0, 80.0, 90.0]) == pytest.approx(10)
    assert intervals.sample_deviation([1.0]) is None


def test_the_margin_of_an_uneven_interval_is_its_longer_side():
    # given 8 of 10 passed: Wilson's bounds lie 0.31 below and 0.14 above the estimate
    interval = intervals.pass_rate_interval(8, 10)
    assert interval is not None
    # then the margin is the distance to the lower bound
    assert interval.margin == pytest.approx(0.8 - 0.49016247153664183, abs=1e-12)


def test_an_interval_keeps_its_confidence_level():
    rate = intervals.pass_rate_interval(8, 10, confidence=0.9)
    mean = intervals.mean_interval([70.0, 80.0, 90.0], confidence=0.9)
    assert rate is not None and mean is not None
    assert (rate.confidence, mean.confidence) == (0.9, 0.9)
    assert intervals.pass_rate_interval(8, 10).confidence == 0.95  # type: ignore[union-attr]


def test_a_90_percent_mean_interval_uses_t_at_95_percent():
    # t(0.95, 2) = 2.919985580355516: the 90 % interval leaves 5 % on each side
    interval = intervals.mean_interval([70.0, 80.0, 90.0], confidence=0.9)
    assert interval is not None
    assert interval.high == pytest.approx(80 + 2.919985580355516 * 10 / math.sqrt(3), abs=1e-9)


def test_two_scores_are_enough_for_a_mean_interval_and_a_deviation():
    # 80 and 90: mean 85, s = sqrt(50), t(0.975, 1) = 12.706204736174698
    interval = intervals.mean_interval([80.0, 90.0])
    assert interval is not None
    half = 12.706204736174698 * math.sqrt(50) / math.sqrt(2)
    assert interval.estimate == 85
    assert interval.low == pytest.approx(85 - half, abs=1e-9)
    assert intervals.sample_deviation([80.0, 90.0]) == pytest.approx(math.sqrt(50))


def test_confidence_levels_of_0_and_1_are_refused():
    for confidence in (0.0, 1.0):
        with pytest.raises(ValueError, match="confidence level is a share between 0 and 1"):
            intervals.mean_interval([1.0, 2.0], confidence=confidence)
    # just inside the range is accepted
    assert intervals.pass_rate_interval(1, 2, confidence=0.999) is not None


def test_impossible_counts_are_refused_and_the_edges_accepted():
    for passed, evaluated in ((0, -1), (-1, 2), (3, 2)):
        with pytest.raises(ValueError, match="Passed evaluations are between 0 and the number"):
            intervals.pass_rate_interval(passed, evaluated)
    none_passed = intervals.pass_rate_interval(0, 1)
    all_passed = intervals.pass_rate_interval(1, 1)
    assert none_passed is not None and none_passed.estimate == 0
    assert all_passed is not None and all_passed.estimate == 1


def test_a_margin_that_fits_exactly_n_evaluations_asks_for_n():
    # given the margin z * 0.5 / 10: z^2 * 0.25 / margin^2 is 100 up to float noise
    margin = Z95 * 0.5 / 10
    # then 100 evaluations, not 101 because of the noise
    assert intervals.evaluations_needed_for_pass_rate(margin) == 100


def test_a_pass_rate_of_0_uses_the_rule_of_three_and_huge_sizes_are_capped():
    assert intervals.evaluations_needed_for_pass_rate(0.05, observed=0.0) == 60
    assert intervals.evaluations_needed_for_pass_rate(0.1, observed=0.0) == 30
    # 3 / 0.00001 = 300,000 and 1.96^2 / 4 / 0.001^2 = 960,000: both say the cap
    assert intervals.evaluations_needed_for_pass_rate(0.00001, observed=1.0) == 100_000
    assert intervals.evaluations_needed_for_pass_rate(0.001) == 100_000
    # a 99 % level asks for more: 2.5758^2 / 4 / 0.05^2 = 663.49 -> 664
    assert intervals.evaluations_needed_for_pass_rate(0.05, confidence=0.99) == 664


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda: intervals.evaluations_needed_for_pass_rate(1),
            "margin is a share between 0 and 1",
        ),
        (lambda: intervals.evaluations_needed_for_pass_rate(-0.1), "margin is a share"),
        (
            lambda: intervals.evaluations_needed_for_pass_rate(0.1, observed=-0.01),
            "observed pass rate is a share between 0 and 1",
        ),
        (lambda: intervals.evaluations_needed_for_pass_rate(0.1, observed=1.01), "observed pass"),
        (lambda: intervals.evaluations_needed_for_mean(-1, deviation=3), "positive number of"),
        (lambda: intervals.evaluations_needed_for_mean(1, deviation=1, confidence=1), "confidence"),
        (lambda: intervals.evaluations_needed_for_pass_rate(0.1, confidence=0), "confidence"),
    ],
)
def test_more_bad_inputs_say_why(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_evaluations_needed_for_a_mean_step_up_one_at_a_time():
    # given s = 3 and a margin of 2 points: the normal size is ceil((1.96 * 1.5)^2) = 9;
    # n = 11 gives t(10) * 3 / sqrt(11) = 2.015 > 2, n = 12 gives t(11) * 3 / sqrt(12) = 1.906
    assert intervals.evaluations_needed_for_mean(2, deviation=3) == 12
    # a wide margin needs only two: t(1) * 1 / sqrt(2) = 8.98 <= 10
    assert intervals.evaluations_needed_for_mean(10, deviation=1) == 2
    # s = 1, margin 1: t(5) * 1 / sqrt(6) = 1.049 > 1, t(6) * 1 / sqrt(7) = 0.925
    assert intervals.evaluations_needed_for_mean(1, deviation=1) == 7
    # a 99 % level asks for more than 95 %
    assert intervals.evaluations_needed_for_mean(2, deviation=3, confidence=0.99) > 12
    # beyond the cap: (1.96 * 100 / 0.1)^2 is 3.8 million
    assert intervals.evaluations_needed_for_mean(0.1, deviation=100) == 100_000
