"""The optimiser's parts one by one, on tiny weeks solved in milliseconds: the independent
validator rule by rule, the plan's figures, the greedy and its repair, and the aggregated model
against a brute-force optimum. Pure: no database. Mutation testing runs these (and the
validator tests of ``test_optimiser.py``) instead of the end-to-end solves marked ``solver``.

The tiny week: 3 days of 6 four-hour intervals; an "early" shift of 2 intervals (8 h) starting
at interval 1 or 3, a "late" one of 3 intervals (12 h) starting at 2 or 3; 2 intervals (8 h) of
rest; day 2 is the weekend and no weekend day is free; interval 0 of each day is night.
"""

from __future__ import annotations

import dataclasses
import itertools

import highspy
import numpy as np
import pytest

from scheduling.engine.optimiser.aggregate import build_model, to_highs
from scheduling.engine.optimiser.construct import (
    best_single_agent,
    choice_is_valid,
    greedy_plan,
    limits_ok,
)
from scheduling.engine.optimiser.evaluate import (
    assign_queue_counts,
    build_plan,
    plan_from_assignment,
    skill_class_of_agents,
)
from scheduling.engine.optimiser.model import (
    Agent,
    AssignedShift,
    Contract,
    Penalties,
    Preference,
    Rules,
    SchedulingProblem,
    ShiftTemplate,
)
from scheduling.engine.optimiser.options import (
    WeeklyLimits,
    allowed_options,
    build_groups,
    build_options,
    weekly_limits,
)
from scheduling.engine.optimiser.validate import Violation, validate_plan

DAYS, PER_DAY = 3, 6
HORIZON = DAYS * PER_DAY
QUEUES = ("general", "billing")
TEMPLATES = {
    "early": ShiftTemplate("early", 2, (1, 3)),
    "late": ShiftTemplate("late", 3, (2, 3)),
}
CONTRACTS = {
    "any": Contract("any", ("early", "late"), 0, 2, 0.0, 24.0),
    "early_only": Contract("early_only", ("early",), 1, 2, 8.0, 16.0),
}


def tiny(
    agents: list[Agent],
    demand: dict[tuple[str, int], int] | None = None,
    *,
    queues: tuple[str, ...] = QUEUES,
    **changes: object,
) -> SchedulingProblem:
    requirement = np.zeros((len(queues), HORIZON), dtype=np.int64)
    for (queue, interval), count in (demand or {}).items():
        requirement[queues.index(queue), interval] = count
    problem = SchedulingProblem(
        queues=queues,
        requirement=requirement,
        agents=tuple(agents),
        contracts=CONTRACTS,
        templates=TEMPLATES,
        rules=Rules(min_rest_intervals=2, weekend_days=(2,), free_weekend_days=0),
        days=DAYS,
        intervals_per_day=PER_DAY,
        night_intervals_of_day=frozenset({0}),
    )
    return dataclasses.replace(problem, **changes)


def person(name: str, contract: str = "any", **changes: object) -> Agent:
    base = Agent(name=name, skills=frozenset({"general"}), contract=contract, hourly_cost=10.0)
    return dataclasses.replace(base, **changes)


def option_of(options, template: str, day: int, start: int) -> int:
    for o in range(options.count):
        if (options.template[o], int(options.day[o]), int(options.start[o])) == (
            template,
            day,
            start,
        ):
            return o
    raise LookupError((template, day, start))


def plan_of(problem: SchedulingProblem, shifts: dict[int, list[tuple[str, int, int]]]):
    """The plan working exactly these (template, day, start) shifts, queues assigned optimally."""
    options = build_options(problem)
    _, classes = build_groups(problem, options)
    choices = [
        sorted(option_of(options, *shift) for shift in shifts.get(a, []))
        for a in range(len(problem.agents))
    ]
    return build_plan(problem, options, classes, choices)


def violations(problem, plan) -> list[tuple[str, str, str]]:
    return [(v.rule, v.agent, v.detail) for v in validate_plan(problem, plan)]


# --- the plan's figures (evaluate) --------------------------------------------------------------


def test_a_plan_counts_coverage_cost_weekend_and_objective():
    # given ana (general) early on day 0 and late on day 2 (the weekend), and demand of two
    # general agents at interval 2 and one billing agent at interval 15
    problem = tiny([person("ana", hourly_cost=12.5)], {("general", 2): 2, ("billing", 15): 1})
    # when
    plan = plan_of(problem, {0: [("early", 0, 1), ("late", 2, 2)]})
    # then
    worked = [1, 2, 14, 15, 16]
    assert plan.queue_of[0].tolist() == [0 if t in worked else -1 for t in range(HORIZON)]
    assert plan.coverage[0].tolist() == [1 if t in worked else 0 for t in range(HORIZON)]
    assert plan.coverage[1].sum() == 0
    assert plan.under[0].tolist() == [1 if t == 2 else 0 for t in range(HORIZON)]
    assert plan.under[1].tolist() == [1 if t == 15 else 0 for t in range(HORIZON)]
    assert plan.over[0].tolist() == [1 if t in (1, 14, 15, 16) else 0 for t in range(HORIZON)]
    assert plan.over[1].sum() == 0
    assert plan.cost == pytest.approx(20 * 12.5)
    assert plan.weekend_days_beyond_free == 1
    assert plan.objective == pytest.approx(100 * 2 + 10 * 4 + 250 + 50)
    assert plan.shifts == [[AssignedShift("early", 0, 1), None, AssignedShift("late", 2, 2)]]
    assert validate_plan(problem, plan) == []


