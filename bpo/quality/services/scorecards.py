"""Writes of QA scorecards: the scorecard, its versions, and a draft's sections and criteria.

A version moves draft -> published -> retired. A scorecard has at most one draft and at most
one published version at a time (partial unique constraints back both). Publishing checks the
whole structure (``scoring.structure_problems``: every problem at once, by field) and retires
the version published before in the same transaction. Published and retired versions never
change: a change of scoring is a new draft copied from the last version (and a database trigger,
migration ``0002_scorecard_immutability``, refuses any other path).

Who may take each step is written once, in ``WORKFLOW`` (the right pages and the API check
before calling); these services check the business rules. Every write runs inside
``audit_actor(actor)``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from bpo.accounts.roles import Action
from bpo.catalog.models import ServiceLine
from bpo.errors import ConflictError, DomainError
from bpo.quality import scoring
from bpo.quality.audit import audit_actor
from bpo.quality.models import (
    AutoFail,
    Scale,
    Scorecard,
    ScorecardCriterion,
    ScorecardSection,
    ScorecardVersion,
    ScorecardVersionStatus,
)

if TYPE_CHECKING:
    from bpo.accounts.models import User

Status = ScorecardVersionStatus

NAME_MAX = Scorecard._meta.get_field("name").max_length or 120
CHANGE_SUMMARY_MAX = ScorecardVersion._meta.get_field("change_summary").max_length or 500
SECTION_TITLE_MAX = ScorecardSection._meta.get_field("title").max_length or 120
CRITERION_TEXT_MAX = ScorecardCriterion._meta.get_field("text").max_length or 300
GUIDANCE_MAX = 5_000
WEIGHT_MAX = Decimal("10000")
SECTIONS_MAX = 30
CRITERIA_MAX = 50  # per section
FIRST_CHANGE_SUMMARY = "First version."

STATUS_PHRASES = {Status.DRAFT: "a draft", Status.PUBLISHED: "published", Status.RETIRED: "retired"}
EDIT_REFUSAL = "Only a draft can be changed"


def refusal_message(refusal: str, status: str) -> str:
    message = f"{refusal}; this one is {STATUS_PHRASES[Status(status)]}."
    if status != Status.DRAFT and refusal == EDIT_REFUSAL:
        message += " A change of scoring makes a new version."
    return message


# --- field rules -------------------------------------------------------------------------------


Errors = dict[str, list[str]]


def _add(errors: Errors, key: str, message: str) -> None:
    errors.setdefault(key, []).append(message)


def _raise(errors: Errors) -> None:
    if errors:
        first = next(iter(errors.values()))[0]
        raise DomainError(first, fields=errors)


def _decimal(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value))
    except ArithmeticError:
        return Decimal("NaN")
    return number


def _check_number(errors: Errors, key: str, value: Decimal | None, what: str) -> None:
    if value is not None and (not value.is_finite() or value.as_tuple().exponent < -2):  # type: ignore[operator]
        _add(errors, key, f"Give the {what} as a number with at most two decimals.")


def _text(value: Any) -> str:
    return str(value or "").strip()


@dataclass(frozen=True)
class SectionInput:
    title: str
    weight: Decimal
    auto_fail_below_percent: Decimal | None


@dataclass(frozen=True)
class CriterionInput:
    text: str
    guidance: str
    weight: Decimal
    scale: str
    max_points: int | None
    allows_na: bool
    auto_fail: str
    is_bonus: bool


def section_input(data: Mapping[str, Any], *, prefix: str = "") -> tuple[SectionInput, Errors]:
    """A section's fields from plain data, with every problem of them (keys ``prefix`` +
    field)."""
    errors: Errors = {}
    title = _text(data.get("title"))
    weight = _decimal(data.get("weight", 1))
    below = _decimal(data.get("auto_fail_below_percent"))
    if not title:
        _add(errors, prefix + "title", "Give the section a title.")
    elif len(title) > SECTION_TITLE_MAX:
        _add(errors, prefix + "title", f"Keep titles within {SECTION_TITLE_MAX} characters.")
    if weight is None:
        _add(errors, prefix + "weight", "Give the section a weight.")
    _check_number(errors, prefix + "weight", weight, "weight")
    _check_number(errors, prefix + "auto_fail_below_percent", below, "auto-fail mark")
    numbers_fine = (
        weight is not None and weight.is_finite() and (below is None or below.is_finite())
    )
    section = SectionInput(title, weight if numbers_fine else Decimal(0), below)  # type: ignore[arg-type]
    if numbers_fine:
        if section.weight > WEIGHT_MAX:
            _add(errors, prefix + "weight", f"Keep weights at most {WEIGHT_MAX}.")
        for name, message in scoring.section_field_problems(_section_spec(section, ())):
            _add(errors, prefix + name, message)
    return section, errors


def criterion_input(data: Mapping[str, Any], *, prefix: str = "") -> tuple[CriterionInput, Errors]:
    """A criterion's fields from plain data, with every problem of them at once (the scoring
    module's rules: weights, points, bonus vs auto-fail)."""
    errors: Errors = {}
    text = _text(data.get("text"))
    guidance = _text(data.get("guidance"))
    weight = _decimal(data.get("weight", 1))
    scale = _text(data.get("scale")) or Scale.YES_NO
    auto_fail = _text(data.get("auto_fail")) or AutoFail.NONE
    raw_points = data.get("max_points")
    max_points: int | None = None
    if raw_points not in (None, ""):
        if isinstance(raw_points, int) and not isinstance(raw_points, bool):
            max_points = raw_points
        elif str(raw_points).strip().isascii() and str(raw_points).strip().isdigit():
            max_points = int(str(raw_points).strip())
        else:
            _add(errors, prefix + "max_points", "Maximum points are a whole number.")
    if not text:
        _add(errors, prefix + "text", "Say what the evaluator checks.")
    elif len(text) > CRITERION_TEXT_MAX:
        _add(errors, prefix + "text", f"Keep the criterion within {CRITERION_TEXT_MAX} characters.")
    if len(guidance) > GUIDANCE_MAX:
        _add(errors, prefix + "guidance", f"Keep guidance within {GUIDANCE_MAX:,} characters.")
    if weight is None:
        _add(errors, prefix + "weight", "Give the criterion a weight (0 for an auto-fail gate).")
    _check_number(errors, prefix + "weight", weight, "weight")
    if scale not in Scale.values:
        _add(errors, prefix + "scale", "Choose yes / no, 1 to 5 or points.")
    if auto_fail not in AutoFail.values:
        _add(errors, prefix + "auto_fail", "Choose whether a failed answer fails anything.")
    criterion = CriterionInput(
        text=text,
        guidance=guidance,
        weight=weight if weight is not None and weight.is_finite() else Decimal(0),
        scale=scale,
        max_points=max_points,
        allows_na=bool(data.get("allows_na")),
        auto_fail=auto_fail,
        is_bonus=bool(data.get("is_bonus")),
    )
    if scale in Scale.values and auto_fail in AutoFail.values and weight is not None:
        if weight.is_finite() and weight > WEIGHT_MAX:
            _add(errors, prefix + "weight", f"Keep weights at most {WEIGHT_MAX}.")
        for name, message in scoring.criterion_field_problems(_criterion_spec(criterion, "new")):
            if name == "weight" and prefix + "weight" in errors:
                continue
            _add(errors, prefix + name, message)
    return criterion, errors


