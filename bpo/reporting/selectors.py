"""Reads of weekly reports: a client's archive (run with its schema active), one report
(``access_*`` raises not-found), the account side's list across clients (one query for all of
them), and which clients are due for last week's report at a moment (the beat's question)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import QuerySet

from bpo.errors import NotFoundError
from bpo.reporting.models import ReportSubscription, WeeklyReport, WeeklyReportStatus
from scheduling.planning.selectors.sla import IsoWeek
from tenants.db import qualified_sql, union_all

# Monday 06:00 in the client's zone; a beat that was down catches up for this long after it.
REPORT_LOCAL_TIME = time(6, 0)
CATCH_UP = timedelta(hours=48)
# The columns of the archive (the PDF and the snapshot stay out of lists).
LIST_FIELDS = (
    "id",
    "iso_year",
    "iso_week",
    "revision",
    "status",
    "sha256",
    "page_count",
    "requested_at",
    "generated_at",
    "time_zone",
    "job_id",
)


def list_reports(*, ready_only: bool = False) -> QuerySet[WeeklyReport]:
    """The client's reports, newest week first, newest revision first within a week."""
    reports = WeeklyReport.objects.only(*LIST_FIELDS).order_by(
        "-iso_year", "-iso_week", "-revision"
    )
    if ready_only:
        reports = reports.filter(status=WeeklyReportStatus.READY)
    return reports


def access_report(*, report_id) -> WeeklyReport:
    """The report (snapshot and PDF included), or ``NotFoundError``."""
    try:
        return WeeklyReport.objects.get(pk=int(report_id))
    except (WeeklyReport.DoesNotExist, ValueError, TypeError):
        raise NotFoundError("No such report.") from None


def latest_revision(*, week: IsoWeek) -> WeeklyReport | None:
    return (
        WeeklyReport.objects.only(*LIST_FIELDS)
        .filter(iso_year=week.year, iso_week=week.week)
        .order_by("-revision")
        .first()
    )


def is_subscribed(*, user) -> bool:
    return ReportSubscription.objects.filter(user_id=user.pk).exists()


def subscriber_ids() -> list[int]:
    return list(ReportSubscription.objects.order_by("user_id").values_list("user_id", flat=True))


# --- across clients ------------------------------------------------------------------------------

ACROSS_FIELDS = ("id", "iso_year", "iso_week", "revision", "status", "sha256", "generated_at")


@dataclass(frozen=True)
class ClientReport:
    client: Any
    id: int
    week: IsoWeek
    revision: int
    status: str
    sha256: str
    generated_at: datetime | None

    @property
    def status_label(self) -> str:
        return WeeklyReportStatus(self.status).label


def list_reports_across(*, clients, limit_per_client: int = 8) -> list[ClientReport]:
    """The newest reports of each of ``clients`` (the ones the user may open, with the right
    checked by the caller): one ``UNION ALL`` query over their schemas, newest week first."""
    by_pk = {client.pk: client for client in clients}
    selects = []
    for client in by_pk.values():
        newest = WeeklyReport.objects.order_by("-iso_year", "-iso_week", "-revision").values_list(
            *ACROSS_FIELDS
        )[:limit_per_client]
        sql, params = qualified_sql(newest, schema_name=client.schema_name)
        selects.append((f"SELECT {int(client.pk)}, report.* FROM ({sql}) AS report", params))
    rows = union_all(selects)
    reports = [
        ClientReport(
            client=by_pk[client_pk],
            id=pk,
            week=IsoWeek(year, week),
            revision=revision,
            status=status,
            sha256=sha,
            generated_at=generated_at,
        )
        for client_pk, pk, year, week, revision, status, sha, generated_at in rows
    ]
    return sorted(
        reports, key=lambda r: (-r.week.year, -r.week.week, r.client.name.lower(), -r.revision)
    )


def due_week(*, time_zone: str, now: datetime) -> IsoWeek | None:
    """The week whose report falls due at ``now`` in ``time_zone``: last week, from Monday
    06:00 local for ``CATCH_UP``; ``None`` outside that window."""
    zone = ZoneInfo(time_zone)
    local = now.astimezone(zone)
    monday = local.date() - timedelta(days=local.weekday())
    fires_at = datetime.combine(monday, REPORT_LOCAL_TIME, tzinfo=zone)
    if fires_at <= local < fires_at + CATCH_UP:
        return IsoWeek.of(monday).previous
    return None


def clients_due(*, clients, now: datetime) -> list[tuple[object, IsoWeek]]:
    """Of ``clients`` (live ones), those at or just past Monday 06:00 in their own zone whose
    report of last week does not exist yet (any revision, any status): one query for all."""
    candidates = []
    for client in clients:
        week = due_week(time_zone=client.time_zone, now=now)
        if week is not None:
            candidates.append((client, week))
    selects = []
    for client, week in candidates:
        exists = WeeklyReport.objects.filter(iso_year=week.year, iso_week=week.week).values_list(
            "id"
        )[:1]
        sql, params = qualified_sql(exists, schema_name=client.schema_name)
        selects.append((f"SELECT {int(client.pk)} FROM ({sql}) AS report", params))
    existing = {row[0] for row in union_all(selects)}
    return [(client, week) for client, week in candidates if client.pk not in existing]
