"""Forecast pages and API: who may do what, running a forecast (its task run in-process here;
the real worker is tests/scheduling/test_forecast_worker.py), the charts, adjustments, the
quote simulator over a stored forecast and the stale-forecast to-do."""

from __future__ import annotations

from datetime import time, timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from bpo.accounts.roles import Role
from bpo.catalog.models import OpeningHours
from scheduling.planning import forecast_tasks
from scheduling.planning.models import Forecast, ForecastAdjustment
from scheduling.planning.workers import forecasts as workers
from tests.catalog.factories import ServiceLineFactory
from tests.conftest import make_user, token_client
from tests.scheduling.forecast_helpers import history_end, make_ready_forecast, write_history

pytestmark = pytest.mark.django_db


@pytest.fixture
def scheduler(client_a):
    return make_user(Role.SCHEDULER, client_a, email="scheduler@provider.test")


@pytest.fixture
def run_tasks_in_process(monkeypatch, client_a):
    """The broker is the outside world: the task runs right here, in the client's schema
    (which tenant-schemas-celery carries in production; the test's on-commit callbacks run
    after the request has left it)."""
    sent = []

    def delay(forecast_id):
        sent.append(forecast_id)
        connection.set_tenant(client_a)
        try:
            workers.run_forecast(forecast_id=forecast_id)
        finally:
            connection.set_schema_to_public()

    monkeypatch.setattr(forecast_tasks.run_forecast_task, "delay", delay)
    return sent


def _line(client, *, weeks=10, **fields):
    connection.set_tenant(client)
    try:
        line = ServiceLineFactory(name=fields.pop("name", "Billing support"), **fields)
        for weekday in range(7):
            OpeningHours.objects.create(
                service_line=line, weekday=weekday, opens_at=time(8), closes_at=time(20)
            )
        if weeks:
            write_history(
                line=line,
                time_zone=client.time_zone,
                end_day=history_end(client.time_zone),
                weeks=weeks,
            )
        return line
    finally:
        connection.set_schema_to_public()


def _ready(client, line):
    connection.set_tenant(client)
    try:
        return make_ready_forecast(line, time_zone=client.time_zone)
    finally:
        connection.set_schema_to_public()


def test_a_scheduler_runs_a_forecast_and_sees_its_charts(
    client, client_a, scheduler, run_tasks_in_process, django_capture_on_commit_callbacks
):
    # given a line with ten weeks of statistics
    line = _line(client_a)
    client.force_login(scheduler)

    # when the scheduler runs a two-week forecast from the page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("client:forecast_run", args=[client_a.slug]),
            {"service_line": line.pk, "weeks": 2},
        )

    # then the run was queued (once) and the page of the run follows
    connection.set_tenant(client_a)
    forecast = Forecast.objects.get(service_line=line)
    connection.set_schema_to_public()
    assert response.status_code == 302
    assert response.url == reverse("client:forecast", args=[client_a.slug, forecast.pk])
    assert run_tasks_in_process == [forecast.pk]
    # and once the worker is done it shows the version with its chart and daily table
    html = client.get(response.url).content.decode()
    assert "forecast version 1" in html
    assert '<svg role="img" aria-label="Contacts per interval' in html
    assert 'id="forecast-days"' in html
    assert html.count("?week=") >= 2  # a picker for the two weeks
    # and the requirement page names its model, with the chart and the table behind it
    page = client.get(reverse("client:forecast_requirement", args=[client_a.slug, forecast.pk]))
    html = page.content.decode()
    assert "Model: Erlang C" in html
    assert 'aria-label="Required agents per interval' in html
    assert 'id="requirement-table"' in html
    # and the list shows the version
    listing = client.get(reverse("client:forecasts", args=[client_a.slug])).content.decode()
    assert "Version 1" in listing


def test_progress_fragment_polls_until_done_then_reloads(client, client_a, scheduler):
    # given a queued run (no worker)
    line = _line(client_a)
    connection.set_tenant(client_a)
    from scheduling.planning.services.forecasts import start_forecast

    forecast = start_forecast(service_line=line, weeks=1, actor=scheduler)
    connection.set_schema_to_public()
    client.force_login(scheduler)
    url = reverse("client:forecast_progress", args=[client_a.slug, forecast.pk])

    # then the detail page shows the progress bar that polls
    html = client.get(reverse("client:forecast", args=[client_a.slug, forecast.pk])).content
    assert b'role="progressbar"' in html and b"hx-trigger" in html
    # when the worker finishes, the fragment asks htmx to reload the page
    connection.set_tenant(client_a)
    workers.run_forecast(forecast_id=forecast.pk)
    connection.set_schema_to_public()
    response = client.get(url, HTTP_HX_REQUEST="true")
    assert response.status_code == 204 and response["HX-Refresh"] == "true"