def _criterion_spec(criterion: CriterionInput | ScorecardCriterion, key: str):
    return scoring.CriterionSpec(
        key=key,
        weight=Fraction(criterion.weight),
        scale=scoring.Scale(criterion.scale),
        max_points=criterion.max_points,
        allows_na=criterion.allows_na,
        auto_fail=scoring.AutoFail(criterion.auto_fail),
        is_bonus=criterion.is_bonus,
        label=criterion.text,
    )


def _section_spec(section: SectionInput | ScorecardSection, criteria) -> scoring.SectionSpec:
    below = section.auto_fail_below_percent
    return scoring.SectionSpec(
        key=str(getattr(section, "pk", "") or section.title),
        weight=Fraction(section.weight),
        criteria=tuple(criteria),
        auto_fail_below=Fraction(below) if below is not None else None,
        label=section.title,
    )


def version_spec(version: ScorecardVersion) -> scoring.ScorecardSpec:
    """The version's structure for the scoring module (criteria keyed by their id as text).
    Prefetch ``sections__criteria`` to read it in two queries."""
    return scoring.ScorecardSpec(
        sections=tuple(
            _section_spec(section, [c.as_spec() for c in section.criteria.all()])
            for section in version.sections.all()
        ),
        pass_mark=Fraction(version.pass_mark_percent),
    )


