"""The week's SLA projection (scheduling.engine.sla_projection) against hand-computed values.

Erlang C by hand for 10 contacts of 180 s in a 30-minute interval (1 erlang) with 2 agents and
a 20 s threshold: Erlang B(2, 1) = (1/2) / (1 + 1 + 1/2) = 0.2; C = 2 * 0.2 / (2 - 1 * 0.8) =
1/3; SL = 1 - (1/3) * exp(-(2 - 1) * 20 / 180) = 1 - e^(-1/9) / 3 = 0.701720...
"""

from __future__ import annotations

import math
from decimal import Decimal

import pytest

from scheduling.engine import kpi
from scheduling.engine.sla_projection import (
    Expected,
    ProjectionStatus,
    backlog_expected,
    expected_totals,
    live_expected,
    project,
    whole,
)

SL_2_AGENTS = 1 - math.exp(-1 / 9) / 3  # 0.7017202277
TARGETS = kpi.Targets(service_level_percent=Decimal("80"), service_level_seconds=20)
# Monday to Thursday noon: 80 answered (70 in time), 10 abandoned of which 4 short
SO_FAR = kpi.ContactTotals(
    offered=90, answered=80, abandoned=10, short_abandoned=4, answered_within_threshold=70
)


def test_one_interval_matches_erlang_c_by_hand():
    expected = live_expected(
        volumes=[10], agents=[2], aht_seconds=180, interval_seconds=1800, target_seconds=20
    )
    assert expected.volume == 10
    assert expected.within == pytest.approx(10 * SL_2_AGENTS, abs=1e-9)  # 7.017
    assert expected.unstaffed_intervals == 0


def test_a_chat_agent_holding_two_conversations_is_two_slots():
    expected = live_expected(
        volumes=[10],
        agents=[1],
        aht_seconds=180,
        interval_seconds=1800,
        target_seconds=20,
        concurrency=2,
    )
    assert expected.within == pytest.approx(10 * SL_2_AGENTS, abs=1e-9)


def test_an_interval_with_contacts_and_no_agent_answers_nobody_in_time():
    expected = live_expected(
        volumes=[10, 5, 0],
        agents=[2, 0, 0],
        aht_seconds=180,
        interval_seconds=1800,
        target_seconds=20,
    )
    assert expected.volume == 15
    assert expected.within == pytest.approx(10 * SL_2_AGENTS, abs=1e-9)
    assert (expected.unstaffed_intervals, expected.unstaffed_volume) == (1, 5)


def test_the_week_is_counts_under_the_lines_convention():
    # given the week so far and two remaining intervals of 10 contacts with 2 agents each
    rest = live_expected(
        volumes=[10, 10], agents=[2, 2], aht_seconds=180, interval_seconds=1800, target_seconds=20
    )
    assert rest.within == pytest.approx(14.0344, abs=1e-4)  # rounds to 14 of 20

    # when projected under the default convention (short abandons left out)
    default = project(
        actual=SO_FAR, expected=rest, convention="answered_abandoned_less_short", targets=TARGETS
    )

    # then (70 + 14) / (80 + 10 - 4 + 20) = 84 / 106 = 79.25 %: at risk against 80 %
    assert (default.numerator, default.denominator) == (84, 106)
    assert default.level == pytest.approx(0.792453, abs=1e-6)
    assert default.status == ProjectionStatus.AT_RISK
    assert (default.actual_numerator, default.actual_denominator) == (70, 86)
    assert default.expected == kpi.ContactTotals(
        offered=20, answered=20, answered_within_threshold=14
    )

    # and answered only (abandons ignored): (70 + 14) / (80 + 20) = 84 %: on track
    lenient = project(actual=SO_FAR, expected=rest, convention="answered_only", targets=TARGETS)
    assert (lenient.numerator, lenient.denominator) == (84, 100)
    assert lenient.status == ProjectionStatus.ON_TRACK


def test_84_of_105_is_exactly_80_percent_and_on_track():
    actual = kpi.ContactTotals(offered=85, answered=85, answered_within_threshold=70)
    rest = Expected(volume=20.4, within=13.6)  # rounds to 14 of 20
    projection = project(actual=actual, expected=rest, convention="answered_only", targets=TARGETS)
    assert (projection.numerator, projection.denominator) == (84, 105)
    assert projection.status == ProjectionStatus.ON_TRACK


