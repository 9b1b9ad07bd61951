"""Shift options, allowed options, weekly limits and groups (scheduling.engine.optimiser.options)
on the tiny week of ``test_optimiser_parts.py``: what the mutation run of options.py showed was
not pinned (docs/testing.md). Pure: no database.

The tiny week's options per day: early from 1 (intervals 1-2) and from 3 (3-4), late from 2
(2-4) and from 3 (3-5); 4 options a day, 12 in the week; an early shift is 8 h, a late one 12 h.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from scheduling.engine.optimiser.model import Contract, Rules
from scheduling.engine.optimiser.options import (
    WeeklyLimits,
    _conflicts,
    allowed_options,
    build_groups,
    build_options,
    weekly_limits,
)
from tests.engine.test_optimiser_parts import CONTRACTS, QUEUES, TEMPLATES, option_of, person, tiny


def test_an_agent_who_may_not_work_nights_loses_the_shifts_touching_a_night_interval():
    # given interval 5 of each day as night: only the late shift from 3 (3-5) touches it
    problem = tiny(
        [person("ana"), person("bea", works_nights=False)], night_intervals_of_day=frozenset({5})
    )
    options = build_options(problem)
    night = {option_of(options, "late", d, 3) for d in range(3)}
    assert set(np.flatnonzero(options.is_night).tolist()) == night
    assert allowed_options(problem, options, 0).tolist() == list(range(options.count))
    assert set(allowed_options(problem, options, 1).tolist()) == set(range(options.count)) - night


def test_time_off_removes_every_shift_touching_it():
    # given ana off at intervals 7 and 8 (day 1): early from 1 covers both, late from 2 covers 8
    problem = tiny([person("ana", unavailable_intervals=frozenset({7, 8}))])
    options = build_options(problem)
    blocked = {option_of(options, "early", 1, 1), option_of(options, "late", 1, 2)}
    assert set(allowed_options(problem, options, 0).tolist()) == set(range(12)) - blocked


def test_the_hour_minimum_is_lowered_to_what_the_longest_shifts_can_hold():
    # given one shift a week of at least 20 h, and only early on day 0 (8 h) or late on day 1
    # (12 h) allowed: the longest single shift holds 12 h, so the minimum becomes 12 h
    contracts = {**CONTRACTS, "one": Contract("one", ("early", "late"), 1, 1, 20.0, 24.0)}
    problem = tiny([person("ana", "one")], contracts=contracts)
    options = build_options(problem)
    allowed = np.array(
        sorted([option_of(options, "early", 0, 1), option_of(options, "late", 1, 2)])
    )
    assert weekly_limits(problem, options, "one", allowed) == WeeklyLimits(1, 1, 12.0, 24.0)


def test_groups_by_agent_or_aggregated_with_their_skills_classes_and_limits():
    both = frozenset(QUEUES)
    problem = tiny(
        [
            person("ana", skills=both),
            person("bea"),
            person("cem", skills=frozenset({"billing"})),
            person("dan"),
            person("eve", "early_only"),
        ]
    )
    options = build_options(problem)
    groups, classes = build_groups(problem, options)
    # the classes by size, then by name
    assert classes == [frozenset({"billing"}), frozenset({"general"}), both]
    by_members = {group.members: group for group in groups}
    assert set(by_members) == {(0,), (1, 3), (2,), (4,)}
    assert by_members[(0,)].skills == both and by_members[(0,)].skill_class == 2
    assert by_members[(1, 3)].skills == frozenset({"general"})
    assert by_members[(1, 3)].skill_class == 1 and by_members[(1, 3)].size == 2
    assert by_members[(2,)].skill_class == 0
    # eve's contract: 1-2 early shifts, 8-16 h; the early shifts only
    eve = by_members[(4,)]
    assert eve.contract == "early_only"
    assert eve.limits == WeeklyLimits(1, 2, 8.0, 16.0)
    assert [options.template[o] for o in eve.options] == ["early"] * 6
    # and one group per agent when not aggregated
    single, _ = build_groups(problem, options, aggregate=False)
    assert sorted(group.members for group in single) == [(0,), (1,), (2,), (3,), (4,)]


def test_conflicts_of_one_day_and_of_too_little_rest():
    problem = tiny([person("ana")])
    options = build_options(problem)
    early_0, late_0 = option_of(options, "early", 0, 1), option_of(options, "late", 0, 3)
    early_1, early_1_late = option_of(options, "early", 1, 1), option_of(options, "early", 1, 3)
    # two shifts of one day always conflict, a shift never with itself
    assert options.conflict[early_0, late_0] and options.conflict[late_0, early_0]
    assert not options.conflict.diagonal().any()
    # late from 3 ends at 6 (day 1's 0): early from 1 on day 1 leaves 1 interval of rest, 2
    # are needed; from 3 it leaves 3
    assert options.conflict[late_0, early_1] and options.conflict[early_1, late_0]
    assert not options.conflict[late_0, early_1_late]
    assert not options.conflict[early_0, early_1]


def test_rest_conflicts_with_one_shift_a_day():
    # given a single template with a single start: the late shift from 3 (3-5) each day, and
    # 4 intervals of rest needed: day d ends at 6, day d+1 starts at 9, 3 intervals: too few
    contracts = {"late": Contract("late", ("late",), 0, 3, 0.0, 36.0)}
    templates = {"late": dataclasses.replace(TEMPLATES["late"], start_intervals=(3,))}
    problem = tiny(
        [person("ana", "late")],
        contracts=contracts,
        templates=templates,
        rules=Rules(min_rest_intervals=4, weekend_days=(2,), free_weekend_days=0),
    )
    options = build_options(problem)
    assert options.count == 3
    expected = np.ones((3, 3), dtype=bool)
    np.fill_diagonal(expected, False)
    assert options.conflict.tolist() == expected.tolist()


def test_night_and_time_off_filters_keep_the_contract_filter():
    # given an early-only agent who may not work nights (interval 5: no early shift touches it)
    # and one who is off at 7-8 (day 1's early from 1)
    problem = tiny(
        [
            person("eve", "early_only", works_nights=False),
            person("fay", "early_only", unavailable_intervals=frozenset({7, 8})),
        ],
        night_intervals_of_day=frozenset({5}),
    )
    options = build_options(problem)
    early = [o for o in range(options.count) if options.template[o] == "early"]
    assert allowed_options(problem, options, 0).tolist() == early
    assert allowed_options(problem, options, 1).tolist() == [
        o for o in early if o != option_of(options, "early", 1, 1)
    ]


def test_a_group_limits_come_from_its_own_allowed_shifts():
    # given one shift of at least 20 h a week, and time off at interval 4 of every day: only
    # the early shift from 1 (8 h) is left, so the group's hour minimum is 8 h
    contracts = {**CONTRACTS, "one": Contract("one", ("early", "late"), 1, 1, 20.0, 24.0)}
    problem = tiny(
        [person("ana", "one", unavailable_intervals=frozenset({4, 10, 16}))], contracts=contracts
    )
    options = build_options(problem)
    (group,), _ = build_groups(problem, options)
    assert [options.template[o] for o in group.options] == ["early"] * 3
    assert group.limits == WeeklyLimits(1, 1, 8.0, 24.0)


def test_the_options_lengths_and_hours():
    options = build_options(tiny([person("ana")]))
    lengths = {options.template[o]: int(options.length[o]) for o in range(options.count)}
    assert lengths == {"early": 2, "late": 3}
    assert sorted(set(options.hours.tolist())) == [8.0, 12.0]


def conflicts_of(days: int, rest: int, shifts: list[tuple[int, int, int]]):
    """`_conflicts` on hand-made shifts (day, start, length) of a week of 6 intervals a day."""
    problem = tiny(
        [person("ana")],
        days=days,
        rules=Rules(min_rest_intervals=rest, weekend_days=(1,), free_weekend_days=0),
    )
    day, start, length = (np.array(column, dtype=np.int64) for column in zip(*shifts, strict=True))
    conflict, cliques = _conflicts(problem, day, start, length)
    return conflict, [sorted(clique.tolist()) for clique in cliques]


def test_one_day_gives_a_clique_only_when_it_has_two_shifts_or_more():
    # given: one shift on day 0, two on day 1, three on day 2, no rest needed across days
    shifts = [(0, 0, 2), (1, 0, 2), (1, 2, 2), (2, 0, 2), (2, 2, 2), (2, 4, 2)]

    # when
    conflict, cliques = conflicts_of(3, 0, shifts)

    # then
    assert cliques == [[1, 2], [3, 4, 5]]
    assert not conflict[0].any()


def test_the_rest_cliques_between_two_days_one_per_distinct_set_of_later_starts():
    # given: 4 intervals of rest, so a day-0 shift ending at `end` clashes with a day-1 shift
    # starting before end - 2. Day 0 ends at 4, 5 and 6; day 1 starts at 0, 1 and 3
    shifts = [(0, 0, 4), (0, 2, 3), (0, 3, 3), (1, 0, 3), (1, 1, 2), (1, 3, 2)]

    # when
    conflict, cliques = conflicts_of(3, 4, shifts)

    # then: ending at 4 or later clashes with the starts before 2 (0 and 1); ending at 5 with
    # the starts before 3, the same set, so no second clique; ending at 6 with every start
    # before 4 (3 included, start 3 < 6 - 2 but not < 5 - 2)
    assert cliques == [[0, 1, 2], [3, 4, 5], [0, 1, 2, 3, 4], [2, 3, 4, 5]]
    clashing = {(0, 3), (0, 4), (1, 3), (1, 4), (2, 3), (2, 4), (2, 5)}
    expected = np.zeros((6, 6), dtype=bool)
    expected[:3, :3] = expected[3:, 3:] = True
    for a, b in clashing:
        expected[a, b] = expected[b, a] = True
    np.fill_diagonal(expected, False)
    assert conflict.tolist() == expected.tolist()


def test_the_conflicts_of_a_pair_of_days_add_up_both_directions_of_the_week():
    # given a two-day week (day 1 is followed by day 0 again), 4 intervals of rest: day 0's
    # late shift (3-6) clashes with both of day 1's, day 1's late shift with both of day 0's
    shifts = [(0, 3, 3), (0, 0, 2), (1, 0, 2), (1, 3, 3)]

    # when
    conflict, _ = conflicts_of(2, 4, shifts)

    # then: the day 1 -> day 0 clashes do not overwrite the day 0 -> day 1 ones
    expected = np.ones((4, 4), dtype=bool)
    expected[1, 2] = expected[2, 1] = False
    np.fill_diagonal(expected, False)
    assert conflict.tolist() == expected.tolist()


def test_a_forbidden_succession_is_a_clique_of_one_day_and_the_next():
    # given late shifts that may not be followed by an early one the next day, and a
    # succession of a kind no template has (listed first: it adds nothing)
    templates = {name: dataclasses.replace(t, kind=name) for name, t in TEMPLATES.items()}
    rules = Rules(
        min_rest_intervals=2,
        weekend_days=(2,),
        free_weekend_days=0,
        forbidden_successions=(("early", "none"), ("late", "early")),
    )
    problem = tiny([person("ana")], templates=templates, rules=rules)
    plain = build_options(tiny([person("ana")], templates=templates))
    # when
    options = build_options(problem)

    # then: one clique per pair of days (not cyclic), after the rest cliques
    def shifts(template, day):
        return [option_of(options, template, day, s) for s in TEMPLATES[template].start_intervals]

    expected = [sorted(shifts("late", d) + shifts("early", d + 1)) for d in (0, 1)]
    added = [sorted(c.tolist()) for c in options.cliques[len(plain.cliques) :]]
    assert added == expected
    conflict = plain.conflict.copy()
    for d in (0, 1):
        for a in shifts("late", d):
            for b in shifts("early", d + 1):
                conflict[a, b] = conflict[b, a] = True
    assert options.conflict.tolist() == conflict.tolist()


def test_a_contract_without_weekends_blocks_them_on_top_of_its_templates():
    # given an early-only contract with no weekend in four weeks, no history (and another
    # contract's late shifts among the options)
    no_weekends = Contract("c", ("early",), 0, 2, 0.0, 16.0, max_weekends_per_4_weeks=0)
    contracts = {"c": no_weekends, "any": CONTRACTS["any"]}
    problem = tiny([person("ana", "c")], contracts=contracts)
    options = build_options(problem)
    # when
    allowed = allowed_options(problem, options, 0)
    # then: the earlies of days 0 and 1 only (day 2 is the weekend)
    expected = sorted(option_of(options, "early", d, s) for d in (0, 1) for s in (1, 3))
    assert allowed.tolist() == expected


def limits_of(contract, **agent_changes):
    problem = tiny([person("ana", contract.name, **agent_changes)], contracts={"c": contract})
    options = build_options(problem)
    groups, _ = build_groups(problem, options)
    return groups[0].limits


def test_minimums_under_a_day_pattern_are_what_the_best_rule_abiding_days_hold():
    # given at most two days in a row, two shifts, and minimums of 2 shifts and 30 hours
    contract = Contract("c", ("early", "late"), 2, 2, 30.0, 36.0, max_consecutive_days=2)
    # then: two days of 12-hour late shifts, 24 hours
    assert limits_of(contract) == WeeklyLimits(2, 2, 24.0, 36.0)
    # with days 0 and 1 down to early shifts (interval 4 off): day 2 (12 h) and one of them (8 h)
    off = frozenset({4, 10})
    assert limits_of(contract, unavailable_intervals=off) == WeeklyLimits(2, 2, 20.0, 36.0)
    # and off the whole week: nothing reachable
    week = frozenset(range(18))
    assert limits_of(contract, unavailable_intervals=week) == WeeklyLimits(0, 2, 0.0, 36.0)