def _pass_mark(errors: Errors, value: Any) -> Decimal | None:
    mark = _decimal(value)
    if mark is None:
        return None
    _check_number(errors, "pass_mark_percent", mark, "pass mark")
    if "pass_mark_percent" not in errors and not (0 <= mark <= 100):
        _add(errors, "pass_mark_percent", "The pass mark is a percentage from 0 to 100.")
    return mark


def _summary(errors: Errors, value: Any) -> str:
    summary = _text(value)
    if not summary:
        _add(errors, "change_summary", "Say what changes in this version.")
    elif len(summary) > CHANGE_SUMMARY_MAX:
        _add(
            errors,
            "change_summary",
            f"Keep the change summary within {CHANGE_SUMMARY_MAX} characters.",
        )
    return summary


# --- scorecards --------------------------------------------------------------------------------


def _scorecard_fields(*, name: Any, description: Any, service_line: ServiceLine | None, pk=None):
    errors: Errors = {}
    name = _text(name)
    if not name:
        _add(errors, "name", "Give the scorecard a name.")
    elif len(name) > NAME_MAX:
        _add(errors, "name", f"Keep the name within {NAME_MAX} characters.")
    elif Scorecard.objects.filter(name__iexact=name).exclude(pk=pk).exists():
        _add(errors, "name", f"There is already a scorecard called “{name}”.")
    return name, _text(description), errors


@transaction.atomic
def create_scorecard(
    *,
    name: str,
    description: str = "",
    service_line: ServiceLine | None = None,
    pass_mark_percent: Decimal | str | None = None,
    sections: Sequence[Mapping[str, Any]] | None = None,
    actor: User,
) -> Scorecard:
    """A scorecard with its first draft, version 1: empty, or ``sections`` (nested
    ``criteria``, as ``create_scorecard_version`` takes them)."""
    name, description, errors = _scorecard_fields(
        name=name, description=description, service_line=service_line
    )
    mark = _pass_mark(errors, pass_mark_percent)
    content, content_errors = _nested_content(sections or [])
    errors.update(content_errors)
    _raise(errors)
    with audit_actor(actor):
        scorecard = Scorecard.objects.create(
            name=name, description=description, service_line=service_line
        )
        version = ScorecardVersion.objects.create(
            scorecard=scorecard,
            number=1,
            change_summary=FIRST_CHANGE_SUMMARY,
            pass_mark_percent=mark if mark is not None else Decimal("80"),
            created_by=actor,
        )
        _write_nested(version, content)
    return scorecard


@transaction.atomic
def update_scorecard(
    *,
    scorecard: Scorecard,
    name: str,
    description: str,
    service_line: ServiceLine | None,
    actor: User,
) -> Scorecard:
    """Name, description and line: not scoring, so they change without a new version."""
    scorecard = Scorecard.objects.select_for_update().get(pk=scorecard.pk)
    name, description, errors = _scorecard_fields(
        name=name, description=description, service_line=service_line, pk=scorecard.pk
    )
    _raise(errors)
    changed = [
        field
        for field, value in (
            ("name", name),
            ("description", description),
            ("service_line", service_line),
        )
        if getattr(scorecard, field) != value
    ]
    if changed:
        scorecard.name, scorecard.description, scorecard.service_line = (
            name,
            description,
            service_line,
        )
        with audit_actor(actor):
            scorecard.save(update_fields=[*changed, "updated_at"])
    return scorecard


# --- versions ----------------------------------------------------------------------------------


def _copy_content(source: ScorecardVersion, target: ScorecardVersion) -> None:
    for section in source.sections.all():
        copy = ScorecardSection.objects.create(
            version=target,
            position=section.position,
            title=section.title,
            weight=section.weight,
            auto_fail_below_percent=section.auto_fail_below_percent,
        )
        for criterion in section.criteria.all():
            ScorecardCriterion.objects.create(
                section=copy,
                position=criterion.position,
                text=criterion.text,
                guidance=criterion.guidance,
                weight=criterion.weight,
                scale=criterion.scale,
                max_points=criterion.max_points,
                allows_na=criterion.allows_na,
                auto_fail=criterion.auto_fail,
                is_bonus=criterion.is_bonus,
            )


