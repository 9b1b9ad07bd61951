"""Erlang B, C and A: published reference values, properties, stability and input errors."""

import math
import warnings

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from scipy import linalg

from scheduling.engine import erlang
from scheduling.engine.errors import EngineInputError

FAST = settings(max_examples=60, deadline=None)

traffics = st.floats(min_value=0.05, max_value=400.0, allow_nan=False)
ahts = st.floats(min_value=10.0, max_value=1200.0, allow_nan=False)
targets = st.floats(min_value=0.0, max_value=120.0, allow_nan=False)
patiences = st.floats(min_value=5.0, max_value=2000.0, allow_nan=False)
levels = st.floats(min_value=0.05, max_value=0.99, allow_nan=False)


# ---------------------------------------------------------------------------- reference values


def test_c1_reference_values():
    # given 100 calls per 30 minutes, 180 s handle time, 14 agents, answer within 20 s
    traffic = erlang.traffic_erlangs(volume=100, interval_seconds=1800, aht_seconds=180)

    # when
    metrics = erlang.erlang_c_metrics(
        traffic=traffic, agents=14, aht_seconds=180, target_seconds=20
    )

    # then
    assert traffic == pytest.approx(10.0)
    assert metrics.probability_of_waiting == pytest.approx(0.174132, abs=1e-6)
    assert metrics.service_level == pytest.approx(0.888350, abs=1e-6)
    assert metrics.asa_seconds == pytest.approx(7.836, abs=1e-3)
    assert metrics.occupancy == pytest.approx(0.7143, abs=1e-4)


@pytest.mark.parametrize(
    ("max_occupancy", "expected_agents", "expected_scheduled"),
    [(0.85, 14, 20), (0.70, 15, 22)],
    ids=["C2", "C3"],
)
def test_c2_c3_requirement_with_occupancy_cap_and_shrinkage(
    max_occupancy, expected_agents, expected_scheduled
):
    # given the C1 interval with an 80/20 target and 30 % shrinkage

    # when
    agents = erlang.required_agents(
        volume=100,
        interval_seconds=1800,
        aht_seconds=180,
        target_level=0.8,
        target_seconds=20,
        max_occupancy=max_occupancy,
    )
    scheduled = erlang.scheduled_agents(agents=agents, shrinkage=0.3)

    # then
    assert agents == expected_agents
    assert scheduled == expected_scheduled


def test_c4_reference_values():
    # given 360 calls per 30 minutes, 240 s handle time, 55 agents, answer within 15 s
    traffic = erlang.traffic_erlangs(volume=360, interval_seconds=1800, aht_seconds=240)

    # when
    metrics = erlang.erlang_c_metrics(
        traffic=traffic, agents=55, aht_seconds=240, target_seconds=15
    )

    # then
    assert metrics.probability_of_waiting == pytest.approx(0.238701, abs=1e-6)
    assert metrics.service_level == pytest.approx(0.845883, abs=1e-6)
    assert metrics.asa_seconds == pytest.approx(8.184, abs=1e-3)


def test_b1_erlang_b_traffic_for_15_lines_at_one_percent():
    # given 15 lines and 1 % blocking

    # when
    traffic = erlang.erlang_b_traffic(servers=15, blocking=0.01)

    # then
    assert traffic == pytest.approx(8.108, abs=5e-4)
    assert erlang.erlang_b(traffic=traffic, servers=15) == pytest.approx(0.01, rel=1e-9)


# ---------------------------------------------------------------------------- edge cases


def test_zero_volume_needs_zero_agents():
    # given no contacts in the interval

    # when
    agents = erlang.required_agents(
        volume=0, interval_seconds=1800, aht_seconds=180, target_level=0.8, target_seconds=20
    )

    # then
    assert agents == 0


def test_fewer_agents_than_erlangs_never_answers_under_erlang_c():
    # given 10 erlangs and 10 agents: the queue grows without bound

    # when
    metrics = erlang.erlang_c_metrics(traffic=10, agents=10, aht_seconds=180, target_seconds=20)

    # then
    assert metrics.probability_of_waiting == 1.0
    assert metrics.service_level == 0.0
    assert math.isinf(metrics.asa_seconds)


def test_erlang_a_stays_finite_with_fewer_agents_than_erlangs():
    # given 10 erlangs, 8 agents and callers who wait 60 s on average

    # when
    metrics = erlang.erlang_a(
        traffic=10, agents=8, aht_seconds=180, patience_seconds=60, target_seconds=20
    )

    # then abandonment keeps the queue finite: at least 2 of 10 erlangs leave unanswered
    assert 0.2 <= metrics.probability_of_abandon < metrics.probability_of_waiting < 1.0
    assert 0.0 < metrics.service_level < 1.0 - metrics.probability_of_abandon
    assert metrics.asa_seconds == pytest.approx(metrics.probability_of_abandon * 60)


@pytest.mark.parametrize(
    ("agents", "shrinkage", "expected"),
    [(14, 0.3, 20), (15, 0.3, 22), (0, 0.3, 0), (7, 0.0, 7), (10, 0.1, 12), (9, 0.1, 10)],
)
def test_scheduled_agents_grosses_up_without_float_noise(agents, shrinkage, expected):
    # given a net requirement and a shrinkage

    # when
    scheduled = erlang.scheduled_agents(agents=agents, shrinkage=shrinkage)

    # then
    assert scheduled == expected


def test_stable_at_three_thousand_erlangs():
    # given 3000 erlangs and 3100 agents, far beyond what factorials could represent

    # when
    erlang_c = erlang.erlang_c_metrics(
        traffic=3000, agents=3100, aht_seconds=300, target_seconds=20
    )
    erlang_a = erlang.erlang_a(
        traffic=3000, agents=3100, aht_seconds=300, patience_seconds=120, target_seconds=20
    )
    requirement = erlang.required_agents(
        volume=18_000, interval_seconds=1800, aht_seconds=300, target_level=0.8, target_seconds=20
    )

    # then
    for metrics in (erlang_c, erlang_a):
        assert 0.0 < metrics.probability_of_waiting < 0.1
        assert 0.99 < metrics.service_level <= 1.0
        assert 0.0 < metrics.asa_seconds < 1.0
    assert 3000 < requirement < 3100