def test_the_queue_assignment_sends_the_versatile_agent_where_only_she_can_go():
    # given ana (general only) and bea (both queues) at work together, one of each wanted
    problem = tiny(
        [person("ana"), person("bea", skills=frozenset(QUEUES))],
        {("general", 2): 1, ("billing", 2): 1, ("billing", 3): 1, ("general", 8): 3},
    )
    # when ana works 1-2 and 7-8, bea 2-4
    plan = plan_of(problem, {0: [("early", 0, 1), ("early", 1, 1)], 1: [("late", 0, 2)]})
    # then ana covers general, bea billing, and nobody is short where both work
    assert plan.queue_of[0, 2] == 0 and plan.queue_of[1, 2] == 1 and plan.queue_of[1, 3] == 1
    assert plan.under[:, 2:4].sum() == 0
    assert plan.under[0, 8] == 2
    assert plan.over.sum() == 3  # ana alone at 1 and 7, bea at 4
    assert validate_plan(problem, plan) == []


def test_skill_classes_ignore_skills_for_queues_the_problem_does_not_have():
    problem = tiny(
        [
            person("ana", skills=frozenset({"general", "french"})),
            person("bea", skills=frozenset(QUEUES)),
            person("cem", skills=frozenset({"billing"})),
        ]
    )
    classes = [frozenset({"billing"}), frozenset({"general"}), frozenset(QUEUES)]
    assert skill_class_of_agents(problem, classes).tolist() == [1, 2, 0]


def test_queue_counts_are_zero_when_nobody_works_or_no_queue_fits():
    # given billing demand, agents of the general class only
    problem = tiny([person("ana")], {("billing", 2): 1})
    classes = [frozenset({"general"})]
    idle = np.zeros((1, HORIZON), dtype=np.int64)
    busy = np.ones((1, HORIZON), dtype=np.int64)
    # when / then: no one at work, or no class-queue pair at all
    assert assign_queue_counts(problem, classes, idle).sum() == 0
    assert assign_queue_counts(problem, [frozenset({"french"})], busy).sum() == 0
    # and working agents are all assigned to the queue they can cover
    counts = assign_queue_counts(problem, classes, 2 * busy)
    assert counts.shape == (1, len(QUEUES), HORIZON)
    assert (counts[0, 0] == 2).all() and (counts[0, 1] == 0).all()


def test_queue_counts_meet_demand_and_put_every_working_agent_on_a_queue():
    # given three class-"both" agents and demand 1 general, 2 billing in interval 4
    problem = tiny([person("ana")], {("general", 4): 1, ("billing", 4): 2})
    working = np.zeros((1, HORIZON), dtype=np.int64)
    working[0, 4] = 3
    counts = assign_queue_counts(problem, [frozenset(QUEUES)], working)
    assert counts[0, :, 4].tolist() == [1, 2]
    # with five, the two spare ones over-cover somewhere, none is left unassigned
    working[0, 4] = 5
    assert counts.sum() == 3
    assert assign_queue_counts(problem, [frozenset(QUEUES)], working)[0, :, 4].sum() == 5


def test_plan_from_assignment_uses_the_penalties_of_the_problem():
    problem = tiny(
        [person("ana")],
        {("general", 8): 1, ("general", 10): 1},
        penalties=Penalties(under_coverage=7.0, over_coverage=3.0, weekend_day=5.0),
        rules=Rules(min_rest_intervals=2, weekend_days=(1, 2), free_weekend_days=1),
    )
    options = build_options(problem)
    choices = [[option_of(options, "early", 1, 1), option_of(options, "early", 2, 3)]]
    queue_of = np.full((1, HORIZON), -1)
    queue_of[0, [7, 8, 15, 16]] = 0
    plan = plan_from_assignment(problem, options, choices, queue_of)
    # over at 7, 15, 16; under at 10; 16 h at 10; weekend days 2, one beyond the free one
    assert (plan.over.sum(), plan.under.sum(), plan.cost) == (3, 1, 160.0)
    assert plan.weekend_days_beyond_free == 1
    assert plan.objective == pytest.approx(3 * 3 + 7 * 1 + 160 + 5)
    assert plan.shifts == [[None, AssignedShift("early", 1, 1), AssignedShift("early", 2, 3)]]


def test_one_agent_at_work_in_one_interval_is_assigned_too():
    # given a single agent-interval in the whole week
    problem = tiny([person("ana")], {("billing", 5): 1})
    working = np.zeros((1, HORIZON), dtype=np.int64)
    working[0, 5] = 1
    # when
    counts = assign_queue_counts(problem, [frozenset(QUEUES)], working)
    # then: she covers the queue that needs her
    assert counts[0, :, 5].tolist() == [0, 1]
    assert counts.sum() == 1


