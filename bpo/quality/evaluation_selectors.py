"""Reads of evaluations and disputes, for one user in one client (its schema active).

Who sees which evaluation (the right ``VIEW_EVALUATIONS`` is checked at the edge first):

- the QA team, the account manager and the provider admin (``EVALUATE`` holders): every one of
  the client's evaluations, drafts included;
- the client's admins and viewers: released ones and later (released, acknowledged, disputed);
- an agent: only their own (the roster agent linked to their account), released or later;
  never a draft, never a colleague's.

Calibration scores are the calibration sessions' business and are not listed here. An id
outside what the user sees does not exist (``NotFoundError``), whatever the reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from django.core.paginator import Page
from django.db.models import Prefetch, Q, QuerySet

from bpo.accounts.permissions import can, roles_for
from bpo.accounts.roles import Action, Role
from bpo.catalog.selectors.audit import history_page
from bpo.errors import NotFoundError
from bpo.quality import audit, scoring
from bpo.quality.models import (
    Dispute,
    DisputeStatus,
    Evaluation,
    EvaluationAnswer,
    EvaluationStatus,
    ScorecardCriterion,
    ScorecardSection,
    ScorecardVersion,
    ScorecardVersionStatus,
)
from bpo.quality.services.disputes import answer_text, window_closes_at
from bpo.quality.services.evaluations import stored_answers
from bpo.quality.services.scorecards import version_spec
from scheduling.roster.models import Agent
from scheduling.roster.selectors import agent_of_user

if TYPE_CHECKING:
    from bpo.accounts.models import User
    from tenants.models import Client

Status = EvaluationStatus
# What the client and the agent see: an evaluation once it is released.
RELEASED_STATUSES = (Status.RELEASED, Status.ACKNOWLEDGED, Status.DISPUTED)


def sees_every_evaluation(user: User, client: Client) -> bool:
    """The QA team and the provider's managers see drafts too."""
    return can(user, client, Action.EVALUATE)


def _visible(user: User, client: Client) -> Q:
    if sees_every_evaluation(user, client):
        return Q()
    roles = roles_for(user, client)
    wanted = Q(pk__in=[])
    if roles & {Role.CLIENT_ADMIN, Role.CLIENT_VIEWER}:
        wanted |= Q(status__in=RELEASED_STATUSES)
    if Role.AGENT in roles:
        agent = agent_of_user(user)
        if agent is not None:
            wanted |= Q(status__in=RELEASED_STATUSES, agent_id=agent.pk)
    return wanted


def evaluation_queryset() -> QuerySet[Evaluation]:
    return Evaluation.objects.filter(calibration_session__isnull=True).select_related(
        "interaction", "service_line", "scorecard_version__scorecard", "agent", "evaluator"
    )


def list_evaluations(
    *,
    user: User,
    client: Client,
    service_line_id: int | None = None,
    agent_id: int | None = None,
    evaluator_id: int | None = None,
    status: str | None = None,
    week_starts_on: date | None = None,
) -> QuerySet[Evaluation]:
    """The evaluations ``user`` sees, newest week first, with what a table row shows (one
    query)."""
    rows = evaluation_queryset().filter(_visible(user, client))
    if service_line_id is not None:
        rows = rows.filter(service_line_id=service_line_id)
    if agent_id is not None:
        rows = rows.filter(agent_id=agent_id)
    if evaluator_id is not None:
        rows = rows.filter(evaluator_id=evaluator_id)
    if status:
        rows = rows.filter(status=status)
    if week_starts_on is not None:
        rows = rows.filter(week_starts_on=week_starts_on)
    return rows.order_by("-week_starts_on", "-interaction__occurred_at", "-id")


def access_evaluation(*, user: User, client: Client, evaluation_id) -> Evaluation:
    """One evaluation ``user`` sees, with its answers and disputes, or ``NotFoundError``."""
    try:
        return (
            list_evaluations(user=user, client=client)
            .prefetch_related(
                Prefetch(
                    "answers",
                    queryset=EvaluationAnswer.objects.select_related("criterion"),
                ),
                Prefetch(
                    "disputes",
                    queryset=Dispute.objects.select_related(
                        "criterion", "raised_by", "decided_by"
                    ).order_by("raised_at", "id"),
                ),
            )
            .get(pk=evaluation_id)
        )
    except (Evaluation.DoesNotExist, ValueError, TypeError):
        raise NotFoundError("No such evaluation.") from None


