"""Worked time reads what publishing writes: a published plan's shifts are the scheduled
minutes of the agent's days, and a time-clock import is measured against them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection

from scheduling.planning.services.publishing import publish_plan
from scheduling.roster import worked
from scheduling.roster.models import WorkedDay
from tests.catalog.factories import ServiceLineFactory
from tests.roster.factories import AgentFactory
from tests.scheduling.plan_helpers import MONDAY, add_shift, make_plan

pytestmark = pytest.mark.django_db


def test_a_published_plan_is_the_scheduled_time_of_the_import(in_client_a, scheduler_a):
    # given a published plan: Ana 08:00-16:00 on Monday, 12:00-20:00 on Tuesday (UTC)
    ana = AgentFactory(full_name="Ana Silva", employee_number="E-PUB", time_zone="UTC")
    line = ServiceLineFactory(name="Orders")
    plan = make_plan()
    add_shift(plan, ana, line, 0, 8)
    add_shift(plan, ana, line, 1, 12)
    publish_plan(plan=plan, user=scheduler_a)
    connection.set_schema_to_public()
    # when Ana clocks in late on Monday and on time on Tuesday
    content = (
        "employee_number,date,clock_in,clock_out\n"
        f"E-PUB,{MONDAY},08:20,16:00\n"
        f"E-PUB,{MONDAY + timedelta(days=1)},12:00,20:00\n"
    ).encode()
    worked.import_timeclock(content=content, actor=scheduler_a)
    # then
    monday_row, tuesday_row = WorkedDay.objects.filter(agent=ana).order_by("day")
    assert (monday_row.scheduled_minutes, monday_row.worked_minutes) == (480, 460)
    assert round(monday_row.adherence * 100, 1) == 95.8
    assert (tuesday_row.scheduled_minutes, tuesday_row.conformance) == (480, 1.0)
