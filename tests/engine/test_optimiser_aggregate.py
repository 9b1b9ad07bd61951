"""``to_highs`` defaults of the aggregated model (scheduling.engine.optimiser.aggregate), pinned
after its mutation run (docs/testing.md). Pure: no database, one tiny solve-free model."""

from __future__ import annotations

import dataclasses

import numpy as np

from scheduling.engine.optimiser.aggregate import build_model, to_highs
from scheduling.engine.optimiser.model import Contract, Penalties, Preference, Rules
from scheduling.engine.optimiser.options import build_groups, build_options
from scheduling.engine.optimiser.patterns import option_rows
from tests.engine.test_optimiser_parts import TEMPLATES, person, tiny


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


def model_of(problem):
    options = build_options(problem)
    groups, classes = build_groups(problem, options)
    return build_model(problem, options, groups, classes), groups, classes


def test_a_team_without_agents_gives_a_model_of_only_its_shortfalls():
    # given a week of two queues and 18 intervals, and nobody to plan
    problem = tiny([], {("general", 2): 1, ("billing", 5): 2})
    # when the aggregated model is built
    model, groups, classes = model_of(problem)
    # then no shift columns, only under and over coverage per queue and interval
    assert (groups, classes) == ([], [])
    assert model.x_count == 0 and len(model.x_group) == 0 and len(model.x_option) == 0
    assert model.x_group.dtype.kind == "i" and model.x_option.dtype.kind == "i"  # indices
    assert model.num_col == 2 * 2 * 18
    assert list(model.col_cost) == [100.0] * 36 + [10.0] * 36
    # one coverage row per queue and interval, holding the requirement
    assert model.num_row == 36
    assert model.row_lower[2] == 1 and model.row_upper[18 + 5] == 2
    assert list(model.group_rows) == [0]


def test_the_weekend_column_exists_only_when_the_weekend_is_penalised():
    ana = [person("ana")]
    demand = {("general", 14): 1}

    def weekend_columns(**changes):
        model, _, classes = model_of(tiny(ana, demand, **changes))
        shortfalls = 2 * 2 * 18
        working = sum(18 for skills in classes for q in ("general", "billing") if q in skills)
        return model.num_col - model.x_count - shortfalls - working

    assert weekend_columns() == 1  # the default penalty of 50
    assert weekend_columns(penalties=Penalties(weekend_day=1.0)) == 1
    assert weekend_columns(penalties=Penalties(weekend_day=0.0)) == 0
    assert weekend_columns(rules=Rules(2, (), 0)) == 0  # no weekend days
    # its cost is the penalty, after the shift columns
    model, _, _ = model_of(tiny(ana, demand, penalties=Penalties(weekend_day=7.0)))
    assert model.col_cost[model.x_count] == 7.0


def group_rows(model, g):
    """The rows of group ``g`` as (columns, values, lower, upper)."""
    matrix = model.matrix.tocsr()
    out = []
    for r in range(model.group_rows[g], model.group_rows[g + 1]):
        cells = matrix[r]
        order = np.argsort(cells.indices)
        out.append(
            (
                cells.indices[order].tolist(),
                cells.data[order].tolist(),
                model.row_lower[r],
                model.row_upper[r],
            )
        )
    return out


def with_contract(contract, agents=2):
    return tiny(
        [person(name, contract.name) for name in ("ana", "bea", "cem")[:agents]],
        {("general", 2): 1},
        contracts={contract.name: contract},
    )


def hour_rows(contract):
    model, _, _ = model_of(with_contract(contract))
    # the only row with values other than 1 and -1 (weekend excess) holds the hours
    return [row for row in group_rows(model, 0) if set(row[1]) - {1.0, -1.0}]


def test_an_hours_row_only_where_an_hour_limit_can_bind():
    # the longest shift holds 12 hours, three days: 36 hours at most without a limit
    assert hour_rows(Contract("c", ("early", "late"), 0, 3, 0.0, 36.0)) == []
    # a maximum below 36 binds: both agents together at most 2 * 24 hours
    (row,) = hour_rows(Contract("c", ("early", "late"), 0, 3, 0.0, 24.0))
    assert (row[2], row[3]) == (0.0, 48.0)
    # a minimum of one hour binds as well: 2 * 1 hours at least
    (row,) = hour_rows(Contract("c", ("early", "late"), 0, 3, 1.0, 36.0))
    assert (row[2], row[3]) == (2.0, 72.0)


def test_day_pattern_rows_are_the_agents_rows_times_the_group_size():
    # given two interchangeable agents working at most two days in a row over three days
    contract = Contract("c", ("early", "late"), 0, 3, 0.0, 36.0, max_consecutive_days=2)
    problem = with_contract(contract)
    options = build_options(problem)
    groups, classes = build_groups(problem, options)
    model = build_model(problem, options, groups, classes)
    (group,) = groups
    # then each per-agent row (three days <= 2) appears over the group's columns, bound 2 * 2
    expected = option_rows(group.pattern, options.day[group.options])
    assert expected  # the rule gives at least one row
    rows = group_rows(model, 0)
    for positions, values, rhs in expected:
        assert (positions.tolist(), values.tolist(), -np.inf, 2 * rhs) in rows
    assert all(rhs == 2 for _, _, rhs in expected)