def _nested_content(
    sections: Sequence[Mapping[str, Any]],
) -> tuple[list[tuple[SectionInput, list[CriterionInput]]], Errors]:
    errors: Errors = {}
    content = []
    if len(sections) > SECTIONS_MAX:
        _add(errors, "sections", f"A scorecard has at most {SECTIONS_MAX} sections.")
        return [], errors
    for s, data in enumerate(sections):
        section, section_errors = section_input(data, prefix=f"sections.{s}.")
        errors.update(section_errors)
        criteria = []
        items = list(data.get("criteria") or [])
        if len(items) > CRITERIA_MAX:
            _add(
                errors, f"sections.{s}.criteria", f"A section has at most {CRITERIA_MAX} criteria."
            )
            items = []
        for c, item in enumerate(items):
            criterion, criterion_errors = criterion_input(
                item, prefix=f"sections.{s}.criteria.{c}."
            )
            errors.update(criterion_errors)
            criteria.append(criterion)
        content.append((section, criteria))
    return content, errors


def _write_nested(version: ScorecardVersion, content) -> None:
    for position, (section, criteria) in enumerate(content, start=1):
        row = ScorecardSection.objects.create(
            version=version,
            position=position,
            title=section.title,
            weight=section.weight,
            auto_fail_below_percent=section.auto_fail_below_percent,
        )
        for index, criterion in enumerate(criteria, start=1):
            ScorecardCriterion.objects.create(section=row, position=index, **criterion.__dict__)


@transaction.atomic
def create_scorecard_version(
    *,
    scorecard: Scorecard,
    change_summary: str,
    pass_mark_percent: Decimal | str | None = None,
    sections: Sequence[Mapping[str, Any]] | None = None,
    based_on: ScorecardVersion | None = None,
    actor: User,
) -> ScorecardVersion:
    """A new draft numbered after the scorecard's last version (``ConflictError`` while it has
    a draft). Its content is ``sections`` (nested ``criteria``) when given, else a copy of
    ``based_on`` (a version of the same scorecard), else a copy of the latest version."""
    scorecard = Scorecard.objects.select_for_update().get(pk=scorecard.pk)
    draft = scorecard.versions.filter(status=Status.DRAFT).first()
    if draft is not None:
        raise ConflictError(
            f"Version {draft.number} is a draft already: change it, or delete it first."
        )
    errors: Errors = {}
    summary = _summary(errors, change_summary)
    mark = _pass_mark(errors, pass_mark_percent)
    if based_on is not None and based_on.scorecard_id != scorecard.pk:
        _add(errors, "based_on", "The version to start from belongs to another scorecard.")
    content = None
    if sections is not None:
        content, content_errors = _nested_content(sections)
        errors.update(content_errors)
    _raise(errors)
    source = based_on or scorecard.versions.order_by("-number").first()
    number = (scorecard.versions.aggregate(last=Max("number"))["last"] or 0) + 1
    with audit_actor(actor):
        version = ScorecardVersion.objects.create(
            scorecard=scorecard,
            number=number,
            change_summary=summary,
            pass_mark_percent=(
                mark
                if mark is not None
                else (source.pass_mark_percent if source else Decimal("80"))
            ),
            based_on=source if content is None else based_on,
            created_by=actor,
        )
        if content is not None:
            _write_nested(version, content)
        elif source is not None:
            _copy_content(source, version)
    return version


def _lock_version(version: ScorecardVersion) -> ScorecardVersion:
    """The version's current row, locked (the scorecard's row first: one order for every
    write, and publishing serialises on it)."""
    Scorecard.objects.select_for_update().get(pk=version.scorecard_id)
    return (
        ScorecardVersion.objects.select_for_update(of=("self",))
        .select_related("scorecard")
        .get(pk=version.pk)
    )


def _lock_draft(version: ScorecardVersion) -> ScorecardVersion:
    version = _lock_version(version)
    if version.status != Status.DRAFT:
        raise ConflictError(refusal_message(EDIT_REFUSAL, version.status))
    return version


@transaction.atomic
def update_scorecard_draft(
    *,
    version: ScorecardVersion,
    change_summary: str,
    pass_mark_percent: Decimal | str | None,
    actor: User,
) -> ScorecardVersion:
    version = _lock_draft(version)
    errors: Errors = {}
    summary = _summary(errors, change_summary)
    mark = _pass_mark(errors, pass_mark_percent)
    if mark is None:
        _add(errors, "pass_mark_percent", "Give the pass mark (a percentage).")
    _raise(errors)
    changed = []
    if summary != version.change_summary:
        version.change_summary = summary
        changed.append("change_summary")
    if mark != version.pass_mark_percent:
        version.pass_mark_percent = mark  # type: ignore[assignment]
        changed.append("pass_mark_percent")
    if changed:
        with audit_actor(actor):
            version.save(update_fields=[*changed, "updated_at"])
    return version


