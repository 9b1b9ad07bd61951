"""The weekly shift optimiser: hard rules checked by the independent validator, edge inputs,
determinism, and a validator that demonstrably fails on broken plans. Pure: no database.

Tests marked ``solver`` solve end to end with HiGHS (up to seconds each); mutation testing leaves
them out (``-m "not solver"`` in ``[tool.mutmut]``) and runs the parts' tests instead."""

from __future__ import annotations

import dataclasses
import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scheduling.engine.errors import EngineInputError
from scheduling.engine.optimiser.benchmark import (
    TARGET_INTERVALS_PER_AGENT,
    bench_line,
    build_benchmark,
)
from scheduling.engine.optimiser.evaluate import build_plan
from scheduling.engine.optimiser.model import (
    Agent,
    AssignedShift,
    Contract,
    SchedulingProblem,
    ShiftPlan,
    ShiftTemplate,
)
from scheduling.engine.optimiser.options import build_groups, build_options
from scheduling.engine.optimiser.solve import solve_schedule
from scheduling.engine.optimiser.validate import validate_plan

PER_DAY = 48
WEEK = 7 * PER_DAY
MONDAY, TUESDAY, SUNDAY = 0, 1, 6
QUEUES = ("general", "billing")
TEMPLATES = {
    "eight_hours": ShiftTemplate("eight_hours", 16, (*range(10, 33), 44)),
    "four_hours": ShiftTemplate("four_hours", 8, tuple(range(16, 39))),
}
CONTRACTS = {
    "full_time": Contract("full_time", ("eight_hours",), 4, 5, 32.0, 40.0),
    "part_time": Contract("part_time", ("four_hours",), 3, 5, 12.0, 20.0),
    "flexible": Contract("flexible", ("eight_hours",), 0, 5, 0.0, 40.0),
}


def at(day: int, hour: float) -> int:
    return day * PER_DAY + int(hour * 2)


def day_off(day: int) -> frozenset[int]:
    return frozenset(range(day * PER_DAY, (day + 1) * PER_DAY))


def problem_with(
    agents: list[Agent], demand: dict[tuple[str, int], int] | None = None
) -> SchedulingProblem:
    requirement = np.zeros((len(QUEUES), WEEK), dtype=np.int64)
    for (queue, interval), agents_needed in (demand or {}).items():
        requirement[QUEUES.index(queue), interval % WEEK] = agents_needed
    return SchedulingProblem(
        queues=QUEUES,
        requirement=requirement,
        agents=tuple(agents),
        contracts=CONTRACTS,
        templates=TEMPLATES,
    )


def agent(name: str, contract: str = "full_time", **changes: object) -> Agent:
    base = Agent(name=name, skills=frozenset({"general"}), contract=contract, hourly_cost=10.0)
    return dataclasses.replace(base, **changes)


def span(first: int, last: int, queue: str = "general", agents_needed: int = 1) -> dict:
    return {(queue, t): agents_needed for t in range(first, last)}


def hand_made_plan(problem: SchedulingProblem, shifts: dict[int, list[tuple]]) -> ShiftPlan:
    """A plan with exactly these (template, day, start) shifts, queues assigned optimally."""
    options = build_options(problem)
    _, classes = build_groups(problem, options)
    lookup = {
        (options.template[o], int(options.day[o]), int(options.start[o])): o
        for o in range(options.count)
    }
    choices = [sorted(lookup[s] for s in shifts.get(a, [])) for a in range(len(problem.agents))]
    return build_plan(problem, options, classes, choices)


def rules_broken(problem: SchedulingProblem, plan: ShiftPlan) -> set[str]:
    return {violation.rule for violation in validate_plan(problem, plan)}


def solved(problem: SchedulingProblem, time_limit: float = 20.0) -> ShiftPlan:
    plan = solve_schedule(problem, time_limit=time_limit, threads=1, seed=1)
    assert validate_plan(problem, plan) == []
    return plan


# --- the benchmark family -------------------------------------------------------------------


@pytest.fixture(scope="module")
def benchmark_30() -> tuple[SchedulingProblem, ShiftPlan]:
    problem = build_benchmark(30, seed=3)
    # Optimal in about 3 s on a quiet machine (the solve ends there); the limit leaves room
    # for a loaded one, where the LP bound alone took over 6 s.
    return problem, solve_schedule(problem, time_limit=20.0, threads=1, seed=3)


@pytest.mark.solver
def test_benchmark_plan_obeys_every_hard_rule(benchmark_30):
    # given a 30-agent benchmark instance (night restrictions, days off, four skill sets)
    problem, plan = benchmark_30

    # then the independent validator finds nothing and the figures add up
    assert validate_plan(problem, plan) == []
    assert plan.lower_bound <= plan.objective + 1e-6
    assert plan.gap_pct < 2.0