def test_a_group_gets_one_clique_row_per_distinct_restriction_of_two_or_more_shifts():
    # given an early-only agent and 4 intervals of rest: the week's cliques restricted to her
    # early shifts repeat (a day's clique and the rest clique of the late shift from 3 before
    # it hold the same two earlies)
    problem = tiny(
        [person("ana", "early_only")],
        {("general", 2): 1},
        rules=Rules(min_rest_intervals=4, weekend_days=(2,), free_weekend_days=0),
    )
    options = build_options(problem)
    groups, classes = build_groups(problem, options)
    model = build_model(problem, options, groups, classes)
    (group,) = groups
    position = {int(o): i for i, o in enumerate(group.options)}
    restricted = [frozenset(int(o) for o in c if int(o) in position) for c in options.cliques]
    repeated = [i for i, members in enumerate(restricted) if members in restricted[:i]]
    assert repeated and repeated[0] < len(restricted) - 1  # a skipped one before others
    # when the expected rows are the distinct restrictions of two or more, in order
    expected, seen = [], set()
    for members in restricted:
        if len(members) >= 2 and members not in seen:
            seen.add(members)
            expected.append(sorted(position[o] for o in members))
    # then
    cliques = [
        row[0]
        for row in group_rows(model, 0)
        if row[2] == -np.inf and set(row[1]) == {1.0} and row[3] == 1.0
    ]
    assert cliques == expected


def test_no_weekend_row_when_the_group_has_only_as_many_weekend_shifts_as_free_days():
    # given one late shift a day, one weekend day and one free weekend day
    contracts = {"late": Contract("late", ("late",), 0, 3, 0.0, 36.0)}
    templates = {"late": dataclasses.replace(TEMPLATES["late"], start_intervals=(3,))}
    problem = tiny(
        [person("ana", "late")],
        {("general", 4): 1},
        contracts=contracts,
        templates=templates,
        rules=Rules(min_rest_intervals=2, weekend_days=(2,), free_weekend_days=1),
    )
    # when
    model, _, _ = model_of(problem)
    # then: the weekend column exists (the weekend is penalised), no row ties it to shifts
    rows = group_rows(model, 0)
    assert not any(-1.0 in row[1] for row in rows)


def test_every_coverage_row_of_the_second_queue_holds_its_working_column():
    # given an agent skilled for both queues
    problem = tiny([person("ana", skills=frozenset({"general", "billing"}))], {("billing", 3): 1})
    # when
    model, _, _ = model_of(problem)
    # then: the last 2 * 18 rows are the coverage rows, each with y, under and over
    matrix = model.matrix.tocsr()
    first = model.num_row - 2 * 18
    assert [matrix[first + r].nnz for r in range(2 * 18)] == [3] * (2 * 18)


def test_a_one_member_group_with_preferences_pays_them_on_its_shifts():
    # given ana, who dislikes day 0's shifts (weight 5) and the late ones (2), and likes those
    # starting from interval 3 (1)
    wishes = (
        Preference(5.0, day=0),
        Preference(2.0, template="late"),
        Preference(1.0, wanted=True, earliest_start=3),
    )
    problem = tiny([person("ana", preferences=wishes)], {("general", 2): 1})
    options = build_options(problem)
    groups, classes = build_groups(problem, options)
    # when
    model = build_model(problem, options, groups, classes)
    # then: each shift column costs its hours at 10 an hour, plus its wishes
    (group,) = groups
    chosen = group.options
    late = np.array([options.template[o] == "late" for o in chosen])
    expected = (
        options.hours[chosen] * 10.0
        + np.where(options.day[chosen] == 0, 5.0, 0.0)
        + np.where(late, 2.0, 0.0)
        - np.where(options.start[chosen] >= 3, 1.0, 0.0)
    )
    assert model.col_cost[: model.x_count].tolist() == expected.tolist()


def test_a_group_without_any_shift_gets_no_hours_row_under_a_small_hour_maximum():
    # given an agent off the whole week under a 2-hour maximum
    contract = Contract("c", ("early", "late"), 0, 3, 0.0, 2.0)
    problem = tiny(
        [person("ana", "c", unavailable_intervals=frozenset(range(18)))],
        {("general", 2): 1},
        contracts={"c": contract},
    )
    # when
    model, groups, _ = model_of(problem)
    # then: no shift, so no hours row (only the shift-count row)
    assert len(groups[0].options) == 0
    assert [row[1] for row in group_rows(model, 0)] == [[]]
