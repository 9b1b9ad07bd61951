"""Forecasts: stored with their inputs and versioned, closed intervals at zero, accuracy
recomputed when actuals arrive, adjustments kept as history, the requirement per channel."""

from __future__ import annotations

import itertools
from datetime import datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from django.db import connection

from bpo.accounts.roles import Role
from bpo.catalog.models import OpeningHours
from bpo.errors import ConflictError, DomainError
from scheduling.engine import erlang
from scheduling.planning.calculator import StaffingScenario, calculate
from scheduling.planning.models import (
    Forecast,
    ForecastInterval,
    IntervalStatistic,
    PlanningSettings,
    StaffingRequirement,
)
from scheduling.planning.services import forecasts as services
from tests.catalog.factories import ServiceLineFactory
from tests.conftest import make_user
from tests.scheduling.forecast_helpers import history_end, statistic, write_history

pytestmark = pytest.mark.django_db


@pytest.fixture
def scheduler_a(client_a):
    return make_user(Role.SCHEDULER, client_a, email="scheduler@provider.test")


@pytest.fixture
def in_a(client_a):
    connection.set_tenant(client_a)
    yield client_a
    connection.set_schema_to_public()


def _weekday_hours(line, opens=time(8, 0), closes=time(20, 0)):
    for weekday in range(7):
        OpeningHours.objects.create(
            service_line=line, weekday=weekday, opens_at=opens, closes_at=closes
        )


def _line_with_history(client, *, weeks=10, **line_fields):
    line = ServiceLineFactory(**line_fields)
    _weekday_hours(line)
    write_history(
        line=line, time_zone=client.time_zone, end_day=history_end(client.time_zone), weeks=weeks
    )
    return line


def test_forecast_is_stored_with_its_inputs_and_versioned(in_a):
    # given a voice line with ten weeks of 15-minute statistics
    line = _line_with_history(in_a)

    # when it is forecast twice
    first = services.create_forecast_now(service_line=line, weeks=2)
    second = services.create_forecast_now(service_line=line, weeks=1)

    # then each run is a version of its own, with its inputs
    assert (first.status, first.version, second.version) == ("ready", 1, 2)
    assert first.weeks == 2 and first.interval_minutes == 15
    assert first.history_intervals == 10 * 7 * 96
    assert first.parameters["history_days"] == 70
    assert first.parameters["min_history_weeks"] == 8
    assert first.method == "daily_glm_profile"
    assert set(first.backtest) >= {"wape", "baseline_wape", "folds"}
    # starting next Monday, local midnight, for whole weeks of intervals
    local_start = first.starts_at.astimezone(ZoneInfo(in_a.time_zone))
    assert (local_start.weekday(), local_start.hour, local_start.minute) == (0, 0, 0)
    intervals = ForecastInterval.objects.filter(forecast=first)
    assert intervals.count() == pytest.approx(2 * 7 * 96, abs=4)  # a DST change adds/removes 4
    # closed intervals (before 08:00, from 20:00) forecast zero; open ones carry the volume
    closed = intervals.filter(is_open=False)
    assert closed.exists() and all(row.volume == 0 for row in closed)
    assert sum(row.volume for row in intervals.filter(is_open=True)) > 1000
    # the original stays beside the adjusted figure, and the baseline is stored
    assert all(row.adjusted_volume == row.volume for row in intervals)
    assert intervals.filter(baseline_volume__gt=0).exists()
    # and the requirement is stored per version, naming its model
    assert first.requirement_model == "erlang_c"
    assert StaffingRequirement.objects.filter(forecast=first).count() == intervals.count()
    assert StaffingRequirement.objects.filter(forecast=second).count() == pytest.approx(
        7 * 96, abs=4
    )


def test_fewer_than_eight_weeks_is_refused_with_a_clear_message(in_a):
    # given a line with five weeks of statistics
    line = _line_with_history(in_a, weeks=5)
    # when / then
    with pytest.raises(DomainError) as error:
        services.create_forecast_now(service_line=line, weeks=1)
    assert error.value.field == "service_line"
    assert "5.0 weeks of statistics" in error.value.message
    assert "at least 8 weeks" in error.value.message
    assert not Forecast.objects.filter(service_line=line).exists()