# ---------------------------------------------------------------------------- Erlang A against
# an independent computation: the stationary distribution of the truncated birth-death chain and
# each waiting caller's fate from a matrix exponential of its own small Markov chain.


def _erlang_a_by_brute_force(*, traffic, agents, aht, patience, target, states=400):
    arrival = traffic / aht
    service = 1.0 / aht
    abandon = 1.0 / patience
    weights = np.zeros(agents + states)
    weights[0] = 1.0
    for k in range(1, weights.size):
        departures = min(k, agents) * service + max(k - agents, 0) * abandon
        weights[k] = weights[k - 1] * arrival / departures
    probability = weights / weights.sum()
    queued = probability[agents:]  # arrival finds j = 0, 1, ... callers already queued
    # The tagged caller with j ahead: states "j ahead" ... "0 ahead", then "answered"; it
    # leaves (killed) at its own abandonment rate in every waiting state.
    size = states + 1
    generator = np.zeros((size, size))
    for ahead in range(states):
        rate_forward = agents * service + ahead * abandon
        generator[ahead, ahead] = -(rate_forward + abandon)
        generator[ahead, ahead - 1 if ahead > 0 else states] = rate_forward
    transition = linalg.expm(generator * target)
    answered_in_time = transition[:states, states]
    ahead = np.arange(states)
    forward = agents * service + ahead * abandon
    answered_eventually = np.cumprod(forward / (forward + abandon))
    waiting = queued.sum()
    return {
        "probability_of_waiting": waiting,
        "service_level": (1.0 - waiting) + queued @ answered_in_time,
        "probability_of_abandon": waiting - queued @ answered_eventually,
    }


@pytest.mark.parametrize(
    ("traffic", "agents", "aht", "patience", "target"),
    [(10.0, 14, 180.0, 100.0, 20.0), (10.0, 8, 180.0, 60.0, 20.0), (4.0, 5, 300.0, 900.0, 30.0)],
    ids=["under-loaded", "over-loaded", "patient"],
)
def test_erlang_a_matches_brute_force(traffic, agents, aht, patience, target):
    # given an interval and callers with exponential patience
    expected = _erlang_a_by_brute_force(
        traffic=traffic, agents=agents, aht=aht, patience=patience, target=target
    )

    # when
    metrics = erlang.erlang_a(
        traffic=traffic,
        agents=agents,
        aht_seconds=aht,
        patience_seconds=patience,
        target_seconds=target,
    )

    # then
    assert metrics.probability_of_waiting == pytest.approx(
        expected["probability_of_waiting"], abs=1e-8
    )
    assert metrics.probability_of_abandon == pytest.approx(
        expected["probability_of_abandon"], abs=1e-8
    )
    assert metrics.service_level == pytest.approx(expected["service_level"], abs=1e-8)


# ---------------------------------------------------------------------------- properties


@FAST
@given(traffic=traffics, aht=ahts, target=targets, extra=st.integers(0, 60))
def test_more_agents_never_lower_service_level_nor_raise_waiting(traffic, aht, target, extra):
    # given a stable interval and the same interval with one more agent
    agents = math.floor(traffic) + 1 + extra

    # when
    fewer = erlang.erlang_c_metrics(
        traffic=traffic, agents=agents, aht_seconds=aht, target_seconds=target
    )
    more = erlang.erlang_c_metrics(
        traffic=traffic, agents=agents + 1, aht_seconds=aht, target_seconds=target
    )

    # then
    assert more.service_level >= fewer.service_level
    assert more.probability_of_waiting <= fewer.probability_of_waiting
    assert more.asa_seconds <= fewer.asa_seconds


@FAST
@given(traffic=traffics, aht=ahts, target=targets, patience=patiences, agents=st.integers(0, 450))
def test_erlang_a_more_agents_never_lower_service_level(traffic, aht, target, patience, agents):
    # given an interval with abandonment, with any number of agents (even fewer than erlangs)

    # when
    fewer = erlang.erlang_a(
        traffic=traffic,
        agents=agents,
        aht_seconds=aht,
        patience_seconds=patience,
        target_seconds=target,
    )
    more = erlang.erlang_a(
        traffic=traffic,
        agents=agents + 1,
        aht_seconds=aht,
        patience_seconds=patience,
        target_seconds=target,
    )

    # then
    tolerance = 1e-9
    assert more.service_level >= fewer.service_level - tolerance
    assert more.probability_of_waiting <= fewer.probability_of_waiting + tolerance
    assert more.probability_of_abandon <= fewer.probability_of_abandon + tolerance
    assert more.asa_seconds <= fewer.asa_seconds + tolerance * patience
    assert more.occupancy <= fewer.occupancy + tolerance


@FAST
@given(traffic=traffics, aht=ahts, target=targets, extra=st.integers(1, 40))
def test_erlang_a_with_endless_patience_approaches_erlang_c(traffic, aht, target, extra):
    # given a stable interval and callers who practically never give up (Erlang A tends to
    # Erlang C as patience * (1 - load/agents)^2 grows, so keep a little spare capacity)
    agents = math.floor(traffic) + extra
    assume(agents - traffic >= 0.25)

    # when
    with_abandon = erlang.erlang_a(
        traffic=traffic,
        agents=agents,
        aht_seconds=aht,
        patience_seconds=aht * 1e12,
        target_seconds=target,
    )
    without = erlang.erlang_c_metrics(
        traffic=traffic, agents=agents, aht_seconds=aht, target_seconds=target
    )

    # then
    assert with_abandon.probability_of_waiting == pytest.approx(
        without.probability_of_waiting, rel=1e-4, abs=1e-9
    )
    assert with_abandon.service_level == pytest.approx(without.service_level, rel=1e-4)
    assert with_abandon.asa_seconds == pytest.approx(without.asa_seconds, rel=1e-3, abs=1e-6)
    assert with_abandon.probability_of_abandon < 1e-6


