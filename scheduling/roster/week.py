"""Reads of an agent's week (the roster's selectors for "My week", the team lead's week and
the calendar feed), from the booking ledger in public.

A booking names its client and the line's id in that client's schema; the line's name, its
published script and its escalation path live there. They are read once per client shown (a
fixed number of queries in each schema, whatever the number of bookings), never per booking.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.backends.postgresql.psycopg_any import DateTimeTZRange
from django.db.models import Count, Min, Prefetch, Q, QuerySet
from django_tenants.utils import tenant_context

from bpo.catalog.models import (
    EscalationPath,
    EscalationTier,
    ScriptSection,
    ScriptVersion,
    ScriptVersionStatus,
    ServiceLine,
)
from bpo.catalog.selectors.scripts import rendered_sections_with_samples
from bpo.errors import NotFoundError
from scheduling.roster.models import (
    Agent,
    Booking,
    CalendarFeed,
    ShiftSwap,
    SwapStatus,
    Team,
    TimeOffRequest,
    TimeOffStatus,
)

# The calendar feed's window: what a calendar app shows of the past and plans ahead.
FEED_WEEKS_BACK = 4
FEED_WEEKS_AHEAD = 12
OPEN_SWAP_STATUSES = (SwapStatus.OFFERED, SwapStatus.TAKEN)


def week_start_of(day: date) -> date:
    """The Monday of ``day``'s week."""
    return day - timedelta(days=day.weekday())


def week_bounds(week_starts_on: date, time_zone: str) -> tuple[datetime, datetime]:
    """Monday 00:00 to the next Monday 00:00 in ``time_zone`` (aware; 167 or 169 hours
    across a DST change)."""
    zone = ZoneInfo(time_zone)
    start = datetime.combine(week_starts_on, time(0), tzinfo=zone)
    end = datetime.combine(week_starts_on + timedelta(days=7), time(0), tzinfo=zone)
    return start, end


def bookings_between(
    agent_ids: Iterable[int], starts_at: datetime, ends_at: datetime
) -> QuerySet[Booking]:
    """Bookings of ``agent_ids`` overlapping ``[starts_at, ends_at)``, with client and agent."""
    return (
        Booking.objects.filter(
            agent_id__in=list(agent_ids), during__overlap=DateTimeTZRange(starts_at, ends_at)
        )
        .select_related("client", "agent")
        .order_by("during", "agent_id")
    )


# --- what a client's schema tells about its lines ---------------------------------------------


@dataclass
class LineGuide:
    """A line an agent is booked on: its name, its published script, its escalation path."""

    client_id: int
    client_name: str
    line_id: int
    name: str
    required_skills: list[str] = field(default_factory=list)
    script_title: str = ""
    script_version: int | None = None
    sections: list[dict] = field(default_factory=list)
    escalation_name: str = ""
    escalation_notes: str = ""
    tiers: list[dict] = field(default_factory=list)

    @property
    def key(self) -> str:
        return f"{self.client_id}-{self.line_id}"


