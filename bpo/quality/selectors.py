"""Reads of QA scorecards. Run with the client's schema active.

Whoever may view scorecards (``Action.VIEW_SCORECARDS``, checked at the edge) sees every
version of every scorecard of the client; an id that is not the client's does not exist
(``NotFoundError``), whatever the reason.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from itertools import groupby

from django.core.paginator import Page
from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery

from bpo.catalog.selectors.audit import history_page
from bpo.errors import NotFoundError
from bpo.quality import audit, intervals, scoring
from bpo.quality.models import (
    SCORED_EVALUATION_STATUSES,
    Dispute,
    DisputeStatus,
    Evaluation,
    EvaluationAnswer,
    Scorecard,
    ScorecardCriterion,
    ScorecardSection,
    ScorecardVersion,
    ScorecardVersionStatus,
)
from bpo.quality.services.scorecards import version_spec
from scheduling.roster.selectors import agent_names

Status = ScorecardVersionStatus


def _version_of(status: str):
    return ScorecardVersion.objects.filter(scorecard=OuterRef("pk"), status=status)


def list_scorecards(*, service_line_id: int | None = None) -> QuerySet[Scorecard]:
    """Scorecards with their line, ``published_version_id`` / ``published_number`` and
    ``draft_version_id`` / ``draft_number`` annotated (one query)."""
    scorecards = (
        Scorecard.objects.select_related("service_line")
        .annotate(
            published_version_id=Subquery(_version_of(Status.PUBLISHED).values("pk")[:1]),
            published_number=Subquery(_version_of(Status.PUBLISHED).values("number")[:1]),
            draft_version_id=Subquery(_version_of(Status.DRAFT).values("pk")[:1]),
            draft_number=Subquery(_version_of(Status.DRAFT).values("number")[:1]),
            version_count=Count("versions", distinct=True),
        )
        .order_by("name", "pk")
    )
    if service_line_id is not None:
        scorecards = scorecards.filter(service_line_id=service_line_id)
    return scorecards


def get_scorecard(*, scorecard_id) -> Scorecard:
    try:
        return list_scorecards().get(pk=scorecard_id)
    except (Scorecard.DoesNotExist, ValueError, TypeError):
        raise NotFoundError("No such scorecard.") from None


def version_queryset() -> QuerySet[ScorecardVersion]:
    """Versions with their sections and criteria in order, in a fixed number of queries."""
    return ScorecardVersion.objects.select_related(
        "scorecard", "scorecard__service_line", "based_on", "created_by", "published_by"
    ).prefetch_related(
        Prefetch(
            "sections",
            queryset=ScorecardSection.objects.order_by("position").prefetch_related(
                Prefetch("criteria", queryset=ScorecardCriterion.objects.order_by("position"))
            ),
        )
    )


def list_scorecard_versions(*, scorecard_id: int | None = None) -> QuerySet[ScorecardVersion]:
    """Newest first per scorecard, with their content."""
    versions = version_queryset().order_by("scorecard__name", "scorecard_id", "-number")
    if scorecard_id is not None:
        versions = versions.filter(scorecard_id=scorecard_id)
    return versions


def list_scorecard_version_rows(*, scorecard_id: int) -> QuerySet[ScorecardVersion]:
    """A scorecard's versions for a table (no content), with their numbers of sections and
    criteria."""
    return (
        ScorecardVersion.objects.filter(scorecard_id=scorecard_id)
        .select_related("created_by", "published_by", "based_on")
        .annotate(
            section_count=Count("sections", distinct=True),
            criterion_count=Count("sections__criteria", distinct=True),
        )
        .order_by("-number")
    )


def access_scorecard_version(*, version_id, scorecard_id: int | None = None) -> ScorecardVersion:
    """One version (of ``scorecard_id`` when given), or ``NotFoundError``."""
    try:
        return list_scorecard_versions(scorecard_id=scorecard_id).get(pk=version_id)
    except (ScorecardVersion.DoesNotExist, ValueError, TypeError):
        raise NotFoundError("No such scorecard version.") from None


def access_scorecard_section(*, version: ScorecardVersion, section_id) -> ScorecardSection:
    for section in version.sections.all():
        if str(section.pk) == str(section_id):
            return section
    raise NotFoundError("No such section.")


def access_scorecard_criterion(*, section: ScorecardSection, criterion_id) -> ScorecardCriterion:
    for criterion in section.criteria.all():
        if str(criterion.pk) == str(criterion_id):
            return criterion
    raise NotFoundError("No such criterion.")


def published_version_of(*, scorecard: Scorecard) -> ScorecardVersion | None:
    return version_queryset().filter(scorecard=scorecard, status=Status.PUBLISHED).first()


def scorecard_spec(version: ScorecardVersion) -> scoring.ScorecardSpec:
    """The version as the scoring module reads it (criteria keyed by their id as text)."""
    return version_spec(version)


def scorecard_history_page(*, scorecard: Scorecard, page_number) -> Page:
    """The scorecard's history with all its versions, sections and criteria (removed ones
    too), as the catalog's activity feed shows it."""
    return history_page(audit.history_of_scorecard(scorecard.pk), page_number)


