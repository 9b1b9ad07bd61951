"""``manage.py staffing``: a thin shell over ``erlang.staffing_summary``; no database needed."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command


def _run(*arguments: str) -> str:
    out = StringIO()
    call_command("staffing", *arguments, stdout=out)
    return out.getvalue()


def test_json_searches_requirement_and_grosses_up_for_shrinkage():
    # given the benchmark's C2 case: 100 calls in 30 minutes, 180 s, 80/20, 85 % cap, 30 %

    # when
    output = _run(
        "--calls=100",
        "--interval-minutes=30",
        "--aht-seconds=180",
        "--target-level=80",
        "--target-seconds=20",
        "--max-occupancy=85",
        "--shrinkage=30",
        "--json",
    )

    # then
    payload = json.loads(output)
    assert set(payload) == {
        "traffic_erlangs",
        "agents",
        "scheduled_agents",
        "service_level",
        "probability_of_waiting",
        "asa_seconds",
        "occupancy",
    }
    assert payload["traffic_erlangs"] == pytest.approx(10.0)
    assert (payload["agents"], payload["scheduled_agents"]) == (14, 20)
    assert payload["service_level"] == pytest.approx(0.888350, abs=1e-6)
    assert payload["probability_of_waiting"] == pytest.approx(0.174132, abs=1e-6)
    assert payload["asa_seconds"] == pytest.approx(7.836, abs=1e-3)
    assert payload["occupancy"] == pytest.approx(0.7143, abs=1e-4)


def test_occupancy_cap_of_70_percent_needs_15_agents():
    # given the C3 case

    # when
    payload = json.loads(
        _run("--calls=100", "--aht-seconds=180", "--max-occupancy=70", "--shrinkage=30", "--json")
    )

    # then
    assert (payload["agents"], payload["scheduled_agents"]) == (15, 22)


def test_erlang_a_evaluates_the_given_agents():
    # given 12 agents and callers who wait two minutes on average

    # when
    payload = json.loads(
        _run("--calls=100", "--aht-seconds=180", "--agents=12", "--patience-seconds=120", "--json")
    )

    # then abandoned callers are in ASA (over all arrivals) and not in the service level
    assert payload["agents"] == 12
    assert 0.0 < payload["probability_of_abandon"] < payload["probability_of_waiting"]
    assert payload["asa_seconds"] == pytest.approx(payload["probability_of_abandon"] * 120)
    assert payload["service_level"] < 1.0 - payload["probability_of_abandon"]


def test_table_for_a_person():
    # given an understaffed interval under Erlang C

    # when
    output = _run("--calls=100", "--aht-seconds=180", "--agents=9")

    # then
    assert output.startswith("Erlang C: 100 contacts in 30 minutes")
    assert "service level           0.00% (target 80% in 20 s)" in output
    assert "ASA                     never answered" in output
    assert "meets target            no" in output


def test_json_has_no_infinity_when_the_queue_never_empties():
    # given fewer agents than erlangs under Erlang C

    # when
    payload = json.loads(_run("--calls=100", "--aht-seconds=180", "--agents=9", "--json"))

    # then
    assert payload["asa_seconds"] is None
    assert payload["service_level"] == 0.0


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (
            ["--target-level=0.8"],
            "--target-level: Target service level is a percentage: give 80 for 80 %",
        ),
        (
            ["--target-level=120"],
            "--target-level: Target service level must be above 0 % and at most 100 %",
        ),
        (
            ["--max-occupancy=0"],
            "--max-occupancy: Maximum occupancy must be above 0 % and at most 100 %",
        ),
        (["--shrinkage=100"], "--shrinkage: Shrinkage must be at least 0 % and below 100 %"),
        (["--calls=-5"], "--calls: Contacts per interval must not be negative"),
        (["--aht-seconds=0"], "--aht-seconds: Average handle time must be greater than zero"),
        (
            ["--patience-seconds=0"],
            "--patience-seconds: Average patience must be greater than zero",
        ),
        (["--agents=-1"], "--agents: Agents must not be negative"),
    ],
)
def test_invalid_options_get_a_clear_message(arguments, message):
    # given a valid request with one option spoiled
    base = {"--calls": "100", "--aht-seconds": "180"}
    for argument in arguments:
        base[argument.split("=")[0]] = argument.split("=")[1]

    # when
    with pytest.raises(CommandError) as raised:
        _run(*(f"{option}={value}" for option, value in base.items()))

    # then
    assert message in str(raised.value)
