"""My week, the calendar address and shift swaps through the API: an agent reads only their own
week (bookings of every client), rotates their feed, offers and takes shifts with the rules
checked (a broken rule is a 409 listing each), schedulers approve or refuse; who sees which
swap."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client as BrowserClient

from bpo.accounts.roles import Role
from scheduling.roster.models import AgentServiceLine, Booking, ShiftSwap, SwapStatus
from tests.conftest import make_user, token_client
from tests.roster.factories import AgentFactory
from tests.roster.shifts import book, line_of, shift_agent_id

pytestmark = pytest.mark.django_db
MY_WEEK = "/api/v1/roster/my-week/"
SWAPS = "/api/v1/roster/swaps/"
# A Monday well ahead, so every shift is in the future.
MONDAY = datetime(2031, 3, 3, tzinfo=UTC)


def at(day: int, hour: int) -> datetime:
    return MONDAY + timedelta(days=day, hours=hour)


@pytest.fixture
def people(client_a, client_b):
    giver_user = make_user(Role.AGENT, client_a, email="giver-api@provider.test")
    taker_user = make_user(Role.AGENT, client_a, email="taker-api@provider.test")
    giver = AgentFactory(full_name="Gina Giver", user=giver_user, time_zone="UTC")
    taker = AgentFactory(full_name="Tom Taker", user=taker_user, time_zone="UTC")
    for agent in (giver, taker):
        AgentServiceLine.objects.create(agent=agent, client=client_a)
        AgentServiceLine.objects.create(agent=agent, client=client_b)
    return giver, taker


@pytest.fixture
def lines(client_a, client_b):
    return line_of(client_a, "Orders"), line_of(client_b, "Billing")


@pytest.fixture
def scheduler(client_a):
    return make_user(Role.SCHEDULER, client_a, email="wfm-swaps@provider.test")


def test_my_week_holds_my_bookings_of_every_client_and_nobody_elses(
    people, lines, client_a, client_b, account_manager, client_a_admin
):
    giver, taker = people
    book(giver, client_a, lines[0], at(0, 8))
    book(giver, client_b, lines[1], at(2, 14), hours=6)
    book(taker, client_a, lines[0], at(1, 8))
    # when
    response = token_client(giver.user).get(MY_WEEK, {"week": "2031-03-05"})
    # then
    assert response.status_code == 200
    week = response.json()
    assert (week["agent"]["full_name"], week["week_starts_on"], week["shift_count"]) == (
        "Gina Giver",
        "2031-03-03",
        2,
    )
    shifts = [s for day in week["days"] for s in day["shifts"]]
    assert [(s["client"]["slug"], s["line_name"], s["hours"]) for s in shifts] == [
        (client_a.slug, "Orders", 8.0),
        (client_b.slug, "Billing", 6.0),
    ]
    assert week["hours"] == 14.0
    assert {guide["name"] for guide in week["guides"]} == {"Orders", "Billing"}
    # the taker's week has only the taker's shift
    theirs = token_client(taker.user).get(MY_WEEK, {"week": "2031-03-03"}).json()
    assert [s["starts_at"] for d in theirs["days"] for s in d["shifts"]] == ["2031-03-04T08:00:00Z"]
    # a roster reader with no agent row: not found; a client user: not found
    assert token_client(account_manager).get(MY_WEEK).status_code == 404
    assert token_client(client_a_admin).get(MY_WEEK).status_code == 404
    assert token_client(giver.user).get(MY_WEEK, {"week": "soon"}).status_code == 400


def test_the_calendar_address_is_made_then_rotated(people):
    giver, _ = people
    api = token_client(giver.user)
    assert api.get(f"{MY_WEEK}calendar/").json()["url"] is None
    first = api.post(f"{MY_WEEK}calendar/rotate/").json()["url"]
    assert first.startswith("http") and first.endswith(".ics")
    assert api.get(f"{MY_WEEK}calendar/").json()["url"] == first
    second = api.post(f"{MY_WEEK}calendar/rotate/").json()["url"]
    assert second != first
    browser = BrowserClient()
    path = lambda url: url.split("testserver", 1)[1]  # noqa: E731
    assert browser.get(path(first)).status_code == 404
    assert browser.get(path(second)).status_code == 200


def test_offer_take_and_approve_at_once_moves_the_booking_and_the_shift_row(
    people, lines, client_a, settings
):
    settings.SWAP_AUTO_APPROVE = True
    giver, taker = people
    booking = book(giver, client_a, lines[0], at(2, 8))
    other = book(taker, client_a, lines[0], at(4, 8))
    giving = token_client(giver.user)
    # an agent cannot offer someone else's shift: it does not exist for them
    assert giving.post(SWAPS, {"booking": other.pk}, format="json").status_code == 404
    offered = giving.post(SWAPS, {"booking": booking.pk, "note": "Dentist"}, format="json")
    assert offered.status_code == 201, offered.json()
    swap_id = offered.json()["id"]
    assert offered.json()["booking"]["line_name"] == "Orders"
    taking = token_client(taker.user)
    assert [row["id"] for row in taking.get(f"{SWAPS}offers/").json()["results"]] == [swap_id]
    # when
    taken = taking.post(f"{SWAPS}{swap_id}/take/")
    # then
    assert taken.status_code == 200, taken.json()
    assert (taken.json()["status"], taken.json()["taken_by"]["full_name"]) == (
        "approved",
        "Tom Taker",
    )
    assert Booking.objects.get(pk=booking.pk).agent_id == taker.pk
    assert shift_agent_id(booking) == taker.pk
    # both see it among their swaps
    for user in (giver.user, taker.user):
        assert [r["id"] for r in token_client(user).get(SWAPS).json()["results"]] == [swap_id]


def test_a_take_that_breaks_rest_is_409_listing_the_rule(people, lines, client_a, client_b):
    giver, taker = people
    book(taker, client_b, lines[1], at(1, 14))  # until Tue 22:00 for client B
    booking = book(giver, client_a, lines[0], at(2, 6))  # Wed 06:00
    swap_id = token_client(giver.user).post(SWAPS, {"booking": booking.pk}).json()["id"]
    refused = token_client(taker.user).post(f"{SWAPS}{swap_id}/take/")
    assert refused.status_code == 409
    assert refused.json()["error"]["fields"]["agent"] == [
        "Rest between Tue 22:00 and Wed 06:00 would be 8 h, at least 11 h."
    ]
    assert ShiftSwap.objects.get(pk=swap_id).status == SwapStatus.OFFERED
    assert Booking.objects.get(pk=booking.pk).agent_id == giver.pk


def test_a_scheduler_approves_or_refuses_and_agents_may_not(
    people, lines, client_a, scheduler, account_manager, settings
):
    settings.SWAP_AUTO_APPROVE = False
    giver, taker = people
    first = book(giver, client_a, lines[0], at(2, 8))
    second = book(giver, client_a, lines[0], at(3, 8))
    ids = [
        token_client(giver.user).post(SWAPS, {"booking": b.pk}).json()["id"]
        for b in (first, second)
    ]
    for swap_id in ids:
        assert token_client(taker.user).post(f"{SWAPS}{swap_id}/take/").json()["status"] == "taken"
    # the taker may not decide; a roster reader without the right neither (403)
    assert token_client(taker.user).post(f"{SWAPS}{ids[0]}/approve/").status_code == 403
    assert token_client(account_manager).post(f"{SWAPS}{ids[0]}/approve/").status_code == 403
    assert token_client(account_manager).get(SWAPS).status_code == 403
    planner = token_client(scheduler)
    waiting = planner.get(SWAPS, {"status": "taken"}).json()["results"]
    assert sorted(row["id"] for row in waiting) == sorted(ids)
    # when
    approved = planner.post(f"{SWAPS}{ids[0]}/approve/")
    no_reason = planner.post(f"{SWAPS}{ids[1]}/refuse/", {"reason": " "}, format="json")
    refused = planner.post(f"{SWAPS}{ids[1]}/refuse/", {"reason": "Short that day"})
    # then
    assert approved.json()["status"] == "approved"
    assert Booking.objects.get(pk=first.pk).agent_id == taker.pk
    assert no_reason.status_code == 400
    assert (refused.json()["status"], refused.json()["refusal_reason"]) == (
        "refused",
        "Short that day",
    )
    assert Booking.objects.get(pk=second.pk).agent_id == giver.pk


def test_an_agent_sees_only_their_swaps_and_offers_they_may_serve(
    people, lines, client_a, client_b
):
    giver, _taker = people
    outsider_user = make_user(Role.AGENT, client_a, email="outsider-api@provider.test")
    outsider = AgentFactory(full_name="Olga Other", user=outsider_user, time_zone="UTC")
    AgentServiceLine.objects.create(agent=outsider, client=client_b)  # not client A
    booking = book(giver, client_a, lines[0], at(2, 8))
    swap_id = token_client(giver.user).post(SWAPS, {"booking": booking.pk}).json()["id"]
    api = token_client(outsider_user)
    assert api.get(SWAPS).json()["results"] == []
    assert api.get(f"{SWAPS}offers/").json()["results"] == []
    assert api.get(f"{SWAPS}{swap_id}/").status_code == 404
    assert api.post(f"{SWAPS}{swap_id}/take/").status_code == 404
    assert api.post(f"{SWAPS}{swap_id}/withdraw/").status_code == 404
    assert ShiftSwap.objects.get(pk=swap_id).status == SwapStatus.OFFERED


def test_a_team_lead_reads_their_teams_week_and_no_other(people, lines, client_a, scheduler):
    from tests.roster.factories import TeamFactory

    giver, taker = people
    blue, red = TeamFactory(name="Blue"), TeamFactory(name="Red")
    giver.team, taker.team = blue, red
    giver.save(update_fields=["team"])
    taker.save(update_fields=["team"])
    blue.lead_agent = taker  # Tom leads Blue, and is in Red himself
    blue.save()
    book(giver, client_a, lines[0], at(1, 8))
    lead = token_client(taker.user)
    # when
    response = lead.get("/api/v1/roster/team-week/", {"week": "2031-03-03"})
    # then
    assert response.status_code == 200
    body = response.json()
    assert body["team"]["name"] == "Blue"
    assert [row["agent"]["full_name"] for row in body["agents"]] == ["Gina Giver"]
    tuesday = body["agents"][0]["days"][1]
    assert [(s["line_name"], s["hours"]) for s in tuesday["shifts"]] == [("Orders", 8.0)]
    # another team is not found for the lead; a member who leads none neither
    assert lead.get("/api/v1/roster/team-week/", {"team": red.pk}).status_code == 404
    assert token_client(giver.user).get("/api/v1/roster/team-week/").status_code == 404
    # a scheduler reads any team
    planner = token_client(scheduler)
    assert (
        planner.get("/api/v1/roster/team-week/", {"team": red.pk}).json()["team"]["name"] == "Red"
    )
