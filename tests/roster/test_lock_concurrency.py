"""A period lock and a worked-time write at the same moment, on two real connections: the
write's SHARE lock on the lock table and the lock's insert wait for each other, so no write
lands between the check and a new lock.

These commit (two connections cannot see each other's rolled-back data), so they are ``live``
tests: they run last, serially, and pytest-django empties the tables afterwards."""

from __future__ import annotations

import threading
import time
from datetime import date

import psycopg
import pytest
from django.db import connection, connections

from scheduling.roster import worked
from scheduling.roster.models import PeriodLock, WorkedDay
from tests.roster.factories import AgentFactory

pytestmark = [pytest.mark.live, pytest.mark.django_db(transaction=True)]
FILE = b"employee_number,date,clock_in,clock_out\nE-LOCK,2026-11-23,08:00,16:00\n"


def other_connection() -> psycopg.Connection:
    settings = connection.settings_dict
    return psycopg.connect(
        host=settings["HOST"],
        port=settings["PORT"] or 5432,
        user=settings["USER"],
        dbname=settings["NAME"],
        password=settings["PASSWORD"] or None,
    )


def in_thread(work, outcome: dict) -> threading.Thread:
    def run() -> None:
        try:
            outcome["result"] = work()
        except Exception as error:  # the test reads what happened
            outcome["error"] = error
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def test_a_lock_being_written_holds_the_import_back_and_then_refuses_it():
    AgentFactory(employee_number="E-LOCK")
    other = other_connection()
    other.execute(
        "INSERT INTO public.roster_periodlock (starts_on, ends_on, note, locked_at)"
        " VALUES ('2026-11-01', '2026-11-30', 'November invoiced', now())"
    )
    outcome: dict = {}
    thread = in_thread(lambda: worked.import_timeclock(content=FILE, actor=None), outcome)
    time.sleep(1.5)
    assert thread.is_alive(), outcome  # waiting for the lock's transaction
    other.commit()
    other.close()
    thread.join(timeout=20)

    assert isinstance(outcome.get("error"), worked.WorkedImportError), outcome
    assert "can no longer change" in str(outcome["error"].problems[0])
    assert "(November invoiced)" in str(outcome["error"].problems[0])
    assert not WorkedDay.objects.exists()


def test_an_import_in_flight_holds_a_new_lock_back():
    agent = AgentFactory(employee_number="E-LOCK")
    other = other_connection()
    # another writer (as the services do) holds SHARE and writes a day, not yet committed
    other.execute("LOCK TABLE public.roster_periodlock IN SHARE MODE")
    other.execute(
        "INSERT INTO public.roster_workedday (agent_id, day, scheduled_minutes, worked_minutes,"
        " in_state_minutes, source, updated_at) VALUES (%s, '2026-11-23', 0, 480, 0, 'clock',"
        " now())",
        (agent.pk,),
    )
    outcome: dict = {}
    thread = in_thread(
        lambda: worked.lock_period(
            starts_on=date(2026, 11, 1), ends_on=date(2026, 11, 30), actor=None
        ),
        outcome,
    )
    time.sleep(1.5)
    assert thread.is_alive(), outcome  # the lock waits for the write
    other.commit()
    other.close()
    thread.join(timeout=20)

    assert isinstance(outcome.get("result"), PeriodLock), outcome
    assert WorkedDay.objects.get().worked_minutes == 480  # written before the lock
    # and from now on the database refuses that day for anyone
    with pytest.raises(Exception, match="roster_period_locked"):
        WorkedDay.objects.update(worked_minutes=1)
