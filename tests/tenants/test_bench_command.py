"""``manage.py bench_onboarding``: both provisioning paths, measured and cleaned up."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.core.management import call_command

from tenants.models import Client
from tests.tenants.helpers import client_schemas


@pytest.mark.django_db
def test_bench_onboarding_measures_both_ways_and_removes_what_it_created():
    clients, schemas = Client.objects.count(), client_schemas()
    out, err = StringIO(), StringIO()
    # when
    call_command("bench_onboarding", clients=1, stdout=out, stderr=err)
    # then it ends with the one summary line
    lines = out.getvalue().strip().splitlines()
    assert re.fullmatch(
        r"clone_median_s=\d+\.\d{3} migrate_median_s=\d+\.\d{3} speedup=\d+\.\d", lines[-1]
    )
    assert lines[-3].startswith("clone ")
    assert lines[-2].startswith("migrate ")
    # and nothing is left behind
    assert Client.objects.count() == clients
    assert client_schemas() == schemas
    assert "Removed 2 benchmark clients" in err.getvalue()


@pytest.mark.django_db
def test_bench_onboarding_refuses_a_silly_count():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="between 1 and 500"):
        call_command("bench_onboarding", clients=0)
