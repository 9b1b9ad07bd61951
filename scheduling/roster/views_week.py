"""The agent's and the team lead's pages of the roster (under ``/roster/``): My week, the
calendar feed, shift swaps and their approval queue, the team's week.

Guards: ``provider_page`` (everyone outside the roster, client users above all, gets 404); My
week and the team week serve the roster's users (a user with no agent row, or leading no team,
is told so); a swap step's right is checked before any row is read (403 for a roster user
whose role never takes it); which agent's shift or swap is the service's check. The calendar
feed has no login: its secret token is the credential (404 for a token that is not).
"""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from bpo.accounts.decorators import provider_page
from bpo.accounts.permissions import can_manage_roster, can_use_roster, provider_roles
from bpo.accounts.roles import APPROVE_SWAPS, MANAGE_ROSTER, OWN_WEEK
from bpo.errors import DomainError, NotFoundError, PermissionDeniedError
from bpo.forms import add_domain_error
from bpo.portal.views import next_url
from scheduling.roster import calendar, selectors, services, swaps, week
from scheduling.roster.forms import TimeOffForm
from scheduling.roster.models import Booking, Team

# Who may take each swap step (the services check whose shift or swap it is).
SWAP_STEP_RIGHTS = {
    "take": OWN_WEEK | MANAGE_ROSTER,
    "withdraw": OWN_WEEK | MANAGE_ROSTER,
    "approve": APPROVE_SWAPS,
    "refuse": APPROVE_SWAPS,
}


def may_approve_swaps(user) -> bool:
    return bool(provider_roles(user) & APPROVE_SWAPS)


def _week_asked(request, default: date) -> date:
    """The Monday of ``?week=YYYY-MM-DD`` (any day of it), or of ``default``."""
    try:
        asked = date.fromisoformat(request.GET.get("week", ""))
    except ValueError:
        asked = default
    return week.week_start_of(asked)


@provider_page(can_use_roster)
def my_week(request):
    """The agent's shifts of a week across clients, each line's script and escalation path,
    open offers of colleagues, time off with its balance and the form to ask for more."""
    agent = selectors.agent_of_user(request.user)
    if agent is None:
        return render(request, "roster/my_week.html", {"agent": None})
    form = TimeOffForm()
    status = 200
    if request.method == "POST":
        form = TimeOffForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.request_time_off(
                    agent=agent,
                    starts_on=data["starts_on"],
                    ends_on=data["ends_on"],
                    kind=data["kind"],
                    note=data["note"],
                    actor=request.user,
                )
                messages.success(request, "Your time-off request was sent to the schedulers.")
                return redirect(reverse("roster:my_week") + f"?week={request.GET.get('week', '')}")
            except PermissionDeniedError as error:
                raise PermissionDenied(error.message) from None
            except DomainError as error:
                add_domain_error(form, error)
        status = 400
    now = timezone.now()
    today = services.agent_today(agent)
    monday = _week_asked(request, today)
    offers = week.list_open_offers_for(agent=agent, now=now)
    the_week = week.agent_week(
        agent=agent, week_starts_on=monday, now=now, also=[o.booking for o in offers]
    )
    feed = week.calendar_feed_of(agent=agent)  # None until the agent asks for an address
    return render(
        request,
        "roster/my_week.html",
        {
            "agent": agent,
            "week": the_week,
            "this_week": week.week_start_of(today),
            "offers": [(offer, the_week.guide_of(offer.booking)) for offer in offers],
            "my_swaps": week.list_swaps_of(agent=agent),
            "balance": services.balance_of(agent=agent, year=today.year, today=today),
            "form": form,
            "feed_url": request.build_absolute_uri(
                reverse("roster:calendar_feed", kwargs={"token": feed.token})
            )
            if feed is not None
            else "",
            "feed": feed,
            "leads_team": bool(week.teams_led_by(request.user)),
        },
        status=status,
    )


@provider_page(can_use_roster)
@require_POST
def calendar_rotate(request):
    """The agent's first calendar address, or a new one (after the page's confirmation): the
    old one ends."""
    agent = selectors.agent_of_user(request.user)
    if agent is None:
        messages.error(request, "Your account is not linked to an agent of the roster.")
    elif week.calendar_feed_of(agent=agent) is None:
        swaps.rotate_calendar_feed(agent=agent, actor=request.user)
        messages.success(request, "Your calendar address is ready; subscribe to it below.")
    elif request.POST.get("confirm") != "yes":
        messages.error(request, "Confirm that the old address should stop working.")
    else:
        swaps.rotate_calendar_feed(agent=agent, actor=request.user)
        messages.success(
            request, "Your calendar has a new address; subscribe to it again in your calendar app."
        )
    return redirect("roster:my_week")