def test_a_line_without_statistics_is_refused(in_a):
    line = ServiceLineFactory()
    with pytest.raises(DomainError, match="has no statistics yet"):
        services.create_forecast_now(service_line=line, weeks=1)


@pytest.mark.parametrize("weeks", [0, 7, "two", True])
def test_weeks_ahead_must_be_one_to_six(in_a, weeks):
    line = _line_with_history(in_a)
    with pytest.raises(DomainError) as error:
        services.create_forecast_now(service_line=line, weeks=weeks)
    assert error.value.field == "weeks"


def test_a_second_run_while_one_is_queued_is_a_conflict(in_a, client_a):
    # given a queued run (its task is sent after commit, which never comes in this test)
    line = _line_with_history(in_a)
    services.start_forecast(service_line=line, weeks=1, actor=None)
    # when / then
    with pytest.raises(ConflictError, match="running already"):
        services.start_forecast(service_line=line, weeks=1, actor=None)


def test_holiday_closes_the_line_and_forecasts_zero(in_a):
    # given a line closed on public holidays and a closed date override next week
    line = _line_with_history(in_a)
    forecast = services.create_forecast_now(service_line=line, weeks=1)
    zone = ZoneInfo(in_a.time_zone)
    wednesday = forecast.starts_at.astimezone(zone).date() + timedelta(days=2)
    line.date_overrides.create(date=wednesday, is_closed=True)
    # when forecast again
    again = services.create_forecast_now(service_line=line, weeks=1)
    # then that day is closed and zero; the other days are not
    rows = list(ForecastInterval.objects.filter(forecast=again))
    on_wednesday = [r for r in rows if r.starts_at.astimezone(zone).date() == wednesday]
    assert on_wednesday and all(not r.is_open and r.volume == 0 for r in on_wednesday)
    assert sum(r.volume for r in rows) > 0
    assert wednesday.isoformat() in again.parameters["holidays"]


def test_accuracy_is_recomputed_when_actuals_arrive(in_a):
    # given a stored forecast with no actuals yet
    line = _line_with_history(in_a)
    forecast = services.create_forecast_now(service_line=line, weeks=1)
    forecast = services.refresh_forecast_accuracy(forecast=forecast)
    assert (forecast.actual_intervals, forecast.wape) == (0, None)

    # when the first day's actuals arrive: each open interval 10 % above the forecast
    intervals = list(ForecastInterval.objects.filter(forecast=forecast).order_by("starts_at")[:96])
    rows = [
        statistic(line, row.starts_at, round(row.volume * 1.1) if row.is_open else 0)
        for row in intervals
    ]
    IntervalStatistic.objects.bulk_create(rows)
    forecast = services.refresh_forecast_accuracy(forecast=Forecast.objects.get(pk=forecast.pk))

    # then WAPE and bias are measured over those intervals, by hand
    actual = np.array([r.offered for r in rows], dtype=float)
    predicted = np.array([r.volume for r in intervals])
    baseline = np.array([r.baseline_volume for r in intervals])
    assert forecast.actual_intervals == 96
    assert forecast.actual_volume == pytest.approx(actual.sum())
    assert forecast.wape == pytest.approx(np.abs(predicted - actual).sum() / actual.sum())
    assert forecast.bias == pytest.approx((predicted - actual).sum() / actual.sum())
    assert forecast.bias < 0  # the actuals were higher
    assert forecast.baseline_wape == pytest.approx(np.abs(baseline - actual).sum() / actual.sum())
    stored = Forecast.objects.get(pk=forecast.pk)
    assert stored.wape == pytest.approx(forecast.wape)

    # when nothing changed, reading again measures nothing (same signature, one query)
    signature = stored.accuracy_signature
    assert services.refresh_forecast_accuracy(forecast=stored).accuracy_signature == signature

    # when the next day arrives too, the accuracy is measured again over both days
    more = list(ForecastInterval.objects.filter(forecast=forecast).order_by("starts_at")[96:192])
    IntervalStatistic.objects.bulk_create(
        [statistic(line, row.starts_at, round(row.volume)) for row in more]
    )
    again = services.refresh_accuracies(forecasts=[Forecast.objects.get(pk=forecast.pk)])[0]
    assert again.actual_intervals == 192
    assert again.accuracy_signature != signature
    assert Forecast.objects.get(pk=forecast.pk).actual_intervals == 192


