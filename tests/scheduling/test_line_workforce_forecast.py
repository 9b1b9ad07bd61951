"""The staffing requirement of a forecast reads the concurrency and patience set on the line
through the catalog's service (not only a factory's row)."""

from __future__ import annotations

from datetime import time
from decimal import Decimal

import pytest
from django.db import connection

from bpo.accounts.roles import Role
from bpo.catalog.models import OpeningHours
from bpo.catalog.services import service_lines as line_services
from scheduling.engine import erlang
from scheduling.planning.models import StaffingRequirement
from scheduling.planning.services import forecasts as services
from tests.catalog.factories import ServiceLineFactory
from tests.conftest import make_user
from tests.scheduling.forecast_helpers import history_end, write_history

pytestmark = pytest.mark.django_db


@pytest.fixture
def in_a(client_a):
    connection.set_tenant(client_a)
    yield client_a
    connection.set_schema_to_public()


def _chat_line_with_history(client):
    line = ServiceLineFactory(channel="chat")
    for weekday in range(7):
        OpeningHours.objects.create(
            service_line=line, weekday=weekday, opens_at=time(8, 0), closes_at=time(20, 0)
        )
    write_history(
        line=line, time_zone=client.time_zone, end_day=history_end(client.time_zone), weeks=10
    )
    return line


def test_a_chat_requirement_uses_the_concurrency_set_through_the_service(in_a):
    # given a chat line whose manager says an agent handles three chats at once
    manager = make_user(Role.ACCOUNT_MANAGER, in_a, email="am@provider.test")
    connection.set_tenant(in_a)
    line = _chat_line_with_history(in_a)
    line_services.update_service_line(service_line=line, actor=manager, concurrency=Decimal("3"))
    line.refresh_from_db()

    # when it is forecast
    forecast = services.create_forecast_now(service_line=line, weeks=1)

    # then the requirement staffs chat slots / 3
    assert forecast.requirement_model == "chat_slots"
    assert forecast.requirement_inputs["concurrency"] == 3.0
    row = StaffingRequirement.objects.filter(forecast=forecast).order_by("-volume")[0]
    slots = erlang.required_agents(
        volume=row.volume,
        interval_seconds=900,
        aht_seconds=max(row.aht_seconds, 1.0),
        target_level=0.8,
        target_seconds=20,
        max_occupancy=0.85,
    )
    assert slots > 3
    assert row.required_agents == -(-slots // 3)


def test_a_patience_set_through_the_service_turns_chat_into_erlang_a(in_a):
    manager = make_user(Role.ACCOUNT_MANAGER, in_a, email="am@provider.test")
    connection.set_tenant(in_a)
    line = _chat_line_with_history(in_a)
    line_services.update_service_line(
        service_line=line, actor=manager, concurrency=Decimal("2"), patience_seconds=90
    )
    line.refresh_from_db()

    forecast = services.create_forecast_now(service_line=line, weeks=1)

    assert forecast.requirement_model == "chat_slots_a"
    assert forecast.requirement_inputs["concurrency"] == 2.0
    assert forecast.requirement_inputs["patience_seconds"] == 90.0
