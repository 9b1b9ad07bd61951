"""The readable diff between two versions (pure data, then from real versions)."""

from __future__ import annotations

import pytest

from bpo.catalog import diff
from bpo.catalog.diff import SectionContent, VariableContent, VersionContent
from tests.catalog.script_helpers import make_script, make_version


@pytest.fixture
def script_a(in_client_a):
    return make_script()


def _version(number, sections, variables=(), summary="Summary"):
    return VersionContent(
        id=number,
        number=number,
        status="draft",
        change_summary=summary,
        sections=tuple(SectionContent(title, body) for title, body in sections),
        variables=tuple(VariableContent(name, "", sample) for name, sample in variables),
    )


def test_identical_versions():
    a = _version(1, [("Greeting", "Hi")], [("name", "Jane")])
    result = diff.diff_versions(a, _version(2, [("Greeting", "Hi")], [("name", "Jane")]))
    assert result.is_identical
    assert [s.status for s in result.sections] == ["unchanged"]
    assert not result.is_change_summary_changed


def test_sections_added_removed_and_changed_line_by_line():
    before = _version(
        1,
        [("Greeting", "Hello.\nWelcome."), ("Discovery", "What happened?"), ("Closing", "Bye.")],
    )
    after = _version(
        2,
        [
            ("Greeting", "Hello.\nThanks for calling."),
            ("Verification", "Your id?"),
            ("Closing", "Bye."),
        ],
        summary="New verification",
    )
    result = diff.diff_versions(before, after)
    # Verification takes Discovery's place by position: a renamed, changed section
    assert [(s.title_before, s.title_after, s.status) for s in result.sections] == [
        ("Greeting", "Greeting", "changed"),
        ("Discovery", "Verification", "changed"),
        ("Closing", "Closing", "unchanged"),
    ]
    greeting = result.sections[0]
    assert [
        (line.kind, line.text, line.before_line, line.after_line) for line in greeting.lines
    ] == [
        ("unchanged", "Hello.", 1, 1),
        ("removed", "Welcome.", 2, None),
        ("added", "Thanks for calling.", None, 2),
    ]
    assert result.sections[1].is_renamed
    assert result.is_change_summary_changed


def test_sections_are_matched_by_title_before_position():
    before = _version(1, [("Greeting", "Hi"), ("Closing", "Bye")])
    after = _version(2, [("Closing", "Bye"), ("Greeting", "Hi"), ("Extra", "More")])
    result = diff.diff_versions(before, after)
    assert [(s.title, s.status, s.position_before, s.position_after) for s in result.sections] == [
        ("Closing", "unchanged", 2, 1),
        ("Greeting", "unchanged", 1, 2),
        ("Extra", "added", None, 3),
    ]
    assert result.sections[0].is_moved
    assert not result.is_identical  # the order changed


def test_removed_sections_show_where_they_stood():
    before = _version(1, [("Greeting", "Hi"), ("Discovery", "Why?"), ("Closing", "Bye")])
    after = _version(2, [("Greeting", "Hi"), ("Closing", "Bye")])
    result = diff.diff_versions(before, after)
    assert [(s.title, s.status) for s in result.sections] == [
        ("Greeting", "unchanged"),
        ("Discovery", "removed"),
        ("Closing", "unchanged"),
    ]
    assert [line.kind for line in result.sections[1].lines] == ["removed"]


def test_variables_added_removed_changed():
    before = _version(1, [("G", "x")], [("name", "Jane"), ("old", "1")])
    after = _version(2, [("G", "x")], [("name", "John"), ("new", "2")])
    result = diff.diff_versions(before, after)
    assert [(v.name, v.status) for v in result.variables] == [
        ("name", "changed"),
        ("new", "added"),
        ("old", "removed"),
    ]