def test_queue_counts_are_the_cheapest_split_in_every_interval_of_both_queues():
    # given general-only and versatile agents and random demand on both queues over the week
    rng = np.random.default_rng(7)
    penalties = Penalties(under_coverage=7.0, over_coverage=3.0)
    demand = {(q, t): int(rng.integers(0, 4)) for q in QUEUES for t in range(HORIZON)}
    problem = tiny([person("ana")], demand, penalties=penalties)
    classes = [frozenset({"general"}), frozenset(QUEUES)]
    working = rng.integers(0, 4, size=(2, HORIZON))
    # when
    counts = assign_queue_counts(problem, classes, working)

    # then: the general-only agents all on general, every agent on a queue, and each interval's
    # under- and over-coverage as cheap as the best split of the versatile agents
    def price(general: int, billing: int, t: int) -> float:
        r = problem.requirement[:, t]
        c = np.array([general, billing])
        return 7.0 * np.maximum(r - c, 0).sum() + 3.0 * np.maximum(c - r, 0).sum()

    assert (counts[0, 1] == 0).all()
    assert counts.sum(axis=1).tolist() == working.tolist()
    for t in range(HORIZON):
        general_only, versatile = int(working[0, t]), int(working[1, t])
        best = min(price(general_only + x, versatile - x, t) for x in range(versatile + 1))
        covered = counts[:, :, t].sum(axis=0)
        assert price(int(covered[0]), int(covered[1]), t) == best, t


def test_plan_from_assignment_adds_every_agents_preference_weights_to_the_objective():
    # given ana, who dislikes day 1 (4) and likes starts from 3 (1), and bea, who dislikes the
    # late template (2)
    ana = person(
        "ana",
        preferences=(Preference(4.0, day=1), Preference(1.0, wanted=True, earliest_start=3)),
    )
    bea = person("bea", preferences=(Preference(2.0, template="late"),))
    penalties = Penalties(weekend_day=0.0)
    problem = tiny([ana, bea], penalties=penalties)
    options = build_options(problem)
    choices = [
        [option_of(options, "early", 1, 1), option_of(options, "early", 2, 3)],
        [option_of(options, "late", 0, 2), option_of(options, "early", 2, 1)],
    ]
    queue_of = np.full((2, HORIZON), -1)
    # when
    plan = plan_from_assignment(problem, options, choices, queue_of)
    # then: ana 4 - 1, bea 2; 16 h and 20 h at 10 an hour, nothing to cover
    assert plan.preference_cost == pytest.approx(5.0)
    assert plan.cost == pytest.approx(360.0)
    assert plan.objective == pytest.approx(365.0)


# --- the validator, rule by rule ----------------------------------------------------------------


def test_a_valid_plan_has_no_violation_and_the_violation_reads_as_text():
    problem = tiny([person("ana"), person("bea", "early_only")])
    plan = plan_of(problem, {0: [("late", 0, 2), ("late", 2, 2)], 1: [("early", 1, 3)]})
    assert validate_plan(problem, plan) == []
    assert str(Violation("rest", "ana", "too short")) == "rest [ana]: too short"


def test_the_shape_of_the_plan_is_checked_first():
    problem = tiny([person("ana"), person("bea")])
    plan = plan_of(problem, {})
    rows = dataclasses.replace(plan, shifts=plan.shifts[:1])
    columns = dataclasses.replace(plan, queue_of=plan.queue_of[:, :-1])
    short_week = dataclasses.replace(plan, shifts=[plan.shifts[0][:2], plan.shifts[1]])
    assert violations(problem, rows) == [("shape", "plan", "1 shift rows for 2 agents")]
    assert violations(problem, columns) == [("shape", "plan", "queue_of has shape (2, 17)")]
    assert violations(problem, short_week) == [("shape", "ana", "2 days instead of 3")]


def test_templates_outside_the_contract_or_unknown_and_starts_outside_the_template():
    problem = tiny([person("ana", "early_only")])
    plan = plan_of(problem, {0: [("early", 0, 1)]})
    late = dataclasses.replace(plan, shifts=[[AssignedShift("late", 0, 2), None, None]])
    unknown = dataclasses.replace(plan, shifts=[[AssignedShift("night", 0, 2), None, None]])
    odd_start = dataclasses.replace(plan, shifts=[[AssignedShift("early", 0, 2), None, None]])
    assert ("contract", "ana", "template 'late' not allowed") in violations(problem, late)
    assert ("contract", "ana", "template 'night' not allowed") in violations(problem, unknown)
    assert ("template", "ana", "start 2 not allowed") in violations(problem, odd_start)


def test_a_shift_filed_under_another_day_is_named():
    problem = tiny([person("ana")])
    plan = plan_of(problem, {0: [("early", 0, 1)]})
    plan.shifts[0][1] = AssignedShift("early", 0, 1)
    assert (
        "one start per day",
        "ana",
        "day 1 holds AssignedShift(template='early', day=0, start=1)",
    ) in violations(problem, plan)


