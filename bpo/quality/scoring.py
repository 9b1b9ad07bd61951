"""QA scoring: a scorecard version's structure and one evaluation's answers -> the score per
section and overall. Pure (no Django; the import-linter contract "Pure algorithms stay free of
Django" lists it), exact (``Fraction``; rounding to two places happens once, in ``percent``).

The rules, in the words of docs/quality.md:

- A criterion earns a fraction of its weight: yes/no -> 1 or 0; a 1-5 scale -> (answer - 1) / 4;
  points -> answer / max points. "N/A" (where the criterion allows it) leaves the criterion out:
  the other weights of its section renormalise.
- A section's score is the weighted mean of its scored (not N/A) regular criteria, in percent.
  A section whose regular criteria are all N/A (or weigh nothing) is N/A itself and leaves the
  overall score the same way: the other sections' weights renormalise.
- A bonus criterion adds its earned weight on top, as a share of the weight of all the
  section's regular criteria (N/A or not: a bonus is worth the same in every evaluation), so a
  section (and the overall score) may go above 100 %; missing a bonus costs nothing. A bonus
  is never an auto-fail item.
- An auto-fail criterion is failed by its lowest answer (no, 1, 0 points). It sets its section
  to 0 % (bonus included) or, for the whole evaluation, the overall score to 0 %. A section with
  an auto-fail mark fails the whole evaluation when it scores below that mark.
- The evaluation passes when it is not auto-failed and its overall score reaches the version's
  pass mark.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from fractions import Fraction


class Scale(StrEnum):
    YES_NO = "yes_no"
    ONE_TO_FIVE = "one_to_five"
    POINTS = "points"


class AutoFail(StrEnum):
    NONE = "none"
    SECTION = "section"
    EVALUATION = "evaluation"


class _NotApplicable:
    """The answer "N/A" (one instance, :data:`NA`)."""

    _instance: _NotApplicable | None = None

    def __new__(cls) -> _NotApplicable:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "NA"


NA = _NotApplicable()

SCALE_LOW, SCALE_HIGH = 1, 5
MAX_POINTS_LIMIT = 1000
HUNDRED = Fraction(100)


@dataclass(frozen=True)
class CriterionSpec:
    key: str  # how answers name it (the criterion's id as text, or an index in tests)
    weight: Fraction
    scale: Scale = Scale.YES_NO
    max_points: int | None = None
    allows_na: bool = False
    auto_fail: AutoFail = AutoFail.NONE
    is_bonus: bool = False
    label: str = ""


@dataclass(frozen=True)
class SectionSpec:
    key: str
    weight: Fraction
    criteria: tuple[CriterionSpec, ...]
    # Below this score (percent) the section fails the whole evaluation; None: it never does.
    auto_fail_below: Fraction | None = None
    label: str = ""


@dataclass(frozen=True)
class ScorecardSpec:
    sections: tuple[SectionSpec, ...]
    pass_mark: Fraction = Fraction(80)


# --- validating a structure ------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    key: str  # "sections", "sections.<i>.weight", "sections.<i>.criteria.<j>.max_points", ...
    message: str


def structure_problems(spec: ScorecardSpec) -> list[Problem]:
    """Every reason ``spec`` cannot be published (empty: it can). Indexes are 0-based."""
    problems: list[Problem] = []
    if not spec.sections:
        problems.append(Problem("sections", "A scorecard needs at least one section."))
    if not (0 <= spec.pass_mark <= 100):
        problems.append(Problem("pass_mark", "The pass mark is a percentage from 0 to 100."))
    for s, section in enumerate(spec.sections):
        key = f"sections.{s}"
        name = f"“{section.label}”" if section.label else str(s + 1)
        problems.extend(Problem(f"{key}.{k}", m) for k, m in section_field_problems(section))
        regular = [c for c in section.criteria if not c.is_bonus]
        if not section.criteria:
            problems.append(Problem(f"{key}.criteria", f"Section {name} has no criteria."))
        elif not any(c.weight > 0 for c in regular):
            problems.append(
                Problem(
                    f"{key}.criteria",
                    f"Section {name} needs a regular (not bonus) criterion with a weight above 0.",
                )
            )
        for c, criterion in enumerate(section.criteria):
            problems.extend(
                Problem(f"{key}.criteria.{c}.{k}", m)
                for k, m in criterion_field_problems(criterion)
            )
    return problems


def section_field_problems(section: SectionSpec) -> list[tuple[str, str]]:
    """Problems of one section's own fields, as ``(field, message)``."""
    problems = []
    if section.weight <= 0:
        problems.append(("weight", "A section's weight must be above 0."))
    if section.auto_fail_below is not None and not (0 < section.auto_fail_below <= 100):
        problems.append(
            ("auto_fail_below", "The auto-fail mark is a percentage above 0, at most 100.")
        )
    return problems


