"""The worked-time API: the week per agent and day with adherence and conformance (a team lead
only their team), confirming scheduled time, the time-clock file all or nothing (each row's
problem named), correcting a day, and period locks refusing every write."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from django.db.backends.postgresql.psycopg_any import DateTimeTZRange

from bpo.accounts.roles import Role
from scheduling.roster.models import Booking, PeriodLock, RosterEvent, WorkedDay
from tests.conftest import make_user, token_client
from tests.roster.factories import AgentFactory, TeamFactory

pytestmark = pytest.mark.django_db
MONDAY = date(2026, 11, 23)
WORKED = "/api/v1/roster/worked-time/"
LOCKS = "/api/v1/roster/period-locks/"


def book(agent, client, day, start_hour, end_hour, shift_id):
    Booking.objects.create(
        agent=agent,
        client=client,
        during=DateTimeTZRange(
            datetime(day.year, day.month, day.day, start_hour, tzinfo=UTC),
            datetime(day.year, day.month, day.day, end_hour, tzinfo=UTC),
        ),
        plan_id=1,
        shift_id=shift_id,
    )


@pytest.fixture
def scheduler(client_a):
    return make_user(Role.SCHEDULER, client_a, email="wfm-api@provider.test")


@pytest.fixture
def finance(client_a):
    return make_user(Role.FINANCE, client_a, email="fin-api@provider.test", full_name="Fiona")


@pytest.fixture
def team_week(client_a, client_b):
    """Ana (team Blue, clocked Monday) and Rui (team Red, booked Monday, no figures), UTC."""
    blue, red = TeamFactory(name="Blue"), TeamFactory(name="Red")
    ana = AgentFactory(full_name="Ana Costa", employee_number="E-1", team=blue, time_zone="UTC")
    rui = AgentFactory(full_name="Rui Lopes", employee_number="E-2", team=red, time_zone="UTC")
    book(ana, client_a, MONDAY, 8, 16, 1)
    book(rui, client_b, MONDAY, 8, 16, 2)
    WorkedDay.objects.create(
        agent=ana,
        day=MONDAY,
        scheduled_minutes=480,
        worked_minutes=450,
        in_state_minutes=420,
        source="clock",
    )
    return {"blue": blue, "red": red, "ana": ana, "rui": rui}


def test_the_week_per_agent_and_day_with_adherence_and_conformance(scheduler, team_week):
    response = token_client(scheduler).get(WORKED, {"week": "2026-11-25"})
    assert response.status_code == 200
    rows = {row["agent"]["full_name"]: row for row in response.json()["results"]}
    ana, rui = rows["Ana Costa"], rows["Rui Lopes"]
    monday = ana["days"][0]
    assert (monday["day"], monday["scheduled_minutes"], monday["worked_minutes"]) == (
        "2026-11-23",
        480,
        450,
    )
    assert (monday["adherence"], monday["conformance"]) == (0.875, 0.9375)
    assert (ana["adherence"], ana["week_starts_on"], len(ana["days"])) == (0.875, "2026-11-23", 7)
    assert (rui["days_missing"], rui["days"][0]["worked_minutes"]) == (1, None)
    assert token_client(scheduler).get(WORKED, {"week": "soon"}).status_code == 400


def test_a_team_lead_reads_only_their_team_and_client_users_are_refused(
    client_a, client_a_admin, team_week
):
    lead = make_user(Role.AGENT, client_a, email="lead-api@provider.test")
    team_week["blue"].lead_user = lead
    team_week["blue"].save()
    follower = make_user(Role.AGENT, client_a, email="nobody-led@provider.test")
    names = [
        r["agent"]["full_name"]
        for r in token_client(lead).get(WORKED, {"week": "2026-11-23"}).json()["results"]
    ]
    assert names == ["Ana Costa"]
    assert token_client(follower).get(WORKED, {"week": "2026-11-23"}).json()["results"] == []
    # an agent may read (their team's) but not write
    body = {"agents": [team_week["ana"].pk], "first_day": "2026-11-23", "last_day": "2026-11-29"}
    assert token_client(lead).post(f"{WORKED}confirm/", body, format="json").status_code == 403
    # a client user: the roster's API does not exist for them
    assert token_client(client_a_admin).get(WORKED).status_code == 404


def test_confirm_writes_the_booked_days_and_refuses_unknown_agents_and_locks(
    scheduler, finance, team_week
):
    api = token_client(scheduler)
    body = {"agents": [team_week["rui"].pk], "first_day": "2026-11-23", "last_day": "2026-11-29"}
    unknown = api.post(f"{WORKED}confirm/", {**body, "agents": [987654]}, format="json")
    assert unknown.status_code == 400
    assert unknown.json()["error"]["fields"]["agents"] == ["No such agent: 987654."]
    # a lock of the week refuses it whole, naming the lock
    lock = token_client(finance).post(
        LOCKS, {"starts_on": "2026-11-01", "ends_on": "2026-11-30", "note": "Invoiced"}
    )
    assert lock.status_code == 201
    locked = api.post(f"{WORKED}confirm/", body, format="json")
    assert locked.status_code == 409
    assert locked.json()["error"]["code"] == "period_locked"
    assert "can no longer change" in locked.json()["error"]["message"]
    assert not WorkedDay.objects.filter(agent=team_week["rui"]).exists()
    PeriodLock.objects.all().delete()
    done = api.post(f"{WORKED}confirm/", body, format="json")
    assert (done.status_code, done.json()) == (200, {"days_written": 1})
    row = WorkedDay.objects.get(agent=team_week["rui"])
    assert (row.day, row.worked_minutes, row.source) == (MONDAY, 480, "confirmed")


def test_the_time_clock_file_is_all_or_nothing_with_each_row_named(scheduler, team_week):
    api = token_client(scheduler)
    url = f"{WORKED}imports/"
    bad = (
        "employee_number,date,clock_in,clock_out\n"
        "E-2,2026-11-23,08:15,16:00\n"
        "E-9,2026-11-23,08:15,16:00\n"
    )
    # when
    refused = api.post(url, {"content": bad}, format="json")
    # then: the unknown agent's row is named, and Rui's good row was not stored either
    assert refused.status_code == 400
    fields = refused.json()["error"]["fields"]
    assert list(fields) == ["rows.3.employee_number"], fields
    assert not WorkedDay.objects.filter(agent=team_week["rui"]).exists()
    good = "employee_number,date,clock_in,clock_out\nE-2,2026-11-23,08:15,16:00\n"
    preview = api.post(url, {"content": good, "preview": True}, format="json").json()
    assert (preview["stored"], preview["new"]) == (False, 1)
    assert not WorkedDay.objects.filter(agent=team_week["rui"]).exists()
    stored = api.post(url, {"content": good}, format="json")
    assert stored.status_code == 200
    assert stored.json()["days"][0]["worked_minutes"] == 465
    row = WorkedDay.objects.get(agent=team_week["rui"], day=MONDAY)
    assert (row.worked_minutes, row.in_state_minutes, row.source) == (465, 465, "clock")
    assert RosterEvent.objects.filter(action="worked_imported").count() == 1


def test_a_locked_day_is_a_row_problem_in_a_file_and_a_409_for_a_correction(
    scheduler, finance, team_week
):
    token_client(finance).post(LOCKS, {"starts_on": "2026-11-23", "ends_on": "2026-11-23"})
    api = token_client(scheduler)
    content = "employee_number,date,clock_in,clock_out\nE-1,2026-11-23,08:00,15:00\n"
    refused = api.post(f"{WORKED}imports/", {"content": content}, format="json")
    assert refused.status_code == 400
    assert "can no longer change" in refused.json()["error"]["fields"]["rows.2.date"][0]
    corrected = api.post(
        f"{WORKED}days/",
        {
            "agent": team_week["ana"].pk,
            "day": "2026-11-23",
            "worked_minutes": 400,
            "reason": "Forgot to punch",
        },
        format="json",
    )
    assert corrected.status_code == 409
    assert WorkedDay.objects.get(agent=team_week["ana"]).worked_minutes == 450


def test_correct_a_day_by_hand(scheduler, team_week):
    api = token_client(scheduler)
    body = {"agent": team_week["ana"].pk, "day": "2026-11-23", "worked_minutes": 400}
    missing_reason = api.post(f"{WORKED}days/", {**body, "reason": " "}, format="json")
    assert missing_reason.status_code == 400
    done = api.post(f"{WORKED}days/", {**body, "reason": "Left early"}, format="json")
    assert done.status_code == 200
    assert (done.json()["worked_minutes"], done.json()["source"]) == (400, "manual")
    assert WorkedDay.objects.get(agent=team_week["ana"]).worked_minutes == 400


def test_locks_finance_locks_overlaps_refused_only_admins_reopen(
    scheduler, finance, provider_admin
):
    money = token_client(finance)
    created = money.post(LOCKS, {"starts_on": "2026-11-01", "ends_on": "2026-11-30"})
    assert created.status_code == 201
    lock_id = created.json()["id"]
    overlap = money.post(LOCKS, {"starts_on": "2026-11-30", "ends_on": "2026-12-05"})
    assert overlap.status_code == 409
    assert "It overlaps a lock" in overlap.json()["error"]["message"]
    # schedulers read the locks but do not lock
    assert [row["id"] for row in token_client(scheduler).get(LOCKS).json()["results"]] == [lock_id]
    assert token_client(scheduler).post(LOCKS, {"starts_on": "2027-01-01"}).status_code == 403
    # finance may not reopen; a provider admin does, with a reason
    assert money.post(f"{LOCKS}{lock_id}/unlock/", {"reason": "x"}).status_code == 403
    admin = token_client(provider_admin)
    assert admin.post(f"{LOCKS}{lock_id}/unlock/", {}).status_code == 400
    assert admin.post(f"{LOCKS}{lock_id}/unlock/", {"reason": "Wrong month"}).status_code == 204
    assert not PeriodLock.objects.exists()
    assert admin.post(f"{LOCKS}{lock_id}/unlock/", {"reason": "again"}).status_code == 404


def test_the_week_costs_the_same_queries_for_2_or_20_agents(scheduler, client_a, team_week):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    api = token_client(scheduler)
    counts = []
    for added in (0, 18):
        for index in range(added):
            agent = AgentFactory(time_zone="UTC")
            book(agent, client_a, MONDAY, 9, 17, 100 + index)
        with CaptureQueriesContext(connection) as queries:
            response = api.get(WORKED, {"week": "2026-11-23", "page_size": 50})
        assert response.status_code == 200
        counts.append(len(queries))
    assert response.json()["count"] == 20
    assert counts[0] == counts[1], counts
