"""How well the evaluators of a calibration session agree. Pure (no Django; the import-linter
contract "Pure algorithms stay free of Django" lists it): the answers go in as plain values,
the figures come out as frozen dataclasses (and back and forth as JSON-ready dicts, so a
closed session keeps its figures).

The figures, in the words of docs/quality.md:

- Krippendorff's alpha (the ``krippendorff`` package) per criterion: the units are the
  session's interactions, the values the evaluators' answers; N/A and unanswered are missing.
  The level of measurement follows the scale: nominal for yes/no, ordinal for 1-5, interval for
  points. Alpha is 1 for perfect agreement, 0 for agreement no better than chance.
- The overall alpha over all criteria: the units are the pairs (interaction, criterion), the
  values the share of the criterion's weight the answer earns (0 to 1, as scoring reads it),
  interval level.
- Each alpha has a percentile bootstrap interval: the interactions are resampled with
  replacement (``RESAMPLES`` times, a fixed ``SEED``: the same answers give the same interval),
  alpha is computed on each resample, and the 2.5th and 97.5th percentiles bound the 95 %
  interval. Resamples without any variation (alpha undefined) are left out and counted.
- Alpha is undefined when no interaction has answers from two evaluators, or when every answer
  is the same (complete agreement, but no variation to measure it against): the reason is said
  in words instead of a number.
- Krippendorff's thresholds: at least 0.800 reliable, 0.667 up to 0.800 tentative, below
  unreliable.
- Per evaluator: the alignment to the expert (the share of criteria answers equal to the
  expert's, N/A equal to N/A, over the answers both gave), the mean difference of the overall
  score to the expert's (percentage points; positive: more lenient), alpha of the evaluator with
  the expert (overall units), and alpha of the others without this evaluator.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from fractions import Fraction

import krippendorff
import numpy as np

from bpo.quality import scoring

SEED = 20_111  # Krippendorff 2011; any fixed number makes the intervals reproducible
RESAMPLES = 1000
CONFIDENCE = 0.95
RELIABLE = 0.800
TENTATIVE = 0.667


class Level(StrEnum):
    NOMINAL = "nominal"
    ORDINAL = "ordinal"
    INTERVAL = "interval"


LEVEL_OF_SCALE = {
    scoring.Scale.YES_NO: Level.NOMINAL,
    scoring.Scale.ONE_TO_FIVE: Level.ORDINAL,
    scoring.Scale.POINTS: Level.INTERVAL,
}

# Why an alpha has no value.
NO_PAIRS = "no interaction has answers from two evaluators yet"
NO_VARIATION = (
    "every answer is the same: complete agreement, but without variation alpha is undefined"
)


def verdict(value: float | None) -> str:
    """Krippendorff's reading of an alpha: "reliable", "tentative" or "unreliable"."""
    if value is None:
        return ""
    value = round(value, 3)  # the thresholds have three decimals
    if value >= RELIABLE:
        return "reliable"
    if value >= TENTATIVE:
        return "tentative"
    return "unreliable"


@dataclass(frozen=True)
class Alpha:
    value: float | None
    low: float | None = None
    high: float | None = None
    confidence: float = CONFIDENCE
    resamples: int = 0  # resamples with a defined alpha (those the interval is made of)
    undefined_resamples: int = 0
    pairable: int = 0  # values in units with at least two values
    reason: str = ""  # why ``value`` is None

    @property
    def verdict(self) -> str:
        return verdict(self.value)

    @property
    def in_words(self) -> str:
        """ "0.71 (95 % CI 0.52-0.86): tentative agreement" (an en dash), or why not."""
        if self.value is None:
            return f"No alpha: {self.reason}."
        interval = ""
        if self.low is not None and self.high is not None:
            interval = f" ({round(self.confidence * 100)} % CI {self.low:.2f}–{self.high:.2f})"  # noqa: RUF001
        return f"{self.value:.2f}{interval}: {self.verdict} agreement"


@dataclass(frozen=True)
class CriterionAgreement:
    key: str
    label: str
    level: str
    alpha: Alpha
    interactions: int  # interactions with answers from at least two evaluators