def line_guides(pairs: Iterable[tuple]) -> dict[tuple[int, int], LineGuide]:
    """The ``LineGuide`` of each ``(client, line_id)``: per client, one schema switch and four
    queries (lines, published versions with their sections, escalation paths with tiers)."""
    by_client: dict[int, tuple] = {}
    for client, line_id in pairs:
        if line_id is None:
            continue
        by_client.setdefault(client.pk, (client, set()))[1].add(line_id)
    guides: dict[tuple[int, int], LineGuide] = {}
    for client, line_ids in by_client.values():
        with tenant_context(client):
            for line in ServiceLine.objects.filter(pk__in=line_ids).only(
                "id", "name", "required_skills"
            ):
                guides[(client.pk, line.pk)] = LineGuide(
                    client_id=client.pk,
                    client_name=client.name,
                    line_id=line.pk,
                    name=line.name,
                    required_skills=list(line.required_skills or []),
                )
            versions = (
                ScriptVersion.objects.filter(
                    status=ScriptVersionStatus.PUBLISHED, script__service_line_id__in=line_ids
                )
                .select_related("script")
                .prefetch_related(
                    Prefetch("sections", queryset=ScriptSection.objects.order_by("position")),
                    "variables",
                )
            )
            for version in versions:
                guide = guides.get((client.pk, version.script.service_line_id))
                if guide is None:
                    continue
                guide.script_title = version.script.title
                guide.script_version = version.number
                guide.sections = rendered_sections_with_samples(version)
            paths = EscalationPath.objects.filter(service_line_id__in=line_ids).prefetch_related(
                Prefetch("tiers", queryset=EscalationTier.objects.order_by("level"))
            )
            for path in paths:
                guide = guides.get((client.pk, path.service_line_id))
                if guide is None:
                    continue
                guide.escalation_name = path.name
                guide.escalation_notes = path.notes
                guide.tiers = [
                    {
                        "level": tier.level,
                        "trigger": _tier_trigger(tier),
                        "contact": f"{tier.contact_name} ({tier.contact_role})",
                        "channel": tier.get_channel_display(),
                        "reach": tier.phone or tier.email,
                        "within": tier.respond_within_minutes,
                    }
                    for tier in path.tiers.all()
                ]
    return guides


def _tier_trigger(tier) -> str:
    if tier.trigger_kind == "severity":
        return f"Severity {tier.get_min_severity_display()} or worse"
    return f"Unresolved after {tier.unresolved_minutes} min"


# --- My week --------------------------------------------------------------------------------------


@dataclass
class WeekShift:
    booking: Booking
    guide: LineGuide | None
    swap: ShiftSwap | None = None
    is_future: bool = False

    @property
    def starts_at(self) -> datetime:
        return self.booking.during.lower

    @property
    def ends_at(self) -> datetime:
        return self.booking.during.upper

    @property
    def hours(self) -> float:
        return (self.ends_at - self.starts_at).total_seconds() / 3600

    @property
    def line_name(self) -> str:
        if self.guide is not None:
            return self.guide.name
        return "Any line" if self.booking.service_line_id is None else "A line"


@dataclass
class WeekDay:
    day: date
    shifts: list[WeekShift]
    time_off: list[TimeOffRequest]


@dataclass
class AgentWeek:
    agent: Agent
    week_starts_on: date
    days: list[WeekDay]
    guides: list[LineGuide]
    all_guides: dict[tuple[int, int], LineGuide] = field(default_factory=dict)

    def guide_of(self, booking: Booking) -> LineGuide | None:
        return self.all_guides.get((booking.client_id, booking.service_line_id or 0))

    @property
    def hours(self) -> float:
        return sum(s.hours for d in self.days for s in d.shifts)

    @property
    def shift_count(self) -> int:
        return sum(len(d.shifts) for d in self.days)

    @property
    def previous_week(self) -> date:
        return self.week_starts_on - timedelta(days=7)

    @property
    def next_week(self) -> date:
        return self.week_starts_on + timedelta(days=7)

    @property
    def ends_on(self) -> date:
        return self.week_starts_on + timedelta(days=6)


