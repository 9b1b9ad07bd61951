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


# --- pinned after the mutation run (docs/testing.md) ---------------------------------------------


@pytest.mark.parametrize(
    ("interval_minutes", "intervals"), [(0, WEEK), (-30, WEEK), (30, 0), (30, -1)], ids=str
)
def test_a_week_without_intervals_is_refused_in_words(interval_minutes, intervals):
    with pytest.raises(EngineInputError) as error:
        unavailable_intervals([], interval_minutes=interval_minutes, intervals=intervals)
    assert (error.value.field, error.value.message) == (
        "interval_minutes",
        "intervals must be positive and the week non-empty",
    )


def test_one_minute_intervals_and_a_week_of_one_interval():
    # the first minute of the week is interval 0, even when the period starts before the week
    assert unavailable_intervals([(-10, 1)], interval_minutes=1, intervals=60) == {0}
    assert unavailable_intervals([(0, 1)], interval_minutes=1, intervals=60) == {0}
    assert unavailable_intervals([(5, 10)], interval_minutes=30, intervals=1) == {0}


def test_a_backwards_period_is_named_in_words():
    with pytest.raises(EngineInputError) as error:
        unavailable_intervals([(90, 60)], interval_minutes=30, intervals=WEEK)
    assert (error.value.field, error.value.message) == (
        "unavailable",
        "period (90, 60) ends before it starts",
    )


def test_an_empty_period_inside_an_interval_blocks_nothing_and_the_next_still_counts():
    # (95, 95) lies inside interval 3 but lasts no time; (0, 30) is interval 0
    assert unavailable_intervals([(95, 95)], interval_minutes=30, intervals=WEEK) == frozenset()
    assert unavailable_intervals([(95, 95), (0, 30)], interval_minutes=30, intervals=WEEK) == {0}
