"""Writes of shift swaps and calendar feeds (the roster's services for "My week").

A swap: an agent offers a booked shift that has not begun (``offer_shift``); a colleague who
may serve the client and line and has its skills takes it (``take_shift``), and the rules are
checked for the taker against all their other bookings, across clients: no overlap, one shift
a day, 11 hours of rest, the weekly maximum hours and working days, approved time off, and the
contract's day rules with the roster's forbidden successions (``day_rules``: days in a row,
days off in a row, weekends in four weeks, no day shift after a night shift, with the history
before the week), on the taker's own wall clock. A rule that breaks refuses the take, in words. The giver breaks nothing by giving a shift away, but
may fall below their contract's weekly minimum: that is a warning, shown to the scheduler.

A take with no warning is approved at once when ``settings.SWAP_AUTO_APPROVE`` is true (the
default); otherwise, or with a warning, it waits for a scheduler (``APPROVE_SWAPS``), who
approves (the rules are checked again) or refuses with a reason. Approval moves the booking in
public and the client's ``PlanShift`` row (in the client's schema) to the taker in one
transaction; the ledger's exclusion constraint is the final guard against a double booking.
Every step writes a ``RosterEvent``; approval and refusal e-mail both agents on commit.
"""

from __future__ import annotations

import logging
import secrets
from datetime import datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.mail import get_connection, send_mass_mail
from django.db import IntegrityError, transaction
from django.utils import timezone
from django_tenants.utils import tenant_context

from bpo.accounts.permissions import can_manage_roster, provider_roles
from bpo.accounts.roles import APPROVE_SWAPS
from bpo.dates import format_when
from bpo.errors import ConflictError, DomainError, PermissionDeniedError
from scheduling.roster.day_rules import DayLimits, day_rule_reasons
from scheduling.roster.models import (
    FORBIDDEN_SUCCESSIONS,
    Agent,
    Booking,
    CalendarFeed,
    RosterEventAction,
    ShiftSwap,
    SwapStatus,
    TimeOffRequest,
    TimeOffStatus,
)
from scheduling.roster.optimiser import engine_histories
from scheduling.roster.selectors import local_day_bounds
from scheduling.roster.services import record_roster_event
from scheduling.roster.week import bookings_between, line_guides, week_bounds, week_start_of
from scheduling.roster.work_history import kind_of_times

if TYPE_CHECKING:
    from bpo.accounts.models import User

logger = logging.getLogger(__name__)

MIN_REST = timedelta(hours=11)
NOTE_MAX = ShiftSwap._meta.get_field("note").max_length or 300
REASON_MAX = ShiftSwap._meta.get_field("refusal_reason").max_length or 500
REFUSAL_REASON_REQUIRED = "Say why the swap is refused; both agents read it."


def auto_approves() -> bool:
    """Whether a take that breaks no rule and warns of nothing is approved at once."""
    return bool(getattr(settings, "SWAP_AUTO_APPROVE", True))


def _short(moment: datetime, zone: ZoneInfo) -> str:
    """``Tue 22:00`` on the agent's clock."""
    return format_when(moment, "short", zone=zone)


def _hours(delta: timedelta) -> str:
    hours = delta.total_seconds() / 3600
    return f"{hours:g} h" if hours == int(hours) else f"{hours:.1f} h"


def _length(booking: Booking) -> timedelta:
    return booking.during.upper - booking.during.lower


# --- the rules ------------------------------------------------------------------------------------


