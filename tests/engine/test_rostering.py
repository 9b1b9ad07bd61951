"""The rostering engine on the Curtois & Qu format: reader, independent validator, objective,
and the HiGHS model (tiny instances whose optimum is known by brute force, and Instance1 of the
benchmark to its proven optimum 607). Pure: no database.

Tests marked ``solver`` run HiGHS end to end (seconds); mutation testing leaves them out."""

from __future__ import annotations

import itertools
import random
from pathlib import Path

import highspy
import numpy as np
import pytest

from scheduling.engine.rostering.model import (
    build_model,
    complete_point,
    point_objective,
    point_violation,
    roster_from_values,
    to_highs,
    values_from_roster,
)
from scheduling.engine.rostering.reader import (
    Cover,
    Request,
    RosteringFormatError,
    RosteringInstance,
    ShiftType,
    Staff,
    parse_instance,
    read_instance,
)
from scheduling.engine.rostering.solve import (
    _fixers,
    _neighbourhood,
    _pick,
    _resize,
    _score,
    cell_costs,
    request_costs,
    solve_roster,
)
from scheduling.engine.rostering.validate import roster_objective, validate_roster

INSTANCE1 = Path(__file__).parent / "data" / "curtois_qu_instance1.txt"


def instance_text(
    *,
    horizon: int = 7,
    shifts: str = "D,480,",
    staff: str = "A,D=7,3360,0,5,1,1,1",
    days_off: str = "",
    on: str = "",
    off: str = "",
    cover: str = "",
) -> str:
    return "\n".join(
        [
            "# a tiny instance",
            "SECTION_HORIZON",
            str(horizon),
            "",
            "SECTION_SHIFTS",
            shifts,
            "SECTION_STAFF",
            staff,
            "SECTION_DAYS_OFF",
            days_off,
            "SECTION_SHIFT_ON_REQUESTS",
            on,
            "SECTION_SHIFT_OFF_REQUESTS",
            off,
            "SECTION_COVER",
            cover,
        ]
    )


def week(text: str) -> list[str | None]:
    """'DD.D...' -> one entry per day, '.' a day off."""
    return [None if c == "." else c for c in text]


# --- reader ---------------------------------------------------------------------------------


def test_reads_instance1_of_the_benchmark():
    instance = read_instance(INSTANCE1)
    assert instance.name == "curtois_qu_instance1"
    assert instance.horizon == 14 and instance.weeks == 2
    assert [s.id for s in instance.shifts] == ["D"]
    assert instance.shifts[0].minutes == 480 and instance.shifts[0].cannot_follow == ()
    assert len(instance.staff) == 8
    a = instance.staff[0]
    assert (a.id, a.max_of("D", 14), a.max_total_minutes, a.min_total_minutes) == (
        "A",
        14,
        4320,
        3360,
    )
    assert (a.max_consecutive_shifts, a.min_consecutive_shifts) == (5, 2)
    assert (a.min_consecutive_days_off, a.max_weekends, a.days_off) == (2, 1, frozenset({0}))
    assert len(instance.on_requests) == 21 and len(instance.off_requests) == 5
    assert instance.on_requests[0].weight == 2 and instance.off_requests[2].weight == 3
    assert len(instance.cover) == 14
    assert (instance.cover[1].requirement, instance.cover[1].under_weight) == (7, 100)


def test_crlf_reads_the_same_as_lf():
    text = INSTANCE1.read_text()
    assert parse_instance(text.replace("\n", "\r\n")) == parse_instance(text)


def test_comments_blank_lines_and_empty_sections_are_accepted():
    text = instance_text(
        shifts="E,480,L\nL,600,\n# a comment inside a section",
        staff="A,E=3|L=0,4000,0,4,2,2,1\nB,,4000,0,4,2,2,1",
        cover="0,E,1,100,1",
    )
    instance = parse_instance(text)
    assert instance.shift("E").cannot_follow == ("L",)
    assert instance.staff[0].max_of("L", 7) == 0 and instance.staff[0].max_of("E", 7) == 3
    assert instance.staff[1].max_of("E", 7) == 7  # no limit listed: the horizon
    assert instance.on_requests == () and instance.off_requests == ()
    assert instance.staff[0].days_off == frozenset()


def test_several_days_off_on_one_line():
    instance = parse_instance(instance_text(days_off="A,1,3,6"))
    assert instance.staff[0].days_off == frozenset({1, 3, 6})


@pytest.mark.parametrize(
    ("change", "line", "words"),
    [
        ({"horizon": "x"}, 3, "whole number"),
        ({"shifts": "D,480"}, 6, "3 comma-separated fields, this one 2"),
        ({"shifts": "D,480,N"}, 6, "unknown shift 'N'"),
        ({"shifts": "D,480,\nD,480,"}, 7, "defined twice"),
        ({"staff": "A,N=3,3360,0,5,1,1,1"}, 8, "unknown shift 'N'"),
        ({"staff": "A,D=3,100,200,5,1,1,1"}, 8, "above MaxTotalMinutes"),
        ({"staff": "A,D3,3360,0,5,1,1,1"}, 8, "ShiftID=Max"),
        ({"staff": "A,D=7,3360,0,-5,1,1,1"}, 8, "at least 1"),
        ({"days_off": "Z,1"}, 10, "unknown employee 'Z'"),
        ({"days_off": "A,7"}, 10, "outside the horizon 0..6"),
        ({"on": "A,1,D"}, 12, "4 comma-separated fields"),
        ({"off": "A,1,N,2"}, 14, "unknown shift 'N'"),
        ({"cover": "0,D,1,100,1\n0,D,2,100,1"}, 17, "given twice"),
        ({"cover": "0,D,one,100,1"}, 16, "the requirement must be a whole number"),
    ],
)
def test_bad_lines_are_refused_with_their_line_number(change, line, words):
    with pytest.raises(RosteringFormatError) as raised:
        parse_instance(instance_text(**change))
    assert raised.value.line == line
    assert f"line {line}: " in str(raised.value) and words in str(raised.value)