def test_short_rest_between_days_and_across_the_week_wrap():
    problem = tiny([person("ana")])
    # late day 0 at 3 runs 3-5; early day 1 at 1 starts at 7: one interval of rest
    between = plan_of(problem, {0: [("late", 0, 3), ("early", 1, 1)]})
    # late day 2 at 3 runs 15-17; early day 0 at 1 starts at 19 (= 1 + 18): one interval
    wrap = plan_of(problem, {0: [("early", 0, 1), ("late", 2, 3)]})
    # early day 0 at 3 runs 3-4; early day 1 at 1 starts at 7: two intervals, the minimum
    exactly = plan_of(problem, {0: [("early", 0, 3), ("early", 1, 1)]})
    assert violations(problem, between) == [
        ("rest", "ana", "only 1 intervals of rest after the shift starting at interval 3")
    ]
    assert violations(problem, wrap) == [
        ("rest", "ana", "only 1 intervals of rest after the shift starting at interval 15")
    ]
    assert violations(problem, exactly) == []


def test_two_shifts_covering_one_interval_overlap():
    # given a 5-interval shift from 3 on day 0 (3-7) and an early one at 1 on day 1 (7-8)
    long_day = dataclasses.replace(CONTRACTS["any"], templates=("early", "double"))
    problem = tiny(
        [person("ana")],
        templates={**TEMPLATES, "double": ShiftTemplate("double", 5, (3,))},
        contracts={"any": long_day},
    )
    plan = plan_of(problem, {0: [("double", 0, 3), ("early", 1, 1)]})
    assert ("rest", "ana", "two shifts overlap") in violations(problem, plan)


def test_time_off_and_night_work_are_named_with_their_first_intervals():
    problem = tiny(
        [
            person("ana", unavailable_intervals=frozenset({3, 4, 9})),
            person("bea", works_nights=False),
        ]
    )
    plan = plan_of(problem, {0: [("late", 0, 2)], 1: [("late", 1, 3)]})
    found = violations(problem, plan)
    assert ("time off", "ana", "works unavailable intervals [3, 4]") in found
    # bea's late shift of day 1 at 3 runs 9-11 and stops before the night at 12: fine
    assert [v for v in found if v[1] == "bea"] == []
    # with interval 4 of each day at night, bea's 9-11 and 15-17 hold two night intervals
    nights = dataclasses.replace(problem, night_intervals_of_day=frozenset({4}))
    plan = plan_of(nights, {1: [("late", 1, 3), ("late", 2, 3)]})
    assert ("night", "bea", "works night intervals [10, 16]") in violations(nights, plan)


def test_shift_and_hour_limits_are_named_with_the_allowed_range():
    problem = tiny([person("ana", "early_only"), person("bea")])
    none = plan_of(problem, {})
    three = plan_of(problem, {1: [("early", 0, 1), ("early", 1, 3), ("early", 2, 3)]})
    assert ("shifts per week", "ana", "0 shifts, allowed 1..2") in violations(problem, none)
    assert ("hours per week", "ana", "0.0 hours, allowed 8.0..16.0") in violations(problem, none)
    found = violations(problem, three)
    assert ("shifts per week", "bea", "3 shifts, allowed 0..2") in found
    assert ("hours per week", "bea", "24.0 hours, allowed 0.0..24.0") not in found
    long = plan_of(problem, {1: [("late", 0, 2), ("late", 2, 2)]})
    greedy = dataclasses.replace(
        problem, contracts={**CONTRACTS, "any": dataclasses.replace(CONTRACTS["any"], max_hours=20)}
    )
    assert ("hours per week", "bea", "24.0 hours, allowed 0.0..20") in violations(greedy, long)


def test_the_hour_limits_hold_at_their_bounds_within_the_tolerance():
    # exactly 16 h (the maximum) and exactly 8 h (the minimum) are allowed
    problem = tiny([person("ana", "early_only")])
    assert validate_plan(problem, plan_of(problem, {0: [("early", 0, 1), ("early", 1, 1)]})) == []
    assert validate_plan(problem, plan_of(problem, {0: [("early", 0, 1)]})) == []


def test_minimums_are_prorated_for_time_off():
    # given ana (early_only: at least 1 shift, 8 h) unavailable every day's early starts
    everything = frozenset(range(HORIZON))
    problem = tiny([person("ana", "early_only", unavailable_intervals=everything)])
    # then working nothing is allowed: no day leaves room for a shift
    assert validate_plan(problem, plan_of(problem, {})) == []
    # and with only day 2 free a single day's shift is the minimum
    free_day_two = frozenset(range(12))
    some = tiny([person("ana", "early_only", unavailable_intervals=free_day_two)])
    assert validate_plan(some, plan_of(some, {0: [("early", 2, 1)]})) == []
    assert ("shifts per week", "ana", "0 shifts, allowed 1..2") in violations(
        some, plan_of(some, {})
    )


