"""Worked time, productive time and period locks: the writes, and the reads the pages need.

Worked time is per agent and local day (``WorkedDay``): imported from a time-clock file (all or
nothing, ``scheduling.roster.timeclock`` reads it), confirmed from the bookings ("they worked
what was scheduled") or corrected by hand with a reason. ``scheduled_minutes`` is always the
booked time of that day on the agent's clock (``Booking`` rows of every client, a shift counted
on the day it starts), so a 23-hour and a 25-hour day come out right.

Finance locks a period (``PeriodLock``): billing reads its worked time, so no write may touch
it. Each write here takes ``SHARE`` on the lock table and refuses a locked day in words, naming
the lock; creating a lock takes ``SHARE ROW EXCLUSIVE``, so it waits for a write in flight and a
write waits for it (no write slips in between the check and a new lock). A trigger
(``roster_refuse_locked_day``, migration 0003) refuses the same rows in the database for any
other writer. Only a provider admin unlocks, with a reason; the roster's history keeps it.

Who reads what: schedulers, account managers and finance read every agent's worked time; an
agent (a team lead) only the agents of the teams they lead: ``worked_agents`` is the one place
that says so, and every read here goes through it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.db import connection, transaction
from django.db.backends.postgresql.psycopg_any import DateTimeTZRange
from django.db.models import Q, QuerySet
from django.utils import timezone
from django_tenants.utils import tenant_context

from bpo.accounts.permissions import (
    can_manage_worked_time,
    can_view_worked_time,
    is_provider_admin,
    provider_roles,
)
from bpo.accounts.roles import MANAGE_WORKED_TIME, VIEW_WORKED_TIME, Role
from bpo.dates import format_when
from bpo.errors import ConflictError, DomainError, NotFoundError, PermissionDeniedError
from scheduling.roster import timeclock
from scheduling.roster.models import (
    Agent,
    Booking,
    PeriodLock,
    ProductiveTime,
    RosterEventAction,
    Team,
    WorkedDay,
    WorkedSource,
)
from scheduling.roster.services import record_roster_event

if TYPE_CHECKING:
    from bpo.accounts.models import User
    from tenants.models import Client

LONGEST_LOCK_DAYS = 366
LONGEST_CONFIRM_DAYS = 62
REASON_MAX = 300
AGENT_NOT_FOUND = "No such agent."


class PeriodLockedError(ConflictError):
    """A write would change worked time of a day finance has locked."""

    code = "period_locked"


class WorkedImportError(DomainError):
    """The file has problems; ``problems`` names each one's row, column and reason."""

    def __init__(self, problems: list) -> None:
        super().__init__(
            f"Nothing was imported: {len(problems)} problem{'s' if len(problems) != 1 else ''} "
            f"in the file. First: {problems[0]}",
            field="file",
            row=problems[0].row or None,
        )
        self.problems = problems


# --- who reads whose worked time ----------------------------------------------------------------


def leads_a_team(user: User) -> bool:
    return teams_led_by(user).exists()


def teams_led_by(user: User) -> QuerySet[Team]:
    if not getattr(user, "is_authenticated", False):
        return Team.objects.none()
    return Team.objects.filter(Q(lead_user=user) | Q(lead_agent__user=user))


def reads_every_agent(user: User) -> bool:
    """Schedulers, account managers and finance; an agent role alone does not."""
    return bool(provider_roles(user) & (MANAGE_WORKED_TIME | (VIEW_WORKED_TIME - {Role.AGENT})))


def worked_agents(*, user: User) -> QuerySet[Agent]:
    """The agents whose worked time ``user`` may read: all of them for the planners and
    finance, a team lead's own teams' for an agent, none for anyone else."""
    agents = Agent.objects.select_related("team")
    if not can_view_worked_time(user):
        return agents.none()
    if reads_every_agent(user):
        return agents
    return agents.filter(team__in=teams_led_by(user))


def access_worked_agent(*, user: User, agent_id) -> Agent:
    try:
        return worked_agents(user=user).get(pk=int(agent_id))
    except (Agent.DoesNotExist, ValueError, TypeError):
        raise NotFoundError(AGENT_NOT_FOUND) from None


def worked_teams(*, user: User) -> QuerySet[Team]:
    if reads_every_agent(user):
        return Team.objects.all()
    if can_view_worked_time(user):
        return teams_led_by(user).distinct()
    return Team.objects.none()