def criterion_field_problems(criterion: CriterionSpec) -> list[tuple[str, str]]:
    """Problems of one criterion's fields, as ``(field, message)``: all of them at once."""
    problems = []
    if criterion.weight < 0:
        problems.append(("weight", "A weight cannot be negative."))
    elif criterion.weight == 0 and criterion.auto_fail == AutoFail.NONE:
        problems.append(
            (
                "weight",
                "A criterion with no weight counts for nothing: give it a weight above 0, "
                "or make it an auto-fail item.",
            )
        )
    if criterion.scale == Scale.POINTS:
        if criterion.max_points is None:
            problems.append(("max_points", "A points criterion needs its maximum points."))
        elif not (1 <= criterion.max_points <= MAX_POINTS_LIMIT):
            problems.append(
                ("max_points", f"Maximum points are a whole number from 1 to {MAX_POINTS_LIMIT}.")
            )
    elif criterion.max_points is not None:
        problems.append(("max_points", "Only a points criterion has maximum points."))
    if criterion.is_bonus and criterion.auto_fail != AutoFail.NONE:
        problems.append(
            (
                "auto_fail",
                "A bonus criterion cannot be an auto-fail item: missing it costs nothing.",
            )
        )
    if criterion.is_bonus and criterion.weight == 0:
        problems.append(("weight", "A bonus criterion needs a weight above 0."))
    return problems


# --- answers -----------------------------------------------------------------------------------


def answer_problem(criterion: CriterionSpec, answer: object) -> str:
    """Why ``answer`` does not fit ``criterion`` ("" when it does)."""
    if answer is NA:
        return "" if criterion.allows_na else "This criterion cannot be answered N/A."
    if criterion.scale == Scale.YES_NO:
        return "" if isinstance(answer, bool) else "Answer yes or no."
    if isinstance(answer, bool) or not isinstance(answer, int):
        return "Answer with a whole number."
    if criterion.scale == Scale.ONE_TO_FIVE:
        return "" if SCALE_LOW <= answer <= SCALE_HIGH else "Answer from 1 to 5."
    top = criterion.max_points or 0
    return "" if 0 <= answer <= top else f"Answer from 0 to {top} points."


def earned_fraction(criterion: CriterionSpec, answer: bool | int) -> Fraction:
    """The share of the criterion's weight an answer earns, from 0 to 1."""
    if criterion.scale == Scale.YES_NO:
        return Fraction(1 if answer else 0)
    if criterion.scale == Scale.ONE_TO_FIVE:
        return Fraction(int(answer) - SCALE_LOW, SCALE_HIGH - SCALE_LOW)
    return Fraction(int(answer), criterion.max_points or 1)


def is_failing_answer(criterion: CriterionSpec, answer: object) -> bool:
    """The lowest answer of the scale (no, 1, 0 points): what trips an auto-fail item."""
    if answer is NA:
        return False
    return earned_fraction(criterion, answer) == 0  # type: ignore[arg-type]


# --- scoring -----------------------------------------------------------------------------------


class AnswersInvalid(ValueError):
    """Some answers are missing or do not fit their criterion: ``problems`` by criterion key."""

    def __init__(self, problems: dict[str, str]) -> None:
        super().__init__("; ".join(f"{key}: {message}" for key, message in problems.items()))
        self.problems = problems


@dataclass(frozen=True)
class SectionScore:
    key: str
    score: Fraction | None  # percent; None: every regular criterion was N/A
    base: Fraction | None  # percent before the bonus
    bonus: Fraction  # percentage points the bonus criteria added
    is_auto_failed: bool  # by one of its own section auto-fail criteria
    fails_evaluation: bool  # scored below its auto-fail mark
    failed_criteria: tuple[str, ...]  # keys of the auto-fail criteria that tripped

    @property
    def percent(self) -> Decimal | None:
        return percent(self.score)


@dataclass(frozen=True)
class ScoreResult:
    score: Fraction | None  # percent; None: nothing applied (every section N/A)
    sections: tuple[SectionScore, ...]
    is_auto_failed: bool
    # Why the evaluation failed outright, in words (the criteria's or sections' labels).
    auto_fail_reasons: tuple[str, ...] = field(default=())
    is_passed: bool = False

    @property
    def percent(self) -> Decimal | None:
        return percent(self.score)


def percent(value: Fraction | None) -> Decimal | None:
    """A score as shown: two decimal places, half up. The one place scores are rounded."""
    if value is None:
        return None
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    return exact.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def check_answers(spec: ScorecardSpec, answers: Mapping[str, object]) -> dict[str, str]:
    """Problems of the answers by criterion key: every criterion answered, and fittingly."""
    problems = {}
    for section in spec.sections:
        for criterion in section.criteria:
            if criterion.key not in answers or answers[criterion.key] is None:
                problems[criterion.key] = "Answer this criterion" + (
                    " (or N/A)." if criterion.allows_na else "."
                )
                continue
            problem = answer_problem(criterion, answers[criterion.key])
            if problem:
                problems[criterion.key] = problem
    return problems