def test_night_restriction_lowers_the_minimum_too():
    # bea may not work nights; interval 0 and 3 of each day are night: no early shift is left
    problem = tiny(
        [person("bea", "early_only", works_nights=False)],
        night_intervals_of_day=frozenset({1, 4}),
    )
    assert validate_plan(problem, plan_of(problem, {})) == []
    day_shift = tiny(
        [person("bea", "early_only", works_nights=False)], night_intervals_of_day=frozenset({1})
    )
    # the start at 3 is a day shift: the minimum of one stays
    assert ("shifts per week", "bea", "0 shifts, allowed 1..2") in violations(
        day_shift, plan_of(day_shift, {})
    )


def test_the_queue_must_be_covered_exactly_while_working_and_within_the_skills():
    problem = tiny([person("ana")])
    plan = plan_of(problem, {0: [("early", 0, 1)]})
    idle_cover = dataclasses.replace(plan, queue_of=plan.queue_of.copy())
    idle_cover.queue_of[0, 5] = 0
    wrong_queue = dataclasses.replace(plan, queue_of=plan.queue_of.copy())
    wrong_queue.queue_of[0, 2] = 1
    no_queue = dataclasses.replace(plan, queue_of=plan.queue_of.copy())
    no_queue.queue_of[0, 1] = 7
    assert ("queue", "ana", "covers a queue exactly when working: broken") in violations(
        problem, idle_cover
    )
    assert ("skills", "ana", "covers 'billing' in interval 2") in violations(problem, wrong_queue)
    assert ("skills", "ana", "covers None in interval 1") in violations(problem, no_queue)


def test_figures_that_do_not_add_up_are_each_named():
    problem = tiny([person("ana")], {("general", 2): 1})
    plan = plan_of(problem, {0: [("early", 0, 1), ("late", 2, 2)]})
    assert validate_plan(problem, plan) == []
    for label, change in (
        ("coverage", {"coverage": plan.coverage + 1}),
        ("under-coverage", {"under": plan.under + 1}),
        ("over-coverage", {"over": plan.over[:, :-1]}),
    ):
        broken = dataclasses.replace(plan, **change)
        assert violations(problem, broken) == [
            ("figures", "plan", f"reported {label} does not add up")
        ]
    cost = dataclasses.replace(plan, cost=plan.cost + 0.5)
    weekend = dataclasses.replace(plan, weekend_days_beyond_free=0)
    objective = dataclasses.replace(plan, objective=plan.objective * (1 + 1e-5))
    assert violations(problem, cost) == [("figures", "plan", "cost 200.5 but recount 200.0")]
    assert violations(problem, weekend) == [("figures", "plan", "weekend days 0 but recount 1.0")]
    assert [v[0] for v in violations(problem, objective)] == ["figures"]
    # within the relative tolerance nothing is reported
    close = dataclasses.replace(plan, objective=plan.objective * (1 + 1e-7), cost=plan.cost + 1e-7)
    assert validate_plan(problem, close) == []


def test_a_lower_bound_above_the_objective_is_reported():
    problem = tiny([person("ana")], {("general", 2): 1})
    plan = plan_of(problem, {0: [("early", 0, 1)]})
    at_objective = dataclasses.replace(plan, lower_bound=plan.objective)
    above = dataclasses.replace(plan, lower_bound=plan.objective + 1)
    assert validate_plan(problem, at_objective) == []
    assert violations(problem, above) == [
        ("bound", "plan", f"lower bound {plan.objective + 1} above {plan.objective}")
    ]


# --- the greedy and the one-agent repair (construct) -----------------------------------------------


def limits(min_shifts=0, max_shifts=2, min_hours=0.0, max_hours=24.0) -> WeeklyLimits:
    return WeeklyLimits(min_shifts, max_shifts, min_hours, max_hours)


def test_a_choice_is_valid_only_within_the_allowed_one_a_day_and_rested():
    problem = tiny([person("ana")])
    options = build_options(problem)
    allowed = allowed_options(problem, options, 0)
    early_0, late_0 = option_of(options, "early", 0, 1), option_of(options, "late", 0, 3)
    early_1, late_2 = option_of(options, "early", 1, 1), option_of(options, "late", 2, 2)
    assert choice_is_valid(problem, options, allowed, [early_0, late_2])
    assert choice_is_valid(problem, options, allowed, [])
    assert not choice_is_valid(problem, options, allowed, [early_0, late_0])  # same day
    assert not choice_is_valid(problem, options, allowed, [late_0, early_1])  # 1 interval rest
    assert not choice_is_valid(problem, options, allowed[allowed != early_0], [early_0])


def test_limits_hold_at_their_bounds():
    problem = tiny([person("ana")])
    options = build_options(problem)
    early = [option_of(options, "early", d, 1) for d in range(DAYS)]
    assert limits_ok(options, limits(1, 2, 8.0, 16.0), early[:1])
    assert limits_ok(options, limits(1, 2, 8.0, 16.0), early[:2])
    assert not limits_ok(options, limits(1, 2, 8.0, 16.0), early)
    assert not limits_ok(options, limits(1, 3, 8.0, 16.0), early)  # 24 h
    assert not limits_ok(options, limits(1, 2, 8.0, 16.0), [])
    assert limits_ok(options, limits(0, 2, 0.0, 16.0), [])
    assert not limits_ok(options, limits(2, 3, 16.5, 24.0), early[:2])  # 16 h < 16.5


