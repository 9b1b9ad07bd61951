"""The optimiser's scheduler rules (issue 10): consecutive working days, days off in a row,
weekends in four weeks, forbidden successions (night then day), history across the week
boundary, soft preferences, and breaks staggered inside the shifts.

Each hard rule is broken by a hand-built plan and named by the independent validator; the solver
(and the greedy on its own) respects each on small weeks. Pure: no database. Tests marked
``solver`` solve end to end with HiGHS."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from scheduling.engine.errors import EngineInputError
from scheduling.engine.optimiser.benchmark import build_benchmark, with_rules
from scheduling.engine.optimiser.breaks import place_breaks
from scheduling.engine.optimiser.construct import greedy_plan
from scheduling.engine.optimiser.evaluate import build_plan
from scheduling.engine.optimiser.model import (
    Agent,
    AgentHistory,
    BreakRule,
    Contract,
    PlacedBreak,
    Preference,
    Rules,
    SchedulingProblem,
    ShiftPlan,
    ShiftTemplate,
)
from scheduling.engine.optimiser.options import build_groups, build_options
from scheduling.engine.optimiser.solve import _per_agent, solve_schedule
from scheduling.engine.optimiser.validate import validate_plan

PER_DAY = 48
WEEK = 7 * PER_DAY
MON, TUE, WED, THU, FRI, SAT, SUN = range(7)
QUEUES = ("general",)
LUNCH = BreakRule("lunch", 30, 180, 300)
TEMPLATES = {
    "day": ShiftTemplate("day", 16, tuple(range(10, 33)), kind="day"),
    "night": ShiftTemplate("night", 16, (44,), kind="night"),
}


def contract(**rules: object) -> Contract:
    return Contract("flex", ("day", "night"), 0, 7, 0.0, 56.0, **rules)  # type: ignore[arg-type]


def at(day: int, hour: float) -> int:
    return day * PER_DAY + int(hour * 2)


def person(name: str, **changes: object) -> Agent:
    base = Agent(name=name, skills=frozenset({"general"}), contract="flex", hourly_cost=10.0)
    return dataclasses.replace(base, **changes)


def problem_of(
    agents: list[Agent],
    demand: dict[int, int] | None = None,
    *,
    templates: dict[str, ShiftTemplate] | None = None,
    rules: Rules | None = None,
    **contract_rules: object,
) -> SchedulingProblem:
    requirement = np.zeros((1, WEEK), dtype=np.int64)
    for interval, needed in (demand or {}).items():
        requirement[0, interval % WEEK] = needed
    return SchedulingProblem(
        queues=QUEUES,
        requirement=requirement,
        agents=tuple(agents),
        contracts={"flex": contract(**contract_rules)},
        templates=templates or TEMPLATES,
        rules=rules or Rules(weekend_days=()),
    )


def daytime(days: range | list[int], needed: int = 1) -> dict[int, int]:
    """Demand 09:00-17:00 on the given days."""
    return {t: needed for d in days for t in range(at(d, 9), at(d, 17))}


def plan_of(problem: SchedulingProblem, shifts: dict[int, list[tuple[str, int, int]]]) -> ShiftPlan:
    """A plan working exactly these (template, day, start) shifts, queues assigned optimally."""
    options = build_options(problem)
    _, classes = build_groups(problem, options)
    lookup = {
        (options.template[o], int(options.day[o]), int(options.start[o])): o
        for o in range(options.count)
    }
    choices = [sorted(lookup[s] for s in shifts.get(a, [])) for a in range(len(problem.agents))]
    return build_plan(problem, options, classes, choices)


def details(problem: SchedulingProblem, plan: ShiftPlan) -> list[tuple[str, str, str]]:
    return [(v.rule, v.agent, v.detail) for v in validate_plan(problem, plan)]


def solved(problem: SchedulingProblem, time_limit: float = 20.0) -> ShiftPlan:
    plan = solve_schedule(problem, time_limit=time_limit, threads=1, seed=1)
    assert validate_plan(problem, plan) == []
    return plan


def moved_nothing(plan: ShiftPlan) -> bool:
    """The aggregated model's counts split into named agents without moving a shift, i.e. the
    model itself (not only the disaggregation) kept the rule."""
    return all(" (moved 0 shifts)" in line for line in plan.log if "moved" in line)


def worked_days(plan: ShiftPlan, a: int = 0) -> list[int]:
    return [d for d, shift in enumerate(plan.shifts[a]) if shift is not None]


def days_at(start: int = 18, days: range | list[int] = range(7)) -> list[tuple[str, int, int]]:
    return [("day", d, start) for d in days]


# --- the validator names each broken rule --------------------------------------------------------


def test_validator_names_too_many_consecutive_days():
    problem = problem_of([person("ana")], max_consecutive_days=3)

    plan = plan_of(problem, {0: days_at(days=[MON, TUE, WED, THU, SAT])})

    assert details(problem, plan) == [
        ("consecutive days", "ana", "works 4 days in a row (Mon to Thu), at most 3")
    ]


def test_validator_counts_consecutive_days_worked_before_monday():
    history = AgentHistory(consecutive_days_worked=4)
    problem = problem_of([person("ana", history=history)], max_consecutive_days=5)

    plan = plan_of(problem, {0: days_at(days=[MON, TUE, THU])})

    assert details(problem, plan) == [
        (
            "consecutive days",
            "ana",
            "works 6 days in a row (4 before Monday, then Mon to Tue), at most 5",
        )
    ]


def test_validator_names_a_single_day_off_between_working_days():
    problem = problem_of([person("ana")], min_consecutive_days_off=2)

    # Mon, Tue, then Wed off only, then Thu; Sat-Sun off is a run still open at Sunday: fine
    plan = plan_of(problem, {0: days_at(days=[MON, TUE, THU, FRI])})

    assert details(problem, plan) == [
        ("days off", "ana", "only 1 day(s) off before working again on Thu, at least 2 in a row")
    ]


def test_validator_counts_days_off_before_monday():
    history = AgentHistory(days_off_run=1)
    problem = problem_of([person("ana", history=history)], min_consecutive_days_off=2)

    plan = plan_of(problem, {0: days_at(days=[MON])})

    assert details(problem, plan) == [
        (
            "days off",
            "ana",
            "only 1 day(s) off (1 before Monday) before working again on Mon, at least 2 in a row",
        )
    ]


def test_validator_judges_no_days_off_run_without_history_or_still_open():
    problem = problem_of([person("ana")], min_consecutive_days_off=3)

    # Mon off (unknown before it), Tue-Fri worked, Sat-Sun off (open at Sunday)
    plan = plan_of(problem, {0: days_at(days=[TUE, WED, THU, FRI])})

    assert details(problem, plan) == []


def test_validator_names_a_weekend_beyond_the_four_week_limit():
    history = AgentHistory(weekends_worked_previous_3=2)
    problem = problem_of(
        [person("ana", history=history)],
        rules=Rules(weekend_days=(SAT, SUN)),
        max_weekends_per_4_weeks=2,
    )

    plan = plan_of(problem, {0: days_at(days=[MON, SUN])})

    assert (
        "weekends",
        "ana",
        "works this weekend after 2 of the previous 3, at most 2 weekends in 4 weeks",
    ) in details(problem, plan)


def test_validator_names_a_day_shift_after_a_night_shift():
    rules = Rules(weekend_days=(), min_rest_intervals=16, forbidden_successions=(("night", "day"),))
    problem = problem_of([person("ana")], rules=rules)

    # Mon 22:00-Tue 06:00, then Tue 16:00: ten hours of rest is enough here, the succession not
    plan = plan_of(problem, {0: [("night", MON, 44), ("day", TUE, 32)]})

    assert details(problem, plan) == [
        ("succession", "ana", "a day shift on Tue follows a night shift on Mon")
    ]


def test_validator_names_a_day_shift_on_monday_after_sunday_night_from_history():
    rules = Rules(weekend_days=(), forbidden_successions=(("night", "day"),))
    history = AgentHistory(consecutive_days_worked=1, last_shift_kind="night")
    problem = problem_of([person("ana", history=history)], rules=rules)

    plan = plan_of(problem, {0: [("day", MON, 32)]})

    assert details(problem, plan) == [
        ("succession", "ana", "a day shift on Mon follows a night shift on the previous Sunday")
    ]


def test_validator_recounts_the_preference_cost():
    wish = Preference(weight=7.0, day=MON)
    problem = problem_of([person("ana", preferences=(wish,))])
    plan = plan_of(problem, {0: days_at(days=[MON, TUE])})
    assert plan.preference_cost == 7.0
    assert details(problem, plan) == []

    plan.preference_cost = 0.0

    assert ("figures", "plan", "preference cost 0.0 but recount 7.0") in details(problem, plan)


def lunch_problem(agents: int = 1, demand: dict[int, int] | None = None) -> SchedulingProblem:
    templates = {"day": dataclasses.replace(TEMPLATES["day"], breaks=(LUNCH,))}
    return dataclasses.replace(
        problem_of([person(f"a{i}") for i in range(agents)], demand),
        templates=templates,
        contracts={"flex": Contract("flex", ("day",), 0, 7, 0.0, 56.0)},
    )


def test_validator_names_breaks_outside_their_window_or_their_shift_and_overlapping():
    problem = lunch_problem()
    plan = place_breaks(problem, plan_of(problem, {0: [("day", TUE, 18)]}))  # Tue 09:00-17:00
    assert details(problem, plan) == []
    assert plan.breaks[0] == [PlacedBreak(TUE, "lunch", (TUE * 24 + 12) * 60, 30)]

    def moved(*placed: PlacedBreak) -> ShiftPlan:
        broken = dataclasses.replace(plan, breaks=[list(placed)])
        return dataclasses.replace(broken, net_coverage=place_again(problem, broken))

    early = PlacedBreak(TUE, "lunch", (TUE * 24 + 11) * 60, 30)
    assert (
        "breaks",
        "a0",
        "lunch of 30 min starts Tue 11:00, outside its window Tue 12:00..Tue 14:00 (30 min)",
    ) in details(problem, moved(early))
    outside = PlacedBreak(TUE, "lunch", (TUE * 24 + 16) * 60 + 45, 30)
    assert (
        "breaks",
        "a0",
        "lunch Tue 16:45-Tue 17:15 lies outside the shift Tue 09:00-Tue 17:00",
    ) in details(problem, moved(outside))
    twice = PlacedBreak(TUE, "lunch", (TUE * 24 + 12) * 60 + 15, 30)
    assert ("breaks", "a0", "lunch and lunch overlap") in details(
        problem, moved(plan.breaks[0][0], twice)
    )
    assert (
        "breaks",
        "a0",
        "the shift starting Tue 09:00 has breaks [], its template asks for ['lunch']",
    ) in details(problem, moved())
    wrong_net = dataclasses.replace(plan, net_coverage=np.asarray(plan.coverage, dtype=float))
    assert ("figures", "plan", "reported coverage net of breaks does not add up") in details(
        problem, wrong_net
    )


def place_again(problem: SchedulingProblem, plan: ShiftPlan) -> np.ndarray:
    """Net coverage recomputed for hand-moved breaks (so only the moved break is reported)."""
    net = np.asarray(plan.coverage, dtype=np.float64).copy()
    for a, placed in enumerate(plan.breaks):
        for b in placed:
            for minute in range(b.start_minute, b.start_minute + b.minutes):
                t = (minute % (WEEK * 30)) // 30
                if plan.queue_of[a, t] >= 0:
                    net[plan.queue_of[a, t], t] -= 1 / 30
    return net


# --- the breaks are staggered --------------------------------------------------------------------


def test_breaks_are_staggered_so_that_coverage_holds():
    # given four agents on Tue 09:00-17:00 and a need of three all day: one may lunch at a time
    problem = lunch_problem(4, daytime([TUE], needed=3))
    plan = plan_of(problem, {a: [("day", TUE, 18)] for a in range(4)})

    # when
    plan = place_breaks(problem, plan)

    # then every lunch lies in 12:00-14:00, no two overlap, and coverage never drops below three
    starts = sorted(b.start_minute - TUE * 1440 for row in plan.breaks for b in row)
    assert starts == [720, 750, 780, 810]
    assert plan.net_coverage[0, at(TUE, 9) : at(TUE, 17)].min() == pytest.approx(3.0)
    assert validate_plan(problem, plan) == []


def test_breaks_go_where_the_queue_is_over_covered():
    # given two agents and a need of two except 13:30-14:00, and a lunch window of 12:00-14:00
    demand = daytime([TUE], needed=2)
    for t in range(at(TUE, 13), at(TUE, 14)):
        demand[t] = 0
    problem = lunch_problem(2, demand)
    plan = place_breaks(problem, plan_of(problem, {a: [("day", TUE, 18)] for a in range(2)}))

    starts = sorted(b.start_minute - TUE * 1440 for row in plan.breaks for b in row)
    assert all(780 <= start <= 810 for start in starts)  # inside the hour nobody is needed
    assert plan.net_coverage[0, at(TUE, 9) : at(TUE, 13)].min() == pytest.approx(2.0)


@pytest.mark.solver
def test_the_solver_places_breaks_and_reports_coverage_net_of_them():
    problem = lunch_problem(3, daytime([MON, TUE], needed=2))

    plan = solved(problem)

    assert all(len(row) == len(worked_days(plan, a)) for a, row in enumerate(plan.breaks))
    assert plan.net_coverage is not None
    assert plan.net_coverage.sum() == pytest.approx(
        plan.coverage.sum() - sum(map(len, plan.breaks))
    )


# --- the solver and the greedy respect each rule -------------------------------------------------


@pytest.mark.solver
def test_the_solver_keeps_consecutive_days_within_the_limit():
    # given demand every day for one agent who may work at most three days in a row
    problem = problem_of([person("ana")], daytime(range(7)), max_consecutive_days=3)

    plan = solved(problem)

    # then it works six of seven days as 3 + 3 around one day off
    assert moved_nothing(plan)
    days = worked_days(plan)
    assert len(days) == 6
    assert days in ([MON, TUE, WED, FRI, SAT, SUN],)


@pytest.mark.solver
def test_the_solver_keeps_days_off_together():
    # given demand on Mon, Wed and Fri only, five shifts a week and days off two at a time
    problem = dataclasses.replace(
        problem_of([person("ana")], daytime([MON, WED, FRI], needed=1), min_consecutive_days_off=2),
        contracts={
            "flex": Contract("flex", ("day", "night"), 3, 7, 0.0, 56.0, min_consecutive_days_off=2)
        },
    )

    plan = solved(problem)

    assert moved_nothing(plan)
    days = worked_days(plan)
    assert {MON, WED, FRI} <= set(days)
    assert TUE in days and THU in days  # a lone day off between them is not allowed


@pytest.mark.solver
def test_the_solver_honours_history_across_the_week_boundary():
    # given ana has worked five days up to Sunday (at most five), ben has just had one day off
    # (at least two), and work is wanted on Monday only
    problem = dataclasses.replace(
        problem_of(
            [
                person("ana", history=AgentHistory(consecutive_days_worked=5)),
                person("ben", history=AgentHistory(days_off_run=1)),
                person("cyd", history=AgentHistory(days_off_run=2)),
            ],
            daytime([MON], needed=3),
        ),
        contracts={"flex": contract(max_consecutive_days=5, min_consecutive_days_off=2)},
    )

    plan = solved(problem)

    # then only cyd, rested, works Monday
    assert moved_nothing(plan)
    assert [plan.shifts[a][MON] is not None for a in range(3)] == [False, False, True]
    assert plan.under.sum() == 2 * 16


@pytest.mark.solver
def test_the_solver_gives_no_weekend_beyond_the_four_week_limit():
    problem = problem_of(
        [
            person("ana", history=AgentHistory(weekends_worked_previous_3=2)),
            person("ben", history=AgentHistory(weekends_worked_previous_3=1)),
        ],
        daytime([SAT], needed=2),
        rules=Rules(weekend_days=(SAT, SUN), free_weekend_days=2),
        max_weekends_per_4_weeks=2,
    )

    plan = solved(problem)

    assert [plan.shifts[a][SAT] is not None for a in range(2)] == [False, True]


@pytest.mark.solver
def test_the_solver_never_follows_a_night_with_a_day_shift():
    # given demand Mon night and Tue afternoon, one agent, rest short enough for both
    rules = Rules(weekend_days=(), min_rest_intervals=16, forbidden_successions=(("night", "day"),))
    demand = {t: 1 for t in range(at(MON, 22), at(TUE, 6))}
    demand.update({t: 1 for t in range(at(TUE, 16), at(TUE, 22))})
    free = problem_of(
        [person("ana")], demand, rules=dataclasses.replace(rules, forbidden_successions=())
    )
    problem = problem_of([person("ana")], demand, rules=rules)

    # then without the rule it works both, with it only one of them
    both = solved(free).shifts[0]
    assert (both[MON].template, both[TUE].template) == ("night", "day")
    assert len(worked_days(solved(problem))) == 1


@pytest.mark.solver
def test_preferences_change_who_works_when_weighted():
    # given two identical agents and one day shift wanted on Monday
    demand = daytime([MON])
    avoid_monday = (Preference(weight=30.0, day=MON),)

    ana_avoids = solved(
        problem_of([person("ana", preferences=avoid_monday), person("ben")], demand)
    )
    ben_avoids = solved(
        problem_of([person("ana"), person("ben", preferences=avoid_monday)], demand)
    )

    assert [worked_days(ana_avoids, a) for a in range(2)] == [[], [MON]]
    assert [worked_days(ben_avoids, a) for a in range(2)] == [[MON], []]
    assert ana_avoids.preference_cost == ben_avoids.preference_cost == 0.0


@pytest.mark.solver
def test_a_preferred_start_window_moves_the_shift():
    # given demand 09:00-17:00 and 10:00-18:00 alike, she prefers to start at 10:00 or later
    demand = {t: 1 for t in range(at(MON, 9), at(MON, 18))}
    late = (Preference(weight=20.0, wanted=True, earliest_start=20),)
    plain = solved(problem_of([person("ana")], demand))
    wished = solved(problem_of([person("ana", preferences=late)], demand))

    assert plain.shifts[0][MON].start in (18, 20)
    assert wished.shifts[0][MON].start == 20
    assert wished.preference_cost == -20.0


def rules_problem(seed: int) -> SchedulingProblem:
    """A small random week with every new rule on and random history."""
    rng = np.random.default_rng(seed)
    agents = []
    for i in range(6):
        worked = int(rng.integers(0, 6))
        history = AgentHistory(
            consecutive_days_worked=worked,
            days_off_run=0 if worked else int(rng.integers(1, 3)),
            weekends_worked_previous_3=int(rng.integers(0, 4)),
            last_shift_kind=str(rng.choice(["", "night", "day"])) if worked else "",
        )
        wishes = (
            Preference(
                float(rng.integers(1, 60)), bool(rng.integers(0, 2)), day=int(rng.integers(0, 7))
            ),
        )
        agents.append(person(f"a{i}", history=history, preferences=wishes if i % 2 else ()))
    requirement = {t: int(rng.integers(0, 4)) for t in range(0, WEEK, 1)}
    problem = problem_of(
        agents,
        requirement,
        rules=Rules(forbidden_successions=(("night", "day"),), min_rest_intervals=16),
        max_consecutive_days=4,
        min_consecutive_days_off=2,
        max_weekends_per_4_weeks=2,
    )
    return dataclasses.replace(
        problem,
        contracts={
            "flex": dataclasses.replace(problem.contracts["flex"], min_shifts=2, max_shifts=5)
        },
    )


@pytest.mark.parametrize("seed", range(4))
def test_the_greedy_respects_every_new_rule(seed):
    problem = rules_problem(seed)
    options = build_options(problem)
    groups, classes = build_groups(problem, options)
    allowed_of, limits_of = _per_agent(problem, groups)

    choices = greedy_plan(problem, options, allowed_of, limits_of, seed)

    assert validate_plan(problem, build_plan(problem, options, classes, choices)) == []


@pytest.mark.solver
@pytest.mark.parametrize("seed", range(3))
def test_the_solver_respects_every_new_rule_on_random_weeks(seed):
    problem = rules_problem(seed)

    plan = solved(problem, time_limit=10.0)

    assert plan.method != "greedy" or plan.status


# --- inputs, grouping and the benchmark ----------------------------------------------------------


def test_history_and_preferences_are_checked():
    both = AgentHistory(consecutive_days_worked=2, days_off_run=1)
    with pytest.raises(EngineInputError) as error:
        solve_schedule(problem_of([person("ana", history=both)]), time_limit=1)
    assert error.value.field == "history"
    with pytest.raises(EngineInputError) as error:
        solve_schedule(problem_of([person("ana", preferences=(Preference(-1.0),))]), time_limit=1)
    assert error.value.field == "preferences"
    with pytest.raises(EngineInputError) as error:
        solve_schedule(problem_of([person("ana")], max_consecutive_days=0), time_limit=1)
    assert error.value.field == "max_consecutive_days"
    too_long = dataclasses.replace(TEMPLATES["night"], breaks=(BreakRule("x", 30, 0, 460),))
    with pytest.raises(EngineInputError) as error:
        solve_schedule(
            dataclasses.replace(problem_of([]), templates={**TEMPLATES, "night": too_long}),
            time_limit=1,
        )
    assert error.value.field == "breaks"


def test_history_and_preferences_split_groups_only_where_they_matter():
    same = AgentHistory(consecutive_days_worked=2)
    agents = [
        person("ana", history=same),
        person("ben", history=same),
        person("cyd", history=AgentHistory(consecutive_days_worked=4)),
        person("dan", history=same, preferences=(Preference(1.0, day=MON),)),
    ]
    ruled = problem_of(agents, max_consecutive_days=5)
    unruled = problem_of(agents)

    def members(problem):
        groups, _ = build_groups(problem, build_options(problem))
        return sorted(g.members for g in groups)

    assert members(ruled) == [(0, 1), (2,), (3,)]
    assert members(unruled) == [(0, 1, 2), (3,)]


def test_the_benchmark_with_rules_off_is_the_benchmark():
    problem = build_benchmark(40, seed=2)
    assert with_rules(problem, seed=2, preferences=0, rules=False) == problem
    ruled = with_rules(problem, seed=2, preferences=5, rules=True)
    assert sum(1 for a in ruled.agents if a.preferences) == 5
    assert ruled.contracts["full_time"].max_consecutive_days == 5


def test_minimums_are_lowered_to_what_the_day_rules_let_the_agent_reach():
    # given six shifts a week at least, but five days worked up to Sunday (at most five in a
    # row) and days off two at a time: Monday and Tuesday are off, five days remain
    rested = Contract("flex", ("day", "night"), 6, 7, 48.0, 56.0, 5, 2)
    problem = dataclasses.replace(
        problem_of([person("ana", history=AgentHistory(consecutive_days_worked=5))]),
        contracts={"flex": rested},
    )
    groups, _ = build_groups(problem, build_options(problem))
    assert (groups[0].limits.min_shifts, groups[0].limits.min_hours) == (5, 40.0)

    five = plan_of(problem, {0: days_at(days=[WED, THU, FRI, SAT, SUN])})
    four = plan_of(problem, {0: days_at(days=[WED, THU, FRI, SAT])})

    assert details(problem, five) == []
    assert details(problem, four) == [
        ("shifts per week", "ana", "4 shifts, allowed 5..7"),
        ("hours per week", "ana", "32.0 hours, allowed 40.0..56.0"),
    ]


@pytest.mark.solver
def test_an_agent_whose_minimum_no_week_reaches_does_not_sink_the_model():
    # given ana worked Sunday night, may work Mon and Tue only (time off from Wednesday), and no
    # day shift may follow a night shift: Monday can only be a night, after which Tuesday can be
    # neither a day nor a night (it runs into Wednesday), so one shift is all she can work; her
    # contract asks for two
    rules = Rules(weekend_days=(), forbidden_successions=(("night", "day"),))
    ana = person(
        "ana",
        history=AgentHistory(consecutive_days_worked=1, last_shift_kind="night"),
        unavailable_intervals=frozenset(range(at(WED, 0), WEEK)),
    )
    problem = dataclasses.replace(
        problem_of([ana, person("ben")], daytime([MON, TUE]), rules=rules),
        contracts={"flex": Contract("flex", ("day", "night"), 2, 7, 0.0, 56.0)},
    )

    plan = solve_schedule(problem, time_limit=20, threads=1, seed=1)

    # then the model still solves (the demand is covered) and only ana's minimum is reported
    assert plan.status == "Optimal"
    assert len(worked_days(plan, 0)) == 1
    assert plan.under.sum() == 0
    assert details(problem, plan) == [("shifts per week", "ana", "1 shifts, allowed 2..7")]


def test_the_greedy_follows_a_bias_towards_the_lp_choice():
    # given demand 09:00-17:00 on Monday that the 09:00 start fits best
    problem = problem_of([person("ana")], daytime([MON]))
    options = build_options(problem)
    groups, _ = build_groups(problem, options)
    allowed_of, limits_of = _per_agent(problem, groups)
    late = next(
        o
        for o in range(options.count)
        if (options.template[o], int(options.day[o]), int(options.start[o])) == ("day", MON, 30)
    )
    bias = np.zeros(options.count)
    bias[late] = 2000.0

    plain = greedy_plan(problem, options, allowed_of, limits_of, 0)
    guided = greedy_plan(problem, options, allowed_of, limits_of, 0, bias=[bias])

    assert [int(options.start[o]) for o in plain[0]] == [18]
    assert guided[0] == [late]