@dataclass(frozen=True)
class EvaluatorAgreement:
    evaluator: str
    is_expert: bool
    interactions: int  # interactions this evaluator scored
    compared: int  # answers compared with the expert's
    matched: int  # of those, equal to the expert's
    score_difference: float | None  # mean (own - expert's) overall score, percentage points
    with_expert: Alpha | None  # None for the expert, or without an expert
    others_without: Alpha  # alpha of every other evaluator, overall

    @property
    def alignment(self) -> float | None:
        """The share (0-1) of the answers equal to the expert's."""
        return self.matched / self.compared if self.compared else None


@dataclass(frozen=True)
class Agreement:
    overall: Alpha
    criteria: tuple[CriterionAgreement, ...]
    evaluators: tuple[EvaluatorAgreement, ...]
    expert: str | None
    seed: int = SEED
    resamples: int = RESAMPLES
    confidence: float = CONFIDENCE

    def as_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping) -> Agreement:
        def alpha(raw):
            return Alpha(**raw) if raw is not None else None

        return cls(
            overall=Alpha(**data["overall"]),
            criteria=tuple(
                CriterionAgreement(**{**c, "alpha": Alpha(**c["alpha"])}) for c in data["criteria"]
            ),
            evaluators=tuple(
                EvaluatorAgreement(
                    **{
                        **e,
                        "with_expert": alpha(e["with_expert"]),
                        "others_without": Alpha(**e["others_without"]),
                    }
                )
                for e in data["evaluators"]
            ),
            expert=data["expert"],
            seed=data["seed"],
            resamples=data["resamples"],
            confidence=data["confidence"],
        )


# --- alpha with its interval ------------------------------------------------------------------


def _value_counts(units: Sequence[Sequence[float]], domain: np.ndarray) -> np.ndarray:
    """Per unit, how many evaluators gave each value of ``domain`` (units x values)."""
    counts = np.zeros((len(units), len(domain)), dtype=float)
    position = {float(v): i for i, v in enumerate(domain)}
    for u, values in enumerate(units):
        for value in values:
            counts[u, position[float(value)]] += 1
    return counts


def _alpha_of_counts(counts: np.ndarray, domain: np.ndarray, level: Level) -> float | None:
    """The package's alpha of these value counts, or None when undefined (no pairable values,
    or no variation among them)."""
    pairable = counts[counts.sum(axis=1) >= 2]
    if pairable.size == 0:
        return None
    if np.count_nonzero(pairable.sum(axis=0)) < 2:
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        value = float(
            krippendorff.alpha(
                value_counts=pairable, value_domain=domain, level_of_measurement=level.value
            )
        )
    return None if math.isnan(value) else value


def resample_picks(blocks: int, *, seed: int, resamples: int) -> np.ndarray:
    """The blocks each resample picks (resamples x blocks, with replacement), from ``seed``."""
    rng = np.random.default_rng(seed)
    return rng.integers(0, blocks, size=(resamples, blocks))


def bootstrap_alphas(
    counts: np.ndarray,
    block_rows: Sequence[np.ndarray],
    domain: np.ndarray,
    level: Level,
    picks: np.ndarray,
) -> np.ndarray:
    """Alpha of every resample at once (NaN where undefined): the package's formula,
    ``1 - sum(o * d) / sum(e * d)``, with the coincidences ``o`` of a resample summed from
    each picked block's own, so a thousand resamples cost a few array operations instead of a
    thousand calls. Tests check each resample against ``krippendorff.alpha`` itself."""
    resamples = picks.shape[0]
    values = len(domain)
    if resamples == 0:
        return np.zeros(0)
    eye = np.eye(values)
    pairable = counts.sum(axis=1)
    per_unit = (counts[:, :, None] * counts[:, None, :] - counts[:, None, :] * eye) / np.maximum(
        pairable - 1, 1
    )[:, None, None]
    per_block = np.stack([per_unit[rows].sum(axis=0) for rows in block_rows])
    weights = np.stack([np.bincount(row, minlength=len(block_rows)) for row in picks])
    o = np.tensordot(weights.astype(float), per_block, axes=1)  # resamples x V x V
    n_v = o.sum(axis=1)
    n = n_v.sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        e = (n_v[:, :, None] * n_v[:, None, :] - n_v[:, None, :] * eye) / (n - 1)[:, None, None]
        if level == Level.NOMINAL:
            d = np.broadcast_to(1 - eye, o.shape)
        elif level == Level.INTERVAL:
            d = np.broadcast_to((domain[:, None] - domain[None, :]) ** 2, o.shape)
        else:
            low = np.minimum.outer(np.arange(values), np.arange(values))
            high = np.maximum.outer(np.arange(values), np.arange(values))
            running = np.concatenate([np.zeros((resamples, 1)), np.cumsum(n_v, axis=1)], axis=1)
            between = running[:, high + 1] - running[:, low]
            d = (between - (n_v[:, low] + n_v[:, high]) / 2) ** 2
        observed = (o * d).sum(axis=(1, 2))
        expected = (e * d).sum(axis=(1, 2))
        alphas = np.where((n > 1) & (expected > 1e-12), 1 - observed / expected, np.nan)
    return alphas


