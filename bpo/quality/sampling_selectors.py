"""Reads of QA sampling: interactions, the lines' sampling plans and draws, the scorecard a
line's evaluations use, the client's evaluators, and what is due and what is done. Run with
the client's schema active; an id that is not the client's does not exist (``NotFoundError``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from django.db import connection
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery

from bpo.accounts.roles import Role
from bpo.accounts.selectors import list_client_memberships
from bpo.catalog.models import ServiceLine, ServiceLineStatus
from bpo.errors import NotFoundError
from bpo.quality.models import (
    SCORED_EVALUATION_STATUSES,
    Evaluation,
    EvaluationStatus,
    Interaction,
    SampleDraw,
    SamplingPlan,
    ScorecardVersion,
    ScorecardVersionStatus,
)
from scheduling.roster.selectors import agent_names

OPEN = (EvaluationStatus.ASSIGNED, EvaluationStatus.DRAFT)


def published_versions_by_line() -> dict[int | None, ScorecardVersion]:
    """The published version that applies per line id (``None``: the one for every line);
    with several scorecards for one line, the latest published wins. One query."""
    versions = (
        ScorecardVersion.objects.filter(status=ScorecardVersionStatus.PUBLISHED)
        .select_related("scorecard")
        .order_by("published_at", "pk")
    )
    return {version.scorecard.service_line_id: version for version in versions}


def published_version_for_line(*, service_line_id: int) -> ScorecardVersion | None:
    """The line's own published scorecard version, else the one for every line."""
    by_line = published_versions_by_line()
    return by_line.get(service_line_id) or by_line.get(None)


def evaluators() -> list:
    """The client's QA analysts (who evaluate drawn interactions), by name."""
    memberships = list_client_memberships(
        client=getattr(connection, "tenant", None), role=Role.QA_ANALYST
    )
    return [membership.user for membership in memberships if membership.user.is_active]


def evaluator_ids() -> set[int]:
    return {user.pk for user in evaluators()}


# --- interactions ------------------------------------------------------------------------------


def list_interactions(
    *,
    service_line_id: int | None = None,
    agent_id: int | None = None,
    channel: str = "",
    occurred_from: datetime | None = None,
    occurred_before: datetime | None = None,
    search: str = "",
) -> QuerySet[Interaction]:
    """Newest first, with their line and agent, and ``evaluation_count`` (calibration aside)."""
    rows = (
        Interaction.objects.select_related("service_line", "agent")
        .annotate(
            evaluation_count=Count(
                "evaluations", filter=Q(evaluations__calibration_session__isnull=True)
            )
        )
        .order_by("-occurred_at", "-pk")
    )
    if service_line_id is not None:
        rows = rows.filter(service_line_id=service_line_id)
    if agent_id is not None:
        rows = rows.filter(agent_id=agent_id)
    if channel:
        rows = rows.filter(channel=channel)
    if occurred_from is not None:
        rows = rows.filter(occurred_at__gte=occurred_from)
    if occurred_before is not None:
        rows = rows.filter(occurred_at__lt=occurred_before)
    if search:
        rows = rows.filter(reference__icontains=search.strip())
    return rows


# --- plans and draws ---------------------------------------------------------------------------


def get_sampling_plan(*, plan_id) -> SamplingPlan:
    try:
        return SamplingPlan.objects.select_related("service_line").get(pk=plan_id)
    except (SamplingPlan.DoesNotExist, ValueError, TypeError):
        raise NotFoundError("No such sampling plan.") from None


def list_sampling_plans() -> QuerySet[SamplingPlan]:
    return SamplingPlan.objects.select_related("service_line").order_by("service_line__name", "pk")


def plan_of_line(*, service_line_id: int) -> SamplingPlan | None:
    return SamplingPlan.objects.filter(service_line_id=service_line_id).first()


@dataclass(frozen=True)
class LineSampling:
    """A line on the sampling page: its plan, the scorecard its evaluations use and the
    week's draw."""

    line: ServiceLine
    plan: SamplingPlan | None
    version: ScorecardVersion | None
    draw: SampleDraw | None


