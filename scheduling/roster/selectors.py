"""Reads of the roster. Reads that check access take the user and raise not-found for
"missing" and "not yours" alike: an agent reaches only their own agent row and time off."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.db.models import Prefetch, Q, QuerySet
from django.db.models.functions import Lower
from django.utils import timezone

from bpo.accounts.permissions import (
    accessible_clients,
    can_manage_roster,
    can_request_time_off,
    can_view_roster,
)
from bpo.errors import NotFoundError
from scheduling.roster.fields import period_bounds
from scheduling.roster.models import (
    WEEKDAYS,
    Agent,
    AgentPreference,
    AgentServiceLine,
    AgentSkill,
    RosterEvent,
    ShiftTemplate,
    Site,
    Skill,
    Team,
    TimeOffRequest,
    TimeOffStatus,
)

if TYPE_CHECKING:
    from bpo.accounts.models import User

UTC = ZoneInfo("UTC")
AGENT_NOT_FOUND = "No such agent."
REQUEST_NOT_FOUND = "No such time-off request."


def agent_queryset(
    *, clients: QuerySet | None = None, with_preferences: bool = True
) -> QuerySet[Agent]:
    """Agents with their reference rows; with ``clients``, only the lines of those clients;
    ``with_preferences`` also their wishes (the roster's pages, export, API and planning)."""
    lines = AgentServiceLine.objects.select_related("client")
    if clients is not None:
        lines = lines.filter(client__in=clients)
    related: list = [
        Prefetch("skill_levels", queryset=AgentSkill.objects.select_related("skill")),
        Prefetch("service_lines", queryset=lines),
        "shift_templates",
    ]
    if with_preferences:
        related.append(
            Prefetch("preferences", queryset=AgentPreference.objects.select_related("template"))
        )
    return (
        Agent.objects.select_related("team", "site", "user")
        .prefetch_related(*related)
        .order_by("full_name", "employee_number")
    )


def list_agents(
    *,
    user: User,
    search: str = "",
    team_id: int | None = None,
    site_id: int | None = None,
    skill_id: int | None = None,
    client_id: int | None = None,
    active_on: date | None = None,
    unplanned_week: date | None = None,
) -> QuerySet[Agent]:
    """The roster for those who may read it (an agent sees only their own row); with
    ``unplanned_week`` (a Monday), only agents that week leaves without shift or time off."""
    if not can_view_roster(user):
        agents = agent_queryset()
        return agents.filter(user=user) if can_request_time_off(user) else agents.none()
    if can_manage_roster(user):
        agents = agent_queryset()
    else:
        # A reader who is not a scheduler (an account manager, finance) sees which of *their*
        # clients an agent serves, never the names of other clients.
        clients = accessible_clients(user)
        agents = agent_queryset(clients=clients)
        if client_id and not clients.filter(pk=client_id).exists():
            return agents.none()
    if search:
        agents = agents.filter(
            Q(full_name__icontains=search) | Q(employee_number__icontains=search)
        )
    if team_id:
        agents = agents.filter(team_id=team_id)
    if site_id:
        agents = agents.filter(site_id=site_id)
    if skill_id:
        agents = agents.filter(skill_levels__skill_id=skill_id)
    if client_id:
        agents = agents.filter(service_lines__client_id=client_id)
    if active_on:
        agents = agents.filter(starts_on__lte=active_on).filter(
            Q(ends_on__isnull=True) | Q(ends_on__gte=active_on)
        )
    if unplanned_week:
        agents = agents.filter(pk__in=agents_without_week(monday=unplanned_week).values("pk"))
    return agents.distinct()


def access_agent(*, user: User, agent_id: int) -> Agent:
    try:
        return list_agents(user=user).get(pk=agent_id)
    except (Agent.DoesNotExist, ValueError, TypeError):
        raise NotFoundError(AGENT_NOT_FOUND) from None


def agent_of_user(user: User) -> Agent | None:
    """The roster row linked to ``user``'s account, if any."""
    if not getattr(user, "is_authenticated", False):
        return None
    return agent_queryset(with_preferences=False).filter(user=user).first()


def agent_names(agent_ids: Iterable[int]) -> dict[int, str]:
    """Agents' full names by id, in one query (ids of agents no longer on the roster are
    left out)."""
    return dict(Agent.objects.filter(pk__in=set(agent_ids)).values_list("pk", "full_name"))


def client_agent_ids_by_number(numbers: Iterable[str], *, client_id: int) -> dict[str, int]:
    """The ids of the agents who serve the client (any of its lines), by employee number
    case-folded, for the numbers given: one query (imports of the client's contacts)."""
    wanted = {number.strip().casefold() for number in numbers if number and number.strip()}
    if not wanted:
        return {}
    rows = (
        Agent.objects.annotate(number_folded=Lower("employee_number"))
        .filter(number_folded__in=wanted, service_lines__client_id=client_id)
        .values_list("number_folded", "pk")
        .distinct()
    )
    return dict(rows)


def client_agent_choices(*, client_id: int) -> list[tuple[int, str]]:
    """``(id, "name (number)")`` of the agents who serve the client, by name: one query."""
    return [
        (pk, f"{name} ({number})")
        for pk, name, number in Agent.objects.filter(service_lines__client_id=client_id)
        .order_by("full_name", "employee_number")
        .values_list("pk", "full_name", "employee_number")
        .distinct()
    ]


def list_all_agents() -> QuerySet[Agent]:
    """Every agent, for the export and system callers (no user in scope)."""
    return agent_queryset()


def list_teams() -> QuerySet[Team]:
    return Team.objects.select_related("lead_agent", "lead_user", "off_cap").order_by("name")


def list_sites() -> QuerySet[Site]:
    return Site.objects.order_by("name")


def list_skills() -> QuerySet[Skill]:
    return Skill.objects.order_by("name")


def list_shift_templates(*, active_only: bool = False) -> QuerySet[ShiftTemplate]:
    templates = ShiftTemplate.objects.prefetch_related("breaks").order_by("name")
    return templates.filter(is_active=True) if active_only else templates


def get_shift_template(*, template_id: int) -> ShiftTemplate:
    try:
        return ShiftTemplate.objects.get(pk=template_id)
    except ShiftTemplate.DoesNotExist:
        raise NotFoundError("No such shift template.") from None


def get_team(*, team_id: int) -> Team:
    try:
        return list_teams().get(pk=team_id)
    except Team.DoesNotExist:
        raise NotFoundError("No such team.") from None


def time_off_queryset() -> QuerySet[TimeOffRequest]:
    return TimeOffRequest.objects.select_related(
        "agent", "agent__team", "requested_by", "decided_by"
    )


def list_time_off_requests(
    *, user: User, status: str = "", agent_id: int | None = None
) -> QuerySet[TimeOffRequest]:
    """Every request for the roster's managers and readers; an agent's own for an agent."""
    requests = time_off_queryset()
    if not can_view_roster(user):
        if not can_request_time_off(user):
            return requests.none()
        requests = requests.filter(agent__user=user)
    if status:
        requests = requests.filter(status=status)
    if agent_id:
        requests = requests.filter(agent_id=agent_id)
    return requests.order_by("starts_on", "id")


def access_time_off_request(*, user: User, request_id: int) -> TimeOffRequest:
    try:
        return list_time_off_requests(user=user).get(pk=request_id)
    except (TimeOffRequest.DoesNotExist, ValueError, TypeError):
        raise NotFoundError(REQUEST_NOT_FOUND) from None


def count_waiting_requests() -> tuple[int, datetime | None]:
    """How many requests wait for a decision, and since when the oldest waits (one query)."""
    from django.db.models import Count, Min

    row = TimeOffRequest.objects.filter(status=TimeOffStatus.REQUESTED).aggregate(
        count=Count("id"), oldest=Min("requested_at")
    )
    return row["count"], row["oldest"]


def list_recent_refusals(*, user: User, since: datetime) -> QuerySet[TimeOffRequest]:
    return time_off_queryset().filter(
        agent__user=user, status=TimeOffStatus.REFUSED, decided_at__gte=since
    )


def list_agent_events(*, agent: Agent, limit: int = 30) -> list[RosterEvent]:
    return list(agent.events.select_related("actor").order_by("-created_at", "-id")[:limit])


def may_manage(user: User) -> bool:
    return can_manage_roster(user)


# --- approved time off as unavailability -------------------------------------------------------


@dataclass(frozen=True)
class Unavailability:
    """One period an agent cannot work, in UTC: ``starts_at`` inclusive, ``ends_at`` exclusive."""

    agent_id: int
    starts_at: datetime
    ends_at: datetime
    request_id: int
    kind: str


def local_day_bounds(day: date, time_zone: str) -> tuple[datetime, datetime]:
    """Midnight to midnight of ``day`` in ``time_zone``, in UTC (23 or 25 hours across DST)."""
    zone = ZoneInfo(time_zone)
    start = datetime.combine(day, time(0), tzinfo=zone)
    end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone)
    return start.astimezone(UTC), end.astimezone(UTC)