@FAST
@given(
    volume=st.floats(min_value=0.5, max_value=3000.0),
    aht=ahts,
    target=targets,
    level=levels,
    cap=st.floats(min_value=0.5, max_value=1.0),
)
def test_required_agents_is_minimal(volume, aht, target, level, cap):
    # given an interval and a target

    # when
    agents = erlang.required_agents(
        volume=volume,
        interval_seconds=1800,
        aht_seconds=aht,
        target_level=level,
        target_seconds=target,
        max_occupancy=cap,
    )

    # then the requirement meets the target and one agent fewer does not
    traffic = volume * aht / 1800

    def meets(count):
        metrics = erlang.erlang_c_metrics(
            traffic=traffic, agents=count, aht_seconds=aht, target_seconds=target
        )
        return metrics.service_level >= level - 1e-12 and metrics.occupancy <= cap + 1e-12

    assert meets(agents)
    assert not meets(agents - 1)


@FAST
@given(
    volume=st.floats(min_value=0.5, max_value=3000.0),
    aht=ahts,
    target=targets,
    level=levels,
    patience=patiences,
)
def test_required_agents_under_erlang_a_is_minimal(volume, aht, target, level, patience):
    # given an interval with abandonment and a target

    # when
    agents = erlang.required_agents(
        volume=volume,
        interval_seconds=1800,
        aht_seconds=aht,
        target_level=level,
        target_seconds=target,
        max_occupancy=0.9,
        patience_seconds=patience,
    )

    # then
    traffic = volume * aht / 1800

    def meets(count):
        metrics = erlang.erlang_a(
            traffic=traffic,
            agents=count,
            aht_seconds=aht,
            patience_seconds=patience,
            target_seconds=target,
        )
        return metrics.service_level >= level - 1e-12 and metrics.occupancy <= 0.9 + 1e-12

    assert meets(agents)
    assert not meets(agents - 1)


# ---------------------------------------------------------------------------- series


def test_series_requirement_matches_one_interval_at_a_time():
    # given a day of varied intervals, including empty ones, with handle time per interval
    rng = np.random.default_rng(7)
    volumes = np.concatenate([[0.0, 0.0], rng.uniform(0.1, 2500.0, size=46)])
    aht = rng.uniform(120.0, 600.0, size=volumes.size)

    for patience in (None, 90.0):
        # when
        series = erlang.required_agents_series(
            volumes=volumes,
            interval_seconds=1800,
            aht_seconds=aht,
            target_level=0.8,
            target_seconds=20,
            max_occupancy=0.85,
            patience_seconds=patience,
        )

        # then
        one_by_one = [
            erlang.required_agents(
                volume=volume,
                interval_seconds=1800,
                aht_seconds=handle,
                target_level=0.8,
                target_seconds=20,
                max_occupancy=0.85,
                patience_seconds=patience,
            )
            for volume, handle in zip(volumes, aht, strict=True)
        ]
        assert series.dtype == np.int64
        assert series.tolist() == one_by_one
        assert series[:2].tolist() == [0, 0]


def test_interval_metrics_match_scalar_figures():
    # given three intervals and a plan for them
    volumes = [100.0, 360.0, 0.0]
    agents = [14, 55, 3]
    aht = [180.0, 240.0, 200.0]

    # when
    metrics = erlang.interval_metrics(
        volumes=volumes, agents=agents, interval_seconds=1800, aht_seconds=aht, target_seconds=20
    )

    # then
    assert metrics.probability_of_waiting[:2] == pytest.approx([0.174132, 0.238701], abs=1e-6)
    assert metrics.service_level[0] == pytest.approx(0.888350, abs=1e-6)
    assert metrics.service_level[2] == 1.0
    assert metrics.occupancy[2] == 0.0


def test_scheduled_agents_series_matches_scalar():
    # given net requirements

    # when
    scheduled = erlang.scheduled_agents_series(agents=[0, 14, 15, 3], shrinkage=0.3)

    # then
    assert scheduled.tolist() == [0, 20, 22, 5]


# ---------------------------------------------------------------------------- calculator


def test_staffing_summary_searches_and_grosses_up():
    # given the C2 interval

    # when
    summary = erlang.staffing_summary(
        calls=100,
        interval_minutes=30,
        aht_seconds=180,
        target_level=0.8,
        target_seconds=20,
        max_occupancy=0.85,
        shrinkage=0.3,
    )

    # then
    assert summary.as_dict() == pytest.approx(
        {
            "traffic_erlangs": 10.0,
            "agents": 14,
            "scheduled_agents": 20,
            "service_level": 0.888350,
            "probability_of_waiting": 0.174132,
            "asa_seconds": 7.836,
            "occupancy": 0.714286,
        },
        abs=1e-3,
    )
    assert summary.meets_target


def test_staffing_summary_evaluates_given_agents_under_erlang_a():
    # given 12 agents for the C1 interval and callers who wait 120 s on average

    # when
    summary = erlang.staffing_summary(
        calls=100,
        interval_minutes=30,
        aht_seconds=180,
        target_level=0.9,
        target_seconds=20,
        agents=12,
        patience_seconds=120,
    )

    # then
    payload = summary.as_dict()
    assert payload["agents"] == 12
    assert 0.0 < payload["probability_of_abandon"] < payload["probability_of_waiting"]
    assert payload["asa_seconds"] == pytest.approx(payload["probability_of_abandon"] * 120)
    assert summary.meets_target is False


