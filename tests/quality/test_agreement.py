"""Calibration agreement: Krippendorff's alpha against the published examples, the bootstrap
interval (each resample against the package itself, reproducible from its seed), alignment to
the expert computed by hand, and the cases without an alpha. Pure: no database."""

from __future__ import annotations

from fractions import Fraction

import krippendorff
import numpy as np
import pytest

from bpo.quality import agreement, scoring
from bpo.quality.agreement import Alpha, Level, Scored

_ = None  # a missing value

# Krippendorff (2011), "Computing Krippendorff's alpha-reliability", section C: four observers,
# twelve units (also the package's docstring example).
K2011 = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, _, _, _],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, _, 3],
    [_, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, _],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, _],
]
# The package's first docstring example: three coders, fifteen units.
PACKAGE_EXAMPLE = [
    [_, _, _, _, _, 3, 4, 1, 2, 1, 1, 3, 3, _, 3],
    [1, _, 2, 1, 3, 3, 4, 3, _, _, _, _, _, _, _],
    [_, _, 2, 1, 3, 4, 4, _, 2, 1, 1, 3, 3, _, 4],
]


@pytest.mark.parametrize(
    ("data", "level", "published"),
    [
        (K2011, Level.NOMINAL, 0.743),
        (K2011, Level.ORDINAL, 0.815),
        (K2011, Level.INTERVAL, 0.849),
        (PACKAGE_EXAMPLE, Level.NOMINAL, 0.691358),
        (PACKAGE_EXAMPLE, Level.INTERVAL, 0.810845),
    ],
)
def test_alpha_is_the_published_value(data, level, published):
    # given the published reliability data; when
    alpha = agreement.alpha_of_matrix(data, level)
    # then the published alpha, to the places it is published with
    places = len(str(published).split(".")[1])
    assert round(alpha.value, places) == published
    if data is K2011:
        assert alpha.pairable == 40  # Krippendorff's n


def _counts_of(data):
    units = [[float(row[u]) for row in data if row[u] is not None] for u in range(len(data[0]))]
    domain = np.array(sorted({v for unit in units for v in unit}))
    return units, domain, agreement._value_counts(units, domain)


@pytest.mark.parametrize("level", list(Level))
def test_every_resample_is_the_packages_alpha_of_that_resample(level):
    # given the 2011 data and 200 resamples of its units
    units, domain, counts = _counts_of(K2011)
    picks = agreement.resample_picks(len(units), seed=7, resamples=200)
    # when the bootstrap computes them all at once
    fast = agreement.bootstrap_alphas(
        counts, [np.array([u]) for u in range(len(units))], domain, level, picks
    )
    # then each is what krippendorff.alpha says of the resampled units (or both undefined)
    for row, value in zip(picks, fast, strict=True):
        resampled = counts[row]
        pairable = resampled[resampled.sum(axis=1) >= 2]
        if np.count_nonzero(pairable.sum(axis=0)) < 2:
            assert np.isnan(value)
            continue
        expected = krippendorff.alpha(
            value_counts=pairable, value_domain=domain, level_of_measurement=level.value
        )
        assert value == pytest.approx(expected, abs=1e-9)


def test_the_interval_is_reproducible_from_its_seed():
    # given the same data twice with the same seed, and once with another
    first = agreement.alpha_of_matrix(K2011, Level.NOMINAL)
    again = agreement.alpha_of_matrix(K2011, Level.NOMINAL)
    other = agreement.alpha_of_matrix(K2011, Level.NOMINAL, seed=agreement.SEED + 1)
    # then the same interval, and another seed moves it a little
    assert (first.low, first.high) == (again.low, again.high)
    assert (first.low, first.high) != (other.low, other.high)
    assert first.low < first.value <= first.high <= 1
    assert first.resamples + first.undefined_resamples == agreement.RESAMPLES == 1000
    assert first.confidence == 0.95


def test_the_interval_is_the_percentiles_of_the_resamples():
    # given the resamples computed one by one with the package
    units, domain, counts = _counts_of(K2011)
    picks = agreement.resample_picks(len(units), seed=agreement.SEED, resamples=1000)
    alphas = []
    for row in picks:
        resampled = counts[row]
        pairable = resampled[resampled.sum(axis=1) >= 2]
        if np.count_nonzero(pairable.sum(axis=0)) >= 2:
            alphas.append(
                krippendorff.alpha(
                    value_counts=pairable, value_domain=domain, level_of_measurement="interval"
                )
            )
    # when the module makes the interval
    alpha = agreement.alpha_of_matrix(K2011, Level.INTERVAL)
    # then its bounds are their 2.5th and 97.5th percentiles
    assert alpha.resamples == len(alphas)
    assert alpha.low == pytest.approx(np.quantile(alphas, 0.025), abs=1e-9)
    assert alpha.high == pytest.approx(np.quantile(alphas, 0.975), abs=1e-9)


