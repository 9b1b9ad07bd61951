"""Manual plan edits against the rules the engine gained: working days in a row, days off in a
row, weekends in four weeks (each with the agent's history before Monday from the ledger of
every client), no day shift after a night shift, and breaks by the template's rules. Each is
refused in words, with dates, and changes nothing; the plan's week is Monday 7 Dec 2026, UTC."""

from __future__ import annotations

from datetime import time

import pytest

from scheduling.planning.models import PlanShift
from scheduling.planning.services import plan_edits
from scheduling.planning.services.plan_edits import PlanRuleError
from scheduling.roster.models import BreakRule
from tests.catalog.factories import ServiceLineFactory
from tests.roster.factories import ShiftTemplateFactory
from tests.scheduling.grid_helpers import at, book, make_agent, make_plan, shift

pytestmark = pytest.mark.django_db


@pytest.fixture
def week(in_client_a, scheduler_a):
    line = ServiceLineFactory(name="Billing support")
    return make_plan(), line, scheduler_a


def refused(call) -> list[str]:
    with pytest.raises(PlanRuleError) as caught:
        call()
    return caught.value.reasons


def add(plan, agent, line, user, day: int, start: float, end: float):
    return lambda: plan_edits.add_shift(
        plan=plan,
        agent_id=agent.pk,
        service_line_id=line.pk,
        starts_at=at(day, start),
        ends_at=at(day, end),
        actor=user,
    )


def full_timer(client, **rules):
    return make_agent(
        client, full_name="Ana Silva", days_per_week=7, max_hours_per_week=80, **rules
    )


def test_seven_days_in_a_row_are_refused_with_their_dates(week, client_a):
    plan, line, user = week
    agent = full_timer(client_a, max_consecutive_days=6)
    for day in range(6):
        shift(plan, agent, line, day, 8, 16)
    reasons = refused(add(plan, agent, line, user, 6, 8, 16))
    assert reasons == ["Ana Silva would work 7 days in a row (Mon 7 Dec to Sun 13 Dec), at most 6."]
    assert PlanShift.objects.filter(plan=plan).count() == 6


def test_days_in_a_row_count_the_days_before_monday_for_any_client(week, client_a, client_b):
    plan, line, user = week
    agent = full_timer(client_a, max_consecutive_days=5)
    for day in (-4, -3, -2, -1):  # Thu 3 to Sun 6 Dec, for the other client
        book(agent, client_b, day, 8, 16)
    shift(plan, agent, line, 0, 8, 16)
    reasons = refused(add(plan, agent, line, user, 1, 8, 16))
    assert reasons == ["Ana Silva would work 6 days in a row (Thu 3 Dec to Tue 8 Dec), at most 5."]
    # a day off on Tuesday and Wednesday is fine
    plan_edits.add_shift(
        plan=plan,
        agent_id=agent.pk,
        service_line_id=line.pk,
        starts_at=at(2, 8),
        ends_at=at(2, 16),
        actor=user,
    )


def test_too_short_a_run_of_days_off_is_refused(week, client_a):
    plan, line, user = week
    agent = full_timer(client_a, min_consecutive_days_off=2)
    shift(plan, agent, line, 0, 8, 16)
    shift(plan, agent, line, 1, 8, 16)
    reasons = refused(add(plan, agent, line, user, 3, 8, 16))
    assert reasons == [
        "Ana Silva would have only 1 day off in a row (Wed 9 Dec) before working again on "
        "Thu 10 Dec, at least 2."
    ]
    plan_edits.add_shift(
        plan=plan,
        agent_id=agent.pk,
        service_line_id=line.pk,
        starts_at=at(4, 8),
        ends_at=at(4, 16),
        actor=user,
    )


def test_days_off_before_monday_count_too(week, client_a, client_b):
    plan, line, user = week
    agent = full_timer(client_a, min_consecutive_days_off=3)
    book(agent, client_b, -2, 8, 16)  # Saturday 5 Dec worked, Sunday off
    reasons = refused(add(plan, agent, line, user, 0, 8, 16))
    assert reasons == [
        "Ana Silva would have only 1 day off in a row (Sun 6 Dec) before working again on "
        "Mon 7 Dec, at least 3."
    ]