def taker_problems(*, booking: Booking, taker: Agent) -> list[str]:
    """Every rule taking ``booking`` would break for ``taker``, in words (empty: none).

    Reads the taker's bookings from a day before the shift's week to a day after it (rest and
    overlaps reach across the week's edges) and their approved time off: two queries."""
    zone = ZoneInfo(taker.time_zone)
    starts_at, ends_at = booking.during.lower, booking.during.upper
    local_day = timezone.localtime(starts_at, zone).date()
    week_start, week_end = week_bounds(week_start_of(local_day), taker.time_zone)
    others = [
        other
        for other in bookings_between(
            [taker.pk], week_start - timedelta(days=1), week_end + timedelta(days=1)
        )
        if other.pk != booking.pk
    ]
    problems: list[str] = []
    if not taker.is_active_on(local_day):
        problems.append(
            f"{taker.full_name} is not employed on {format_when(local_day, 'weekday')}."
        )
    for other in others:
        o_start, o_end = other.during.lower, other.during.upper
        if o_start < ends_at and starts_at < o_end:
            problems.append(
                f"{taker.full_name} is already booked for {other.client.name} from "
                f"{_short(o_start, zone)} to {_short(o_end, zone)}."
            )
            continue
        if timezone.localtime(o_start, zone).date() == local_day:
            problems.append(
                f"{taker.full_name} already has a shift on {format_when(local_day, 'day')} "
                f"({other.client.name}, {_short(o_start, zone)} to {_short(o_end, zone)}); "
                "one shift a day."
            )
        if o_end <= starts_at and starts_at - o_end < MIN_REST:
            problems.append(
                f"Rest between {_short(o_end, zone)} and {_short(starts_at, zone)} would be "
                f"{_hours(starts_at - o_end)}, at least {_hours(MIN_REST)}."
            )
        elif o_start >= ends_at and o_start - ends_at < MIN_REST:
            problems.append(
                f"Rest between {_short(ends_at, zone)} and {_short(o_start, zone)} would be "
                f"{_hours(o_start - ends_at)}, at least {_hours(MIN_REST)}."
            )
    in_week = [
        o
        for o in others
        if week_start <= o.during.lower < week_end
        and not (o.during.lower < ends_at and starts_at < o.during.upper)
    ]
    total = sum((_length(o) for o in in_week), timedelta()) + _length(booking)
    maximum = timedelta(hours=float(taker.max_hours_per_week))
    if total > maximum:
        problems.append(
            f"{taker.full_name} would work {_hours(total)} in the week of "
            f"{format_when(week_start_of(local_day), 'day')}, at most {_hours(maximum)}."
        )
    working_days = {timezone.localtime(o.during.lower, zone).date() for o in in_week} | {local_day}
    if taker.days_per_week and len(working_days) > taker.days_per_week:
        problems.append(
            f"{taker.full_name} would work {len(working_days)} days in the week of "
            f"{format_when(week_start_of(local_day), 'day')}, at most {taker.days_per_week}."
        )
    for off in TimeOffRequest.objects.filter(
        agent=taker,
        status=TimeOffStatus.APPROVED,
        starts_on__lte=(ends_at + timedelta(days=1)).date(),
        ends_on__gte=(starts_at - timedelta(days=1)).date(),
    ):
        off_start, _ = local_day_bounds(off.starts_on, taker.time_zone)
        _, off_end = local_day_bounds(off.ends_on, taker.time_zone)
        if off_start < ends_at and starts_at < off_end:
            problems.append(
                f"{taker.full_name} has approved {off.get_kind_display().lower()} "
                f"{off.period_display}."
            )
    if not problems:
        problems.extend(_day_rule_problems(taker, booking, in_week, zone))
    return problems


def _day_rule_problems(taker: Agent, booking: Booking, in_week: list, zone: ZoneInfo) -> list[str]:
    """The taker's week with the shift, judged by the contract's day rules and the roster's
    forbidden successions, days and kinds on the taker's own clock."""
    monday = week_start_of(timezone.localtime(booking.during.lower, zone).date())
    kinds: dict[int, str] = {}
    for one in [*in_week, booking]:
        day = (timezone.localtime(one.during.lower, zone).date() - monday).days
        if 0 <= day < 7:
            kinds[day] = kind_of_times(one.during.lower, one.during.upper, zone)
    history = engine_histories([taker.pk], monday=monday, time_zone=taker.time_zone)[taker.pk]
    return list(
        day_rule_reasons(
            name=taker.full_name,
            monday=monday,
            kinds=kinds,
            history=history,
            limits=DayLimits(
                max_consecutive_days=taker.max_consecutive_days,
                min_consecutive_days_off=taker.min_consecutive_days_off,
                max_weekends_per_4_weeks=taker.max_weekends_per_4_weeks,
                forbidden_successions=tuple(FORBIDDEN_SUCCESSIONS),
            ),
        ).values()
    )


def giver_warnings(*, booking: Booking, giver: Agent) -> list[str]:
    """What giving ``booking`` away does to the giver's contract: below the weekly minimum."""
    zone = ZoneInfo(giver.time_zone)
    local_day = timezone.localtime(booking.during.lower, zone).date()
    week_start, week_end = week_bounds(week_start_of(local_day), giver.time_zone)
    kept = [
        b
        for b in bookings_between([giver.pk], week_start, week_end)
        if b.pk != booking.pk and week_start <= b.during.lower < week_end
    ]
    left = sum((_length(b) for b in kept), timedelta())
    minimum = timedelta(hours=float(giver.min_hours_per_week))
    if left < minimum:
        return [
            f"Giving it away leaves {giver.full_name} {_hours(left)} in the week of "
            f"{format_when(week_start_of(local_day), 'day')}, below the contract's "
            f"{_hours(minimum)} minimum."
        ]
    return []


