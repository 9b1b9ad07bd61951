"""Writes of calibration sessions: several evaluators score the same interactions with the same
published scorecard version, and their agreement is measured (``bpo.quality.agreement``).

A session is created with its title, version, interactions (stored ones, or recorded on the
fly with ``record_interaction``) and participants (QA analysts, account managers and provider
admins of the provider; the client's own admins may join), one of them the expert whose answers
are the reference of the alignment score. While it is open, the runner adds interactions and
adds or removes participants, and each participant scores each interaction: an ``Evaluation``
with ``calibration_session`` set (never counted in QA figures), through the evaluation services
(``start_evaluation``, ``save_evaluation``). Closing ends the scoring and freezes the figures.

A removed participant's drafts are deleted; their submitted scores are kept (the history) but
leave the figures, and come back if they are invited again.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from bpo.errors import ConflictError, DomainError, NotFoundError, PermissionDeniedError
from bpo.quality import calibration_selectors as selectors
from bpo.quality.audit import audit_actor
from bpo.quality.models import (
    CalibrationSession,
    CalibrationStatus,
    Evaluation,
    EvaluationStatus,
    Interaction,
    ScorecardVersion,
    ScorecardVersionStatus,
)
from bpo.quality.services.evaluations import AnswerInput, save_evaluation, start_evaluation

if TYPE_CHECKING:
    from bpo.accounts.models import User
    from tenants.models import Client

TITLE_MAX = CalibrationSession._meta.get_field("title").max_length or 160
MAX_INTERACTIONS = 50
MAX_PARTICIPANTS = 30


def _lock(session: CalibrationSession) -> CalibrationSession:
    return CalibrationSession.objects.select_for_update().get(pk=session.pk)


def _must_be_open(session: CalibrationSession) -> None:
    if session.status != CalibrationStatus.OPEN:
        raise ConflictError("This calibration session is closed: its scores no longer change.")


def _candidates(client: Client, ids: Sequence[int]) -> dict[int, User]:
    return {u.pk: u for u in selectors.participant_candidates(client=client).filter(pk__in=ids)}


def _interaction_problem(version: ScorecardVersion, interaction: Interaction) -> str:
    line_id = version.scorecard.service_line_id
    if line_id is not None and interaction.service_line_id != line_id:
        return (
            f"Interaction {interaction.reference} is of another service line than scorecard "
            f"{version.scorecard.name}."
        )
    return ""


@transaction.atomic
def create_calibration_session(
    *,
    client: Client,
    title: str,
    scorecard_version: ScorecardVersion | None,
    interactions: Sequence[Interaction],
    participant_ids: Sequence[int],
    expert_id: int | None,
    actor: User,
) -> CalibrationSession:
    """A new open session. Every problem is named at once, keyed by its field."""
    errors: dict[str, list[str]] = {}
    title = (title or "").strip()
    if not title:
        errors["title"] = ["Give the session a title, e.g. “December billing calls”."]
    elif len(title) > TITLE_MAX:
        errors["title"] = [f"A title has at most {TITLE_MAX} characters."]
    if scorecard_version is None:
        errors["scorecard_version"] = ["Choose the published scorecard version to score with."]
    elif scorecard_version.status != ScorecardVersionStatus.PUBLISHED:
        errors["scorecard_version"] = ["Calibration scores with a published version."]
    unique = list(dict.fromkeys(interactions))
    if not unique:
        errors["interactions"] = ["Choose at least one interaction to score."]
    elif len(unique) > MAX_INTERACTIONS:
        errors["interactions"] = [f"A session scores at most {MAX_INTERACTIONS} interactions."]
    elif scorecard_version is not None:
        problems = [p for p in (_interaction_problem(scorecard_version, i) for i in unique) if p]
        if problems:
            errors["interactions"] = problems[:1]
    ids = list(dict.fromkeys(int(i) for i in participant_ids))
    people = _candidates(client, ids)
    if len(ids) < 2:
        errors["participants"] = ["Invite at least two participants: agreement needs two."]
    elif len(ids) > MAX_PARTICIPANTS:
        errors["participants"] = [f"A session has at most {MAX_PARTICIPANTS} participants."]
    elif len(people) != len(ids):
        errors["participants"] = [
            "Participants are the client's QA analysts, account managers and admins."
        ]
    if expert_id is not None and int(expert_id) not in ids:
        errors["expert"] = ["The expert is one of the participants."]
    if errors:
        first = next(iter(errors.values()))[0]
        raise DomainError(first, fields=errors)
    assert scorecard_version is not None
    with audit_actor(actor):
        session = CalibrationSession.objects.create(
            title=title,
            scorecard_version=scorecard_version,
            participants=ids,
            expert_id=int(expert_id) if expert_id is not None else None,
            created_by=actor,
        )
        session.interactions.set(unique)
    return session


@transaction.atomic
def add_calibration_interaction(
    *, session: CalibrationSession, interaction: Interaction, actor: User
) -> CalibrationSession:
    session = _lock(session)
    _must_be_open(session)
    version = ScorecardVersion.objects.select_related("scorecard").get(
        pk=session.scorecard_version_id
    )
    problem = _interaction_problem(version, interaction)
    if problem:
        raise DomainError(problem, field="interaction")
    if session.interactions.filter(pk=interaction.pk).exists():
        raise ConflictError(
            f"Interaction {interaction.reference} is in the session already.",
            field="interaction",
        )
    if session.interactions.count() >= MAX_INTERACTIONS:
        raise DomainError(f"A session scores at most {MAX_INTERACTIONS} interactions.")
    with audit_actor(actor):
        session.interactions.add(interaction)
    return session


@transaction.atomic
def add_calibration_participant(
    *, session: CalibrationSession, client: Client, user_id: int, actor: User
) -> CalibrationSession:
    session = _lock(session)
    _must_be_open(session)
    if not _candidates(client, [user_id]):
        raise DomainError(
            "Participants are the client's QA analysts, account managers and admins.",
            field="user",
        )
    if user_id in session.participants:
        raise ConflictError("This person takes part already.", field="user")
    if len(session.participants) >= MAX_PARTICIPANTS:
        raise DomainError(f"A session has at most {MAX_PARTICIPANTS} participants.", field="user")
    with audit_actor(actor):
        session.participants = [*session.participants, user_id]
        session.save(update_fields=["participants"])
    return session


@transaction.atomic
def remove_calibration_participant(
    *, session: CalibrationSession, user_id: int, actor: User
) -> CalibrationSession:
    session = _lock(session)
    _must_be_open(session)
    if user_id not in session.participants:
        raise NotFoundError("This person does not take part.")
    if user_id == session.expert_id:
        raise ConflictError(
            "The expert cannot leave the session: choose another expert first.", field="user"
        )
    with audit_actor(actor):
        Evaluation.objects.filter(
            calibration_session=session,
            evaluator_id=user_id,
            status__in=[EvaluationStatus.DRAFT, EvaluationStatus.ASSIGNED],
        ).delete()
        session.participants = [i for i in session.participants if i != user_id]
        session.save(update_fields=["participants"])
        _store_agreement(session)
    return session


@transaction.atomic
def set_calibration_expert(
    *, session: CalibrationSession, user_id: int | None, actor: User
) -> CalibrationSession:
    session = _lock(session)
    _must_be_open(session)
    if user_id is not None and user_id not in session.participants:
        raise DomainError("The expert is one of the participants.", field="expert")
    with audit_actor(actor):
        session.expert_id = user_id
        session.save(update_fields=["expert"])
        _store_agreement(session)
    return session


def _participant(session: CalibrationSession, actor: User) -> None:
    if actor.pk not in session.participants:
        raise PermissionDeniedError("Only the session's participants score in it.")


@transaction.atomic
def calibration_evaluation(
    *, session: CalibrationSession, interaction_id: int, actor: User
) -> Evaluation:
    """The actor's score of one of the session's interactions: the one begun, or a new draft."""
    _participant(session, actor)
    interaction = session.interactions.filter(pk=interaction_id).first()
    if interaction is None:
        raise NotFoundError("This interaction is not in the session.")
    existing = Evaluation.objects.filter(
        calibration_session=session, interaction=interaction, evaluator=actor
    ).first()
    if existing is not None:
        return existing
    _must_be_open(session)
    return start_evaluation(
        interaction=interaction,
        scorecard_version=session.scorecard_version,
        evaluator=actor,
        actor=actor,
        calibration_session=session,
    )


@transaction.atomic
def save_calibration_score(
    *,
    session: CalibrationSession,
    evaluation: Evaluation,
    answers: Mapping[str, AnswerInput],
    overall_comment: str,
    submit: bool,
    actor: User,
) -> Evaluation:
    """Save (or submit) the actor's score in an open session; a submitted score refreshes the
    session's figures."""
    session = _lock(session)
    _must_be_open(session)
    _participant(session, actor)
    if evaluation.calibration_session_id != session.pk or evaluation.evaluator_id != actor.pk:
        raise NotFoundError("No such score of yours in this session.")
    evaluation = save_evaluation(
        evaluation=evaluation,
        answers=answers,
        overall_comment=overall_comment,
        submit=submit,
        actor=actor,
    )
    if submit:
        with audit_actor(actor):
            _store_agreement(session)
    return evaluation


def _store_agreement(session: CalibrationSession) -> None:
    figures = selectors.compute_agreement(session)
    session.agreement = {
        "key": selectors.scores_key(session),
        "figures": figures.as_dict() if figures is not None else None,
    }
    session.save(update_fields=["agreement"])


@transaction.atomic
def close_calibration_session(*, session: CalibrationSession, actor: User) -> CalibrationSession:
    """No more scoring; the figures are computed one last time and frozen. Drafts stay
    drafts and never count."""
    session = _lock(session)
    _must_be_open(session)
    with audit_actor(actor):
        session.status = CalibrationStatus.CLOSED
        session.closed_at = timezone.now()
        session.save(update_fields=["status", "closed_at"])
        _store_agreement(session)
    return session