@pytest.mark.solver
def test_benchmark_plan_gives_every_agent_one_entry_per_day(benchmark_30):
    problem, plan = benchmark_30

    assert len(plan.shifts) == len(problem.agents)
    assert all(len(week) == 7 for week in plan.shifts)
    assert plan.queue_of.shape == (len(problem.agents), WEEK)
    assert (plan.coverage + plan.under - plan.over == problem.requirement).all()


@pytest.mark.solver
def test_aggregating_identical_agents_loses_nothing():
    # given ten agents who are copies of three (so three groups of interchangeable agents)
    benchmark = build_benchmark(10, seed=1)
    copies = [dataclasses.replace(benchmark.agents[i % 3], name=f"copy-{i}") for i in range(10)]
    problem = dataclasses.replace(benchmark, agents=tuple(copies))
    groups, _ = build_groups(problem, build_options(problem))
    assert len(groups) == 3

    # when solved with groups and with one variable per named agent
    grouped = solve_schedule(problem, time_limit=30.0, seed=1)
    per_agent = solve_schedule(problem, time_limit=30.0, seed=1, aggregate=False)

    # then both reach the same optimum and the same LP bound
    assert grouped.status == per_agent.status == "Optimal"
    assert grouped.objective == pytest.approx(per_agent.objective)
    assert grouped.lower_bound == pytest.approx(per_agent.lower_bound, abs=1e-4)
    assert validate_plan(problem, grouped) == []
    assert validate_plan(problem, per_agent) == []


def test_benchmark_instance_is_deterministic_and_sized_per_agent():
    first, second = build_benchmark(40, seed=7), build_benchmark(40, seed=7)
    other = build_benchmark(40, seed=8)

    assert (first.requirement == second.requirement).all()
    assert first.agents == second.agents
    assert not (first.requirement == other.requirement).all()
    total = int(first.requirement.sum())
    assert TARGET_INTERVALS_PER_AGENT * 40 <= total <= TARGET_INTERVALS_PER_AGENT * 40 + 5
    skills = [len(a.skills) for a in first.agents]
    assert skills.count(1) == 20  # exactly 50 % general only
    assert sum(a.contract == "full_time" for a in first.agents) == 28
    assert sum(not a.works_nights for a in first.agents) == 4


@pytest.mark.solver
def test_bench_line_has_the_agreed_shape(benchmark_30):
    _, plan = benchmark_30

    line = bench_line(30, 3, plan, 1.5)

    assert re.fullmatch(
        r"agents=30 seed=3 objective=\S+ lower_bound=\S+ gap_pct=\S+ under=\d+ over=\d+ "
        r"cost=\S+ seconds=1\.5 peak_mb=\d+",
        line,
    )


# --- each hard rule on purpose-built inputs ---------------------------------------------------


@pytest.mark.solver
def test_rest_is_kept_across_the_week_wrap():
    # given one agent, wanted both Sunday 22:00-24:00 and Monday 06:00-14:00 (no rest between)
    problem = problem_with(
        [agent("ana", "flexible")],
        {
            **span(at(SUNDAY, 22), at(SUNDAY, 24), agents_needed=1),
            **span(at(MONDAY, 6), at(MONDAY, 14)),
        },
    )

    # when
    plan = solved(problem)

    # then it works one of them, never both
    sunday, monday = plan.shifts[0][SUNDAY], plan.shifts[0][MONDAY]
    assert not (sunday and sunday.start == 44 and monday and monday.start < 12 + 22)


def test_validator_reports_rest_broken_across_the_week_wrap():
    problem = problem_with([agent("ana", "flexible")])

    plan = hand_made_plan(problem, {0: [("eight_hours", SUNDAY, 44), ("eight_hours", MONDAY, 12)]})

    assert "rest" in rules_broken(problem, plan)


def test_validator_reports_rest_broken_between_days():
    problem = problem_with([agent("ana", "flexible")])

    # 16:00-24:00 on Monday, then 05:00 on Tuesday: five hours of rest
    plan = hand_made_plan(problem, {0: [("eight_hours", MONDAY, 32), ("eight_hours", TUESDAY, 10)]})

    assert "rest" in rules_broken(problem, plan)


