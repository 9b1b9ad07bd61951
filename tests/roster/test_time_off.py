"""Time-off rules: the allowance, the team's cap, overlaps, the refusal's reason, own only."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from bpo.errors import ConflictError, DomainError, PermissionDeniedError
from scheduling.roster import services
from scheduling.roster.models import RosterEvent, TimeOffRequest, TimeOffStatus
from tests.conftest import make_user
from tests.roster.factories import AgentFactory, allowance, team_with_cap

pytestmark = pytest.mark.django_db
YEAR = 2031


@pytest.fixture
def scheduler(db):
    return make_user("scheduler", email="wfm@provider.test")


def ask(agent, first: date, last: date, actor, kind="vacation"):
    return services.request_time_off(
        agent=agent, starts_on=first, ends_on=last, kind=kind, actor=actor
    )


def test_approval_within_the_allowance_counts_working_days_only(scheduler):
    # given an agent who never works on Saturdays and Sundays, with 10 days for the year
    agent = AgentFactory(availability={"sat": "off", "sun": "off"})
    allowance(agent, YEAR, 10)
    # when a Monday-to-Sunday week is requested and approved
    request = ask(agent, date(YEAR, 3, 3), date(YEAR, 3, 9), scheduler)
    services.approve_time_off(request=request, actor=scheduler)
    # then it takes five days and five remain
    request.refresh_from_db()
    assert request.status == TimeOffStatus.APPROVED and request.days == 5
    balance = services.balance_of(agent=agent, year=YEAR, today=date(YEAR, 1, 1))
    assert (balance.allowance, balance.planned, balance.taken, balance.remaining) == (
        Decimal(10),
        Decimal(5),
        Decimal(0),
        Decimal(5),
    )
    assert RosterEvent.objects.filter(agent=agent, action="time_off_approved").exists()


def test_approval_beyond_the_allowance_is_refused_with_the_remaining_balance(scheduler):
    # given 10 days, of which 7 are approved already
    agent = AgentFactory()
    allowance(agent, YEAR, 10)
    first = ask(agent, date(YEAR, 5, 1), date(YEAR, 5, 7), scheduler)
    services.approve_time_off(request=first, actor=scheduler)
    second = ask(agent, date(YEAR, 6, 1), date(YEAR, 6, 5), scheduler)
    # when five more days are approved
    with pytest.raises(ConflictError) as refused:
        services.approve_time_off(request=second, actor=scheduler)
    # then it is refused in words naming what remains, and the request still waits
    assert "only 3 days remain" in refused.value.message
    assert "10 days allowed" in refused.value.message
    second.refresh_from_db()
    assert second.status == TimeOffStatus.REQUESTED


def test_sick_leave_does_not_use_the_allowance(scheduler):
    agent = AgentFactory()
    allowance(agent, YEAR, 0)
    request = ask(agent, date(YEAR, 2, 2), date(YEAR, 2, 4), scheduler, kind="sick")
    services.approve_time_off(request=request, actor=scheduler)
    request.refresh_from_db()
    assert request.status == TimeOffStatus.APPROVED


def test_no_allowance_for_the_year_refuses_vacation(scheduler):
    agent = AgentFactory()
    request = ask(agent, date(YEAR, 2, 2), date(YEAR, 2, 4), scheduler)
    with pytest.raises(ConflictError, match=f"no vacation allowance for {YEAR}"):
        services.approve_time_off(request=request, actor=scheduler)


def test_team_cap_refuses_naming_the_full_days(scheduler):
    # given a team of three that may have at most two off at once, two off on 10-11 March
    team = team_with_cap(2, name="Blue")
    agents = [AgentFactory(team=team) for _ in range(3)]
    for agent in agents:
        allowance(agent, YEAR, 25)
    services.approve_time_off(
        request=ask(agents[0], date(YEAR, 3, 10), date(YEAR, 3, 14), scheduler), actor=scheduler
    )
    services.approve_time_off(
        request=ask(agents[1], date(YEAR, 3, 6), date(YEAR, 3, 11), scheduler), actor=scheduler
    )
    third = ask(agents[2], date(YEAR, 3, 9), date(YEAR, 3, 12), scheduler)
    # when the third agent's overlapping request is approved
    with pytest.raises(ConflictError) as refused:
        services.approve_time_off(request=third, actor=scheduler)
    # then the refusal names the two full days and nothing else
    message = refused.value.message
    assert "Team Blue may have at most 2 off at once" in message
    assert "Monday 10 March 2031, Tuesday 11 March 2031." in message
    assert "9 March" not in message and "12 March" not in message


def test_team_cap_lets_the_last_free_place_go(scheduler):
    team = team_with_cap(2)
    first, second = AgentFactory(team=team), AgentFactory(team=team)
    for agent in (first, second):
        allowance(agent, YEAR, 25)
    services.approve_time_off(
        request=ask(first, date(YEAR, 3, 10), date(YEAR, 3, 14), scheduler), actor=scheduler
    )
    request = ask(second, date(YEAR, 3, 10), date(YEAR, 3, 14), scheduler)
    assert services.approve_time_off(request=request, actor=scheduler).status == "approved"


def test_a_request_overlapping_the_agents_own_time_off_is_refused(scheduler):
    agent = AgentFactory()
    allowance(agent, YEAR, 25)
    services.approve_time_off(
        request=ask(agent, date(YEAR, 4, 1), date(YEAR, 4, 5), scheduler), actor=scheduler
    )
    with pytest.raises(ConflictError, match="overlaps vacation 1 Apr 2031 to 5 Apr 2031"):
        ask(agent, date(YEAR, 4, 5), date(YEAR, 4, 8), scheduler, kind="training")
    assert TimeOffRequest.objects.filter(agent=agent).count() == 1


def test_refusal_needs_a_reason_and_keeps_it(scheduler):
    agent = AgentFactory()
    request = ask(agent, date(YEAR, 4, 1), date(YEAR, 4, 2), scheduler)
    with pytest.raises(DomainError) as missing:
        services.refuse_time_off(request=request, reason="  ", actor=scheduler)
    assert missing.value.field == "reason"
    request.refresh_from_db()
    assert request.status == TimeOffStatus.REQUESTED
    services.refuse_time_off(request=request, reason="Peak week", actor=scheduler)
    request.refresh_from_db()
    assert (request.status, request.refusal_reason, request.decided_by) == (
        "refused",
        "Peak week",
        scheduler,
    )


def test_only_a_waiting_request_is_decided(scheduler):
    agent = AgentFactory()
    request = ask(agent, date(YEAR, 4, 1), date(YEAR, 4, 2), scheduler)
    services.refuse_time_off(request=request, reason="No", actor=scheduler)
    with pytest.raises(ConflictError, match="this one is refused"):
        services.approve_time_off(request=request, actor=scheduler)


def test_an_agent_requests_and_cancels_only_their_own(scheduler):
    # given two agents, one of them linked to a login with the agent role
    user = make_user("agent", email="ana@provider.test")
    own, other = AgentFactory(user=user), AgentFactory()
    # then the agent may ask for their own time off, not for another's
    mine = ask(own, date(YEAR, 7, 1), date(YEAR, 7, 2), user)
    assert mine.requested_by == user
    with pytest.raises(PermissionDeniedError):
        ask(other, date(YEAR, 7, 1), date(YEAR, 7, 2), user)
    theirs = ask(other, date(YEAR, 7, 1), date(YEAR, 7, 2), scheduler)
    with pytest.raises(PermissionDeniedError):
        services.cancel_time_off(request=theirs, actor=user)
    services.cancel_time_off(request=mine, actor=user)
    mine.refresh_from_db()
    assert mine.status == TimeOffStatus.CANCELLED


def test_period_must_be_in_order_and_within_employment(scheduler):
    agent = AgentFactory(starts_on=date(YEAR, 1, 1), ends_on=date(YEAR, 6, 30))
    with pytest.raises(DomainError) as backwards:
        ask(agent, date(YEAR, 3, 5), date(YEAR, 3, 4), scheduler)
    assert backwards.value.field == "ends_on"
    with pytest.raises(DomainError, match="not employed"):
        ask(agent, date(YEAR, 6, 29), date(YEAR, 7, 2), scheduler)


def test_ending_an_agent_cancels_later_time_off(scheduler):
    agent = AgentFactory()
    later = ask(agent, date(YEAR, 9, 1), date(YEAR, 9, 2), scheduler)
    services.end_agent(agent=agent, ends_on=date(YEAR, 8, 31), actor=scheduler)
    later.refresh_from_db()
    assert later.status == TimeOffStatus.CANCELLED