def alpha_of_blocks(
    blocks: Sequence[Sequence[Sequence[float]]],
    level: Level,
    *,
    seed: int = SEED,
    resamples: int = RESAMPLES,
    confidence: float = CONFIDENCE,
) -> Alpha:
    """Alpha of the values, with a percentile bootstrap interval that resamples blocks.

    ``blocks`` holds one block per interaction (the resampled unit); a block is a list of units
    (one per criterion for the overall alpha, else a single one); a unit is the list of the
    values the evaluators gave it (missing ones left out)."""
    units = [unit for block in blocks for unit in block]
    observed = sorted({float(v) for unit in units for v in unit})
    pairable = sum(len(unit) for unit in units if len(unit) >= 2)
    if pairable == 0:
        return Alpha(None, reason=NO_PAIRS)
    if len(observed) < 2:
        return Alpha(None, pairable=pairable, reason=NO_VARIATION)
    domain = np.array(observed)
    counts = _value_counts(units, domain)
    value = _alpha_of_counts(counts, domain, level)
    if value is None:
        return Alpha(None, pairable=pairable, reason=NO_VARIATION)
    block_rows = []
    first = 0
    for block in blocks:
        block_rows.append(np.arange(first, first + len(block)))
        first += len(block)
    picks = resample_picks(len(blocks), seed=seed, resamples=resamples)
    alphas = bootstrap_alphas(counts, block_rows, domain, level, picks)
    estimates = alphas[~np.isnan(alphas)]
    undefined = int(np.isnan(alphas).sum())
    low = high = None
    # An interval only when most resamples have an alpha: else it says little.
    if estimates.size and estimates.size * 2 >= resamples:
        tail = (1 - confidence) / 2
        low, high = (float(q) for q in np.quantile(estimates, [tail, 1 - tail]))
    return Alpha(
        value=value,
        low=low,
        high=high,
        confidence=confidence,
        resamples=int(estimates.size),
        undefined_resamples=undefined,
        pairable=pairable,
    )


def alpha_of_matrix(
    reliability_data: Sequence[Sequence[float | None]], level: Level, **kwargs
) -> Alpha:
    """Alpha of a coders x units matrix (None or NaN: missing), each unit resampled alone:
    the shape of the package's ``reliability_data``."""
    rows = [list(row) for row in reliability_data]
    width = max((len(row) for row in rows), default=0)
    blocks = []
    for u in range(width):
        given = (row[u] for row in rows if u < len(row))
        values = [float(v) for v in given if v is not None and not math.isnan(float(v))]
        blocks.append([values])
    return alpha_of_blocks(blocks, level, **kwargs)


# --- a session's answers -> its figures ---------------------------------------------------------


@dataclass(frozen=True)
class Scored:
    """One evaluator's submitted score of one interaction: the answers by criterion key (a
    bool for yes/no, an int for 1-5 and points, ``scoring.NA``; a key left out: unanswered) and
    the overall score in percent."""

    evaluator: str
    interaction: str
    answers: Mapping[str, object]
    score: float | None = None


