"""Realistic interval statistics for the demo and the import benchmark (pure: no Django).

Volume follows a day curve (morning and afternoon peaks), weekdays above weekends, with noise
from a seeded generator; the other counts and the seconds follow from it with plausible rates
per channel. Async lines (e-mail, SMS, social) get first responses instead of a queue."""

from __future__ import annotations

import math
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from scheduling.planning.importing.presets import FIELDS

WEEKDAY_FACTOR = (1.15, 1.05, 1.0, 1.0, 0.95, 0.55, 0.4)
ASYNC_CHANNELS = frozenset({"email", "sms", "social"})
TALK_SECONDS = {"voice": 320, "video": 480, "chat": 540}


@dataclass(frozen=True)
class LineProfile:
    channel: str
    peak_per_hour: float  # contacts offered per hour at the busiest time of a weekday
    threshold_seconds: int = 20


def day_curve(hour: float) -> float:
    """0..1 over the day: low at night, peaks around 10:30 and 15:00."""
    morning = math.exp(-(((hour - 10.5) / 2.2) ** 2))
    afternoon = 0.85 * math.exp(-(((hour - 15.0) / 2.5) ** 2))
    return 0.04 + max(morning, afternoon)


def interval_values(
    profile: LineProfile, local_start: datetime, minutes: int, rng: random.Random
) -> dict[str, int]:
    """The fields of one interval starting at ``local_start`` (the line's local time)."""
    hour = local_start.hour + local_start.minute / 60
    mean = profile.peak_per_hour * minutes / 60 * day_curve(hour)
    mean *= WEEKDAY_FACTOR[local_start.weekday()]
    offered = max(0, round(rng.gauss(mean, math.sqrt(mean + 1) * 0.9)))
    values = dict.fromkeys(FIELDS, 0)
    values["offered"] = offered
    if offered == 0:
        return values
    if profile.channel in ASYNC_CHANNELS:
        handled = offered
        values["answered"] = handled
        values["first_responses"] = handled
        within = sum(1 for _ in range(handled) if rng.random() < 0.86)
        values["first_responses_within_target"] = within
        values["first_response_seconds"] = round(handled * rng.uniform(2.5, 6.0) * 3600)
        values["talk_seconds"] = round(handled * rng.uniform(360, 520))
        values["acw_seconds"] = round(handled * rng.uniform(40, 90))
        return values
    load = mean / max(profile.peak_per_hour * minutes / 60, 1)
    abandon_rate = 0.015 + 0.06 * load * rng.uniform(0.5, 1.5)
    abandoned = min(offered, sum(1 for _ in range(offered) if rng.random() < abandon_rate))
    flowed_out = 1 if offered > 20 and rng.random() < 0.1 else 0
    answered = max(0, offered - abandoned - flowed_out)
    short = sum(1 for _ in range(abandoned) if rng.random() < 0.3)
    within_rate = max(0.5, 0.93 - 0.25 * load * rng.uniform(0.6, 1.4))
    values.update(
        answered=answered,
        abandoned=abandoned,
        short_abandoned=short,
        flowed_out=flowed_out,
        answered_within_threshold=sum(1 for _ in range(answered) if rng.random() < within_rate),
        abandoned_within_threshold=short
        + sum(1 for _ in range(abandoned - short) if rng.random() < 0.3),
        answered_wait_seconds=round(answered * rng.uniform(6, 14 + 40 * load)),
        talk_seconds=round(answered * rng.gauss(TALK_SECONDS.get(profile.channel, 320), 25)),
        hold_seconds=round(answered * rng.uniform(10, 45)),
        acw_seconds=round(answered * rng.uniform(30, 60)),
    )
    values["talk_seconds"] = max(values["talk_seconds"], 0)
    return values


def interval_starts(first: datetime, count: int, minutes: int) -> Iterator[datetime]:
    step = timedelta(minutes=minutes)
    for index in range(count):
        yield first + index * step