# ---------------------------------------------------------------------------- input errors


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"volume": -1.0}, "volume"),
        ({"target_level": 1.2}, "target_level"),
        ({"target_level": 0.0}, "target_level"),
        ({"max_occupancy": 0.0}, "max_occupancy"),
        ({"max_occupancy": 1.01}, "max_occupancy"),
        ({"aht_seconds": 0.0}, "aht_seconds"),
        ({"interval_seconds": -1800.0}, "interval_seconds"),
        ({"target_seconds": -5.0}, "target_seconds"),
        ({"patience_seconds": 0.0}, "patience_seconds"),
        ({"volume": float("nan")}, "volume"),
    ],
)
def test_invalid_requirement_input_names_the_field(overrides, field):
    # given a valid request spoiled by one value
    arguments = {
        "volume": 100.0,
        "interval_seconds": 1800.0,
        "aht_seconds": 180.0,
        "target_level": 0.8,
        "target_seconds": 20.0,
    } | overrides

    # when
    with pytest.raises(EngineInputError) as raised:
        erlang.required_agents(**arguments)

    # then
    assert raised.value.field == field


@pytest.mark.parametrize("shrinkage", [-0.1, 1.0, 1.5])
def test_invalid_shrinkage_names_the_field(shrinkage):
    # given a shrinkage outside [0, 1)

    # when
    with pytest.raises(EngineInputError) as raised:
        erlang.scheduled_agents(agents=10, shrinkage=shrinkage)

    # then
    assert raised.value.field == "shrinkage"


def test_series_rejects_negative_volume_and_mismatched_handle_times():
    # given a week with one negative interval, and handle times of the wrong length

    # when / then
    with pytest.raises(EngineInputError) as negative:
        erlang.required_agents_series(
            volumes=[10.0, -1.0],
            interval_seconds=1800,
            aht_seconds=180,
            target_level=0.8,
            target_seconds=20,
        )
    with pytest.raises(EngineInputError) as mismatched:
        erlang.required_agents_series(
            volumes=[10.0, 12.0],
            interval_seconds=1800,
            aht_seconds=[180.0, 200.0, 210.0],
            target_level=0.8,
            target_seconds=20,
        )
    assert negative.value.field == "volumes"
    assert mismatched.value.field == "aht_seconds"


def test_staffing_summary_refuses_a_load_beyond_the_agent_cap():
    # 10**9 contacts of 10**8 s once asked for a petabyte Erlang B table (MemoryError)
    with pytest.raises(EngineInputError) as caught:
        erlang.staffing_summary(
            calls=10**9,
            interval_minutes=30,
            aht_seconds=10**8,
            target_level=0.8,
            target_seconds=20,
        )
    assert caught.value.field == "calls"


def test_staffing_summary_refuses_too_many_agents_to_evaluate():
    with pytest.raises(EngineInputError) as caught:
        erlang.staffing_summary(
            calls=100,
            interval_minutes=30,
            aht_seconds=180,
            target_level=0.8,
            target_seconds=20,
            agents=erlang._MAX_AGENTS + 1,
        )
    assert caught.value.field == "agents"


def test_required_agents_series_refuses_a_load_beyond_the_agent_cap_before_the_table():
    with pytest.raises(EngineInputError) as caught:
        erlang.required_agents_series(
            volumes=[10**9],
            interval_seconds=1800,
            aht_seconds=10**8,
            target_level=0.8,
            target_seconds=20,
        )
    assert caught.value.field == "volumes"


def test_interval_metrics_under_erlang_a_agrees_with_the_scalar_form():
    # given a week of two intervals, one of them idle
    figures = erlang.interval_metrics(
        volumes=[100, 0],
        agents=[12, 0],
        interval_seconds=1800,
        aht_seconds=180,
        target_seconds=20,
        patience_seconds=60,
    )
    scalar = erlang.erlang_a(
        traffic=10.0, agents=12, aht_seconds=180, patience_seconds=60, target_seconds=20
    )
    assert figures.service_level[0] == pytest.approx(scalar.service_level, rel=1e-9)
    assert figures.probability_of_abandon[0] == pytest.approx(scalar.probability_of_abandon)
    assert figures.asa_seconds[0] == pytest.approx(scalar.asa_seconds)
    assert 0 < figures.probability_of_abandon[0] < 1
    # the idle interval: nobody waits, everything in target, no one busy
    assert figures.service_level[1] == 1.0
    assert figures.probability_of_abandon[1] == 0.0
    assert figures.occupancy[1] == 0.0


def test_erlang_a_with_no_agents_loses_every_contact():
    metrics = erlang.erlang_a(
        traffic=5.0, agents=0, aht_seconds=180, patience_seconds=60, target_seconds=20
    )
    assert metrics.probability_of_abandon == 1.0
    assert metrics.service_level == 0.0
    assert metrics.occupancy == 1.0


def test_zero_traffic_and_zero_agents():
    assert erlang.occupancy(traffic=0.0, agents=0) == 0.0
    assert erlang.occupancy(traffic=1.0, agents=0) == 1.0
    assert erlang.erlang_c(traffic=0.0, agents=0) == 0.0
    assert (
        erlang.required_agents(
            volume=0, interval_seconds=1800, aht_seconds=180, target_level=0.8, target_seconds=20
        )
        == 0
    )


@pytest.mark.parametrize(
    ("servers", "blocking", "field"),
    [(0, 0.01, "servers"), (5, 0.0, "blocking"), (5, 1.0, "blocking"), (5, math.nan, "blocking")],
)
def test_erlang_b_traffic_input_checks(servers, blocking, field):
    with pytest.raises(EngineInputError) as caught:
        erlang.erlang_b_traffic(servers=servers, blocking=blocking)
    assert caught.value.field == field


