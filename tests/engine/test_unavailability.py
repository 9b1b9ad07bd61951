"""Periods as the optimiser's unavailable intervals (pure: no database)."""

from __future__ import annotations

import pytest

from scheduling.engine.errors import EngineInputError
from scheduling.engine.optimiser.unavailability import unavailable_intervals

WEEK = 7 * 48


def test_a_whole_day_is_its_48_half_hours():
    assert unavailable_intervals(
        [(24 * 60, 48 * 60)], interval_minutes=30, intervals=WEEK
    ) == frozenset(range(48, 96))


def test_a_period_touching_an_interval_by_a_minute_blocks_it():
    assert unavailable_intervals([(61, 90)], interval_minutes=30, intervals=WEEK) == {2}
    assert unavailable_intervals([(59, 91)], interval_minutes=30, intervals=WEEK) == {1, 2, 3}


def test_periods_outside_the_week_are_clipped_not_wrapped():
    minutes = WEEK * 30
    blocked = unavailable_intervals(
        [(-120, 30), (minutes - 30, minutes + 600)], interval_minutes=30, intervals=WEEK
    )
    assert blocked == {0, WEEK - 1}


def test_an_empty_or_backwards_period():
    assert unavailable_intervals([(90, 90)], interval_minutes=30, intervals=WEEK) == frozenset()
    with pytest.raises(EngineInputError):
        unavailable_intervals([(90, 60)], interval_minutes=30, intervals=WEEK)