def unavailability_for(
    agents: Iterable[Agent | int], week_start: datetime, week_end: datetime
) -> dict[int, list[Unavailability]]:
    """Approved time off of ``agents`` overlapping ``[week_start, week_end)`` (aware datetimes),
    as UTC intervals by agent id, clipped to the window. Whole days in each agent's own zone.

    One query whatever the number of agents."""
    if week_start.tzinfo is None or week_end.tzinfo is None:
        raise ValueError("week_start and week_end must be aware datetimes")
    agent_ids = [a if isinstance(a, int) else a.pk for a in agents]
    result: dict[int, list[Unavailability]] = {agent_id: [] for agent_id in agent_ids}
    # A day in the farthest zones starts up to 14 hours from UTC midnight: widen by two days.
    rows = (
        TimeOffRequest.objects.filter(
            agent_id__in=agent_ids,
            status=TimeOffStatus.APPROVED,
            starts_on__lte=(week_end + timedelta(days=2)).date(),
            ends_on__gte=(week_start - timedelta(days=2)).date(),
        )
        .select_related("agent")
        .order_by("agent_id", "starts_on")
    )
    for row in rows:
        starts_at, _ = local_day_bounds(row.starts_on, row.agent.time_zone)
        _, ends_at = local_day_bounds(row.ends_on, row.agent.time_zone)
        starts_at, ends_at = max(starts_at, week_start), min(ends_at, week_end)
        if starts_at < ends_at:
            result[row.agent_id].append(
                Unavailability(row.agent_id, starts_at, ends_at, row.pk, row.kind)
            )
    return result


