"""The draw of a QA sample and its hand-out (the pure module ``bpo.quality.sampling``): the
same seed picks the same sample whatever the input order, per-agent caps, share rounding and
proportional strata, balanced hand-out by open load. No database."""

from __future__ import annotations

import math
from collections import Counter
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bpo.quality import sampling
from bpo.quality.sampling import Plan

# 3 agents: 10 has 5 interactions, 20 has 2, 30 has 13 (20 in all)
POPULATION = (
    [(i, 10) for i in range(1, 6)] + [(i, 20) for i in (6, 7)] + [(i, 30) for i in range(8, 21)]
)
AGENT_OF = dict(POPULATION)
PINNED_MIXED = [9, 1, 8, 4]


def per_agent(picked):
    return Counter(AGENT_OF[i] for i in picked)


def test_the_same_seed_picks_the_same_sample():
    first = sampling.draw(POPULATION, Plan(per_agent=3), seed=42)
    assert sampling.draw(POPULATION, Plan(per_agent=3), seed=42) == first
    # pinned: a change of the algorithm would change what stored seeds mean, so it shows here
    assert first == [11, 5, 9, 10, 1, 6, 7, 3]


def test_another_seed_picks_another_sample():
    samples = {
        tuple(sorted(sampling.draw(POPULATION, Plan(per_agent=3), seed=seed))) for seed in range(20)
    }
    assert len(samples) > 1


def test_the_order_of_the_population_does_not_matter():
    shuffled = POPULATION[7:] + POPULATION[:7]
    assert sampling.draw(shuffled, Plan(per_agent=2), seed=7) == sampling.draw(
        POPULATION, Plan(per_agent=2), seed=7
    )


def test_per_agent_takes_n_of_each_agent_or_all_they_have():
    picked = sampling.draw(POPULATION, Plan(per_agent=3), seed=1)
    assert per_agent(picked) == {10: 3, 20: 2, 30: 3}
    assert len(set(picked)) == len(picked) == 8
    assert sampling.sample_size(POPULATION, Plan(per_agent=3)) == 8


def test_a_share_rounds_up():
    # 10 % of 20 is 2; 12.5 % of 20 is 2.5 -> 3; 1 % of 20 is 0.2 -> 1
    assert len(sampling.draw(POPULATION, Plan.of_percent("10"), seed=3)) == 2
    assert len(sampling.draw(POPULATION, Plan.of_percent("12.5"), seed=3)) == 3
    assert len(sampling.draw(POPULATION, Plan.of_percent("1"), seed=3)) == 1
    assert len(sampling.draw(POPULATION, Plan.of_percent("100"), seed=3)) == 20
    assert sampling.share_size(Fraction(7, 100), 100) == 7  # exact: no float's 7.000000001


def test_a_share_is_split_over_agents_in_proportion():
    # 50 % of 20 = 10: agent 10 gets 2.5, agent 20 gets 1, agent 30 gets 6.5 -> the two
    # halves go to 10 and 30 (their remainders, 0.5 each, beat 20's 0)
    picked = sampling.draw(POPULATION, Plan.of_percent("50"), seed=5)
    counts = per_agent(picked)
    assert counts[20] == 1
    assert sorted([counts[10], counts[30]]) in ([2, 7], [3, 6])
    assert sum(counts.values()) == 10


def test_an_empty_population_picks_nothing():
    assert sampling.draw([], Plan(per_agent=5), seed=1) == []
    assert sampling.sample_size([], Plan.of_percent("10")) == 0


def test_a_repeated_interaction_is_refused():
    with pytest.raises(ValueError, match=r"^Interaction 7 is in the population twice\.$"):
        sampling.draw([(7, 10), (7, 20)], Plan(per_agent=1), seed=1)


EITHER = "A plan picks either n per agent or a share of the interactions."
SHARE_RANGE = "A share is above 0 and at most 1 (100 %)."


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({}, EITHER),
        ({"per_agent": 1, "share": Fraction(1, 2)}, EITHER),
        ({"per_agent": 0}, "A per-agent plan picks at least one interaction per agent."),
        ({"share": Fraction(0)}, SHARE_RANGE),
        ({"share": Fraction(11, 10)}, SHARE_RANGE),
    ],
)
def test_a_plan_needs_one_size(kwargs, message):
    with pytest.raises(ValueError) as caught:
        Plan(**kwargs)
    assert str(caught.value) == message


def test_a_share_from_a_percentage_is_exact():
    assert Plan.of_percent("12.5").share == Fraction(1, 8)
    assert Plan.of_percent(100).share == 1


