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


# --- pinned after the mutation run (docs/testing.md) ---------------------------------------------


def _chat(**overrides):
    arguments = dict(
        volumes=[10],
        interval_seconds=1800,
        aht_seconds=180,
        concurrency=2,
        target_level=0.8,
        target_seconds=20,
    )
    arguments.update(overrides)
    return channels.chat_required_agents(**arguments)


def _backlog(**overrides):
    arguments = dict(volumes=[12, 0, 0, 0], interval_minutes=60, aht_seconds=600)
    arguments["response_minutes"] = 120
    arguments.update(overrides)
    return channels.backlog_required_agents(**arguments)


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("two", "must be a number, got 'two'"),
        (None, "must be a number, got None"),
        (0.999, "must be at least 1, got 0.999"),
        (math.inf, "must be at least 1, got inf"),
        (math.nan, "must be at least 1, got nan"),
    ],
    ids=str,
)
def test_chat_refuses_a_concurrency_in_words(value, words):
    with pytest.raises(EngineInputError) as error:
        _chat(concurrency=value)
    assert (error.value.field, error.value.message) == ("concurrency", words)


def test_chat_concurrency_exactly_one_and_a_numeric_string_are_taken():
    # 3 slots (by hand above) at one chat each is 3 agents; "3" is read as the number 3
    assert _chat(concurrency=1).agents.tolist() == [3]
    assert _chat(concurrency="3").agents.tolist() == [1]


def test_chat_traffic_follows_each_interval_handle_time():
    # given 10 chats of 180 s and 20 chats of 90 s in 30 minutes: 1 erlang each; 0 chats: 0
    result = _chat(volumes=[10, 20, 0], aht_seconds=[180, 90, 300])
    # then traffic is volume * handle time / interval, interval by interval
    assert result.traffic_erlangs.tolist() == pytest.approx([1.0, 1.0, 0.0])
    assert result.traffic_erlangs.dtype == np.float64


def test_chat_agents_at_a_fractional_concurrency_are_not_rounded_up_by_float_noise():
    # given an interval needing 21 slots (164 chats of 180 s in 30 min: Erlang C at 80/20)
    # and agents holding 1.4 chats on average: 21 / 1.4 is 15 exactly, but in binary floating
    # point 15.000000000000002, which must not become 16 agents
    result = _chat(volumes=[164], concurrency=1.4)
    assert result.slots.tolist() == [21]
    assert result.agents.tolist() == [15]
    assert result.agents.dtype == np.int64


def test_chat_with_patience_staffs_slots_by_erlang_a():
    # given the 21-slot interval above and chatters who give up after 120 s on average:
    # abandonment relieves the queue, so Erlang A needs fewer slots than Erlang C's 21
    expected = erlang.required_agents_series(
        volumes=[164],
        interval_seconds=1800,
        aht_seconds=180,
        target_level=0.8,
        target_seconds=20,
        patience_seconds=120,
    )
    assert expected.tolist()[0] < 21
    # when
    patient = _chat(volumes=[164], concurrency=4, patience_seconds=120)
    # then the slots are Erlang A's and the agents ceil(slots / 4)
    assert patient.slots.tolist() == expected.tolist()
    assert patient.agents.tolist() == [math.ceil(expected[0] / 4)]


def test_chat_and_backlog_read_decimal_figures_as_numbers():
    # given volumes and handle times as Decimals (as a model's DecimalField gives them)
    from decimal import Decimal

    chat = _chat(volumes=[Decimal("10")], aht_seconds=Decimal("180"))
    backlog = _backlog(volumes=[Decimal("12"), 0, 0, 0], aht_seconds=Decimal("600"))
    # then the figures are the same as for floats (1 erlang, 3 slots, 2 agents; 1 agent twice)
    assert chat.traffic_erlangs.tolist() == pytest.approx([1.0])
    assert (chat.slots.tolist(), chat.agents.tolist()) == ([3], [2])
    assert backlog.agents.tolist() == [1, 1, 0, 0]
    assert backlog.workload_agents.dtype == np.float64