def test_erlang_b_traffic_doubles_its_bracket_for_high_blocking():
    # at 90 % blocking one line carries far more than 2 erlangs: the bracket must grow
    traffic = erlang.erlang_b_traffic(servers=1, blocking=0.9)
    assert traffic == pytest.approx(9.0)
    assert erlang.erlang_b(traffic=traffic, servers=1) == pytest.approx(0.9)


def test_required_agents_doubles_the_upper_bound_under_a_strict_target():
    # 100 % within 0 s is met only when the waiting probability rounds to zero, far above
    # the first bound (load + 6 sqrt(load) + 20 agents): the bound must double.
    count = erlang.required_agents(
        volume=10_000, interval_seconds=1800, aht_seconds=180, target_level=1.0, target_seconds=0
    )
    assert count > 1000 + 6 * math.sqrt(1000) + 20
    level = erlang.service_level(traffic=1000.0, agents=count, aht_seconds=180, target_seconds=0)
    assert level >= 1.0 - 1e-12
    below = erlang.service_level(
        traffic=1000.0, agents=count - 1, aht_seconds=180, target_seconds=0
    )
    assert below < 1.0 - 1e-12


# --- every refusal names its field and says why in words (the form shows both) ---------------

_QUEUE = {"interval_seconds": 1800, "aht_seconds": 180, "target_level": 0.8, "target_seconds": 20}
_CALCULATOR = {
    "calls": 100,
    "interval_minutes": 30,
    "aht_seconds": 180,
    "target_level": 0.8,
    "target_seconds": 20,
}
_PLAN = {
    "volumes": [100],
    "agents": [12],
    "interval_seconds": 1800,
    "aht_seconds": 180,
    "target_seconds": 20,
}
_ERLANG_A = {
    "traffic": 10.0,
    "agents": 12,
    "aht_seconds": 180,
    "patience_seconds": 60,
    "target_seconds": 20,
}
_TRAFFIC = {"volume": 1, "interval_seconds": 1800, "aht_seconds": 180}
_FRACTION = "must be a fraction above 0 and at most 1 (0.8 for 80 %), got"
_SHRINKAGE = "must be a fraction from 0 up to (not including) 1, got"
_CAP = erlang._MAX_AGENTS