def test_interactions_without_agent_are_one_group_drawn_last():
    picked = sampling.draw([(1, None), (2, None), (3, 10)], Plan(per_agent=1), seed=9)
    assert len(picked) == 2
    assert 3 in picked
    # pinned: the agents' groups are drawn in a fixed order, the one without agent last
    mixed = [(i, None) for i in range(1, 7)] + [(i, 10) for i in range(7, 13)]
    assert sampling.draw(mixed, Plan(per_agent=2), seed=4) == PINNED_MIXED


def test_equal_loads_are_handed_out_round_robin():
    given = sampling.hand_out([11, 12, 13, 14, 15], ["ann", "bob"], {})
    assert [given[i] for i in (11, 12, 13, 14, 15)] == ["ann", "bob", "ann", "bob", "ann"]


def test_a_backlog_gets_fewer():
    # bob has 3 open evaluations: ann gets the first three, then they alternate
    given = sampling.hand_out(list(range(7)), ["ann", "bob"], {"bob": 3})
    assert Counter(given.values()) == {"ann": 5, "bob": 2}
    assert [given[i] for i in range(4)] == ["ann", "ann", "ann", "ann"]


@pytest.mark.parametrize(
    ("evaluators", "loads", "message"),
    [
        ([], {}, "Choose at least one evaluator."),
        (["ann", "ann"], {}, "An evaluator is named twice."),
        (["ann"], {"ann": -1}, "An open load is never negative."),
    ],
)
def test_hand_out_needs_evaluators(evaluators, loads, message):
    with pytest.raises(ValueError) as caught:
        sampling.hand_out([1], evaluators, loads)
    assert str(caught.value) == message


# --- properties -----------------------------------------------------------------------------

populations = st.dictionaries(
    st.integers(min_value=1, max_value=10_000),
    st.one_of(st.none(), st.integers(min_value=1, max_value=6)),
    max_size=80,
).map(lambda rows: list(rows.items()))
plans = st.one_of(
    st.integers(min_value=1, max_value=8).map(lambda n: Plan(per_agent=n)),
    st.fractions(min_value=Fraction(1, 1000), max_value=1, max_denominator=1000).map(
        lambda share: Plan(share=share)
    ),
)
seeds = st.integers(min_value=0, max_value=2**63 - 1)


@settings(max_examples=150, deadline=None)
@given(populations, plans, seeds, st.randoms(use_true_random=False))
def test_a_draw_is_reproducible_and_ignores_input_order(population, plan, seed, shuffler):
    picked = sampling.draw(population, plan, seed)
    again = list(population)
    shuffler.shuffle(again)
    assert sampling.draw(again, plan, seed) == picked
    assert len(set(picked)) == len(picked)
    assert set(picked) <= {i for i, _ in population}
    assert len(picked) == sampling.sample_size(population, plan)


@settings(max_examples=150, deadline=None)
@given(populations, st.integers(min_value=1, max_value=8), seeds)
def test_per_agent_caps_hold(population, n, seed):
    agent_of = dict(population)
    picked = Counter(agent_of[i] for i in sampling.draw(population, Plan(per_agent=n), seed))
    have = Counter(agent_of.values())
    assert picked == {agent: min(n, count) for agent, count in have.items()}


@settings(max_examples=150, deadline=None)
@given(
    populations,
    st.fractions(min_value=Fraction(1, 1000), max_value=1, max_denominator=1000),
    seeds,
)
def test_a_share_is_rounded_up_and_proportional(population, share, seed):
    agent_of = dict(population)
    picked = sampling.draw(population, Plan(share=share), seed)
    total = math.ceil(share * len(population))
    assert len(picked) == total
    have = Counter(agent_of.values())
    got = Counter(agent_of[i] for i in picked)
    for agent, count in have.items():
        exact = Fraction(total * count, len(population))
        assert math.floor(exact) <= got[agent] <= math.ceil(exact)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.integers(), unique=True, max_size=60),
    st.lists(st.text(min_size=1, max_size=3), unique=True, min_size=1, max_size=5),
    st.data(),
)
def test_each_goes_to_a_least_loaded_evaluator(picked, evaluators, data):
    before = {e: data.draw(st.integers(min_value=0, max_value=10)) for e in evaluators}
    given_to = sampling.hand_out(picked, evaluators, before)
    assert set(given_to) == set(picked)
    load = dict(before)
    for interaction_id in picked:
        chosen = given_to[interaction_id]
        assert load[chosen] == min(load.values())
        load[chosen] += 1
    # with equal loads before, nobody ends more than one ahead
    if len(set(before.values())) == 1:
        assert max(load.values()) - min(load.values()) <= 1


def test_agents_are_drawn_in_the_order_of_their_ids_not_of_their_interactions():
    # agent 30's interactions come first by id; agent 10 is still drawn first (pinned)
    population = [(1, 30), (2, 30), (3, 30), (4, 10), (5, 10), (6, 10)]
    assert sampling.draw(population, Plan(per_agent=1), seed=4) == [2, 4]
