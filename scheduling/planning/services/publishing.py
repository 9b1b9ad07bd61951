"""Publishing a client's plan: its shift rows become bookings in the public ledger.

One transaction writes the client's side (the plan's status and revision, the revision's
record) and the public side (the bookings) together. The ledger's exclusion constraint, not an
application check, is what keeps an agent from being booked twice at once: of two schedulers
publishing overlapping plans for two clients at the same moment, the second insert waits for
the first transaction and then fails; that publication is rolled back whole and answers with a
``PublishConflict`` naming each agent and time.

The bookings of a client's week are its published state; the shift rows are the working copy.
``plan_changes`` compares the two (what a republication would change); a plan that was
published before needs a reason to be published again (the amendment: a sick call, a swap
made by hand), and each publication is kept as a ``PlanRevision``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple
from zoneinfo import ZoneInfo

import psycopg
from django.conf import settings
from django.core.mail import get_connection, send_mass_mail
from django.db import IntegrityError, connection, transaction
from django.db.backends.postgresql.psycopg_any import DateTimeTZRange
from django.utils import timezone
from psycopg.types.range import Range

from bpo.dates import format_when
from bpo.errors import ConflictError, DomainError
from scheduling.planning.models import Plan, PlanRevision, PlanShift, PlanStatus
from scheduling.planning.selectors.plans import plan_figures
from scheduling.roster.models import Agent, Booking
from tenants.db import tenant_connection

logger = logging.getLogger(__name__)

REASON_MAX = PlanRevision._meta.get_field("reason").max_length or 300
# Conflicts named in the error's sentence; all of them are in ``PublishConflict.conflicts``.
CONFLICTS_NAMED = 5


@dataclass(frozen=True)
class BookingConflict:
    """An agent the plan books at a time another booking already holds."""

    agent_id: int
    agent_name: str
    starts_at: datetime
    ends_at: datetime
    held_by: str
    """The client (or "another plan of this client") whose booking is in the way."""
    time_zone: str = "UTC"

    def __str__(self) -> str:
        zone = ZoneInfo(self.time_zone)
        return (
            f"{self.agent_name} is already booked for {self.held_by} from "
            f"{format_when(self.starts_at, 'weekday', zone=zone)} to "
            f"{format_when(self.ends_at, 'time', zone=zone)}"
        )


class PublishConflict(ConflictError):
    def __init__(self, conflicts: list[BookingConflict]) -> None:
        named = "; ".join(str(c) for c in conflicts[:CONFLICTS_NAMED])
        more = len(conflicts) - CONFLICTS_NAMED
        tail = f" (and {more} more)" if more > 0 else ""
        super().__init__(f"Nothing was published: {named}{tail}.")
        self.conflicts = conflicts


def _client():
    client = getattr(tenant_connection(), "tenant", None)
    if client is None or client.schema_name == "public":
        raise RuntimeError("plan services run with a client's schema active")
    return client


# --- What publishing would change ---------------------------------------------------------


class _Shift(NamedTuple):
    """A plan's shift as publishing reads it (rows, not model instances: a week of a large
    client holds thousands)."""

    pk: int
    agent_id: int
    starts_at: datetime
    ends_at: datetime
    service_line_id: int | None


class _Booked(NamedTuple):
    pk: int
    agent_id: int
    starts_at: datetime
    ends_at: datetime
    service_line_id: int | None
    plan_id: int
    shift_id: int


def _key(row: _Shift | _Booked) -> tuple:
    return (row.agent_id, row.starts_at, row.ends_at, row.service_line_id)


def _shifts_of(plan: Plan) -> list[_Shift]:
    fields = ("pk", "agent_id", "starts_at", "ends_at", "service_line_id")
    return [
        _Shift(*row) for row in plan.shifts.order_by("starts_at", "agent_id").values_list(*fields)
    ]


def _published_bookings(client, plan: Plan) -> list[_Booked]:
    """The bookings this plan's publication replaces: its own, and those of any other plan of
    the client that is published for the same week."""
    plan_ids = [plan.pk, *_other_published(plan).values_list("pk", flat=True)]
    rows = (
        Booking.objects.filter(client=client, plan_id__in=plan_ids)
        .order_by("during", "agent_id")
        .values_list("pk", "agent_id", "during", "service_line_id", "plan_id", "shift_id")
    )
    return [
        _Booked(pk, agent, during.lower, during.upper, line, plan_id, shift)
        for pk, agent, during, line, plan_id, shift in rows
    ]


def _other_published(plan: Plan):
    return Plan.objects.filter(
        week_starts_on=plan.week_starts_on, status=PlanStatus.PUBLISHED
    ).exclude(pk=plan.pk)


def _describe(agent_names: dict[int, str], agent_id, starts_at, ends_at, line_id) -> dict:
    return {
        "agent_id": agent_id,
        "agent": agent_names.get(agent_id, f"agent {agent_id}"),
        "starts_at": starts_at.isoformat(),
        "ends_at": ends_at.isoformat(),
        "line_id": line_id,
    }


def _changes(client, plan: Plan, shifts: list[_Shift], bookings: list[_Booked]) -> dict:
    agent_ids = {s.agent_id for s in shifts} | {b.agent_id for b in bookings}
    names = dict(Agent.objects.filter(pk__in=agent_ids).values_list("pk", "full_name"))
    booked = {_key(b): b for b in bookings}
    planned = {_key(s): s for s in shifts}
    kept = booked.keys() & planned.keys()
    added_shifts = [planned[k] for k in planned.keys() - kept]
    removed_bookings = [booked[k] for k in booked.keys() - kept]
    # A shift whose own booking is among the removed ones was moved (times, agent or line).
    removed_by_shift = {b.shift_id: b for b in removed_bookings if b.plan_id == plan.pk}
    moved, added = [], []
    for shift in sorted(added_shifts, key=lambda s: (s.starts_at, s.agent_id)):
        before = removed_by_shift.pop(shift.pk, None)
        entry = _describe(
            names, shift.agent_id, shift.starts_at, shift.ends_at, shift.service_line_id
        )
        entry["shift_id"] = shift.pk
        if before is None:
            added.append(entry)
        else:
            entry["before"] = _describe(
                names, before.agent_id, before.starts_at, before.ends_at, before.service_line_id
            )
            moved.append(entry)
    still_removed = {b.pk for b in removed_by_shift.values()} | {
        b.pk for b in removed_bookings if b.plan_id != plan.pk
    }
    removed = [
        {
            **_describe(names, b.agent_id, b.starts_at, b.ends_at, b.service_line_id),
            "shift_id": b.shift_id,
        }
        for b in removed_bookings
        if b.pk in still_removed
    ]
    return {
        "added": added,
        "removed": removed,
        "moved": moved,
        "unchanged": len(kept),
        "_kept": kept,
    }


def plan_changes(*, plan: Plan) -> dict:
    """What publishing ``plan`` now would change against the week's bookings: ``added``,
    ``removed`` and ``moved`` shifts (each with agent, times and line; a moved one with
    ``before``) and the count left ``unchanged``."""
    client = _client()
    changes = _changes(client, plan, _shifts_of(plan), _published_bookings(client, plan))
    changes.pop("_kept")
    return changes


def change_count(changes: dict) -> int:
    return len(changes["added"]) + len(changes["removed"]) + len(changes["moved"])


# --- Publishing ------------------------------------------------------------------------------


def publish_plan(*, plan: Plan, user, reason: str = "") -> PlanRevision:
    """Publish ``plan``'s shifts as bookings, as one new revision; all or nothing.

    Raises ``DomainError`` for a discarded plan, for a republication without a reason or with
    nothing to change, and ``PublishConflict`` when an agent would be booked twice at once
    (with another client, or with another plan of this client)."""
    client = _client()
    reason = (reason or "").strip()
    if len(reason) > REASON_MAX:
        raise DomainError(f"The reason is at most {REASON_MAX} characters.", field="reason")
    with transaction.atomic():
        # Two publications of one plan queue up here; those of two plans meet at the ledger.
        locked = Plan.objects.select_for_update().get(pk=plan.pk)
        if locked.status == PlanStatus.DISCARDED:
            raise DomainError("This plan was discarded; it cannot be published.")
        replaces = list(_other_published(locked).select_for_update())
        republishing = locked.revision > 0 or bool(replaces)
        if republishing and not reason:
            raise DomainError(
                "Say why the published week changes (for example: a sick call).", field="reason"
            )
        shifts = _shifts_of(locked)
        bookings = _published_bookings(client, locked)
        changes = _changes(client, locked, shifts, bookings)
        changes.pop("_kept")
        if republishing and not change_count(changes):
            raise DomainError(
                f"Nothing changed since revision {locked.revision}: there is nothing to publish."
            )
        number = locked.revision + 1
        _write_bookings(client, locked, shifts, bookings, number)
        for old in replaces:
            old.status = PlanStatus.DISCARDED
            old.has_unpublished_changes = False
            old.save(update_fields=["status", "has_unpublished_changes", "updated_at"])
        now = timezone.now()
        locked.status = PlanStatus.PUBLISHED
        locked.revision = number
        locked.has_unpublished_changes = False
        locked.published_at = now
        locked.published_by = user if getattr(user, "pk", None) else None
        locked.save()
        revision = PlanRevision.objects.create(
            plan=locked,
            number=number,
            published_at=now,
            published_by=locked.published_by,
            reason=reason,
            changes=changes,
            shift_count=len(shifts),
            figures=locked.figures,
        )
        transaction.on_commit(lambda: _tell_agents(client, locked, revision))
    plan.refresh_from_db()
    return revision


def record_swap(*, plan_id: int, shift_id: int, giver: Agent, taker: Agent, actor) -> PlanRevision:
    """An approved swap moved one published shift from ``giver`` to ``taker``: the client's
    shift row follows its booking and the plan gets a revision that says so (its history shows
    the swap like any other change). Call with the client's schema active, inside the swap's
    transaction, after the booking has moved."""
    locked = Plan.objects.select_for_update().get(pk=plan_id)
    shift = PlanShift.objects.select_for_update().filter(pk=shift_id, plan=locked).first()
    if shift is None or shift.agent_id != giver.pk:
        raise ConflictError(
            f"{_client().name}'s plan no longer has this shift; ask a scheduler.", field="status"
        )
    names = {giver.pk: giver.full_name, taker.pk: taker.full_name}
    entry = _describe(names, taker.pk, shift.starts_at, shift.ends_at, shift.service_line_id)
    entry["shift_id"] = shift.pk
    entry["before"] = _describe(
        names, giver.pk, shift.starts_at, shift.ends_at, shift.service_line_id
    )
    shift.agent_id = taker.pk
    shift.save(update_fields=["agent", "updated_at"])
    number = locked.revision + 1
    count = PlanShift.objects.filter(plan=locked).count()
    locked.revision = number
    locked.figures = {**(locked.figures or {}), **plan_figures(plan=locked)}
    locked.save(update_fields=["revision", "figures", "updated_at"])
    Booking.objects.filter(plan_id=locked.pk, shift_id=shift.pk).update(revision=number)
    reason = f"Swap: {giver.full_name}'s shift taken by {taker.full_name}"
    return PlanRevision.objects.create(
        plan=locked,
        number=number,
        published_at=timezone.now(),
        published_by=actor if getattr(actor, "pk", None) else None,
        reason=reason[:REASON_MAX],
        changes={"added": [], "removed": [], "moved": [entry], "unchanged": count - 1},
        shift_count=count,
        figures=locked.figures,
    )


def _write_bookings(client, plan, shifts: list[_Shift], bookings: list[_Booked], number: int):
    """Replace the week's bookings that no longer match by the plan's shifts, inside the
    caller's transaction; turn the ledger's exclusion violation into a ``PublishConflict``.

    A booking stays when it is this plan's booking of the same shift with the same agent,
    times and line; every other booking of the week goes, and every shift without such a
    booking is written (so the bookings of a replaced plan are rewritten to point here). The
    new rows go in by ``COPY`` (a week of a large client is thousands of rows; the constraint
    checks each row all the same)."""
    shift_by_pk = {s.pk: s for s in shifts}

    def still_exact(booking: _Booked) -> bool:
        shift = shift_by_pk.get(booking.shift_id) if booking.plan_id == plan.pk else None
        return shift is not None and _key(shift) == _key(booking)

    exact = {b.shift_id for b in bookings if still_exact(b)}
    stale = [b.pk for b in bookings if b.shift_id not in exact or b.plan_id != plan.pk]
    fresh = [s for s in shifts if s.pk not in exact]
    now = timezone.now()
    try:
        with transaction.atomic():
            Booking.objects.filter(pk__in=stale).delete()
            with connection.cursor() as cursor, cursor.copy(_COPY_BOOKINGS) as copy:
                for s in fresh:
                    copy.write_row(
                        (
                            s.agent_id,
                            client.pk,
                            s.service_line_id,
                            Range(s.starts_at, s.ends_at, "[)"),
                            plan.pk,
                            s.pk,
                            number,
                            now,
                        )
                    )
    except (IntegrityError, psycopg.errors.ExclusionViolation) as error:
        if "roster_booking_no_overlap" not in str(error):
            raise
        raise PublishConflict(_conflicts(client, plan, fresh, stale)) from error


_COPY_BOOKINGS = (
    f"COPY {Booking._meta.db_table} (agent_id, client_id, service_line_id, during, plan_id,"
    " shift_id, revision, created_at) FROM STDIN"
)


def _overlap(a_start, a_end, b_start, b_end) -> bool:
    return a_start < b_end and b_start < a_end


def _conflicts(client, plan, fresh: list[_Shift], stale: list[int]) -> list[BookingConflict]:
    """Which of ``fresh`` overlap a booking that stays, or one another: one query over the
    agents' bookings in the plan's span."""
    if not fresh:
        return []
    agent_ids = {b.agent_id for b in fresh}
    span = DateTimeTZRange(min(b.starts_at for b in fresh), max(b.ends_at for b in fresh))
    holding = (
        Booking.objects.filter(agent_id__in=agent_ids, during__overlap=span)
        .exclude(pk__in=stale)
        .select_related("client")
    )
    names = dict(Agent.objects.filter(pk__in=agent_ids).values_list("pk", "full_name"))
    others: dict[int, list[tuple]] = {}
    for booking in holding:
        if booking.client_id != client.pk:
            held_by = booking.client.name
        elif booking.plan_id == plan.pk:
            held_by = "another shift of this plan"
        else:
            held_by = "another plan of this client"
        others.setdefault(booking.agent_id, []).append(
            (booking.during.lower, booking.during.upper, held_by)
        )
    found: list[BookingConflict] = []
    for new in sorted(fresh, key=lambda b: (b.starts_at, b.agent_id)):
        start, end = new.starts_at, new.ends_at
        for other_start, other_end, held_by in others.get(new.agent_id, []):
            if _overlap(start, end, other_start, other_end):
                found.append(
                    BookingConflict(
                        new.agent_id, names[new.agent_id], start, end, held_by, plan.time_zone
                    )
                )
                break
        else:
            # Not in the way of a stored booking: then of an earlier shift of this plan.
            others.setdefault(new.agent_id, []).append((start, end, "another shift of this plan"))
    return found


def discard_plan(*, plan: Plan, user) -> Plan:
    """Drop a draft. A published plan is not discarded: amend it, or publish another plan of
    the week in its place."""
    _client()
    with transaction.atomic():
        locked = Plan.objects.select_for_update().get(pk=plan.pk)
        if locked.status == PlanStatus.PUBLISHED:
            raise DomainError("A published plan cannot be discarded; amend it instead.")
        if locked.status == PlanStatus.DISCARDED:
            return locked
        locked.status = PlanStatus.DISCARDED
        locked.has_unpublished_changes = False
        locked.save(update_fields=["status", "has_unpublished_changes", "updated_at"])
    return locked


# --- Telling the agents --------------------------------------------------------------------


def _tell_agents(client, plan: Plan, revision: PlanRevision) -> None:
    """One e-mail to each agent with an account whose shifts this publication changed, in the
    agent's own time zone. A mail that cannot be sent is logged; the publication stands."""
    per_agent: dict[int, list[tuple[str, str, str | None]]] = {}
    for kind, verb in (("added", "New"), ("moved", "Changed"), ("removed", "Cancelled")):
        for entry in revision.changes.get(kind, []):
            before = entry.get("before")
            per_agent.setdefault(entry["agent_id"], []).append(
                (verb, entry["starts_at"], before["starts_at"] if before else None)
            )
            if before and before["agent_id"] != entry["agent_id"]:
                per_agent.setdefault(before["agent_id"], []).append(
                    ("Cancelled", before["starts_at"], None)
                )
    if not per_agent:
        return
    agents = Agent.objects.filter(pk__in=per_agent, user__isnull=False).select_related("user")
    subject = f"Your shifts for {client.name}, week of {format_when(plan.week_starts_on, 'date')}"
    messages = []
    for agent in agents:
        if not (agent.user and agent.user.email):
            continue
        zone = ZoneInfo(agent.time_zone)
        lines = []
        for verb, starts, was in per_agent[agent.pk]:
            line = f"{verb}: {format_when(datetime.fromisoformat(starts), 'weekday', zone=zone)}"
            if was:
                line += f" (was {format_when(datetime.fromisoformat(was), 'weekday', zone=zone)})"
            lines.append(line)
        body = f"Your plan for {client.name} was published (revision {revision.number}).\n\n"
        body += "\n".join(lines) + "\n"
        if revision.reason:
            body += f"\nReason: {revision.reason}\n"
        messages.append((subject, body, settings.DEFAULT_FROM_EMAIL, [agent.user.email]))
    try:
        send_mass_mail(messages, connection=get_connection())
    except Exception:  # the SMTP server's errors are many; the publication is committed
        logger.exception(
            "Could not e-mail agents about plan %s revision %s of %s",
            plan.pk,
            revision.number,
            client.schema_name,
        )
