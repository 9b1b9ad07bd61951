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