# --- the bookings of a day ----------------------------------------------------------------------


def booked_intervals(
    agents: Iterable[Agent], first_day: date, last_day: date
) -> dict[int, list[tuple[datetime, datetime]]]:
    """Every booking (all clients) of ``agents`` that may start from ``first_day`` to
    ``last_day`` on some clock, as UTC intervals per agent id (one query)."""
    agent_ids = [agent.pk for agent in agents]
    window = DateTimeTZRange(
        datetime.combine(
            first_day - timedelta(days=2), datetime.min.time(), tzinfo=ZoneInfo("UTC")
        ),
        datetime.combine(last_day + timedelta(days=3), datetime.min.time(), tzinfo=ZoneInfo("UTC")),
    )
    intervals: dict[int, list[tuple[datetime, datetime]]] = {pk: [] for pk in agent_ids}
    rows = Booking.objects.filter(agent_id__in=agent_ids, during__overlap=window).values_list(
        "agent_id", "during"
    )
    for agent_id, during in rows:
        intervals[agent_id].append((during.lower, during.upper))
    return intervals


def day_intervals(intervals, day: date, zone: ZoneInfo) -> list[tuple[datetime, datetime]]:
    start, end = timeclock.day_bounds(day, zone)
    return [(a, b) for a, b in intervals if start <= a < end]


def scheduled_minutes_of(*, agent: Agent, day: date) -> int:
    intervals = booked_intervals([agent], day, day)[agent.pk]
    return timeclock.scheduled_minutes(intervals, day, ZoneInfo(agent.time_zone))


# --- period locks -------------------------------------------------------------------------------


def describe_lock(lock: PeriodLock) -> str:
    by = lock.locked_by.get_full_name() if lock.locked_by_id else "finance"  # type: ignore[union-attr]
    note = f" ({lock.note})" if lock.note else ""
    return (
        f"{format_when(lock.starts_on, 'date')} to {format_when(lock.ends_on, 'date')} "
        f"was locked by {by or 'finance'} on {format_when(lock.locked_at, 'date')}{note}"
    )


def locked_message(day: date, lock: PeriodLock) -> str:
    return (
        f"Worked time of {format_when(day, 'weekday')} can no longer change: {describe_lock(lock)}."
    )


def _share_lock_table() -> None:
    """Held to the end of the write's transaction: a new lock waits for it (see the module)."""
    with connection.cursor() as cursor:
        cursor.execute(f"LOCK TABLE {PeriodLock._meta.db_table} IN SHARE MODE")


def locks_covering(days: Iterable[date]) -> dict[date, PeriodLock]:
    days = sorted(set(days))
    if not days:
        return {}
    locks = list(
        PeriodLock.objects.select_related("locked_by").filter(
            starts_on__lte=days[-1], ends_on__gte=days[0]
        )
    )
    covered = {}
    for day in days:
        for lock in locks:
            if lock.starts_on <= day <= lock.ends_on:
                covered[day] = lock
                break
    return covered


def refuse_locked_days(days: Iterable[date]) -> None:
    """Take the lock table's SHARE lock and refuse if any of ``days`` is locked (call inside
    the write's transaction, before writing)."""
    _share_lock_table()
    covered = locks_covering(days)
    if covered:
        day = min(covered)
        raise PeriodLockedError(locked_message(day, covered[day]), field="day")


@transaction.atomic
def lock_period(
    *, starts_on: date, ends_on: date, note: str = "", actor: User | None
) -> PeriodLock:
    """Finance closes ``starts_on`` to ``ends_on``; refused when it overlaps a lock."""
    note = " ".join((note or "").split())
    if ends_on < starts_on:
        raise DomainError("The last day is before the first.", field="ends_on")
    if (ends_on - starts_on).days >= LONGEST_LOCK_DAYS:
        raise DomainError("A lock covers at most a year; lock each year apart.", field="ends_on")
    if len(note) > REASON_MAX:
        raise DomainError(f"At most {REASON_MAX} characters.", field="note")
    with connection.cursor() as cursor:
        cursor.execute(f"LOCK TABLE {PeriodLock._meta.db_table} IN SHARE ROW EXCLUSIVE MODE")
    clash = (
        PeriodLock.objects.select_related("locked_by")
        .filter(starts_on__lte=ends_on, ends_on__gte=starts_on)
        .first()
    )
    if clash is not None:
        raise ConflictError(f"It overlaps a lock: {describe_lock(clash)}.", field="starts_on")
    lock = PeriodLock.objects.create(
        starts_on=starts_on, ends_on=ends_on, note=note, locked_by=actor if actor else None
    )
    record_roster_event(
        action=RosterEventAction.PERIOD_LOCKED,
        actor=actor,
        summary=f"Worked time locked from {format_when(starts_on, 'date')} "
        f"to {format_when(ends_on, 'date')}" + (f": {note}" if note else ""),
        details={"lock": lock.pk, "starts_on": str(starts_on), "ends_on": str(ends_on)},
    )
    return lock