def test_the_best_single_week_takes_the_most_valuable_rule_abiding_shifts():
    problem = tiny([person("ana")])
    options = build_options(problem)
    allowed = allowed_options(problem, options, 0)
    wanted = {option_of(options, "late", 0, 3), option_of(options, "early", 1, 1)}  # clash
    third = option_of(options, "early", 2, 3)
    value = np.array([5.0 if o in wanted else 3.0 if o == third else -1.0 for o in allowed])
    chosen = best_single_agent(problem, options, allowed, limits(), value)
    # the two wanted ones cannot both be worked (rest); one of them and the third
    assert len(chosen) == 2 and third in chosen and len(set(chosen) & wanted) == 1
    assert choice_is_valid(problem, options, allowed, chosen)
    # a minimum of two shifts forces a second shift even of negative value
    forced = best_single_agent(problem, options, allowed, limits(2, 2), -np.ones(len(allowed)))
    assert len(forced) == 2 and choice_is_valid(problem, options, allowed, forced)
    # at most one shift: only the best
    one = best_single_agent(problem, options, allowed, limits(0, 1), value)
    assert len(one) == 1 and one[0] in wanted
    # hour limits count hours: 12 h at most leaves room for one late or one early shift
    capped = best_single_agent(problem, options, allowed, limits(0, 2, 0.0, 12.0), value)
    assert len(capped) == 1
    # nothing allowed, or limits nothing meets: no week
    assert best_single_agent(problem, options, allowed[:0], limits(), value[:0]) == []
    assert best_single_agent(problem, options, allowed, limits(3, 3, 0.0, 20.0), value) == []


def test_the_greedy_covers_demand_within_every_rule():
    # given demand of one general agent across day 0's 1-4 and day 1's 7-8
    problem = tiny(
        [person("ana"), person("bea", "early_only", hourly_cost=5.0)],
        {**{("general", t): 1 for t in (1, 2, 3, 4)}, ("general", 7): 1, ("general", 8): 1},
    )
    options = build_options(problem)
    allowed_of = [allowed_options(problem, options, a) for a in range(2)]
    limits_of = [
        weekly_limits(problem, options, a.contract, allowed_of[i])
        for i, a in enumerate(problem.agents)
    ]
    # when
    choices = greedy_plan(problem, options, allowed_of, limits_of, seed=0)
    # then a valid plan covering everything wanted, each agent within its limits
    plan = build_plan(problem, options, build_groups(problem, options)[1], choices)
    assert validate_plan(problem, plan) == []
    assert plan.under.sum() == 0
    assert all(choices[a] == sorted(choices[a]) for a in range(2))
    assert all(limits_ok(options, limits_of[a], choices[a]) for a in range(2))


def test_the_greedy_takes_no_shift_without_value_beyond_the_minimum():
    problem = tiny([person("ana"), person("bea", "early_only")])
    options = build_options(problem)
    allowed_of = [allowed_options(problem, options, a) for a in range(2)]
    limits_of = [limits(0, 2, 0.0, 24.0), limits(1, 2, 8.0, 16.0)]
    choices = greedy_plan(problem, options, allowed_of, limits_of, seed=3)
    assert choices[0] == [] and len(choices[1]) == 1


def test_the_greedy_pays_the_weekend_penalty_only_beyond_the_free_days():
    # given demand worth 100 per interval on day 2 only, the weekend, with a penalty of 1000
    demand = {("general", t): 1 for t in (13, 14, 15)}
    problem = tiny(
        [person("ana")], demand, rules=Rules(2, (2,), 0), penalties=Penalties(weekend_day=1000.0)
    )
    options = build_options(problem)
    allowed_of = [allowed_options(problem, options, 0)]
    limits_of = [limits()]
    # a weekend shift is worth 300 - 80 and costs 1000 beyond the free days: not taken
    assert greedy_plan(problem, options, allowed_of, limits_of, seed=0) == [[]]
    free = dataclasses.replace(problem, rules=Rules(2, (2,), 1))
    chosen = greedy_plan(free, options, allowed_of, limits_of, seed=0)[0]
    assert [int(options.day[o]) for o in chosen] == [2]


def test_the_greedy_repairs_an_agent_it_painted_into_a_corner():
    # given a contract needing exactly two 8 h early shifts and one shift valuable on day 1 only
    # at 3 (which leaves day 0 and 2 open); the repair must still reach two shifts
    problem = tiny([person("bea", "early_only")], {("general", 9): 1, ("general", 10): 1})
    options = build_options(problem)
    allowed_of = [allowed_options(problem, options, 0)]
    limits_of = [limits(2, 2, 16.0, 16.0)]
    chosen = greedy_plan(problem, options, allowed_of, limits_of, seed=0)[0]
    assert len(chosen) == 2 and limits_ok(options, limits_of[0], chosen)
    assert choice_is_valid(problem, options, allowed_of[0], chosen)


# --- the aggregated model against a brute-force optimum (aggregate) ---------------------------------


