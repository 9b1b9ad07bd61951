"""QA's to-dos on the home pages.

- A QA analyst (the role): the evaluations assigned to them not yet submitted, per client (how
  many, how many overdue by ``due_on`` in the client's zone, the next due date), and each
  dispute waiting for a decision.
- An agent: each of their released evaluations to read and acknowledge.
- A client admin: disputes decided in the last 14 days (with the score before and after), and
  how many evaluations were released in the last 14 days.

Each kind is one query for all the user's clients (``UNION ALL`` across their schemas); rows
of the public schema (the agent's name) are not joined (the SQL is qualified per schema).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.db.models import Count, Min, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from bpo.accounts.permissions import can, roles_for
from bpo.accounts.roles import Action, Role
from bpo.portal.todos import Todo, register
from bpo.quality import (
    calibration_todos,  # noqa: F401 (registers the calibration to-dos)
    sampling_todos,  # noqa: F401 (registers the sampling to-dos)
)
from bpo.quality.models import Dispute, DisputeStatus, Evaluation, EvaluationStatus
from scheduling.roster.selectors import agent_of_user
from tenants.db import qualified_sql, union_all

if TYPE_CHECKING:
    from bpo.accounts.models import User
    from tenants.models import Client

Status = EvaluationStatus
RECENT = timedelta(days=14)
TO_SCORE = (Status.ASSIGNED, Status.DRAFT)


def _today(client: Client) -> date:
    return timezone.now().astimezone(ZoneInfo(client.time_zone)).date()


def _union(parts: list[tuple[Client, QuerySet]]) -> list[tuple[Client, tuple]]:
    by_pk = {client.pk: client for client, _ in parts}
    selects = []
    for client, rows in parts:
        sql, params = qualified_sql(rows, schema_name=client.schema_name)
        selects.append((f"SELECT {int(client.pk)}, part.* FROM ({sql}) AS part", params))
    return [(by_pk[row[0]], tuple(row[1:])) for row in union_all(selects)]


def _list_url(client: Client, **query: str) -> str:
    url = reverse("client:evaluations", args=[client.slug])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def _evaluation_url(client: Client, evaluation_id: int, anchor: str = "") -> str:
    url = reverse("client:evaluation", args=[client.slug, evaluation_id])
    return url + (f"#{anchor}" if anchor else "")


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'s' if count != 1 else ''}"


@register
def qa_analyst_todos(user: User, clients: Sequence[Client]) -> list[Todo]:
    """The analyst's evaluations to score and the disputes waiting for a decision."""
    mine = [c for c in clients if Role.QA_ANALYST in roles_for(user, c)]
    scoring_parts = []
    for client in mine:
        if not can(user, client, Action.EVALUATE):
            continue
        today = _today(client)
        scoring_parts.append(
            (
                client,
                Evaluation.objects.filter(
                    evaluator_id=user.pk, status__in=TO_SCORE, calibration_session__isnull=True
                )
                .values("evaluator_id")
                .annotate(
                    waiting=Count("id"),
                    overdue=Count("id", filter=Q(due_on__lt=today)),
                    first_due=Min("due_on"),
                    since=Min("created_at"),
                )
                .values_list("waiting", "overdue", "first_due", "since"),
            )
        )
    items: list[Todo] = []
    for client, (waiting, overdue, first_due, since) in _union(scoring_parts):
        detail = []
        if overdue:
            detail.append(f"{overdue} overdue")
        if first_due:
            word = "was due" if first_due < _today(client) else "is due"
            detail.append(f"the first {word} on {first_due:%-d %B %Y}")
        items.append(
            Todo(
                title=f"Score {_plural(waiting, 'evaluation')} assigned to you",
                detail=("; ".join(detail) + ".").capitalize() if detail else "",
                url=_list_url(client, evaluator=str(user.pk), status="assigned")
                if waiting == overdue
                else _list_url(client, evaluator=str(user.pk)),
                client=client,
                when=since,
                kind="evaluations_to_score",
                priority=2 if overdue else 1,
            )
        )
    dispute_parts = [
        (
            client,
            Dispute.objects.filter(
                status=DisputeStatus.OPEN, evaluation__calibration_session__isnull=True
            ).values_list(
                "pk",
                "evaluation_id",
                "evaluation__interaction__reference",
                "evaluation__service_line__name",
                "criterion__text",
                "raised_at",
                "reason",
            ),
        )
        for client in mine
        if can(user, client, Action.DECIDE_DISPUTES)
    ]
    for client, (pk, evaluation_id, reference, line, criterion, raised_at, reason) in _union(
        dispute_parts
    ):
        about = f"“{criterion}”" if criterion else "the whole evaluation"
        items.append(
            Todo(
                title=f"Decide the dispute of {reference} ({line})",
                detail=f"About {about}: {reason[:140]}",
                url=reverse("client:dispute_decide", args=[client.slug, evaluation_id, pk]),
                client=client,
                when=raised_at,
                kind="dispute_to_decide",
                priority=2,
            )
        )
    return items


