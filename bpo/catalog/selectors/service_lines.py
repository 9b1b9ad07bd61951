"""Reads of service lines and their hours. Run with the client's schema active."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Count, Prefetch, Q, QuerySet

from bpo.catalog import hours
from bpo.catalog.models import (
    DateOverride,
    EscalationPath,
    OpeningHours,
    ScriptVersion,
    ScriptVersionStatus,
    ServiceLine,
)
from bpo.errors import NotFoundError

# How far ahead the pages look for the next opening or closing of a line. Instants from
# outside end at ``bpo.instants.LATEST`` (2100), so adding this never overflows.
NEXT_CHANGE_HORIZON = timedelta(days=8)


def span_of(row: OpeningHours) -> hours.Span:
    """An opening-hours row as the plain ``hours.Span``."""
    return hours.Span(weekday=row.weekday, opens_at=row.opens_at, closes_at=row.closes_at)


def get_service_line(*, service_line_id: int) -> ServiceLine:
    """The line, or ``NotFoundError`` (another client's ids simply do not exist here)."""
    try:
        return ServiceLine.objects.get(pk=service_line_id)
    except (ServiceLine.DoesNotExist, ValueError, TypeError):
        raise NotFoundError("No such service line.") from None


def weekly_hours_of(*, service_line: ServiceLine, client) -> hours.WeeklyHours:
    """The line's hours as the plain data of ``bpo.catalog.hours`` (two queries)."""
    return hours.WeeklyHours(
        time_zone=client.time_zone,
        spans=tuple(span_of(row) for row in service_line.opening_hours.all()),
        is_open_24_7=service_line.is_open_24_7,
        country=client.country,
        closed_on_public_holidays=service_line.closed_on_public_holidays,
        overrides={
            row.date: hours.DayHours(
                is_closed=row.is_closed, opens_at=row.opens_at, closes_at=row.closes_at
            )
            for row in service_line.date_overrides.all()
        },
    )


def with_hours(queryset: QuerySet[ServiceLine]) -> QuerySet[ServiceLine]:
    """``queryset`` with the opening hours and date overrides loaded (two queries in all)."""
    return queryset.prefetch_related(
        Prefetch("opening_hours", queryset=OpeningHours.objects.order_by("weekday", "opens_at")),
        Prefetch("date_overrides", queryset=DateOverride.objects.order_by("date")),
    )


def list_service_lines(
    *,
    status: str = "",
    channel: str = "",
    direction: str = "",
    search: str = "",
) -> QuerySet[ServiceLine]:
    """The client's lines by name, filtered; hours and overrides come along (constant count)."""
    lines = ServiceLine.objects.all()
    if status:
        lines = lines.filter(status=status)
    if channel:
        lines = lines.filter(channel=channel)
    if direction:
        lines = lines.filter(direction=direction)
    if search:
        lines = lines.filter(name__icontains=search.strip())
    return with_hours(lines).order_by("name", "id")


def get_service_line_with_hours(*, service_line_id: int) -> ServiceLine:
    try:
        return with_hours(ServiceLine.objects.all()).get(pk=service_line_id)
    except (ServiceLine.DoesNotExist, ValueError, TypeError):
        raise NotFoundError("No such service line.") from None


# --- hours -------------------------------------------------------------------------------------


def open_intervals_of(
    *, service_line: ServiceLine, client, start: datetime, end: datetime
) -> list[tuple[datetime, datetime]]:
    return hours.open_intervals(
        weekly_hours_of(service_line=service_line, client=client), start, end
    )


@dataclass(frozen=True)
class OpenState:
    """Whether a line is open at an instant, and when that changes next (within a week)."""

    at: datetime
    is_open: bool
    changes_at: datetime | None  # closes at (open) or opens at (closed); None: not this week


def open_state(*, weekly_hours: hours.WeeklyHours, at: datetime) -> OpenState:
    intervals = hours.open_intervals(weekly_hours, at, at + NEXT_CHANGE_HORIZON)
    if intervals and intervals[0][0] <= at:
        closes = intervals[0][1]
        return OpenState(at, True, None if closes >= at + NEXT_CHANGE_HORIZON else closes)
    return OpenState(at, False, intervals[0][0] if intervals else None)


@dataclass(frozen=True)
class HolidayRow:
    """A public holiday of the client's country and what the line does that day."""

    date: date
    name: str
    override: DateOverride | None
    closes_line: bool  # closed by the holiday rule (no override, line closes on holidays)


def holidays_of(*, service_line: ServiceLine, client, start: date, end: date) -> list[HolidayRow]:
    """The public holidays from ``start`` to ``end`` (inclusive) with the line's overrides."""
    found = hours.public_holidays(client.country, start, end)
    overrides = {
        row.date: row for row in service_line.date_overrides.all() if start <= row.date <= end
    }
    return [
        HolidayRow(
            date=day,
            name=name,
            override=overrides.get(day),
            closes_line=service_line.closed_on_public_holidays and day not in overrides,
        )
        for day, name in sorted(found.items())
    ]


# --- date overrides ----------------------------------------------------------------------------


def list_date_overrides(*, service_line: ServiceLine) -> QuerySet[DateOverride]:
    return DateOverride.objects.filter(service_line=service_line).order_by("date")


def get_date_override(*, override_id: int, service_line: ServiceLine | None = None):
    """The override (of ``service_line`` when given), or ``NotFoundError``."""
    overrides = DateOverride.objects.select_related("service_line")
    if service_line is not None:
        overrides = overrides.filter(service_line=service_line)
    try:
        return overrides.get(pk=override_id)
    except (DateOverride.DoesNotExist, ValueError, TypeError):
        raise NotFoundError("No such date override.") from None


# --- what hangs off a line (read straight from the models) ----------------------------------------


@dataclass(frozen=True)
class LineSummary:
    published_script_version: int | None  # its number; None: no published script
    escalation_tier_count: int | None  # None: no escalation path


def line_summary(*, service_line: ServiceLine) -> LineSummary:
    published = (
        ScriptVersion.objects.filter(
            script__service_line=service_line, status=ScriptVersionStatus.PUBLISHED
        )
        .values_list("number", flat=True)
        .first()
    )
    path = (
        EscalationPath.objects.filter(service_line=service_line)
        .annotate(tier_count=Count("tiers", filter=Q(tiers__isnull=False)))
        .values_list("tier_count", flat=True)
        .first()
    )
    return LineSummary(published_script_version=published, escalation_tier_count=path)