def list_disputes(
    *, user: User, client: Client, status: str | None = None, evaluation_id: int | None = None
) -> QuerySet[Dispute]:
    """Disputes of the evaluations ``user`` sees, newest first."""
    visible = list_evaluations(user=user, client=client).values("pk")
    rows = Dispute.objects.filter(evaluation__in=visible).select_related(
        "evaluation__interaction",
        "evaluation__service_line",
        "evaluation__agent",
        "criterion",
        "raised_by",
        "decided_by",
    )
    if status:
        rows = rows.filter(status=status)
    if evaluation_id is not None:
        rows = rows.filter(evaluation_id=evaluation_id)
    return rows.order_by("-raised_at", "-id")


def access_dispute(*, user: User, client: Client, dispute_id, evaluation_id=None) -> Dispute:
    try:
        rows = list_disputes(user=user, client=client)
        if evaluation_id is not None:
            rows = rows.filter(evaluation_id=evaluation_id)
        return rows.get(pk=dispute_id)
    except (Dispute.DoesNotExist, ValueError, TypeError):
        raise NotFoundError("No such dispute.") from None


def published_versions() -> QuerySet[ScorecardVersion]:
    """The published versions an evaluation can be started with, by scorecard name."""
    return (
        ScorecardVersion.objects.filter(status=ScorecardVersionStatus.PUBLISHED)
        .select_related("scorecard__service_line")
        .order_by("scorecard__name", "scorecard_id")
    )


def version_with_content(version_id: int) -> ScorecardVersion:
    return ScorecardVersion.objects.prefetch_related(
        Prefetch(
            "sections",
            queryset=ScorecardSection.objects.order_by("position").prefetch_related(
                Prefetch("criteria", queryset=ScorecardCriterion.objects.order_by("position"))
            ),
        )
    ).get(pk=version_id)


@dataclass
class CriterionRow:
    criterion: ScorecardCriterion
    spec: scoring.CriterionSpec
    answer: EvaluationAnswer | None
    text: str  # the answer as typed: "yes", "3", "na", ""
    comment: str
    disputed: bool = False  # an open dispute is about this criterion

    @property
    def display(self) -> str:
        """The answer in words: "Yes", "N/A", "4 of 5", "2 of 4 points", "—"."""
        if not self.text:
            return "—"
        if self.text == "na":
            return "N/A"
        if self.spec.scale == scoring.Scale.YES_NO:
            return self.text.capitalize()
        if self.spec.scale == scoring.Scale.ONE_TO_FIVE:
            return f"{self.text} of 5"
        return f"{self.text} of {self.spec.max_points} points"

    @property
    def is_failing(self) -> bool:
        value = scoring.parse_answer(self.spec, self.text)
        return value is not None and scoring.is_failing_answer(self.spec, value)


@dataclass
class SectionRow:
    section: ScorecardSection
    items: list[CriterionRow]
    score: scoring.SectionScore | None

    @property
    def percent(self):
        if self.score is None or self.score.score is None:
            return None
        return scoring.percent(self.score.score)


@dataclass
class EvaluationSheet:
    """An evaluation's answers by section, with each section's score (when every criterion
    is answered) and the overall result worked out from the stored answers."""

    version: ScorecardVersion
    sections: list[SectionRow]
    result: scoring.ScoreResult | None


def evaluation_sheet(evaluation: Evaluation) -> EvaluationSheet:
    """Sections, criteria and answers of ``evaluation`` (three queries)."""
    version = version_with_content(evaluation.scorecard_version_id)
    spec = version_spec(version)
    answers = {a.criterion_id: a for a in evaluation.answers.all()}
    disputed = {
        d.criterion_id
        for d in evaluation.disputes.all()
        if d.criterion_id and d.status == DisputeStatus.OPEN
    }
    result = None
    if not scoring.check_answers(spec, stored_answers(evaluation, spec)):
        result = scoring.score(spec, stored_answers(evaluation, spec))
    sections = []
    for index, section in enumerate(version.sections.all()):
        items = []
        for criterion, criterion_spec in zip(
            section.criteria.all(), spec.sections[index].criteria, strict=True
        ):
            answer = answers.get(criterion.pk)
            items.append(
                CriterionRow(
                    criterion=criterion,
                    spec=criterion_spec,
                    answer=answer,
                    text=answer_text(answer, criterion.scale),
                    comment=answer.comment if answer else "",
                    disputed=criterion.pk in disputed,
                )
            )
        sections.append(SectionRow(section, items, result.sections[index] if result else None))
    return EvaluationSheet(version=version, sections=sections, result=result)