def list_line_sampling(*, monday: date) -> list[LineSampling]:
    """Every line that is not retired, by name. Three queries."""
    draws = SampleDraw.objects.filter(
        sampling_plan__service_line=OuterRef("pk"), week_starts_on=monday
    )
    lines = list(
        ServiceLine.objects.exclude(status=ServiceLineStatus.RETIRED)
        .select_related("sampling_plan")
        .annotate(week_draw_id=Subquery(draws.values("pk")[:1]))
        .order_by("name", "pk")
    )
    draw_of = SampleDraw.objects.annotate(evaluation_count=Count("evaluations")).in_bulk(
        [line.week_draw_id for line in lines if line.week_draw_id]  # type: ignore[attr-defined]
    )
    versions = published_versions_by_line()
    return [
        LineSampling(
            line=line,
            plan=getattr(line, "sampling_plan", None),
            version=versions.get(line.pk) or versions.get(None),
            draw=draw_of.get(line.week_draw_id),  # type: ignore[attr-defined]
        )
        for line in lines
    ]


def list_draws(*, service_line_id: int | None = None) -> QuerySet[SampleDraw]:
    """Newest week first, with their line, who drew and ``evaluation_count``."""
    draws = (
        SampleDraw.objects.select_related("sampling_plan__service_line", "drawn_by")
        .annotate(evaluation_count=Count("evaluations"))
        .order_by("-week_starts_on", "-pk")
    )
    if service_line_id is not None:
        draws = draws.filter(sampling_plan__service_line_id=service_line_id)
    return draws


def get_draw(*, draw_id) -> SampleDraw:
    try:
        return list_draws().get(pk=draw_id)
    except (SampleDraw.DoesNotExist, ValueError, TypeError):
        raise NotFoundError("No such draw.") from None


# --- what is due and what is done --------------------------------------------------------------


@dataclass(frozen=True)
class DueRow:
    """Drawn evaluations of one evaluator or one agent: ``done`` is submitted or later,
    ``open`` assigned or draft, ``overdue`` the open ones past their due day."""

    key: int | None
    name: str
    drawn: int
    done: int
    open: int
    overdue: int

    @property
    def done_percent(self) -> float | None:
        return self.done / self.drawn * 100 if self.drawn else None


@dataclass(frozen=True)
class DueAndDone:
    by_evaluator: list[DueRow] = field(default_factory=list)
    by_agent: list[DueRow] = field(default_factory=list)
    total: DueRow | None = None


def _counts(today: date) -> dict:
    open_ = Q(status__in=OPEN)
    return {
        "drawn": Count("id"),
        "done": Count("id", filter=Q(status__in=SCORED_EVALUATION_STATUSES)),
        "open": Count("id", filter=open_),
        "overdue": Count("id", filter=open_ & Q(due_on__lt=today)),
    }


def due_and_done(*, monday: date, today: date, service_line_id: int | None = None) -> DueAndDone:
    """The drawn evaluations of the week (one line, or every line) per evaluator and per
    agent, as of ``today`` (the client's). Four queries, whatever the size."""
    drawn = Evaluation.objects.filter(draw__week_starts_on=monday, draw__isnull=False)
    if service_line_id is not None:
        drawn = drawn.filter(service_line_id=service_line_id)
    counts = _counts(today)
    by_evaluator = list(
        drawn.order_by()
        .values("evaluator_id")
        .annotate(**counts)
        .values_list("evaluator_id", *counts)
    )
    by_agent = list(
        drawn.order_by().values("agent_id").annotate(**counts).values_list("agent_id", *counts)
    )
    total = drawn.aggregate(**counts)
    if not total["drawn"]:
        return DueAndDone()
    from bpo.accounts.models import User

    people = {
        user.pk: user.get_full_name() or user.email
        for user in User.objects.filter(pk__in=[row[0] for row in by_evaluator if row[0]])
    }
    agents = agent_names(row[0] for row in by_agent if row[0] is not None)

    def rows(found, names, nobody):
        return sorted(
            (DueRow(key, names.get(key, nobody) if key else nobody, *rest) for key, *rest in found),
            key=lambda row: (row.name.casefold(), row.key or 0),
        )

    return DueAndDone(
        by_evaluator=rows(by_evaluator, people, "Nobody"),
        by_agent=rows(by_agent, agents, "No agent"),
        total=DueRow(None, "All", total["drawn"], total["done"], total["open"], total["overdue"]),
    )