@transaction.atomic
def delete_scorecard_draft(*, version: ScorecardVersion, actor: User) -> None:
    version = _lock_version(version)
    if version.status != Status.DRAFT:
        raise ConflictError(refusal_message("Only a draft can be deleted", version.status))
    if not version.scorecard.versions.exclude(pk=version.pk).exists():
        raise ConflictError(
            "This is the scorecard's only version: change it rather than delete it."
        )
    with audit_actor(actor):
        for section in version.sections.all():
            for criterion in section.criteria.all():
                criterion.delete()
            section.delete()
        version.delete()


# --- a draft's sections and criteria -------------------------------------------------------------


def _touch(version: ScorecardVersion) -> None:
    version.save(update_fields=["updated_at"])


@transaction.atomic
def add_scorecard_section(
    *, version: ScorecardVersion, data: Mapping[str, Any], actor: User
) -> ScorecardSection:
    """A section at the end of a draft (fields: ``title``, ``weight``,
    ``auto_fail_below_percent``)."""
    version = _lock_draft(version)
    section, errors = section_input(data)
    count = version.sections.count()
    if count >= SECTIONS_MAX:
        _add(errors, "title", f"A scorecard has at most {SECTIONS_MAX} sections.")
    _raise(errors)
    with audit_actor(actor):
        row = ScorecardSection.objects.create(
            version=version, position=count + 1, **section.__dict__
        )
        _touch(version)
    return row


def _lock_section(section: ScorecardSection) -> ScorecardSection:
    _lock_draft(section.version)
    return ScorecardSection.objects.select_for_update().select_related("version").get(pk=section.pk)


@transaction.atomic
def update_scorecard_section(
    *, section: ScorecardSection, data: Mapping[str, Any], actor: User
) -> ScorecardSection:
    section = _lock_section(section)
    fields, errors = section_input(data)
    _raise(errors)
    changed = [name for name, value in fields.__dict__.items() if getattr(section, name) != value]
    if changed:
        for name in changed:
            setattr(section, name, getattr(fields, name))
        with audit_actor(actor):
            section.save(update_fields=changed)
            _touch(section.version)
    return section


@transaction.atomic
def delete_scorecard_section(*, section: ScorecardSection, actor: User) -> None:
    """Remove a section and its criteria; the sections after it move up."""
    section = _lock_section(section)
    with audit_actor(actor):
        for criterion in section.criteria.all():
            criterion.delete()
        version = section.version
        section.delete()
        _renumber(list(version.sections.order_by("position")))
        _touch(version)


def _renumber(rows: list) -> None:
    for position, row in enumerate(rows, start=1):
        if row.position != position:
            row.position = position
            row.save(update_fields=["position"])


def _move(rows: list, row, direction: str) -> bool:
    index = next(i for i, r in enumerate(rows) if r.pk == row.pk)
    other = index - 1 if direction == "up" else index + 1
    if direction not in ("up", "down") or not (0 <= other < len(rows)):
        return False
    rows[index], rows[other] = rows[other], rows[index]
    _renumber(rows)
    return True


@transaction.atomic
def move_scorecard_section(*, section: ScorecardSection, direction: str, actor: User) -> bool:
    """One place up or down (``False``: it is already first or last)."""
    section = _lock_section(section)
    rows = list(section.version.sections.select_for_update().order_by("position"))
    with audit_actor(actor):
        moved = _move(rows, section, direction)
        if moved:
            _touch(section.version)
    return moved


def _lock_criterion(criterion: ScorecardCriterion) -> ScorecardCriterion:
    _lock_draft(criterion.section.version)
    return (
        ScorecardCriterion.objects.select_for_update(of=("self",))
        .select_related("section__version")
        .get(pk=criterion.pk)
    )


@transaction.atomic
def add_scorecard_criterion(
    *, section: ScorecardSection, data: Mapping[str, Any], actor: User
) -> ScorecardCriterion:
    """A criterion at the end of a draft's section (fields of ``CriterionInput``)."""
    section = _lock_section(section)
    criterion, errors = criterion_input(data)
    count = section.criteria.count()
    if count >= CRITERIA_MAX:
        _add(errors, "text", f"A section has at most {CRITERIA_MAX} criteria.")
    _raise(errors)
    with audit_actor(actor):
        row = ScorecardCriterion.objects.create(
            section=section, position=count + 1, **criterion.__dict__
        )
        _touch(section.version)
    return row