def test_a_weekend_beyond_the_limit_in_four_weeks_is_refused(week, client_a, client_b):
    plan, line, user = week
    agent = full_timer(client_a, max_weekends_per_4_weeks=1)
    book(agent, client_b, -9, 8, 16)  # Saturday 28 Nov, for the other client
    reasons = refused(add(plan, agent, line, user, 5, 8, 16))
    assert reasons == [
        "Ana Silva would work the weekend of Sat 12 Dec after working 1 of the 3 weekends "
        "before, at most 1 weekend in 4 weeks."
    ]
    # weekdays are fine
    plan_edits.add_shift(
        plan=plan,
        agent_id=agent.pk,
        service_line_id=line.pk,
        starts_at=at(4, 8),
        ends_at=at(4, 16),
        actor=user,
    )


def test_no_weekends_at_all(week, client_a):
    plan, line, user = week
    agent = full_timer(client_a, max_weekends_per_4_weeks=0)
    reasons = refused(add(plan, agent, line, user, 6, 8, 16))
    assert reasons == [
        "Ana Silva would work the weekend of Sun 13 Dec after working 0 of the 3 weekends "
        "before, at most 0 weekends in 4 weeks."
    ]


def test_a_day_shift_after_a_night_shift_is_refused(week, client_a):
    plan, line, user = week
    agent = full_timer(client_a)
    shift(plan, agent, line, 0, 0, 8)  # Monday 00:00-08:00: a night shift
    # Tuesday 06:00 leaves 22 h of rest, but it is a day shift after a night shift
    reasons = refused(add(plan, agent, line, user, 1, 6, 14))
    assert reasons == [
        "Ana Silva's day shift on Tue 8 Dec would follow a night shift on Mon 7 Dec; a day "
        "shift may not follow a night shift the day before."
    ]
    # an evening shift may follow
    plan_edits.add_shift(
        plan=plan,
        agent_id=agent.pk,
        service_line_id=line.pk,
        starts_at=at(1, 14),
        ends_at=at(1, 22),
        actor=user,
    )


def test_a_night_shift_of_the_sunday_before_counts(week, client_a, client_b):
    plan, line, user = week
    agent = full_timer(client_a)
    book(agent, client_b, -1, 0, 8)  # Sunday 6 Dec 00:00-08:00 for the other client
    reasons = refused(add(plan, agent, line, user, 0, 6, 14))
    assert reasons == [
        "Ana Silva's day shift on Mon 7 Dec would follow a night shift on Sun 6 Dec; a day "
        "shift may not follow a night shift the day before."
    ]


def test_a_template_kind_decides_for_its_own_shifts(week, client_a):
    plan, line, user = week
    agent = full_timer(client_a)
    ShiftTemplateFactory(name="Early night", length_minutes=480, start_times=[time(4)])
    # a 04:00 shift of the template chosen as "day" is a day shift, whatever its times say
    from scheduling.roster.models import ShiftTemplate

    ShiftTemplate.objects.filter(name="Early night").update(kind="day")
    shift(plan, agent, line, 0, 4, 12, template_name="Early night")
    plan_edits.add_shift(
        plan=plan,
        agent_id=agent.pk,
        service_line_id=line.pk,
        starts_at=at(1, 6),
        ends_at=at(1, 14),
        actor=user,
    )


def _lunch_template():
    template = ShiftTemplateFactory(name="Day", length_minutes=480, start_times=[time(8)])
    BreakRule.objects.create(
        template=template, kind="lunch", minutes=30, earliest_minute=180, latest_minute=300
    )
    return template


def _with_lunch(plan, agent, line, day: int, start: float, lunch: float) -> PlanShift:
    starts_at, ends_at = at(day, start), at(day, start + 8)
    parts = [
        (starts_at, at(day, lunch), "work", line.pk),
        (at(day, lunch), at(day, lunch + 0.5), "lunch", None),
        (at(day, lunch + 0.5), ends_at, "work", line.pk),
    ]
    return PlanShift.objects.create(
        plan=plan,
        agent_id=agent.pk,
        service_line=line,
        starts_at=starts_at,
        ends_at=ends_at,
        template_name="Day",
        activities=[
            {"start": a.isoformat(), "end": b.isoformat(), "kind": kind, "line": line_id}
            for a, b, kind, line_id in parts
        ],
    )


def test_a_shift_too_short_for_its_lunch_is_refused(week, client_a):
    plan, line, user = week
    _lunch_template()
    agent = full_timer(client_a)
    planned = _with_lunch(plan, agent, line, 0, 8, 11.5)
    reasons = refused(
        lambda: plan_edits.move_shift(
            shift=planned, starts_at=at(0, 8), ends_at=at(0, 11), actor=user
        )
    )
    assert reasons == [
        "Ana Silva's shift Mon 7 Dec 08:00\N{EN DASH}11:00 needs a lunch of 30 min starting "
        "between 11:00 and 13:00 (3:00 to 5:00 after it starts, as Day says)."
    ]
    planned.refresh_from_db()
    assert planned.ends_at == at(0, 16)


