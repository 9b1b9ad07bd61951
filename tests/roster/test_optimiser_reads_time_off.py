"""Approved time off is a hard unavailability for the shift optimiser."""

from __future__ import annotations

from datetime import UTC, date, datetime

import numpy as np
import pytest

from scheduling.engine.optimiser import (
    Agent,
    Contract,
    SchedulingProblem,
    ShiftTemplate,
    solve_schedule,
    validate_plan,
)
from scheduling.roster import services
from scheduling.roster.optimiser import engine_unavailability
from scheduling.roster.selectors import unavailability_for
from tests.conftest import make_user
from tests.roster.factories import AgentFactory, allowance

pytestmark = pytest.mark.django_db
PER_DAY = 48
WEEK = 7 * PER_DAY
MONDAY = date(2031, 3, 10)


@pytest.fixture
def scheduler(db):
    return make_user("scheduler", email="wfm@provider.test")


def approved(agent, first, last, actor, kind="vacation"):
    request = services.request_time_off(
        agent=agent, starts_on=first, ends_on=last, kind=kind, actor=actor
    )
    return services.approve_time_off(request=request, actor=actor)


def test_only_approved_time_off_counts_and_is_in_utc(scheduler):
    # given a Lisbon agent with approved Tuesday off, and a waiting Thursday
    agent = AgentFactory(time_zone="Europe/Lisbon")
    allowance(agent, 2031, 20)
    approved(agent, date(2031, 3, 11), date(2031, 3, 11), scheduler)
    services.request_time_off(
        agent=agent,
        starts_on=date(2031, 3, 13),
        ends_on=date(2031, 3, 13),
        kind="sick",
        actor=scheduler,
    )
    start, end = datetime(2031, 3, 10, tzinfo=UTC), datetime(2031, 3, 17, tzinfo=UTC)
    # when
    periods = unavailability_for([agent], start, end)[agent.pk]
    # then only Tuesday, midnight to midnight Lisbon (UTC+0 in March)
    assert [(p.starts_at.isoformat(), p.ends_at.isoformat()) for p in periods] == [
        ("2031-03-11T00:00:00+00:00", "2031-03-12T00:00:00+00:00")
    ]


def test_time_off_in_another_zone_lands_on_the_plans_wall_clock(scheduler):
    # given a Lisbon agent off on Tuesday, in a week planned in Berlin (one hour ahead)
    agent = AgentFactory(time_zone="Europe/Lisbon")
    allowance(agent, 2031, 20)
    approved(agent, date(2031, 3, 11), date(2031, 3, 11), scheduler)
    # when
    blocked = engine_unavailability([agent], monday=MONDAY, time_zone="Europe/Berlin")[agent.pk]
    # then Tuesday 01:00 to Wednesday 01:00 Berlin
    assert blocked == frozenset(range(PER_DAY + 2, 2 * PER_DAY + 2))


def test_a_dst_sunday_off_is_the_whole_wall_clock_day(scheduler):
    # given a New York agent off on Sunday 9 March 2031, the day clocks go forward (23 hours)
    agent = AgentFactory(time_zone="America/New_York")
    approved(agent, date(2031, 3, 9), date(2031, 3, 9), scheduler, kind="training")
    # when the week from Monday 3 March is planned in New York
    blocked = engine_unavailability([agent], monday=date(2031, 3, 3), time_zone="America/New_York")[
        agent.pk
    ]
    # then the whole Sunday of the plan is blocked, nothing else
    assert blocked == frozenset(range(6 * PER_DAY, 7 * PER_DAY))


def test_the_optimiser_never_schedules_an_agent_in_approved_time_off(scheduler):
    # given two agents, one with approved time off Tuesday to Thursday, and demand every day
    away, present = AgentFactory(), AgentFactory()
    allowance(away, 2031, 20)
    approved(away, date(2031, 3, 11), date(2031, 3, 13), scheduler)
    blocked = engine_unavailability([away, present], monday=MONDAY, time_zone="Europe/Lisbon")
    requirement = np.zeros((1, WEEK), dtype=np.int64)
    for day in range(7):
        requirement[0, day * PER_DAY + 18 : day * PER_DAY + 34] = 2  # 09:00-17:00, two agents
    problem = SchedulingProblem(
        queues=("general",),
        requirement=requirement,
        agents=tuple(
            Agent(
                name=agent.employee_number,
                skills=frozenset({"general"}),
                contract="flexible",
                hourly_cost=float(agent.hourly_cost),
                unavailable_intervals=blocked[agent.pk],
            )
            for agent in (away, present)
        ),
        contracts={"flexible": Contract("flexible", ("day",), 0, 5, 0.0, 40.0)},
        templates={"day": ShiftTemplate("day", 16, tuple(range(14, 22)))},
    )
    # when the week is solved
    plan = solve_schedule(problem, time_limit=20, threads=1, seed=1)
    # then the independent validator finds nothing, and the away agent works none of the days
    assert validate_plan(problem, plan) == []
    assert [plan.shifts[0][day] for day in (1, 2, 3)] == [None, None, None]
    assert not plan.queue_of[0, PER_DAY : 4 * PER_DAY].max() >= 0
    # and the agent does work on days without time off (the demand is there)
    assert any(plan.shifts[0][day] is not None for day in (0, 4, 5, 6))


def test_the_weekly_pattern_and_employment_dates_are_unavailable_too(scheduler):
    # given an agent off on Saturdays, available 12:00-22:00 on Mondays, leaving on Thursday
    agent = AgentFactory(
        time_zone="Europe/Lisbon",
        availability={"sat": "off", "mon": "12:00-22:00"},
        starts_on=date(2020, 1, 1),
        ends_on=date(2031, 3, 13),
    )
    # when
    blocked = engine_unavailability([agent], monday=MONDAY, time_zone="Europe/Lisbon")[agent.pk]
    # then Monday before 12:00 and from 22:00, and Friday to Sunday (gone) are blocked
    monday = set(range(0, 24)) | set(range(44, 48))
    gone = set(range(4 * PER_DAY, WEEK))
    assert blocked == frozenset(monday | gone)
    # and without the pattern, nothing is (no time off)
    assert (
        engine_unavailability(
            [agent], monday=MONDAY, time_zone="Europe/Lisbon", with_pattern=False
        )[agent.pk]
        == frozenset()
    )