@transaction.atomic
def update_scorecard_criterion(
    *, criterion: ScorecardCriterion, data: Mapping[str, Any], actor: User
) -> ScorecardCriterion:
    criterion = _lock_criterion(criterion)
    fields, errors = criterion_input(data)
    _raise(errors)
    changed = [name for name, value in fields.__dict__.items() if getattr(criterion, name) != value]
    if changed:
        for name in changed:
            setattr(criterion, name, getattr(fields, name))
        with audit_actor(actor):
            criterion.save(update_fields=changed)
            _touch(criterion.section.version)
    return criterion


@transaction.atomic
def delete_scorecard_criterion(*, criterion: ScorecardCriterion, actor: User) -> None:
    criterion = _lock_criterion(criterion)
    section = criterion.section
    with audit_actor(actor):
        criterion.delete()
        _renumber(list(section.criteria.order_by("position")))
        _touch(section.version)


@transaction.atomic
def move_scorecard_criterion(*, criterion: ScorecardCriterion, direction: str, actor: User) -> bool:
    criterion = _lock_criterion(criterion)
    rows = list(criterion.section.criteria.select_for_update().order_by("position"))
    with audit_actor(actor):
        moved = _move(rows, criterion, direction)
        if moved:
            _touch(criterion.section.version)
    return moved


# --- the workflow ------------------------------------------------------------------------------


def publish_problems(version: ScorecardVersion) -> Errors:
    """Every reason the version cannot be published, keyed as the scoring module names them
    (``sections.<i>.criteria.<j>.max_points``...), 0-based in the version's order."""
    errors: Errors = {}
    for problem in scoring.structure_problems(version_spec(version)):
        _add(errors, problem.key, problem.message)
    return errors


@transaction.atomic
def publish_scorecard_version(*, version: ScorecardVersion, actor: User) -> ScorecardVersion:
    """Draft -> published, when its structure is complete (``DomainError`` naming every
    problem otherwise); the version published before is retired in the same transaction.

    The scorecard's row is locked first, so two publishes run one after the other; the partial
    unique constraint ``scorecard_one_published_version`` is the backstop."""
    version = _lock_version(version)
    if version.status != Status.DRAFT:
        raise ConflictError(refusal_message("Only a draft can be published", version.status))
    fresh = ScorecardVersion.objects.prefetch_related("sections__criteria").get(pk=version.pk)
    errors = publish_problems(fresh)
    if errors:
        first = next(iter(errors.values()))[0]
        raise DomainError(
            f"Version {version.number} cannot be published yet: {first}", fields=errors
        )
    now = timezone.now()
    with audit_actor(actor):
        for previous in ScorecardVersion.objects.select_for_update().filter(
            scorecard_id=version.scorecard_id, status=Status.PUBLISHED
        ):
            previous.status = Status.RETIRED
            previous.retired_at = now
            previous.save(update_fields=["status", "retired_at", "updated_at"])
        version.status = Status.PUBLISHED
        version.published_at = now
        version.published_by = actor
        version.save(update_fields=["status", "published_at", "published_by", "updated_at"])
    return version


@transaction.atomic
def retire_scorecard_version(*, version: ScorecardVersion, actor: User) -> ScorecardVersion:
    """Published -> retired: no new evaluation is scored with it; past ones keep it."""
    version = _lock_version(version)
    if version.status != Status.PUBLISHED:
        raise ConflictError(
            refusal_message("Only the published version can be retired", version.status)
        )
    with audit_actor(actor):
        version.status = Status.RETIRED
        version.retired_at = timezone.now()
        version.save(update_fields=["status", "retired_at", "updated_at"])
    return version


@dataclass(frozen=True)
class WorkflowStep:
    source: str
    right: str  # the ``Action`` a user needs (pages and API check it)
    service: Callable[..., ScorecardVersion]


WORKFLOW: dict[str, WorkflowStep] = {
    "publish": WorkflowStep(Status.DRAFT, Action.MANAGE_SCORECARDS, publish_scorecard_version),
    "retire": WorkflowStep(Status.PUBLISHED, Action.MANAGE_SCORECARDS, retire_scorecard_version),
}


def allowed_transitions(status: str) -> list[str]:
    return [name for name, step in WORKFLOW.items() if step.source == status]


def run_transition(*, name: str, version: ScorecardVersion, actor: User) -> ScorecardVersion:
    return WORKFLOW[name].service(version=version, actor=actor)