def test_without_a_plan_or_forecast_the_projection_is_not_possible():
    projection = project(
        actual=SO_FAR, expected=None, convention="answered_abandoned_less_short", targets=TARGETS
    )
    assert projection.status == ProjectionStatus.NOT_POSSIBLE
    assert (projection.numerator, projection.denominator) == (70, 86)  # what is known


def test_a_past_week_is_its_actual_figure_met_or_missed():
    over = project(
        actual=SO_FAR, expected=None, convention="answered_only", targets=TARGETS, week_over=True
    )
    assert over.status == ProjectionStatus.MET  # 70 / 80 = 87.5 %
    missed = project(
        actual=SO_FAR,
        expected=None,
        convention="answered_abandoned",
        targets=TARGETS,
        week_over=True,
    )
    assert missed.status == ProjectionStatus.MISSED  # 70 / 90 = 77.8 %


def test_a_line_without_target_is_projected_and_says_so():
    projection = project(
        actual=SO_FAR,
        expected=Expected(volume=10, within=7),
        convention="answered_only",
        targets=kpi.Targets(),
    )
    assert projection.status == ProjectionStatus.NO_TARGET
    assert (projection.numerator, projection.denominator) == (77, 90)


def test_a_week_without_any_contact_has_no_figure():
    projection = project(
        actual=kpi.ContactTotals(), expected=Expected(), convention="answered_only", targets=TARGETS
    )
    assert projection.status == ProjectionStatus.NO_CONTACTS
    assert projection.level is None


def test_a_future_week_is_all_forecast():
    rest = live_expected(
        volumes=[10], agents=[2], aht_seconds=180, interval_seconds=1800, target_seconds=20
    )
    projection = project(
        actual=kpi.ContactTotals(), expected=rest, convention="offered", targets=TARGETS
    )
    assert (projection.numerator, projection.denominator) == (7, 10)
    assert projection.status == ProjectionStatus.AT_RISK


def test_backlog_items_are_answered_first_in_first_out_within_their_window():
    # given 10 e-mails of 15 minutes each arriving in the first interval, one agent, a window
    # of two 15-minute intervals: one e-mail per interval
    expected = backlog_expected(
        volumes=[10, 0, 0],
        agents=[1, 1, 1],
        aht_seconds=900,
        interval_minutes=15,
        response_minutes=30,
    )
    # then the first two are in time, the third late, seven still waiting (late)
    assert expected.volume == 10
    assert expected.within == pytest.approx(2)


def test_backlog_with_enough_agents_is_all_in_time():
    expected = backlog_expected(
        volumes=[4, 2, 6],
        agents=[2, 2, 3],
        aht_seconds=450,
        interval_minutes=15,
        response_minutes=240,
    )
    assert expected.within == pytest.approx(12)
    totals = expected_totals(expected, is_async=True)
    assert totals == kpi.ContactTotals(first_responses=12, first_responses_within_target=12)


def test_an_older_item_is_answered_before_a_newer_one():
    # 2 items arrive at 0, 2 at 1; one agent answers 1 per interval; window 1 interval
    expected = backlog_expected(
        volumes=[2, 2, 0, 0],
        agents=[1, 1, 1, 1],
        aht_seconds=900,
        interval_minutes=15,
        response_minutes=15,
    )
    # interval 0: item A1 in time; 1: A2 late; 2: B1 late; 3: B2 late
    assert expected.within == pytest.approx(1)


def test_async_projection_counts_first_responses():
    targets = kpi.Targets(first_response_percent=Decimal("90"), first_response_hours=Decimal(4))
    actual = kpi.ContactTotals(first_responses=50, first_responses_within_target=48)
    projection = project(
        actual=actual,
        expected=Expected(volume=10, within=4),
        convention="answered_only",
        targets=targets,
        is_async=True,
    )
    assert (projection.numerator, projection.denominator) == (52, 60)  # 86.7 %
    assert projection.status == ProjectionStatus.AT_RISK


def test_whole_rounds_half_up():
    assert [whole(v) for v in (2.5, 3.5, 2.49, 0)] == [3, 4, 2, 0]