def agent_week(
    *, agent: Agent, week_starts_on: date, now: datetime, also: Sequence[Booking] = ()
) -> AgentWeek:
    """The agent's bookings of the week (Monday to Sunday on the agent's clock) across every
    client, each with its line's guide and its open swap, and the time off of those days.

    ``also``: other bookings (colleagues' offers) whose lines' guides are read in the same
    pass over the clients' schemas (``AgentWeek.all_guides``)."""
    starts_at, ends_at = week_bounds(week_starts_on, agent.time_zone)
    bookings = list(bookings_between([agent.pk], starts_at, ends_at))
    guides = line_guides((b.client, b.service_line_id) for b in [*bookings, *also])
    own_lines = {(b.client_id, b.service_line_id or 0) for b in bookings}
    swaps = {
        swap.booking_id: swap
        for swap in ShiftSwap.objects.filter(
            booking__in=bookings, status__in=OPEN_SWAP_STATUSES
        ).select_related("taken_by")
    }
    zone = ZoneInfo(agent.time_zone)
    last = week_starts_on + timedelta(days=6)
    time_off = list(
        TimeOffRequest.objects.filter(
            agent=agent,
            status__in=[TimeOffStatus.APPROVED, TimeOffStatus.REQUESTED],
            starts_on__lte=last,
            ends_on__gte=week_starts_on,
        ).order_by("starts_on")
    )
    days = []
    for offset in range(7):
        day = week_starts_on + timedelta(days=offset)
        shifts = [
            WeekShift(
                booking=b,
                guide=guides.get((b.client_id, b.service_line_id or 0)),
                swap=swaps.get(b.pk),
                is_future=b.during.lower > now,
            )
            for b in bookings
            if b.during.lower.astimezone(zone).date() == day
        ]
        off = [r for r in time_off if r.starts_on <= day <= r.ends_on]
        days.append(WeekDay(day=day, shifts=shifts, time_off=off))
    ordered = sorted(
        (g for k, g in guides.items() if k in own_lines), key=lambda g: (g.client_name, g.name)
    )
    return AgentWeek(
        agent=agent, week_starts_on=week_starts_on, days=days, guides=ordered, all_guides=guides
    )


# --- swaps ----------------------------------------------------------------------------------------


def swap_queryset() -> QuerySet[ShiftSwap]:
    return ShiftSwap.objects.select_related(
        "booking", "booking__client", "offered_by", "taken_by", "decided_by"
    )


def list_open_offers_for(*, agent: Agent, now: datetime) -> list[ShiftSwap]:
    """Offers of colleagues that ``agent`` may serve (the client, and the line or all its
    lines) and that have not begun; whether taking one breaks a rule is the service's check."""
    allowed = Q()
    has_any = False
    for line in agent.service_lines.all():
        has_any = True
        if line.service_line_id is None:
            allowed |= Q(booking__client_id=line.client_id)
        else:
            allowed |= Q(
                booking__client_id=line.client_id, booking__service_line_id=line.service_line_id
            )
    if not has_any:
        return []
    return list(
        swap_queryset()
        .filter(allowed, status=SwapStatus.OFFERED, booking__during__startswith__gt=now)
        .exclude(offered_by=agent)
        .order_by("booking__during")
    )


def list_swaps_of(*, agent: Agent, limit: int = 20) -> list[ShiftSwap]:
    """The agent's swaps, offered or taken, latest first."""
    return list(swap_queryset().filter(Q(offered_by=agent) | Q(taken_by=agent))[:limit])


def list_swaps_to_approve() -> QuerySet[ShiftSwap]:
    """Taken swaps waiting for a scheduler (the roster's managers see every one)."""
    return swap_queryset().filter(status=SwapStatus.TAKEN).order_by("taken_at", "id")


def list_decided_swaps(*, limit: int = 15) -> list[ShiftSwap]:
    return list(
        swap_queryset()
        .filter(status__in=[SwapStatus.APPROVED, SwapStatus.REFUSED])
        .order_by("-decided_at", "-id")[:limit]
    )


def count_swaps_to_approve() -> tuple[int, datetime | None]:
    """How many taken swaps wait, and since when: one query."""
    row = ShiftSwap.objects.filter(status=SwapStatus.TAKEN).aggregate(
        count=Count("id"), oldest=Min("taken_at")
    )
    return row["count"], row["oldest"]


def access_swap(*, swap_id: int) -> ShiftSwap:
    try:
        return swap_queryset().get(pk=swap_id)
    except (ShiftSwap.DoesNotExist, ValueError, TypeError):
        raise NotFoundError("No such swap.") from None


# --- the calendar feed ----------------------------------------------------------------------------