def test_structural_errors_name_the_line():
    with pytest.raises(RosteringFormatError, match="line 1: 'hello' comes before any SECTION_"):
        parse_instance("hello\nSECTION_HORIZON\n7")
    with pytest.raises(RosteringFormatError, match="line 2: unknown section 'SECTION_FOO'"):
        parse_instance("SECTION_HORIZON\nSECTION_FOO\n")
    with pytest.raises(RosteringFormatError, match="SECTION_STAFF is missing"):
        parse_instance("SECTION_HORIZON\n7\nSECTION_SHIFTS\nD,480,\n")
    with pytest.raises(RosteringFormatError, match="line 3: section SECTION_HORIZON appears twice"):
        parse_instance("SECTION_HORIZON\n7\nSECTION_HORIZON\n")


def test_every_field_of_every_section_is_read_into_its_place():
    # given a file with every section, spaces around fields, empty parts in the lists, a
    # CR-only line ending, an indented comment and an employee's days off on two lines
    text = "\n".join(
        [
            "  # indented comment",
            "  SECTION_HORIZON  ",
            " 14 ",
            "SECTION_SHIFTS",
            "E, 480 , L | N |",
            "L,600,\rN,720,E",
            "SECTION_STAFF",
            "A, E=3 || L=0 |,4000,1000,4,2,2,1",
            "B,,3000,3000,1,0,0,0",
            "C,L=1|L=5,2000,0,7,1,3,2",
            "SECTION_DAYS_OFF",
            "A,1",
            "A,3,,13",
            "B,0",
            "SECTION_SHIFT_ON_REQUESTS",
            "B,2,E,3",
            "SECTION_SHIFT_OFF_REQUESTS",
            "A,13,N,1",
            "A,0,L,2",
            "SECTION_COVER",
            "13,N,2,100,1",
            "0,E,0,50,7",
        ]
    )
    # when it is read
    instance = parse_instance(text, name="two weeks")
    # then every value is where it belongs
    assert instance == RosteringInstance(
        name="two weeks",
        horizon=14,
        shifts=(
            ShiftType("E", 480, ("L", "N")),
            ShiftType("L", 600, ()),
            ShiftType("N", 720, ("E",)),
        ),
        staff=(
            Staff("A", (("E", 3), ("L", 0)), 4000, 1000, 4, 2, 2, 1, frozenset({1, 3, 13})),
            Staff("B", (), 3000, 3000, 1, 0, 0, 0, frozenset({0})),
            Staff("C", (("L", 1), ("L", 5)), 2000, 0, 7, 1, 3, 2, frozenset()),
        ),
        on_requests=(Request("B", 2, "E", 3),),
        off_requests=(Request("A", 13, "N", 1), Request("A", 0, "L", 2)),
        cover=(Cover(13, "N", 2, 100, 1), Cover(0, "E", 0, 50, 7)),
    )
    assert instance.weeks == 2
    assert instance.shift("N") is instance.shifts[2]
    assert instance.staff[2].max_of("L", 14) == 1  # the first limit listed for a type
    assert instance.staff[1].max_of("E", 14) == 14


def test_a_file_without_the_optional_sections_and_a_short_horizon():
    # given only the three required sections and a horizon of 13 days
    text = "SECTION_HORIZON\n13\nSECTION_SHIFTS\nD,0,\nSECTION_STAFF\nA,,0,0,1,0,0,0"
    # when it is read without a name
    instance = parse_instance(text)
    # then the optional sections are empty and a partial week does not count
    assert instance.name == "instance"
    assert (instance.on_requests, instance.off_requests, instance.cover) == ((), (), ())
    assert instance.staff[0].days_off == frozenset()
    assert instance.weeks == 1
    with pytest.raises(KeyError, match="'X'"):
        instance.shift("X")


def test_a_file_is_read_with_its_byte_order_mark_and_named_after_its_stem(tmp_path):
    # given a file saved with a byte-order mark and CRLF line endings
    path = tmp_path / "week_one.txt"
    path.write_bytes(instance_text().replace("\n", "\r\n").encode("utf-8-sig"))
    # when it is read, by a path given as a string
    instance = read_instance(str(path))
    # then the mark is not part of the first line and the name is the stem
    assert instance == parse_instance(instance_text(), name="week_one")


def test_the_lowest_accepted_values():
    # given a one-day horizon, a day equal to the last of it, zero lengths and weights, and
    # the least consecutive shifts (1), the least and most minutes equal
    instance = parse_instance(
        instance_text(
            horizon=1,
            shifts="D,0,",
            staff="A,D=0,0,0,1,0,0,0",
            days_off="A,0",
            on="A,0,D,0",
            cover="0,D,0,0,0",
        )
    )
    # then they are read as they are
    assert instance.horizon == 1
    assert instance.staff[0].max_consecutive_shifts == 1
    assert instance.staff[0].days_off == frozenset({0})
    assert instance.on_requests == (Request("A", 0, "D", 0),)
    assert instance.cover == (Cover(0, "D", 0, 0, 0),)


STAFF_LINE = "A,D=7,3360,0,5,1,1,1"


