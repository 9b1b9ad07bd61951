"""Planning runs across clients: the database read as the optimiser's problem (contract hours
over every client, other clients' bookings, DST weeks in two zones), the run service's
refusals, a run end to end through the worker, and a failed run leaving no draft."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.db.backends.postgresql.psycopg_any import DateTimeTZRange
from django_tenants.utils import tenant_context

from bpo.accounts.roles import Role
from bpo.errors import DomainError
from bpo.jobs.models import Job
from scheduling.planning.models import Plan, PlanShift, PlanStatus
from scheduling.planning.planning_week import WeekClock
from scheduling.planning.problem import build_planning_input
from scheduling.planning.services.planning_runs import plan_week_now, start_planning_run
from scheduling.planning.workers import planning_runs as workers
from scheduling.roster.models import Booking, PlanningRun
from tests.conftest import make_user
from tests.scheduling.run_helpers import (
    MONDAY,
    day_template,
    line_in,
    make_two_clients,
    planning_agent,
    requirement_in,
)

pytestmark = pytest.mark.django_db

LIMIT = 5


def shifts_of(client, **filters) -> list[PlanShift]:
    with tenant_context(client):
        return list(
            PlanShift.objects.filter(plan__status=PlanStatus.DRAFT, **filters).order_by("starts_at")
        )


def hours(shifts) -> float:
    return sum((s.ends_at - s.starts_at).total_seconds() / 3600 for s in shifts)


@pytest.fixture
def scheduler(client_a, client_b):
    user = make_user(Role.SCHEDULER, client_a, email="planner@provider.test")
    from tests.factories import MembershipFactory

    MembershipFactory(user=user, role=Role.SCHEDULER, client=client_b)
    return user


@pytest.fixture
def two_clients(client_a, client_b):
    return make_two_clients(client_a, client_b)


def test_contract_hours_hold_over_both_clients(scheduler, client_a, client_b, two_clients):
    # given one agent allowed on both clients, at most 40 hours a week
    template = day_template()
    ana = planning_agent([client_a, client_b], templates=[template], max_hours=40)

    # when
    run = plan_week_now(
        user=scheduler,
        week_starts_on=MONDAY,
        clients=[client_a, client_b],
        time_limit_seconds=LIMIT,
    )

    # then: both drafts together hold at most 40 hours of hers, and some work for each
    assert run.status == "ready", run.error
    together = shifts_of(client_a, agent_id=ana.pk) + shifts_of(client_b, agent_id=ana.pk)
    assert 0 < hours(together) <= 40
    assert len({s.starts_at.date() for s in together}) <= 5
    assert set(run.figures["clients"]) == {str(client_a.pk), str(client_b.pk)}
    assert run.figures["total"]["gap_pct"] <= 1.0


def test_engine_problem_has_one_agent_over_both_clients(client_a, client_b, two_clients):
    # given
    ana = planning_agent([client_a, client_b], templates=[day_template()], max_hours=40)

    # when
    data = build_planning_input(
        week_starts_on=MONDAY, clients=[client_a, client_b], time_zone="America/New_York"
    )

    # then: one engine agent covering both clients' queues, with one weekly contract
    assert data.agent_ids == [ana.pk]
    (agent,) = data.problem.agents
    assert agent.skills == {q.key for q in data.queues}
    assert data.problem.contracts[agent.contract].max_hours == 40


def test_a_line_the_agent_is_not_skilled_for_is_not_a_queue_of_hers(client_a, two_clients):
    # given a second line of A needing Spanish
    spanish = line_in(client_a, "Spanish", required_skills=["spanish"], languages=["es"])
    requirement_in(client_a, spanish, monday=MONDAY, time_zone="America/New_York")
    planning_agent([client_a], templates=[day_template()])

    data = build_planning_input(week_starts_on=MONDAY, clients=[client_a], time_zone="UTC")

    (agent,) = data.problem.agents
    assert agent.skills == {f"{client_a.pk}:{two_clients[client_a.pk].pk}"}


def test_other_clients_bookings_block_the_agent_and_count_against_the_contract(
    scheduler, client_a, client_b, two_clients
):
    # given Ana already published for client B on Tuesday 08:00-16:00 New York time
    zone = ZoneInfo("America/New_York")
    ana = planning_agent([client_a, client_b], templates=[day_template()], max_hours=40)
    tuesday = datetime(2026, 12, 8, 8, tzinfo=zone)
    Booking.objects.create(
        agent=ana,
        client=client_b,
        during=DateTimeTZRange(tuesday, tuesday + timedelta(hours=8)),
        plan_id=1,
        shift_id=1,
    )

    # when only client A is planned
    run = plan_week_now(
        user=scheduler, week_starts_on=MONDAY, clients=[client_a], time_limit_seconds=LIMIT
    )

    # then: nothing within the booking and its 11 hours of rest, and 32 hours at most
    assert run.status == "ready", run.error
    shifts = shifts_of(client_a, agent_id=ana.pk)
    assert shifts
    blocked_from = tuesday - timedelta(hours=11)
    blocked_to = tuesday + timedelta(hours=8 + 11)
    assert all(s.ends_at <= blocked_from or s.starts_at >= blocked_to for s in shifts)
    assert hours(shifts) <= 32
    assert len(shifts) <= 4


@pytest.mark.parametrize(
    ("time_zone", "monday", "sunday_hours"),
    [
        ("Europe/Lisbon", date(2026, 3, 23), 23),  # 29 March: clocks go forward
        ("Europe/Lisbon", date(2026, 10, 19), 25),  # 25 October: clocks go back
        ("America/New_York", date(2026, 3, 2), 23),  # 8 March
        ("America/New_York", date(2026, 10, 26), 25),  # 1 November
    ],
)
def test_dst_weeks_in_two_zones(scheduler, client_a, client_b, time_zone, monday, sunday_hours):
    # given client A in Lisbon and client B in New York, each with its own local requirement
    # (one agent 08:00-20:00 local), an overnight template spanning the change of the clocks
    client_a.time_zone = "Europe/Lisbon"
    client_a.save(update_fields=["time_zone"])
    for client, name in ((client_a, "Orders"), (client_b, "Returns")):
        line = line_in(client, name)
        requirement_in(client, line, monday=monday, time_zone=client.time_zone)
        # the neighbouring weeks too, since the other zone's week starts hours apart
        for week in (-7, 7):
            requirement_in(
                client, line, monday=monday + timedelta(days=week), time_zone=client.time_zone
            )
    templates = [day_template(starts=(8, 10, 12, 14)), day_template("Night", starts=(22,))]
    agents = [planning_agent([client_a, client_b], templates=templates) for _ in range(4)]
    clock = WeekClock(monday, time_zone)

    # when the week is planned on time_zone's clock
    data = build_planning_input(
        week_starts_on=monday, clients=[client_a, client_b], time_zone=time_zone
    )
    run = plan_week_now(
        user=scheduler,
        week_starts_on=monday,
        clients=[client_a, client_b],
        time_limit_seconds=LIMIT,
        time_zone=time_zone,
    )

    # then: the Sunday has 23 or 25 hours, each client's requirement sits at its own UTC
    # instants, and every shift's times are the wall times of the run's zone
    sunday = clock.to_utc(6 * 24 * 60), clock.to_utc(7 * 24 * 60)
    assert (sunday[1] - sunday[0]) == timedelta(hours=sunday_hours)
    for q, queue in enumerate(data.queues):
        zone = ZoneInfo(
            client_a.time_zone if queue.client_id == client_a.pk else "America/New_York"
        )
        for t in range(336):
            start = clock.to_utc(t * 30)
            needed = data.problem.requirement[q, t]
            if clock.to_utc(t * 30 + 30) == start:
                assert needed == 0  # the skipped spring hour
            else:
                assert needed == (8 <= start.astimezone(zone).hour < 20), (queue, t, start)
    assert run.status == "ready", run.error
    shifts = shifts_of(client_a) + shifts_of(client_b)
    assert shifts
    zone = ZoneInfo(time_zone)
    for shift in shifts:
        local_start = shift.starts_at.astimezone(zone)
        assert shift.template_name in {"Day", "Night"}
        wall = shift.ends_at.astimezone(zone).replace(tzinfo=None) - local_start.replace(
            tzinfo=None
        )
        assert wall <= timedelta(hours=8)  # a part for one client may be shorter
        assert shift.ends_at > shift.starts_at
    assert {s.agent_id for s in shifts} <= {a.pk for a in agents}


def test_validation_errors_name_what_is_wrong(scheduler, client_a, client_b, two_clients):
    planning_agent([client_a], templates=[day_template()])
    with pytest.raises(DomainError, match="Monday"):
        start_planning_run(
            user=scheduler,
            week_starts_on=MONDAY + timedelta(days=1),
            clients=[client_a],
            time_limit_seconds=30,
        )
    with pytest.raises(DomainError, match="at least one client"):
        start_planning_run(user=scheduler, week_starts_on=MONDAY, clients=[], time_limit_seconds=30)
    with pytest.raises(DomainError, match="5 to 3600"):
        start_planning_run(
            user=scheduler, week_starts_on=MONDAY, clients=[client_a], time_limit_seconds=1
        )
    # a second active line of A with no requirement is named, with its client
    line_in(client_a, "Chat support")
    with pytest.raises(DomainError, match=f"{client_a.name}: Chat support has no staffing"):
        start_planning_run(
            user=scheduler, week_starts_on=MONDAY, clients=[client_a], time_limit_seconds=30
        )
    # a week without any requirement
    with pytest.raises(DomainError, match="Returns has no staffing requirement"):
        start_planning_run(
            user=scheduler,
            week_starts_on=MONDAY + timedelta(days=14),
            clients=[client_b],
            time_limit_seconds=30,
        )
    assert not PlanningRun.objects.exists()


def test_a_scheduler_may_plan_only_their_clients(client_a, client_b, two_clients):
    only_a = make_user(Role.SCHEDULER, client_a, email="only-a@provider.test")
    with pytest.raises(DomainError, match=f"You may not plan {client_b.name}"):
        start_planning_run(
            user=only_a, week_starts_on=MONDAY, clients=[client_a, client_b], time_limit_seconds=30
        )
    viewer = make_user(Role.ACCOUNT_MANAGER, client_a, email="am-plan@provider.test")
    with pytest.raises(DomainError, match="does not start planning runs"):
        start_planning_run(
            user=viewer, week_starts_on=MONDAY, clients=[client_a], time_limit_seconds=30
        )


def test_a_run_end_to_end_through_the_task(
    scheduler, client_a, client_b, two_clients, django_capture_on_commit_callbacks, settings
):
    # given
    template = day_template()
    for _ in range(3):
        planning_agent([client_a, client_b], templates=[template])
    settings.CELERY_TASK_ALWAYS_EAGER = False

    # when the run is started as the page starts it, and the task is run in-process
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        run = start_planning_run(
            user=scheduler,
            week_starts_on=MONDAY,
            clients=[client_a, client_b],
            time_limit_seconds=LIMIT,
        )
    assert len(callbacks) == 1 and run.status == "queued"
    from scheduling.planning.planning_run_tasks import run_planning_task

    assert run_planning_task.run(run.pk) == "ready"

    # then: one draft per client with shifts, figures per client and in all, the job done
    run.refresh_from_db()
    assert run.status == "ready" and run.finished_at
    for client in (client_a, client_b):
        with tenant_context(client):
            (plan,) = Plan.objects.filter(status=PlanStatus.DRAFT)
            assert plan.planning_run_id == run.pk
            assert plan.shifts.count() == run.figures["clients"][str(client.pk)]["shifts"] > 0
            assert plan.figures["coverage_pct"] > 0
            shift = plan.shifts.first()
            assert shift.activities[0]["kind"] == "work"
            assert shift.activities[0]["line"] == two_clients[client.pk].pk
    total = run.figures["total"]
    assert {"coverage_pct", "shortfall_hours", "over_hours", "cost", "objective"} <= set(total)
    assert total["lower_bound"] <= total["objective"]
    assert Job.objects.get(pk=run.job_id).status == "succeeded"

    # when the week is planned again, the first drafts are discarded
    again = plan_week_now(
        user=scheduler, week_starts_on=MONDAY, clients=[client_a], time_limit_seconds=LIMIT
    )
    with tenant_context(client_a):
        statuses = dict(Plan.objects.values_list("planning_run_id", "status"))
    assert statuses == {run.pk: PlanStatus.DISCARDED, again.pk: PlanStatus.DRAFT}


def test_a_failed_run_leaves_no_draft(scheduler, client_a, client_b, two_clients, monkeypatch):
    # given a store that fails on the second client, after the first client's draft is written
    planning_agent([client_a, client_b], templates=[day_template()])
    written = []
    real = workers._write_plan

    def write_then_fail(run, shifts, figures):
        if written:
            raise RuntimeError("disk full")
        written.append(real(run, shifts, figures))
        return written[-1]

    monkeypatch.setattr(workers, "_write_plan", write_then_fail)

    # when
    with pytest.raises(RuntimeError, match="disk full"):
        plan_week_now(
            user=scheduler,
            week_starts_on=MONDAY,
            clients=[client_a, client_b],
            time_limit_seconds=LIMIT,
        )

    # then: the first draft was rolled back with the rest; the run and job say why
    assert written
    for client in (client_a, client_b):
        with tenant_context(client):
            assert not Plan.objects.exists()
    run = PlanningRun.objects.get()
    assert run.status == "failed" and "disk full" in run.error
    assert Job.objects.get(pk=run.job_id).status == "failed"
    assert connection.schema_name == "public"


def test_a_second_run_of_the_week_waits_for_the_first(
    scheduler, client_a, client_b, two_clients, django_capture_on_commit_callbacks
):
    from bpo.errors import ConflictError

    planning_agent([client_a, client_b], templates=[day_template()])
    with django_capture_on_commit_callbacks(execute=False):
        start_planning_run(
            user=scheduler, week_starts_on=MONDAY, clients=[client_a], time_limit_seconds=30
        )
    with pytest.raises(ConflictError, match="in progress"):
        start_planning_run(
            user=scheduler,
            week_starts_on=MONDAY,
            clients=[client_b, client_a],
            time_limit_seconds=30,
        )
    # another week, or clients that share nothing with the running one, may start
    with django_capture_on_commit_callbacks(execute=False):
        start_planning_run(
            user=scheduler, week_starts_on=MONDAY, clients=[client_b], time_limit_seconds=30
        )
    assert PlanningRun.objects.count() == 2


def test_lines_of_two_clients_with_the_same_id_are_told_apart(client_a, client_b):
    # given each client's line 9001 (ids are per schema): A's needs billing, B's Spanish
    orders = line_in(client_a, "Orders", pk=9001)
    spanish = line_in(client_b, "Spanish", pk=9001, required_skills=["spanish"], languages=["es"])
    for client, line in ((client_a, orders), (client_b, spanish)):
        requirement_in(client, line, monday=MONDAY, time_zone="America/New_York")
    planning_agent([client_a, client_b], templates=[day_template()])  # billing, English

    data = build_planning_input(
        week_starts_on=MONDAY, clients=[client_a, client_b], time_zone="UTC"
    )

    # then the agent covers A's line, never B's Spanish one
    (agent,) = data.problem.agents
    assert agent.skills == {f"{client_a.pk}:9001"}
