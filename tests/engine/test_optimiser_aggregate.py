"""``to_highs`` defaults of the aggregated model (scheduling.engine.optimiser.aggregate), pinned
after its mutation run (docs/testing.md). Pure: no database, one tiny solve-free model."""

from __future__ import annotations

from scheduling.engine.optimiser.aggregate import build_model, to_highs
from scheduling.engine.optimiser.options import build_groups, build_options
from tests.engine.test_optimiser_parts import person, tiny


def test_to_highs_defaults_one_thread_seed_zero_and_no_log_even_after_a_wider_run():
    problem = tiny([person("ana")], {("general", 2): 1})
    options = build_options(problem)
    groups, classes = build_groups(problem, options)
    model = build_model(problem, options, groups, classes)
    option = lambda highs, name: highs.getOptionValue(name)[1]  # noqa: E731 - (status, value)
    # given an earlier model run on two threads with its log on
    wide = to_highs(model, integer=True, time_limit=1.0, threads=2, log=True)
    assert (option(wide, "threads"), option(wide, "output_flag")) == (2, True)
    # when the next one takes the defaults
    highs = to_highs(model, integer=True, time_limit=1.0)
    # then one thread, seed 0, silent
    assert option(highs, "threads") == 1
    assert option(highs, "random_seed") == 0
    assert option(highs, "output_flag") is False
