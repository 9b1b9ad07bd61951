"""Reads of calibration sessions. Run with the client's schema active.

Who sees which session: a holder of ``run_calibrations`` (the provider's QA people) sees every
session of the client; a holder of ``join_calibrations`` only (the client's admins) sees the
sessions they take part in. Any other session is ``NotFoundError``, whatever the reason.

The agreement figures are ``bpo.quality.agreement``'s, read from the submitted scores of the
session's current participants; the session stores them (``agreement``) after each submitted
score and freezes them on close, so a page reads them without computing, unless they are stale
(a score submitted another way): then they are computed for the reading, not stored.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Count, F, Q, QuerySet

from bpo.accounts.models import User
from bpo.accounts.permissions import can
from bpo.accounts.roles import Action, Role
from bpo.errors import NotFoundError
from bpo.quality import agreement
from bpo.quality.models import (
    CalibrationSession,
    CalibrationStatus,
    Evaluation,
    EvaluationStatus,
    Interaction,
    ScorecardVersion,
    ScorecardVersionStatus,
)
from bpo.quality.services.scorecards import version_spec
from scheduling.roster.selectors import agent_names

if TYPE_CHECKING:
    from tenants.models import Client

# Roles that may be invited: the client's own admins and the provider's QA people assigned to
# it; provider admins hold every client.
PARTICIPANT_ROLES = frozenset({Role.QA_ANALYST, Role.ACCOUNT_MANAGER, Role.CLIENT_ADMIN})


def sees_every_session(user: User, client: Client) -> bool:
    return can(user, client, Action.RUN_CALIBRATIONS)


def list_calibration_sessions(
    *, user: User, client: Client, status: str = ""
) -> QuerySet[CalibrationSession]:
    """The sessions ``user`` may see, newest first, with their version, numbers of
    interactions and of submitted scores (one query)."""
    sessions = (
        CalibrationSession.objects.select_related("scorecard_version__scorecard", "expert")
        .annotate(
            interaction_count=Count("interactions", distinct=True),
            submitted_count=Count(
                "evaluations",
                filter=Q(evaluations__status=EvaluationStatus.SUBMITTED),
                distinct=True,
            ),
        )
        .order_by("-created_at", "-id")
    )
    if not sees_every_session(user, client):
        sessions = sessions.filter(participants__contains=[user.pk])
    if status in CalibrationStatus.values:
        sessions = sessions.filter(status=status)
    return sessions


def access_calibration_session(*, user: User, client: Client, session_id) -> CalibrationSession:
    try:
        return list_calibration_sessions(user=user, client=client).get(pk=session_id)
    except (CalibrationSession.DoesNotExist, ValueError, TypeError):
        raise NotFoundError("No such calibration session.") from None


def participant_candidates(*, client: Client) -> QuerySet[User]:
    """Who may be invited: active users holding a participant role in this client, and the
    provider admins."""
    return (
        User.objects.filter(is_active=True)
        .filter(
            Q(memberships__client=client, memberships__role__in=PARTICIPANT_ROLES)
            | Q(memberships__role=Role.PROVIDER_ADMIN)
        )
        .distinct()
        .order_by("full_name", "email")
    )


def published_versions() -> QuerySet[ScorecardVersion]:
    return (
        ScorecardVersion.objects.filter(status=ScorecardVersionStatus.PUBLISHED)
        .select_related("scorecard", "scorecard__service_line")
        .order_by("scorecard__name")
    )


def recent_interactions(*, version: ScorecardVersion | None = None, limit: int = 50):
    """The newest interactions (of the version's line when it has one), to pick from."""
    rows = Interaction.objects.select_related("service_line").order_by("-occurred_at", "-id")
    if version is not None and version.scorecard.service_line_id is not None:
        rows = rows.filter(service_line_id=version.scorecard.service_line_id)
    return rows[:limit]


def session_interactions(session: CalibrationSession) -> list[Interaction]:
    rows = list(session.interactions.select_related("service_line").order_by("occurred_at", "id"))
    names = agent_names({row.agent_id for row in rows if row.agent_id is not None})
    for row in rows:
        row.agent_name = names.get(row.agent_id, "") if row.agent_id else ""  # type: ignore[attr-defined]
    return rows


def session_evaluations(session: CalibrationSession) -> QuerySet[Evaluation]:
    return Evaluation.objects.filter(calibration_session=session)


@dataclass(frozen=True)
class ParticipantRow:
    user: User
    is_expert: bool
    submitted: int
    drafts: int
    cells: tuple[str, ...]  # per interaction of the session: "submitted", "draft" or ""


def participant_rows(
    session: CalibrationSession, interactions: list[Interaction]
) -> list[ParticipantRow]:
    """Who takes part and what each has scored (two queries)."""
    ids = list(session.participants)
    users = {u.pk: u for u in User.objects.filter(pk__in=ids)}
    status_of = {
        (evaluator, interaction): status
        for evaluator, interaction, status in session_evaluations(session).values_list(
            "evaluator_id", "interaction_id", "status"
        )
    }
    rows = []
    for user_id in ids:
        user = users.get(user_id)
        if user is None:
            continue
        cells = tuple(
            "submitted"
            if status_of.get((user_id, i.pk)) == EvaluationStatus.SUBMITTED
            else ("draft" if (user_id, i.pk) in status_of else "")
            for i in interactions
        )
        rows.append(
            ParticipantRow(
                user=user,
                is_expert=user_id == session.expert_id,
                submitted=cells.count("submitted"),
                drafts=cells.count("draft"),
                cells=cells,
            )
        )
    return sorted(rows, key=lambda r: (not r.is_expert, str(r.user).lower()))


# --- agreement ----------------------------------------------------------------------------------


def _submitted(session: CalibrationSession) -> QuerySet[Evaluation]:
    return session_evaluations(session).filter(
        status=EvaluationStatus.SUBMITTED,
        evaluator_id__in=list(session.participants),
        interaction__in=session.interactions.all(),
    )


def scores_key(session: CalibrationSession) -> str:
    """What the figures are computed from (the submitted scores and the expert), as a digest:
    equal keys, equal figures."""
    rows = _submitted(session).order_by("pk").values_list("pk", "submitted_at", "updated_at")
    text = f"{session.expert_id};" + ";".join(f"{pk},{a},{b}" for pk, a, b in rows)
    return hashlib.sha256(text.encode()).hexdigest()


def compute_agreement(session: CalibrationSession) -> agreement.Agreement | None:
    """The figures of the submitted scores, or None while fewer than two participants have
    submitted a score."""
    evaluations = list(_submitted(session).prefetch_related("answers"))
    if len({e.evaluator_id for e in evaluations}) < 2:
        return None
    version = ScorecardVersion.objects.prefetch_related("sections__criteria").get(
        pk=session.scorecard_version_id
    )
    spec = version_spec(version)
    criteria = [c for section in spec.sections for c in section.criteria]
    by_key = {c.key: c for c in criteria}
    scores = [
        agreement.Scored(
            evaluator=str(e.evaluator_id),
            interaction=str(e.interaction_id),
            answers={
                str(a.criterion_id): a.as_answer(by_key[str(a.criterion_id)])
                for a in e.answers.all()
                if str(a.criterion_id) in by_key
            },
            score=float(e.score_percent) if e.score_percent is not None else None,
        )
        for e in evaluations
    ]
    return agreement.session_agreement(
        criteria,
        scores,
        expert=str(session.expert_id) if session.expert_id else None,
    )


def session_agreement(session: CalibrationSession) -> agreement.Agreement | None:
    """The session's figures: as stored (always once closed: frozen), else computed afresh
    when the stored ones are stale."""
    stored = session.agreement or None
    if stored is not None and (
        session.status == CalibrationStatus.CLOSED or stored.get("key") == scores_key(session)
    ):
        return agreement.Agreement.from_dict(stored["figures"]) if stored.get("figures") else None
    if session.status == CalibrationStatus.CLOSED:
        return None
    return compute_agreement(session)


def open_sessions_to_score(*, user: User) -> QuerySet[CalibrationSession]:
    """Open sessions where ``user`` takes part and has interactions left to score."""
    return (
        CalibrationSession.objects.filter(
            status=CalibrationStatus.OPEN, participants__contains=[user.pk]
        )
        .annotate(
            to_score=Count("interactions", distinct=True),
            scored=Count(
                "evaluations",
                filter=Q(
                    evaluations__evaluator_id=user.pk,
                    evaluations__status=EvaluationStatus.SUBMITTED,
                ),
                distinct=True,
            ),
        )
        .filter(to_score__gt=F("scored"))
    )
