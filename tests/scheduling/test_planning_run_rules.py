"""A planning run with the rules the engine gained, read from the roster: days in a row and
weekends with the history before Monday from the ledger, days off in a row, wishes, a night
template (no day shift after it) and a lunch by rule. The draft holds every hard rule (the
engine's independent validator finds nothing), the days history blocks stay free, each shift
has its lunch inside the window, and the plan's coverage is counted net of the lunches."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db.backends.postgresql.psycopg_any import DateTimeTZRange
from django_tenants.utils import tenant_context

from scheduling.engine.optimiser import solve_schedule, validate_plan
from scheduling.planning.models import Plan
from scheduling.planning.planning_week import merge_queues
from scheduling.planning.problem import build_planning_input
from scheduling.planning.selectors import plans as plan_selectors
from scheduling.planning.services.planning_runs import plan_week_now
from scheduling.roster.models import AgentPreference, Booking, BreakRule
from tests.scheduling.run_helpers import (
    MONDAY,
    day_template,
    line_in,
    planning_agent,
    requirement_in,
)
from tests.scheduling.test_planning_runs import scheduler, shifts_of  # noqa: F401

pytestmark = pytest.mark.django_db

ZONE = ZoneInfo("America/New_York")
_ids = iter(range(500_000, 600_000))


def booked(agent, client, day: date, hour: int = 8, hours: int = 8) -> None:
    start = datetime.combine(day, time(hour), tzinfo=ZONE)
    Booking.objects.create(
        agent=agent,
        client=client,
        during=DateTimeTZRange(start, start + timedelta(hours=hours)),
        plan_id=1,
        shift_id=next(_ids),
    )


def around_the_clock(local: datetime) -> int:
    return 2 if 8 <= local.hour < 20 else 1


@pytest.fixture
def roster(client_a, client_b):
    line = line_in(client_a, "Orders")
    requirement_in(
        client_a, line, monday=MONDAY, time_zone="America/New_York", agents=around_the_clock
    )
    day = day_template("Day", starts=(6, 8, 12), minutes=480)
    BreakRule.objects.create(
        template=day, kind="lunch", minutes=30, earliest_minute=180, latest_minute=300
    )
    # (00:00 only: a shift from Sunday 22:00 would wrap to this Monday in the optimiser's
    # cyclic week but lie in the next week on the plan pages, and the figures would differ)
    night = day_template("Night", starts=(0,), minutes=480)
    night.kind = "night"
    night.save()
    templates = [day, night]
    ana = planning_agent(
        [client_a],
        templates=templates,
        days=6,
        max_hours=48,
        max_consecutive_days=4,
        full_name="Ana Silva",
    )
    for offset in range(1, 5):  # Thu 3 to Sun 6 Dec, for client B
        booked(ana, client_b, MONDAY - timedelta(days=offset))
    ben = planning_agent(
        [client_a], templates=templates, days=5, max_weekends_per_4_weeks=1, full_name="Ben Okafor"
    )
    booked(ben, client_b, MONDAY - timedelta(days=9))  # Saturday 28 Nov
    cat = planning_agent(
        [client_a], templates=templates, days=5, min_consecutive_days_off=2, full_name="Cat Ng"
    )
    booked(cat, client_b, MONDAY - timedelta(days=1), hour=0)  # a night shift on Sunday 6 Dec
    AgentPreference.objects.create(agent=cat, is_wanted=False, weekday=2, weight=80)
    others = [planning_agent([client_a], templates=templates, days=5) for _ in range(4)]
    return {"ana": ana, "ben": ben, "cat": cat, "others": others, "line": line}


def test_the_problem_carries_the_roster_rules(client_a, roster):
    data = build_planning_input(
        week_starts_on=MONDAY, clients=[client_a], time_zone="America/New_York"
    )
    problem = data.problem
    by_id = dict(zip(data.agent_ids, problem.agents, strict=True))
    ana, ben, cat = (by_id[roster[name].pk] for name in ("ana", "ben", "cat"))
    assert problem.contracts[ana.contract].max_consecutive_days == 4
    assert ana.history.consecutive_days_worked == 4
    assert problem.contracts[ben.contract].max_weekends_per_4_weeks == 1
    assert ben.history.weekends_worked_previous_3 == 1
    assert problem.contracts[cat.contract].min_consecutive_days_off == 2
    assert cat.history.last_shift_kind == "night"
    assert [(p.day, p.wanted, p.weight) for p in cat.preferences] == [(2, False, 80.0)]
    assert problem.rules.forbidden_successions == (("night", "day"),)
    assert problem.templates["Night"].kind == "night"
    assert [
        (b.name, b.minutes, b.earliest_minute, b.latest_minute)
        for b in problem.templates["Day"].breaks
    ] == [("lunch", 30, 180, 300)]
    # an agent with no rule and no history of note stays without history (groups stay big)
    assert by_id[roster["others"][0].pk].history is None


def test_the_draft_holds_every_rule(scheduler, client_a, roster):  # noqa: F811
    # the optimiser's own plan passes the independent validator, breaks included
    data = build_planning_input(
        week_starts_on=MONDAY, clients=[client_a], time_zone="America/New_York"
    )
    merged = merge_queues(data.problem)
    result = solve_schedule(merged.problem, time_limit=5)
    assert validate_plan(merged.problem, result) == []

    # when the run writes the draft
    run = plan_week_now(
        user=scheduler, week_starts_on=MONDAY, clients=[client_a], time_limit_seconds=8
    )
    assert run.status == "ready", run.error
    zone = ZONE

    def days_of(agent) -> list[int]:
        return sorted(
            (s.starts_at.astimezone(zone).date() - MONDAY).days
            for s in shifts_of(client_a, agent_id=agent.pk)
        )

    # then Ana, four days in a row before Monday, is off on Monday; Ben works no weekend
    assert 0 not in days_of(roster["ana"])
    assert not {5, 6} & set(days_of(roster["ben"]))
    # Cat's Sunday night shift: no day shift on Monday
    for s in shifts_of(client_a, agent_id=roster["cat"].pk):
        if (s.starts_at.astimezone(zone).date() - MONDAY).days == 0:
            assert s.template_name != "Day"
    # every day shift holds its lunch, 30 minutes starting 3 to 5 hours in
    shifts = shifts_of(client_a)
    day_shifts = [s for s in shifts if s.template_name == "Day"]
    assert day_shifts
    for s in day_shifts:
        lunches = [a for a in s.activities if a["kind"] == "lunch"]
        assert len(lunches) == 1, s.activities
        start = datetime.fromisoformat(lunches[0]["start"])
        end = datetime.fromisoformat(lunches[0]["end"])
        assert end - start == timedelta(minutes=30)
        assert timedelta(hours=3) <= start - s.starts_at <= timedelta(hours=5)
        assert lunches[0]["line"] is None
    # and the plan's coverage, counted from the work parts on the plan pages, is the run's
    with tenant_context(client_a):
        plan = Plan.objects.get(planning_run_id=run.pk)
        page = plan_selectors.plan_figures(plan=plan)
    assert plan.figures["shortfall_hours"] == pytest.approx(page["shortfall_hours"], abs=0.01)
    assert plan.figures["over_hours"] == pytest.approx(page["over_hours"], abs=0.01)


def test_the_day_view_shows_the_lunches(scheduler, client_a, roster):  # noqa: F811
    run = plan_week_now(
        user=scheduler, week_starts_on=MONDAY, clients=[client_a], time_limit_seconds=5
    )
    assert run.status == "ready", run.error
    with tenant_context(client_a):
        plan = Plan.objects.get(planning_run_id=run.pk)
        rows = plan_selectors.plan_day(plan=plan, day=MONDAY + timedelta(days=1))
    kinds = {bar.kind for row in rows for bar in row.bars}
    assert "lunch" in kinds
    assert any("Lunch" in bar.label for row in rows for bar in row.bars)
    assert any(row.breaks.startswith("Lunch ") for row in rows)