def test_in_words_with_krippendorffs_thresholds():
    assert Alpha(0.71, 0.52, 0.86).in_words == "0.71 (95 % CI 0.52–0.86): tentative agreement"  # noqa: RUF001
    assert Alpha(0.85).in_words == "0.85: reliable agreement"
    assert [agreement.verdict(v) for v in (0.8, 0.7996, 0.7994, 0.667, 0.6664, -0.2, None)] == [
        "reliable",
        "reliable",  # 0.800 to three places
        "tentative",
        "tentative",
        "unreliable",
        "unreliable",
        "",
    ]


def test_no_alpha_with_one_evaluator_all_agreeing_or_all_missing():
    # one evaluator: nothing to pair
    alone = agreement.alpha_of_matrix([[1, 0, 1]], Level.NOMINAL)
    assert alone.value is None and alone.reason == agreement.NO_PAIRS
    assert alone.in_words == f"No alpha: {agreement.NO_PAIRS}."
    # everyone gives the same answer everywhere: complete agreement, no variation
    same = agreement.alpha_of_matrix([[1, 1, 1], [1, 1, 1]], Level.NOMINAL)
    assert same.value is None and same.reason == agreement.NO_VARIATION
    assert same.pairable == 6
    # every answer missing (N/A)
    missing = agreement.alpha_of_matrix([[_, _], [_, _]], Level.INTERVAL)
    assert missing.value is None and missing.reason == agreement.NO_PAIRS
    # perfect agreement with variation is 1
    perfect = agreement.alpha_of_matrix([[1, 0, 1], [1, 0, 1]], Level.NOMINAL)
    assert perfect.value == 1.0
    assert perfect.in_words.endswith(": reliable agreement")


# --- a session -----------------------------------------------------------------------------------

GREETS = scoring.CriterionSpec("g", Fraction(1), label="Greets")
RESOLVES = scoring.CriterionSpec("r", Fraction(2), scoring.Scale.ONE_TO_FIVE, label="Resolves")
STEPS = scoring.CriterionSpec(
    "s", Fraction(1), scoring.Scale.POINTS, max_points=4, allows_na=True, label="Steps"
)
CRITERIA = [GREETS, RESOLVES, STEPS]
NA = scoring.NA


def _session(scores, expert="E", **kwargs):
    return agreement.session_agreement(
        CRITERIA, [Scored(*row) for row in scores], expert=expert, **kwargs
    )


SCORES = [
    # evaluator, interaction, answers, overall score
    ("E", "1", {"g": True, "r": 4, "s": 3}, 80.0),
    ("E", "2", {"g": False, "r": 2, "s": NA}, 30.0),
    ("E", "3", {"g": True, "r": 5, "s": 4}, 100.0),
    ("A", "1", {"g": True, "r": 4, "s": 2}, 75.0),
    ("A", "2", {"g": False, "r": 3, "s": NA}, 40.0),
    ("A", "3", {"g": True, "r": 5, "s": 4}, 100.0),
    ("B", "1", {"g": False, "r": 1, "s": 0}, 0.0),
    ("B", "2", {"g": True, "r": 5}, 90.0),  # "s" left unanswered: missing
]


def test_alignment_to_the_expert_by_hand():
    figures = _session(SCORES)
    by = {e.evaluator: e for e in figures.evaluators}
    # A: 9 answers compared (N/A = N/A counts as equal), 7 equal (s on 1, r on 2 differ)
    assert (by["A"].compared, by["A"].matched) == (9, 7)
    assert by["A"].alignment == pytest.approx(7 / 9)
    # score difference: (75-80 + 40-30 + 100-100) / 3 = 5/3 points (A is more lenient)
    assert by["A"].score_difference == pytest.approx(5 / 3)
    # B scored 1 and 2: g, r, s on 1 all differ; g, r on 2 differ; s unanswered is not compared
    assert (by["B"].compared, by["B"].matched, by["B"].alignment) == (5, 0, 0.0)
    assert by["B"].score_difference == pytest.approx(((0 - 80) + (90 - 30)) / 2)
    assert by["B"].interactions == 2
    # the expert has no alignment to themselves
    assert by["E"].is_expert and by["E"].alignment is None and by["E"].with_expert is None
    assert figures.expert == "E"


