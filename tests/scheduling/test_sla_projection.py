"""The week's SLA projection from stored statistics, a ready forecast and the published plan
(scheduling.planning.selectors.sla_projection), against figures computed by hand.

By hand (see tests/engine/test_sla_projection.py): 10 contacts of 180 s in a half hour are
1 erlang; with 2 agents and a 20 s threshold Erlang C answers 1 - e^(-1/9) / 3 = 70.17 % of
them in time; with 1 agent (no more agents than erlangs) none.
"""

from __future__ import annotations

import math
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from scheduling.engine.sla_projection import ProjectionStatus
from scheduling.planning.models import PlanningSettings
from scheduling.planning.selectors.sla import IsoWeek
from scheduling.planning.selectors.sla_projection import list_week_projections
from tests.catalog.factories import ServiceLineFactory
from tests.roster.factories import AgentFactory
from tests.scheduling.projection_helpers import (
    WEEK,
    local,
    lunch,
    make_forecast,
    publish,
    work,
)
from tests.scheduling.sla_helpers import interval, store

pytestmark = pytest.mark.django_db

SL_2_AGENTS = 1 - math.exp(-1 / 9) / 3
WEDNESDAY_NOON = local(2, 12)


@pytest.fixture
def line(in_client_a):
    return ServiceLineFactory(name="Orders")  # 80 % within 20 s, short abandons left out


@pytest.fixture
def week_of_orders(line, scheduler_a):
    """Monday 10:00: 90 offered, 80 answered (70 in time), 10 abandoned (4 short). Forecast:
    999 on Monday 10:00 (has statistics: ignored), 10 on Thursday 09:00 and 09:30, 5 on
    Thursday 11:00. Plan: three agents on Thursday 09:00-10:00, one of them at lunch from
    09:30; nobody at 11:00."""
    store(
        interval(
            line,
            local(0, 10),
            minutes=30,
            offered=90,
            answered=80,
            abandoned=10,
            short_abandoned=4,
            answered_within_threshold=70,
        )
    )
    make_forecast(line, {local(0, 10): 999, local(3, 9): 10, local(3, 9.5): 10, local(3, 11): 5})
    ana, ben, cy = AgentFactory(), AgentFactory(), AgentFactory()
    publish(
        scheduler_a,
        [
            (ana, line, local(3, 9), local(3, 10), None),
            (ben, line, local(3, 9), local(3, 10), None),
            (
                cy,
                line,
                local(3, 9),
                local(3, 10),
                [work(local(3, 9), local(3, 9.5), line), lunch(local(3, 9.5), local(3, 10))],
            ),
        ],
    )
    return line


def _only(projection):
    (line,) = projection.lines
    return line


def test_the_week_is_statistics_so_far_plus_forecast_and_plan_by_erlang_c(
    in_client_a, week_of_orders
):
    # when projected on Wednesday noon
    projection = list_week_projections(client=in_client_a, week=WEEK, now=WEDNESDAY_NOON)
    line = _only(projection)

    # then, by hand: Thursday 09:00 has 3 at work, less 30 % shrinkage 2.1 -> 2 agents: 7.017
    # in time of 10; 09:30 has 2 at work (one at lunch) -> 1.4 -> 1 agent: none of 10;
    # 11:00 has nobody: none of 5. Expected 7 of 25, rounded once.
    assert line.sources.expected_within == pytest.approx(10 * SL_2_AGENTS, abs=1e-9)
    assert line.sources.expected_contacts == 25
    # the week: (70 + 7) / (80 + 10 - 4 + 25) = 77 / 111 = 69.37 %
    assert (line.projection.numerator, line.projection.denominator) == (77, 111)
    assert line.status == ProjectionStatus.AT_RISK
    assert line.headline == "At risk: projected 69.4 % against 80 %"
    assert projection.state == "current"
    assert projection.shrinkage_percent == 30


def test_the_sources_say_where_each_part_comes_from(in_client_a, week_of_orders):
    line = _only(list_week_projections(client=in_client_a, week=WEEK, now=WEDNESDAY_NOON))

    assert line.sources.statistics_intervals == 1
    assert line.sources.statistics_until == local(0, 10.5)
    assert line.sources.projected_intervals == 7 * 48 - 1
    # Monday 00:00 to Wednesday 12:00 has no forecast contacts but Monday 10:00's, which has
    # statistics
    assert line.sources.elapsed_without_statistics == 0
    assert line.sources.forecast_versions == (1,)
    assert line.sources.missing_forecast_intervals == 0
    assert (line.sources.unstaffed_intervals, line.sources.unstaffed_contacts) == (1, 5)
    assert line.sources.model == "Erlang C"
    assert any("no agent at work" in note for note in line.notes)