@pytest.mark.parametrize(
    ("function", "arguments", "field", "message"),
    [
        ("traffic_erlangs", _TRAFFIC | {"volume": "many"}, "volume", "must be a number, got 'many'"),
        ("traffic_erlangs", _TRAFFIC | {"volume": math.inf}, "volume", "must be a finite number, got inf"),
        ("traffic_erlangs", _TRAFFIC | {"volume": -1}, "volume", "must not be negative, got -1"),
        ("traffic_erlangs", _TRAFFIC | {"interval_seconds": 0}, "interval_seconds", "must be greater than zero, got 0"),
        ("traffic_erlangs", _TRAFFIC | {"aht_seconds": -5}, "aht_seconds", "must be greater than zero, got -5"),
        ("erlang_b", {"traffic": -1, "servers": 1}, "traffic", "must not be negative, got -1"),
        ("erlang_b", {"traffic": 1, "servers": 1.5}, "servers", "must be a whole number, got 1.5"),
        ("erlang_b", {"traffic": 1, "servers": True}, "servers", "must be a whole number, got True"),
        ("erlang_b", {"traffic": 1, "servers": -2}, "servers", "must not be negative, got -2"),
        ("erlang_b_traffic", {"servers": 0, "blocking": 0.01}, "servers", "must be at least 1"),
        ("erlang_b_traffic", {"servers": 2.5, "blocking": 0.01}, "servers", "must be a whole number, got 2.5"),
        ("erlang_b_traffic", {"servers": 5, "blocking": 1}, "blocking", "must be strictly between 0 and 1, got 1.0"),
        ("erlang_b_traffic", {"servers": 5, "blocking": "x"}, "blocking", "must be a number, got 'x'"),
        ("erlang_c", {"traffic": -1, "agents": 1}, "traffic", "must not be negative, got -1"),
        ("erlang_c", {"traffic": 1, "agents": -1}, "agents", "must not be negative, got -1"),
        ("service_level", {"traffic": 1, "agents": 2, "aht_seconds": 0, "target_seconds": 20}, "aht_seconds", "must be greater than zero, got 0"),
        ("service_level", {"traffic": 1, "agents": 2, "aht_seconds": 180, "target_seconds": -1}, "target_seconds", "must not be negative, got -1"),
        ("asa_seconds", {"traffic": 1, "agents": 2, "aht_seconds": 0}, "aht_seconds", "must be greater than zero, got 0"),
        ("occupancy", {"traffic": -1, "agents": 2}, "traffic", "must not be negative, got -1"),
        ("occupancy", {"traffic": 1, "agents": 1.5}, "agents", "must be a whole number, got 1.5"),
        ("erlang_c_metrics", {"traffic": -1, "agents": 2, "aht_seconds": 180, "target_seconds": 20}, "traffic", "must not be negative, got -1"),
        ("erlang_c_metrics", {"traffic": 1, "agents": -2, "aht_seconds": 180, "target_seconds": 20}, "agents", "must not be negative, got -2"),
        ("scheduled_agents", {"agents": -1, "shrinkage": 0.3}, "agents", "must not be negative, got -1"),
        ("scheduled_agents", {"agents": 10, "shrinkage": 1}, "shrinkage", f"{_SHRINKAGE} 1"),
        ("scheduled_agents_series", {"agents": [1.5], "shrinkage": 0.3}, "agents", "must contain whole numbers"),
        ("scheduled_agents_series", {"agents": [-1], "shrinkage": 0.3}, "agents", "must not contain negative values"),
        ("scheduled_agents_series", {"agents": [math.nan], "shrinkage": 0.3}, "agents", "must contain only finite numbers"),
        ("scheduled_agents_series", {"agents": [1], "shrinkage": -0.1}, "shrinkage", f"{_SHRINKAGE} -0.1"),
        ("interval_metrics", _PLAN | {"volumes": [-1]}, "volumes", "must not contain negative values"),
        ("interval_metrics", _PLAN | {"agents": [1, 2]}, "agents", "must have one value per interval"),
        ("interval_metrics", _PLAN | {"agents": [1.5]}, "agents", "must contain whole numbers"),
        ("interval_metrics", _PLAN | {"agents": [-1]}, "agents", "must not contain negative values"),
        ("interval_metrics", _PLAN | {"aht_seconds": [180, 180]}, "aht_seconds", "must be one number or one per interval (1), got (2,)"),
        ("interval_metrics", _PLAN | {"aht_seconds": 0}, "aht_seconds", "must contain only values greater than zero"),
        ("interval_metrics", _PLAN | {"interval_seconds": 0}, "interval_seconds", "must be greater than zero, got 0"),
        ("interval_metrics", _PLAN | {"target_seconds": -1}, "target_seconds", "must not be negative, got -1"),
        ("interval_metrics", _PLAN | {"patience_seconds": 0}, "patience_seconds", "must be greater than zero, got 0"),
        ("required_agents_series", {"volumes": [100]} | _QUEUE | {"target_level": 0}, "target_level", f"{_FRACTION} 0"),
        ("required_agents_series", {"volumes": [100]} | _QUEUE | {"max_occupancy": 1.5}, "max_occupancy", f"{_FRACTION} 1.5"),
        ("required_agents_series", {"volumes": [100]} | _QUEUE | {"target_seconds": -1}, "target_seconds", "must not be negative, got -1"),
        ("required_agents_series", {"volumes": [100]} | _QUEUE | {"interval_seconds": -1}, "interval_seconds", "must be greater than zero, got -1"),
        ("required_agents_series", {"volumes": [10**9]} | _QUEUE | {"aht_seconds": 10**8}, "volumes", f"needs more than {_CAP} agents in one interval"),
        ("required_agents", {"volume": -1} | _QUEUE, "volume", "must not be negative, got -1"),
        ("required_agents", {"volume": 1} | _QUEUE | {"aht_seconds": 0}, "aht_seconds", "must be greater than zero, got 0"),
        ("erlang_a", _ERLANG_A | {"traffic": -1}, "traffic", "must not be negative, got -1"),
        ("erlang_a", _ERLANG_A | {"agents": -1}, "agents", "must not be negative, got -1"),
        ("erlang_a", _ERLANG_A | {"aht_seconds": 0}, "aht_seconds", "must be greater than zero, got 0"),
        ("erlang_a", _ERLANG_A | {"patience_seconds": 0}, "patience_seconds", "must be greater than zero, got 0"),
        ("erlang_a", _ERLANG_A | {"target_seconds": -1}, "target_seconds", "must not be negative, got -1"),
        ("staffing_summary", _CALCULATOR | {"calls": -1}, "calls", "must not be negative, got -1"),
        ("staffing_summary", _CALCULATOR | {"interval_minutes": 0}, "interval_minutes", "must be greater than zero, got 0"),
        ("staffing_summary", _CALCULATOR | {"aht_seconds": 0}, "aht_seconds", "must be greater than zero, got 0"),
        ("staffing_summary", _CALCULATOR | {"target_level": 2}, "target_level", f"{_FRACTION} 2"),
        ("staffing_summary", _CALCULATOR | {"target_seconds": -1}, "target_seconds", "must not be negative, got -1"),
        ("staffing_summary", _CALCULATOR | {"max_occupancy": 0}, "max_occupancy", f"{_FRACTION} 0"),
        ("staffing_summary", _CALCULATOR | {"shrinkage": 1}, "shrinkage", f"{_SHRINKAGE} 1"),
        ("staffing_summary", _CALCULATOR | {"patience_seconds": -1}, "patience_seconds", "must be greater than zero, got -1"),
        ("staffing_summary", _CALCULATOR | {"agents": -1}, "agents", "must not be negative, got -1"),
        ("staffing_summary", _CALCULATOR | {"agents": 2 * _CAP}, "agents", f"must be at most {_CAP}, got {2 * _CAP}"),
        ("staffing_summary", _CALCULATOR | {"calls": 10**9, "aht_seconds": 10**8}, "calls", f"with this handle time need more than {_CAP} agents in one interval"),
    ],
)  # fmt: skip
def test_every_refusal_names_its_field_and_says_why(function, arguments, field, message):
    # given one bad value among good ones
    # when
    with pytest.raises(EngineInputError) as caught:
        getattr(erlang, function)(**arguments)
    # then the field the form marks and the words it shows
    assert (caught.value.field, caught.value.message) == (field, message)
    assert str(caught.value) == f"{field}: {message}"


# --- what mutation testing found (docs/testing.md) ---------------------------------------------


def test_idle_intervals_and_intervals_without_agents_raise_no_numeric_warning():
    # given idle intervals with and without agents, and a loaded one nobody staffs
    week = {"volumes": [0, 10, 0], "agents": [0, 0, 3], "interval_seconds": 1800}
    # when evaluated under Erlang C and Erlang A with every warning an error
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        plain = erlang.interval_metrics(**week, aht_seconds=180, target_seconds=20)
        patient = erlang.interval_metrics(
            **week, aht_seconds=180, target_seconds=20, patience_seconds=60
        )
    # then the idle ones are perfect, the unstaffed one lost
    assert plain.service_level.tolist() == [1.0, 0.0, 1.0]
    assert plain.asa_seconds.tolist() == [0.0, math.inf, 0.0]
    assert patient.probability_of_abandon.tolist() == [0.0, 1.0, 0.0]
    assert patient.asa_seconds.tolist() == [0.0, 60.0, 0.0]


def test_an_empty_week_has_empty_figures():
    figures = erlang.interval_metrics(
        volumes=[], agents=[], interval_seconds=1800, aht_seconds=180, target_seconds=20
    )
    assert figures.agents.size == figures.service_level.size == 0


