"""Chat concurrency and backlog staffing on hand-computed cases (scheduling.engine.channels)."""

import math

import numpy as np
import pytest

from scheduling.engine import channels, erlang
from scheduling.engine.errors import EngineInputError

# --- chat ---------------------------------------------------------------------------------------
#
# By hand: 10 chats in 30 minutes of 180 s each is 1 erlang. Erlang B by the recursion:
# B(1) = 1/2, B(2) = (1 * 1/2) / (2 + 1/2) = 0.2, B(3) = 0.2 / (3 + 0.2) = 0.0625.
# Erlang C: C(2) = 2 * 0.2 / (2 - 1 * 0.8) = 1/3; C(3) = 3 * 0.0625 / (3 - 0.9375) = 0.0909.
# Service level within 20 s: SL(2) = 1 - 1/3 * exp(-(2 - 1) * 20 / 180) = 0.7017 (below 80 %),
# SL(3) = 1 - 0.0909 * exp(-(3 - 1) * 20 / 180) = 0.9272. So 80/20 needs 3 slots.


def test_chat_slots_by_hand_and_agents_holding_two_chats_each():
    # given the 1-erlang interval above and agents who hold two chats at once
    # when
    result = channels.chat_required_agents(
        volumes=[10],
        interval_seconds=1800,
        aht_seconds=180,
        concurrency=2,
        target_level=0.8,
        target_seconds=20,
    )

    # then 3 slots are needed, held by ceil(3 / 2) = 2 agents
    assert result.traffic_erlangs.tolist() == pytest.approx([1.0])
    assert result.slots.tolist() == [3]
    assert result.agents.tolist() == [2]
    # and the hand-computed service levels are what the Erlang module says
    two = erlang.erlang_c_metrics(traffic=1.0, agents=2, aht_seconds=180, target_seconds=20)
    three = erlang.erlang_c_metrics(traffic=1.0, agents=3, aht_seconds=180, target_seconds=20)
    assert two.probability_of_waiting == pytest.approx(1 / 3)
    assert two.service_level == pytest.approx(1 - math.exp(-20 / 180) / 3)
    assert two.service_level == pytest.approx(0.7017, abs=1e-4)
    assert three.probability_of_waiting == pytest.approx(0.1875 / 2.0625)
    assert three.service_level == pytest.approx(0.9272, abs=1e-4)


@pytest.mark.parametrize(
    ("concurrency", "agents"), [(1, 3), (1.5, 2), (2, 2), (3, 1), (4, 1)], ids=str
)
def test_chat_agents_are_slots_over_concurrency_rounded_up(concurrency, agents):
    # when the same 3-slot interval is served at other concurrencies
    result = channels.chat_required_agents(
        volumes=[10],
        interval_seconds=1800,
        aht_seconds=180,
        concurrency=concurrency,
        target_level=0.8,
        target_seconds=20,
    )
    # then
    assert result.agents.tolist() == [agents]


def test_chat_with_concurrency_one_is_plain_erlang_c_and_zero_volume_needs_nobody():
    # given a week-like series with an idle interval and the C1 interval (100 calls, 180 s)
    volumes = [0, 100, 10]
    # when
    result = channels.chat_required_agents(
        volumes=volumes,
        interval_seconds=1800,
        aht_seconds=180,
        concurrency=1,
        target_level=0.8,
        target_seconds=20,
        max_occupancy=0.85,
    )
    # then it matches Erlang C interval by interval (14 for the C1 interval)
    assert result.agents.tolist() == [0, 14, 3]
    assert result.slots.tolist() == result.agents.tolist()


def test_chat_occupancy_cap_applies_to_slots():
    # given 1 erlang with a 30 % occupancy cap: slots >= 1 / 0.3 = 3.33, so 4 slots
    result = channels.chat_required_agents(
        volumes=[10],
        interval_seconds=1800,
        aht_seconds=180,
        concurrency=2,
        target_level=0.8,
        target_seconds=20,
        max_occupancy=0.3,
    )
    # then 4 slots, 2 agents
    assert (result.slots.tolist(), result.agents.tolist()) == ([4], [2])


def test_chat_refuses_a_concurrency_below_one():
    with pytest.raises(EngineInputError) as error:
        channels.chat_required_agents(
            volumes=[10],
            interval_seconds=1800,
            aht_seconds=180,
            concurrency=0.5,
            target_level=0.8,
            target_seconds=20,
        )
    assert error.value.field == "concurrency"


# --- backlog ------------------------------------------------------------------------------------