def test_moved_and_resized_shifts_keep_their_lunch_inside_its_window(week, client_a):
    plan, line, user = week
    _lunch_template()
    agent = full_timer(client_a)
    planned = _with_lunch(plan, agent, line, 0, 8, 11.5)
    # moved two hours later: the lunch moves with it
    moved = plan_edits.move_shift(
        shift=planned, starts_at=at(0, 10), ends_at=at(0, 18), actor=user
    ).shift
    lunch = [a for a in moved.activities if a["kind"] == "lunch"]
    assert lunch == [
        {
            "start": at(0, 13.5).isoformat(),
            "end": at(0, 14).isoformat(),
            "kind": "lunch",
            "line": None,
        }
    ]
    # shortened to 6 hours: the lunch keeps its place 3:30 after the start
    shorter = plan_edits.move_shift(
        shift=moved, starts_at=at(0, 10), ends_at=at(0, 16), actor=user
    ).shift
    kinds = [(a["kind"], a["start"], a["end"]) for a in shorter.activities]
    assert kinds == [
        ("work", at(0, 10).isoformat(), at(0, 13.5).isoformat()),
        ("lunch", at(0, 13.5).isoformat(), at(0, 14).isoformat()),
        ("work", at(0, 14).isoformat(), at(0, 16).isoformat()),
    ]
    # shortened to 3 h 45 min: the lunch moves to the latest start the shift allows, and ends
    # the shift
    shortest = plan_edits.move_shift(
        shift=shorter, starts_at=at(0, 10), ends_at=at(0, 13.75), actor=user
    ).shift
    assert [a["kind"] for a in shortest.activities] == ["work", "lunch"]
    assert shortest.activities[1]["start"] == at(0, 13.25).isoformat()


def test_a_lunch_outside_its_window_is_named_when_the_week_is_edited(week, client_a):
    # given a shift whose lunch lies at 1:00 after its start (the template now says 3:00-5:00)
    plan, line, user = week
    _lunch_template()
    agent = full_timer(client_a)
    _with_lunch(plan, agent, line, 0, 8, 9)
    reasons = refused(add(plan, agent, line, user, 2, 8, 16))
    assert reasons == [
        "Ana Silva's shift Mon 7 Dec 08:00\N{EN DASH}16:00 needs a lunch of 30 min starting "
        "between 11:00 and 13:00 (3:00 to 5:00 after it starts, as Day says)."
    ]


def test_a_lunch_is_judged_on_the_wall_clock_across_a_change_of_the_clocks(
    in_client_a, scheduler_a, client_a
):
    # given a Lisbon week whose Saturday night the clocks go back (25 Oct 2026): a night shift
    # 22:00-06:00 on the wall (9 real hours) with its lunch 4:30 after the start on the wall
    # (02:30 WET), 5:30 real hours in
    from datetime import UTC, date, datetime

    from scheduling.planning.models import Plan

    line = ServiceLineFactory(name="Night desk")
    plan = Plan.objects.create(week_starts_on=date(2026, 10, 19), time_zone="Europe/Lisbon")
    night = ShiftTemplateFactory(name="Night", length_minutes=480, start_times=[time(22)])
    BreakRule.objects.create(
        template=night, kind="lunch", minutes=30, earliest_minute=240, latest_minute=300
    )
    agent = full_timer(client_a)

    def utc(day, hour, minute=0):
        return datetime(2026, 10, day, hour, minute, tzinfo=UTC)

    PlanShift.objects.create(
        plan=plan,
        agent_id=agent.pk,
        service_line=line,
        starts_at=utc(24, 21),
        ends_at=utc(25, 6),
        template_name="Night",
        activities=[
            {
                "start": utc(24, 21).isoformat(),
                "end": utc(25, 2, 30).isoformat(),
                "kind": "work",
                "line": line.pk,
            },
            {
                "start": utc(25, 2, 30).isoformat(),
                "end": utc(25, 3).isoformat(),
                "kind": "lunch",
                "line": None,
            },
            {
                "start": utc(25, 3).isoformat(),
                "end": utc(25, 6).isoformat(),
                "kind": "work",
                "line": line.pk,
            },
        ],
    )
    # when another shift of the week is added, the night's lunch holds its rule
    result = plan_edits.add_shift(
        plan=plan,
        agent_id=agent.pk,
        service_line_id=line.pk,
        starts_at=utc(20, 8),
        ends_at=utc(20, 16),
        actor=scheduler_a,
    )
    assert result.shift.pk