@pytest.mark.parametrize(
    ("text", "line", "error"),
    [
        ("hello\nSECTION_HORIZON\n7", 1, "line 1: 'hello' comes before any SECTION_ line"),
        ("SECTION_HORIZON\nSECTION_FOO\n", 2, "line 2: unknown section 'SECTION_FOO'"),
        (
            "SECTION_HORIZON\n7\nSECTION_HORIZON\n",
            3,
            "line 3: section SECTION_HORIZON appears twice",
        ),
        (
            "SECTION_HORIZON\r7\rSECTION_HORIZON\r",
            3,
            "line 3: section SECTION_HORIZON appears twice",
        ),
        (
            "SECTION_HORIZON\r\n7\r\nSECTION_HORIZON\r\n",
            3,
            "line 3: section SECTION_HORIZON appears twice",
        ),
        ("SECTION_HORIZON\n7\nSECTION_SHIFTS\nD,480,\n", 0, "file: SECTION_STAFF is missing"),
        ("SECTION_SHIFTS\nD,480,\n", 0, "file: SECTION_HORIZON is missing"),
        ("SECTION_HORIZON\n7\nSECTION_STAFF\n" + STAFF_LINE, 0, "file: SECTION_SHIFTS is missing"),
        (
            "SECTION_HORIZON\nSECTION_SHIFTS\nD,480,",
            0,
            "file: SECTION_HORIZON holds exactly one number",
        ),
        ("SECTION_HORIZON\n7\n\n8\n9", 4, "line 4: SECTION_HORIZON holds exactly one number"),
    ],
)
def test_each_structural_refusal_in_full(text, line, error):
    with pytest.raises(RosteringFormatError) as raised:
        parse_instance(text)
    assert (raised.value.line, str(raised.value)) == (line, error)
    assert raised.value.field == (f"line {line}" if line else "file")


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"horizon": "x"}, "line 3: the horizon must be a whole number, not 'x'"),
        ({"horizon": "0"}, "line 3: the horizon must be at least 1, not 0"),
        ({"shifts": ""}, "file: SECTION_SHIFTS defines no shift"),
        (
            {"shifts": "D,480"},
            "line 6: SECTION_SHIFTS lines have 3 comma-separated fields, this one 2",
        ),
        ({"shifts": ",480,"}, "line 6: the shift ID is empty"),
        ({"shifts": "D,480,\nD,480,"}, "line 7: shift 'D' is defined twice"),
        ({"shifts": "D,x,"}, "line 6: the shift length must be a whole number, not 'x'"),
        ({"shifts": "D,-1,"}, "line 6: the shift length must be at least 0, not -1"),
        (
            {"shifts": "D,480,\nE,480,D|N"},
            "line 7: unknown shift 'N' in the cannot-follow list",
        ),
        (
            {"shifts": "E,480,L\nL,480,X", "staff": "A,,3360,0,5,1,1,1"},
            "line 7: unknown shift 'X' in the cannot-follow list",
        ),
        ({"staff": ""}, "file: SECTION_STAFF lists no employee"),
        (
            {"staff": "A,D=7"},
            "line 8: SECTION_STAFF lines have 8 comma-separated fields, this one 2",
        ),
        ({"staff": ",D=7,3360,0,5,1,1,1"}, "line 8: the employee ID is empty"),
        ({"staff": f"{STAFF_LINE}\n{STAFF_LINE}"}, "line 9: employee 'A' is listed twice"),
        ({"staff": "A,D3,3360,0,5,1,1,1"}, "line 8: 'D3' is not of the form ShiftID=Max"),
        ({"staff": "A,N=3,3360,0,5,1,1,1"}, "line 8: unknown shift 'N' in MaxShifts"),
        (
            {"staff": "A,D=x,3360,0,5,1,1,1"},
            "line 8: MaxShifts of D must be a whole number, not 'x'",
        ),
        ({"staff": "A,D=-1,3360,0,5,1,1,1"}, "line 8: MaxShifts of D must be at least 0, not -1"),
        (
            {"staff": "A,D=3=4,3360,0,5,1,1,1"},
            "line 8: MaxShifts of D must be a whole number, not '3=4'",
        ),
        (
            {"staff": "A,D=3,100,200,5,1,1,1"},
            "line 8: MinTotalMinutes 200 is above MaxTotalMinutes 100",
        ),
        ({"staff": "A,D=3,x,y,5,1,1,1"}, "line 8: MinTotalMinutes must be a whole number, not 'y'"),
        ({"staff": "A,D=3,x,0,5,1,1,1"}, "line 8: MaxTotalMinutes must be a whole number, not 'x'"),
        ({"staff": "A,D=3,100,-1,5,1,1,1"}, "line 8: MinTotalMinutes must be at least 0, not -1"),
        ({"staff": "A,D=3,-1,-2,5,1,1,1"}, "line 8: MinTotalMinutes must be at least 0, not -2"),
        (
            {"staff": "A,D=7,3360,0,0,1,1,1"},
            "line 8: MaxConsecutiveShifts must be at least 1, not 0",
        ),
        (
            {"staff": "A,D=7,3360,0,5,-1,1,1"},
            "line 8: MinConsecutiveShifts must be at least 0, not -1",
        ),
        (
            {"staff": "A,D=7,3360,0,5,1,-1,1"},
            "line 8: MinConsecutiveDaysOff must be at least 0, not -1",
        ),
        ({"staff": "A,D=7,3360,0,5,1,1,-1"}, "line 8: MaxWeekends must be at least 0, not -1"),
        ({"days_off": "Z,1"}, "line 10: unknown employee 'Z'"),
        ({"days_off": "A,7"}, "line 10: day 7 is outside the horizon 0..6"),
        ({"days_off": "A,x"}, "line 10: the day must be a whole number, not 'x'"),
        ({"days_off": "A,-1"}, "line 10: the day must be at least 0, not -1"),
        ({"on": "A,1,D"}, "line 12: request lines have 4 comma-separated fields, this one 3"),
        ({"on": "Z,1,D,1"}, "line 12: unknown employee 'Z'"),
        ({"on": "A,1,N,1"}, "line 12: unknown shift 'N'"),
        ({"on": "A,7,D,1"}, "line 12: day 7 is outside the horizon 0..6"),
        ({"on": "A,1,D,x"}, "line 12: the weight must be a whole number, not 'x'"),
        ({"off": "A,1,N,2"}, "line 14: unknown shift 'N'"),
        ({"off": "A,1,D,-2"}, "line 14: the weight must be at least 0, not -2"),
        (
            {"cover": "0,D,1,100"},
            "line 16: SECTION_COVER lines have 5 comma-separated fields, this one 4",
        ),
        ({"cover": "0,N,1,100,1"}, "line 16: unknown shift 'N'"),
        ({"cover": "7,D,1,100,1"}, "line 16: day 7 is outside the horizon 0..6"),
        ({"cover": "0,D,1,100,1\n0,D,2,100,1"}, "line 17: cover for day 0 shift D is given twice"),
        ({"cover": "0,D,one,100,1"}, "line 16: the requirement must be a whole number, not 'one'"),
        ({"cover": "0,D,1,x,1"}, "line 16: the under-cover weight must be a whole number, not 'x'"),
        ({"cover": "0,D,1,100,-1"}, "line 16: the over-cover weight must be at least 0, not -1"),
    ],
)
def test_each_line_refusal_in_full(change, error):
    # given an instance with one bad line; when it is read; then the refusal names it in full
    with pytest.raises(RosteringFormatError) as raised:
        parse_instance(instance_text(**change))
    assert str(raised.value) == error
    assert raised.value.line == (
        int(error.split(":")[0].removeprefix("line ")) if error.startswith("line") else 0
    )