@transaction.atomic
def unlock_period(*, lock: PeriodLock, reason: str, actor: User) -> None:
    """Only a provider admin reopens a locked period, with a reason (invoices may already
    have been issued from it; the history keeps who reopened it and why)."""
    if not is_provider_admin(actor):
        raise PermissionDeniedError("Only a provider admin can unlock a period.", field="lock")
    reason = " ".join((reason or "").split())
    if not reason:
        raise DomainError("Say why the period is reopened.", field="reason")
    if len(reason) > REASON_MAX:
        raise DomainError(f"At most {REASON_MAX} characters.", field="reason")
    lock = PeriodLock.objects.select_for_update().get(pk=lock.pk)
    details = {"lock": lock.pk, "starts_on": str(lock.starts_on), "ends_on": str(lock.ends_on)}
    summary = (
        f"Worked time from {format_when(lock.starts_on, 'date')} to "
        f"{format_when(lock.ends_on, 'date')} unlocked: {reason}"
    )
    lock.delete()
    record_roster_event(
        action=RosterEventAction.PERIOD_UNLOCKED,
        actor=actor,
        summary=summary,
        details={**details, "reason": reason},
    )


def list_period_locks() -> QuerySet[PeriodLock]:
    return PeriodLock.objects.select_related("locked_by").order_by("-starts_on")


# --- writing a day ------------------------------------------------------------------------------


def _store_day(
    *,
    agent: Agent,
    day: date,
    scheduled: int,
    worked: int,
    in_state: int,
    source: str,
    actor: User | None,
    existing: WorkedDay | None,
) -> WorkedDay:
    row = existing or WorkedDay(agent=agent, day=day)
    row.scheduled_minutes = scheduled
    row.worked_minutes = worked
    row.in_state_minutes = min(in_state, scheduled)
    row.source = source
    row.updated_by = actor if actor is not None and actor.pk else None
    row.updated_at = timezone.now()
    row.save()
    return row


def _figures(row: WorkedDay | None) -> dict | None:
    if row is None:
        return None
    return {
        "scheduled": row.scheduled_minutes,
        "worked": row.worked_minutes,
        "in_state": row.in_state_minutes,
        "source": row.source,
    }


def hours_text(minutes: int) -> str:
    return f"{minutes // 60}:{minutes % 60:02d}"


@transaction.atomic
def correct_worked_day(
    *,
    agent: Agent,
    day: date,
    worked_minutes: int,
    in_state_minutes: int | None = None,
    reason: str,
    actor: User | None,
) -> WorkedDay:
    """A scheduler sets one day by hand (a forgotten punch, a sick afternoon): a reason is
    required; refused on a locked day. ``in_state_minutes`` None keeps it at the scheduled
    time the agent was clocked in for (at most the worked time)."""
    reason = " ".join((reason or "").split())
    problems: dict[str, list[str]] = {}
    if not reason:
        problems["reason"] = ["Say why the day is corrected; the history keeps it."]
    elif len(reason) > REASON_MAX:
        problems["reason"] = [f"At most {REASON_MAX} characters."]
    if not 0 <= worked_minutes <= timeclock.LONGEST_DAY_MINUTES:
        problems["worked_minutes"] = ["Worked time lies between 0 and 25 hours."]
    if problems:
        first = next(iter(problems))
        raise DomainError(problems[first][0], field=first, fields=problems)
    refuse_locked_days([day])
    agent = Agent.objects.select_for_update().get(pk=agent.pk)
    scheduled = scheduled_minutes_of(agent=agent, day=day)
    if in_state_minutes is None:
        in_state_minutes = min(worked_minutes, scheduled)
    if in_state_minutes < 0 or in_state_minutes > min(scheduled, worked_minutes):
        raise DomainError(
            f"Time in the scheduled state lies between 0 and {min(scheduled, worked_minutes)} "
            f"minutes (the scheduled and the worked time of the day).",
            field="in_state_minutes",
        )
    existing = WorkedDay.objects.select_for_update().filter(agent=agent, day=day).first()
    before = _figures(existing)
    row = _store_day(
        agent=agent,
        day=day,
        scheduled=scheduled,
        worked=worked_minutes,
        in_state=in_state_minutes,
        source=WorkedSource.MANUAL,
        actor=actor,
        existing=existing,
    )
    record_roster_event(
        action=RosterEventAction.WORKED_EDITED,
        actor=actor,
        agent=agent,
        summary=f"Worked time of {agent.full_name} on {format_when(day, 'weekday')} set to "
        f"{hours_text(worked_minutes)}: {reason}",
        details={"day": str(day), "before": before, "after": _figures(row), "reason": reason},
    )
    return row