def test_elapsed_intervals_not_imported_yet_are_counted_from_the_forecast(
    in_client_a, week_of_orders
):
    # given a forecast of 4 contacts on Tuesday 10:00, which has no statistics yet
    from scheduling.planning.models import ForecastInterval

    ForecastInterval.objects.filter(starts_at=local(1, 10)).update(
        volume=4, adjusted_volume=4, aht_seconds=180
    )

    line = _only(list_week_projections(client=in_client_a, week=WEEK, now=WEDNESDAY_NOON))

    # then it is named, and its 4 contacts (no agent then) count as late: 77 / 115
    assert line.sources.elapsed_without_statistics == 1
    assert (line.projection.numerator, line.projection.denominator) == (77, 115)
    assert any("1 elapsed intervals with forecast contacts" in note for note in line.notes)


def test_the_lines_convention_counts_the_statistics(in_client_a, week_of_orders):
    # given the line counts answered contacts only
    week_of_orders.sla_convention = "answered_only"
    week_of_orders.save()

    line = _only(list_week_projections(client=in_client_a, week=WEEK, now=WEDNESDAY_NOON))

    # then (70 + 7) / (80 + 25) = 73.3 %
    assert (line.projection.numerator, line.projection.denominator) == (77, 105)


def test_enough_agents_put_the_week_on_track(in_client_a, line, scheduler_a):
    store(interval(line, local(0, 10), minutes=30, answered=100, answered_within_threshold=90))
    make_forecast(line, {local(3, 9): 10})
    agents = [AgentFactory() for _ in range(5)]  # 5 at work, 3.5 -> 3 agents
    publish(scheduler_a, [(agent, line, local(3, 9), local(3, 9.5), None) for agent in agents])

    line_projection = _only(
        list_week_projections(client=in_client_a, week=WEEK, now=WEDNESDAY_NOON)
    )

    # Erlang C, 1 erlang, 3 agents: B(3,1) = (1/6)/(1+1+1/2+1/6) = 1/16; C = 3*(1/16) /
    # (3 - 15/16) = 1/11; SL = 1 - (1/11) e^(-2*20/180) = 92.74 % -> 9 of 10
    assert line_projection.sources.expected_within == pytest.approx(
        10 * (1 - math.exp(-2 / 9) / 11), abs=1e-9
    )
    assert (line_projection.projection.numerator, line_projection.projection.denominator) == (
        99,
        110,
    )
    assert line_projection.headline == "On track: projected 90.0 % against 80 %"


def test_without_a_published_plan_the_projection_is_not_possible(in_client_a, line):
    store(interval(line, local(0, 10), minutes=30, answered=10, answered_within_threshold=7))
    make_forecast(line, {local(3, 9): 10})

    line_projection = _only(
        list_week_projections(client=in_client_a, week=WEEK, now=WEDNESDAY_NOON)
    )

    assert line_projection.status == ProjectionStatus.NOT_POSSIBLE
    assert line_projection.headline == (
        "Projection not possible: no published plan for week 2026-W50, so no agents to count; "
        "so far 70.0 % (7 of 10)"
    )


def test_without_a_forecast_the_projection_is_not_possible(in_client_a, line, scheduler_a):
    publish(scheduler_a, [(AgentFactory(), line, local(3, 9), local(3, 17), None)])

    line_projection = _only(
        list_week_projections(client=in_client_a, week=WEEK, now=WEDNESDAY_NOON)
    )

    assert line_projection.status == ProjectionStatus.NOT_POSSIBLE
    assert "no ready forecast for the rest of week 2026-W50" in line_projection.headline


def test_missing_forecast_intervals_are_named(in_client_a, line, scheduler_a):
    # given a forecast that stops on Sunday 00:00
    make_forecast(line, {local(3, 9): 10}, until=local(6, 0))
    publish(scheduler_a, [(AgentFactory(), line, local(3, 9), local(3, 17), None)])

    line_projection = _only(
        list_week_projections(client=in_client_a, week=WEEK, now=WEDNESDAY_NOON)
    )

    assert line_projection.sources.missing_forecast_intervals == 48
    assert line_projection.sources.missing_forecast == ((local(6, 0), local(7, 0)),)
    assert any(
        "No forecast for 48 intervals (Sun 13 Dec, 00:00 to Mon 14 Dec, 00:00)" in note
        for note in line_projection.notes
    )