@pytest.mark.django_db
def test_diff_of_real_versions_as_json(script_a):
    # given
    first = make_version(script=script_a, status="published")
    second = make_version(
        script=script_a,
        sections=[
            ("Greeting", "Hello {{customer_name}}!"),
            ("Verification", "May I have your order number?"),
        ],
        variables=[("customer_name", "Jane Doe"), ("order_id", "42")],
        change_summary="Warmer greeting",
    )
    # when
    data = diff.diff_versions(diff.content_of(first), diff.content_of(second)).as_dict()
    # then
    assert data["before"] == {"id": first.pk, "number": 1, "status": "published"}
    assert data["after"] == {"id": second.pk, "number": 2, "status": "draft"}
    assert data["change_summary"] == {
        "before": "First version",
        "after": "Warmer greeting",
        "is_changed": True,
    }
    assert [s["status"] for s in data["sections"]] == ["changed", "unchanged"]
    assert data["sections"][0]["lines"] == [
        {
            "kind": "removed",
            "text": "Hello {{customer_name}}, thank you for calling.",
            "before_line": 1,
            "after_line": None,
        },
        {"kind": "added", "text": "Hello {{customer_name}}!", "before_line": None, "after_line": 1},
    ]
    assert data["variables"][1] == {
        "name": "order_id",
        "status": "added",
        "before": None,
        "after": {"name": "order_id", "description": "", "sample_value": "42"},
    }


# --- word by word --------------------------------------------------------------------------------


def _words(pieces):
    return [(piece.kind, piece.text) for piece in pieces]


def test_a_changed_line_shows_which_words_changed():
    # when one word of a line is replaced
    removed, added = diff.diff_words("Thank you for calling.", "Thank you for waiting.")
    # then each side names the word, the rest is unchanged
    assert _words(removed) == [
        ("unchanged", "Thank you for "),
        ("removed", "calling"),
        ("unchanged", "."),
    ]
    assert _words(added) == [
        ("unchanged", "Thank you for "),
        ("added", "waiting"),
        ("unchanged", "."),
    ]


def test_a_space_between_two_changes_belongs_to_the_change():
    removed, added = diff.diff_words("Say thank you now", "Say welcome now")
    assert _words(removed) == [
        ("unchanged", "Say "),
        ("removed", "thank you"),
        ("unchanged", " now"),
    ]
    assert _words(added) == [("unchanged", "Say "), ("added", "welcome"), ("unchanged", " now")]


def test_words_only_added_or_only_removed():
    removed, added = diff.diff_words("Hello.", "Hello there.")
    assert _words(removed) == [("unchanged", "Hello.")]
    assert _words(added) == [("unchanged", "Hello"), ("added", " there"), ("unchanged", ".")]


def test_changed_lines_are_paired_with_their_replacement_and_carry_the_words():
    # given a block where one line is reworded and another replaced by something unrelated
    before = "Hello.\nThank you for calling.\nPress one."
    after = "Hello.\nThank you for waiting.\nOur office is closed today."
    # when
    lines = diff.diff_lines(before, after)
    # then the reworded line is paired (words on both sides), the unrelated one is not
    assert [(line.kind, line.text, bool(line.words)) for line in lines] == [
        ("unchanged", "Hello.", False),
        ("removed", "Thank you for calling.", True),
        ("removed", "Press one.", False),
        ("added", "Thank you for waiting.", True),
        ("added", "Our office is closed today.", False),
    ]
    assert ("removed", "calling") in _words(lines[1].words)
    assert ("added", "waiting") in _words(lines[3].words)


def test_lines_too_different_are_not_paired():
    assert diff.similarity("May I have your order number?", "Bye") < diff.WORD_DIFF_CUTOFF
    lines = diff.diff_lines("May I have your order number?", "Bye")
    assert [(line.kind, line.words) for line in lines] == [("removed", ()), ("added", ())]


def test_the_api_body_has_no_words():
    before = _version(1, [("Greeting", "Thank you for calling.")])
    after = _version(2, [("Greeting", "Thank you for waiting.")])
    data = diff.diff_versions(before, after).as_dict()
    assert [set(line) for line in data["sections"][0]["lines"]] == [
        {"kind", "text", "before_line", "after_line"}
    ] * 2
