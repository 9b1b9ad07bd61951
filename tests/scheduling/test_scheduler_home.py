"""The scheduler's home page starts with its to-dos (issue 9): a line with no statistics for
last week, a failed import, a forecast older than a week and a waiting time-off request, all
four together, above everything else on the page."""

from __future__ import annotations

from datetime import date, timedelta

from django.db import connection
from django.urls import reverse
from django.utils import timezone

from scheduling.planning.models import Forecast, StatisticsImport
from scheduling.roster import services as roster_services
from tests.catalog.factories import ServiceLineFactory
from tests.roster.factories import AgentFactory
from tests.scheduling.forecast_helpers import make_ready_forecast


def test_the_scheduler_home_lists_the_four_kinds_of_workforce_todos_first(
    client, client_a, scheduler_a
):
    # given a line with no interval last week, a failed import, an eight-day-old forecast
    connection.set_tenant(client_a)
    line = ServiceLineFactory(name="Billing support")
    forecast = make_ready_forecast(line, time_zone=client_a.time_zone)
    Forecast.objects.filter(pk=forecast.pk).update(completed_at=timezone.now() - timedelta(days=8))
    StatisticsImport.objects.create(
        file_name="broken.csv", format="neutral", time_zone="UTC", status="failed"
    )
    connection.set_schema_to_public()
    # and a time-off request waiting for a decision
    agent = AgentFactory()
    roster_services.request_time_off(
        agent=agent,
        starts_on=date(2031, 3, 3),
        ends_on=date(2031, 3, 3),
        kind="sick",
        actor=scheduler_a,
    )

    # when the scheduler opens the home page
    client.force_login(scheduler_a)
    html = client.get(reverse("portal:home")).content.decode()

    # then the to-do card holds all four, and it comes straight after the greeting
    todos = html[html.index('id="todos"') :]
    for expected in (
        "Import last week&#x27;s statistics",
        "Fix the statistics import broken.csv",
        "Forecast for Billing support is older than a week",
        "1 time-off request waits for a decision",
    ):
        assert expected in todos, expected
    content = html[html.index('<main class="content"') :]
    between = content[content.index("</h1>") + len("</h1>") : content.index('id="todos"')]
    assert between.strip() == '<section class="card todos"'