def test_a_past_week_is_its_statistics(in_client_a, week_of_orders):
    # when the week is over
    projection = list_week_projections(
        client=in_client_a, week=WEEK, now=local(7, 0) + timedelta(minutes=1)
    )
    line = _only(projection)

    # then 70 / 86 = 81.4 % and no forecast is used
    assert projection.state == "past"
    assert (line.projection.numerator, line.projection.denominator) == (70, 86)
    assert line.headline == "Met: 81.4 % against 80 % (the week is over)"


def test_a_future_week_is_all_forecast(in_client_a, line, scheduler_a):
    make_forecast(line, {local(3, 9): 10})
    publish(scheduler_a, [(AgentFactory(), line, local(3, 9), local(3, 10), None)])

    projection = list_week_projections(client=in_client_a, week=WEEK, now=local(-3, 12))
    line_projection = _only(projection)

    # 1 at work, 0.7 -> 0 agents: none of 10 in time
    assert projection.state == "future"
    assert line_projection.sources.elapsed_without_statistics == 0
    assert (line_projection.projection.numerator, line_projection.projection.denominator) == (
        0,
        10,
    )
    assert line_projection.headline == "At risk: projected 0.0 % against 80 %"


@pytest.mark.parametrize(
    ("week", "half_hours"), [(IsoWeek(2026, 44), 338), (IsoWeek(2026, 10), 334)]
)
def test_a_dst_week_has_its_own_number_of_intervals(
    in_client_a, line, scheduler_a, week, half_hours
):
    # given a forecast of 10 contacts in every half hour of a week of 169 (167) hours
    volumes = {}
    start = local(0, 0, week)
    for index in range(half_hours):
        volumes[start + timedelta(minutes=30 * index)] = 1.0
    make_forecast(line, volumes, week=week)
    publish(
        scheduler_a, [(AgentFactory(), line, local(0, 0, week), local(0, 8, week), None)], week=week
    )

    projection = list_week_projections(client=in_client_a, week=week, now=local(-1, 0, week))
    line_projection = _only(projection)

    assert line_projection.sources.projected_intervals == half_hours
    assert line_projection.projection.denominator == half_hours


def test_a_line_without_target_is_projected_without_verdict(in_client_a, week_of_orders):
    week_of_orders.service_level_percent = None
    week_of_orders.save()

    line = _only(list_week_projections(client=in_client_a, week=WEEK, now=WEDNESDAY_NOON))

    assert line.status == ProjectionStatus.NO_TARGET
    assert line.headline == "No target: projected 69.4 %"


def test_a_line_without_threshold_cannot_be_projected(in_client_a, week_of_orders):
    week_of_orders.service_level_seconds = None
    week_of_orders.save()

    line = _only(list_week_projections(client=in_client_a, week=WEEK, now=WEDNESDAY_NOON))

    assert line.status == ProjectionStatus.NOT_POSSIBLE
    assert "no service-level threshold" in line.headline


def test_queries_do_not_grow_with_lines(in_client_a, week_of_orders, scheduler_a):
    from scheduling.planning.selectors.sla import list_week_figures

    PlanningSettings.current()
    figures = list_week_figures(client=in_client_a, week=WEEK)
    with CaptureQueriesContext(connection) as one_line:
        list_week_projections(client=in_client_a, week=WEEK, now=WEDNESDAY_NOON, figures=figures)
    for number in range(3):
        other = ServiceLineFactory(name=f"Other {number}")
        make_forecast(other, {local(3, 9): 10})
    figures = list_week_figures(client=in_client_a, week=WEEK)
    with CaptureQueriesContext(connection) as four_lines:
        list_week_projections(client=in_client_a, week=WEEK, now=WEDNESDAY_NOON, figures=figures)
    # statistics starts, forecast intervals, the plan, its bookings, its shifts, the settings
    assert _counted(one_line) == _counted(four_lines) == 6


def _counted(queries) -> int:
    return sum(1 for query in queries.captured_queries if not query["sql"].startswith("SET "))
