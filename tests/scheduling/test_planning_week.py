"""The pure half of planning runs: the week's wall clock across DST, requirements placed by
their UTC instant, templates and contracts, merged queues and shifts cut per client."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from scheduling.engine.optimiser.model import Agent, SchedulingProblem
from scheduling.planning.planning_week import (
    INTERVALS,
    ShiftPart,
    WeekClock,
    activities_of,
    client_parts,
    contract_terms,
    coverage_figures,
    engine_template,
    expand_queues,
    merge_queues,
    place_requirement,
    sticky_queues,
)

SPRING = WeekClock(date(2026, 3, 23), "Europe/Lisbon")  # Sunday 29 March has 23 hours
AUTUMN = WeekClock(date(2026, 10, 19), "Europe/Lisbon")  # Sunday 25 October has 25 hours


def every_half_hour(clock: WeekClock, agents: int = 1):
    moment = clock.starts_at
    while moment < clock.ends_at:
        yield moment, 30, agents
        moment += timedelta(minutes=30)


def test_the_week_has_167_or_169_hours_across_dst():
    assert SPRING.ends_at - SPRING.starts_at == timedelta(hours=167)
    assert AUTUMN.ends_at - AUTUMN.starts_at == timedelta(hours=169)
    assert WeekClock(date(2026, 12, 7), "Europe/Lisbon").ends_at - WeekClock(
        date(2026, 12, 7), "Europe/Lisbon"
    ).starts_at == timedelta(hours=168)


def test_a_23_hour_day_leaves_the_skipped_hour_without_requirement():
    placed = place_requirement(SPRING, every_half_hour(SPRING))
    sunday = 6 * 48
    assert placed.sum() == 334
    assert placed[sunday + 2] == placed[sunday + 3] == 0  # 01:00-02:00 never happens
    assert placed[sunday + 4] == 1


def test_a_25_hour_day_lands_the_repeated_hour_once_with_the_larger_need():
    def needs(moment: datetime) -> int:
        # 1 agent in the first 01:00-02:00, 3 in the second
        return 3 if moment >= datetime(2026, 10, 25, 1, tzinfo=UTC) else 1

    rows = [(m, minutes, needs(m)) for m, minutes, _ in every_half_hour(AUTUMN)]
    placed = place_requirement(AUTUMN, rows)
    sunday = 6 * 48
    assert placed[sunday + 2] == placed[sunday + 3] == 3
    assert (placed > 0).all() and placed.shape == (INTERVALS,)


def test_a_requirement_in_another_zone_lands_at_its_instant():
    # 09:00 in New York on the Wednesday is 14:00 in Lisbon (both on winter time)
    clock = WeekClock(date(2026, 12, 7), "Europe/Lisbon")
    nine = datetime(2026, 12, 9, 9, tzinfo=ZoneInfo("America/New_York"))
    placed = place_requirement(clock, [(nine, 60, 2)])
    assert np.flatnonzero(placed).tolist() == [2 * 48 + 28, 2 * 48 + 29]


def test_fifteen_minute_rows_take_the_larger_of_the_two():
    clock = WeekClock(date(2026, 12, 7), "UTC")
    start = clock.starts_at + timedelta(hours=8)
    placed = place_requirement(clock, [(start, 15, 2), (start + timedelta(minutes=15), 15, 5)])
    assert placed[16] == 5 and placed.sum() == 5


def test_wall_times_back_to_utc_are_in_order_across_both_changes():
    for clock in (SPRING, AUTUMN):
        instants = [clock.to_utc(t * 30) for t in range(INTERVALS + 1)]
        assert instants == sorted(instants)
    # a Saturday 22:00 shift of 8 wall hours is worked for 7 hours in spring, 9 in autumn
    saturday_ten = (5 * 24 + 22) * 60
    assert SPRING.to_utc(saturday_ten + 480) - SPRING.to_utc(saturday_ten) == timedelta(hours=7)
    assert AUTUMN.to_utc(saturday_ten + 480) - AUTUMN.to_utc(saturday_ten) == timedelta(hours=9)


def test_templates_in_half_hours():
    template = engine_template("Early", 480, [time(6), time(6, 45), time(14)])
    assert (template.length_intervals, template.start_intervals) == (16, (12, 13, 28))
    assert engine_template("Any", 240, []).start_intervals == tuple(range(48))


def test_contract_terms_take_off_what_other_clients_booked():
    terms = contract_terms(
        templates=["Day"],
        min_hours=32,
        max_hours=40,
        days_per_week=5,
        booked_hours=8,
        booked_days=1,
    )
    assert (terms.min_hours, terms.max_hours, terms.max_shifts) == (24, 32, 4)
    full = contract_terms(
        templates=["Day"],
        min_hours=10,
        max_hours=20,
        days_per_week=5,
        booked_hours=30,
        booked_days=5,
    )
    assert (full.min_hours, full.max_hours, full.max_shifts) == (0, 0, 0)
    assert terms.contract().name == terms.name


def _problem(queues, agents_skills, requirement):
    return SchedulingProblem(
        queues=tuple(queues),
        requirement=np.array(requirement, dtype=np.int64),
        agents=tuple(
            Agent(name=str(i), skills=frozenset(s), contract="c", hourly_cost=1.0)
            for i, s in enumerate(agents_skills)
        ),
        contracts={},
        templates={},
        days=1,
        intervals_per_day=2,
    )


def test_queues_the_same_agents_cover_are_merged_and_their_requirement_summed():
    problem = _problem(
        ["a:1", "b:1", "a:2"],
        [{"a:1", "b:1"}, {"a:1", "b:1", "a:2"}],
        [[1, 0], [2, 1], [0, 1]],
    )
    merged = merge_queues(problem)
    assert merged.members == ((0, 1), (2,))
    assert merged.problem.queues == ("a:1+b:1", "a:2")
    assert merged.problem.requirement.tolist() == [[3, 1], [0, 1]]
    assert merged.problem.agents[0].skills == {"a:1+b:1"}


def test_expanding_merged_queues_keeps_shortfall_and_keeps_agents_on_their_client():
    # given three agents on a merged queue of client 1's and client 2's lines
    problem = _problem(["a", "b"], [{"a", "b"}] * 3, [[2, 2], [2, 1]])
    merged = merge_queues(problem)
    on_merged = np.zeros((3, 2), dtype=np.int64)

    # when
    queue_of = expand_queues(merged, on_merged, problem.requirement, client_of_queue=[1, 2])

    # then: 4 needed and 3 there is one short (half an agent-hour), the second interval is
    # covered exactly, and nobody changes queue
    coverage = np.stack([(queue_of == q).sum(axis=0) for q in range(2)])
    first = coverage_figures(np.asarray(problem.requirement)[:, :1], coverage[:, :1])
    assert first.shortfall_hours == 0.5
    assert (coverage[:, 1] == [2, 1]).all()
    assert (queue_of[:, 0] == queue_of[:, 1]).all()


def test_sticky_queues_keep_counts_and_reduce_changes():
    # two agents of one class swap queues every interval in the optimiser's hand-out
    queue_of = np.array([[0, 1, 0, 1], [1, 0, 1, 0]])
    sticky = sticky_queues(queue_of, np.array([0, 0]), client_of_queue=[1, 2])
    assert (np.sort(sticky, axis=0) == np.sort(queue_of, axis=0)).all()
    assert (sticky[:, 0] == sticky[:, 1]).all() and (sticky[:, 1] == sticky[:, 3]).all()


def test_a_shift_is_cut_where_it_changes_client_and_keeps_its_activities():
    row = np.full(INTERVALS, -1)
    row[16:24] = 0  # client 1, line 11
    row[24:28] = 1  # client 1, line 12
    row[28:32] = 2  # client 2, line 21
    parts = client_parts(16, 16, row, client_of_queue=[1, 1, 2])
    assert parts == [ShiftPart(1, 16, 28, (0,) * 8 + (1,) * 4), ShiftPart(2, 28, 32, (2,) * 4)]
    clock = WeekClock(date(2026, 12, 7), "UTC")
    starts_at, ends_at, main, activities = activities_of(clock, parts[0], [11, 12, 21])
    assert (starts_at.hour, ends_at.hour, main) == (8, 14, 11)
    assert [(a["line"], a["start"][11:16], a["end"][11:16]) for a in activities] == [
        (11, "08:00", "12:00"),
        (12, "12:00", "14:00"),
    ]


def test_a_sunday_night_shift_runs_into_next_monday():
    row = np.full(INTERVALS, -1)
    row[-4:] = 0
    row[:12] = 0
    (part,) = client_parts(INTERVALS - 4, 16, row, client_of_queue=[1])
    clock = WeekClock(date(2026, 12, 7), "UTC")
    starts_at, ends_at, _, _ = activities_of(clock, part, [5])
    assert (starts_at, ends_at) == (
        datetime(2026, 12, 13, 22, tzinfo=UTC),
        datetime(2026, 12, 14, 6, tzinfo=UTC),
    )


@pytest.mark.parametrize("zone", ["Europe/Lisbon", "America/New_York", "Asia/Kolkata"])
def test_wall_minutes_and_to_utc_agree_outside_changes(zone):
    clock = WeekClock(date(2026, 12, 7), zone)
    for minutes in (0, 30, 8 * 60, 3 * 24 * 60 + 90, 7 * 24 * 60):
        assert clock.wall_minutes(clock.to_utc(minutes)) == minutes
