"""Staffing requirements per interval for the channels that do not queue like one voice call
per agent: chat (an agent holds several conversations at once) and backlog work (e-mail,
social, SMS: answered within a response window of hours, not seconds).

Voice and video use ``scheduling.engine.erlang`` directly. Plain data in and out, no Django.

**Chat, concurrency N (the "slots" model).** An agent who holds up to N conversations at once
is modelled as N independent servers ("slots"). The queue is then an M/M/(n*N) system: the
Erlang C (or Erlang A) requirement is computed in *slots* for the offered traffic
``volume * handle_time / interval`` with the service-level target and the occupancy cap, and
the agents are ``ceil(slots / N)``. This is exact when a conversation's handle time does not
depend on how many others its agent holds; in practice it does (agents type slower with three
chats open), so the handle time given must be the one *observed at that concurrency* (the
statistics' handle time of the chat line, which already includes the multitasking), not a
single-chat handle time. A fractional concurrency (2.5) is read as an average over agents.
Dividing the traffic by N and staffing that with Erlang C (the other common shortcut) is
*not* used: it treats N conversations as one call of the same length and under-states the
waiting of a small team.

**Backlog work (e-mail, social, SMS).** Items are not answered live: each must get its first
response within the line's target window W (e.g. 4 hours). Erlang C does not apply (nobody
waits on the line). The workload of the items arriving in an interval, ``volume * handle
time`` agent-seconds, is spread evenly over the open intervals of its window
``[arrival, arrival + W)``, and the requirement of an interval is the workload it receives
over its length, divided by the occupancy cap, rounded up. An item arriving when no interval
of its window is open waits for the first open intervals after it (as many as the window
holds, answered as soon as the line opens). Work whose window runs past the end of the
horizon is spread over the part inside it. The target's percentage (90 % within 4 h) is not
used: the model plans every item within its window, which is the conservative reading.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from scheduling.engine import erlang
from scheduling.engine.errors import EngineInputError

__all__ = [
    "BacklogRequirement",
    "ChatRequirement",
    "backlog_required_agents",
    "chat_required_agents",
]

_ROUNDING_DIGITS = 9  # 2.0000000000000004 agents must round up to 2, not 3


@dataclass(frozen=True)
class ChatRequirement:
    """Per interval: the slots (conversations served at once) and the agents holding them."""

    traffic_erlangs: NDArray[np.float64]
    slots: NDArray[np.int64]
    agents: NDArray[np.int64]


@dataclass(frozen=True)
class BacklogRequirement:
    """Per interval: the workload received (in agents busy all interval) and the agents."""

    workload_agents: NDArray[np.float64]
    agents: NDArray[np.int64]


def _concurrency(value: float) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise EngineInputError("concurrency", f"must be a number, got {value!r}") from None
    if not math.isfinite(number) or number < 1:
        raise EngineInputError("concurrency", f"must be at least 1, got {value!r}")
    return number


def chat_required_agents(
    *,
    volumes: ArrayLike,
    interval_seconds: float,
    aht_seconds: ArrayLike,
    concurrency: float,
    target_level: float,
    target_seconds: float,
    max_occupancy: float = 1.0,
    patience_seconds: float | None = None,
) -> ChatRequirement:
    """Agents per interval for a chat line whose agents hold ``concurrency`` chats at once.

    Slots from Erlang C (Erlang A with ``patience_seconds``), agents = ceil(slots / N).
    """
    per_agent = _concurrency(concurrency)
    volume = np.asarray(volumes, dtype=np.float64).ravel()
    slots = erlang.required_agents_series(
        volumes=volume,
        interval_seconds=interval_seconds,
        aht_seconds=aht_seconds,
        target_level=target_level,
        target_seconds=target_seconds,
        max_occupancy=max_occupancy,
        patience_seconds=patience_seconds,
    )
    aht = np.broadcast_to(np.asarray(aht_seconds, dtype=np.float64), volume.shape)
    agents = np.ceil(np.round(slots / per_agent, _ROUNDING_DIGITS)).astype(np.int64)
    return ChatRequirement(
        traffic_erlangs=volume * aht / float(interval_seconds), slots=slots, agents=agents
    )


def backlog_required_agents(
    *,
    volumes: ArrayLike,
    interval_minutes: int,
    aht_seconds: ArrayLike,
    response_minutes: float,
    is_open: ArrayLike | None = None,
    max_occupancy: float = 1.0,
) -> BacklogRequirement:
    """Agents per interval so that every item is handled within its response window.

    ``is_open`` (one flag per interval, all open by default) says when agents can work.
    """
    volume = np.asarray(volumes, dtype=np.float64).ravel()
    if not np.all(np.isfinite(volume)) or np.any(volume < 0):
        raise EngineInputError("volumes", "must contain only finite, non-negative numbers")
    if isinstance(interval_minutes, bool) or not isinstance(interval_minutes, int):
        raise EngineInputError("interval_minutes", "must be a whole number of minutes")
    if interval_minutes <= 0:
        raise EngineInputError("interval_minutes", "must be greater than zero")
    aht = np.broadcast_to(np.asarray(aht_seconds, dtype=np.float64), volume.shape)
    if not np.all(np.isfinite(aht)) or np.any(aht < 0):
        raise EngineInputError("aht_seconds", "must contain only finite, non-negative numbers")
    response = float(response_minutes)
    if not math.isfinite(response) or response <= 0:
        raise EngineInputError("response_minutes", "must be greater than zero")
    cap = float(max_occupancy)
    if not 0 < cap <= 1:
        raise EngineInputError("max_occupancy", "must be a fraction above 0 and at most 1")
    open_flags = (
        np.ones(volume.size, dtype=bool)
        if is_open is None
        else np.asarray(is_open, dtype=bool).ravel()
    )
    if open_flags.shape != volume.shape:
        raise EngineInputError("is_open", "must have one flag per interval")

    size = volume.size
    # The window in whole intervals (at least one): a 4-hour target on 15-minute intervals
    # is 16 intervals, the arrival's own included.
    window = max(1, math.floor(round(response / interval_minutes, _ROUNDING_DIGITS)))
    interval_seconds = interval_minutes * 60.0
    work = volume * aht  # agent-seconds arriving per interval
    received = np.zeros(size, dtype=np.float64)
    open_positions = np.flatnonzero(open_flags)
    for position in np.flatnonzero(work > 0).tolist():
        arrival = int(position)
        end = min(size, arrival + window)
        # Open intervals inside the window: searchsorted over the sorted open positions.
        first = int(np.searchsorted(open_positions, arrival))
        last = int(np.searchsorted(open_positions, end))
        targets = open_positions[first:last]
        if targets.size == 0:
            # Nothing open in the window: the first open intervals after it, as many as the
            # window holds; with none left in the horizon, the arrival's own interval.
            targets = open_positions[first : first + window]
            if targets.size == 0:
                targets = np.array([arrival])
        received[targets] += work[arrival] / targets.size
    workload = received / interval_seconds
    agents = np.ceil(np.round(workload / cap, _ROUNDING_DIGITS)).astype(np.int64)
    return BacklogRequirement(workload_agents=workload, agents=agents)
