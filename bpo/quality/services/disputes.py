"""Disputes of a released evaluation: raised by the evaluated agent or the client's admin
within the scorecard's dispute window (``Scorecard.dispute_window_days`` after release), about
the whole evaluation or one criterion, with a reason; decided by a QA analyst (accepted, partly
accepted, rejected) with a reason. A decision that changes answers stores them, the score is
worked out again (``rescore_evaluation``) and the scores before and after are kept on the
dispute with the changed answers; the evaluation goes back to released (acknowledged if the
agent had acknowledged it before).

Who may raise a dispute of *this* evaluation depends on the evaluation (an agent: only their
own), so it is checked here, beside the edge's right ``RAISE_DISPUTE``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from bpo.accounts.permissions import roles_for
from bpo.accounts.roles import Role
from bpo.dates import format_when
from bpo.errors import ConflictError, DomainError, NotFoundError, PermissionDeniedError
from bpo.quality import scoring
from bpo.quality.audit import audit_actor
from bpo.quality.models import (
    Dispute,
    DisputeStatus,
    Evaluation,
    EvaluationAnswer,
    EvaluationStatus,
    ScorecardCriterion,
)
from bpo.quality.services.evaluations import COMMENT_MAX, rescore_evaluation
from bpo.quality.services.releases import lock_evaluation
from scheduling.roster.selectors import agent_of_user

if TYPE_CHECKING:
    from bpo.accounts.models import User
    from tenants.models import Client

Status = EvaluationStatus
DISPUTABLE_STATUSES = frozenset({Status.RELEASED, Status.ACKNOWLEDGED})
DECISIONS = (DisputeStatus.ACCEPTED, DisputeStatus.PARTIAL, DisputeStatus.REJECTED)


def answer_text(answer: EvaluationAnswer | None, scale: str) -> str:
    """A stored answer as typed in a form: "yes", "no", "na", "3", or "" for none."""
    if answer is None:
        return ""
    if answer.is_na:
        return "na"
    if answer.value is None:
        return ""
    if scale == scoring.Scale.YES_NO:
        return "yes" if answer.value else "no"
    return str(answer.value)


def window_closes_at(evaluation: Evaluation) -> datetime | None:
    """When the dispute window of a released evaluation closes (None before release)."""
    if evaluation.released_at is None:
        return None
    days = evaluation.scorecard_version.scorecard.dispute_window_days
    return evaluation.released_at + timedelta(days=days)


def _may_raise(actor: User, client: Client, evaluation: Evaluation) -> None:
    roles = roles_for(actor, client)
    if Role.CLIENT_ADMIN in roles:
        return
    if Role.AGENT in roles:
        agent = agent_of_user(actor)
        if agent is not None and evaluation.agent_id == agent.pk:
            return
        # Another agent's evaluation does not exist for this agent.
        raise NotFoundError("No such evaluation.")
    raise PermissionDeniedError("Only the evaluated agent or the client's admin disputes.")


@transaction.atomic
def raise_dispute(
    *,
    evaluation: Evaluation,
    reason: str,
    actor: User,
    client: Client,
    criterion_id: int | str | None = None,
) -> Dispute:
    """Dispute the evaluation (or its criterion ``criterion_id``) with ``reason``: the
    evaluation becomes ``disputed`` until a QA analyst decides. Refused after the window,
    while another dispute waits, and before release."""
    evaluation = lock_evaluation(evaluation)
    _may_raise(actor, client, evaluation)
    if evaluation.status == Status.DISPUTED:
        raise ConflictError(
            "A dispute of this evaluation waits for a decision already; one at a time."
        )
    if evaluation.status not in DISPUTABLE_STATUSES:
        raise ConflictError("Only a released evaluation can be disputed.")
    closes = window_closes_at(evaluation)
    now = timezone.now()
    if closes is not None and now > closes:
        days = evaluation.scorecard_version.scorecard.dispute_window_days
        raise ConflictError(
            f"The dispute window closed on {format_when(closes, zone=ZoneInfo(client.time_zone))}, "
            f"{days} day{'s' if days != 1 else ''} after the evaluation was released."
        )
    errors: dict[str, list[str]] = {}
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = ["Say why you dispute it."]
    elif len(reason) > COMMENT_MAX:
        errors["reason"] = [f"A reason has at most {COMMENT_MAX} characters."]
    criterion = None
    if criterion_id not in (None, ""):
        criterion = (
            ScorecardCriterion.objects.filter(
                section__version_id=evaluation.scorecard_version_id,
                pk=int(criterion_id) if str(criterion_id).isdigit() else -1,
            )
            .select_related("section")
            .first()
        )
        if criterion is None:
            errors["criterion"] = ["Choose a criterion of this evaluation."]
    if errors:
        raise DomainError(next(iter(errors.values()))[0], fields=errors)
    with audit_actor(actor):
        dispute = Dispute.objects.create(
            evaluation=evaluation,
            criterion=criterion,
            raised_by=actor,
            reason=reason,
            score_before=evaluation.score_percent,
        )
        evaluation.status = Status.DISPUTED
        evaluation.save(update_fields=["status", "updated_at"])
    return dispute


def _changed_answers(
    evaluation: Evaluation, changes: Mapping[str, str]
) -> tuple[list[tuple[ScorecardCriterion, EvaluationAnswer | None, object, str]], dict]:
    """The answers ``changes`` really changes (criterion, stored row, new value, new text),
    and the problems by field (``changes.<criterion id>``)."""
    criteria = {
        str(c.pk): c
        for c in ScorecardCriterion.objects.filter(
            section__version_id=evaluation.scorecard_version_id
        ).order_by("section__position", "position")
    }
    rows = {str(a.criterion_id): a for a in evaluation.answers.all()}
    errors: dict[str, list[str]] = {}
    changed = []
    for key, typed in changes.items():
        key = str(key)
        criterion = criteria.get(key)
        if criterion is None:
            errors[f"changes.{key}"] = ["This criterion is not on the evaluation's scorecard."]
            continue
        spec = criterion.as_spec()
        value = scoring.parse_answer(spec, typed)
        if value is None:
            errors[f"changes.{key}"] = ["Give the corrected answer."]
            continue
        problem = scoring.answer_problem(spec, value)
        if problem:
            errors[f"changes.{key}"] = [problem]
            continue
        row = rows.get(key)
        text = (typed or "").strip().lower().replace("n/a", "na")
        if text == answer_text(row, criterion.scale):
            continue  # the same answer: no change
        changed.append((criterion, row, value, text))
    order = list(criteria)
    changed.sort(key=lambda item: order.index(str(item[0].pk)))
    return changed, errors


@transaction.atomic
def decide_dispute(
    *,
    dispute: Dispute,
    decision: str,
    reason: str,
    actor: User,
    changes: Mapping[str, str] | None = None,
) -> Dispute:
    """Decide an open dispute. ``changes`` gives corrected answers by criterion id (as typed:
    "yes", "3", "na"): an acceptance changes the disputed criterion (for a dispute of one) or
    at least one answer; a partial acceptance changes at least one; a rejection none. The
    evaluation is scored again from its stored answers and goes back to released (or
    acknowledged)."""
    evaluation = lock_evaluation(dispute.evaluation)
    dispute = Dispute.objects.select_for_update().get(pk=dispute.pk)
    if dispute.status != DisputeStatus.OPEN:
        raise ConflictError(f"This dispute is decided already ({dispute.get_status_display()}).")
    errors: dict[str, list[str]] = {}
    if decision not in DECISIONS:
        errors["decision"] = ["Choose accepted, partly accepted or rejected."]
    reason = (reason or "").strip()
    if not reason:
        errors["decision_reason"] = ["Give the reason of the decision; both sides read it."]
    elif len(reason) > COMMENT_MAX:
        errors["decision_reason"] = [f"A reason has at most {COMMENT_MAX} characters."]
    changed, change_errors = _changed_answers(evaluation, changes or {})
    errors.update(change_errors)
    if not change_errors and decision in DECISIONS:
        changed_ids = {criterion.pk for criterion, *_ in changed}
        if decision == DisputeStatus.REJECTED and changed:
            errors["changes"] = [
                "A rejection changes no answer; choose partly accepted to correct some."
            ]
        elif decision != DisputeStatus.REJECTED and not changed:
            errors["changes"] = ["Give the corrected answer of at least one criterion."]
        elif (
            decision == DisputeStatus.ACCEPTED
            and dispute.criterion_id is not None
            and dispute.criterion_id not in changed_ids
        ):
            errors[f"changes.{dispute.criterion_id}"] = [
                "Accepting the dispute corrects the disputed criterion's answer."
            ]
    if errors:
        raise DomainError(next(iter(errors.values()))[0], fields=errors)
    with audit_actor(actor):
        record = []
        for criterion, row, value, text in changed:
            before = answer_text(row, criterion.scale)
            row = row or EvaluationAnswer(evaluation=evaluation, criterion=criterion)
            row.is_na = value is scoring.NA
            row.value = None if value is scoring.NA else int(value)  # type: ignore[call-overload]
            row.save()
            record.append(
                {"criterion": criterion.pk, "text": criterion.text, "before": before, "after": text}
            )
        score_before = evaluation.score_percent
        if changed:
            rescore_evaluation(evaluation)
        dispute.status = decision
        dispute.decision_reason = reason
        dispute.decided_by = actor
        dispute.decided_at = timezone.now()
        dispute.score_before = score_before
        dispute.score_after = evaluation.score_percent
        dispute.answer_changes = record
        dispute.save()
        evaluation.status = (
            Status.ACKNOWLEDGED if evaluation.acknowledged_at is not None else Status.RELEASED
        )
        evaluation.save(update_fields=["status", "updated_at"])
    return dispute