def has_published_scorecard() -> bool:
    """Whether the client has a scorecard with a published version (the pilot checklist's
    item reads the same filter)."""
    return Scorecard.objects.filter(Q(versions__status=Status.PUBLISHED)).exists()


# --- the week's QA figures -----------------------------------------------------------------------


@dataclass(frozen=True)
class ScoreFigures:
    """A sample of evaluations: the mean score (percent) with its t interval, the pass rate
    with its Wilson interval, and how many evaluations a margin of ``MARGIN_POINTS`` needs."""

    evaluated: int
    passed: int
    mean: intervals.Interval | None  # ``None`` below two evaluations (``mean_value`` then)
    mean_value: float | None
    pass_rate: intervals.Interval | None
    needed_for_mean: int | None
    needed_for_pass_rate: int
    # The scores' sample standard deviation (None below two): what "evaluations needed" for
    # another margin is computed from (``bpo.quality.intervals``).
    deviation: float | None = None

    @classmethod
    def of(cls, scores: Sequence[float], passed: int) -> ScoreFigures:
        mean = intervals.mean_interval(scores)
        deviation = intervals.sample_deviation(scores)
        rate = intervals.pass_rate_interval(passed, len(scores))
        return cls(
            evaluated=len(scores),
            passed=passed,
            mean=mean,
            mean_value=(math.fsum(scores) / len(scores)) if scores else None,
            pass_rate=rate,
            needed_for_mean=(
                intervals.evaluations_needed_for_mean(MARGIN_POINTS, deviation=deviation)
                if deviation is not None
                else None
            ),
            needed_for_pass_rate=intervals.evaluations_needed_for_pass_rate(
                MARGIN_POINTS / 100, observed=rate.estimate if rate else None
            ),
            deviation=deviation,
        )


# The precision the "evaluations needed" figures aim at: +- 5 points at 95 %.
MARGIN_POINTS = 5.0


@dataclass(frozen=True)
class CriterionFigures:
    """One criterion over a week: the mean share of its weight earned (percent; for yes/no the
    share answered yes) with its interval, and how often its lowest answer was given
    (``failed``: no, 1, 0 points), N/A answers left out."""

    criterion_id: int
    text: str
    section: str
    scale: str
    answered: int
    failed: int
    earned: intervals.Interval | None
    earned_value: float | None


@dataclass(frozen=True)
class AgentWeekQa:
    agent_id: int | None
    agent_name: str
    figures: ScoreFigures


@dataclass(frozen=True)
class LineWeekQa:
    service_line_id: int
    service_line_name: str
    figures: ScoreFigures
    agents: tuple[AgentWeekQa, ...]
    criteria: tuple[CriterionFigures, ...]  # most failed first
    disputes_raised: int
    disputes_open: int
    disputes_decided: int