def objective_of(problem: SchedulingProblem, options, cover, choice: tuple[list[int], ...]):
    """The objective of named-agent weeks, the best queue of every agent tried one by one."""
    penalties, rules = problem.penalties, problem.rules
    total = 0.0
    for a, week in enumerate(choice):
        agent = problem.agents[a]
        total += sum(float(options.hours[o]) for o in week) * agent.hourly_cost
        weekend = sum(1 for o in week if int(options.day[o]) in rules.weekend_days)
        total += penalties.weekend_day * max(0, weekend - rules.free_weekend_days)
    for t in range(problem.intervals):
        skills = [
            [q for q, queue in enumerate(problem.queues) if queue in problem.agents[a].skills]
            for a, week in enumerate(choice)
            if any(cover[o, t] for o in week)
        ]
        best = np.inf
        for picks in itertools.product(*skills):
            covered = np.bincount(np.array(picks, dtype=np.int64), minlength=len(problem.queues))
            wanted = problem.requirement[:, t]
            best = min(
                best,
                penalties.under_coverage * np.maximum(wanted - covered, 0).sum()
                + penalties.over_coverage * np.maximum(covered - wanted, 0).sum(),
            )
        total += best
    return total


def brute_force_optimum(problem: SchedulingProblem) -> float:
    """The best objective over every rule-abiding week of every agent (tiny problems only)."""
    options = build_options(problem)
    weeks_of = []
    for a in range(len(problem.agents)):
        allowed = allowed_options(problem, options, a)
        limits_a = weekly_limits(problem, options, problem.agents[a].contract, allowed)
        weeks = [
            list(week)
            for size in range(limits_a.max_shifts + 1)
            for week in itertools.combinations(allowed.tolist(), size)
            if choice_is_valid(problem, options, allowed, list(week))
            and limits_ok(options, limits_a, list(week))
        ]
        weeks_of.append(weeks)
    cover = options.cover.toarray() > 0
    return min(
        objective_of(problem, options, cover, choice) for choice in itertools.product(*weeks_of)
    )


def aggregated_optimum(problem: SchedulingProblem, *, integer: bool = True) -> tuple[float, int]:
    options = build_options(problem)
    groups, classes = build_groups(problem, options)
    model = build_model(problem, options, groups, classes)
    highs = to_highs(model, integer=integer, time_limit=10.0)
    highs.run()
    assert highs.getModelStatus() == highspy.HighsModelStatus.kOptimal
    return highs.getInfo().objective_function_value, len(groups)


TWO_QUEUES = {("general", t): 1 for t in (2, 3, 4, 8, 9)} | {("billing", t): 2 for t in (13, 14)}


@pytest.mark.parametrize(
    ("agents", "demand", "groups"),
    [
        # two interchangeable agents: one group of two
        (
            [person("ana", "early_only"), person("ann", "early_only")],
            {("general", t): 2 for t in (2, 3, 4, 14, 15)},
            1,
        ),
        # different contracts, costs, nights, skills: one group each
        (
            [
                person("ana", skills=frozenset(QUEUES), hourly_cost=9.0),
                person("bea", "early_only", works_nights=False, hourly_cost=4.0),
            ],
            TWO_QUEUES,
            2,
        ),
        # time off leaves ana one day, cem only billing
        (
            [
                person("ana", unavailable_intervals=frozenset(range(6, 18))),
                person("cem", "early_only", skills=frozenset({"billing"})),
            ],
            TWO_QUEUES | {("general", 1): 3},
            2,
        ),
    ],
)
def test_the_aggregated_model_reaches_the_brute_force_optimum(agents, demand, groups):
    # given a tiny week with its demand
    problem = tiny(agents, demand, night_intervals_of_day=frozenset({0, 1}))
    # when the aggregated integer model is solved
    objective, group_count = aggregated_optimum(problem)
    # then its optimum is the best of every rule-abiding named-agent plan
    assert group_count == groups
    assert objective == pytest.approx(brute_force_optimum(problem))


def test_the_aggregated_model_with_a_free_weekend_day_and_no_weekend_penalty():
    demand = {("general", t): 1 for t in (13, 14, 15, 16)}
    free = tiny([person("ana")], demand, rules=Rules(2, (2,), 1))
    unpenalised = tiny([person("ana")], demand, penalties=Penalties(weekend_day=0.0))
    no_weekend = tiny([person("ana")], demand, rules=Rules(2, (), 0))
    for problem in (free, unpenalised, no_weekend):
        assert aggregated_optimum(problem)[0] == pytest.approx(brute_force_optimum(problem))


def test_the_lp_relaxation_is_a_lower_bound_and_below_the_integer_optimum_here():
    # a group of two who would each like to work half of two clashing shifts
    problem = tiny(
        [person("ana", "early_only"), person("ann", "early_only")],
        {("general", t): 1 for t in (3, 4, 7, 8)},
    )
    lp, _ = aggregated_optimum(problem, integer=False)
    mip, _ = aggregated_optimum(problem)
    assert lp <= mip + 1e-9
    assert mip == pytest.approx(brute_force_optimum(problem))