@transaction.atomic
def confirm_scheduled_time(
    *, agents: Sequence[Agent], first_day: date, last_day: date, actor: User | None
) -> int:
    """Worked = scheduled for ``agents``' days from ``first_day`` to ``last_day`` that have
    booked time, have begun on the agent's clock and hold no clock or hand-entered figures.
    Refused as a whole when one of those days is locked. Answers the days written."""
    if last_day < first_day:
        raise DomainError("The last day is before the first.", field="last_day")
    if (last_day - first_day).days >= LONGEST_CONFIRM_DAYS:
        raise DomainError("Confirm at most two months at once.", field="last_day")
    _share_lock_table()
    agents = list(Agent.objects.select_for_update().filter(pk__in=[a.pk for a in agents]))
    intervals = booked_intervals(agents, first_day, last_day)
    existing = {
        (row.agent_id, row.day): row
        for row in WorkedDay.objects.select_for_update().filter(
            agent__in=agents, day__gte=first_day, day__lte=last_day
        )
    }
    now = timezone.now()
    to_write: list[tuple[Agent, date, int]] = []
    for agent in agents:
        zone = ZoneInfo(agent.time_zone)
        today = now.astimezone(zone).date()
        day = first_day
        while day <= min(last_day, today):
            scheduled = timeclock.scheduled_minutes(intervals[agent.pk], day, zone)
            row = existing.get((agent.pk, day))
            is_open = row is None or (
                row.source == WorkedSource.CONFIRMED
                and (row.scheduled_minutes, row.worked_minutes) != (scheduled, scheduled)
            )
            if scheduled and is_open:
                to_write.append((agent, day, scheduled))
            day += timedelta(days=1)
    covered = locks_covering(day for _, day, _ in to_write)
    if covered:
        day = min(covered)
        raise PeriodLockedError(locked_message(day, covered[day]), field="day")
    written: dict[int, list[date]] = {}
    for agent, day, scheduled in to_write:
        _store_day(
            agent=agent,
            day=day,
            scheduled=scheduled,
            worked=scheduled,
            in_state=scheduled,
            source=WorkedSource.CONFIRMED,
            actor=actor,
            existing=existing.get((agent.pk, day)),
        )
        written.setdefault(agent.pk, []).append(day)
    by_id = {agent.pk: agent for agent in agents}
    for agent_id, days in written.items():
        agent = by_id[agent_id]
        record_roster_event(
            action=RosterEventAction.WORKED_CONFIRMED,
            actor=actor,
            agent=agent,
            summary=f"Scheduled time of {agent.full_name} confirmed as worked for "
            f"{len(days)} day{'s' if len(days) != 1 else ''} from "
            f"{format_when(days[0], 'date')} to {format_when(days[-1], 'date')}",
            details={"days": [str(day) for day in days]},
        )
    return len(to_write)


# --- the time-clock import ----------------------------------------------------------------------


@dataclass(frozen=True)
class WorkedChange:
    row: int
    agent: Agent
    day: date
    scheduled_minutes: int
    worked_minutes: int
    in_state_minutes: int
    action: str  # "new", "changed", "unchanged"
    replaces: str = ""  # the source of the figures it replaces, in words


