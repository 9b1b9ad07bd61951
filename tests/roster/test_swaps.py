"""Shift swaps: an agent offers a booked shift, a colleague takes it; the rules are checked
for the taker against all their bookings across clients (rest, one shift a day, overlap,
weekly hours, time off); approval moves the booking and the client's shift row together."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.db import connection

from bpo.errors import ConflictError, PermissionDeniedError
from scheduling.roster import swaps
from scheduling.roster.models import (
    AgentServiceLine,
    Booking,
    RosterEvent,
    ShiftSwap,
    SwapStatus,
    TimeOffRequest,
)
from tests.conftest import make_user
from tests.roster.factories import AgentFactory
from tests.roster.shifts import book, line_of, shift_agent_id

pytestmark = pytest.mark.django_db

# A Monday well ahead, so every shift is in the future.
MONDAY = datetime(2031, 3, 3, tzinfo=UTC)


def at(day: int, hour: int) -> datetime:
    return MONDAY + timedelta(days=day, hours=hour)


@pytest.fixture
def people(client_a, client_b):
    giver_user = make_user("agent", client_a, email="giver@provider.test")
    taker_user = make_user("agent", client_a, email="taker@provider.test")
    giver = AgentFactory(full_name="Gina Giver", user=giver_user, time_zone="UTC")
    taker = AgentFactory(full_name="Tom Taker", user=taker_user, time_zone="UTC")
    for agent in (giver, taker):
        AgentServiceLine.objects.create(agent=agent, client=client_a)
        AgentServiceLine.objects.create(agent=agent, client=client_b)
    return giver, taker


@pytest.fixture
def lines(client_a, client_b):
    return line_of(client_a, "Orders"), line_of(client_b, "Billing")


def offered(giver, client, line, starts_at, hours=8):
    booking = book(giver, client, line, starts_at, hours)
    return booking, swaps.offer_shift(booking=booking, actor=giver.user)


def test_a_take_that_breaks_no_rule_is_approved_at_once_and_moves_both_rows(
    people, lines, client_a, settings
):
    # given
    settings.SWAP_AUTO_APPROVE = True
    giver, taker = people
    booking, swap = offered(giver, client_a, lines[0], at(2, 8))
    # when
    done = swaps.take_shift(swap=swap, taker=taker, actor=taker.user)
    # then: the booking and the client's shift row are the taker's
    assert done.status == SwapStatus.APPROVED
    assert Booking.objects.get(pk=booking.pk).agent_id == taker.pk
    assert shift_agent_id(booking) == taker.pk
    assert connection.schema_name == "public"
    actions = list(
        RosterEvent.objects.filter(details__swap=swap.pk).values_list("action", flat=True)
    )
    assert sorted(actions) == ["swap_approved", "swap_offered", "swap_taken"]


def test_an_approved_swap_is_a_revision_of_the_clients_plan(people, lines, client_a, settings):
    # given: a published plan at revision 1 and a swap approved by a scheduler
    from django_tenants.utils import tenant_context

    from scheduling.planning.models import Plan, PlanRevision

    settings.SWAP_AUTO_APPROVE = False
    giver, taker = people
    booking, swap = offered(giver, client_a, lines[0], at(2, 8))
    swap = swaps.take_shift(swap=swap, taker=taker, actor=taker.user)
    scheduler = make_user("scheduler", email="sched@provider.test")
    # when
    swaps.approve_swap(swap=swap, actor=scheduler)
    # then: revision 2 says who gave the shift to whom; the booking carries that revision
    with tenant_context(client_a):
        plan = Plan.objects.get(pk=booking.plan_id)
        revision = PlanRevision.objects.get(plan=plan)
    assert plan.revision == revision.number == 2
    assert revision.reason == "Swap: Gina Giver's shift taken by Tom Taker"
    assert revision.published_by == scheduler
    [moved] = revision.changes["moved"]
    assert (moved["agent"], moved["before"]["agent"]) == ("Tom Taker", "Gina Giver")
    assert moved["starts_at"] == moved["before"]["starts_at"] == at(2, 8).isoformat()
    assert revision.changes["added"] == revision.changes["removed"] == []
    assert revision.shift_count == 1
    assert Booking.objects.get(pk=booking.pk).revision == 2
    assert not plan.has_unpublished_changes


def test_a_take_that_would_break_rest_is_refused_in_words(people, lines, client_a, client_b):
    # given: the taker works for client B until Tue 22:00; the offer starts Wed 06:00
    giver, taker = people
    book(taker, client_b, lines[1], at(1, 14), hours=8)
    booking, swap = offered(giver, client_a, lines[0], at(2, 6))
    # when / then
    with pytest.raises(ConflictError) as refused:
        swaps.take_shift(swap=swap, taker=taker, actor=taker.user)
    assert "Rest between Tue 22:00 and Wed 06:00 would be 8 h, at least 11 h." in str(
        refused.value.message
    )
    assert ShiftSwap.objects.get(pk=swap.pk).status == SwapStatus.OFFERED
    assert Booking.objects.get(pk=booking.pk).agent_id == giver.pk
    assert shift_agent_id(booking) == giver.pk


def test_rest_after_the_offered_shift_counts_too(people, lines, client_a, client_b):
    giver, taker = people
    book(taker, client_b, lines[1], at(3, 4), hours=8)  # Thu 04:00
    _, swap = offered(giver, client_a, lines[0], at(2, 14))  # Wed 14:00-22:00
    with pytest.raises(ConflictError, match=r"Rest between Wed 22:00 and Thu 04:00 would be 6 h"):
        swaps.take_shift(swap=swap, taker=taker, actor=taker.user)


def test_one_shift_a_day_overlap_and_weekly_hours(people, lines, client_a, client_b):
    giver, taker = people
    taker.max_hours_per_week = Decimal(16)
    taker.save()
    book(taker, client_b, lines[1], at(2, 0), hours=4)  # Wed 00:00-04:00, same day
    book(taker, client_b, lines[1], at(0, 8), hours=8)  # Mon: 12 h in the week already
    _, swap = offered(giver, client_a, lines[0], at(2, 15), hours=6)
    with pytest.raises(ConflictError) as refused:
        swaps.take_shift(swap=swap, taker=taker, actor=taker.user)
    problems = refused.value.fields["agent"]
    assert any("already has a shift on Wed 5 Mar" in p for p in problems), problems
    assert any("would work 18 h in the week of Mon 3 Mar, at most 16 h" in p for p in problems)


def test_the_takers_days_in_a_row_count_the_days_before_the_week(people, lines, client_a, client_b):
    # given a taker allowed 3 days in a row, booked Sat 1 Mar to Mon 3 Mar
    giver, taker = people
    taker.max_consecutive_days = 3
    taker.days_per_week = 7
    taker.save()
    for day in (-2, -1, 0):
        book(taker, client_b, lines[1], at(day, 8), hours=8)
    # when Tuesday's shift is offered, it would be the fourth day in a row
    _, swap = offered(giver, client_a, lines[0], at(1, 8))
    with pytest.raises(ConflictError) as refused:
        swaps.take_shift(swap=swap, taker=taker, actor=taker.user)
    assert refused.value.fields["agent"] == [
        "Tom Taker would work 4 days in a row (Sat 1 Mar to Tue 4 Mar), at most 3."
    ]


def test_a_day_shift_after_the_takers_night_shift_is_refused(people, lines, client_a, client_b):
    giver, taker = people
    book(taker, client_b, lines[1], at(0, 0), hours=8)  # Monday 00:00-08:00: a night shift
    _, swap = offered(giver, client_a, lines[0], at(1, 8))  # Tuesday 08:00-16:00: a day shift
    with pytest.raises(ConflictError) as refused:
        swaps.take_shift(swap=swap, taker=taker, actor=taker.user)
    assert refused.value.fields["agent"] == [
        "Tom Taker's day shift on Tue 4 Mar would follow a night shift on Mon 3 Mar; a day "
        "shift may not follow a night shift the day before."
    ]


def test_an_overlapping_booking_of_another_client_refuses(people, lines, client_a, client_b):
    giver, taker = people
    book(taker, client_b, lines[1], at(2, 10), hours=4)
    _, swap = offered(giver, client_a, lines[0], at(2, 8))
    with pytest.raises(ConflictError, match="already booked for"):
        swaps.take_shift(swap=swap, taker=taker, actor=taker.user)


def test_approved_time_off_refuses(people, lines, client_a):
    giver, taker = people
    TimeOffRequest.objects.create(
        agent=taker,
        starts_on=at(2, 0).date(),
        ends_on=at(2, 0).date(),
        kind="vacation",
        status="approved",
        days=1,
    )
    _, swap = offered(giver, client_a, lines[0], at(2, 8))
    with pytest.raises(ConflictError, match="has approved vacation"):
        swaps.take_shift(swap=swap, taker=taker, actor=taker.user)


def test_an_agent_who_does_not_serve_the_client_or_lacks_the_skill_cannot_take(
    people, client_a, client_b
):
    giver, taker = people
    AgentServiceLine.objects.filter(agent=taker, client=client_a).delete()
    line = line_of(client_a, "Orders")
    _, swap = offered(giver, client_a, line, at(2, 8))
    with pytest.raises(ConflictError, match="does not serve this line"):
        swaps.take_shift(swap=swap, taker=taker, actor=taker.user)
    skilled_line = line_of(client_b, "Tech", required_skills=["Technical support"])
    _, swap_b = offered(giver, client_b, skilled_line, at(3, 8))
    with pytest.raises(ConflictError, match="lacks the skills Tech needs: Technical support"):
        swaps.take_shift(swap=swap_b, taker=taker, actor=taker.user)


def test_a_giver_below_the_contract_minimum_waits_for_the_scheduler(
    people, lines, client_a, settings
):
    # given
    settings.SWAP_AUTO_APPROVE = True
    giver, taker = people
    giver.min_hours_per_week = Decimal(8)
    giver.save()
    booking, swap = offered(giver, client_a, lines[0], at(2, 8))
    # when
    taken = swaps.take_shift(swap=swap, taker=taker, actor=taker.user)
    # then: taken, not approved; the warning is in words
    assert taken.status == SwapStatus.TAKEN
    assert Booking.objects.get(pk=booking.pk).agent_id == giver.pk
    warnings = swaps.giver_warnings(booking=booking, giver=giver)
    assert warnings == [
        "Giving it away leaves Gina Giver 0 h in the week of Mon 3 Mar, below the contract's "
        "8 h minimum."
    ]
    # and a scheduler approves it: both rows move, both agents are told
    scheduler = make_user("scheduler", client_a, email="wfm-swaps@provider.test")
    mail.outbox.clear()
    with pytest.raises(PermissionDeniedError):
        swaps.approve_swap(swap=taken, actor=taker.user)
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        approved = swaps.approve_swap(swap=taken, actor=scheduler)
    assert approved.status == SwapStatus.APPROVED
    assert approved.decided_by == scheduler
    assert Booking.objects.get(pk=booking.pk).agent_id == taker.pk
    assert shift_agent_id(booking) == taker.pk
    assert sorted(m.to[0] for m in mail.outbox) == ["giver@provider.test", "taker@provider.test"]
    assert "was approved" in mail.outbox[0].body


def test_without_auto_approval_the_scheduler_refuses_with_a_reason(
    people, lines, client_a, settings
):
    settings.SWAP_AUTO_APPROVE = False
    giver, taker = people
    booking, swap = offered(giver, client_a, lines[0], at(2, 8))
    taken = swaps.take_shift(swap=swap, taker=taker, actor=taker.user)
    assert taken.status == SwapStatus.TAKEN
    scheduler = make_user("scheduler", client_a, email="wfm-refuse@provider.test")
    with pytest.raises(Exception, match="Say why"):
        swaps.refuse_swap(swap=taken, reason=" ", actor=scheduler)
    refused = swaps.refuse_swap(swap=taken, reason="Tom is needed on Orders", actor=scheduler)
    assert refused.status == SwapStatus.REFUSED
    assert Booking.objects.get(pk=booking.pk).agent_id == giver.pk


def test_approval_checks_the_rules_again(people, lines, client_a, client_b, settings):
    # given a take waiting; meanwhile the taker was booked the night before
    settings.SWAP_AUTO_APPROVE = False
    giver, taker = people
    booking, swap = offered(giver, client_a, lines[0], at(2, 6))
    taken = swaps.take_shift(swap=swap, taker=taker, actor=taker.user)
    book(taker, client_b, lines[1], at(1, 14), hours=8)
    scheduler = make_user("scheduler", client_a, email="wfm-again@provider.test")
    with pytest.raises(ConflictError, match="Rest between Tue 22:00 and Wed 06:00"):
        swaps.approve_swap(swap=taken, actor=scheduler)
    assert Booking.objects.get(pk=booking.pk).agent_id == giver.pk
    assert shift_agent_id(booking) == giver.pk


def test_a_shift_offered_twice_past_or_not_ones_own_is_refused(people, lines, client_a):
    giver, taker = people
    booking, _ = offered(giver, client_a, lines[0], at(2, 8))
    with pytest.raises(ConflictError, match="already on offer"):
        swaps.offer_shift(booking=booking, actor=giver.user)
    with pytest.raises(PermissionDeniedError):
        swaps.offer_shift(booking=book(giver, client_a, lines[0], at(4, 8)), actor=taker.user)
    past = book(giver, client_a, lines[0], datetime(2020, 1, 6, 8, tzinfo=UTC))
    with pytest.raises(ConflictError, match="has begun"):
        swaps.offer_shift(booking=past, actor=giver.user)


def test_the_giver_withdraws_and_nobody_can_take_it_then(people, lines, client_a):
    giver, taker = people
    _, swap = offered(giver, client_a, lines[0], at(2, 8))
    with pytest.raises(PermissionDeniedError):
        swaps.withdraw_swap(swap=swap, actor=taker.user)
    swaps.withdraw_swap(swap=swap, actor=giver.user)
    with pytest.raises(ConflictError, match="Only an offered shift"):
        swaps.take_shift(swap=swap, taker=taker, actor=taker.user)