@dataclass
class _Table:
    criteria: Sequence[scoring.CriterionSpec]
    scores: Sequence[Scored]
    interactions: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.interactions = sorted({s.interaction for s in self.scores}, key=_natural)
        self.by = {(s.evaluator, s.interaction): s for s in self.scores}

    def value(self, scored: Scored, criterion: scoring.CriterionSpec) -> float | None:
        """The answer as alpha reads it (None: missing)."""
        answer = scored.answers.get(criterion.key)
        if answer is None or answer is scoring.NA:
            return None
        return float(int(answer))  # type: ignore[call-overload]

    def share(self, scored: Scored, criterion: scoring.CriterionSpec) -> float | None:
        answer = scored.answers.get(criterion.key)
        if answer is None or answer is scoring.NA:
            return None
        return float(scoring.earned_fraction(criterion, answer))  # type: ignore[arg-type]

    def criterion_blocks(self, criterion, evaluators) -> list[list[list[float]]]:
        blocks = []
        for interaction in self.interactions:
            values = []
            for evaluator in evaluators:
                scored = self.by.get((evaluator, interaction))
                value = self.value(scored, criterion) if scored else None
                if value is not None:
                    values.append(value)
            blocks.append([values])
        return blocks

    def overall_blocks(self, evaluators) -> list[list[list[float]]]:
        blocks = []
        for interaction in self.interactions:
            block = []
            for criterion in self.criteria:
                values = []
                for evaluator in evaluators:
                    scored = self.by.get((evaluator, interaction))
                    share = self.share(scored, criterion) if scored else None
                    if share is not None:
                        values.append(share)
                block.append(values)
            blocks.append(block)
        return blocks


def _natural(text: str) -> tuple:
    return (len(text), text)


def _alignment(table: _Table, evaluator: str, expert: str) -> tuple[int, int, float | None]:
    compared = matched = 0
    differences = []
    for interaction in table.interactions:
        own, reference = table.by.get((evaluator, interaction)), table.by.get((expert, interaction))
        if own is None or reference is None:
            continue
        for criterion in table.criteria:
            a, b = own.answers.get(criterion.key), reference.answers.get(criterion.key)
            if a is None or b is None:
                continue
            compared += 1
            if (a is scoring.NA and b is scoring.NA) or (
                a is not scoring.NA and b is not scoring.NA and int(a) == int(b)  # type: ignore[call-overload]
            ):
                matched += 1
        if own.score is not None and reference.score is not None:
            differences.append(Fraction(own.score) - Fraction(reference.score))
    difference = float(sum(differences) / len(differences)) if differences else None
    return compared, matched, difference


def session_agreement(
    criteria: Sequence[scoring.CriterionSpec],
    scores: Iterable[Scored],
    *,
    expert: str | None = None,
    seed: int = SEED,
    resamples: int = RESAMPLES,
    confidence: float = CONFIDENCE,
) -> Agreement:
    """Every figure of a session from its submitted scores (see the module's text)."""
    table = _Table(criteria, list(scores))

    def alpha_of(blocks, level: Level, *, interval: bool = True) -> Alpha:
        return alpha_of_blocks(
            blocks,
            level,
            seed=seed,
            resamples=resamples if interval else 0,
            confidence=confidence,
        )

    evaluators = sorted({s.evaluator for s in table.scores}, key=_natural)
    overall = alpha_of(table.overall_blocks(evaluators), Level.INTERVAL)
    per_criterion = []
    for criterion in criteria:
        blocks = table.criterion_blocks(criterion, evaluators)
        per_criterion.append(
            CriterionAgreement(
                key=criterion.key,
                label=criterion.label,
                level=LEVEL_OF_SCALE[criterion.scale].value,
                alpha=alpha_of(blocks, LEVEL_OF_SCALE[criterion.scale]),
                interactions=sum(1 for block in blocks if len(block[0]) >= 2),
            )
        )
    has_expert = expert is not None and expert in evaluators
    per_evaluator = []
    for evaluator in evaluators:
        is_expert = evaluator == expert
        compared = matched = 0
        difference = None
        with_expert = None
        if has_expert and not is_expert:
            compared, matched, difference = _alignment(table, evaluator, expert)  # type: ignore[arg-type]
            with_expert = alpha_of(table.overall_blocks([evaluator, expert]), Level.INTERVAL)
        others = [e for e in evaluators if e != evaluator]
        # A point figure (no interval): how the group agrees without this evaluator.
        without = alpha_of(table.overall_blocks(others), Level.INTERVAL, interval=False)
        per_evaluator.append(
            EvaluatorAgreement(
                evaluator=evaluator,
                is_expert=is_expert,
                interactions=sum(1 for i in table.interactions if (evaluator, i) in table.by),
                compared=compared,
                matched=matched,
                score_difference=difference,
                with_expert=with_expert,
                others_without=without,
            )
        )
    return Agreement(
        overall=overall,
        criteria=tuple(per_criterion),
        evaluators=tuple(per_evaluator),
        expert=expert if has_expert else None,
        seed=seed,
        resamples=resamples,
        confidence=confidence,
    )
