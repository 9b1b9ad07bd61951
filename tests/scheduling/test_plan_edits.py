"""Manual plan edits: each hard rule refuses in words and changes nothing; accepted edits
recompute the figures and mark the plan as having unpublished changes."""

from __future__ import annotations

import pytest

from bpo.errors import DomainError
from scheduling.planning.models import PlanShift
from scheduling.planning.services import plan_edits
from scheduling.planning.services.plan_edits import PlanRuleError
from scheduling.roster.models import TimeOffRequest
from tests.catalog.factories import ServiceLineFactory
from tests.scheduling.grid_helpers import at, book, make_agent, make_plan, requirement, shift

pytestmark = pytest.mark.django_db


@pytest.fixture
def week(in_client_a, scheduler_a):
    line = ServiceLineFactory(name="Billing support")
    plan = make_plan()
    return plan, line, scheduler_a


def refused(call) -> list[str]:
    with pytest.raises(PlanRuleError) as caught:
        call()
    return caught.value.reasons


def test_rest_between_two_shifts_is_named_with_both_times(week, client_a):
    plan, line, user = week
    agent = make_agent(client_a, full_name="Ana Silva")
    shift(plan, agent, line, 1, 14, 22)
    # when a Wednesday 06:00 shift is added after Tuesday's 22:00 end
    reasons = refused(
        lambda: plan_edits.add_shift(
            plan=plan,
            agent_id=agent.pk,
            service_line_id=line.pk,
            starts_at=at(2, 6),
            ends_at=at(2, 14),
            actor=user,
        )
    )
    assert reasons == ["Rest of Ana Silva between Tue 22:00 and Wed 06:00 is 8 h, at least 11 h."]
    assert PlanShift.objects.filter(plan=plan).count() == 1


def test_hours_over_two_clients_are_counted_against_the_contract(week, client_a, client_b):
    plan, line, user = week
    agent = make_agent(client_a, full_name="Ana Silva", max_hours_per_week=20)
    shift(plan, agent, line, 0, 8, 16)
    book(agent, client_b, 1, 8, 16)
    reasons = refused(
        lambda: plan_edits.add_shift(
            plan=plan,
            agent_id=agent.pk,
            service_line_id=line.pk,
            starts_at=at(2, 8),
            ends_at=at(2, 16),
            actor=user,
        )
    )
    assert reasons == [
        f"Ana Silva would work 24 h in the week of 7 Dec (16 h for {client_a.name}, 8 h for "
        f"{client_b.name}), at most 20 h by contract."
    ]


def test_approved_time_off_refuses_the_shift(week, client_a):
    plan, line, user = week
    agent = make_agent(client_a, full_name="Ana Silva")
    TimeOffRequest.objects.create(
        agent=agent,
        starts_on=at(2, 0).date(),
        ends_on=at(2, 0).date(),
        kind="annual",
        status="approved",
        days=1,
    )
    reasons = refused(
        lambda: plan_edits.add_shift(
            plan=plan,
            agent_id=agent.pk,
            service_line_id=line.pk,
            starts_at=at(2, 8),
            ends_at=at(2, 16),
            actor=user,
        )
    )
    assert len(reasons) == 1
    assert reasons[0].startswith("Ana Silva has approved time off (")
    assert "on Wed 9 Dec; the shift Wed 9 Dec 08:00\N{EN DASH}16:00 falls in it." in reasons[0]


def test_a_booking_of_another_client_cannot_be_overlapped(week, client_a, client_b):
    plan, line, user = week
    agent = make_agent(client_a, full_name="Ana Silva")
    book(agent, client_b, 3, 12, 20)
    reasons = refused(
        lambda: plan_edits.add_shift(
            plan=plan,
            agent_id=agent.pk,
            service_line_id=line.pk,
            starts_at=at(3, 8),
            ends_at=at(3, 16),
            actor=user,
        )
    )
    assert (
        f"Ana Silva's shift Thu 10 Dec 08:00\N{EN DASH}16:00 overlaps the booking for {client_b.name}, "
        "Thu 10 Dec 12:00\N{EN DASH}20:00."
    ) in reasons


