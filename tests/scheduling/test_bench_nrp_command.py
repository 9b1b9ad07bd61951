"""``bench_nrp`` solves one Curtois & Qu instance and ends with the one machine-readable line."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

INSTANCE1 = Path(__file__).parents[1] / "engine" / "data" / "curtois_qu_instance1.txt"
LINE = re.compile(
    r"^instance=(?P<name>\S+) objective=(?P<objective>\d+) lower_bound=(?P<bound>\d+) "
    r"feasible=(?P<feasible>yes|no) seconds=[\d.]+ peak_mb=\d+$"
)


@pytest.mark.solver
def test_instance1_ends_with_the_summary_line_at_the_best_known_607():
    out = io.StringIO()
    call_command("bench_nrp", str(INSTANCE1), "--time-limit=30", "--seed=1", stdout=out)
    lines = out.getvalue().strip().splitlines()
    match = LINE.match(lines[-1])
    assert match, lines[-1]
    assert match["name"] == "curtois_qu_instance1"
    assert (match["objective"], match["bound"], match["feasible"]) == ("607", "607", "yes")
    assert lines[0].startswith("curtois_qu_instance1: 14 days, 8 staff, 1 shift types")
    assert not any(line.startswith("violation:") for line in lines)


def test_a_bad_file_is_refused_with_its_line_number(tmp_path):
    path = tmp_path / "bad.txt"
    path.write_text("SECTION_HORIZON\r\nfourteen\r\n")
    with pytest.raises(CommandError, match=r"bad.txt: line 2: the horizon must be a whole number"):
        call_command("bench_nrp", str(path), stdout=io.StringIO())


def test_a_missing_file_and_bad_options_are_refused(tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("bench_nrp", str(tmp_path / "none.txt"), stdout=io.StringIO())
    with pytest.raises(CommandError, match="--time-limit must be positive"):
        call_command("bench_nrp", str(INSTANCE1), "--time-limit=0", stdout=io.StringIO())
    with pytest.raises(CommandError, match="--threads must be at least 1"):
        call_command("bench_nrp", str(INSTANCE1), "--threads=0", stdout=io.StringIO())
