"""The planning app's to-dos. For those who run forecasts (schedulers, account managers,
provider admins): "Forecast for <line> is older than a week". For schedulers (the role, not
every holder of the right): service lines with no statistics for last week, and statistics
imports that failed (in the last 14 days, with no later stored import of the same file). One
query for all the user's clients for each (``UNION ALL`` across their schemas)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.db.models import Exists, OuterRef, QuerySet
from django.urls import reverse
from django.utils import timezone

from bpo.accounts.permissions import can, roles_for
from bpo.accounts.roles import Action, Role
from bpo.catalog.models import DEFERRED_CHANNELS, ServiceLine, ServiceLineStatus
from bpo.portal.todos import Todo, register
from scheduling.planning.models import ImportStatus, IntervalStatistic, StatisticsImport
from scheduling.planning.selectors.forecasts import latest_ready_forecasts
from tenants.db import qualified_sql, union_all

if TYPE_CHECKING:
    from bpo.accounts.models import User
    from tenants.models import Client

STALE_AFTER = timedelta(days=7)

# The columns a stale-forecast to-do needs, of each line's newest ready forecast.
LATEST = latest_ready_forecasts().values_list(
    "id", "version", "completed_at", "service_line_id", "service_line__name"
)


@register
def forecast_todos(user: User, clients: Sequence[Client]) -> list[Todo]:
    """One query for every client: each client's newest ready forecast per active line,
    ``UNION ALL``; those older than a week are kept."""
    by_pk = {}
    selects = []
    for client in clients:
        if not can(user, client, Action.RUN_FORECAST):
            continue
        by_pk[client.pk] = client
        sql, params = qualified_sql(LATEST, schema_name=client.schema_name)
        selects.append(
            (
                f"SELECT {int(client.pk)}, latest.* FROM ({sql}) AS latest",
                params,
            )
        )
    now = timezone.now()
    older_than = now - STALE_AFTER
    return [
        Todo(
            title=f"Forecast for {line_name} is older than a week",
            detail=f"Version {version} was made {(now - completed_at).days} days ago; run a "
            "new one with the latest statistics.",
            url=reverse("client:forecast_run", args=[by_pk[client_pk].slug]) + f"?line={line_pk}",
            client=by_pk[client_pk],
            when=completed_at,
            kind="forecast_stale",
            priority=1,
        )
        for client_pk, _, version, completed_at, line_pk, line_name in union_all(selects)
        if completed_at is not None and completed_at < older_than
    ]


FAILED_WITHIN = timedelta(days=14)


def _lines_without_statistics(start: datetime, end: datetime) -> QuerySet:
    """Lines (active or paused) without an interval in ``[start, end)``."""
    intervals = IntervalStatistic.objects.filter(
        service_line=OuterRef("pk"), starts_at__gte=start, starts_at__lt=end
    )
    return (
        ServiceLine.objects.filter(status__in=[ServiceLineStatus.ACTIVE, ServiceLineStatus.PAUSED])
        .filter(~Exists(intervals))
        .values_list("name")
    )


def _failed_imports(since: datetime) -> QuerySet:
    """Failed imports since ``since`` not followed by a stored import of the same file."""
    later = StatisticsImport.objects.filter(
        status=ImportStatus.COMMITTED,
        created_at__gt=OuterRef("created_at"),
        file_name=OuterRef("file_name"),
    )
    return (
        StatisticsImport.objects.filter(status=ImportStatus.FAILED, created_at__gte=since)
        .filter(~Exists(later))
        .values_list("file_name", "id", "created_at")
    )


def last_week(client: Client) -> tuple[datetime, datetime]:
    zone = ZoneInfo(client.time_zone)
    today = timezone.now().astimezone(zone).date()
    monday = today - timedelta(days=today.weekday() + 7)
    start = datetime.combine(monday, time(0), tzinfo=zone)
    return start, datetime.combine(monday + timedelta(days=7), time(0), tzinfo=zone)


@register
def statistics_todos(user: User, clients: Sequence[Client]) -> list[Todo]:
    """One query for every client: each scheduler's client's lines without last week's
    statistics and its failed imports, ``UNION ALL``."""
    by_pk = {}
    weeks = {}
    selects = []
    since = timezone.now() - FAILED_WITHIN
    for client in clients:
        # The scheduler imports the statistics; the other holders of the right are not
        # reminded of every client's weekly import.
        if Role.SCHEDULER not in roles_for(user, client) or not can(
            user, client, Action.IMPORT_STATISTICS
        ):
            continue
        by_pk[client.pk] = client
        weeks[client.pk] = start, end = last_week(client)
        lines, lines_params = qualified_sql(
            _lines_without_statistics(start, end), schema_name=client.schema_name
        )
        imports, imports_params = qualified_sql(
            _failed_imports(since), schema_name=client.schema_name
        )
        selects.append(
            (
                f"SELECT {int(client.pk)}, 'line', line.*, NULL::bigint, NULL::timestamptz "
                f"FROM ({lines}) AS line",
                lines_params,
            )
        )
        selects.append(
            (
                f"SELECT {int(client.pk)}, 'import', failed.* FROM ({imports}) AS failed",
                imports_params,
            )
        )
    rows = union_all(selects)
    items: list[Todo] = []
    for client_pk, client in by_pk.items():
        start, end = weeks[client_pk]
        lines_missing = [
            name for pk, kind, name, _, _ in rows if pk == client_pk and kind == "line"
        ]
        if lines_missing:
            week = start.isocalendar()
            items.append(
                Todo(
                    title=f"Import last week's statistics ({week.year}-W{week.week:02d})",
                    detail="No intervals stored for " + ", ".join(lines_missing) + ".",
                    url=reverse("client:statistics_upload", args=[client.slug]),
                    client=client,
                    when=end,
                    kind="statistics_missing",
                    priority=1,
                )
            )
        for pk, kind, name, import_id, created_at in rows:
            if pk == client_pk and kind == "import":
                items.append(
                    Todo(
                        title=f"Fix the statistics import {name or 'API push'}",
                        detail="It failed and stored nothing.",
                        url=reverse("client:statistics_import", args=[client.slug, import_id]),
                        client=client,
                        when=created_at,
                        kind="statistics_import_failed",
                        priority=1,
                    )
                )
    return items


# --- shift plans (issue 10): drafts waiting to be published, this week's shortfall ----------------


def _plans_from(monday) -> QuerySet:
    """Plans of this week and later that are not discarded, with what the to-dos need."""
    from scheduling.planning.models import Plan, PlanStatus

    return (
        Plan.objects.filter(week_starts_on__gte=monday)
        .exclude(status=PlanStatus.DISCARDED)
        .order_by()
        .values_list(
            "id", "week_starts_on", "status", "has_unpublished_changes", "updated_at", "figures"
        )
    )


def this_monday(client: Client):
    today = timezone.now().astimezone(ZoneInfo(client.time_zone)).date()
    return today - timedelta(days=today.weekday())


@register
def plan_todos(user: User, clients: Sequence[Client]) -> list[Todo]:
    """One query for every scheduler's client (``UNION ALL``): plans from this week on that
    wait to be published (drafts, or published weeks edited since), and this week's shortfall
    (agent hours short of the requirement in the week's published plan, else its draft)."""
    import json

    by_pk = {}
    mondays = {}
    selects = []
    for client in clients:
        if Role.SCHEDULER not in roles_for(user, client) or not can(
            user, client, Action.PUBLISH_PLANS
        ):
            continue
        by_pk[client.pk] = client
        mondays[client.pk] = monday = this_monday(client)
        sql, params = qualified_sql(_plans_from(monday), schema_name=client.schema_name)
        selects.append((f"SELECT {int(client.pk)}, plan.* FROM ({sql}) AS plan", params))
    items: list[Todo] = []
    this_week: dict[int, list] = {}
    for client_pk, plan_id, week, status, unpublished, updated_at, figures in union_all(selects):
        client = by_pk[client_pk]
        if isinstance(figures, str):
            figures = json.loads(figures)
        url = reverse("client:plan", args=[client.slug, plan_id])
        if status == "draft" or unpublished:
            items.append(
                Todo(
                    title=(
                        f"Publish the plan for the week of {week:%-d %B}"
                        if status == "draft"
                        else f"Publish the changes to the week of {week:%-d %B}"
                    ),
                    detail="Draft plan waiting to be published."
                    if status == "draft"
                    else "Edited since its last publication; agents still see the old one.",
                    url=url,
                    client=client,
                    when=updated_at,
                    kind="plan_publish",
                    priority=1,
                )
            )
        if week == mondays[client_pk]:
            this_week.setdefault(client_pk, []).append((status != "published", plan_id, figures))
    for client_pk, found in this_week.items():
        _, plan_id, figures = sorted(found, key=lambda item: item[:2])[0]
        short = float((figures or {}).get("shortfall_hours") or 0)
        if short > 0:
            client = by_pk[client_pk]
            coverage = (figures or {}).get("coverage_pct")
            items.append(
                Todo(
                    title=f"Shortfall this week: {short:g} agent hours",
                    detail=f"Coverage {coverage:g} % of the requirement."
                    if coverage is not None
                    else "",
                    url=reverse("client:plan_coverage", args=[client.slug, plan_id]),
                    client=client,
                    when=datetime.combine(
                        mondays[client_pk], time(0), tzinfo=ZoneInfo(client.time_zone)
                    ),
                    kind="plan_shortfall",
                    priority=1,
                )
            )
    return items


# --- Planning runs (issue 10): a scheduler's own run that failed ------------------------------

FAILED_RUNS_SHOWN_FOR = timedelta(days=7)


@register
def planning_run_todos(user: User, clients: Sequence[Client]) -> list[Todo]:
    """The user's own planning runs of the last week that failed and were not followed by a
    ready run of the same week: one query."""
    from bpo.accounts.permissions import can_run_planning
    from scheduling.planning.selectors.planning_runs import list_failed_runs

    if not can_run_planning(user):
        return []
    return [
        Todo(
            title=f"The planning run for the week of {run.week_starts_on:%-d %b %Y} failed",
            detail=(run.error or "No reason was recorded.")[:200],
            url=reverse("planning_runs:run", args=[run.pk]),
            client=None,
            when=run.finished_at or run.created_at,
            kind="planning_run_failed",
            priority=1,
        )
        for run in list_failed_runs(user=user, since=timezone.now() - FAILED_RUNS_SHOWN_FOR)
    ]


# --- SLA projection (issue 11): a line projected to miss its target this week --------------------

PROJECTION_ROLES = frozenset({Role.SCHEDULER, Role.ACCOUNT_MANAGER})


def _at_risk_lines(monday) -> QuerySet:
    """This week's stored projections that miss the line's target."""
    from scheduling.planning.models import SlaProjectionSnapshot

    return (
        SlaProjectionSnapshot.objects.filter(week_starts_on=monday, status="at_risk")
        .order_by()
        .values_list(
            "service_line_id",
            "service_line__name",
            "service_line__channel",
            "headline",
            "computed_at",
        )
    )


@register
def sla_projection_todos(user: User, clients: Sequence[Client]) -> list[Todo]:
    """One query for all the scheduler's and account manager's clients (``UNION ALL``): the
    lines whose stored projection for this week (``SlaProjectionSnapshot``, refreshed by beat
    every half hour) misses the target."""
    by_pk = {}
    selects = []
    for client in clients:
        if not PROJECTION_ROLES & set(roles_for(user, client)) or not can(
            user, client, Action.VIEW_SLA
        ):
            continue
        by_pk[client.pk] = client
        sql, params = qualified_sql(
            _at_risk_lines(this_monday(client)), schema_name=client.schema_name
        )
        selects.append((f"SELECT {int(client.pk)}, line.* FROM ({sql}) AS line", params))
    items = []
    for client_pk, line_pk, line_name, channel, headline, computed_at in union_all(selects):
        client = by_pk[client_pk]
        week = this_monday(client).isocalendar()
        figure = "first-response level" if channel in DEFERRED_CHANNELS else "service level"
        items.append(
            Todo(
                title=f"{line_name} is projected to miss its {figure} this week",
                detail=f"{headline}.",
                url=reverse("client:sla", args=[client.slug])
                + f"?week={week.year}-W{week.week:02d}#sla-projection-{line_pk}",
                client=client,
                when=computed_at,
                kind="sla_projection_at_risk",
                priority=2,
            )
        )
    return items