def test_too_little_history_is_shown_next_to_the_line(client, client_a, scheduler):
    line = _line(client_a, weeks=3)
    client.force_login(scheduler)
    response = client.post(
        reverse("client:forecast_run", args=[client_a.slug]), {"service_line": line.pk, "weeks": 1}
    )
    assert response.status_code == 200
    assert "3.0 weeks of statistics" in response.content.decode()
    assert response.context["form"].errors["service_line"]


def test_adjusting_from_the_page_needs_a_reason_and_keeps_history(client, client_a, scheduler):
    # given a ready version
    line = _line(client_a, weeks=0)
    forecast = _ready(client_a, line)
    client.force_login(scheduler)
    url = reverse("client:forecast_adjust", args=[client_a.slug, forecast.pk])
    day = forecast.starts_at.astimezone(timezone.get_current_timezone()).date()
    monday = (forecast.starts_at + timedelta(hours=12)).date().isoformat()

    # when the reason is missing
    response = client.post(url, {"scope": "day", "day": monday, "percent": "10", "reason": ""})
    # then nothing changes and the form says why, next to the field
    assert response.status_code == 200
    assert response.context["form"].errors["reason"]
    connection.set_tenant(client_a)
    assert not ForecastAdjustment.objects.exists()
    connection.set_schema_to_public()

    # when given
    response = client.post(
        url,
        {
            "scope": "range",
            "day": monday,
            "from_time": "08:00",
            "to_time": "10:00",
            "percent": "25",
            "reason": "TV ad",
        },
    )
    # then it is stored and shown in the history on the forecast page
    assert response.status_code == 302, response.context["form"].errors if response.context else ""
    connection.set_tenant(client_a)
    adjustment = ForecastAdjustment.objects.get()
    assert (adjustment.intervals_changed, adjustment.reason) == (8, "TV ad")
    connection.set_schema_to_public()
    html = client.get(
        reverse("client:forecast", args=[client_a.slug, forecast.pk])
    ).content.decode()
    assert "TV ad" in html and "Before adjustments" in html
    assert day  # the local day of the forecast's start


@pytest.mark.parametrize(
    ("role", "view", "run", "adjust"),
    [
        (Role.ACCOUNT_MANAGER, 200, 200, 200),
        (Role.SCHEDULER, 200, 200, 200),
        (Role.FINANCE, 200, 403, 403),
        (Role.QA_ANALYST, 200, 403, 403),
        (Role.AGENT, 200, 403, 403),
        (Role.CLIENT_ADMIN, 403, 403, 403),
        (Role.CLIENT_VIEWER, 403, 403, 403),
    ],
)
def test_rights_per_role(client, client_a, role, view, run, adjust):
    line = _line(client_a, weeks=0)
    forecast = _ready(client_a, line)
    user = make_user(role, client_a, email=f"{role}@rights.test")
    client.force_login(user)
    slug = client_a.slug
    assert client.get(reverse("client:forecasts", args=[slug])).status_code == view
    assert client.get(reverse("client:forecast", args=[slug, forecast.pk])).status_code == view
    assert (
        client.get(reverse("client:forecast_requirement", args=[slug, forecast.pk])).status_code
        == view
    )
    assert client.get(reverse("client:forecast_run", args=[slug])).status_code == run
    assert (
        client.get(reverse("client:forecast_adjust", args=[slug, forecast.pk])).status_code
        == adjust
    )
    nav = client.get(reverse("client:staffing", args=[slug])).content.decode()
    assert ("/forecasts/" in nav) == (view == 200)
    api = token_client(user)
    assert api.get(f"/api/v1/clients/{slug}/forecasts/").status_code == view
    assert (
        api.get(f"/api/v1/clients/{slug}/forecasts/{forecast.pk}/requirement/").status_code == view
    )
    refused = api.post(
        f"/api/v1/clients/{slug}/forecasts/", {"service_line": line.pk}, format="json"
    )
    assert refused.status_code == (403 if run == 403 else 400)  # 400: this line has no history


