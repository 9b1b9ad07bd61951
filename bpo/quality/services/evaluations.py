"""Writes of evaluations: the interaction evaluated, an evaluation started on a published
scorecard version, its answers saved (a draft) or submitted (scored), and the score stored.

An evaluation keeps the version it was started with; that version never changes, so its score
can always be recomputed from the stored answers (``rescore_evaluation``: dispute decisions use
it). The score is stored as shown (two decimals, ``scoring.percent``), so lists and the week's
figures read one column.

The week an evaluation counts in is the interaction's ISO week in the client's own time zone.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.db import connection, transaction
from django.utils import timezone

from bpo.catalog.models import Channel, ServiceLine
from bpo.errors import ConflictError, DomainError
from bpo.quality import scoring
from bpo.quality.audit import audit_actor
from bpo.quality.models import (
    CalibrationSession,
    Evaluation,
    EvaluationAnswer,
    EvaluationStatus,
    Interaction,
    SampleDraw,
    ScorecardVersion,
    ScorecardVersionStatus,
)
from bpo.quality.services.scorecards import version_spec

if TYPE_CHECKING:
    from bpo.accounts.models import User
    from scheduling.roster.models import Agent

REFERENCE_MAX = Interaction._meta.get_field("reference").max_length or 120
COMMENT_MAX = 5_000
# Statuses in which the evaluator may still change answers.
EDITABLE_STATUSES = frozenset({EvaluationStatus.ASSIGNED, EvaluationStatus.DRAFT})


def client_zone() -> ZoneInfo:
    """The time zone of the client whose schema is active."""
    tenant = getattr(connection, "tenant", None)
    return ZoneInfo(getattr(tenant, "time_zone", "") or "UTC")


def week_starts_on(instant: datetime, zone: ZoneInfo | None = None) -> date:
    """The Monday of the ISO week ``instant`` falls in, in ``zone`` (the client's)."""
    local = instant.astimezone(zone or client_zone()).date()
    return local - timedelta(days=local.weekday())


@transaction.atomic
def record_interaction(
    *,
    service_line: ServiceLine,
    reference: str,
    channel: str,
    occurred_at: datetime,
    agent: Agent | None,
    link: str = "",
) -> Interaction:
    """The interaction of the line with this reference: created, or the stored one when its
    facts are the same (an import run twice changes nothing). A reference already stored with
    other facts is refused, so an evaluation never silently moves to another contact."""
    errors: dict[str, list[str]] = {}
    reference = (reference or "").strip()
    if not reference:
        errors["reference"] = ["Give the interaction's id in your system."]
    elif len(reference) > REFERENCE_MAX:
        errors["reference"] = [f"An interaction id has at most {REFERENCE_MAX} characters."]
    if channel not in Channel.values:
        errors["channel"] = [
            "Choose a channel: " + ", ".join(label for _, label in Channel.choices) + "."
        ]
    if occurred_at is None or timezone.is_naive(occurred_at):
        errors["occurred_at"] = ["Give the date and time of the interaction, with its zone."]
    elif occurred_at > timezone.now() + timedelta(minutes=5):
        errors["occurred_at"] = ["The interaction cannot be in the future."]
    if errors:
        raise DomainError(next(iter(errors.values()))[0], fields=errors)
    agent_id = agent.pk if agent is not None else None
    existing = (
        Interaction.objects.select_for_update()
        .filter(service_line=service_line, reference=reference)
        .first()
    )
    if existing is not None:
        if (existing.channel, existing.occurred_at, existing.agent_id) != (
            channel,
            occurred_at,
            agent_id,
        ):
            raise ConflictError(
                f"Interaction {reference} of {service_line.name} is already recorded with "
                "another channel, time or agent.",
                fields={"reference": ["Already recorded with other details."]},
            )
        return existing
    return Interaction.objects.create(
        service_line=service_line,
        reference=reference,
        channel=channel,
        occurred_at=occurred_at,
        agent_id=agent_id,
        link=link or "",
    )


@transaction.atomic
def start_evaluation(
    *,
    interaction: Interaction,
    scorecard_version: ScorecardVersion,
    evaluator: User | None,
    actor: User | None,
    draw: SampleDraw | None = None,
    calibration_session: CalibrationSession | None = None,
    due_on: date | None = None,
) -> Evaluation:
    """A new evaluation of ``interaction`` with a published version that applies to its line
    (the scorecard's line, or a scorecard for every line). From a draw it is ``assigned`` (due,
    not started); otherwise a ``draft``."""
    if scorecard_version.status != ScorecardVersionStatus.PUBLISHED:
        raise ConflictError(
            "Evaluations are scored with a published scorecard version; "
            f"version {scorecard_version.number} is {scorecard_version.get_status_display().lower()}.",
            fields={"scorecard_version": ["Choose a published version."]},
        )
    line_id = scorecard_version.scorecard.service_line_id
    if line_id is not None and line_id != interaction.service_line_id:
        raise DomainError(
            f"Scorecard {scorecard_version.scorecard.name} is for another service line.",
            fields={"scorecard_version": ["This scorecard is for another service line."]},
        )
    duplicate = Evaluation.objects.filter(
        interaction=interaction,
        evaluator=evaluator,
        calibration_session=calibration_session,
    )
    if duplicate.exists():
        raise ConflictError(
            f"Interaction {interaction.reference} is already evaluated by this evaluator.",
            fields={"interaction": ["Already evaluated by this evaluator."]},
        )
    with audit_actor(actor):
        return Evaluation.objects.create(
            scorecard_version=scorecard_version,
            service_line_id=interaction.service_line_id,
            interaction=interaction,
            agent_id=interaction.agent_id,
            evaluator=evaluator,
            status=EvaluationStatus.ASSIGNED if draw is not None else EvaluationStatus.DRAFT,
            draw=draw,
            calibration_session=calibration_session,
            week_starts_on=week_starts_on(interaction.occurred_at),
            due_on=due_on,
        )


@dataclass(frozen=True)
class AnswerInput:
    """One criterion's answer as typed ("yes", "no", "na", "3", "" for none) and its comment."""

    text: str
    comment: str = ""


def _lock(evaluation: Evaluation) -> Evaluation:
    return (
        Evaluation.objects.select_for_update(of=("self",))
        .select_related("scorecard_version")
        .get(pk=evaluation.pk)
    )


def _spec_of(evaluation: Evaluation) -> scoring.ScorecardSpec:
    version = ScorecardVersion.objects.prefetch_related("sections__criteria").get(
        pk=evaluation.scorecard_version_id
    )
    return version_spec(version)


def _criteria_of(spec: scoring.ScorecardSpec) -> dict[str, scoring.CriterionSpec]:
    return {c.key: c for section in spec.sections for c in section.criteria}


def stored_answers(evaluation: Evaluation, spec: scoring.ScorecardSpec) -> dict[str, object]:
    """The evaluation's answers as ``scoring.score`` takes them, by criterion key."""
    criteria = _criteria_of(spec)
    return {
        str(answer.criterion_id): answer.as_answer(criteria[str(answer.criterion_id)])
        for answer in evaluation.answers.all()
        if str(answer.criterion_id) in criteria
    }


def _store_score(evaluation: Evaluation, result: scoring.ScoreResult) -> None:
    evaluation.score_percent = result.percent
    evaluation.is_passed = result.is_passed
    evaluation.is_auto_failed = result.is_auto_failed
    evaluation.auto_fail_reasons = list(result.auto_fail_reasons)


SCORE_FIELDS = ["score_percent", "is_passed", "is_auto_failed", "auto_fail_reasons", "updated_at"]


@transaction.atomic
def save_evaluation(
    *,
    evaluation: Evaluation,
    answers: Mapping[str, AnswerInput],
    overall_comment: str,
    submit: bool,
    actor: User,
) -> Evaluation:
    """Store the answers (by criterion id as text) and the overall comment. A draft may leave
    criteria unanswered; ``submit=True`` needs every criterion answered fittingly (a
    ``DomainError`` names each one at fault, keyed ``answers.<criterion id>``), scores the
    evaluation and stores its score. Only an assigned or draft evaluation can change."""
    evaluation = _lock(evaluation)
    if evaluation.status not in EDITABLE_STATUSES:
        raise ConflictError(
            f"This evaluation is {evaluation.get_status_display().lower()}; its answers no "
            "longer change (a dispute decision may correct them)."
        )
    spec = _spec_of(evaluation)
    criteria = _criteria_of(spec)
    errors: dict[str, list[str]] = {}
    parsed: dict[str, object] = {}
    for key in answers:
        if key not in criteria:
            errors[f"answers.{key}"] = ["This criterion is not on the evaluation's scorecard."]
    for key, criterion in criteria.items():
        given = answers.get(key)
        if given is not None and len(given.comment or "") > COMMENT_MAX:
            errors[f"answers.{key}"] = [f"A comment has at most {COMMENT_MAX} characters."]
            continue
        value = scoring.parse_answer(criterion, given.text if given else "")
        if value is not None:
            problem = scoring.answer_problem(criterion, value)
            if problem:
                errors[f"answers.{key}"] = [problem]
                continue
        parsed[key] = value
    if len(overall_comment or "") > COMMENT_MAX:
        errors["overall_comment"] = [f"The comment has at most {COMMENT_MAX} characters."]
    result: scoring.ScoreResult | None = None
    if submit:
        # Every problem at once: the missing answers beside the unfitting ones.
        for key, message in scoring.check_answers(spec, parsed).items():
            errors.setdefault(f"answers.{key}", [message])
        if not errors:
            result = scoring.score(spec, parsed)
    if errors:
        count = len(errors)
        first = next(iter(errors.values()))[0]
        message = first if count == 1 else f"{count} answers need attention. First: {first}"
        raise DomainError(message, fields=errors)
    with audit_actor(actor):
        existing = {str(a.criterion_id): a for a in evaluation.answers.all()}
        for key, value in parsed.items():
            given = answers.get(key)
            row = existing.get(key) or EvaluationAnswer(
                evaluation=evaluation, criterion_id=int(key)
            )
            row.is_na = value is scoring.NA
            row.value = None if value is None or value is scoring.NA else int(value)  # type: ignore[call-overload]
            row.comment = (given.comment if given else "").strip()
            row.save()
        evaluation.overall_comment = (overall_comment or "").strip()
        fields = ["overall_comment", "status", "updated_at"]
        if result is not None:
            _store_score(evaluation, result)
            evaluation.status = EvaluationStatus.SUBMITTED
            evaluation.submitted_at = timezone.now()
            fields += [*SCORE_FIELDS, "submitted_at"]
        else:
            evaluation.status = EvaluationStatus.DRAFT
        evaluation.save(update_fields=list(dict.fromkeys(fields)))
    return evaluation


def rescore_evaluation(evaluation: Evaluation) -> scoring.ScoreResult:
    """Score the stored answers again with the evaluation's version and store the score (for
    dispute decisions, which change answers). Call inside the caller's transaction and audit
    block; the evaluation's row should be locked."""
    spec = _spec_of(evaluation)
    result = scoring.score(spec, stored_answers(evaluation, spec))
    _store_score(evaluation, result)
    evaluation.save(update_fields=SCORE_FIELDS)
    return result