# --- validator: one test per hard rule --------------------------------------------------------


def check(roster, **kwargs) -> list[str]:
    instance = parse_instance(instance_text(**kwargs))
    return [str(v) for v in validate_roster(instance, roster)]


def test_a_valid_roster_has_no_violation():
    assert check([week("DDD.DD.")], staff="A,D=7,3360,0,3,1,1,1") == []


def test_longest_run_of_working_days():
    found = check([week("DDDDDD.")], staff="A,D=7,3360,0,5,1,1,1")
    assert found == ["employee A works 6 days in a row from day 0, at most 5"]


def test_shortest_run_of_working_days_and_the_edge_exemption():
    staff = "A,D=7,3360,0,5,2,1,2"
    assert check([week("D.D.DD.")], staff=staff) == [
        "employee A works 1 days in a row from day 2, at least 2"
    ]
    assert check([week("D.DD..D")], staff=staff) == []  # runs on day 0 and day 6 are exempt


def test_shortest_run_of_days_off_and_the_edge_exemption():
    staff = "A,D=7,3360,0,5,1,2,2"
    assert check([week("DD.DD..")], staff=staff) == [
        "employee A has 1 days off in a row from day 2, at least 2"
    ]
    assert check([week(".DD..DD")], staff=staff) == []


def test_forbidden_succession():
    shifts = "E,480,\nL,480,E"
    staff = "A,,3360,0,5,1,1,1"
    assert check([week("LE.....")], shifts=shifts, staff=staff) == [
        "employee A works E on day 1 after L on day 0, which L forbids"
    ]
    assert check([week("EL.L.E.")], shifts=shifts, staff=staff) == []


def test_limit_per_shift_type():
    found = check([week("DDD....")], staff="A,D=2,3360,0,5,1,1,1")
    assert found == ["employee A works 3 D shifts, at most 2"]


def test_a_zero_limit_forbids_the_type():
    found = check([week("E.L....")], shifts="E,480,\nL,480,", staff="A,E=7|L=0,3360,0,5,1,1,1")
    assert found == ["employee A works 1 L shifts, at most 0"]


def test_most_total_minutes():
    assert check([week("DDDD.DD")], staff="A,D=7,2400,0,5,1,1,1") == [
        "employee A works 2880 minutes, at most 2400"
    ]


def test_least_total_minutes():
    assert check([week("D......")], staff="A,D=7,3360,960,5,1,1,1") == [
        "employee A works 480 minutes, at least 960"
    ]


def test_weekends_count_if_either_day_is_worked():
    staff = "A,D=14,9999,0,7,1,1,1"
    assert check([week("......D.....D.")], horizon=14, staff=staff) == [
        "employee A works 2 weekends, at most 1"
    ]
    assert check([week(".....D......D.")], horizon=14, staff=staff) == [
        "employee A works 2 weekends, at most 1"
    ]
    assert check([week("DDDDD..DDDDDD.")], horizon=14, staff=staff) == []


def test_listed_days_off():
    assert check([week(".D.....")], days_off="A,1") == [
        "employee A works D on day 1, a listed day off"
    ]


def test_shape_and_unknown_shifts():
    assert check([week("D......"), week("D......")]) == ["2 rows in the roster for 1 employees"]
    assert check([week("D.....")]) == ["employee A has 6 days in the roster, the horizon is 7"]
    assert check([week("X......")]) == ["employee A works an unknown shift 'X' on day 0"]


def test_every_violation_of_instance1_rules_is_reported_not_just_the_first():
    instance = read_instance(INSTANCE1)
    roster = [week("D" * 14) for _ in instance.staff]
    rules = {v.rule for v in validate_roster(instance, roster)}
    assert rules == {"max_consecutive", "max_minutes", "max_weekends", "day_off"}


# --- objective ------------------------------------------------------------------------------


def test_objective_matches_a_hand_computation():
    instance = parse_instance(
        instance_text(
            shifts="E,480,\nL,480,",
            staff="A,,9999,0,7,1,1,2\nB,,9999,0,7,1,1,2",
            on="A,0,E,3\nA,1,L,2\nB,2,E,7",
            off="A,0,E,5\nB,1,L,4",
            cover="0,E,2,100,1\n1,L,1,50,3\n2,E,0,10,2",
        )
    )
    roster = [week("EE....."), week("ELE....")]
    # on: A day 0 E granted (0), A day 1 L not granted (2), B day 2 E granted (0)
    # off: A day 0 E worked (5), B day 1 L worked (4)
    # cover: day 0 E 2 of 2 (0); day 1 L 1 of 1 (0); day 2 E 1 over 0 (1 x 2)
    assert roster_objective(instance, roster) == 2 + 5 + 4 + 2
    # and under-cover: nobody works
    empty = [week("......."), week(".......")]
    assert roster_objective(instance, empty) == (3 + 2 + 7) + 2 * 100 + 1 * 50