@register
def agent_evaluation_todos(user: User, clients: Sequence[Client]) -> list[Todo]:
    """The agent's released evaluations, to read and acknowledge."""
    theirs = [
        c
        for c in clients
        if Role.AGENT in roles_for(user, c) and can(user, c, Action.ACKNOWLEDGE_EVALUATION)
    ]
    if not theirs:
        return []
    agent = agent_of_user(user)
    if agent is None:
        return []
    parts = [
        (
            client,
            Evaluation.objects.filter(
                agent_id=agent.pk, status=Status.RELEASED, calibration_session__isnull=True
            ).values_list(
                "pk",
                "interaction__reference",
                "service_line__name",
                "score_percent",
                "released_at",
            ),
        )
        for client in theirs
    ]
    return [
        Todo(
            title=f"Read and acknowledge your evaluation of {reference}",
            detail=f"{line}: {score if score is not None else '—'} %. Disagree? You may "
            "dispute it within the scorecard's window.",
            url=_evaluation_url(client, pk),
            client=client,
            when=released_at,
            kind="evaluation_to_acknowledge",
            priority=1,
        )
        for client, (pk, reference, line, score, released_at) in _union(parts)
    ]


@register
def client_admin_evaluation_todos(user: User, clients: Sequence[Client]) -> list[Todo]:
    """Disputes answered lately, and the evaluations released lately, for the client's admin."""
    admins = [
        c
        for c in clients
        if Role.CLIENT_ADMIN in roles_for(user, c) and can(user, c, Action.VIEW_EVALUATIONS)
    ]
    since = timezone.now() - RECENT
    decided = [
        (
            client,
            Dispute.objects.filter(decided_at__gte=since)
            .exclude(status=DisputeStatus.OPEN)
            .values_list(
                "evaluation_id",
                "evaluation__interaction__reference",
                "status",
                "score_before",
                "score_after",
                "decided_at",
                "pk",
            ),
        )
        for client in admins
    ]
    items: list[Todo] = []
    labels = dict(DisputeStatus.choices)
    for client, (evaluation_id, reference, status, before, after, decided_at, pk) in _union(
        decided
    ):
        items.append(
            Todo(
                title=f"Dispute of {reference} decided: {labels[status].lower()}",
                detail=f"Score {before if before is not None else '—'} % → "
                f"{after if after is not None else '—'} %; read the reason.",
                url=_evaluation_url(client, evaluation_id, f"dispute-{pk}"),
                client=client,
                when=decided_at,
                kind="dispute_decided",
            )
        )
    released = [
        (
            client,
            Evaluation.objects.filter(
                released_at__gte=since,
                status__in=(Status.RELEASED, Status.ACKNOWLEDGED, Status.DISPUTED),
                calibration_session__isnull=True,
            )
            .values("calibration_session")
            .annotate(count=Count("id"), first=Min("released_at"))
            .values_list("count", "first"),
        )
        for client in admins
    ]
    for client, (count, first) in _union(released):
        items.append(
            Todo(
                title=f"{_plural(count, 'evaluation')} released in the last 14 days",
                detail="Read how your agents were scored; dispute a score within its window.",
                url=_list_url(client),
                client=client,
                when=first,
                kind="evaluations_released",
            )
        )
    return items
