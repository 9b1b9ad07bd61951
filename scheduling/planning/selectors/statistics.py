"""Reads of contact statistics and their imports. Run with the client's schema active (the
pages and the API reach them only through a client's route, which checks the user)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Count, Max, Min, QuerySet

from bpo.catalog.models import ServiceLine
from bpo.errors import NotFoundError
from scheduling.planning.models import (
    CustomerExperienceImport,
    DailyExperience,
    ImportStatus,
    IntervalStatistic,
    StatisticsImport,
)


def list_statistics_imports() -> QuerySet[StatisticsImport]:
    return StatisticsImport.objects.select_related("service_line").defer(
        "preview_rows", "column_mapping", "response_body"
    )


def access_statistics_import(*, import_id) -> StatisticsImport:
    try:
        return StatisticsImport.objects.select_related("service_line").get(pk=import_id)
    except (StatisticsImport.DoesNotExist, ValueError, TypeError):
        raise NotFoundError("No such statistics import.") from None


def list_interval_statistics(
    *,
    service_line_id: int | None = None,
    starts_from: datetime | None = None,
    starts_before: datetime | None = None,
) -> QuerySet[IntervalStatistic]:
    rows = IntervalStatistic.objects.all().order_by("service_line_id", "starts_at")
    if service_line_id is not None:
        rows = rows.filter(service_line_id=service_line_id)
    if starts_from is not None:
        rows = rows.filter(starts_at__gte=starts_from)
    if starts_before is not None:
        rows = rows.filter(starts_at__lt=starts_before)
    return rows


def access_service_line(*, service_line_id) -> ServiceLine:
    try:
        return ServiceLine.objects.get(pk=service_line_id)
    except (ServiceLine.DoesNotExist, ValueError, TypeError):
        raise NotFoundError("No such service line.") from None


def statistics_coverage() -> dict[int, dict]:
    """Per line id: interval count, first and last stored start (one query)."""
    rows = IntervalStatistic.objects.values("service_line_id").annotate(
        intervals=Count("id"), first=Min("starts_at"), last=Max("starts_at")
    )
    return {row["service_line_id"]: dict(row) for row in rows}


def lines_without_statistics(*, starts_from: datetime, starts_before: datetime) -> list[str]:
    """Names of active lines with no interval stored in [from, before) (one query)."""
    return list(
        ServiceLine.objects.exclude(status__in=["draft", "retired"])
        .exclude(
            interval_statistics__starts_at__gte=starts_from,
            interval_statistics__starts_at__lt=starts_before,
        )
        .values_list("name", flat=True)
    )


def failed_imports_since(*, since: datetime) -> QuerySet[StatisticsImport]:
    return StatisticsImport.objects.filter(status=ImportStatus.FAILED, created_at__gte=since)


def list_experience_imports() -> QuerySet[CustomerExperienceImport]:
    return CustomerExperienceImport.objects.select_related("service_line")


def access_experience_import(*, import_id) -> CustomerExperienceImport:
    try:
        return CustomerExperienceImport.objects.select_related("service_line").get(pk=import_id)
    except (CustomerExperienceImport.DoesNotExist, ValueError, TypeError):
        raise NotFoundError("No such customer experience import.") from None


def list_daily_experience(
    *,
    service_line_id: int | None = None,
    first_day: date | None = None,
    last_day: date | None = None,
) -> QuerySet[DailyExperience]:
    rows = DailyExperience.objects.select_related("service_line")
    if service_line_id is not None:
        rows = rows.filter(service_line_id=service_line_id)
    if first_day is not None:
        rows = rows.filter(day__gte=first_day)
    if last_day is not None:
        rows = rows.filter(day__lte=last_day)
    return rows


def week_bounds(week_start: date) -> tuple[date, date]:
    return week_start, week_start + timedelta(days=7)


def handled_contacts_by_day(
    *, first_day: date, last_day: date, time_zone: str
) -> list[dict[str, Any]]:
    """Per line and local day (``time_zone``) from ``first_day`` to ``last_day``: contacts
    answered (handled) and their handled time (talk + hold + after-call work) in seconds.
    One aggregate query."""
    from zoneinfo import ZoneInfo

    from django.db.models import F, Sum
    from django.db.models.functions import TruncDate

    zone = ZoneInfo(time_zone)
    starts = datetime.combine(first_day, datetime.min.time(), tzinfo=zone)
    ends = datetime.combine(last_day + timedelta(days=1), datetime.min.time(), tzinfo=zone)
    rows = (
        IntervalStatistic.objects.filter(starts_at__gte=starts, starts_at__lt=ends)
        .annotate(day=TruncDate("starts_at", tzinfo=zone))
        .values("service_line_id", "day")
        .annotate(
            contacts=Sum("answered"),
            handled_seconds=Sum(F("talk_seconds") + F("hold_seconds") + F("acw_seconds")),
            intervals=Count("id"),
        )
        .order_by("service_line_id", "day")
    )
    return [dict(row) for row in rows]