def may_serve(*, agent: Agent, booking: Booking) -> str:
    """Why ``agent`` may not serve ``booking``'s client and line ("" when they may): the
    roster's "may serve" rows and the line's required skills (read in the client's schema)."""
    allowed = agent.service_lines.filter(client_id=booking.client_id)
    if not any(row.service_line_id in (None, booking.service_line_id) for row in allowed):
        return f"{agent.full_name} does not serve this line of {booking.client.name}."
    guide = line_guides([(booking.client, booking.service_line_id)]).get(
        (booking.client_id, booking.service_line_id or 0)
    )
    if guide is not None and guide.required_skills:
        held = {name.casefold() for name in agent.skills.values_list("name", flat=True)}
        missing = [s for s in guide.required_skills if s.casefold() not in held]
        if missing:
            return f"{agent.full_name} lacks the skills {guide.name} needs: {', '.join(missing)}."
    return ""


# --- the steps ------------------------------------------------------------------------------------


def _may_act_for(agent: Agent, actor: User | None) -> bool:
    """The agent themself, the roster's managers, or the system (``actor=None``: demo data,
    commands)."""
    if actor is None or can_manage_roster(actor):
        return True
    return actor.pk is not None and agent.user_id == actor.pk


def _lock_swap(swap: ShiftSwap, sources: tuple[str, ...], refusal: str) -> ShiftSwap:
    locked = (
        ShiftSwap.objects.select_for_update(of=("self",))
        .select_related("booking", "booking__client", "offered_by", "taken_by")
        .get(pk=swap.pk)
    )
    if locked.status not in sources:
        raise ConflictError(
            f"{refusal}; this one is {locked.get_status_display().lower()}.", field="status"
        )
    return locked


@transaction.atomic
def offer_shift(
    *, booking: Booking, actor: User | None, note: str = "", now: datetime | None = None
) -> ShiftSwap:
    """The booking's agent offers it to colleagues; only a shift that has not begun, once."""
    now = now or timezone.now()
    booking = (
        Booking.objects.select_for_update().select_related("agent", "client").get(pk=booking.pk)
    )
    if not _may_act_for(booking.agent, actor):
        raise PermissionDeniedError("You can only offer your own shifts.", field="booking")
    if booking.during.lower <= now:
        raise ConflictError("This shift has begun: it can no longer be offered.", field="booking")
    note = " ".join((note or "").split())
    if len(note) > NOTE_MAX:
        raise DomainError(f"At most {NOTE_MAX} characters.", field="note")
    try:
        with transaction.atomic():
            swap = ShiftSwap.objects.create(booking=booking, offered_by=booking.agent, note=note)
    except IntegrityError as error:
        if "roster_swap_one_open_per_booking" not in str(error):
            raise
        raise ConflictError("This shift is already on offer.", field="booking") from None
    zone = ZoneInfo(booking.agent.time_zone)
    record_roster_event(
        action=RosterEventAction.SWAP_OFFERED,
        actor=actor,
        agent=booking.agent,
        summary=f"{booking.agent.full_name} offers the {booking.client.name} shift of "
        f"{_short(booking.during.lower, zone)} to {_short(booking.during.upper, zone)}",
        details={"swap": swap.pk, "booking": booking.pk},
    )
    return swap


@transaction.atomic
def take_shift(
    *, swap: ShiftSwap, taker: Agent, actor: User | None, now: datetime | None = None
) -> ShiftSwap:
    """``taker`` takes an offered shift: refused in words when a rule breaks for them; else
    taken, and approved at once when nothing warns and the setting allows it."""
    now = now or timezone.now()
    if not _may_act_for(taker, actor):
        raise PermissionDeniedError("You can only take shifts for yourself.", field="agent")
    swap = _lock_swap(swap, (SwapStatus.OFFERED,), "Only an offered shift can be taken")
    booking = swap.booking
    if swap.offered_by_id == taker.pk:
        raise ConflictError("This is your own offer.", field="agent")
    if booking.during.lower <= now:
        raise ConflictError("This shift has begun: it can no longer be taken.", field="booking")
    taker = Agent.objects.select_for_update().get(pk=taker.pk)
    refusal = may_serve(agent=taker, booking=booking)
    if refusal:
        raise ConflictError(refusal, field="agent")
    problems = taker_problems(booking=booking, taker=taker)
    if problems:
        raise ConflictError(" ".join(problems), field="agent", fields={"agent": problems})
    swap.taken_by = taker
    swap.taken_at = now
    swap.status = SwapStatus.TAKEN
    swap.save(update_fields=["taken_by", "taken_at", "status"])
    record_roster_event(
        action=RosterEventAction.SWAP_TAKEN,
        actor=actor,
        agent=taker,
        summary=f"{taker.full_name} takes {swap.offered_by.full_name}'s shift for "
        f"{booking.client.name}",
        details={"swap": swap.pk, "booking": booking.pk},
    )
    if auto_approves() and not giver_warnings(booking=booking, giver=swap.offered_by):
        return _approve(swap, actor=None, said="approved at once (no rule breaks)")
    return swap