def test_an_agent_not_allowed_for_the_line_or_unskilled_is_refused(week, client_a):
    plan, line, user = week
    other_line = ServiceLineFactory(name="Returns")
    only_returns = make_agent(client_a, full_name="Ben Costa", line_id=other_line.pk)
    unskilled = make_agent(client_a, full_name="Carla Dias", skills=())
    assert refused(
        lambda: plan_edits.add_shift(
            plan=plan,
            agent_id=only_returns.pk,
            service_line_id=line.pk,
            starts_at=at(0, 8),
            ends_at=at(0, 16),
            actor=user,
        )
    ) == [f"Ben Costa is not allowed for Billing support of {client_a.name}."]
    assert refused(
        lambda: plan_edits.add_shift(
            plan=plan,
            agent_id=unskilled.pk,
            service_line_id=line.pk,
            starts_at=at(0, 8),
            ends_at=at(0, 16),
            actor=user,
        )
    ) == ["Carla Dias lacks the skill billing that Billing support needs."]
    mute = make_agent(client_a, full_name="Dora Eck", languages=("de",))
    assert refused(
        lambda: plan_edits.add_shift(
            plan=plan,
            agent_id=mute.pk,
            service_line_id=line.pk,
            starts_at=at(0, 8),
            ends_at=at(0, 16),
            actor=user,
        )
    ) == ["Dora Eck speaks none of the languages of Billing support (en)."]


def test_one_shift_a_day(week, client_a, client_b):
    plan, line, user = week
    agent = make_agent(client_a, full_name="Ana Silva")
    book(agent, client_b, 4, 0, 4)
    reasons = refused(
        lambda: plan_edits.add_shift(
            plan=plan,
            agent_id=agent.pk,
            service_line_id=line.pk,
            starts_at=at(4, 18),
            ends_at=at(4, 22),
            actor=user,
        )
    )
    assert reasons == [
        f"Ana Silva would have 2 shifts on Fri 11 Dec (00:00\N{EN DASH}04:00 for {client_b.name} and "
        f"18:00\N{EN DASH}22:00 for {client_a.name}); one shift a day at most."
    ]


def test_moving_a_shift_to_another_agent_checks_the_new_agent(week, client_a):
    plan, line, user = week
    ana = make_agent(client_a, full_name="Ana Silva")
    ben = make_agent(client_a, full_name="Ben Costa")
    moving = shift(plan, ana, line, 0, 8, 16)
    shift(plan, ben, line, 0, 6, 12)
    reasons = refused(
        lambda: plan_edits.move_shift(
            shift=moving, agent_id=ben.pk, starts_at=at(0, 8), ends_at=at(0, 16), actor=user
        )
    )
    assert (
        "Ben Costa's shifts Mon 7 Dec 06:00\N{EN DASH}12:00 and Mon 7 Dec 08:00\N{EN DASH}16:00 overlap."
        in reasons
    )
    assert PlanShift.objects.get(pk=moving.pk).agent_id == ana.pk