def test_one_line_at_one_percent_blocking_carries_one_ninety_ninth_of_an_erlang():
    # Erlang B of one line is A / (1 + A): the root lies below 1 erlang, near the bracket's 0
    assert erlang.erlang_b_traffic(servers=1, blocking=0.01) == pytest.approx(1 / 99, rel=1e-9)


def test_shrinkage_grossing_rounds_to_nine_decimals_and_stays_whole():
    # given 10 agents and a shrinkage whose grossed count is 20.0000000003 (20 at 9 decimals)
    shrinkage = 1 - 10 / (20 + 3e-10)
    # when / then: 20, not 21, in the scalar and in the series, as whole numbers
    assert erlang.scheduled_agents(agents=10, shrinkage=shrinkage) == 20
    series = erlang.scheduled_agents_series(agents=[10, 0], shrinkage=shrinkage)
    assert series.tolist() == [20, 0]
    assert series.dtype == np.int64


def test_the_calculator_meets_an_occupancy_cap_reached_exactly():
    # given 8 erlangs (80 calls of 180 s in 30 min), a 30 % target 9 agents meet, and a cap of
    # 80 % that only 10 agents keep (8 / 10 is exactly the cap)
    summary = erlang.staffing_summary(
        calls=80,
        interval_minutes=30,
        aht_seconds=180,
        target_level=0.3,
        target_seconds=20,
        max_occupancy=0.8,
        shrinkage=0.2,
    )
    # then the cap decides, is met at equality, and every figure is reported
    assert erlang.service_level(traffic=8.0, agents=9, aht_seconds=180, target_seconds=20) > 0.3
    assert (summary.model, summary.agents, summary.scheduled_agents) == ("erlang_c", 10, 13)
    assert summary.occupancy == pytest.approx(0.8) and summary.meets_target
    assert (summary.target_level, summary.target_seconds) == (0.3, 20.0)
    assert (summary.max_occupancy, summary.shrinkage) == (0.8, 0.2)
    assert summary.probability_of_abandon is None
    assert "probability_of_abandon" not in summary.as_dict()


def test_the_calculator_under_erlang_a_searches_with_patience():
    # given the same load with callers who hang up after 60 s on average
    arguments = {"aht_seconds": 180, "target_level": 0.8, "target_seconds": 20}
    summary = erlang.staffing_summary(
        calls=80, interval_minutes=30, patience_seconds=60, **arguments
    )
    # then Erlang A's requirement (10), not Erlang C's (11)
    with_patience = erlang.required_agents(
        volume=80, interval_seconds=1800, patience_seconds=60, **arguments
    )
    without = erlang.required_agents(volume=80, interval_seconds=1800, **arguments)
    assert (with_patience, without) == (10, 11)
    assert (summary.model, summary.agents) == ("erlang_a", 10)
    assert 0 < summary.probability_of_abandon < 0.1
    assert summary.as_dict()["probability_of_abandon"] == summary.probability_of_abandon


def test_an_unstable_evaluation_has_no_asa_in_the_json_shape():
    summary = erlang.staffing_summary(
        calls=80,
        interval_minutes=30,
        aht_seconds=180,
        target_level=0.8,
        target_seconds=20,
        agents=7,
    )
    assert summary.asa_seconds == math.inf and not summary.meets_target
    assert summary.as_dict()["asa_seconds"] is None
    evaluated = erlang.staffing_summary(
        calls=80,
        interval_minutes=30,
        aht_seconds=180,
        target_level=0.8,
        target_seconds=20,
        agents=12,
    )
    assert evaluated.as_dict()["asa_seconds"] == evaluated.asa_seconds < math.inf


def test_interval_metrics_under_erlang_c_agree_with_the_scalar_forms():
    # given 5 erlangs (50 calls of 180 s in 30 min) at 4, 5 (the stability edge), 7 and 9 agents
    staffing = [4, 5, 7, 9]
    figures = erlang.interval_metrics(
        volumes=[50] * 4, agents=staffing, interval_seconds=1800, aht_seconds=180, target_seconds=20
    )
    # then each interval has the scalar figures, the load and whole agents
    assert figures.traffic_erlangs.tolist() == [5.0] * 4
    assert figures.agents.tolist() == staffing and figures.agents.dtype == np.int64
    for i, agents in enumerate(staffing):
        scalar = erlang.erlang_c_metrics(
            traffic=5.0, agents=agents, aht_seconds=180, target_seconds=20
        )
        assert (scalar.traffic_erlangs, scalar.agents) == (5.0, agents)
        assert figures.probability_of_waiting[i] == pytest.approx(scalar.probability_of_waiting)
        assert figures.service_level[i] == pytest.approx(scalar.service_level)
        assert figures.asa_seconds[i] == pytest.approx(scalar.asa_seconds)
        assert figures.occupancy[i] == pytest.approx(scalar.occupancy)
    # at the edge the queue never empties: everyone waits, nobody in target, ASA infinite
    assert (erlang.erlang_c(traffic=5.0, agents=5), figures.service_level[1]) == (1.0, 0.0)
    assert erlang.service_level(traffic=5.0, agents=5, aht_seconds=180, target_seconds=20) == 0.0
    assert erlang.asa_seconds(traffic=5.0, agents=5, aht_seconds=180) == math.inf
    assert erlang.occupancy(traffic=10.0, agents=5) == 1.0


def test_no_traffic_is_served_at_once():
    assert erlang.service_level(traffic=0.0, agents=3, aht_seconds=180, target_seconds=0) == 1.0
    assert erlang.asa_seconds(traffic=0.0, agents=3, aht_seconds=180) == 0.0


def test_erlang_a_reports_its_load_and_agents():
    metrics = erlang.erlang_a(
        traffic=10.0, agents=12, aht_seconds=180, patience_seconds=60, target_seconds=20
    )
    assert (metrics.traffic_erlangs, metrics.agents) == (10.0, 12)