def test_chat_passes_the_occupancy_cap_and_target_on_to_the_slots():
    # 1 erlang: 80/20 needs 3 slots (above). A 95 % target within 20 s needs 4:
    # B(4) = 0.0625 / 4.0625, C(4) = 4 B(4) / (4 - (1 - B(4))), SL(4) = 1 - C(4) e^(-3*20/180)
    b4 = 0.0625 / (4 + 0.0625)
    c4 = 4 * b4 / (4 - 1 * (1 - b4))
    assert 1 - c4 * math.exp(-3 * 20 / 180) > 0.95
    assert 1 - (0.1875 / 2.0625) * math.exp(-2 * 20 / 180) < 0.95  # 3 slots are not enough
    assert _chat(target_level=0.95, concurrency=1).slots.tolist() == [4]
    # a longer target (60 s) lets 2 slots meet 70 %: SL(2) = 1 - e^(-60/180) / 3 = 0.761
    assert _chat(target_level=0.7, target_seconds=60, concurrency=1).slots.tolist() == [2]


@pytest.mark.parametrize(
    ("overrides", "field", "words"),
    [
        ({"volumes": [1, -1]}, "volumes", "must contain only finite, non-negative numbers"),
        ({"volumes": [1, math.nan]}, "volumes", "must contain only finite, non-negative numbers"),
        ({"volumes": [math.inf]}, "volumes", "must contain only finite, non-negative numbers"),
        ({"interval_minutes": True}, "interval_minutes", "must be a whole number of minutes"),
        ({"interval_minutes": 60.0}, "interval_minutes", "must be a whole number of minutes"),
        ({"interval_minutes": 0}, "interval_minutes", "must be greater than zero"),
        ({"interval_minutes": -15}, "interval_minutes", "must be greater than zero"),
        ({"aht_seconds": -1}, "aht_seconds", "must contain only finite, non-negative numbers"),
        (
            {"aht_seconds": math.nan},
            "aht_seconds",
            "must contain only finite, non-negative numbers",
        ),
        (
            {"aht_seconds": math.inf},
            "aht_seconds",
            "must contain only finite, non-negative numbers",
        ),
        ({"response_minutes": -60}, "response_minutes", "must be greater than zero"),
        ({"response_minutes": math.inf}, "response_minutes", "must be greater than zero"),
        ({"response_minutes": math.nan}, "response_minutes", "must be greater than zero"),
        ({"max_occupancy": 0}, "max_occupancy", "must be a fraction above 0 and at most 1"),
        ({"max_occupancy": 1.01}, "max_occupancy", "must be a fraction above 0 and at most 1"),
        ({"max_occupancy": -0.5}, "max_occupancy", "must be a fraction above 0 and at most 1"),
        ({"is_open": [True] * 5}, "is_open", "must have one flag per interval"),
    ],
    ids=lambda value: str(value)[:40],
)
def test_backlog_refuses_each_bad_input_under_its_field(overrides, field, words):
    with pytest.raises(EngineInputError) as error:
        _backlog(**overrides)
    assert (error.value.field, error.value.message) == (field, words)


def test_backlog_takes_the_limits_of_its_ranges():
    # zero volumes and zero handle times are fine (no work); a cap of exactly 1 is taken
    assert _backlog(volumes=[0, 0, 0, 0]).agents.tolist() == [0, 0, 0, 0]
    assert _backlog(aht_seconds=0).agents.tolist() == [0, 0, 0, 0]
    assert _backlog(max_occupancy=1).agents.tolist() == [1, 1, 0, 0]
    # a 2-D series is read flat, interval by interval
    flat = _backlog(volumes=[[12, 0], [0, 0]], is_open=[[True, True], [True, True]])
    assert flat.agents.tolist() == [1, 1, 0, 0]


def test_backlog_handle_time_per_interval():
    # given 6 items of 600 s in hour 0 and 6 of 1200 s in hour 2, a 1-hour window:
    # 3600 s -> 1 agent in hour 0, 7200 s -> 2 agents in hour 2
    result = _backlog(volumes=[6, 0, 6, 0], aht_seconds=[600, 0, 1200, 0], response_minutes=60)
    assert result.workload_agents.tolist() == pytest.approx([1.0, 0.0, 2.0, 0.0])
    assert result.agents.tolist() == [1, 0, 2, 0]


@pytest.mark.parametrize(
    ("response", "workload"),
    [
        (30, [2.0, 0.0, 0.0, 0.0]),  # shorter than an interval: the arrival's own interval
        (60, [2.0, 0.0, 0.0, 0.0]),
        (90, [2.0, 0.0, 0.0, 0.0]),  # 1.5 intervals: whole intervals only, rounded down
        (119.9999999999, [1.0, 1.0, 0.0, 0.0]),  # within 1e-9 of 2 intervals: 2
        (180, [2 / 3, 2 / 3, 2 / 3, 0.0]),
        (240, [0.5, 0.5, 0.5, 0.5]),
        (600, [0.5, 0.5, 0.5, 0.5]),  # past the horizon: cut at its end
    ],
    ids=str,
)
def test_backlog_window_is_whole_intervals(response, workload):
    # given 12 items of 600 s (2 agent-hours) arriving in hour 0 of four
    result = _backlog(response_minutes=response)
    assert result.workload_agents.tolist() == pytest.approx(workload)


