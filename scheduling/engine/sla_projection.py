"""The week's projected service level of one line: the statistics so far plus, for the rest of
the week, the contacts the forecast expects and the share Erlang C expects the published plan's
agents to answer in time. Pure: no Django; plain numbers in, counts out.

How it counts (nothing here is a second way of computing a service level):

- The elapsed part is the line's **actual totals** (``kpi.ContactTotals``, summed from its
  statistics).
- Each remaining interval brings its expected contacts ``V`` (forecast volume) and the expected
  contacts answered within the threshold ``SL(N) * V``, where ``SL(N)`` is
  ``erlang.interval_metrics``'s service level with the interval's ``N`` working agents (chat:
  ``N * concurrency`` conversation slots, the slot model of ``engine.channels``). Erlang C has
  no abandons, so every expected contact is answered: under each convention of ``kpi`` the
  expected part's denominator is ``V`` (nobody abandons, nothing flows out).
- E-mail, SMS, social: a backlog. :func:`backlog_expected` works through the arrivals first in,
  first out with the agents' time; an item answered within its response window (in whole
  intervals, as ``channels.backlog_required_agents`` counts it) is a first response in time.
- The expected sums of the remaining intervals are rounded to whole contacts **once** and added
  to the actual totals as counts (``ContactTotals``); the week's figure is then
  ``kpi.service_level_terms`` of the sum under the line's convention (numerator/denominator) and
  met or missed is ``kpi.service_outcomes``: the very functions the SLA figures use.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

import numpy as np

from scheduling.engine import erlang, kpi

__all__ = [
    "Expected",
    "Projection",
    "ProjectionStatus",
    "backlog_expected",
    "expected_totals",
    "live_expected",
    "project",
    "whole",
]


class ProjectionStatus(StrEnum):
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    MET = "met"  # the week is over: statistics only
    MISSED = "missed"
    NO_TARGET = "no_target"
    NO_CONTACTS = "no_contacts"
    NOT_POSSIBLE = "not_possible"

    @property
    def label(self) -> str:
        return STATUS_LABELS[self]


STATUS_LABELS = {
    ProjectionStatus.ON_TRACK: "On track",
    ProjectionStatus.AT_RISK: "At risk",
    ProjectionStatus.MET: "Met",
    ProjectionStatus.MISSED: "Missed",
    ProjectionStatus.NO_TARGET: "No target",
    ProjectionStatus.NO_CONTACTS: "No contacts",
    ProjectionStatus.NOT_POSSIBLE: "Projection not possible",
}


def whole(value: float) -> int:
    """Half up to a whole contact (``round`` would send 2.5 to 2)."""
    return math.floor(value + 0.5)


# --- the remaining intervals --------------------------------------------------------------------


@dataclass(frozen=True)
class Expected:
    """The expected contacts of the remaining intervals and those answered in time, summed
    (unrounded), with the intervals that have contacts but no working agent."""

    volume: float = 0.0
    within: float = 0.0
    intervals: int = 0
    unstaffed_intervals: int = 0
    unstaffed_volume: float = 0.0


def _arrays(volumes, agents, aht_seconds) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    volume = np.asarray(volumes, dtype=np.float64).ravel()
    staff = np.asarray(agents, dtype=np.float64).ravel()
    # an interval without contacts has no handle time; the engine wants a positive one
    handle = np.maximum(np.broadcast_to(np.asarray(aht_seconds, dtype=np.float64), volume.shape), 1)
    return volume, staff, handle


def _unstaffed(volume: np.ndarray, staff: np.ndarray) -> tuple[int, float]:
    empty = (staff <= 0) & (volume > 0)
    return int(empty.sum()), float(volume[empty].sum())


def live_expected(
    *,
    volumes: Sequence[float] | np.ndarray,
    agents: Sequence[int] | np.ndarray,
    aht_seconds: Sequence[float] | np.ndarray | float,
    interval_seconds: float,
    target_seconds: float,
    concurrency: float = 1.0,
) -> Expected:
    """Voice, video (``concurrency`` 1) and chat: ``sum V`` and ``sum SL(N) * V`` over the
    intervals, Erlang C per interval (an interval with no agents answers nobody in time)."""
    volume, staff, handle = _arrays(volumes, agents, aht_seconds)
    if volume.size == 0:
        return Expected()
    slots = np.floor(np.round(staff * float(concurrency), 9))
    metrics = erlang.interval_metrics(
        volumes=volume,
        agents=slots,
        interval_seconds=interval_seconds,
        aht_seconds=handle,
        target_seconds=target_seconds,
    )
    level = np.where(volume > 0, metrics.service_level, 0.0)
    count, lost = _unstaffed(volume, staff)
    return Expected(
        volume=float(volume.sum()),
        within=float((level * volume).sum()),
        intervals=int(volume.size),
        unstaffed_intervals=count,
        unstaffed_volume=lost,
    )


def backlog_expected(
    *,
    volumes: Sequence[float] | np.ndarray,
    agents: Sequence[int] | np.ndarray,
    aht_seconds: Sequence[float] | np.ndarray | float,
    interval_minutes: int,
    response_minutes: float,
) -> Expected:
    """E-mail, SMS, social: the items arriving in each interval join a first-in-first-out
    queue; each interval's agents give ``N * interval`` seconds of work, an item takes the
    handle time of its arrival interval. An item handled in an interval before ``arrival +
    window`` (the window in whole intervals, at least one) is answered in time. The queue is
    taken as empty at the start (what waits now is not known from interval statistics), and an
    item still waiting when the week ends counts as late (the pessimistic reading)."""
    volume, staff, handle = _arrays(volumes, agents, aht_seconds)
    if volume.size == 0:
        return Expected()
    window = max(1, math.floor(round(response_minutes / interval_minutes, 9)))
    seconds = interval_minutes * 60.0
    queue: deque[list[float]] = deque()  # [arrival index, items left, handle seconds]
    within = 0.0
    for index in range(volume.size):
        if volume[index] > 0:
            queue.append([index, float(volume[index]), float(handle[index])])
        budget = float(staff[index]) * seconds
        while queue and budget > 1e-9:
            arrival, items, each = queue[0]
            done = min(items, budget / each)
            if index < arrival + window:
                within += done
            budget -= done * each
            if done >= items - 1e-12:
                queue.popleft()
            else:
                queue[0][1] = items - done
    count, lost = _unstaffed(volume, staff)
    return Expected(
        volume=float(volume.sum()),
        within=min(within, float(volume.sum())),
        intervals=int(volume.size),
        unstaffed_intervals=count,
        unstaffed_volume=lost,
    )


def expected_totals(expected: Expected, *, is_async: bool) -> kpi.ContactTotals:
    """The expected part as whole counts: live contacts are offered and answered (Erlang C has
    no abandons), backlog items are first responses."""
    volume, within = whole(expected.volume), whole(expected.within)
    within = min(within, volume)
    if is_async:
        return kpi.ContactTotals(first_responses=volume, first_responses_within_target=within)
    return kpi.ContactTotals(offered=volume, answered=volume, answered_within_threshold=within)


# --- the week ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Projection:
    """The week's projected figure as counts: ``numerator / denominator`` of the line's
    convention (first responses in time / first responses for backlog lines)."""

    status: ProjectionStatus
    actual: kpi.ContactTotals
    expected: kpi.ContactTotals
    numerator: int
    denominator: int
    target_percent: Decimal | None
    actual_numerator: int
    actual_denominator: int

    @property
    def level(self) -> float | None:
        return kpi.ratio(self.numerator, self.denominator)

    @property
    def actual_level(self) -> float | None:
        return kpi.ratio(self.actual_numerator, self.actual_denominator)


def _terms(totals: kpi.ContactTotals, convention, is_async: bool) -> tuple[int, int]:
    if is_async:
        return totals.first_responses_within_target, totals.first_responses
    return kpi.service_level_terms(totals, kpi.ServiceLevelConvention(convention))


def project(
    *,
    actual: kpi.ContactTotals,
    expected: Expected | None,
    convention: kpi.ServiceLevelConvention | str,
    targets: kpi.Targets,
    is_async: bool = False,
    week_over: bool = False,
) -> Projection:
    """Actual totals plus the expected part, under the line's convention, against its target.

    ``expected`` is ``None`` when the rest of the week cannot be projected (no published plan,
    no forecast, no threshold): the status is then "not possible" and the figure is the
    actual one. ``week_over``: the week has ended, so the figure is final (met or missed)."""
    part = (
        expected_totals(expected, is_async=is_async)
        if expected is not None
        else kpi.ContactTotals()
    )
    total = actual + part
    numerator, denominator = _terms(total, convention, is_async)
    actual_numerator, actual_denominator = _terms(actual, convention, is_async)
    name = "first_response_level" if is_async else "service_level"
    outcome = kpi.service_outcomes(total, targets, convention)[name]
    target = targets.first_response_percent if is_async else targets.service_level_percent
    if expected is None and not week_over:
        status = ProjectionStatus.NOT_POSSIBLE
    elif outcome == kpi.Outcome.NO_TARGET:
        status = ProjectionStatus.NO_TARGET
    elif outcome == kpi.Outcome.NO_CONTACTS:
        status = ProjectionStatus.NO_CONTACTS
    elif week_over:
        status = ProjectionStatus.MET if outcome == kpi.Outcome.MET else ProjectionStatus.MISSED
    else:
        status = (
            ProjectionStatus.ON_TRACK if outcome == kpi.Outcome.MET else ProjectionStatus.AT_RISK
        )
    return Projection(
        status=status,
        actual=actual,
        expected=part,
        numerator=numerator,
        denominator=denominator,
        target_percent=target,
        actual_numerator=actual_numerator,
        actual_denominator=actual_denominator,
    )