@dataclass
class WorkedImportPlan:
    changes: list[WorkedChange] = field(default_factory=list)
    problems: list = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        counts = {"new": 0, "changed": 0, "unchanged": 0}
        for change in self.changes:
            counts[change.action] += 1
        return counts


def plan_timeclock_import(*, content: bytes) -> WorkedImportPlan:
    """Read and check a time-clock file without writing: the preview the page shows."""
    agents = {agent.employee_number.casefold(): agent for agent in Agent.objects.all()}
    punches, problems = timeclock.read_punches(
        content, zone_of={agent.employee_number: agent.time_zone for agent in agents.values()}
    )
    plan = WorkedImportPlan(problems=list(problems))
    if not punches:
        return plan
    # the rows that were read are checked too, so one upload names every problem
    totals = timeclock.day_totals(punches)
    in_file = {agents[total.employee_number.casefold()] for total in totals}
    first, last = min(total.day for total in totals), max(total.day for total in totals)
    intervals = booked_intervals(in_file, first, last)
    existing = {
        (row.agent_id, row.day): row
        for row in WorkedDay.objects.filter(agent__in=in_file, day__gte=first, day__lte=last)
    }
    covered = locks_covering(total.day for total in totals)
    for total in totals:
        agent = agents[total.employee_number.casefold()]
        row = total.rows[0]
        zone = ZoneInfo(agent.time_zone)
        if total.day in covered:
            plan.problems.append(
                timeclock.RowProblem(row, "date", locked_message(total.day, covered[total.day]))
            )
            continue
        if not agent.is_active_on(total.day):
            plan.problems.append(
                timeclock.RowProblem(
                    row, "date", f"{agent.full_name} is not employed on {total.day:%-d %b %Y}."
                )
            )
            continue
        if total.worked_minutes > timeclock.LONGEST_DAY_MINUTES:
            plan.problems.append(
                timeclock.RowProblem(
                    row,
                    "clock_out",
                    f"The punches of {agent.employee_number} on {total.day:%-d %b %Y} add up "
                    f"to {hours_text(total.worked_minutes)}, more than a day has.",
                )
            )
            continue
        booked = day_intervals(intervals[agent.pk], total.day, zone)
        scheduled = sum(timeclock.minutes_between(a, b) for a, b in booked)
        if total.in_state_minutes is None:
            in_state = timeclock.overlap_minutes(
                [(p.starts_at, p.ends_at) for p in total.punches], booked
            )
        elif total.in_state_minutes > scheduled:
            plan.problems.append(
                timeclock.RowProblem(
                    row,
                    "in_state_minutes",
                    f"{total.in_state_minutes} minutes in the scheduled state on "
                    f"{total.day:%-d %b %Y}, but {agent.employee_number} was scheduled "
                    f"for {scheduled}.",
                )
            )
            continue
        else:
            in_state = total.in_state_minutes
        before = existing.get((agent.pk, total.day))
        figures = (scheduled, total.worked_minutes, in_state)
        if before is None:
            action = "new"
        elif (
            before.scheduled_minutes,
            before.worked_minutes,
            before.in_state_minutes,
        ) == figures and before.source == WorkedSource.CLOCK:
            action = "unchanged"
        else:
            action = "changed"
        plan.changes.append(
            WorkedChange(
                row,
                agent,
                total.day,
                *figures,
                action=action,
                replaces=before.get_source_display().lower() if before else "",
            )
        )
    plan.problems.sort(key=lambda problem: (problem.row, problem.column))
    return plan