def test_per_criterion_alpha_reads_the_scale_and_leaves_na_out():
    figures = _session(SCORES)
    greets, resolves, steps = figures.criteria
    assert (greets.level, resolves.level, steps.level) == ("nominal", "ordinal", "interval")
    # greets: the package on the same matrix (E, A, B x interactions 1-3)
    expected = krippendorff.alpha(
        [[1, 0, 1], [1, 0, 1], [0, 1, np.nan]], level_of_measurement="nominal"
    )
    assert greets.alpha.value == pytest.approx(expected)
    # steps: interaction 2 is N/A or unanswered for everyone, so two interactions pair
    assert steps.interactions == 2
    expected_steps = krippendorff.alpha(
        [[3, 4], [2, 4], [0, np.nan]], level_of_measurement="interval"
    )
    assert steps.alpha.value == pytest.approx(expected_steps)


def test_overall_alpha_pairs_interaction_and_criterion_on_the_earned_share():
    figures = _session(SCORES)
    # units: (interaction, criterion); values: the earned share (yes 1, r: (r-1)/4, s: s/4)
    rows = {
        "E": [1, 0.75, 0.75, 0, 0.25, np.nan, 1, 1, 1],
        "A": [1, 0.75, 0.5, 0, 0.5, np.nan, 1, 1, 1],
        "B": [0, 0, 0, 1, 1, np.nan, np.nan, np.nan, np.nan],
    }
    expected = krippendorff.alpha(list(rows.values()), level_of_measurement="interval")
    assert figures.overall.value == pytest.approx(expected)
    # without B (the outlier) the others agree far better
    by = {e.evaluator: e for e in figures.evaluators}
    without_b = krippendorff.alpha([rows["E"], rows["A"]], level_of_measurement="interval")
    assert by["B"].others_without.value == pytest.approx(without_b)
    assert by["B"].others_without.value > figures.overall.value
    assert by["A"].with_expert.value == pytest.approx(without_b)
    # the figures without an evaluator are points: no interval
    assert by["B"].others_without.low is None


def test_a_session_without_an_expert_or_with_one_evaluator():
    no_expert = _session(SCORES, expert=None)
    assert no_expert.expert is None
    assert all(e.alignment is None and e.with_expert is None for e in no_expert.evaluators)
    alone = _session([row for row in SCORES if row[0] == "E"])
    assert alone.overall.reason == agreement.NO_PAIRS
    assert all(c.alpha.value is None for c in alone.criteria)
    # an expert who has not scored yet: no alignment
    assert _session(SCORES[3:], expert="E").expert is None


def test_figures_survive_a_round_trip_through_json():
    import json

    figures = _session(SCORES)
    again = agreement.Agreement.from_dict(json.loads(json.dumps(figures.as_dict())))
    assert again == figures


def test_an_interval_needs_at_least_half_of_the_resamples_defined():
    # given two units, each agreed on, with different values: a resample is defined only when
    # it picks both (seed 0 draws that in the first of two and of three resamples)
    data = [[1, 0], [1, 0]]
    half = agreement.alpha_of_matrix(data, Level.NOMINAL, seed=0, resamples=2)
    third = agreement.alpha_of_matrix(data, Level.NOMINAL, seed=0, resamples=3)
    # then one of two is enough for an interval, one of three is not
    assert (half.value, half.low, half.high) == (1.0, 1.0, 1.0)
    assert (half.resamples, half.undefined_resamples) == (1, 1)
    assert (third.value, third.low, third.high) == (1.0, None, None)
    assert (third.resamples, third.undefined_resamples) == (1, 2)


@pytest.mark.parametrize(
    ("data", "level"), [([[1], [0]], Level.NOMINAL), ([[0.5], [0]], Level.INTERVAL)]
)
def test_a_single_disagreement_is_alpha_zero_in_every_resample(data, level):
    # given one unit, two evaluators, two values (small ones: the interval level's expected
    # disagreement is 0.5 of 0.5 shares)
    alpha = agreement.alpha_of_matrix(data, level, resamples=4)
    # then alpha is the package's 0, and every resample (the same unit again) is 0 too
    assert krippendorff.alpha(data, level_of_measurement=level.value) == 0.0
    assert (alpha.value, alpha.low, alpha.high, alpha.resamples) == (0.0, 0.0, 0.0, 4)


def test_no_alpha_when_the_only_variation_is_in_an_unpaired_unit():
    # given two units both evaluators agree on (1) and a third only one evaluator scored (0)
    alpha = agreement.alpha_of_matrix([[1, 1, 0], [1, 1, _]], Level.NOMINAL)
    # then no variation among the paired values: no alpha, four values paired
    assert alpha == Alpha(None, pairable=4, reason=agreement.NO_VARIATION)