@transaction.atomic
def approve_swap(*, swap: ShiftSwap, actor: User | None) -> ShiftSwap:
    """A scheduler approves a taken swap; the taker's rules are checked again (their week may
    have changed since they took it)."""
    _check_approver(actor)
    swap = _lock_swap(swap, (SwapStatus.TAKEN,), "Only a taken swap waits for approval")
    return _approve(swap, actor=actor, said="approved")


def _check_approver(actor: User | None) -> None:
    if actor is not None and not provider_roles(actor) & APPROVE_SWAPS:
        raise PermissionDeniedError("Only schedulers decide on swaps.", field="status")


def _approve(swap: ShiftSwap, *, actor: User | None, said: str) -> ShiftSwap:
    """Move the booking and the client's shift row to the taker (inside the caller's
    transaction), record the decision, tell both agents on commit."""
    booking = Booking.objects.select_for_update().select_related("client").get(pk=swap.booking_id)
    taker = swap.taken_by
    assert taker is not None
    if booking.agent_id != swap.offered_by_id:
        raise ConflictError(
            "The shift was changed since it was offered (republished or swapped): "
            "it can no longer be swapped.",
            field="status",
        )
    problems = taker_problems(booking=booking, taker=taker)
    if problems:
        raise ConflictError(" ".join(problems), field="agent", fields={"agent": problems})
    try:
        with transaction.atomic():
            booking.agent = taker
            booking.save(update_fields=["agent"])
    except IntegrityError as error:
        if "roster_booking_no_overlap" not in str(error):
            raise
        raise ConflictError(
            f"{taker.full_name} was booked at that time meanwhile.", field="agent"
        ) from None
    _move_plan_shift(booking, swap.offered_by, taker, actor)
    swap.status = SwapStatus.APPROVED
    swap.decided_by = actor
    swap.decided_at = timezone.now()
    swap.save(update_fields=["status", "decided_by", "decided_at"])
    record_roster_event(
        action=RosterEventAction.SWAP_APPROVED,
        actor=actor,
        agent=taker,
        summary=f"Swap of {swap.offered_by.full_name}'s {booking.client.name} shift to "
        f"{taker.full_name} {said}",
        details={"swap": swap.pk, "booking": booking.pk, "shift": booking.shift_id},
    )
    swap_id = swap.pk
    transaction.on_commit(lambda: _tell_agents(swap_id))
    return swap


def _move_plan_shift(booking: Booking, giver: Agent, taker: Agent, actor: User | None) -> None:
    """The client's shift row follows its booking and its plan records the swap as a revision
    (same transaction, the client's schema)."""
    from scheduling.planning.services.publishing import record_swap

    with tenant_context(booking.client):
        record_swap(
            plan_id=booking.plan_id,
            shift_id=booking.shift_id,
            giver=giver,
            taker=taker,
            actor=actor,
        )


@transaction.atomic
def refuse_swap(*, swap: ShiftSwap, reason: str, actor: User | None) -> ShiftSwap:
    _check_approver(actor)
    reason = " ".join((reason or "").split())
    if not reason:
        raise DomainError(REFUSAL_REASON_REQUIRED, field="reason")
    if len(reason) > REASON_MAX:
        raise DomainError(f"At most {REASON_MAX} characters.", field="reason")
    swap = _lock_swap(swap, (SwapStatus.TAKEN,), "Only a taken swap waits for a decision")
    swap.status = SwapStatus.REFUSED
    swap.refusal_reason = reason
    swap.decided_by = actor
    swap.decided_at = timezone.now()
    swap.save(update_fields=["status", "refusal_reason", "decided_by", "decided_at"])
    record_roster_event(
        action=RosterEventAction.SWAP_REFUSED,
        actor=actor,
        agent=swap.offered_by,
        summary=f"Swap of {swap.offered_by.full_name}'s {swap.booking.client.name} shift "
        f"refused: {reason}",
        details={"swap": swap.pk, "booking": swap.booking_id},
    )
    swap_id = swap.pk
    transaction.on_commit(lambda: _tell_agents(swap_id))
    return swap