def test_api_starts_reads_and_adjusts(
    client_a, scheduler, run_tasks_in_process, django_capture_on_commit_callbacks
):
    # given a line with history
    line = _line(client_a)
    api = token_client(scheduler)
    base = f"/api/v1/clients/{client_a.slug}/forecasts/"

    # when a run is started
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(base, {"service_line": line.pk, "weeks": 1}, format="json")
    # then 202 with the run, which the (in-process) worker finished
    assert response.status_code == 202, response.content
    forecast_id = response.json()["id"]
    body = api.get(f"{base}{forecast_id}/").json()
    assert (body["status"], body["version"], body["requirement"]["model"]) == (
        "ready",
        1,
        "erlang_c",
    )
    assert body["job"]["status"] == "succeeded" and body["job"]["progress"] == 100
    assert len(body["intervals"]) == pytest.approx(7 * 96, abs=4)
    assert body["accuracy"]["wape"] is None
    # and the requirement per interval
    requirement = api.get(f"{base}{forecast_id}/requirement/").json()
    assert requirement["model"] == "erlang_c"
    assert len(requirement["intervals"]) == len(body["intervals"])
    assert max(row["scheduled_agents"] for row in requirement["intervals"]) > 0
    # when adjusted through the API, the row is stored (checked in the database)
    monday = body["intervals"][40]["starts_at"][:10]
    adjusted = api.post(
        f"{base}{forecast_id}/adjust/",
        {
            "scope": "range",
            "starts_at": body["intervals"][40]["starts_at"],
            "ends_at": body["intervals"][44]["starts_at"],
            "percent": "-20",
            "reason": "Holiday sale ended",
        },
        format="json",
    )
    assert adjusted.status_code == 201, adjusted.content
    connection.set_tenant(client_a)
    stored = ForecastAdjustment.objects.get()
    connection.set_schema_to_public()
    assert (stored.intervals_changed, str(stored.percent)) == (4, "-20.00")
    assert monday
    # and a run with a bad line, or too many weeks, is refused with the field named
    assert api.post(base, {"service_line": 987654}, format="json").json()["error"]["fields"][
        "service_line"
    ]
    assert api.post(base, {"service_line": line.pk, "weeks": 9}, format="json").status_code == 400
    # and without a reason the adjustment is refused, nothing stored
    refused = api.post(
        f"{base}{forecast_id}/adjust/",
        {"scope": "day", "day": monday, "percent": "5", "reason": ""},
        format="json",
    )
    assert refused.status_code == 400
    assert "reason" in refused.json()["error"]["fields"]


def test_list_api_query_count_does_not_grow_with_versions(
    client_a, scheduler, django_assert_max_num_queries
):
    line = _line(client_a, weeks=0)
    for _ in range(3):
        _ready(client_a, line)
    api = token_client(scheduler)
    with django_assert_max_num_queries(12):
        response = api.get(f"/api/v1/clients/{client_a.slug}/forecasts/")
    assert response.json()["count"] == 3


def test_quote_simulator_compares_two_targets_in_fte_over_the_stored_forecast(
    client, client_a, scheduler
):
    # given a line with a stored forecast of next week: 10 contacts of 240 s per 15 minutes
    line = _line(client_a, weeks=0)
    _ready(client_a, line)
    client.force_login(scheduler)
    # when 80/20 and 90/20 are compared
    response = client.get(
        reverse("client:staffing", args=[client_a.slug]),
        {"forecast_line": line.pk, "level_a": 80, "seconds_a": 20, "level_b": 90, "seconds_b": 20},
    )
    # then each target's FTE is the week's scheduled agent-hours over 40
    comparison = response.context["fte_comparison"]
    a, b = comparison.figures
    assert (a.target, b.target) == ("80/20", "90/20")
    # by hand: 10 x 240 / 900 = 2.67 erlangs; 80/20 with an 85 % cap needs 5 agents, 90/20 6
    # (Erlang C), 30 % shrinkage makes 8 and 9 scheduled, over 672 quarter-hours
    assert (a.peak_agents, b.peak_agents) == (8, 9)
    assert a.fte == pytest.approx(8 * 168 / 40)
    assert b.fte == pytest.approx(9 * 168 / 40)
    assert "Moving from 80/20 to 90/20 changes the week from" in response.content.decode()


def test_stale_forecast_is_a_todo_for_those_who_run_forecasts(
    client, client_a, scheduler, client_a_admin
):
    # given a version made eight days ago
    line = _line(client_a, weeks=0)
    forecast = _ready(client_a, line)
    connection.set_tenant(client_a)
    Forecast.objects.filter(pk=forecast.pk).update(completed_at=timezone.now() - timedelta(days=8))
    connection.set_schema_to_public()
    # then the scheduler's home lists it
    client.force_login(scheduler)
    html = client.get(reverse("portal:home")).content.decode()
    assert "Forecast for Billing support is older than a week" in html
    # and a fresh version clears it
    _ready(client_a, line)
    html = client.get(reverse("portal:home")).content.decode()
    assert "older than a week" not in html
    # and the client's admin never sees it
    connection.set_tenant(client_a)
    Forecast.objects.update(completed_at=timezone.now() - timedelta(days=9))
    connection.set_schema_to_public()
    client.force_login(client_a_admin)
    page = client.get(reverse("client:overview", args=[client_a.slug]))
    assert "older than a week" not in page.content.decode()