def evaluation_history_page(*, evaluation: Evaluation, page_number) -> Page:
    """The evaluation's change history (answers and disputes too), as a feed."""
    return history_page(audit.history_of_evaluation(evaluation.pk), page_number)


def dispute_window_closes_at(evaluation: Evaluation):
    return window_closes_at(evaluation)


def open_dispute_of(evaluation: Evaluation) -> Dispute | None:
    """The dispute waiting for a decision (from the prefetched disputes)."""
    return next((d for d in evaluation.disputes.all() if d.status == DisputeStatus.OPEN), None)


def agents_to_evaluate(*, client: Client) -> QuerySet[Agent]:
    """The agents an evaluation may name: those serving the client (any of its lines), or
    every agent on the roster while none is assigned to the client yet."""
    agents = Agent.objects.order_by("full_name", "employee_number").only("pk", "full_name")
    serving = agents.filter(service_lines__client_id=client.pk).distinct()
    return serving if serving.exists() else agents


def filter_choices(*, user: User, client: Client) -> dict[str, list[tuple[int, str]]]:
    """The lines, agents and evaluators of the evaluations ``user`` sees (for the list's
    filters), by name; three queries."""
    visible = list_evaluations(user=user, client=client).order_by()
    lines = sorted(set(visible.values_list("service_line_id", "service_line__name")), key=_name)
    agents = sorted(
        set(visible.filter(agent__isnull=False).values_list("agent_id", "agent__full_name")),
        key=_name,
    )
    evaluators = sorted(
        {
            (pk, full_name or email)
            for pk, full_name, email in visible.filter(evaluator__isnull=False).values_list(
                "evaluator_id", "evaluator__full_name", "evaluator__email"
            )
        },
        key=_name,
    )
    return {"lines": lines, "agents": agents, "evaluators": evaluators}


def _name(row: tuple[int, str]) -> tuple[str, int]:
    return (row[1] or "").lower(), row[0]


@dataclass(frozen=True)
class TimelineItem:
    when: object  # a datetime
    what: str  # "submitted", "released", "acknowledged", "dispute_raised", "dispute_decided"
    title: str
    dispute: Dispute | None = None


def evaluation_timeline(evaluation: Evaluation) -> list[TimelineItem]:
    """What happened to the evaluation since it was scored, oldest first: submitted, released,
    acknowledged, each dispute raised and decided (from the prefetched disputes)."""
    items = []
    if evaluation.submitted_at:
        by = evaluation.evaluator.get_full_name() if evaluation.evaluator else "the evaluator"
        items.append(TimelineItem(evaluation.submitted_at, "submitted", f"Scored by {by}"))
    if evaluation.released_at:
        items.append(TimelineItem(evaluation.released_at, "released", "Released to the agent"))
    if evaluation.acknowledged_at:
        items.append(
            TimelineItem(evaluation.acknowledged_at, "acknowledged", "Acknowledged by the agent")
        )
    for dispute in evaluation.disputes.all():
        who = dispute.raised_by.get_full_name() if dispute.raised_by else "someone"
        about = f"“{dispute.criterion.text}”" if dispute.criterion else "the whole evaluation"
        items.append(
            TimelineItem(dispute.raised_at, "dispute_raised", f"{who} disputed {about}", dispute)
        )
        if dispute.decided_at:
            decider = dispute.decided_by.get_full_name() if dispute.decided_by else "QA"
            items.append(
                TimelineItem(
                    dispute.decided_at,
                    "dispute_decided",
                    f"{decider}: {dispute.get_status_display().lower()}",
                    dispute,
                )
            )
    return sorted(items, key=lambda item: item.when)  # type: ignore[arg-type,return-value]
