"""An evaluation after it is scored: released to the agent (submitted -> released), and
acknowledged by the agent (released -> acknowledged). Disputes are ``services.disputes``.

Each step locks the evaluation's row, checks its status (a ``ConflictError`` says in words
why not) and writes inside ``audit_actor`` so the evaluation's history names who did it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from bpo.errors import ConflictError, PermissionDeniedError
from bpo.quality.audit import audit_actor
from bpo.quality.models import Evaluation, EvaluationStatus
from scheduling.roster.selectors import agent_of_user

if TYPE_CHECKING:
    from bpo.accounts.models import User

Status = EvaluationStatus


def lock_evaluation(evaluation: Evaluation) -> Evaluation:
    """The evaluation's row, locked for the rest of the transaction, with its scorecard."""
    return (
        Evaluation.objects.select_for_update(of=("self",))
        .select_related("scorecard_version__scorecard")
        .get(pk=evaluation.pk)
    )


def _status_words(evaluation: Evaluation) -> str:
    return evaluation.get_status_display().lower()


@transaction.atomic
def release_evaluation(*, evaluation: Evaluation, actor: User) -> Evaluation:
    """Show a submitted evaluation to its agent (and to the client): submitted -> released.
    Its dispute window starts now."""
    evaluation = lock_evaluation(evaluation)
    if evaluation.calibration_session_id is not None:
        raise ConflictError("A calibration score is never released to the agent.")
    if evaluation.status != Status.SUBMITTED:
        if evaluation.status in (Status.ASSIGNED, Status.DRAFT):
            raise ConflictError("Submit the evaluation first: only a scored one is released.")
        raise ConflictError(f"This evaluation is {_status_words(evaluation)} already.")
    with audit_actor(actor):
        evaluation.status = Status.RELEASED
        evaluation.released_at = timezone.now()
        evaluation.save(update_fields=["status", "released_at", "updated_at"])
    return evaluation


@transaction.atomic
def acknowledge_evaluation(*, evaluation: Evaluation, actor: User) -> Evaluation:
    """The evaluated agent confirms they have read it: released -> acknowledged. Only the
    agent whose account is linked to the evaluation's agent may (the request names the
    evaluation; whose it is, is this check)."""
    evaluation = lock_evaluation(evaluation)
    agent = agent_of_user(actor)
    if agent is None or evaluation.agent_id != agent.pk:
        raise PermissionDeniedError("Only the evaluated agent acknowledges an evaluation.")
    if evaluation.status == Status.DISPUTED:
        raise ConflictError(
            "Your dispute waits for a decision; acknowledge the evaluation once it is decided."
        )
    if evaluation.status != Status.RELEASED:
        raise ConflictError(f"This evaluation is {_status_words(evaluation)}; nothing to do.")
    with audit_actor(actor):
        evaluation.status = Status.ACKNOWLEDGED
        evaluation.acknowledged_at = timezone.now()
        evaluation.save(update_fields=["status", "acknowledged_at", "updated_at"])
    return evaluation