def test_the_model_layout():
    # given two groups (ana and ann alike, bea apart) and both queues
    problem = tiny(
        [person("ana"), person("ann"), person("bea", "early_only", skills=frozenset(QUEUES))]
    )
    options = build_options(problem)
    groups, classes = build_groups(problem, options)
    # when
    model = build_model(problem, options, groups, classes)
    # then x columns per group option, bounded by the group size, then w, y, under, over
    sizes = [g.size for g in groups]
    assert sorted(sizes) == [1, 2]
    assert model.x_count == sum(len(g.options) for g in groups)
    assert model.x_group.tolist() == [g for g, grp in enumerate(groups) for _ in grp.options]
    assert model.x_option.tolist() == [int(o) for grp in groups for o in grp.options]
    assert model.col_upper[: model.x_count].tolist() == [
        float(groups[g].size) for g in model.x_group
    ]
    y_columns = 3 * HORIZON  # (general class: general), (both: general, billing)
    assert model.num_col == model.x_count + len(groups) + y_columns + 2 * len(QUEUES) * HORIZON
    assert (model.col_lower == 0).all()
    assert np.isinf(model.col_upper[model.x_count :]).all()
    hours = options.hours[model.x_option]
    cost = [groups[g].hourly_cost for g in model.x_group]
    assert model.col_cost[: model.x_count].tolist() == pytest.approx((hours * cost).tolist())
    weekend = model.col_cost[model.x_count : model.x_count + len(groups)]
    assert weekend.tolist() == [50.0] * len(groups)
    tail = model.col_cost[model.x_count + len(groups) :]
    assert tail.tolist() == [0.0] * y_columns + [100.0] * (2 * HORIZON) + [10.0] * (2 * HORIZON)
    assert model.group_rows[0] == 0 and model.group_rows[-1] > model.group_rows[-2] > 0
    assert model.num_row == model.group_rows[-1] + (len(classes) + len(QUEUES)) * HORIZON
    assert model.matrix.shape == (model.num_row, model.num_col)


def test_to_highs_sets_integrality_seed_log_and_extra_options():
    problem = tiny([person("ana")], {("general", 2): 1})
    options = build_options(problem)
    groups, classes = build_groups(problem, options)
    model = build_model(problem, options, groups, classes)
    highs = to_highs(
        model,
        integer=True,
        time_limit=3.0,
        seed=7,
        log=False,
        extra_options={"mip_rel_gap": 0.25},
    )
    lp = highs.getLp()
    assert (lp.num_col_, lp.num_row_) == (model.num_col, model.num_row)
    kinds = list(lp.integrality_)
    assert kinds[: model.x_count] == [highspy.HighsVarType.kInteger] * model.x_count
    assert set(kinds[model.x_count :]) == {highspy.HighsVarType.kContinuous}
    option = lambda name: highs.getOptionValue(name)[1]  # noqa: E731 - (status, value)
    assert option("random_seed") == 7
    assert option("mip_rel_gap") == 0.25
    assert option("time_limit") == 3.0
    assert option("output_flag") is False
    assert list(to_highs(model, integer=False, time_limit=1.0).getLp().integrality_) == []


def test_the_greedy_takes_the_most_valuable_shift_by_its_documented_value():
    # given demand of one general agent at 2, 3 and 4 (day 0), and two agents at 10 an hour
    problem = tiny([person("ana"), person("ann")], {("general", t): 1 for t in (2, 3, 4)})
    options = build_options(problem)
    allowed_of = [allowed_options(problem, options, a) for a in range(2)]
    late_2, early_3 = option_of(options, "late", 0, 2), option_of(options, "early", 0, 3)
    # when
    choices = greedy_plan(problem, options, allowed_of, [limits(), limits()], seed=0)
    # then the late shift from 2 (3 x 100 - 12 h x 10 = 180) beats the early from 3 (120); once
    # it is taken nothing is short, so the other agent takes nothing
    assert sorted(choices) == [[], [late_2]]
    # and with at most 8 hours: the early shift from 3 (120), then the one from 1 for the
    # interval 2 still short (100 - 10 over at 1 - 80 = 10, still worth it)
    capped = greedy_plan(problem, options, allowed_of[:1] * 2, [limits(max_hours=8.0)] * 2, 0)
    early_1 = option_of(options, "early", 0, 1)
    assert sorted(capped) == sorted([[early_1], [early_3]])


def test_the_greedy_reads_shortage_in_the_agents_own_queues():
    # given billing demand at 2-4 and 8 and a billing-only agent next to a general one
    problem = tiny(
        [person("ana"), person("cem", skills=frozenset({"billing"}))],
        {("billing", t): 1 for t in (2, 3, 4, 8)},
    )
    options = build_options(problem)
    allowed_of = [allowed_options(problem, options, a) for a in range(2)]
    choices = greedy_plan(problem, options, allowed_of, [limits(), limits()], seed=1)
    # then only cem works: the late shift from 2 on day 0, and day 1's early shift at 1 (7-8)
    assert choices[0] == []
    assert choices[1] == sorted(
        [option_of(options, "late", 0, 2), option_of(options, "early", 1, 1)]
    )