@transaction.atomic
def import_timeclock(*, content: bytes, actor: User | None) -> WorkedImportPlan:
    """Store the file's days (by agent and day; other days are left alone), all or nothing.

    Raises :class:`WorkedImportError` naming every problem's row, column and reason (a locked
    day is one); then nothing is stored."""
    _share_lock_table()  # before reading, so no lock appears between the check and the write
    plan = plan_timeclock_import(content=content)
    if plan.problems:
        raise WorkedImportError(plan.problems)
    keys = [(change.agent.pk, change.day) for change in plan.changes]
    existing = {
        (row.agent_id, row.day): row
        for row in WorkedDay.objects.select_for_update().filter(
            agent_id__in={pk for pk, _ in keys}, day__in={day for _, day in keys}
        )
    }
    for change in plan.changes:
        if change.action == "unchanged":
            continue
        _store_day(
            agent=change.agent,
            day=change.day,
            scheduled=change.scheduled_minutes,
            worked=change.worked_minutes,
            in_state=change.in_state_minutes,
            source=WorkedSource.CLOCK,
            actor=actor,
            existing=existing.get((change.agent.pk, change.day)),
        )
    counts = plan.counts
    days = [change.day for change in plan.changes]
    record_roster_event(
        action=RosterEventAction.WORKED_IMPORTED,
        actor=actor,
        summary=f"Time clock imported for {format_when(min(days), 'date')} to "
        f"{format_when(max(days), 'date')}: {counts['new']} new days, {counts['changed']} "
        f"changed, {counts['unchanged']} unchanged",
        details=counts,
    )
    return plan


# --- productive time per line -------------------------------------------------------------------


@dataclass(frozen=True)
class ProductiveChange:
    row: int
    agent: Agent
    day: date
    client: Client
    service_line_id: int
    line_name: str
    minutes: int


@dataclass
class ProductiveImportPlan:
    changes: list[ProductiveChange] = field(default_factory=list)
    problems: list = field(default_factory=list)


def _lines_of(client) -> dict[str, tuple[int, str]]:
    """The client's service lines by id and by name (casefolded), from its own schema."""
    from bpo.catalog.models import ServiceLine

    with tenant_context(client):
        lines = list(ServiceLine.objects.values_list("id", "name"))
    found: dict[str, tuple[int, str]] = {}
    for line_id, name in lines:
        found[str(line_id)] = (line_id, name)
        found.setdefault(name.casefold(), (line_id, name))
    return found


def plan_productive_import(*, content: bytes) -> ProductiveImportPlan:
    from tenants.models import Client

    rows, problems = timeclock.read_productive(content)
    plan = ProductiveImportPlan(problems=list(problems))
    if problems:
        return plan
    agents = {agent.employee_number.casefold(): agent for agent in Agent.objects.all()}
    clients = {client.slug: client for client in Client.objects.exclude(schema_name="public")}
    lines: dict[str, dict[str, tuple[int, str]]] = {}
    covered = locks_covering(row.day for row in rows)
    seen: dict[tuple, int] = {}
    for row in rows:
        agent = agents.get(row.employee_number.casefold())
        client = clients.get(row.client)
        if agent is None:
            plan.problems.append(
                timeclock.RowProblem(
                    row.row, "employee_number", f"No agent has the number {row.employee_number}."
                )
            )
        if client is None:
            plan.problems.append(
                timeclock.RowProblem(row.row, "client", f"There is no client {row.client}.")
            )
        if row.day in covered:
            plan.problems.append(
                timeclock.RowProblem(row.row, "date", locked_message(row.day, covered[row.day]))
            )
        if agent is None or client is None or row.day in covered:
            continue
        if client.slug not in lines:
            lines[client.slug] = _lines_of(client)
        line = lines[client.slug].get(row.line.casefold())
        if line is None:
            plan.problems.append(
                timeclock.RowProblem(
                    row.row, "line", f"{client.name} has no service line {row.line}."
                )
            )
            continue
        key = (agent.pk, row.day, client.pk, line[0])
        if key in seen:
            plan.problems.append(
                timeclock.RowProblem(
                    row.row, "line", f"The same line and day is on row {seen[key]}."
                )
            )
            continue
        seen[key] = row.row
        plan.changes.append(
            ProductiveChange(row.row, agent, row.day, client, line[0], line[1], row.minutes)
        )
    return plan


@transaction.atomic
def import_productive_time(*, content: bytes, actor: User | None) -> ProductiveImportPlan:
    """Store productive minutes per agent, day, client and line, all or nothing."""
    _share_lock_table()
    plan = plan_productive_import(content=content)
    if plan.problems:
        raise WorkedImportError(plan.problems)
    for change in plan.changes:
        ProductiveTime.objects.update_or_create(
            agent=change.agent,
            day=change.day,
            client=change.client,
            service_line_id=change.service_line_id,
            defaults={"minutes": change.minutes},
        )
    record_roster_event(
        action=RosterEventAction.PRODUCTIVE_IMPORTED,
        actor=actor,
        summary=f"Productive time imported: {len(plan.changes)} rows",
        details={"rows": len(plan.changes)},
    )
    return plan