def test_backlog_spreads_the_workload_over_the_response_window():
    # given 12 e-mails of 600 s arriving in the first of four 1-hour intervals, 2-hour target:
    # 12 * 600 = 7200 agent-seconds over 2 intervals of 3600 s = 1 agent in each
    # when
    result = channels.backlog_required_agents(
        volumes=[12, 0, 0, 0], interval_minutes=60, aht_seconds=600, response_minutes=120
    )
    # then
    assert result.workload_agents.tolist() == pytest.approx([1.0, 1.0, 0.0, 0.0])
    assert result.agents.tolist() == [1, 1, 0, 0]


def test_backlog_divides_by_the_occupancy_cap_and_rounds_up():
    # given the same work with an 80 % cap: 1 / 0.8 = 1.25 agents, so 2
    result = channels.backlog_required_agents(
        volumes=[12, 0, 0, 0],
        interval_minutes=60,
        aht_seconds=600,
        response_minutes=120,
        max_occupancy=0.8,
    )
    assert result.agents.tolist() == [2, 2, 0, 0]


def test_backlog_overlapping_windows_add_up():
    # given 6 items of 600 s per hour (3600 agent-seconds each hour), 2-hour window:
    # interval 0 gets half of hour 0's work (0.5), interval 1 half of hours 0 and 1 (1.0) ...
    result = channels.backlog_required_agents(
        volumes=[6, 6, 6, 0], interval_minutes=60, aht_seconds=600, response_minutes=120
    )
    assert result.workload_agents.tolist() == pytest.approx([0.5, 1.0, 1.0, 0.5])
    assert result.agents.tolist() == [1, 1, 1, 1]


def test_backlog_work_goes_to_open_intervals_only():
    # given a 3-hour window where the second hour is closed: the work of the first hour is
    # spread over hours 0 and 2 (7200 s over 2 open intervals = 1 agent each)
    result = channels.backlog_required_agents(
        volumes=[12, 0, 0, 0],
        interval_minutes=60,
        aht_seconds=600,
        response_minutes=180,
        is_open=[True, False, True, True],
    )
    assert result.workload_agents.tolist() == pytest.approx([1.0, 0.0, 1.0, 0.0])


def test_backlog_arriving_while_closed_waits_for_the_opening():
    # given items arriving at night (intervals 0-1 closed), 1-hour window: nothing is open in
    # the window, so the work goes to the first open interval after it (interval 2)
    result = channels.backlog_required_agents(
        volumes=[6, 0, 0, 0],
        interval_minutes=60,
        aht_seconds=600,
        response_minutes=60,
        is_open=[False, False, True, True],
    )
    assert result.workload_agents.tolist() == pytest.approx([0.0, 0.0, 1.0, 0.0])
    assert result.agents.tolist() == [0, 0, 1, 0]


def test_backlog_window_past_the_horizon_is_cut_at_its_end():
    # given work in the last interval with a 2-hour window: it all lands in that interval
    result = channels.backlog_required_agents(
        volumes=[0, 6], interval_minutes=60, aht_seconds=600, response_minutes=120
    )
    assert result.workload_agents.tolist() == pytest.approx([0.0, 1.0])


def test_backlog_total_work_is_kept():
    # given random arrivals on 15-minute intervals and a 4-hour window with closed nights
    rng = np.random.default_rng(3)
    volumes = rng.poisson(5, size=96 * 3).astype(float)
    is_open = np.tile(np.r_[np.zeros(32), np.ones(56), np.zeros(8)].astype(bool), 3)
    volumes[~is_open] = 0
    # when
    result = channels.backlog_required_agents(
        volumes=volumes,
        interval_minutes=15,
        aht_seconds=300,
        response_minutes=240,
        is_open=is_open,
    )
    # then every agent-second arrived is planned somewhere, and only while open
    assert result.workload_agents.sum() * 900 == pytest.approx(volumes.sum() * 300)
    assert result.workload_agents[~is_open].sum() == 0


def test_backlog_refuses_bad_input():
    with pytest.raises(EngineInputError) as error:
        channels.backlog_required_agents(
            volumes=[1], interval_minutes=15, aht_seconds=60, response_minutes=0
        )
    assert error.value.field == "response_minutes"
    with pytest.raises(EngineInputError) as error:
        channels.backlog_required_agents(
            volumes=[1, 2], interval_minutes=15, aht_seconds=60, response_minutes=60, is_open=[1]
        )
    assert error.value.field == "is_open"
