"""Drawing a week's QA sample and handing it out to evaluators. Pure (no Django; the
import-linter contract "Pure algorithms stay free of Django" lists it).

The **population** is the week's interactions of one line, each an ``(id, agent)`` pair. A draw
is reproducible: the population is sorted by id first (the order it comes in does not matter)
and every random choice comes from ``random.Random(seed)``, so the same interactions and the
same seed always pick the same sample, in the same order.

Two plans:

- **per agent**: ``n`` interactions of every agent, or all of an agent's interactions when they
  have fewer (``min(n, that agent's count)``);
- **share**: ``ceil(share x population)`` interactions, stratified by agent: each agent gets
  their proportional part (largest remainders; the seed breaks ties), so a busy agent is not
  left out by chance and a quiet one not over-sampled.

The picked interactions are then shuffled (so evaluators get a mix of agents) and **handed out**
one by one to the evaluator with the fewest open evaluations at that moment (their open load
plus what this draw already gave them; ties go to the first evaluator in the order given): with
equal loads that is round-robin; an evaluator with a backlog gets fewer.
"""

from __future__ import annotations

import itertools
import math
import random
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import TypeVar

Evaluator = TypeVar("Evaluator", bound=Hashable)
Agent = int | None


@dataclass(frozen=True)
class Plan:
    """How many to pick: ``per_agent`` interactions of each agent, or a ``share`` (0 < share
    <= 1) of the population. Exactly one is given."""

    per_agent: int | None = None
    share: Fraction | None = None

    def __post_init__(self) -> None:
        if (self.per_agent is None) == (self.share is None):
            raise ValueError("A plan picks either n per agent or a share of the interactions.")
        if self.per_agent is not None and self.per_agent < 1:
            raise ValueError("A per-agent plan picks at least one interaction per agent.")
        if self.share is not None and not 0 < self.share <= 1:
            raise ValueError("A share is above 0 and at most 1 (100 %).")

    @classmethod
    def of_percent(cls, percent) -> Plan:
        """A share plan from a percentage (a ``Decimal``, int or text: exact, never a float's
        rounding)."""
        return cls(share=Fraction(str(percent)) / 100)


def _agent_key(agent: Agent) -> tuple[bool, int]:
    return (agent is None, agent or 0)


def _groups(population: Iterable[tuple[int, Agent]]) -> dict[Agent, list[int]]:
    """Interaction ids by agent, each list sorted, agents in a fixed order (None last)."""
    rows = sorted(population, key=lambda row: row[0])
    for before, after in itertools.pairwise(rows):
        if before[0] == after[0]:
            raise ValueError(f"Interaction {before[0]} is in the population twice.")
    by_agent: dict[Agent, list[int]] = {}
    for interaction_id, agent in rows:
        by_agent.setdefault(agent, []).append(interaction_id)
    return {agent: by_agent[agent] for agent in sorted(by_agent, key=_agent_key)}


def share_size(share: Fraction, population: int) -> int:
    """``ceil(share x population)``: a share plan never picks fewer than asked."""
    return math.ceil(share * population)


def _share_quotas(
    groups: Mapping[Agent, Sequence[int]], total: int, rng: random.Random
) -> dict[Agent, int]:
    """``total`` split over the groups in proportion to their sizes (Hamilton's largest
    remainders); equal remainders are ordered by the seed."""
    size = sum(len(ids) for ids in groups.values())
    exact = {agent: Fraction(total * len(ids), size) for agent, ids in groups.items()}
    quotas = {agent: math.floor(value) for agent, value in exact.items()}
    left = total - sum(quotas.values())
    tie_break = {agent: rng.random() for agent in groups}
    by_remainder = sorted(
        groups, key=lambda agent: (-(exact[agent] - quotas[agent]), tie_break[agent])
    )
    for agent in by_remainder[:left]:
        quotas[agent] += 1
    return quotas


def sample_size(population: Iterable[tuple[int, Agent]], plan: Plan) -> int:
    """How many a draw of ``plan`` picks from ``population`` (for a preview)."""
    groups = _groups(population)
    if plan.per_agent is not None:
        return sum(min(plan.per_agent, len(ids)) for ids in groups.values())
    assert plan.share is not None
    return share_size(plan.share, sum(len(ids) for ids in groups.values()))


def draw(population: Iterable[tuple[int, Agent]], plan: Plan, seed: int) -> list[int]:
    """The picked interaction ids, in the order they are handed out. The same population (in
    any order) and seed give the same list."""
    rng = random.Random(seed)
    groups = _groups(population)
    if not groups:
        return []
    if plan.per_agent is not None:
        quotas = {agent: min(plan.per_agent, len(ids)) for agent, ids in groups.items()}
    else:
        assert plan.share is not None
        total = share_size(plan.share, sum(len(ids) for ids in groups.values()))
        quotas = _share_quotas(groups, total, rng)
    picked: list[int] = []
    for agent, ids in groups.items():
        picked.extend(sorted(rng.sample(ids, quotas[agent])))
    rng.shuffle(picked)
    return picked


def hand_out(
    picked: Sequence[int], evaluators: Sequence[Evaluator], open_load: Mapping[Evaluator, int]
) -> dict[int, Evaluator]:
    """Each picked interaction's evaluator: the one with the fewest open evaluations when it
    is handed out (``open_load`` before the draw, missing is 0, plus what this draw gave),
    ties to the first in ``evaluators``."""
    if not evaluators:
        raise ValueError("Choose at least one evaluator.")
    if len(set(evaluators)) != len(evaluators):
        raise ValueError("An evaluator is named twice.")
    load = {evaluator: open_load.get(evaluator, 0) for evaluator in evaluators}
    if any(value < 0 for value in load.values()):
        raise ValueError("An open load is never negative.")
    position = {evaluator: index for index, evaluator in enumerate(evaluators)}
    given: dict[int, Evaluator] = {}
    for interaction_id in picked:
        chosen = min(evaluators, key=lambda evaluator: (load[evaluator], position[evaluator]))
        given[interaction_id] = chosen
        load[chosen] += 1
    return given