def pattern_unavailability_for(
    agents: Iterable[Agent], week_start: datetime, week_end: datetime
) -> dict[int, list[tuple[datetime, datetime]]]:
    """The hours each agent's weekly pattern (and employment dates) rule out in
    ``[week_start, week_end)``, as UTC periods: a weekday marked ``off`` whole, a weekday with
    ``08:00-18:00`` before 08:00 and from 18:00 (local to the agent), days before the start
    or after the end date whole. No query: the agents carry their pattern."""
    result: dict[int, list[tuple[datetime, datetime]]] = {}
    for agent in agents:
        zone = ZoneInfo(agent.time_zone)
        periods: list[tuple[datetime, datetime]] = []
        day = week_start.astimezone(zone).date() - timedelta(days=1)
        last = week_end.astimezone(zone).date()
        while day <= last:
            midnight = datetime.combine(day, time(0), tzinfo=zone)
            next_midnight = datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone)
            pattern = agent.availability.get(WEEKDAYS[day.weekday()], "")
            if not agent.is_active_on(day) or pattern == "off":
                periods.append((midnight, next_midnight))
            elif pattern:
                opens, closes = period_bounds(pattern)
                periods.append((midnight, datetime.combine(day, opens, tzinfo=zone)))
                if closes is not None:
                    periods.append((datetime.combine(day, closes, tzinfo=zone), next_midnight))
            day += timedelta(days=1)
        clipped = []
        for start, end in periods:
            start, end = max(start.astimezone(UTC), week_start), min(end.astimezone(UTC), week_end)
            if start < end:
                clipped.append((start, end))
        result[agent.pk] = clipped
    return result


# --- agents a week leaves out (issue 10) ---------------------------------------------------


def agents_without_week(*, monday: date) -> QuerySet[Agent]:
    """Agents employed during the week from ``monday`` with neither a booking nor approved time
    off in it (each agent's week in its own zone, give or take the zones' offsets: the week is
    taken from Monday 00:00 UTC-14 to Sunday 24:00 UTC+14 for bookings, by date for time off)."""
    from django.db.models import Exists, OuterRef

    from scheduling.roster.models import Booking

    sunday = monday + timedelta(days=6)
    week = (
        datetime.combine(monday, time(0), tzinfo=UTC) - timedelta(hours=14),
        datetime.combine(sunday + timedelta(days=1), time(0), tzinfo=UTC) + timedelta(hours=14),
    )
    booked = Booking.objects.filter(agent=OuterRef("pk"), during__overlap=week)
    away = TimeOffRequest.objects.filter(
        agent=OuterRef("pk"),
        status=TimeOffStatus.APPROVED,
        starts_on__lte=sunday,
        ends_on__gte=monday,
    )
    return (
        Agent.objects.filter(starts_on__lte=sunday)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=monday))
        .exclude(Exists(booked))
        .exclude(Exists(away))
    )


def this_monday() -> date:
    today = timezone.localdate()
    return today - timedelta(days=today.weekday())


# --- a client's booked, worked and productive time (what billing reads) -------------------------