def test_ragged_and_empty_matrices():
    # given a row shorter than the others: its missing end is missing, not an error
    ragged = agreement.alpha_of_matrix([[1, 0, 1], [1, 0]], Level.NOMINAL, resamples=0)
    assert (ragged.value, ragged.pairable, ragged.low) == (1.0, 4, None)
    # given no evaluator at all: no pairs
    assert agreement.alpha_of_matrix([], Level.NOMINAL) == Alpha(None, reason=agreement.NO_PAIRS)


def test_the_resamples_pick_every_block_with_replacement():
    picks = agreement.resample_picks(3, seed=1, resamples=50)
    assert picks.shape == (50, 3)
    assert set(picks.ravel().tolist()) == {0, 1, 2}


def test_a_session_passes_its_seed_resamples_and_confidence_on():
    # given the session with its own seed, 50 resamples and 90 % intervals
    figures = _session(SCORES, seed=5, resamples=50, confidence=0.9)
    # then the figures say so
    assert (figures.seed, figures.resamples, figures.confidence) == (5, 50, 0.9)
    assert figures.overall.confidence == 0.9 and " (90 % CI " in figures.overall.in_words
    assert figures.overall.resamples + figures.overall.undefined_resamples == 50
    # and the overall alpha is the blocks' (one block per interaction, one unit per
    # criterion) with that seed and interval
    shares = {
        "E": [[1, 0.75, 0.75], [0, 0.25, None], [1, 1, 1]],
        "A": [[1, 0.75, 0.5], [0, 0.5, None], [1, 1, 1]],
        "B": [[0, 0, 0], [1, 1, None], [None, None, None]],
    }
    blocks = [
        [[shares[e][i][c] for e in "ABE" if shares[e][i][c] is not None] for c in range(3)]
        for i in range(3)
    ]
    assert figures.overall == agreement.alpha_of_blocks(
        blocks, Level.INTERVAL, seed=5, resamples=50, confidence=0.9
    )
    assert figures.overall.low is not None
    greets = agreement.alpha_of_matrix(
        [[1, 0, 1], [0, 1, _], [1, 0, 1]], Level.NOMINAL, seed=5, resamples=50, confidence=0.9
    )
    assert figures.criteria[0].alpha == greets
    assert [(c.key, c.label) for c in figures.criteria] == [
        ("g", "Greets"),
        ("r", "Resolves"),
        ("s", "Steps"),
    ]
    # and the figures come back from JSON with the same settings
    assert agreement.Agreement.from_dict(figures.as_dict()) == figures


def test_evaluators_and_interactions_in_natural_order():
    # given evaluators and interactions named by numbers, given out of order
    answers = {"10": [1, 0, 1, 1], "9": [1, 0, 0, 1], "E": [0, 0, 1, 1]}
    interactions = ["10", "2", "9", "1"]
    scores = [
        Scored(evaluator, interaction, {"g": bool(value)})
        for evaluator, values in answers.items()
        for interaction, value in zip(interactions, values, strict=True)
    ]
    # when
    figures = agreement.session_agreement([GREETS], reversed(scores), seed=3, resamples=40)
    # then 9 comes before 10, and the resamples draw the interactions as 1, 2, 9, 10 (in
    # the order "1", "10", "2", "9" the same seed gives another interval)
    assert [e.evaluator for e in figures.evaluators] == ["9", "E", "10"]
    by_interaction = [
        [answers[e][interactions.index(i)] for e in answers] for i in ["1", "2", "9", "10"]
    ]
    expected = agreement.alpha_of_matrix(
        [list(row) for row in zip(*by_interaction, strict=True)],
        Level.NOMINAL,
        seed=3,
        resamples=40,
    )
    assert figures.criteria[0].alpha == expected


def test_alignment_skips_what_either_side_left_out():
    # given C without interaction 1, "g" unanswered and no score on 2, N/A against the
    # expert's 4 on 3; D with one answer and no score at all
    scores = [
        *SCORES[:3],
        ("C", "2", {"r": 2, "s": NA}, None),
        ("C", "3", {"g": True, "r": 4, "s": NA}, 90.0),
        ("D", "1", {"g": True}, None),
    ]
    by = {e.evaluator: e for e in _session(scores).evaluators}
    # then C: on 2, r and s compared (both equal); on 3, g, r and s (only g equal)
    assert (by["C"].compared, by["C"].matched) == (5, 3)
    assert by["C"].score_difference == -10.0  # 90 - 100 on 3 only
    assert (by["D"].compared, by["D"].matched, by["D"].score_difference) == (1, 1, None)
    # and the expert compares nothing with themselves
    assert (by["E"].compared, by["E"].matched, by["E"].score_difference) == (0, 0, None)
