"""Worked time: the time-clock import (all or nothing), scheduled minutes from bookings of
several clients, confirming and correcting, adherence and conformance, period locks (service
and database), and who reads whose figures."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import IntegrityError, transaction
from django.db.backends.postgresql.psycopg_any import DateTimeTZRange
from django.utils import timezone

from bpo.accounts.roles import Role
from bpo.errors import DomainError, PermissionDeniedError
from scheduling.roster import demo, worked
from scheduling.roster.models import (
    Booking,
    PeriodLock,
    ProductiveTime,
    RosterEvent,
    WorkedDay,
    WorkedSource,
)
from tests.conftest import make_user
from tests.roster.factories import AgentFactory, TeamFactory

pytestmark = pytest.mark.django_db
HEADER = "employee_number,date,clock_in,clock_out\n"
MONDAY = date(2026, 11, 23)
_shift_ids = iter(range(1, 10_000))


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC)


def book(agent, client, start, end):
    return Booking.objects.create(
        agent=agent,
        client=client,
        during=DateTimeTZRange(start, end),
        plan_id=1,
        shift_id=next(_shift_ids),
    )


@pytest.fixture
def scheduler(client_a):
    return make_user(Role.SCHEDULER, client_a, email="wfm@provider.test")


@pytest.fixture
def finance(client_a):
    return make_user(Role.FINANCE, client_a, email="fin@provider.test", full_name="Fiona Finance")


def test_scheduled_minutes_add_up_the_bookings_of_every_client(client_a, client_b):
    # given a Lisbon agent (UTC in winter) booked for A in the morning and B in the afternoon
    agent = AgentFactory(employee_number="E-1")
    book(agent, client_a, at(MONDAY, 8), at(MONDAY, 12))
    book(agent, client_b, at(MONDAY, 13), at(MONDAY, 17, 30))
    book(agent, client_b, at(MONDAY, 23), at(MONDAY + timedelta(days=1), 3))  # night shift
    book(agent, client_a, at(MONDAY + timedelta(days=1), 9), at(MONDAY + timedelta(days=1), 10))
    # then: a shift counts on the local day it starts
    assert worked.scheduled_minutes_of(agent=agent, day=MONDAY) == 240 + 270 + 240
    assert worked.scheduled_minutes_of(agent=agent, day=MONDAY + timedelta(days=1)) == 60


def test_scheduled_minutes_on_the_days_the_clocks_change(client_a):
    # a whole-day booking on 29 Mar 2026 (23 hours in Lisbon) and on 25 Oct 2026 (25 hours)
    agent = AgentFactory(time_zone="Europe/Lisbon")
    short_start, short_end = at(date(2026, 3, 29), 0), at(date(2026, 3, 29), 23)
    long_start = at(date(2026, 10, 24), 23)  # 00:00 local (UTC+1)
    long_end = at(date(2026, 10, 26), 0)  # 00:00 local (UTC)
    book(agent, client_a, short_start, short_end)
    book(agent, client_a, long_start, long_end)
    assert worked.scheduled_minutes_of(agent=agent, day=date(2026, 3, 29)) == 23 * 60
    assert worked.scheduled_minutes_of(agent=agent, day=date(2026, 10, 25)) == 25 * 60
    assert worked.scheduled_minutes_of(agent=agent, day=date(2026, 10, 24)) == 0


def test_an_import_stores_days_with_adherence_from_the_bookings(client_a, client_b, scheduler):
    # given E-1 booked 08:00-16:00 (A) and E-2 in New York booked 09:00-17:00 local (B)
    ana = AgentFactory(employee_number="E-1")
    bob = AgentFactory(employee_number="E-2", time_zone="America/New_York")
    book(ana, client_a, at(MONDAY, 8), at(MONDAY, 16))
    book(bob, client_b, at(MONDAY, 14), at(MONDAY, 22))
    content = (
        HEADER
        + "E-1,2026-11-23,08:30,12:00\nE-1,2026-11-23,12:30,16:30\nE-2,2026-11-23,09:00,15:00\n"
    ).encode()
    # when
    preview = worked.plan_timeclock_import(content=content)
    assert preview.problems == [] and preview.counts == {"new": 2, "changed": 0, "unchanged": 0}
    assert WorkedDay.objects.count() == 0  # the preview stores nothing
    worked.import_timeclock(content=content, actor=scheduler)
    # then
    ana_day = WorkedDay.objects.get(agent=ana, day=MONDAY)
    assert (ana_day.scheduled_minutes, ana_day.worked_minutes, ana_day.in_state_minutes) == (
        480,
        450,
        420,
    )
    assert ana_day.source == WorkedSource.CLOCK
    assert round(ana_day.adherence * 100, 1) == 87.5
    assert round(ana_day.conformance * 100, 1) == 93.8
    bob_day = WorkedDay.objects.get(agent=bob)
    assert (bob_day.scheduled_minutes, bob_day.worked_minutes, bob_day.adherence) == (
        480,
        360,
        0.75,
    )
    assert RosterEvent.objects.filter(action="worked_imported").count() == 1
    # and the same file again changes nothing
    assert worked.plan_timeclock_import(content=content).counts["unchanged"] == 2


def test_an_import_with_one_bad_row_stores_nothing(scheduler):
    AgentFactory(employee_number="E-1")
    content = (HEADER + "E-1,2026-11-23,08:00,16:00\nE-1,2026-11-24,8,16:00\n").encode()
    with pytest.raises(worked.WorkedImportError) as raised:
        worked.import_timeclock(content=content, actor=scheduler)
    assert [str(p) for p in raised.value.problems] == [
        "row 3, clock_in: “8” is not a time of day: write it as HH:MM (24-hour clock)."
    ]
    assert "Nothing was imported: 1 problem" in raised.value.message
    assert WorkedDay.objects.count() == 0 and RosterEvent.objects.count() == 0


def test_an_explicit_adherence_export_is_kept_within_the_schedule(client_a, scheduler):
    agent = AgentFactory(employee_number="E-1")
    book(agent, client_a, at(MONDAY, 8), at(MONDAY, 12))
    header = "employee_number,date,clock_in,clock_out,in_state_minutes\n"
    too_much = (header + "E-1,2026-11-23,07:00,13:00,300\n").encode()
    assert [str(p) for p in worked.plan_timeclock_import(content=too_much).problems] == [
        "row 2, in_state_minutes: 300 minutes in the scheduled state on 23 Nov 2026, but E-1 "
        "was scheduled for 240."
    ]
    fine = (header + "E-1,2026-11-23,07:00,13:00,200\n").encode()
    worked.import_timeclock(content=fine, actor=scheduler)
    assert WorkedDay.objects.get().in_state_minutes == 200


def test_confirming_scheduled_time_fills_days_without_clock_data(client_a, client_b, scheduler):
    # given bookings on Monday (two clients) and Tuesday; Tuesday has clock data already
    agent = AgentFactory()
    book(agent, client_a, at(MONDAY, 8), at(MONDAY, 12))
    book(agent, client_b, at(MONDAY, 13), at(MONDAY, 17))
    tuesday = MONDAY + timedelta(days=1)
    book(agent, client_a, at(tuesday, 8), at(tuesday, 16))
    WorkedDay.objects.create(
        agent=agent, day=tuesday, scheduled_minutes=480, worked_minutes=300, source="clock"
    )
    # when
    written = worked.confirm_scheduled_time(
        agents=[agent], first_day=MONDAY, last_day=MONDAY + timedelta(days=6), actor=scheduler
    )
    # then only Monday is written; Tuesday keeps its clock figures
    assert written == 1
    monday = WorkedDay.objects.get(agent=agent, day=MONDAY)
    assert (monday.worked_minutes, monday.source, monday.conformance) == (480, "confirmed", 1.0)
    assert WorkedDay.objects.get(day=tuesday).worked_minutes == 300
    assert RosterEvent.objects.filter(action="worked_confirmed", agent=agent).count() == 1
    # and confirming again writes nothing
    assert (
        worked.confirm_scheduled_time(
            agents=[agent], first_day=MONDAY, last_day=MONDAY, actor=scheduler
        )
        == 0
    )


def test_a_day_is_corrected_by_hand_with_a_reason(client_a, scheduler):
    agent = AgentFactory()
    book(agent, client_a, at(MONDAY, 8), at(MONDAY, 16))
    with pytest.raises(DomainError, match="Say why"):
        worked.correct_worked_day(
            agent=agent, day=MONDAY, worked_minutes=400, reason=" ", actor=scheduler
        )
    row = worked.correct_worked_day(
        agent=agent, day=MONDAY, worked_minutes=400, reason="Forgot to clock in", actor=scheduler
    )
    assert (row.scheduled_minutes, row.worked_minutes, row.in_state_minutes, row.source) == (
        480,
        400,
        400,
        "manual",
    )
    event = RosterEvent.objects.get(action="worked_edited")
    assert "6:40: Forgot to clock in" in event.summary
    assert event.details["before"] is None and event.details["after"]["worked"] == 400


def _lock_november(finance) -> PeriodLock:
    return worked.lock_period(
        starts_on=date(2026, 11, 1), ends_on=date(2026, 11, 30), note="Invoiced", actor=finance
    )


def test_a_locked_period_refuses_import_confirm_and_edit(client_a, scheduler, finance):
    # given November locked and a booked Monday in it
    agent = AgentFactory(employee_number="E-1")
    book(agent, client_a, at(MONDAY, 8), at(MONDAY, 16))
    _lock_november(finance)
    named = "1 November 2026 to 30 November 2026 was locked by Fiona Finance"
    # then the import is refused with the lock in words
    content = (
        HEADER + "E-1,2026-11-23,08:00,16:00\nE-1,2026-12-01,08:00,16:00\nE-1,2026-12-02,8,9:00\n"
    ).encode()
    with pytest.raises(worked.WorkedImportError) as raised:
        worked.import_timeclock(content=content, actor=scheduler)
    # the unreadable row and the locked day, named in one go
    problem, unreadable = raised.value.problems
    assert (unreadable.row, unreadable.column) == (4, "clock_in")
    assert (problem.row, problem.column) == (2, "date")
    assert problem.message.startswith(
        "Worked time of Monday 23 November 2026 can no longer change:"
    )
    assert named in problem.message and "(Invoiced)" in problem.message
    # confirming is refused
    with pytest.raises(worked.PeriodLockedError, match=named):
        worked.confirm_scheduled_time(
            agents=[agent], first_day=MONDAY, last_day=MONDAY, actor=scheduler
        )
    # and so is a correction by hand
    with pytest.raises(worked.PeriodLockedError, match=named):
        worked.correct_worked_day(
            agent=agent, day=MONDAY, worked_minutes=60, reason="Late", actor=scheduler
        )
    assert WorkedDay.objects.count() == 0


def test_the_database_refuses_worked_time_of_a_locked_day_whoever_writes(client_a, finance):
    agent = AgentFactory()
    before = WorkedDay.objects.create(
        agent=agent, day=date(2026, 11, 2), worked_minutes=60, source="clock"
    )
    ProductiveTime.objects.create(
        agent=agent, day=date(2026, 11, 2), client=client_a, service_line_id=1, minutes=30
    )
    _lock_november(finance)
    with pytest.raises(IntegrityError, match="roster_period_locked"), transaction.atomic():
        WorkedDay.objects.create(agent=agent, day=date(2026, 11, 3), source="clock")
    with pytest.raises(IntegrityError, match="roster_period_locked"), transaction.atomic():
        WorkedDay.objects.filter(pk=before.pk).update(worked_minutes=1)
    with pytest.raises(IntegrityError, match="roster_period_locked"), transaction.atomic():
        WorkedDay.objects.filter(pk=before.pk).delete()
    with pytest.raises(IntegrityError, match="roster_period_locked"), transaction.atomic():
        ProductiveTime.objects.update(minutes=1)
    # a day outside the lock is written
    WorkedDay.objects.create(agent=agent, day=date(2026, 12, 1), source="clock")


def test_locks_do_not_overlap_and_only_a_provider_admin_unlocks(finance, provider_admin):
    lock = _lock_november(finance)
    with pytest.raises(
        DomainError, match="It overlaps a lock: 1 November 2026 to 30 November 2026"
    ):
        worked.lock_period(starts_on=date(2026, 11, 30), ends_on=date(2026, 12, 31), actor=finance)
    with pytest.raises(PermissionDeniedError):
        worked.unlock_period(lock=lock, reason="Mistake", actor=finance)
    with pytest.raises(DomainError, match="Say why"):
        worked.unlock_period(lock=lock, reason="", actor=provider_admin)
    worked.unlock_period(lock=lock, reason="Credit note for ShopRight", actor=provider_admin)
    assert not PeriodLock.objects.exists()
    assert RosterEvent.objects.filter(action="period_unlocked").get().details["reason"] == (
        "Credit note for ShopRight"
    )


def test_the_week_shows_adherence_and_conformance_per_agent(client_a, scheduler):
    agent = AgentFactory(full_name="Ana Costa")
    WorkedDay.objects.create(
        agent=agent,
        day=MONDAY,
        scheduled_minutes=480,
        worked_minutes=450,
        in_state_minutes=420,
        source="clock",
    )
    WorkedDay.objects.create(
        agent=agent,
        day=MONDAY + timedelta(days=1),
        scheduled_minutes=480,
        worked_minutes=480,
        in_state_minutes=480,
        source="confirmed",
    )
    book(agent, client_a, at(MONDAY + timedelta(days=2), 8), at(MONDAY + timedelta(days=2), 16))
    week = worked.worked_week(user=scheduler, monday=MONDAY)
    (row,) = week.agents
    assert round(row.adherence * 100, 1) == 93.8  # 900 / 960
    assert round(row.conformance * 100, 1) == 96.9  # 930 / 960
    assert row.days_missing == 1  # Wednesday is booked with nothing stored


def test_a_team_lead_reads_only_the_team_they_lead(client_a, scheduler):
    # given two teams; the lead of Blue is an agent with a login
    blue, red = TeamFactory(name="Blue"), TeamFactory(name="Red")
    lead_user = make_user(Role.AGENT, client_a, email="lead@provider.test")
    lead = AgentFactory(team=blue, user=lead_user)
    blue.lead_agent = lead
    blue.save()
    mate = AgentFactory(team=blue)
    other = AgentFactory(team=red)
    plain_agent = make_user(Role.AGENT, client_a, email="plain@provider.test")
    AgentFactory(team=red, user=plain_agent)
    supervisor = make_user(Role.AGENT, client_a, email="sup@provider.test")
    red.lead_user = supervisor
    red.save()
    # then the selector answers the lead's team only, whatever the filter asks
    assert set(worked.worked_agents(user=lead_user)) == {lead, mate}
    week = worked.worked_week(user=lead_user, monday=MONDAY, team_id=red.pk)
    assert week.agents == []
    assert {w.agent for w in worked.worked_week(user=supervisor, monday=MONDAY).agents} == set(
        red.agents.all()
    )
    assert list(worked.worked_agents(user=plain_agent)) == []
    with pytest.raises(worked.NotFoundError):
        worked.access_worked_agent(user=lead_user, agent_id=other.pk)
    assert worked.worked_agents(user=scheduler).count() == 4


def test_productive_time_is_imported_per_line(client_a, scheduler):
    from django_tenants.utils import tenant_context

    from bpo.catalog.models import ServiceLine

    with tenant_context(client_a):
        line = ServiceLine.objects.create(name="Orders", channel="voice", direction="inbound")
    agent = AgentFactory(employee_number="E-1")
    content = (
        "employee_number,date,client,line,minutes\n"
        f"E-1,2026-11-23,{client_a.slug},orders,200\n"
        f"E-1,2026-11-24,{client_a.slug},{line.pk},100\n"
        f"E-1,2026-11-24,{client_a.slug},Refunds,100\n"
    ).encode()
    plan = worked.plan_productive_import(content=content)
    assert [str(p) for p in plan.problems] == [
        f"row 4, line: {client_a.name} has no service line Refunds."
    ]
    worked.import_productive_time(content=content.rsplit(b"\n", 2)[0] + b"\n", actor=scheduler)
    assert sorted(ProductiveTime.objects.filter(agent=agent).values_list("minutes", flat=True)) == [
        100,
        200,
    ]


def test_the_demo_makes_last_weeks_worked_time_from_the_bookings(client_a, client_b):
    # given bookings of two agents on last week's weekdays
    today = timezone.localdate()
    monday = today - timedelta(days=today.weekday() + 7)
    agents = [AgentFactory(), AgentFactory()]
    for offset in range(5):
        day = monday + timedelta(days=offset)
        for agent, client in zip(agents, (client_a, client_b), strict=True):
            book(agent, client, at(day, 8), at(day, 16))
    # when
    written = demo.seed_worked_time(today=today)
    # then every booked day has figures, some late or short, and a second run adds nothing
    assert written == 10
    rows = list(WorkedDay.objects.all())
    assert all(row.scheduled_minutes == 480 for row in rows)
    # The days drawn late or short (the demo's own seeded draw per agent and day; whether
    # any of these ten is drawn depends on the date) are the ones worked less than booked.
    import random

    def drawn_off(row) -> bool:
        draw = random.Random(row.agent_id * 10_000 + row.day.toordinal()).randrange(20)
        return draw in demo.LATE_DAYS | demo.SHORT_DAYS

    assert {(r.agent_id, r.day) for r in rows if r.worked_minutes < 480} == {
        (r.agent_id, r.day) for r in rows if drawn_off(r)
    }
    assert all(row.in_state_minutes <= row.scheduled_minutes for row in rows)
    assert demo.seed_worked_time(today=today) == 0
