"""The greedy and the one-agent repair (scheduling.engine.optimiser.construct) on the tiny week
of ``test_optimiser_parts.py``, case by case with hand-computed shift values: what the mutation
run of construct.py showed was not pinned (docs/testing.md). Pure: no database.

Shift values by the greedy's documented rule: 100 per covered interval still short in one of
the agent's queues, -10 per interval over-covered, minus hours x hourly cost (and the weekend
penalty beyond the free days). Intervals are 4 hours: an early shift (2 intervals) is 8 h, a
late one (3 intervals) 12 h.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from scheduling.engine.optimiser.construct import (
    best_single_agent,
    choice_is_valid,
    greedy_plan,
    limits_ok,
)
from scheduling.engine.optimiser.model import Contract, Penalties, Rules
from scheduling.engine.optimiser.options import WeeklyLimits, allowed_options, build_options
from tests.engine.test_optimiser_parts import QUEUES, option_of, person, tiny


def limits(min_shifts=0, max_shifts=2, min_hours=0.0, max_hours=24.0) -> WeeklyLimits:
    return WeeklyLimits(min_shifts, max_shifts, min_hours, max_hours)


def greedy(problem, limits_of, seed=0, allowed_of=None):
    options = build_options(problem)
    if allowed_of is None:
        allowed_of = [allowed_options(problem, options, a) for a in range(len(problem.agents))]
    return options, greedy_plan(problem, options, allowed_of, limits_of, seed=seed)


def general(*intervals: int, count: int = 1) -> dict[tuple[str, int], int]:
    return {("general", t): count for t in intervals}


# --- limits_ok and choice_is_valid --------------------------------------------------------------


def test_limits_of_an_empty_week_count_zero_hours():
    options = build_options(tiny([person("ana")]))
    assert limits_ok(options, limits(0, 2, 0.0, 0.5), [])
    assert not limits_ok(options, limits(0, 2, 1.0, 24.0), [])


def test_limits_tolerance_is_a_rounding_margin_not_an_hour():
    # two early shifts are 16 h: above a 15.5 h maximum, and exactly at a 16 h one
    options = build_options(tiny([person("ana")]))
    early = [option_of(options, "early", d, 1) for d in (0, 1)]
    assert not limits_ok(options, limits(0, 2, 0.0, 15.5), early)
    assert limits_ok(options, limits(0, 2, 0.0, 16.0), early)
    assert not limits_ok(options, limits(0, 2, 16.5, 24.0), early)


def test_a_choice_of_every_allowed_option_is_valid():
    problem = tiny([person("ana")])
    options = build_options(problem)
    only = np.array([option_of(options, "early", 0, 1)])
    assert choice_is_valid(problem, options, only, only.tolist())


def test_a_rest_clash_between_the_first_and_third_of_four_shifts_is_found():
    # given a four-day week; shifts listed out of day order: late from 3 on day 0 (ends at 24:00)
    # and early from 1 on day 1 (starts 04:00: 4 h rest, 8 h needed) clash, no other pair does
    problem = tiny([person("ana")], days=4, requirement=np.zeros((len(QUEUES), 24), dtype=np.int64))
    options = build_options(problem)
    allowed = allowed_options(problem, options, 0)
    late_0 = option_of(options, "late", 0, 3)
    early_2, early_1, early_3 = (
        option_of(options, "early", d, s) for d, s in ((2, 3), (1, 1), (3, 3))
    )
    assert choice_is_valid(problem, options, allowed, [late_0, early_2, early_3])
    assert choice_is_valid(problem, options, allowed, [early_1, early_2, early_3])
    # when / then
    assert not choice_is_valid(problem, options, allowed, [late_0, early_2, early_1, early_3])


# --- best_single_agent --------------------------------------------------------------------------


def test_the_best_week_of_an_agent_with_one_allowed_shift_is_that_shift():
    problem = tiny([person("ana")])
    options = build_options(problem)
    only = np.array([option_of(options, "late", 1, 2)])
    assert best_single_agent(problem, options, only, limits(1, 1), np.array([1.0])) == only.tolist()
    assert best_single_agent(problem, options, only, limits(2, 2), np.array([1.0])) == []


# --- greedy_plan: values and stopping rules -----------------------------------------------------


def test_the_greedy_skips_a_shift_worth_exactly_nothing_and_takes_one_worth_a_little():
    # given demand at interval 2 only: the early shift from 1 covers 1 (over) and 2 (short):
    # 100 - 10 - 8 h x cost. At 11.25 an hour that is exactly 0: not taken beyond the minimum
    demand = general(2)
    assert greedy(tiny([person("ana", hourly_cost=11.25)], demand), [limits()])[1] == [[]]
    # at 11.1875 an hour it is worth 0.5 (and the late shift from 2, 100 - 20 - 134.25, less)
    options, chosen = greedy(tiny([person("ana", hourly_cost=11.1875)], demand), [limits()])
    assert chosen == [[option_of(options, "early", 0, 1)]]


def test_a_covered_interval_is_no_longer_short_in_the_queue_it_was_covered_for():
    # given billing demand at 2-4 and two agents skilled for both queues: the first takes the
    # late shift from 2 (300 - 120 = 180) and covers billing there; the second finds nothing
    # short (over-coverage only, negative) and takes nothing
    both = frozenset(QUEUES)
    problem = tiny(
        [person("ana", skills=both), person("ann", skills=both)],
        {("billing", t): 1 for t in (2, 3, 4)},
    )
    options, choices = greedy(problem, [limits(), limits()])
    assert sorted(choices) == [[], [option_of(options, "late", 0, 2)]]


def test_two_wanted_at_once_are_covered_one_agent_at_a_time():
    # given two general agents wanted at 2-4: each agent covers one of the two, so both take
    # the late shift from 2 (180 each)
    problem = tiny([person("ana"), person("ann")], general(2, 3, 4, count=2))
    options, choices = greedy(problem, [limits(), limits()])
    late = option_of(options, "late", 0, 2)
    assert choices == [[late], [late]]


def test_a_shift_blocked_by_rest_on_another_day_is_not_taken_next():
    # given demand at 3-5 (day 0) and 7-8 (day 1): late from 3 (180) first; the early shift
    # from 1 on day 1 (120) starts one interval after it ends, less than the 2 of rest
    problem = tiny([person("ana")], {**general(3, 4, 5), **general(7, 8)})
    options, choices = greedy(problem, [limits()])
    assert choices == [[option_of(options, "late", 0, 3)]]


def test_the_weekly_hour_maximum_counts_the_shifts_already_taken():
    # given demand at 2-4 (day 0) and 14-16 (day 2): late shifts worth 180 each, but at most
    # 16 h a week: after the first (12 h) no shift fits, so one shift only (no repair needed)
    problem = tiny([person("ana")], {**general(2, 3, 4), **general(14, 15, 16)})
    options, choices = greedy(problem, [limits(max_hours=16.0)])
    assert len(choices[0]) == 1
    assert options.template[choices[0][0]] == "late"
    assert int(options.day[choices[0][0]]) in (0, 2)


def test_the_weekly_hour_maximum_is_not_stretched_by_an_hour():
    # given demand at 2-4 (day 0: late from 2 worth 180) and at 13-14 (day 2: early from 1
    # worth 120) and 19.5 h at most: after the late shift (12 h) the early one (8 h) would make
    # 20 h, half an hour too many, so the greedy stops at one shift, within its limits
    problem = tiny([person("ana")], {**general(2, 3, 4), **general(13, 14)})
    options, choices = greedy(problem, [limits(max_hours=19.5)])
    assert choices == [[option_of(options, "late", 0, 2)]]


def test_the_shift_maximum_stops_an_agent_at_its_limit():
    # given two valuable days (late shifts from 2 worth 180 on days 1 and 2) and one shift at most
    problem = tiny([person("ana")], {**general(8, 9, 10), **general(14, 15, 16)})
    options, choices = greedy(problem, [limits(max_shifts=1)])
    # then the first one found of the equal best (day 1's late from 2, then day 2's)
    assert len(choices[0]) == 1
    assert choices[0][0] in (option_of(options, "late", 1, 2), option_of(options, "late", 2, 2))


@pytest.mark.parametrize("seed", range(4))
def test_an_agent_that_cannot_work_does_not_stop_the_others_in_its_round(seed):
    # given ana with no shift left (a maximum of 0, or no allowed shift) next to bea, in every
    # order of the round: bea still takes the late shift from 2 for the demand at 2-4
    problem = tiny([person("ana"), person("bea")], general(2, 3, 4))
    options = build_options(problem)
    late = option_of(options, "late", 0, 2)
    allowed = allowed_options(problem, options, 0)
    capped = greedy_plan(problem, options, [allowed, allowed], [limits(0, 0), limits()], seed)
    assert capped == [[], [late]]
    nothing = greedy_plan(problem, options, [allowed[:0], allowed], [limits(), limits()], seed)
    assert nothing == [[], [late]]


def test_the_weekend_penalty_counts_the_weekend_days_already_taken():
    # given days 1 and 2 as the weekend, one free, a penalty of 1000: the late shift from 2 on
    # day 1 (demand 8-10: 180) is taken free; the early from 1 on day 2 (demand 13-14: 120)
    # would be the second weekend day, 120 - 1000: not taken
    problem = tiny(
        [person("ana")],
        {**general(8, 9, 10), **general(13, 14)},
        rules=Rules(2, (1, 2), 1),
        penalties=Penalties(weekend_day=1000.0),
    )
    options, choices = greedy(problem, [limits()])
    assert choices == [[option_of(options, "late", 1, 2)]]


def test_the_same_seed_gives_the_same_plan_and_the_seed_orders_the_agents():
    # given two identical agents and demand one shift covers: whoever comes first in the
    # round takes it; the order is the seed's, so a seed always gives the same plan
    problem = tiny([person("ana"), person("ann")], general(2, 3, 4))
    plans = {seed: greedy(problem, [limits(), limits()], seed=seed)[1] for seed in range(12)}
    for seed, plan in plans.items():
        assert greedy(problem, [limits(), limits()], seed=seed)[1] == plan
        assert sorted(plan) == [[], [option_of(build_options(problem), "late", 0, 2)]]
    # and both agents get it under some seed (the order really is drawn from the seed)
    assert {tuple(map(len, plan)) for plan in plans.values()} == {(1, 0), (0, 1)}


def test_a_problem_without_contracts_or_agents_has_an_empty_plan():
    problem = tiny([], contracts={})
    options = build_options(problem)
    assert options.count == 0
    assert greedy_plan(problem, options, [], [], seed=0) == []


# --- greedy_plan: the repair -------------------------------------------------------------------


def test_an_agent_the_greedy_leaves_below_its_hour_minimum_is_repaired():
    # given one shift a week of 12 h exactly, and demand at 1-2 that makes the early shift
    # from 1 the most valuable (200 - 80 = 120; the late from 2: 100 - 20 - 120 = -40): the
    # greedy's mandatory round takes the early shift, 8 h, below the 12 h minimum
    problem = tiny([person("ana")], general(1, 2))
    options, choices = greedy(problem, [limits(1, 1, 12.0, 12.0)])
    # then the repair replaces it by a rule-abiding week: one late shift (12 h)
    assert len(choices[0]) == 1
    assert options.template[choices[0][0]] == "late"
    assert limits_ok(options, limits(1, 1, 12.0, 12.0), choices[0])


def test_the_repair_takes_as_many_shifts_as_the_limits_allow():
    # given 12 h to 24 h in one or two shifts, and demand at 1-2 only: the mandatory round
    # takes the early shift from 1 (8 h, too few hours) and nothing else is worth taking; the
    # repair values every shift alike, so it fills the week: two shifts, not one late one
    problem = tiny([person("ana")], general(1, 2))
    options, choices = greedy(problem, [limits(1, 2, 12.0, 24.0)])
    assert len(choices[0]) == 2
    assert limits_ok(options, limits(1, 2, 12.0, 24.0), choices[0])


def test_the_repair_keeps_each_agent_within_its_own_limits():
    # given two agents with different limits, both left short by the greedy (no demand: the
    # mandatory round takes the least bad shift, an early one, 8 h)
    contracts = {"any": Contract("any", ("early", "late"), 0, 2, 0.0, 24.0)}
    problem = tiny([person("ana"), person("bea")], contracts=contracts)
    options = build_options(problem)
    allowed = allowed_options(problem, options, 0)
    limits_of = [limits(2, 2, 24.0, 24.0), limits(1, 1, 12.0, 12.0)]
    # when
    choices = greedy_plan(problem, options, [allowed, allowed], limits_of, seed=0)
    # then ana works two late shifts (24 h), bea one (12 h), each rule-abiding
    assert [[options.template[o] for o in c] for c in choices] == [["late", "late"], ["late"]]
    for chosen, agent_limits in zip(choices, limits_of, strict=True):
        assert limits_ok(options, agent_limits, chosen)
        assert choice_is_valid(problem, options, allowed, chosen)
    # and an agent whose allowed shifts cannot meet its limits gets an empty week
    only_early = allowed[[options.template[o] == "early" for o in allowed]]
    alone = dataclasses.replace(problem, agents=problem.agents[:1])
    stuck = greedy_plan(alone, options, [only_early], [limits(1, 1, 12.0, 12.0)], seed=0)
    assert stuck == [[]]