def test_the_model_objective_equals_the_benchmark_objective_for_any_roster():
    instance = read_instance(INSTANCE1)
    model = build_model(instance)
    rng = np.random.default_rng(3)
    for _ in range(20):
        roster = [[("D" if rng.random() < 0.6 else None) for _ in range(14)] for _ in range(8)]
        x = values_from_roster(instance, model, roster)
        assert roster_from_values(instance, model, x) == roster
        covered = {
            (c.day, c.shift): sum(1 for days in roster if days[c.day] == c.shift)
            for c in instance.cover
        }
        slack = sum(
            c.under_weight * max(c.requirement - covered[(c.day, c.shift)], 0)
            + c.over_weight * max(covered[(c.day, c.shift)] - c.requirement, 0)
            for c in instance.cover
        )
        model_value = float(model.col_cost[: model.x_count] @ x) + model.offset + slack
        assert model_value == pytest.approx(roster_objective(instance, roster))
        point = complete_point(model, x)
        assert point_objective(model, point) == pytest.approx(model_value)
        assert (point_violation(model, point) == 0) == (not validate_roster(instance, roster))


def test_neighbourhoods_free_whole_employees_or_whole_days():
    instance = read_instance(INSTANCE1)
    model = build_model(instance)
    rng = random.Random(1)
    staff = _neighbourhood(model, "staff", 1.0, rng)
    assert len(staff) == 3 * 14 and len(set(staff // 14)) == 3
    days = _neighbourhood(model, "days", 1.0, rng)
    assert len(days) == 8 * 6 and len(set(days % 14)) == 6


# --- the model, solved ----------------------------------------------------------------------


def brute_force(instance) -> int:
    """Best objective over every roster the validator accepts."""
    choices = [None, *(s.id for s in instance.shifts)]
    best = None
    n, h = len(instance.staff), instance.horizon
    for flat in itertools.product(choices, repeat=n * h):
        roster = [list(flat[e * h : (e + 1) * h]) for e in range(n)]
        if not validate_roster(instance, roster):
            value = roster_objective(instance, roster)
            best = value if best is None else min(best, value)
    assert best is not None
    return best


def mip_optimum(instance) -> tuple[float, list]:
    model = build_model(instance)
    highs = to_highs(model, integer=True, time_limit=30, extra_options={"mip_rel_gap": 0.0})
    highs.run()
    assert highs.modelStatusToString(highs.getModelStatus()) == "Optimal"
    roster = roster_from_values(instance, model, np.asarray(highs.getSolution().col_value))
    return highs.getInfo().objective_function_value, roster


TINY = [
    # one employee, at most 3 days in a row, an on-request and an off-request (hand: 20)
    dict(
        staff="A,D=7,9999,0,3,1,1,1",
        on="A,3,D,4",
        off="A,6,D,15",
        cover="\n".join(f"{d},D,1,10,1" for d in range(7)),
    ),
    # two shift types with a forbidden succession, minimum runs of two, a per-type limit
    dict(
        shifts="E,480,\nL,480,E",
        staff="A,E=3|L=4,9999,960,4,2,2,1",
        days_off="A,3",
        on="A,0,L,3\nA,1,E,2",
        cover="\n".join(f"{d},E,1,10,1\n{d},L,{d % 2},6,2" for d in range(7)),
    ),
    # two employees, weekends, minutes, minimum days off
    dict(
        staff="A,D=7,1920,960,5,2,2,0\nB,D=7,2880,0,3,1,2,1",
        on="B,5,D,9\nA,1,D,4",
        off="B,2,D,3",
        cover="\n".join(f"{d},D,{1 + d % 2},20,3" for d in range(7)),
    ),
]


@pytest.mark.parametrize("case", TINY)
def test_mip_optimum_equals_the_brute_force_optimum(case):
    instance = parse_instance(instance_text(**case))
    value, roster = mip_optimum(instance)
    assert validate_roster(instance, roster) == []
    assert round(value) == roster_objective(instance, roster) == brute_force(instance)


def test_the_first_tiny_instance_by_hand():
    # Off on day 6 (the off-request costs more than one missing person), then at most three in
    # a row: one more day off in 0..3, best day 2 (keeps the on-request on day 3): 2 x 10.
    instance = parse_instance(instance_text(**TINY[0]))
    value, roster = mip_optimum(instance)
    assert round(value) == 20 and roster == [week("DD.DDD.")]


@pytest.mark.solver
def test_instance1_to_its_proven_optimum():
    instance = read_instance(INSTANCE1)
    result = solve_roster(instance, time_limit=30, seed=0)
    assert result.roster is not None
    assert validate_roster(instance, result.roster) == []
    assert roster_objective(instance, result.roster) == 607
    assert result.lower_bound == 607 and result.status == "Optimal"
    assert result.lp_bound <= 607


@pytest.mark.solver
def test_the_search_is_repeatable_for_a_seed():
    instance = parse_instance(instance_text(**TINY[2]))
    first = solve_roster(instance, time_limit=20, seed=4)
    second = solve_roster(instance, time_limit=20, seed=4)
    assert first.roster == second.roster and first.objective == second.objective


def model_accepts(instance, model, roster) -> bool:
    """Whether the model has a point with x fixed to the roster (an LP: x is fixed)."""
    x = values_from_roster(instance, model, roster)
    lower = model.col_lower.copy()
    upper = model.col_upper.copy()
    if np.any(x > upper[: model.x_count]):
        return False
    lower[: model.x_count] = x
    upper[: model.x_count] = x
    highs = to_highs(model, integer=False, time_limit=5, col_lower=lower, col_upper=upper)
    highs.run()
    return highs.modelStatusToString(highs.getModelStatus()) == "Optimal"


@pytest.mark.parametrize(
    "case",
    [
        dict(staff="A,D=7,2400,960,3,2,2,1"),
        dict(staff="A,D=4,9999,0,4,3,1,0", days_off="A,2"),
        dict(shifts="E,480,\nL,600,E", staff="A,E=7|L=2,3000,0,5,2,1,1"),
    ],
)
def test_the_model_accepts_exactly_the_rosters_the_validator_accepts(case):
    instance = parse_instance(instance_text(**case))
    model = build_model(instance)
    choices = [None, *(s.id for s in instance.shifts)]
    accepted = 0
    for days in itertools.product(choices, repeat=7):
        roster = [list(days)]
        valid = not validate_roster(instance, roster)
        accepted += valid
        assert model_accepts(instance, model, roster) == valid, (days, valid)
        point = complete_point(model, values_from_roster(instance, model, roster))
        assert (point_violation(model, point) < 1e-9) == valid, (days, valid)
    assert 0 < accepted < len(choices) ** 7


def agrees_with_the_validator(instance, rosters) -> None:
    """Each roster: the model has a point for it (LP with x fixed) and its completed point breaks
    no row exactly when the validator accepts it."""
    model = build_model(instance)
    for roster in rosters:
        valid = not validate_roster(instance, roster)
        assert model_accepts(instance, model, roster) == valid, (roster, valid)
        point = complete_point(model, values_from_roster(instance, model, roster))
        assert (point_violation(model, point) < 1e-9) == valid, (roster, valid)


def test_the_model_forbids_a_type_with_a_zero_limit_and_bounds_a_limit_of_one():
    # given E at most once, L never, N not listed (no limit but the horizon)
    instance = parse_instance(
        instance_text(shifts="E,480,\nL,480,\nN,480,", staff="A,E=1|L=0,9999,0,7,1,1,1")
    )
    # then the model takes exactly the rosters the validator takes
    rosters = ["E......", "EE.....", "L......", ".....L.", "NNNNNNN", "E.NNN.N", "EN....E"]
    agrees_with_the_validator(instance, [[week(r)] for r in rosters])
    # and a worked L breaks its column's upper bound by one shift
    model = build_model(instance)
    point = complete_point(model, values_from_roster(instance, model, [week(".L.....")]))
    assert point_violation(model, point) == 1.0


def test_the_model_counts_each_employees_weekends_over_two_weeks():
    # given two employees with at most one weekend each over two weeks (Saturdays 5 and 12)
    staff = "A,D=14,9999,0,14,1,1,1\nB,D=14,9999,0,14,1,1,1"
    instance = parse_instance(instance_text(horizon=14, staff=staff))
    model = build_model(instance)
    assert [days for _e, days in model.weekend_days] == [(5, 6), (12, 13)] * 2
    # then a weekend is worked by its Saturday or its Sunday, Friday and Monday do not count
    rows = {
        "one weekend each": ["....DD........", ".......DDDDDDD"],
        "A twice": [".....D......D.", ".............."],
        "A on both Sundays": ["......D......D", ".............."],
        "B twice": ["..............", "......D.....D."],
        "Fridays and Mondays": ["....D..D...D..", "....D..D....D."],
        "B's second weekend on a Saturday": ["DDDDD..DDDDD..", "............D."],
    }
    rosters = [[week(a), week(b)] for a, b in rows.values()]
    agrees_with_the_validator(instance, rosters)
    assert [not validate_roster(instance, r) for r in rosters] == [
        True,
        False,
        False,
        False,
        True,
        True,
    ]


def test_a_horizon_ending_on_a_saturday_has_no_row_for_the_sunday_after_it():
    # given 13 days (the last a Saturday), A with no weekend at all, B without a limit
    staff = "A,D=13,9999,0,13,1,1,0\nB,D=13,9999,0,13,1,1,1"
    instance = parse_instance(instance_text(horizon=13, staff=staff))
    model = build_model(instance)
    assert model.weekend_days == ((0, (5, 6)), (0, (12,)), (1, (5, 6)), (1, (12,)))
    # then B on day 0 is not A's Sunday past the horizon, and A's last Saturday counts
    rosters = [
        [week("DDDD........."), week("D.....D......")],
        [week("............D"), week("D............")],
        [week("...........D."), week("............D")],
    ]
    agrees_with_the_validator(instance, rosters)


def test_an_excess_on_a_covered_day_is_the_over_slack_and_costs_its_weight():
    # given two cover cells and three people on day 0 (one needed) and one on day 1 (two)
    instance = parse_instance(
        instance_text(
            staff="\n".join(f"{name},D=7,3360,0,5,1,1,1" for name in "ABC"),
            cover="0,D,1,100,7\n1,D,2,50,3",
        )
    )
    model = build_model(instance)
    roster = [week("DD....."), week("D......"), week("D......")]
    point = complete_point(model, values_from_roster(instance, model, roster))
    # then the slacks are the excess and the shortfall, and the point is feasible
    assert point[model.x_count :].tolist() == [0.0, 2.0, 1.0, 0.0]
    assert point_violation(model, point) == 0.0
    assert point_objective(model, point) == roster_objective(instance, roster) == 2 * 7 + 50


def test_an_on_and_an_off_request_on_the_same_cell_both_count():
    # given A asked to work day 1 (4) and not to work it (3), and not to work day 2 twice
    instance = parse_instance(instance_text(on="A,1,D,4", off="A,1,D,3\nA,2,D,2\nA,2,D,5"))
    model = build_model(instance)
    for roster in ([week(".DD....")], [week(".......")], [week(".D.....")]):
        point = complete_point(model, values_from_roster(instance, model, roster))
        # then the model's objective is the benchmark's
        assert point_objective(model, point) == roster_objective(instance, roster)
    assert model.offset == 4.0


def test_the_run_rows_are_tight_in_the_lp_relaxation():
    # given one employee, runs of at least two shifts and two days off, no other binding row
    instance = parse_instance(instance_text(staff="A,D=7,9999,0,7,2,2,1"))
    model = build_model(instance)
    # then half a day worked before a run's start, or half a day of the run, leaves the run
    # short by half; half a day off between two worked ones leaves the days off short by half
    for x in ([0.5, 1, 0, 0, 0, 0, 0], [0, 1, 0.5, 0, 0, 0, 0], [1, 0.5, 1, 1, 1, 1, 1]):
        assert point_violation(model, np.asarray(x, dtype=float)) == 0.5, x


def test_a_point_below_a_column_bound_is_a_violation():
    # given shifts of no minutes, so only the column bound can be broken
    instance = parse_instance(instance_text(shifts="D,0,"))
    model = build_model(instance)
    point = np.zeros(model.num_col)
    point[3] = -0.25
    # then the violation is the amount below zero
    assert point_violation(model, point) == 0.25


def test_to_highs_hands_over_the_model_and_every_option():
    # given a model with an offset (an on-request), a weekend column and two cover slacks
    instance = parse_instance(
        instance_text(staff="A,D=7,3360,0,5,1,1,0", on="A,1,D,4", cover="0,D,1,100,1")
    )
    model = build_model(instance)
    lower, upper = model.col_lower.copy(), model.col_upper.copy()
    lower[0], upper[1] = 1.0, 0.0
    # when it is handed over with every option set
    highs = to_highs(
        model,
        integer=True,
        time_limit=7,
        threads=2,
        seed=3,
        log=True,
        col_lower=lower,
        col_upper=upper,
        extra_options={"mip_rel_gap": 0.25},
    )
    lp = highs.getLp()
    # then HiGHS holds the model, the fixings, the offset, the integer x and every option
    assert (lp.num_col_, lp.num_row_) == (model.num_col, model.num_row) == (10, lp.num_row_)
    assert list(lp.col_cost_) == model.col_cost.tolist()
    assert (list(lp.col_lower_), list(lp.col_upper_)) == (lower.tolist(), upper.tolist())
    assert lp.offset_ == model.offset == 4.0
    kinds = [highspy.HighsVarType.kInteger] * 7 + [highspy.HighsVarType.kContinuous] * 3
    assert list(lp.integrality_) == kinds
    options = ("time_limit", "threads", "random_seed", "output_flag", "mip_rel_gap")
    assert [highs.getOptionValue(name)[1] for name in options] == [7.0, 2, 3, True, 0.25]
    # and the defaults: one thread, seed 0, silent, the model's own bounds, continuous columns
    highs = to_highs(model, integer=False, time_limit=5)
    lp = highs.getLp()
    assert [highs.getOptionValue(name)[1] for name in options[:4]] == [5.0, 1, 0, False]
    assert list(lp.col_upper_) == model.col_upper.tolist() and len(lp.integrality_) == 0


# --- the aimed neighbourhoods ---------------------------------------------------------------


def aimed_case():
    """Four employees, one shift type, a week; cover of two a day but nobody works day 3."""
    text = instance_text(
        staff="\n".join(f"{name},D=7,3360,0,5,1,1,1" for name in "ABCD"),
        on="B,1,D,5",
        off="C,2,D,7",
        cover="\n".join(f"{d},D,2,100,1" for d in range(7)),
    )
    instance = parse_instance(text)
    model = build_model(instance)
    roster = [
        week("DD....."),  # A
        week("D......"),  # B: not on day 1 (an unhonoured on-request, 5)
        week("DDD...."),  # C: works day 2 (an unhonoured off-request, 7)
        week("DD....."),  # D
    ]
    point = complete_point(model, values_from_roster(instance, model, roster))
    return instance, model, roster, point


def test_cell_and_request_costs_read_the_incumbent():
    _instance, model, _roster, point = aimed_case()
    # day 0: four people (two extra, 1 each); day 1: three (one extra); day 2: one (one
    # missing, 100); days 3-6: nobody (two missing each, 200).
    assert cell_costs(model, point).tolist() == [2, 1, 100, 200, 200, 200, 200]
    assert request_costs(model, point).tolist() == [0, 5, 7, 0]


def test_cover_neighbourhoods_free_people_who_can_fix_a_costly_cell():
    _instance, model, _roster, point = aimed_case()
    for seed in range(20):
        rng = random.Random(seed)
        block = _neighbourhood(model, "cover", 0.5, rng, point)
        days = sorted(set((block // model.n_shifts) % model.n_days))
        staff = sorted(set(block // (model.n_days * model.n_shifts)))
        assert len(staff) == 2 and days == list(range(days[0], days[0] + 5))
        # the cells that cost something lie on days 2-6 (a shortfall) or 0-1 (an excess)
        assert days
        whole = _neighbourhood(model, "cover_staff", 1.0, random.Random(seed), point)
        assert len(whole) == 3 * 7 and len(set(whole // 7)) == 3


def test_a_cover_block_contains_the_drawn_cells_day():
    instance = parse_instance(
        instance_text(
            staff="\n".join(f"{name},D=7,3360,0,5,1,1,1" for name in "ABCDEF"),
            cover="\n".join(f"{d},D,{2 if d == 4 else 0},100,1" for d in range(7)),
        )
    )
    model = build_model(instance)
    roster = [week(".......")] * 6  # only day 4 costs: two missing
    point = complete_point(model, values_from_roster(instance, model, roster))
    for seed in range(30):
        block = _neighbourhood(model, "cover", 0.3, random.Random(seed), point)
        days = set((block // model.n_shifts) % model.n_days)
        assert 4 in days and len(days) == 3


def test_requests_neighbourhood_frees_the_employees_whose_wishes_are_unmet():
    _instance, model, _roster, point = aimed_case()
    for seed in range(20):
        free = _neighbourhood(model, "requests", 0.5, random.Random(seed), point)
        staff = set(free // 7)
        assert len(free) == 2 * 7 and staff & {1, 2}


def test_aimed_neighbourhoods_fall_back_to_random_ones_without_costs():
    instance = parse_instance(
        instance_text(
            staff="\n".join(f"{name},D=7,3360,0,5,1,1,1" for name in "ABCD"),
            cover="\n".join(f"{d},D,0,100,1" for d in range(7)),
        )
    )
    model = build_model(instance)
    point = complete_point(model, np.zeros(model.x_count))
    for kind in ("cover", "cover_staff", "requests"):
        free = _neighbourhood(model, kind, 1.0, random.Random(0), point)
        assert len(free) == 3 * 7  # three whole employees, the "staff" kind


def test_kind_scores_and_sizes_adapt():
    assert _score(1.0, True) == 2.0 and _score(1.0, False) < 1.0
    assert _score(8.0, True) == 8.0 and _score(0.3, False) == 0.3
    assert _resize(1.0, True) > 1.0 > _resize(1.0, False)
    rng = random.Random(0)
    drawn = [_pick({"a": 8.0, "b": 0.3}, rng) for _ in range(200)]
    assert drawn.count("a") > 150 and "b" in drawn


def test_a_cover_pair_frees_days_around_two_costly_cells():
    instance = parse_instance(
        instance_text(
            horizon=14,
            staff="\n".join(f"{name},D=14,9999,0,7,1,1,2" for name in "ABCDEF"),
            cover="\n".join(f"{d},D,{2 if d in (1, 12) else 0},100,1" for d in range(14)),
        )
    )
    model = build_model(instance)
    point = complete_point(model, np.zeros(model.x_count))  # only days 1 and 12 cost
    seen = set()
    for seed in range(30):
        block = _neighbourhood(model, "cover_pair", 0.5, random.Random(seed), point)
        days = set((block // model.n_shifts) % model.n_days)
        assert days & {1, 12} and len(set(block // (14 * model.n_shifts))) == 2
        seen.add((1 in days, 12 in days))
    assert (True, True) in seen


def test_fixers_of_a_shortfall_prefer_people_with_minutes_to_spare():
    # A and B may each work day 3; A is at the most minutes (3 x 480), B is not.
    instance = parse_instance(
        instance_text(
            staff="A,D=7,1440,0,5,1,1,1\nB,D=7,3360,0,5,1,1,1\nC,D=7,3360,0,5,1,1,1",
            cover="\n".join(f"{d},D,{2 if d == 3 else 0},100,1" for d in range(7)),
        )
    )
    model = build_model(instance)
    roster = [week("DDD...."), week("D......"), week("...D...")]
    point = complete_point(model, values_from_roster(instance, model, roster))
    day3 = next(c for c, cell in enumerate(model.cover_cells) if cell[0] == 3)
    assert _fixers(model, point, day3) == [1]  # C works it already; A has no minutes left
    roster[1] = week("DDD.DDD")  # six shifts: B has room for one more (seven), A still none
    point = complete_point(model, values_from_roster(instance, model, roster))
    assert _fixers(model, point, day3) == [1]
    roster[0] = week("DD.....")  # two shifts: A has room for a third
    point = complete_point(model, values_from_roster(instance, model, roster))
    assert _fixers(model, point, day3) == [0, 1]  # both have room now
    # an excess on day 0: those working it (both can drop a shift: no minimum minutes)
    day0 = next(c for c, cell in enumerate(model.cover_cells) if cell[0] == 0)
    assert _fixers(model, point, day0) == [0, 1]


def rules_of(roster, **kwargs) -> list[tuple[str, str]]:
    instance = parse_instance(instance_text(**kwargs))
    return [(v.rule, v.employee) for v in validate_roster(instance, roster)]


@pytest.mark.parametrize(
    ("roster", "kwargs", "expected"),
    [
        ([week("D......"), week("D......")], {}, [("shape", "")]),
        ([week("D.....")], {}, [("shape", "A")]),
        ([week("X......")], {}, [("shape", "A")]),
        ([week("D.D.DD.")], {"staff": "A,D=7,3360,0,5,2,1,2"}, [("min_consecutive", "A")]),
        ([week("DD.DD..")], {"staff": "A,D=7,3360,0,5,1,2,2"}, [("min_days_off", "A")]),
        (
            [week("LE.....")],
            {"shifts": "E,480,\nL,480,E", "staff": "A,,3360,0,5,1,1,1"},
            [("succession", "A")],
        ),
        ([week("DDD....")], {"staff": "A,D=2,3360,0,5,1,1,1"}, [("max_shifts", "A")]),
        ([week("D......")], {"staff": "A,D=7,3360,960,5,1,1,1"}, [("min_minutes", "A")]),
    ],
)
def test_each_violation_names_its_rule_and_employee(roster, kwargs, expected):
    # the rule and the employee are what the result page groups by
    assert rules_of(roster, **kwargs) == expected


def test_a_badly_shaped_row_does_not_hide_the_next_employee():
    # given A's row a day short and B's with an unknown shift, then a limit broken by C
    staff = "A,D=7,3360,0,5,1,1,1\nB,D=7,3360,0,5,1,1,1\nC,D=2,3360,0,5,1,1,1"
    found = rules_of([week("D....."), week("X......"), week("DDD....")], staff=staff)
    # then all three are reported
    assert found == [("shape", "A"), ("shape", "B"), ("max_shifts", "C")]


def test_a_horizon_ending_on_a_saturday_counts_that_weekend():
    staff = "A,D=14,9999,0,7,1,1,1"
    # day 5 is a Saturday, day 12 the next; a horizon of 13 days ends on it
    assert rules_of([week("D" + "." * 4 + "D" + "." * 6 + "D")], horizon=13, staff=staff) == [
        ("max_weekends", "A")
    ]
    # the same horizon with its last Saturday off: that weekend is not worked (and nothing
    # past the horizon is read)
    assert rules_of([week("D" + "." * 4 + "D" + "." * 7)], horizon=13, staff=staff) == []