def test_backlog_window_on_quarter_hours():
    # given 9 items of 600 s (5400 s) in the second quarter hour, a 45-minute window: spread
    # over quarters 1, 2 and 3 (1800 s each over 900 s = 2 agents)
    result = channels.backlog_required_agents(
        volumes=[0, 9, 0, 0, 0, 0], interval_minutes=15, aht_seconds=600, response_minutes=45
    )
    assert result.workload_agents.tolist() == pytest.approx([0, 2, 2, 2, 0, 0])
    assert result.agents.tolist() == [0, 2, 2, 2, 0, 0]


def test_backlog_arriving_while_closed_spreads_over_as_many_openings_as_the_window_holds():
    # given 12 items of 600 s (7200 s) at night, a 2-hour window, hours 0-2 closed: the first
    # two open hours (3 and 4) get 1 agent each, hour 5 nothing
    result = _backlog(
        volumes=[12, 0, 0, 0, 0, 0],
        is_open=[False, False, False, True, True, True],
    )
    assert result.workload_agents.tolist() == pytest.approx([0, 0, 0, 1, 1, 0])


def test_backlog_arriving_after_the_last_opening_stays_in_its_own_interval():
    # given work arriving in hour 2 when only hour 0 is open (nothing open after it): it is
    # planned in its own interval rather than lost
    result = _backlog(
        volumes=[0, 0, 12, 0], is_open=[True, False, False, False], response_minutes=60
    )
    assert result.workload_agents.tolist() == pytest.approx([0, 0, 2, 0])
    # and with nothing open at all, each arrival keeps its own interval
    closed = _backlog(volumes=[6, 0, 12, 0], is_open=[False] * 4, response_minutes=60)
    assert closed.workload_agents.tolist() == pytest.approx([1, 0, 2, 0])


def test_backlog_partly_open_window_uses_only_its_open_intervals_before_later_ones():
    # given work in hour 1 with a 2-hour window [1, 3) where only hour 2 is open, and hour 3
    # open too: the window's one open hour takes it all (hour 3 lies outside the window)
    result = _backlog(volumes=[0, 12, 0, 0], is_open=[True, False, True, True])
    assert result.workload_agents.tolist() == pytest.approx([0, 0, 2, 0])


def test_backlog_agents_round_float_noise_down_and_real_fractions_up():
    # given 7 items of 1080 s in one hour (2.1 agents) with a 70 % cap: 3 agents exactly,
    # though 2.1 / 0.7 is 3.0000000000000004 in binary floating point
    result = _backlog(volumes=[7], aht_seconds=1080, response_minutes=60, max_occupancy=0.7)
    assert result.workload_agents.tolist() == pytest.approx([2.1])
    assert result.agents.tolist() == [3]
    assert result.agents.dtype == np.int64
    # and 7 items of 1081 s are just above: 4
    above = _backlog(volumes=[7], aht_seconds=1081, response_minutes=60, max_occupancy=0.7)
    assert above.agents.tolist() == [4]


def test_backlog_takes_one_minute_intervals_and_a_window_under_a_minute():
    # given 6 items of 10 s (60 agent-seconds) in the first of three 1-minute intervals and a
    # 30-second target: the window is at least the arrival's own interval, 1 agent busy there
    result = channels.backlog_required_agents(
        volumes=[6, 0, 0], interval_minutes=1, aht_seconds=10, response_minutes=0.5
    )
    assert result.workload_agents.tolist() == pytest.approx([1.0, 0.0, 0.0])
    assert result.agents.tolist() == [1, 0, 0]


def test_backlog_plans_work_below_one_agent_second():
    # given one item of half a second: tiny, but still work, so one agent in its hour
    result = _backlog(volumes=[1, 0, 0, 0], aht_seconds=0.5, response_minutes=60)
    assert result.workload_agents.tolist() == pytest.approx([0.5 / 3600, 0, 0, 0])
    assert result.agents.tolist() == [1, 0, 0, 0]
