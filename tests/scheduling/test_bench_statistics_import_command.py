from __future__ import annotations

import re
from io import StringIO

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_the_benchmark_imports_n_rows_and_ends_with_its_figures(client_a):
    out = StringIO()
    call_command("bench_statistics_import", rows=500, client="acme-a", stdout=out)
    last = out.getvalue().strip().splitlines()[-1]
    assert re.fullmatch(r"rows=500 seconds=[\d.]+ rows_per_s=\d+ peak_mb=\d+", last)
