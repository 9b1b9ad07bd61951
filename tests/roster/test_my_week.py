"""My week, the calendar feed, the swap pages and the team's week, through the pages."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import icalendar
import pytest
from django.db.backends.postgresql.psycopg_any import DateTimeTZRange
from django.test import Client as BrowserClient
from django.urls import reverse
from django_tenants.utils import tenant_context

from scheduling.roster import swaps
from scheduling.roster.calendar import booking_uid
from scheduling.roster.models import (
    AgentServiceLine,
    Booking,
    CalendarFeed,
    ShiftSwap,
    SwapStatus,
)
from tests.conftest import make_user
from tests.roster.factories import AgentFactory, TeamFactory
from tests.roster.shifts import book, line_of, shift_agent_id

pytestmark = pytest.mark.django_db


def signed_in(user) -> BrowserClient:
    browser = BrowserClient()
    browser.force_login(user)
    return browser


def this_monday() -> datetime:
    now = datetime.now(UTC)
    return (now - timedelta(days=now.weekday())).replace(hour=0, minute=0, second=0, microsecond=0)


@pytest.fixture
def ana(client_a, client_b):
    user = make_user("agent", client_a, email="ana@provider.test")
    agent = AgentFactory(full_name="Ana Agent", user=user, time_zone="Europe/Lisbon")
    for client in (client_a, client_b):
        AgentServiceLine.objects.create(agent=agent, client=client)
    return agent


@pytest.fixture
def week_of_ana(ana, client_a, client_b):
    """Two shifts next week, for two clients; A's line has a published script and a path."""
    from bpo.catalog.models import ScriptVersionStatus
    from tests.catalog.factories import (
        EscalationPathFactory,
        EscalationTierFactory,
        ScriptFactory,
    )
    from tests.catalog.script_helpers import make_version

    orders, billing = line_of(client_a, "Orders desk"), line_of(client_b, "Billing desk")
    with tenant_context(client_a):
        make_version(
            script=ScriptFactory(service_line=orders, title="Orders greeting"),
            status=ScriptVersionStatus.PUBLISHED,
            sections=[("Opening", "Say **hello**, {{customer_name}}.")],
        )
        path = EscalationPathFactory(service_line=orders, name="Orders escalations")
        EscalationTierFactory(path=path, level=1, contact_name="Maria Lead", contact_role="Lead")
    monday = this_monday() + timedelta(days=7)
    first = book(ana, client_a, orders, monday + timedelta(days=1, hours=8))
    second = book(ana, client_b, billing, monday + timedelta(days=3, hours=14))
    return monday, first, second


def test_my_week_shows_each_shift_with_client_line_script_and_path(
    ana, week_of_ana, django_assert_max_num_queries
):
    # given
    monday, first, _ = week_of_ana
    browser = signed_in(ana.user)
    browser.post(reverse("roster:calendar_rotate"))  # the first address needs no confirmation
    browser.get(reverse("roster:my_week"))
    url = reverse("roster:my_week") + f"?week={monday.date().isoformat()}"
    # when: 26 reads for two clients' schemas (each after django-tenants' SET search_path);
    # per client at most six (lines, published versions, sections, variables, paths, tiers)
    with django_assert_max_num_queries(52):
        response = browser.get(url)
    # then
    assert response.status_code == 200
    text = response.content.decode()
    assert "Acme" in text or "acme" in text.lower()
    assert "Orders desk" in text and "Billing desk" in text
    assert "Orders greeting" in text and "<strong>hello</strong>" in text
    assert "Jane Doe" in text  # the variable's sample value
    assert "Maria Lead (Lead)" in text
    # local times on the agent's clock (Lisbon is UTC+0 in winter, UTC+1 in summer)
    local = first.during.lower.astimezone(__import__("zoneinfo").ZoneInfo("Europe/Lisbon"))
    assert local.strftime("%H:%M") in text
    assert reverse("roster:calendar_feed", kwargs={"token": ana.calendar_feed.token}) in text