def test_adjustments_are_history_and_the_original_stays(in_a, scheduler_a):
    # given a stored forecast
    line = _line_with_history(in_a)
    forecast = services.create_forecast_now(service_line=line, weeks=1)
    zone = ZoneInfo(in_a.time_zone)
    monday = forecast.starts_at.astimezone(zone).date()
    before = {r.starts_at: r.volume for r in ForecastInterval.objects.filter(forecast=forecast)}
    peak_before = StaffingRequirement.objects.filter(forecast=forecast).order_by(
        "-scheduled_agents"
    )[0]

    # when the scheduler raises Monday by 20 % and then a range on Monday by 10 %
    services.adjust_forecast(
        forecast=forecast,
        request=services.AdjustmentRequest(
            scope="day", day=monday, percent="20", reason="Campaign e-mail"
        ),
        actor=scheduler_a,
    )
    range_start = forecast.starts_at + timedelta(hours=10)
    services.adjust_forecast(
        forecast=forecast,
        request=services.AdjustmentRequest(
            scope="range",
            starts_at=range_start,
            ends_at=range_start + timedelta(hours=2),
            percent="-10",
            reason="Outage fixed",
        ),
        actor=scheduler_a,
    )

    # then both are rows, in order, with their reasons and who made them
    adjustments = list(forecast.adjustments.order_by("created_at", "id"))
    assert [(a.scope, a.percent, a.reason) for a in adjustments] == [
        ("day", Decimal("20.00"), "Campaign e-mail"),
        ("range", Decimal("-10.00"), "Outage fixed"),
    ]
    assert adjustments[0].created_by_id == scheduler_a.pk
    assert adjustments[1].intervals_changed == 8
    # and the adjusted figures compound, while the original volume is untouched
    for row in ForecastInterval.objects.filter(forecast=forecast):
        assert row.volume == before[row.starts_at]
        local_day = row.starts_at.astimezone(zone).date()
        factor = 1.0
        if local_day == monday:
            factor *= 1.2
        if range_start <= row.starts_at < range_start + timedelta(hours=2):
            factor *= 0.9
        assert row.adjusted_volume == pytest.approx(row.volume * factor)
    # and the requirement follows the adjusted figures
    peak_after = StaffingRequirement.objects.get(forecast=forecast, starts_at=peak_before.starts_at)
    if peak_before.starts_at.astimezone(zone).date() == monday:
        assert peak_after.volume > peak_before.volume


def test_adjustment_errors_are_reported_together(in_a, scheduler_a):
    line = _line_with_history(in_a)
    forecast = services.create_forecast_now(service_line=line, weeks=1)
    with pytest.raises(DomainError) as error:
        services.adjust_forecast(
            forecast=forecast,
            request=services.AdjustmentRequest(scope="day", day=None, percent="abc", reason=" "),
            actor=scheduler_a,
        )
    assert set(error.value.fields) == {"percent", "reason", "day"}
    assert not forecast.adjustments.exists()


