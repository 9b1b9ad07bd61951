"""``bench_schedule`` prints its figures and ends with the one machine-readable line."""

from __future__ import annotations

import io
import re

from django.core.management import call_command

LINE = re.compile(
    r"^agents=(?P<agents>\d+) seed=(?P<seed>\d+) objective=(?P<objective>[\d.]+) "
    r"lower_bound=(?P<bound>[\d.]+) gap_pct=(?P<gap>[\d.]+) under=\d+ over=\d+ cost=[\d.]+ "
    r"seconds=[\d.]+ peak_mb=\d+$"
)


def test_small_benchmark_ends_with_the_summary_line():
    # given a small instance
    out = io.StringIO()
    # when
    call_command("bench_schedule", agents=12, seed=3, time_limit=30, stdout=out)
    # then the last line has every figure, and the bound never exceeds the objective
    last = out.getvalue().strip().splitlines()[-1]
    match = LINE.match(last)
    assert match, last
    assert int(match["agents"]) == 12 and int(match["seed"]) == 3
    assert float(match["bound"]) <= float(match["objective"]) + 1e-6
    assert float(match["gap"]) >= 0