@pytest.mark.solver
def test_days_off_are_never_worked_and_shortfall_is_reported():
    # given demand on Tuesday only, and the one agent has Tuesday off
    problem = problem_with(
        [agent("ana", "flexible", unavailable_intervals=day_off(TUESDAY))],
        span(at(TUESDAY, 9), at(TUESDAY, 17)),
    )

    # when
    plan = solved(problem)

    # then Tuesday stays empty (and so does the Monday night shift that would run into it)
    assert plan.shifts[0][TUESDAY] is None
    assert not (plan.shifts[0][MONDAY] and plan.shifts[0][MONDAY].start == 44)
    assert plan.under.sum() == 16


def test_validator_reports_work_on_a_day_off():
    problem = problem_with([agent("ana", "flexible", unavailable_intervals=day_off(TUESDAY))])

    plan = hand_made_plan(problem, {0: [("eight_hours", MONDAY, 44)]})  # runs into Tuesday

    assert "time off" in rules_broken(problem, plan)


@pytest.mark.solver
def test_skills_limit_the_queue_an_agent_covers():
    # given billing demand and agents who only speak general
    problem = problem_with(
        [agent("ana", "flexible"), agent("ben", "flexible", skills=frozenset(QUEUES))],
        span(at(MONDAY, 9), at(MONDAY, 17), queue="billing", agents_needed=2),
    )

    # when
    plan = solved(problem)

    # then only ben covers billing; ana is not paid to idle on the wrong queue
    assert (plan.queue_of[0] != QUEUES.index("billing")).all()
    assert plan.coverage[QUEUES.index("billing")].sum() == 16
    assert plan.under.sum() == 16


def test_validator_reports_a_queue_outside_the_agent_skills():
    problem = problem_with([agent("ana", "flexible")])
    plan = hand_made_plan(problem, {0: [("eight_hours", MONDAY, 18)]})

    plan.queue_of[0, plan.queue_of[0] >= 0] = QUEUES.index("billing")

    assert "skills" in rules_broken(problem, plan)


@pytest.mark.solver
def test_night_restricted_agents_get_no_night_shift():
    # given night demand only, and an agent who may not work nights
    problem = problem_with(
        [agent("ana", "flexible", works_nights=False)],
        span(at(MONDAY, 22), at(MONDAY, 30), agents_needed=3),
    )

    plan = solved(problem)

    assert all(shift is None or shift.start != 44 for shift in plan.shifts[0])
    assert plan.under.sum() == 48 - 4  # 16:00-24:00 covers 22:00-24:00 once


def test_validator_reports_a_night_shift_for_a_day_worker():
    problem = problem_with([agent("ana", "flexible", works_nights=False)])

    plan = hand_made_plan(problem, {0: [("eight_hours", MONDAY, 44)]})

    assert "night" in rules_broken(problem, plan)


@pytest.mark.solver
def test_minimum_shifts_are_worked_without_demand_and_maximum_never_exceeded():
    # given no demand at all, and round-the-clock demand far above what two agents can do
    idle = problem_with([agent("ana"), agent("ben", "part_time")])
    flooded = problem_with(
        [agent("ana"), agent("ben", "part_time")],
        {("general", t): 5 for t in range(WEEK)},
    )

    # when
    idle_plan, flooded_plan = solved(idle), solved(flooded)

    # then
    shifts = lambda plan, a: sum(s is not None for s in plan.shifts[a])  # noqa: E731
    assert (shifts(idle_plan, 0), shifts(idle_plan, 1)) == (4, 3)
    assert (shifts(flooded_plan, 0), shifts(flooded_plan, 1)) == (5, 5)
    assert idle_plan.over.sum() == 4 * 16 + 3 * 8


def test_validator_reports_too_many_and_too_few_shifts():
    problem = problem_with([agent("ana"), agent("ben", "part_time")])
    six = [("eight_hours", day, 18) for day in range(6)]

    plan = hand_made_plan(problem, {0: six, 1: [("four_hours", MONDAY, 18)]})

    broken = [v for v in validate_plan(problem, plan) if v.rule == "shifts per week"]
    assert {v.agent for v in broken} == {"ana", "ben"}


def test_validator_reports_a_shift_filed_under_the_wrong_day():
    problem = problem_with([agent("ana", "flexible")])
    plan = hand_made_plan(problem, {0: [("eight_hours", MONDAY, 18)]})

    plan.shifts[0][TUESDAY] = AssignedShift("eight_hours", MONDAY, 18)

    assert "one start per day" in rules_broken(problem, plan)


def test_validator_reports_figures_that_do_not_add_up():
    problem = problem_with([agent("ana", "flexible")], span(at(MONDAY, 9), at(MONDAY, 17)))
    plan = hand_made_plan(problem, {0: [("eight_hours", MONDAY, 18)]})
    assert validate_plan(problem, plan) == []

    plan.objective -= 1.0

    assert "figures" in rules_broken(problem, plan)


