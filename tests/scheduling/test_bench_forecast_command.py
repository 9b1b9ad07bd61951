"""``manage.py bench_forecast``: report, then exactly one closing line; no database needed."""

import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

LAST_LINE = re.compile(r"^wape=(\d+\.\d{4}) naive_wape=(\d+\.\d{4}) ratio=(\d+\.\d{4})$")


def test_report_ends_with_the_benchmark_line():
    # given a short benchmark history (12 weeks, seed 1, two folds)
    out = StringIO()

    # when
    call_command("bench_forecast", "--weeks=12", "--seed=1", "--folds=2", stdout=out)

    # then
    lines = out.getvalue().strip().splitlines()
    match = LAST_LINE.match(lines[-1])
    assert match, lines[-1]
    wape, naive_wape, ratio = (float(value) for value in match.groups())
    assert ratio == pytest.approx(wape / naive_wape, abs=1e-3)
    assert ratio <= 0.85
    assert sum(line.startswith("2024-") for line in lines) == 2
    assert sum(line.startswith("wape=") for line in lines) == 1


def test_same_seed_same_figures():
    # given two runs with the same options
    first, second = StringIO(), StringIO()

    # when
    for out in (first, second):
        call_command("bench_forecast", "--weeks=9", "--seed=5", "--folds=1", stdout=out)

    # then
    assert first.getvalue().splitlines()[-1] == second.getvalue().splitlines()[-1]


def test_too_short_a_history_is_a_command_error():
    # given eight weeks, which leave nothing to test on after the eight weeks of training

    # when
    with pytest.raises(CommandError) as raised:
        call_command("bench_forecast", "--weeks=8", stdout=StringIO())

    # then
    assert "needs at least 12 weeks of history for 4 folds" in str(raised.value)