def _name(label: str, key: str) -> str:
    return f"“{label}”" if label else key


def score_section(section: SectionSpec, answers: Mapping[str, object]) -> SectionScore:
    weight_total = Fraction(0)
    earned = Fraction(0)
    bonus = Fraction(0)
    tripped: list[str] = []
    # A bonus is worth a fixed share of the section, whatever is N/A: its weight over the
    # weight of all the section's regular criteria (else N/A answers would inflate it).
    full_weight = sum((c.weight for c in section.criteria if not c.is_bonus), Fraction(0))
    for criterion in section.criteria:
        answer = answers[criterion.key]
        if answer is NA:
            continue
        share = earned_fraction(criterion, answer)  # type: ignore[arg-type]
        if criterion.is_bonus:
            bonus += criterion.weight * share
            continue
        if criterion.auto_fail == AutoFail.SECTION and share == 0:
            tripped.append(criterion.key)
        weight_total += criterion.weight
        earned += criterion.weight * share
    if weight_total == 0:
        return SectionScore(section.key, None, None, Fraction(0), False, False, ())
    if tripped:
        # Zero is below any auto-fail mark (marks are above 0).
        fails = section.auto_fail_below is not None
        zero = Fraction(0)
        return SectionScore(section.key, zero, zero, zero, True, fails, tuple(tripped))
    base = earned / weight_total * HUNDRED
    bonus_points = bonus / full_weight * HUNDRED
    score = base + bonus_points
    fails = section.auto_fail_below is not None and score < section.auto_fail_below
    return SectionScore(section.key, score, base, bonus_points, False, fails, ())


def score(spec: ScorecardSpec, answers: Mapping[str, object]) -> ScoreResult:
    """Score one evaluation. ``answers`` maps every criterion's key to ``NA``, a bool (yes/no)
    or an int (1-5, points); ``AnswersInvalid`` names every one missing or out of range."""
    problems = check_answers(spec, answers)
    if problems:
        raise AnswersInvalid(problems)
    sections = tuple(score_section(section, answers) for section in spec.sections)
    reasons: list[str] = []
    for section in spec.sections:
        for criterion in section.criteria:
            if criterion.auto_fail == AutoFail.EVALUATION and is_failing_answer(
                criterion, answers[criterion.key]
            ):
                reasons.append(f"Criterion {_name(criterion.label, criterion.key)} failed.")
    for section, result in zip(spec.sections, sections, strict=True):
        if result.fails_evaluation:
            reasons.append(
                f"Section {_name(section.label, section.key)} scored below its auto-fail mark "
                f"of {percent(section.auto_fail_below)} %."
            )
    scored = [
        (section.weight, result.score)
        for section, result in zip(spec.sections, sections, strict=True)
        if result.score is not None
    ]
    weight_total = sum((weight for weight, _ in scored), Fraction(0))
    overall: Fraction | None = None
    if weight_total > 0:
        overall = sum((weight * value for weight, value in scored), Fraction(0)) / weight_total
    is_auto_failed = bool(reasons)
    if is_auto_failed:
        overall = Fraction(0)
    is_passed = not is_auto_failed and overall is not None and overall >= spec.pass_mark
    return ScoreResult(overall, sections, is_auto_failed, tuple(reasons), is_passed)


def maximum_score(spec: ScorecardSpec) -> Fraction | None:
    """The highest overall score the version allows (every answer at its top, nothing N/A):
    100 % plus what its bonus criteria can add."""
    answers: dict[str, object] = {}
    for section in spec.sections:
        for criterion in section.criteria:
            answers[criterion.key] = top_answer(criterion)
    return score(spec, answers).score


def top_answer(criterion: CriterionSpec) -> bool | int:
    if criterion.scale == Scale.YES_NO:
        return True
    if criterion.scale == Scale.ONE_TO_FIVE:
        return SCALE_HIGH
    return criterion.max_points or 0


def parse_answer(criterion: CriterionSpec, text: str) -> object:
    """An answer as typed in a form ("yes", "no", "na", "3"): the value :func:`score` takes,
    ``None`` for nothing, or the text itself when it is no answer at all (``answer_problem``
    then says why)."""
    text = (text or "").strip().lower()
    if not text:
        return None
    if text in ("na", "n/a"):
        return NA
    if criterion.scale == Scale.YES_NO:
        return {"yes": True, "no": False}.get(text, text)
    if text.isascii() and text.isdigit() and len(text) <= 6:
        return int(text)
    return text