def test_my_week_queries_do_not_grow_with_bookings(ana, client_a, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    line = line_of(client_a, "Orders desk")
    monday = this_monday() + timedelta(days=14)
    browser = signed_in(ana.user)
    url = reverse("roster:my_week") + f"?week={monday.date().isoformat()}"
    book(ana, client_a, line, monday + timedelta(hours=8))
    browser.get(url)
    with CaptureQueriesContext(connection) as one:
        browser.get(url)
    for day in range(1, 5):
        book(ana, client_a, line, monday + timedelta(days=day, hours=8))
    with CaptureQueriesContext(connection) as five:
        browser.get(url)
    assert len(five.captured_queries) == len(one.captured_queries)


def test_time_off_is_requested_from_my_week(ana):
    browser = signed_in(ana.user)
    day = (this_monday() + timedelta(days=21)).date()
    response = browser.post(
        reverse("roster:my_week"),
        {"starts_on": day.isoformat(), "ends_on": day.isoformat(), "kind": "training", "note": ""},
    )
    assert response.status_code == 302
    assert ana.time_off.get().kind == "training"
    bad = browser.post(reverse("roster:my_week"), {"starts_on": "", "ends_on": "", "kind": "x"})
    assert bad.status_code == 400


def test_a_user_with_no_agent_row_is_told_so(client_a):
    scheduler = make_user("scheduler", client_a, email="wfm@provider.test")
    response = signed_in(scheduler).get(reverse("roster:my_week"))
    assert response.status_code == 200
    assert "not linked to an agent" in response.content.decode()


# --- the calendar feed ------------------------------------------------------------------------


def _feed(browser, token):
    return browser.get(reverse("roster:calendar_feed", kwargs={"token": token}))


def _events(response) -> dict:
    calendar = icalendar.Calendar.from_ical(response.content)
    return {str(e["uid"]): e for e in calendar.walk("VEVENT")}


def test_the_feed_parsed_back_matches_the_bookings(ana, week_of_ana, client_a, client_b):
    # given
    _, first, second = week_of_ana
    feed = swaps.ensure_calendar_feed(agent=ana)
    anonymous = BrowserClient()
    # when
    response = _feed(anonymous, feed.token)
    # then: one event per booking, with client, line, times and revision
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    events = _events(response)
    assert set(events) == {booking_uid(first), booking_uid(second)}
    for booking, client, line in (
        (first, client_a, "Orders desk"),
        (second, client_b, "Billing desk"),
    ):
        event = events[booking_uid(booking)]
        assert event.decoded("dtstart") == booking.during.lower
        assert event.decoded("dtend") == booking.during.upper
        assert str(event["summary"]) == f"{client.name}: {line}"
        assert int(event["sequence"]) == booking.revision
        assert f"Client: {client.name}" in str(event["description"])
    assert "Escalate to: Maria Lead (Lead)" in str(events[booking_uid(first)]["description"])


def test_a_republished_shift_keeps_its_uid_and_a_removed_one_disappears(ana, week_of_ana):
    # given the feed as a calendar app fetched it
    _, first, second = week_of_ana
    feed = swaps.ensure_calendar_feed(agent=ana)
    before = _events(_feed(BrowserClient(), feed.token))
    # when the plan is republished: the first shift moved two hours later (revision 2), the
    # second removed
    moved_start = first.during.lower + timedelta(hours=2)
    Booking.objects.filter(pk=first.pk).delete()
    Booking.objects.create(
        agent=ana,
        client=first.client,
        service_line_id=first.service_line_id,
        during=DateTimeTZRange(moved_start, moved_start + timedelta(hours=8)),
        plan_id=first.plan_id,
        shift_id=first.shift_id,
        revision=2,
    )
    Booking.objects.filter(pk=second.pk).delete()
    after = _events(_feed(BrowserClient(), feed.token))
    # then
    uid = booking_uid(first)
    assert set(after) == {uid}
    assert after[uid].decoded("dtstart") == moved_start
    assert before[uid].decoded("dtstart") != moved_start
    assert int(after[uid]["sequence"]) > int(before[uid]["sequence"])


def test_an_unknown_token_is_404_and_rotating_ends_the_old_address(ana):
    # given
    feed = swaps.ensure_calendar_feed(agent=ana)
    old = feed.token
    assert _feed(BrowserClient(), old).status_code == 200
    assert _feed(BrowserClient(), "no-such-token").status_code == 404
    browser = signed_in(ana.user)
    # when: without the confirmation nothing changes
    assert "Make my calendar address" not in browser.get(reverse("roster:my_week")).content.decode()
    browser.post(reverse("roster:calendar_rotate"))
    assert CalendarFeed.objects.get(agent=ana).token == old
    response = browser.post(reverse("roster:calendar_rotate"), {"confirm": "yes"})
    # then
    assert response.status_code == 302
    new = CalendarFeed.objects.get(agent=ana).token
    assert new != old
    assert _feed(BrowserClient(), old).status_code == 404
    assert _feed(BrowserClient(), new).status_code == 200
    assert new in browser.get(reverse("roster:my_week")).content.decode()


# --- swaps through the pages ------------------------------------------------------------------


def test_an_offer_is_taken_from_my_week_and_approved_by_the_scheduler(ana, client_a, settings):
    # given
    settings.SWAP_AUTO_APPROVE = False
    colleague_user = make_user("agent", client_a, email="col@provider.test")
    colleague = AgentFactory(full_name="Carla Colleague", user=colleague_user, time_zone="UTC")
    AgentServiceLine.objects.create(agent=colleague, client=client_a)
    line = line_of(client_a, "Orders desk")
    booking = book(colleague, client_a, line, this_monday() + timedelta(days=9, hours=8))
    colleague_browser, ana_browser = signed_in(colleague_user), signed_in(ana.user)
    # when the colleague offers it
    offer = colleague_browser.post(reverse("roster:swap_offer"), {"booking": booking.pk})
    assert offer.status_code == 302
    swap = ShiftSwap.objects.get(booking=booking)
    # an agent cannot offer someone else's shift (not found)
    assert (
        ana_browser.post(reverse("roster:swap_offer"), {"booking": booking.pk}).status_code == 404
    )
    # then Ana sees the offer and takes it
    assert "Carla Colleague" in ana_browser.get(reverse("roster:my_week")).content.decode()
    take = reverse("roster:swap_step", args=[swap.pk, "take"])
    assert ana_browser.post(take).status_code == 302
    assert ShiftSwap.objects.get(pk=swap.pk).status == SwapStatus.TAKEN
    # an agent cannot approve (403); the scheduler's queue lists it and approves it
    approve = reverse("roster:swap_step", args=[swap.pk, "approve"])
    assert ana_browser.post(approve).status_code == 403
    assert ana_browser.get(reverse("roster:swaps")).status_code == 404
    scheduler = signed_in(make_user("scheduler", client_a, email="wfm-page@provider.test"))
    queue = scheduler.get(reverse("roster:swaps")).content.decode()
    assert "Carla Colleague" in queue and "Orders desk" in queue
    assert scheduler.post(approve).status_code == 302
    assert Booking.objects.get(pk=booking.pk).agent_id == ana.pk
    assert shift_agent_id(booking) == ana.pk


def test_the_refusal_of_a_take_is_shown_in_words(ana, client_a, client_b):
    colleague = AgentFactory(full_name="Carla Colleague", time_zone="UTC")
    line_a, line_b = line_of(client_a, "Orders desk"), line_of(client_b, "Billing desk")
    monday = this_monday() + timedelta(days=7)
    book(ana, client_b, line_b, monday + timedelta(days=1, hours=14))  # Tue 14:00-22:00 UTC
    booking = book(colleague, client_a, line_a, monday + timedelta(days=2, hours=6))
    swap = swaps.offer_shift(booking=booking, actor=None)
    browser = signed_in(ana.user)
    response = browser.post(reverse("roster:swap_step", args=[swap.pk, "take"]), follow=True)
    assert "would be 8 h, at least 11 h" in response.content.decode()
    assert ShiftSwap.objects.get(pk=swap.pk).status == SwapStatus.OFFERED


# --- the team's week --------------------------------------------------------------------------


def test_a_team_lead_sees_the_team_week(ana, client_a):
    # given Ana leads a team of two
    team = TeamFactory(name="Iberia", lead_agent=ana)
    member = AgentFactory(full_name="Mateo Member", team=team, time_zone="UTC")
    ana.team = team
    ana.save()
    line = line_of(client_a, "Orders desk")
    monday = this_monday() + timedelta(days=7)
    book(member, client_a, line, monday + timedelta(days=2, hours=9))
    # when
    response = signed_in(ana.user).get(
        reverse("roster:team_week") + f"?week={monday.date().isoformat()}"
    )
    # then
    text = response.content.decode()
    assert response.status_code == 200
    assert "Mateo Member" in text and "Ana Agent" in text
    assert "09:00" in text and "Orders desk" in text
    # an agent who leads no team is told so
    other = make_user("agent", client_a, email="nolead@provider.test")
    assert "You lead no team" in signed_in(other).get(reverse("roster:team_week")).content.decode()


def test_the_first_calendar_address_is_made_on_request_not_by_reading_the_page(ana):
    browser = signed_in(ana.user)
    text = browser.get(reverse("roster:my_week")).content.decode()
    assert "Make my calendar address" in text
    assert not CalendarFeed.objects.filter(agent=ana).exists()
    browser.post(reverse("roster:calendar_rotate"))
    token = CalendarFeed.objects.get(agent=ana).token
    assert token in browser.get(reverse("roster:my_week")).content.decode()


def test_a_scheduler_picks_any_team_and_a_lead_only_their_own(ana, client_a):
    led = TeamFactory(name="Iberia", lead_agent=ana)
    other = TeamFactory(name="Atlantic")
    AgentFactory(full_name="Olga Other", team=other)
    AgentFactory(full_name="Mateo Member", team=led)
    scheduler = signed_in(make_user("scheduler", client_a, email="wfm-team@provider.test"))
    assert (
        "Olga Other"
        in scheduler.get(reverse("roster:team_week") + f"?team={other.pk}").content.decode()
    )
    # the lead asking for another team's id sees their own team
    text = signed_in(ana.user).get(reverse("roster:team_week") + f"?team={other.pk}")
    assert "Olga Other" not in text.content.decode()
    assert "Mateo Member" in text.content.decode()
