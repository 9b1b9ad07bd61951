from __future__ import annotations

import re
from io import StringIO

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_the_benchmark_renders_n_reports_and_ends_with_its_figures(client_a):
    # given the benchmark's client: three lines, a week of 15-minute intervals, 40 evaluations

    # when its report is rendered in this process
    out = StringIO()
    call_command("bench_weekly_reports", clients=1, stdout=out)

    # then the figures line ends the output, the report is three A4 pages (the goal's shape),
    # and the CPU time per report comes just before it
    *_, cpu, last = out.getvalue().strip().splitlines()
    assert re.fullmatch(
        r"reports=1 seconds=[\d.]+ median_report_s=[\d.]+ pages=3 peak_mb=\d+", last
    ), last
    assert re.fullmatch(r"median_report_cpu_s=[\d.]+", cpu), cpu