@transaction.atomic
def withdraw_swap(*, swap: ShiftSwap, actor: User | None) -> ShiftSwap:
    """The giver withdraws an offer not yet approved (or a scheduler does)."""
    swap = _lock_swap(
        swap, (SwapStatus.OFFERED, SwapStatus.TAKEN), "Only an open offer can be withdrawn"
    )
    if not _may_act_for(swap.offered_by, actor):
        raise PermissionDeniedError("You can only withdraw your own offers.", field="status")
    swap.status = SwapStatus.CANCELLED
    swap.save(update_fields=["status"])
    record_roster_event(
        action=RosterEventAction.SWAP_CANCELLED,
        actor=actor,
        agent=swap.offered_by,
        summary=f"{swap.offered_by.full_name} withdrew the offer of a "
        f"{swap.booking.client.name} shift",
        details={"swap": swap.pk, "booking": swap.booking_id},
    )
    return swap


# The swap steps the pages take (who may is each service's check).
STEPS = ("take", "withdraw", "approve", "refuse")


def run_swap_step(*, name: str, swap: ShiftSwap, actor: User, agent: Agent | None, reason: str):
    if name == "take":
        if agent is None:
            raise PermissionDeniedError("Your account is not linked to an agent.", field="agent")
        return take_shift(swap=swap, taker=agent, actor=actor)
    if name == "withdraw":
        return withdraw_swap(swap=swap, actor=actor)
    if name == "approve":
        return approve_swap(swap=swap, actor=actor)
    if name == "refuse":
        return refuse_swap(swap=swap, reason=reason, actor=actor)
    raise DomainError("No such step.", field="step")


def _tell_agents(swap_id: int) -> None:
    """One e-mail to each of the two agents with an account. Logged when it cannot be sent;
    the decision stands."""
    swap = (
        ShiftSwap.objects.select_related(
            "booking", "booking__client", "offered_by__user", "taken_by__user"
        )
        .filter(pk=swap_id)
        .first()
    )
    if swap is None or swap.taken_by is None:
        return
    booking = swap.booking
    subject = f"Shift swap {swap.get_status_display().lower()}: {booking.client.name}"
    messages = []
    for agent in (swap.offered_by, swap.taken_by):
        if agent.user is None or not agent.user.email:
            continue
        zone = ZoneInfo(agent.time_zone)
        shift = (
            f"the {booking.client.name} shift from "
            f"{format_when(booking.during.lower, 'weekday', zone=zone)} to "
            f"{format_when(booking.during.upper, 'time', zone=zone)}"
        )
        if swap.status == SwapStatus.APPROVED:
            body = (
                f"The swap of {shift} was approved: it is now {swap.taken_by.full_name}'s "
                f"(it was {swap.offered_by.full_name}'s)."
            )
        else:
            body = f"The swap of {shift} was refused: {swap.refusal_reason}"
        messages.append((subject, body + "\n", settings.DEFAULT_FROM_EMAIL, [agent.user.email]))
    try:
        send_mass_mail(messages, connection=get_connection())
    except Exception:  # the SMTP server's errors are many; the decision is committed
        logger.exception("Could not e-mail the agents of swap %s", swap_id)


# --- the calendar feed ----------------------------------------------------------------------------


def ensure_calendar_feed(*, agent: Agent) -> CalendarFeed:
    """The agent's feed, made when first asked for (demo data, tests)."""
    feed, _ = CalendarFeed.objects.get_or_create(agent=agent)
    return feed


@transaction.atomic
def rotate_calendar_feed(*, agent: Agent, actor: User | None) -> CalendarFeed:
    """The agent's first secret address, or a new one: the old one answers 404 from now on."""
    feed, created = CalendarFeed.objects.select_for_update().get_or_create(agent=agent)
    if not created:
        feed.token = secrets.token_urlsafe()
        feed.rotated_at = timezone.now()
        feed.save(update_fields=["token", "rotated_at"])
    record_roster_event(
        action=RosterEventAction.CALENDAR_ROTATED,
        actor=actor,
        agent=agent,
        summary=f"{agent.full_name}'s calendar address was renewed; the old one stopped working",
    )
    return feed