# --- infeasible, empty, limits and determinism --------------------------------------------------


@pytest.mark.solver
def test_impossible_requirement_becomes_shortfall_not_an_error():
    # given ten times more demand than the agents can cover
    problem = problem_with(
        [agent("ana"), agent("ben", "part_time")], {("general", t): 10 for t in range(WEEK)}
    )

    plan = solved(problem)

    assert plan.under.sum() == 10 * WEEK - (5 * 16 + 5 * 8)


@pytest.mark.solver
def test_no_agents_means_everything_is_short():
    problem = problem_with([], span(at(MONDAY, 9), at(MONDAY, 12), agents_needed=2))

    plan = solved(problem)

    assert plan.shifts == []
    assert plan.under.sum() == 12
    assert plan.objective == pytest.approx(1200.0)
    assert plan.lower_bound == pytest.approx(1200.0)


@pytest.mark.solver
def test_zero_demand_pays_only_the_contract_minimum():
    problem = problem_with([agent("ana", "flexible"), agent("ben", "flexible")])

    plan = solved(problem)

    assert plan.objective == 0.0
    assert all(shift is None for week in plan.shifts for shift in week)


@pytest.mark.solver
def test_a_tiny_time_limit_still_returns_a_valid_plan():
    problem = build_benchmark(40, seed=2)

    plan = solve_schedule(problem, time_limit=0.05, seed=2)

    assert validate_plan(problem, plan) == []
    assert plan.method == "greedy"


@pytest.mark.solver
def test_same_input_and_seed_give_the_same_plan():
    problem = build_benchmark(8, seed=1)

    first = solve_schedule(problem, time_limit=30.0, threads=1, seed=1)
    second = solve_schedule(problem, time_limit=30.0, threads=1, seed=1)

    assert first.status == "Optimal"
    assert first.shifts == second.shifts
    assert (first.queue_of == second.queue_of).all()
    assert first.objective == second.objective


@pytest.mark.solver
def test_changing_the_thread_count_between_solves_still_solves():
    problem = problem_with(
        [agent("ana"), agent("ben", "part_time")], span(at(MONDAY, 8), at(MONDAY, 20))
    )

    plans = [solve_schedule(problem, time_limit=10.0, threads=n) for n in (1, 2, 1)]

    assert [plan.status for plan in plans] == ["Optimal"] * 3
    assert len({plan.objective for plan in plans}) == 1


@pytest.mark.solver
def test_bad_input_names_the_field():
    problem = problem_with([agent("ana", contract="unknown")])

    with pytest.raises(EngineInputError) as error:
        solve_schedule(problem, time_limit=1.0)

    assert error.value.field == "contract"


@pytest.mark.solver
def test_negative_requirement_is_refused():
    problem = dataclasses.replace(
        problem_with([agent("ana")]), requirement=-np.ones((len(QUEUES), WEEK))
    )

    with pytest.raises(EngineInputError) as error:
        solve_schedule(problem, time_limit=1.0)

    assert error.value.field == "requirement"


@pytest.mark.solver
@settings(max_examples=25, deadline=None, derandomize=True)
@given(
    seed=st.integers(0, 10_000),
    agent_count=st.integers(0, 5),
    demand_level=st.integers(0, 4),
)
def test_random_small_inputs_always_give_a_valid_plan(seed, agent_count, demand_level):
    # given random agents (contracts, skills, days off, partial time off, night restriction)
    rng = np.random.default_rng(seed)
    agents = []
    for index in range(agent_count):
        off_days = rng.choice(7, size=int(rng.integers(0, 4)), replace=False)
        unavailable = set().union(*(day_off(int(d)) for d in off_days))
        first = int(rng.integers(0, WEEK))
        unavailable |= {(first + i) % WEEK for i in range(int(rng.integers(0, 12)))}
        agents.append(
            agent(
                f"agent-{index}",
                str(rng.choice(list(CONTRACTS))),
                skills=frozenset((("general",), ("billing",), QUEUES)[int(rng.integers(0, 3))]),
                unavailable_intervals=frozenset(unavailable),
                works_nights=bool(rng.random() < 0.7),
            )
        )
    demand = {
        (queue, t): int(rng.integers(0, demand_level + 1))
        for queue in QUEUES
        for t in range(0, WEEK, 3)
    }
    problem = problem_with(agents, demand)

    # when
    plan = solve_schedule(problem, time_limit=5.0, seed=seed)

    # then
    assert validate_plan(problem, plan) == []
    assert plan.lower_bound <= plan.objective + 1e-6