def test_accepted_edits_recompute_the_figures(week, client_a):
    plan, line, user = week
    agent = make_agent(client_a, full_name="Ana Silva")
    requirement(line, {(0, h): 1 for h in range(8, 16)})
    # when a Monday 08:00-16:00 shift is added
    result = plan_edits.add_shift(
        plan=plan,
        agent_id=agent.pk,
        service_line_id=line.pk,
        starts_at=at(0, 8),
        ends_at=at(0, 16),
        actor=user,
    )
    plan.refresh_from_db()
    assert plan.has_unpublished_changes
    assert plan.figures["required_hours"] == 8
    assert plan.figures["shortfall_hours"] == 0
    assert plan.figures["coverage_pct"] == 100
    assert plan.figures["shifts"] == 1
    # when moved two hours later: two hours short, two over
    plan_edits.move_shift(shift=result.shift, starts_at=at(0, 10), ends_at=at(0, 18), actor=user)
    plan.refresh_from_db()
    assert plan.figures["shortfall_hours"] == 2
    assert plan.figures["over_hours"] == 2
    assert plan.figures["coverage_pct"] == 75
    # when the last two hours change line, and then the shift is removed
    other = ServiceLineFactory(name="Returns")
    changed = plan_edits.change_shift_line(
        shift=PlanShift.objects.get(pk=result.shift.pk),
        starts_at=at(0, 16),
        ends_at=at(0, 18),
        service_line_id=other.pk,
        actor=user,
    ).shift
    assert [a["line"] for a in changed.activities] == [line.pk, other.pk]
    assert changed.service_line_id == line.pk
    plan_edits.remove_shift(shift=changed, actor=user)
    plan.refresh_from_db()
    assert plan.figures["shortfall_hours"] == 8 and plan.figures["shifts"] == 0


def test_times_outside_the_week_are_refused_per_field(week, client_a):
    plan, line, user = week
    agent = make_agent(client_a)
    with pytest.raises(DomainError) as caught:
        plan_edits.add_shift(
            plan=plan,
            agent_id=agent.pk,
            service_line_id=line.pk,
            starts_at=at(8, 8),
            ends_at=at(8, 6),
            actor=user,
        )
    assert set(caught.value.fields) == {"starts_at", "ends_at"}


def test_every_edit_is_audited_with_its_actor(week, client_a):
    from django.contrib.contenttypes.models import ContentType

    from bpo.audit.models import LogEntry

    plan, line, user = week
    agent = make_agent(client_a, full_name="Ana Silva")
    result = plan_edits.add_shift(
        plan=plan,
        agent_id=agent.pk,
        service_line_id=line.pk,
        starts_at=at(0, 8),
        ends_at=at(0, 16),
        actor=user,
    )
    plan_edits.move_shift(shift=result.shift, starts_at=at(0, 9), ends_at=at(0, 17), actor=user)
    plan_edits.remove_shift(shift=PlanShift.objects.get(pk=result.shift.pk), actor=user)
    entries = LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(PlanShift), object_pk=str(result.shift.pk)
    ).order_by("pk")
    assert [(entry.action, entry.actor_id) for entry in entries] == [
        (LogEntry.Action.CREATE, user.pk),
        (LogEntry.Action.UPDATE, user.pk),
        (LogEntry.Action.DELETE, user.pk),
    ]
    assert "starts_at" in entries[1].changes_dict


def test_a_discarded_plan_cannot_be_edited(week, client_a):
    from bpo.errors import ConflictError

    plan, line, user = week
    plan.status = "discarded"
    plan.save(update_fields=["status"])
    agent = make_agent(client_a)
    with pytest.raises(ConflictError, match="discarded"):
        plan_edits.add_shift(
            plan=plan,
            agent_id=agent.pk,
            service_line_id=line.pk,
            starts_at=at(0, 8),
            ends_at=at(0, 16),
            actor=user,
        )


def test_a_new_draft_of_a_published_week_is_not_checked_against_the_plan_it_replaces(
    week, client_a
):
    from django.db.backends.postgresql.psycopg_any import DateTimeTZRange

    from scheduling.roster.models import Booking

    plan, line, user = week
    agent = make_agent(client_a, full_name="Ana Silva")
    published = make_plan(status="published", revision=1, has_unpublished_changes=False)
    plan.week_starts_on = published.week_starts_on
    Booking.objects.create(
        agent=agent,
        client=client_a,
        during=DateTimeTZRange(at(0, 8), at(0, 16)),
        plan_id=published.pk,
        shift_id=1,
    )
    result = plan_edits.add_shift(
        plan=plan,
        agent_id=agent.pk,
        service_line_id=line.pk,
        starts_at=at(0, 9),
        ends_at=at(0, 17),
        actor=user,
    )
    assert result.shift.pk