# --- the week's figures -------------------------------------------------------------------------


@dataclass
class DayCell:
    day: date
    scheduled_minutes: int
    worked: WorkedDay | None
    is_locked: bool

    @property
    def adherence(self) -> float | None:
        return self.worked.adherence if self.worked else None

    @property
    def conformance(self) -> float | None:
        return self.worked.conformance if self.worked else None

    @property
    def needs_figures(self) -> bool:
        """Booked, but nothing clocked, confirmed or entered."""
        return self.worked is None and self.scheduled_minutes > 0


@dataclass
class AgentWeek:
    agent: Agent
    days: list[DayCell]

    @property
    def scheduled_minutes(self) -> int:
        return sum(cell.worked.scheduled_minutes for cell in self.days if cell.worked)

    @property
    def worked_minutes(self) -> int:
        return sum(cell.worked.worked_minutes for cell in self.days if cell.worked)

    @property
    def in_state_minutes(self) -> int:
        return sum(cell.worked.in_state_minutes for cell in self.days if cell.worked)

    @property
    def adherence(self) -> float | None:
        scheduled = self.scheduled_minutes
        return self.in_state_minutes / scheduled if scheduled else None

    @property
    def conformance(self) -> float | None:
        scheduled = self.scheduled_minutes
        return self.worked_minutes / scheduled if scheduled else None

    @property
    def days_missing(self) -> int:
        return sum(1 for cell in self.days if cell.needs_figures)


@dataclass
class WorkedWeek:
    monday: date
    days: list[date]
    agents: list[AgentWeek]

    @property
    def has_figures(self) -> bool:
        return any(cell.worked for week in self.agents for cell in week.days)


def worked_week(*, user: User, monday: date, team_id: int | None = None) -> WorkedWeek:
    """Per agent and day of the week from ``monday``: booked minutes, the stored figures and
    whether the day is locked; only the agents ``user`` may read (``worked_agents``)."""
    days = [monday + timedelta(days=offset) for offset in range(7)]
    agents_qs = worked_agents(user=user)
    if team_id:
        agents_qs = agents_qs.filter(team_id=team_id)
    agents_qs = agents_qs.filter(starts_on__lte=days[-1]).filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=monday)
    )
    agents = list(agents_qs.order_by("full_name", "employee_number"))
    intervals = booked_intervals(agents, days[0], days[-1])
    stored = {
        (row.agent_id, row.day): row
        for row in WorkedDay.objects.filter(agent__in=agents, day__gte=days[0], day__lte=days[-1])
    }
    locked = set(locks_covering(days))
    weeks = []
    for agent in agents:
        zone = ZoneInfo(agent.time_zone)
        cells = [
            DayCell(
                day,
                timeclock.scheduled_minutes(intervals[agent.pk], day, zone),
                stored.get((agent.pk, day)),
                day in locked,
            )
            for day in days
        ]
        weeks.append(AgentWeek(agent, cells))
    return WorkedWeek(monday, days, weeks)


def may_correct(user: User) -> bool:
    return can_manage_worked_time(user)


def get_worked_day(*, agent: Agent, day: date) -> WorkedDay | None:
    """The stored figures of ``agent``'s day (the agent already checked by the caller)."""
    return WorkedDay.objects.filter(agent=agent, day=day).first()


def get_period_lock(*, lock_id) -> PeriodLock:
    try:
        return PeriodLock.objects.get(pk=int(lock_id))
    except (PeriodLock.DoesNotExist, ValueError, TypeError):
        raise NotFoundError("No such lock.") from None


def unlocked_days_of_last_month(*, today: date) -> tuple[date, date, int]:
    """Last month's first and last day, and how many of its days no lock covers (one query)."""
    last = today.replace(day=1) - timedelta(days=1)
    first = last.replace(day=1)
    locks = PeriodLock.objects.filter(starts_on__lte=last, ends_on__gte=first).values_list(
        "starts_on", "ends_on"
    )
    covered: set[date] = set()
    for starts_on, ends_on in locks:
        day = max(starts_on, first)
        while day <= min(ends_on, last):
            covered.add(day)
            day += timedelta(days=1)
    return first, last, (last - first).days + 1 - len(covered)