@dataclass(frozen=True)
class ClientBookedShift:
    """One booking of the client, with the agent's day as the roster stores it: ``day`` is
    the agent's local day the shift starts (the day ``WorkedDay`` counts it on);
    ``day_scheduled_minutes`` the agent's booked minutes of that day for every client, and
    ``day_worked_minutes``/``day_in_state_minutes`` the stored figures of the day (None:
    nothing clocked, confirmed or entered)."""

    booking_id: int
    agent_id: int
    agent_name: str
    agent_skills: tuple[str, ...]
    service_line_id: int | None
    starts_at: datetime
    ends_at: datetime
    day: date
    day_scheduled_minutes: int
    day_worked_minutes: int | None
    day_in_state_minutes: int | None
    worked_day_id: int | None


@dataclass(frozen=True)
class ClientProductiveDay:
    agent_id: int
    agent_name: str
    day: date
    service_line_id: int
    minutes: int
    row_id: int


def client_time_for_period(
    *, client_id: int, first_day: date, last_day: date
) -> tuple[list[ClientBookedShift], list[ClientProductiveDay]]:
    """The client's bookings starting on ``first_day`` to ``last_day`` (each agent's local
    days), with their agents' worked days, and the client's productive time of those days.
    A fixed number of queries, whatever the number of agents."""
    from django.db.backends.postgresql.psycopg_any import DateTimeTZRange

    from scheduling.roster.models import Booking, ProductiveTime, WorkedDay
    from scheduling.roster.timeclock import minutes_between

    utc = ZoneInfo("UTC")
    window = DateTimeTZRange(
        datetime.combine(first_day - timedelta(days=2), time(0), tzinfo=utc),
        datetime.combine(last_day + timedelta(days=3), time(0), tzinfo=utc),
    )
    bookings = list(
        Booking.objects.filter(client_id=client_id, during__overlap=window)
        .select_related("agent")
        .order_by("agent_id", "during")
    )
    agents = {booking.agent_id: booking.agent for booking in bookings}
    productive_rows = list(
        ProductiveTime.objects.filter(
            client_id=client_id, day__gte=first_day, day__lte=last_day
        ).select_related("agent")
    )
    for productive_row in productive_rows:
        agents.setdefault(productive_row.agent_id, productive_row.agent)
    skills: dict[int, list[str]] = {agent_id: [] for agent_id in agents}
    for agent_id, name in AgentSkill.objects.filter(agent_id__in=agents).values_list(
        "agent_id", "skill__name"
    ):
        skills[agent_id].append(name)
    # every client's bookings of these agents: the day's scheduled minutes across clients
    all_bookings: dict[int, list[tuple[datetime, datetime]]] = {pk: [] for pk in agents}
    for agent_id, during in Booking.objects.filter(
        agent_id__in=agents, during__overlap=window
    ).values_list("agent_id", "during"):
        all_bookings[agent_id].append((during.lower, during.upper))
    worked = {
        (row.agent_id, row.day): row
        for row in WorkedDay.objects.filter(
            agent_id__in=agents, day__gte=first_day, day__lte=last_day
        )
    }

    def local_day(agent: Agent, instant: datetime) -> date:
        return instant.astimezone(ZoneInfo(agent.time_zone)).date()

    day_totals: dict[tuple[int, date], int] = {}
    for agent_id, intervals in all_bookings.items():
        for lower, upper in intervals:
            key = (agent_id, local_day(agents[agent_id], lower))
            day_totals[key] = day_totals.get(key, 0) + minutes_between(lower, upper)
    shifts = []
    for booking in bookings:
        agent = booking.agent
        start, end = booking.during.lower, booking.during.upper
        day = local_day(agent, start)
        if not first_day <= day <= last_day:
            continue
        worked_row = worked.get((agent.pk, day))
        shifts.append(
            ClientBookedShift(
                booking_id=booking.pk,
                agent_id=agent.pk,
                agent_name=agent.full_name,
                agent_skills=tuple(sorted(skills.get(agent.pk, []))),
                service_line_id=booking.service_line_id,
                starts_at=start,
                ends_at=end,
                day=day,
                day_scheduled_minutes=day_totals.get((agent.pk, day), 0),
                day_worked_minutes=worked_row.worked_minutes if worked_row else None,
                day_in_state_minutes=worked_row.in_state_minutes if worked_row else None,
                worked_day_id=worked_row.pk if worked_row else None,
            )
        )
    productive = [
        ClientProductiveDay(
            agent_id=row.agent_id,
            agent_name=row.agent.full_name,
            day=row.day,
            service_line_id=row.service_line_id,
            minutes=row.minutes,
            row_id=row.pk,
        )
        for row in productive_rows
    ]
    return shifts, productive
