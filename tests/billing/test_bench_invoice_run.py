"""``manage.py bench_invoice_run``: a tiny run end to end in this process (draft, issue with
the XML validated, PDF), its figures line, and nothing left behind."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from billing.ledger.models import InvoiceRegister, LegalEntity
from billing.runs.models import InvoiceRun
from scheduling.roster.models import Agent
from tenants.models import Client
from tests.tenants.helpers import client_schemas

pytestmark = pytest.mark.django_db


def test_the_benchmark_runs_issues_and_renders_and_ends_with_its_figures():
    # given the registry as it is
    clients, schemas, entities = (
        Client.objects.count(),
        client_schemas(),
        LegalEntity.objects.count(),
    )
    out, err = StringIO(), StringIO()

    # when two clients are invoiced through the tasks in this process
    call_command("bench_invoice_run", clients=2, stdout=out, stderr=err)

    # then the figures line ends the output: both clients invoiced
    last = out.getvalue().strip().splitlines()[-1]
    assert re.fullmatch(
        r"clients=2 invoices=2 seconds=\d+\.\d{2} per_invoice_s=\d+\.\d{3} peak_mb=\d+", last
    ), last
    # and nothing is left behind: clients, schemas, agents, the run, the seller, the register
    assert Client.objects.count() == clients
    assert client_schemas() == schemas
    assert LegalEntity.objects.count() == entities
    assert not Agent.objects.filter(employee_number__startswith="bench-invoice-").exists()
    assert not InvoiceRun.objects.exists()
    assert not InvoiceRegister.objects.exists()
    assert "Removed 2 benchmark clients" in err.getvalue()


def test_the_benchmark_refuses_a_silly_count():
    with pytest.raises(CommandError, match="between 1 and 2000"):
        call_command("bench_invoice_run", clients=0)