def calendar_feed(request, token: str):
    """The agent's bookings as iCalendar, 4 weeks back to 12 ahead. No login: the token is
    the credential (an unknown one is 404 whatever the method)."""
    try:
        feed = week.feed_of_token(token)
    except NotFoundError:
        raise Http404("No such calendar.") from None
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    now = timezone.now()
    bookings, guides = week.feed_bookings(agent=feed.agent, now=now)
    body = calendar.build_calendar(agent=feed.agent, bookings=bookings, guides=guides, now=now)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="shifts.ics"'
    response["Cache-Control"] = "private, max-age=300"
    response["X-Robots-Tag"] = "noindex"
    return response


@provider_page(can_use_roster)
@require_POST
def swap_offer(request):
    """Offer one of my booked shifts to colleagues."""
    agent = selectors.agent_of_user(request.user)
    back = next_url(request, reverse("roster:my_week"))
    booking = None
    if agent is not None:
        booking = Booking.objects.filter(pk=_int(request.POST.get("booking")), agent=agent).first()
    if booking is None:
        raise Http404("No such shift.")
    try:
        swaps.offer_shift(booking=booking, actor=request.user, note=request.POST.get("note", ""))
        messages.success(request, "Your shift is on offer; a colleague can take it now.")
    except PermissionDeniedError as error:
        raise PermissionDenied(error.message) from None
    except DomainError as error:
        messages.error(request, error.message)
    return redirect(back)


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


@provider_page(can_use_roster)
@require_POST
def swap_step(request, swap_id: int, step: str):
    """Take, withdraw, approve or refuse (with a reason) a swap; the rules' refusal in words."""
    right = SWAP_STEP_RIGHTS.get(step)
    if right is None:
        raise Http404()
    if not provider_roles(request.user) & right:
        raise PermissionDenied("Your role does not allow this.")
    try:
        swap = week.access_swap(swap_id=swap_id)
    except NotFoundError:
        raise Http404("No such swap.") from None
    agent = selectors.agent_of_user(request.user)
    is_manager = can_manage_roster(request.user)
    # An agent reaches only offers of shifts they may take or swaps that are theirs.
    if not is_manager and agent is None:
        raise Http404("No such swap.")
    try:
        done = swaps.run_swap_step(
            name=step,
            swap=swap,
            actor=request.user,
            agent=agent,
            reason=request.POST.get("reason", ""),
        )
        messages.success(request, f"Swap {done.get_status_display().lower()}.")
    except PermissionDeniedError as error:
        raise PermissionDenied(error.message) from None
    except DomainError as error:
        messages.error(request, error.message)
    default = "roster:swaps" if step in ("approve", "refuse") else "roster:my_week"
    return redirect(next_url(request, reverse(default)))


@provider_page(may_approve_swaps)
@require_GET
def swap_queue(request):
    """Swaps taken and waiting for a scheduler, with the giver's warnings; recent decisions."""
    waiting = list(week.list_swaps_to_approve()[:100])
    rows = [
        (swap, swaps.giver_warnings(booking=swap.booking, giver=swap.offered_by))
        for swap in waiting
    ]
    week.with_line_names([swap.booking for swap in waiting])
    return render(
        request,
        "roster/swap_queue.html",
        {
            "rows": rows,
            "decided": week.list_decided_swaps(),
            "auto_approves": swaps.auto_approves(),
        },
    )


@provider_page(can_use_roster)
@require_GET
def team_week(request):
    """A team lead's team (a scheduler: any team) x the seven days of a week."""
    teams = (
        list(selectors.list_teams()) if can_manage_roster(request.user) else None
    ) or week.teams_led_by(request.user)
    asked = _int(request.GET.get("team"))
    team: Team | None = next((t for t in teams if t.pk == asked), teams[0] if teams else None)
    agent = selectors.agent_of_user(request.user)
    zone = agent.time_zone if agent is not None else "UTC"
    today = services.agent_today(agent) if agent is not None else timezone.localdate()
    monday = _week_asked(request, today)
    rows: list[week.TeamRow] = []
    days: list[date] = []
    if team is not None:
        rows, days = week.team_week(team=team, week_starts_on=monday, time_zone=zone)
    week.with_line_names([b for row in rows for cell in row.cells for b in cell.bookings])
    return render(
        request,
        "roster/team_week.html",
        {
            "teams": teams,
            "team": team,
            "rows": rows,
            "days": days,
            "week_starts_on": monday,
            "previous_week": monday - timedelta(days=7),
            "next_week": monday + timedelta(days=7),
            "zone": zone,
        },
    )