def feed_of_token(token: str) -> CalendarFeed:
    """The feed whose secret is ``token`` (with its agent), or ``NotFoundError``."""
    try:
        return CalendarFeed.objects.select_related("agent").get(token=token)
    except CalendarFeed.DoesNotExist:
        raise NotFoundError("No such calendar.") from None


def calendar_feed_of(*, agent: Agent) -> CalendarFeed | None:
    return CalendarFeed.objects.filter(agent=agent).first()


def feed_bookings(*, agent: Agent, now: datetime) -> tuple[list[Booking], dict]:
    """The agent's bookings of the feed's window, and the guides of their lines."""
    starts_at = now - timedelta(weeks=FEED_WEEKS_BACK)
    ends_at = now + timedelta(weeks=FEED_WEEKS_AHEAD)
    bookings = list(bookings_between([agent.pk], starts_at, ends_at))
    return bookings, line_guides((b.client, b.service_line_id) for b in bookings)


# --- the team lead's week -------------------------------------------------------------------------


def teams_led_by(user) -> list[Team]:
    """Teams whose lead is ``user`` (as the lead's user or through the lead agent's account)."""
    return list(
        Team.objects.filter(Q(lead_user=user) | Q(lead_agent__user=user))
        .distinct()
        .order_by("name")
    )


@dataclass
class TeamCell:
    day: date
    bookings: list[Booking]
    is_off: bool


@dataclass
class TeamRow:
    agent: Agent
    cells: list[TeamCell]
    hours: float = 0.0


def team_week(
    *, team: Team, week_starts_on: date, time_zone: str
) -> tuple[list[TeamRow], list[date]]:
    """Agents of ``team`` x the seven days (each agent's own calendar days): their bookings
    and approved time off. Three queries whatever the team's size."""
    agents = list(Agent.objects.filter(team=team).order_by("full_name", "employee_number"))
    starts_at, ends_at = week_bounds(week_starts_on, time_zone)
    # Agents in other zones: their local days overlap this zone's week by up to a day.
    bookings = list(
        bookings_between(
            [a.pk for a in agents], starts_at - timedelta(days=1), ends_at + timedelta(days=1)
        )
    )
    days = [week_starts_on + timedelta(days=i) for i in range(7)]
    off_by_agent: dict[int, set[date]] = {}
    for row in TimeOffRequest.objects.filter(
        agent__in=agents,
        status=TimeOffStatus.APPROVED,
        starts_on__lte=days[-1],
        ends_on__gte=days[0],
    ):
        off_by_agent.setdefault(row.agent_id, set()).update(
            day for day in days if row.starts_on <= day <= row.ends_on
        )
    by_agent: dict[int, list[Booking]] = {}
    for booking in bookings:
        by_agent.setdefault(booking.agent_id, []).append(booking)
    rows = []
    for agent in agents:
        zone = ZoneInfo(agent.time_zone)
        per_day: dict[date, list[Booking]] = {day: [] for day in days}
        hours = 0.0
        for booking in by_agent.get(agent.pk, []):
            local_day = booking.during.lower.astimezone(zone).date()
            if local_day in per_day:
                per_day[local_day].append(booking)
                hours += (booking.during.upper - booking.during.lower).total_seconds() / 3600
        off = off_by_agent.get(agent.pk, set())
        cells = [TeamCell(day=day, bookings=per_day[day], is_off=day in off) for day in days]
        rows.append(TeamRow(agent=agent, cells=cells, hours=hours))
    return rows, days


def with_line_names(bookings: Sequence[Booking]) -> Sequence[Booking]:
    """Set ``line_name`` on each booking (read once per client, see ``line_guides``)."""
    guides = line_guides((b.client, b.service_line_id) for b in bookings)
    for booking in bookings:
        guide = guides.get((booking.client_id, booking.service_line_id or 0))
        booking.line_name = guide.name if guide is not None else "any line"  # type: ignore[attr-defined]
    return bookings