def test_voice_requirement_matches_the_staffing_calculator(in_a):
    # given a voice line with patience (Erlang A) and the client's shrinkage and cap
    settings = PlanningSettings.current()
    settings.shrinkage_percent = Decimal("25")
    settings.max_occupancy_percent = Decimal("80")
    settings.save()
    line = _line_with_history(in_a, patience_seconds=90, service_level_percent=Decimal("90"))
    # when
    forecast = services.create_forecast_now(service_line=line, weeks=1)
    # then every interval's figures are the calculator's for the same inputs
    assert forecast.requirement_model == "erlang_a"
    rows = StaffingRequirement.objects.filter(forecast=forecast, volume__gt=0).order_by("-volume")[
        :5
    ]
    for row in rows:
        summary = calculate(
            StaffingScenario(
                calls=row.volume,
                interval_minutes=15,
                aht_seconds=max(row.aht_seconds, 1.0),
                target_level_percent=90,
                target_seconds=20,
                max_occupancy_percent=80,
                shrinkage_percent=25,
                patience_seconds=90,
            )
        )
        assert (row.required_agents, row.scheduled_agents) == (
            summary.agents,
            summary.scheduled_agents,
        )


def test_chat_and_email_lines_use_their_own_models(in_a):
    # given a chat line (two chats per agent) and an e-mail line (4 hours first response)
    chat = _line_with_history(in_a, channel="chat", concurrency=Decimal("2"))
    email = _line_with_history(
        in_a,
        channel="email",
        service_level_percent=None,
        service_level_seconds=None,
        first_response_percent=Decimal("90"),
        first_response_hours=Decimal("4"),
    )
    # when
    chat_forecast = services.create_forecast_now(service_line=chat, weeks=1)
    email_forecast = services.create_forecast_now(service_line=email, weeks=1)
    # then chat staffs slots / concurrency and e-mail a backlog (not Erlang C)
    assert chat_forecast.requirement_model == "chat_slots"
    assert chat_forecast.requirement_inputs["concurrency"] == 2.0
    row = StaffingRequirement.objects.filter(forecast=chat_forecast).order_by("-volume")[0]
    slots = erlang.required_agents(
        volume=row.volume,
        interval_seconds=900,
        aht_seconds=max(row.aht_seconds, 1.0),
        target_level=0.8,
        target_seconds=20,
        max_occupancy=0.85,
    )
    assert row.required_agents == -(-slots // 2)
    assert email_forecast.requirement_model == "backlog"
    assert email_forecast.requirement_inputs["response_hours"] == 4.0
    rows = StaffingRequirement.objects.filter(forecast=email_forecast)
    # all the work is planned: workload (agents x interval) equals volume x handle time
    work = sum(r.volume * r.aht_seconds for r in rows)
    planned = sum(r.workload_erlangs for r in rows) * 900
    assert planned == pytest.approx(work, rel=1e-6)


def test_a_line_without_target_gets_a_forecast_and_a_note(in_a):
    line = _line_with_history(in_a, service_level_percent=None, service_level_seconds=None)
    forecast = services.create_forecast_now(service_line=line, weeks=1)
    assert forecast.is_ready
    assert forecast.requirement_model == ""
    assert "no service level target" in forecast.requirement_note
    assert not StaffingRequirement.objects.filter(forecast=forecast).exists()


def test_demo_forecasts_next_week_once_for_lines_with_history(in_a):
    from scheduling.planning.demo_forecasts import seed_forecasts

    # given a line with ten weeks of statistics and one without any
    line = _line_with_history(in_a)
    ServiceLineFactory(name="No statistics yet")
    # when the demo is seeded twice
    first = seed_forecasts(client=in_a)
    second = seed_forecasts(client=in_a)
    # then the line has one ready forecast of next week with its requirement; the other none
    assert len(first) == 1 and line.name in first[0]
    assert second == []
    forecast = Forecast.objects.get(service_line=line)
    local = forecast.starts_at.astimezone(ZoneInfo(in_a.time_zone))
    assert forecast.is_ready and local.weekday() == 0 and forecast.weeks == 1
    assert StaffingRequirement.objects.filter(forecast=forecast).exists()
    assert Forecast.objects.count() == 1


def test_a_forecast_across_a_daylight_saving_change_has_the_real_utc_intervals(in_a):
    # given history up to the week in which New York springs forward (Sun 14 Mar 2027)
    from datetime import date

    line = ServiceLineFactory(is_open_24_7=True)
    write_history(line=line, time_zone=in_a.time_zone, end_day=date(2027, 3, 8), weeks=10)
    # when that week is forecast
    forecast = services.create_forecast_now(service_line=line, weeks=1, start_day=date(2027, 3, 8))
    # then it has the week's 668 quarter-hours (23 hours on Sunday), one after the other in
    # UTC, and none at the skipped local 02:00-03:00
    starts = list(
        ForecastInterval.objects.filter(forecast=forecast)
        .order_by("starts_at")
        .values_list("starts_at", flat=True)
    )
    assert len(starts) == 7 * 96 - 4
    assert all(b - a == timedelta(minutes=15) for a, b in itertools.pairwise(starts))
    zone = ZoneInfo(in_a.time_zone)
    sunday = [s.astimezone(zone) for s in starts if s.astimezone(zone).date() == date(2027, 3, 14)]
    assert len(sunday) == 92 and not any(local.hour == 2 for local in sunday)
    # and the volume after the change follows the local clock (the morning peak stays local)
    by_hour = {}
    for row in ForecastInterval.objects.filter(forecast=forecast):
        local = row.starts_at.astimezone(zone)
        if local.date() == date(2027, 3, 14):
            by_hour[local.hour] = by_hour.get(local.hour, 0) + row.volume
    assert by_hour[10] > by_hour[5] * 5


def test_an_import_can_refresh_a_lines_accuracy_in_one_call(in_a):
    # given a version and, later, a day of actuals for its first intervals
    line = _line_with_history(in_a)
    forecast = services.create_forecast_now(service_line=line, weeks=1)
    rows = ForecastInterval.objects.filter(forecast=forecast).order_by("starts_at")[:96]
    IntervalStatistic.objects.bulk_create(
        [statistic(line, row.starts_at, round(row.volume) + 1) for row in rows]
    )
    # when the import's hook runs (what forecast_tasks.refresh_forecast_accuracy_task does)
    assert services.refresh_line_accuracies(service_line_id=line.pk) == 1
    # then the stored accuracy covers that day, without anyone opening a page
    stored = Forecast.objects.get(pk=forecast.pk)
    assert stored.actual_intervals == 96 and stored.wape is not None and stored.bias < 0


def test_a_run_the_broker_never_got_fails_and_frees_the_line(in_a, settings):
    # given a queued run whose job the broker never received (enqueue recorded the failure)
    from bpo.jobs import services as job_services

    line = _line_with_history(in_a)
    queued = services.start_forecast(service_line=line, weeks=1, actor=None)
    job_services.fail_job(job_id=queued.job_id, error="The task queue could not be reached.")
    # when it is read, it is failed with the job's reason
    settled = services.settle_forecast(forecast=Forecast.objects.get(pk=queued.pk))
    assert (settled.status, settled.error) == ("failed", "The task queue could not be reached.")
    # and a stalled run (queued, never picked up) does not block a new one: it is replaced
    stalled = services.start_forecast(service_line=line, weeks=1, actor=None)
    settings.JOB_STALLED_AFTER_SECONDS = 0
    newest = services.start_forecast(service_line=line, weeks=1, actor=None)
    assert Forecast.objects.get(pk=stalled.pk).status == "failed"
    assert "replaced" in Forecast.objects.get(pk=stalled.pk).error
    assert Forecast.objects.get(pk=newest.pk).status == "queued"


def test_a_week_that_has_begun_is_forecast_from_the_days_before_it(in_a):
    # given ten weeks of statistics up to today
    line = _line_with_history(in_a)
    zone = ZoneInfo(in_a.time_zone)
    today = history_end(in_a.time_zone)
    last_monday = today - timedelta(days=today.weekday() + 7)

    # when last week is forecast (the demo plans it; a scheduler may backfill one)
    forecast = services.create_forecast_now(service_line=line, weeks=1, start_day=last_monday)

    # then it learned only from the days before that Monday, as if made then
    assert forecast.status == "ready", forecast.error
    assert forecast.history_ends_at == datetime.combine(last_monday, time(0), tzinfo=zone)
    assert forecast.parameters["history_days"] == 70 - (today - last_monday).days