def test_the_stirling_branch_agrees_with_the_log_gamma_form():
    # given series arguments above 10**4, where log Gamma(a + 1) - a log a + a is replaced by
    # Stirling's 0.5 log(2 pi a) + 1 / (12 a) (the next term is below 1e-12 there)
    from scipy import special

    a = np.array([1.5e4, 4.0e4])
    z = np.array([2.0e4, 3.9e4])
    d = (z - a) / a
    exact = (
        a * (d - np.log1p(d))
        + special.gammaln(a + 1.0)
        - a * np.log(a)
        + a
        + np.log(special.gammainc(a, z))
    )
    # when / then
    assert erlang._log_series_gamma(a, z) == pytest.approx(np.maximum(exact, 0.0), abs=1e-8)
    # and Erlang A at that scale (150 agents, 5 h patience: x = 15000) is a probability
    metrics = erlang.erlang_a(
        traffic=200.0, agents=150, aht_seconds=180, patience_seconds=18_000, target_seconds=20
    )
    assert 0.0 < metrics.probability_of_abandon < metrics.probability_of_waiting <= 1.0


@pytest.mark.parametrize(
    ("function", "arguments", "field"),
    [
        ("traffic_erlangs", _TRAFFIC | {"aht_seconds": "slow"}, "aht_seconds"),
        ("required_agents", {"volume": 1} | _QUEUE | {"target_level": "most"}, "target_level"),
        ("scheduled_agents", {"agents": 10, "shrinkage": "some"}, "shrinkage"),
    ],
)
def test_a_word_for_a_number_is_refused_under_its_own_field(function, arguments, field):
    with pytest.raises(EngineInputError) as caught:
        getattr(erlang, function)(**arguments)
    assert caught.value.field == field and caught.value.message.startswith("must be a number")


def test_handle_times_below_one_second_are_allowed():
    # half a second is a handle time (a positive number), not a refusal
    assert erlang.traffic_erlangs(volume=3600, interval_seconds=1800, aht_seconds=0.5) == 1.0
    series = erlang.required_agents_series(
        volumes=[3600], interval_seconds=1800, aht_seconds=[0.5], target_level=0.8, target_seconds=0
    )
    assert series.tolist() == [
        erlang.required_agents(
            volume=3600, interval_seconds=1800, aht_seconds=0.5, target_level=0.8, target_seconds=0
        )
    ]


# --- what the mutation run of 2026-12-04 showed was not pinned (docs/testing.md) -------------


def test_erlang_a_occupancy_counts_only_the_contacts_that_stay():
    # given a loaded interval where some callers abandon
    metrics = erlang.erlang_a(
        traffic=9.0, agents=10, aht_seconds=180, patience_seconds=60, target_seconds=20
    )
    # then: the agents are busy with the answered share of the load only
    assert 0.01 < metrics.probability_of_abandon < 0.5
    expected = 9.0 * (1.0 - metrics.probability_of_abandon) / 10
    assert metrics.occupancy == pytest.approx(expected, rel=1e-12)


def test_interval_figures_of_idle_unstaffed_and_single_agent_intervals():
    # given traffic 0.5, 0.5, 0, 0 and 1 erlang on 0, 1, 0, 2 and 2 agents (60 s per contact)
    volumes, agents = [0.5, 0.5, 0, 0, 1], [0, 1, 0, 2, 2]
    common = {"volumes": volumes, "agents": agents, "interval_seconds": 60, "aht_seconds": 60}
    # when: Erlang C, and Erlang A with patience
    c = erlang.interval_metrics(**common, target_seconds=20)
    a = erlang.interval_metrics(**common, target_seconds=20, patience_seconds=60)
    # then: nobody at work under load is all busy and everyone waits; idle intervals neither;
    # one agent on half an erlang is busy and waited for half the time
    assert c.occupancy.tolist() == [1.0, 0.5, 0.0, 0.0, 0.5]
    assert c.probability_of_waiting.tolist()[:4] == pytest.approx([1.0, 0.5, 0.0, 0.0], rel=1e-12)
    # one erlang on two agents: Erlang C's 1/3 (B = 0.2, C = 2B / (2 - 0.8))
    assert c.probability_of_waiting[4] == pytest.approx(1 / 3, rel=1e-12)
    assert a.probability_of_waiting.tolist()[:4] == [1.0, a.probability_of_waiting[1], 0.0, 0.0]
    assert a.occupancy[0] == 1.0 and a.occupancy[2] == a.occupancy[3] == 0.0


def test_the_log_series_of_the_incomplete_gamma_branch_is_not_clamped_above_zero():
    # S(1, 1) = 1 + 1/2! + 1/3! + ... = e - 1, whose log (0.54) lies between 0 and 1
    value = erlang._log_series_gamma(np.array([1.0]), np.array([1.0]))
    assert value[0] == pytest.approx(math.log(math.e - 1), rel=1e-9)


def test_exactly_the_agent_cap_is_still_allowed():
    # given a load whose first upper bound is exactly 1,000,000 agents
    s = (-6 + math.sqrt(36 + 4 * (999_999.5 - 20))) / 2
    load = s * s
    assert math.ceil(load + 6 * math.sqrt(load) + 20) == _CAP
    # when / then: the search runs (the cap is "more than", not "at least")
    needed = erlang.required_agents(
        volume=load, interval_seconds=1, aht_seconds=1, target_level=0.8, target_seconds=20
    )
    assert load < needed <= _CAP
    # and the calculator evaluates exactly 1,000,000 agents on 1,000,000 erlangs
    summary = erlang.staffing_summary(
        calls=1_000_000,
        interval_minutes=1,
        aht_seconds=60,
        target_level=0.8,
        target_seconds=20,
        agents=_CAP,
    )
    assert (summary.traffic_erlangs, summary.agents) == (1_000_000.0, _CAP)
