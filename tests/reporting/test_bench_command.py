from __future__ import annotations

import re
from io import StringIO

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_the_benchmark_renders_n_reports_and_ends_with_its_figures(client_a):
    out = StringIO()
    call_command("bench_weekly_reports", clients=1, stdout=out)
    last = out.getvalue().strip().splitlines()[-1]
    assert re.fullmatch(
        r"reports=1 seconds=[\d.]+ median_report_s=[\d.]+ pages=\d+ peak_mb=\d+", last
    ), last