def _criterion_figures(criterion: ScorecardCriterion, shares: list[float]) -> CriterionFigures:
    spec = criterion.as_spec()
    failed = sum(1 for share in shares if share == 0)
    earned: intervals.Interval | None
    if spec.scale == scoring.Scale.YES_NO:
        rate = intervals.pass_rate_interval(len(shares) - failed, len(shares))
        earned = (
            intervals.Interval(rate.estimate * 100, rate.low * 100, rate.high * 100)
            if rate
            else None
        )
    else:
        earned = intervals.mean_interval([share * 100 for share in shares])
    return CriterionFigures(
        criterion_id=criterion.pk,
        text=criterion.text,
        section=criterion.section.title,
        scale=criterion.scale,
        answered=len(shares),
        failed=failed,
        earned=earned,
        earned_value=(math.fsum(shares) / len(shares) * 100) if shares else None,
    )


def week_qa_figures(
    *, week_starts_on: date, service_line_id: int | None = None
) -> list[LineWeekQa]:
    """The QA figures of one ISO week (its Monday in the client's zone) per service line: the
    line's and each agent's mean score and pass rate with intervals, each criterion's figures
    (most failed first) and the week's disputes. Only evaluations that count are read:
    submitted or later, outside calibration sessions (``SCORED_EVALUATION_STATUSES``). Scores
    are the stored ones (recalculated by dispute decisions). Four queries, whatever the size."""
    evaluations = Evaluation.objects.filter(
        week_starts_on=week_starts_on,
        calibration_session__isnull=True,
        status__in=SCORED_EVALUATION_STATUSES,
    )
    if service_line_id is not None:
        evaluations = evaluations.filter(service_line_id=service_line_id)
    rows = list(
        evaluations.order_by("service_line_id", "id").values_list(
            "id", "service_line_id", "service_line__name", "agent_id", "score_percent", "is_passed"
        )
    )
    answers = (
        EvaluationAnswer.objects.filter(evaluation__in=evaluations, value__isnull=False)
        .select_related("criterion__section")
        .order_by("criterion__section__position", "criterion__position", "criterion_id")
    )
    shares_by_line: dict[int, dict[int, tuple[ScorecardCriterion, list[float]]]] = {}
    line_of = {row[0]: row[1] for row in rows}
    for answer in answers:
        spec = answer.criterion.as_spec()
        share = float(scoring.earned_fraction(spec, answer.as_answer(spec)))  # type: ignore[arg-type]
        entry = shares_by_line.setdefault(line_of[answer.evaluation_id], {}).setdefault(
            answer.criterion_id, (answer.criterion, [])
        )
        entry[1].append(share)
    dispute_counts = {
        row["evaluation__service_line_id"]: row
        for row in Dispute.objects.filter(evaluation__in=evaluations)
        .values("evaluation__service_line_id")
        .annotate(
            raised=Count("id"),
            open=Count("id", filter=Q(status=DisputeStatus.OPEN)),
        )
    }
    names = agent_names({row[3] for row in rows if row[3] is not None})
    lines: list[LineWeekQa] = []
    for line_id, line_rows_iter in groupby(rows, key=lambda row: row[1]):
        line_rows = list(line_rows_iter)
        by_agent: dict[int | None, list[tuple]] = {}
        for row in line_rows:
            by_agent.setdefault(row[3], []).append(row)
        agents = sorted(
            (
                AgentWeekQa(
                    agent_id,
                    names.get(agent_id, "No agent") if agent_id is not None else "No agent",
                    _figures_of(agent_rows),
                )
                for agent_id, agent_rows in by_agent.items()
            ),
            key=lambda agent: agent.agent_name,
        )
        criteria = sorted(
            (
                _criterion_figures(c, shares)
                for c, shares in shares_by_line.get(line_id, {}).values()
            ),
            key=lambda c: (-(c.failed / c.answered if c.answered else 0), -c.failed),
        )
        counts = dispute_counts.get(line_id, {"raised": 0, "open": 0})
        lines.append(
            LineWeekQa(
                service_line_id=line_id,
                service_line_name=line_rows[0][2],
                figures=_figures_of(line_rows),
                agents=tuple(agents),
                criteria=tuple(criteria),
                disputes_raised=counts["raised"],
                disputes_open=counts["open"],
                disputes_decided=counts["raised"] - counts["open"],
            )
        )
    return lines


def _figures_of(rows: Sequence[tuple]) -> ScoreFigures:
    scores = [float(row[4]) for row in rows if row[4] is not None]
    return ScoreFigures.of(scores, passed=sum(1 for row in rows if row[5]))
