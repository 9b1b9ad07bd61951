"""Adapts the engine's staffing models to a forecast: which model fits the line's channel, with
the line's SLA target and the client's shrinkage and occupancy cap; engine errors become
DomainError. Plain arrays in, plain arrays out (the services store them).

- voice, video: Erlang C, or Erlang A where the line has a patience figure;
- chat: the same per conversation slot, agents = slots / concurrency (``engine.channels``);
- e-mail, SMS, social: backlog answered within the first-response target (``engine.channels``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from bpo.errors import DomainError
from scheduling.engine import channels, erlang
from scheduling.engine.errors import EngineInputError

LIVE = "live"
DEFERRED = "deferred"
_DEFERRED_CHANNELS = {"email", "sms", "social"}


@dataclass(frozen=True)
class Target:
    """A service-level target: ``level_percent`` within ``seconds`` (live lines) or within
    ``response_hours`` (deferred lines)."""

    level_percent: float | None = None
    seconds: float | None = None
    response_hours: float | None = None

    def label(self) -> str:
        if self.response_hours is not None:
            level = f"{self.level_percent:g} % " if self.level_percent is not None else ""
            return f"{level}first responses within {self.response_hours:g} h"
        return f"{self.level_percent:g}/{self.seconds:g}"


@dataclass(frozen=True)
class RequirementResult:
    model: str  # a RequirementModel value
    workload_erlangs: NDArray[np.float64]
    required_agents: NDArray[np.int64]
    scheduled_agents: NDArray[np.int64]
    inputs: dict[str, Any] = field(default_factory=dict)


def target_of(line) -> Target | None:
    """The line's own SLA target, or None when it has none for its channel."""
    if line.channel in _DEFERRED_CHANNELS:
        if line.first_response_hours is None:
            return None
        level = line.first_response_percent
        return Target(
            level_percent=float(level) if level is not None else None,
            response_hours=float(line.first_response_hours),
        )
    if line.service_level_percent is None or line.service_level_seconds is None:
        return None
    return Target(
        level_percent=float(line.service_level_percent), seconds=float(line.service_level_seconds)
    )


def missing_target_message(line) -> str:
    if line.channel in _DEFERRED_CHANNELS:
        return (
            "The line has no first-response target (hours): set it on the line to compute staffing."
        )
    return "The line has no service level target (% within seconds): set it on the line to compute staffing."


def compute_requirement(
    *,
    line,
    volumes: NDArray[np.float64],
    aht_seconds: NDArray[np.float64],
    is_open: NDArray[np.bool_],
    interval_minutes: int,
    shrinkage_percent: float,
    max_occupancy_percent: float,
    target: Target | None = None,
) -> RequirementResult:
    """The requirement per interval for ``line`` (its own target unless ``target`` is given)."""
    target = target or target_of(line)
    if target is None:
        raise DomainError(missing_target_message(line), field="service_line")
    shrinkage = shrinkage_percent / 100.0
    cap = max_occupancy_percent / 100.0
    volume = np.where(is_open, np.asarray(volumes, dtype=np.float64), 0.0)
    # An interval without contacts has no handle time; the engine wants a positive one.
    handle = np.maximum(np.asarray(aht_seconds, dtype=np.float64), 1.0)
    interval_seconds = interval_minutes * 60.0
    inputs: dict[str, Any] = {
        "channel": line.channel,
        "target": target.label(),
        "shrinkage_percent": shrinkage_percent,
        "max_occupancy_percent": max_occupancy_percent,
        "interval_minutes": interval_minutes,
    }
    try:
        if line.channel in _DEFERRED_CHANNELS:
            assert target.response_hours is not None
            backlog = channels.backlog_required_agents(
                volumes=volume,
                interval_minutes=interval_minutes,
                aht_seconds=handle,
                response_minutes=target.response_hours * 60.0,
                is_open=is_open,
                max_occupancy=cap,
            )
            model = "backlog"
            inputs["response_hours"] = target.response_hours
            workload = backlog.workload_agents
            required = backlog.agents
        else:
            assert target.level_percent is not None and target.seconds is not None
            patience = float(line.patience_seconds) if line.patience_seconds else None
            inputs.update(
                {
                    "target_level_percent": target.level_percent,
                    "target_seconds": target.seconds,
                    "patience_seconds": patience,
                }
            )
            workload = volume * handle / interval_seconds
            if line.channel == "chat":
                concurrency = float(line.concurrency)
                chat = channels.chat_required_agents(
                    volumes=volume,
                    interval_seconds=interval_seconds,
                    aht_seconds=handle,
                    concurrency=concurrency,
                    target_level=target.level_percent / 100.0,
                    target_seconds=target.seconds,
                    max_occupancy=cap,
                    patience_seconds=patience,
                )
                model = "chat_slots" if patience is None else "chat_slots_a"
                inputs["concurrency"] = concurrency
                required = chat.agents
            else:
                required = erlang.required_agents_series(
                    volumes=volume,
                    interval_seconds=interval_seconds,
                    aht_seconds=handle,
                    target_level=target.level_percent / 100.0,
                    target_seconds=target.seconds,
                    max_occupancy=cap,
                    patience_seconds=patience,
                )
                model = "erlang_c" if patience is None else "erlang_a"
        scheduled = erlang.scheduled_agents_series(agents=required, shrinkage=shrinkage)
    except EngineInputError as exc:
        raise DomainError(
            f"Staffing could not be computed: {exc.message}.", field=exc.field
        ) from exc
    return RequirementResult(
        model=model,
        workload_erlangs=np.asarray(workload, dtype=np.float64),
        required_agents=np.asarray(required, dtype=np.int64),
        scheduled_agents=np.asarray(scheduled, dtype=np.int64),
        inputs=inputs,
    )


@dataclass(frozen=True)
class FteFigure:
    """A week of requirement in FTE: scheduled agent-hours over 40 (the headline), and the
    busiest interval's scheduled agents beside it."""

    target: str
    model: str
    agent_hours: float
    fte: float
    peak_agents: int
    required_agent_hours: float


HOURS_PER_FTE = 40.0


def fte_of(result: RequirementResult, *, interval_minutes: int, target_label: str) -> FteFigure:
    hours_per_interval = interval_minutes / 60.0
    scheduled_hours = float(result.scheduled_agents.sum()) * hours_per_interval
    return FteFigure(
        target=target_label,
        model=result.model,
        agent_hours=scheduled_hours,
        fte=scheduled_hours / HOURS_PER_FTE,
        peak_agents=int(result.scheduled_agents.max(initial=0)),
        required_agent_hours=float(result.required_agents.sum()) * hours_per_interval,
    )
