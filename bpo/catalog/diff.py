"""A readable difference between two versions of one script.

Sections are matched by title (ignoring case and surrounding spaces), then the ones left over
by position, so a renamed section reads as "changed" rather than as one removed and one added.
Bodies are compared line by line with :mod:`difflib`; a removed line and the added line that
replaced it (when they are alike enough) are then compared word by word, so a page can show which
words changed. Variables are compared by name; the change summaries side by side. The result is
plain data: pages render it, the API returns it as JSON (lines only, without the words).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import asdict, dataclass, field


@dataclass(frozen=True)
class SectionContent:
    title: str
    body: str


@dataclass(frozen=True)
class VariableContent:
    name: str
    description: str
    sample_value: str


@dataclass(frozen=True)
class VersionContent:
    id: int
    number: int
    status: str
    change_summary: str
    sections: tuple[SectionContent, ...]
    variables: tuple[VariableContent, ...]


def content_of(version) -> VersionContent:
    """A ``ScriptVersion``'s content (uses ``sections.all()`` and ``variables.all()``, so
    prefetched rows are reused)."""
    return VersionContent(
        id=version.pk,
        number=version.number,
        status=version.status,
        change_summary=version.change_summary,
        sections=tuple(
            SectionContent(title=s.title, body=s.body)
            for s in sorted(version.sections.all(), key=lambda s: s.position)
        ),
        variables=tuple(
            VariableContent(name=v.name, description=v.description, sample_value=v.sample_value)
            for v in sorted(version.variables.all(), key=lambda v: v.name)
        ),
    )


# --- the result ----------------------------------------------------------------------------


@dataclass(frozen=True)
class WordChange:
    kind: str  # "unchanged", "added" or "removed"
    text: str


@dataclass(frozen=True)
class LineChange:
    kind: str  # "unchanged", "added" or "removed"
    text: str
    before_line: int | None  # 1-based line numbers in each body
    after_line: int | None
    # For a removed line and the added line that replaced it: the line in pieces, each
    # unchanged or changed (removed words on the removed line, added ones on the added line).
    # Empty for a line without a counterpart.
    words: tuple[WordChange, ...] = ()


@dataclass(frozen=True)
class SectionChange:
    status: str  # "added", "removed", "changed" or "unchanged"
    title_before: str | None
    title_after: str | None
    position_before: int | None  # 1-based
    position_after: int | None
    lines: list[LineChange] = field(default_factory=list)

    @property
    def title(self) -> str:
        return self.title_after if self.title_after is not None else self.title_before or ""

    @property
    def is_renamed(self) -> bool:
        return (
            self.title_before is not None
            and self.title_after is not None
            and self.title_before != self.title_after
        )

    @property
    def is_moved(self) -> bool:
        return (
            self.position_before is not None
            and self.position_after is not None
            and self.position_before != self.position_after
        )


@dataclass(frozen=True)
class VariableChange:
    name: str
    status: str  # "added", "removed", "changed" or "unchanged"
    before: VariableContent | None
    after: VariableContent | None


@dataclass(frozen=True)
class VersionDiff:
    before: VersionContent
    after: VersionContent
    sections: list[SectionChange]
    variables: list[VariableChange]

    @property
    def is_change_summary_changed(self) -> bool:
        return self.before.change_summary != self.after.change_summary

    @property
    def is_identical(self) -> bool:
        return all(s.status == "unchanged" and not s.is_moved for s in self.sections) and all(
            v.status == "unchanged" for v in self.variables
        )

    def as_dict(self) -> dict:
        """The API's JSON body (see ``ScriptVersionDiffSerializer``)."""

        def version(content: VersionContent) -> dict:
            return {"id": content.id, "number": content.number, "status": content.status}

        def variable(content: VariableContent | None) -> dict | None:
            return None if content is None else asdict(content)

        return {
            "before": version(self.before),
            "after": version(self.after),
            "is_identical": self.is_identical,
            "change_summary": {
                "before": self.before.change_summary,
                "after": self.after.change_summary,
                "is_changed": self.is_change_summary_changed,
            },
            "sections": [
                {
                    "status": s.status,
                    "title": {"before": s.title_before, "after": s.title_after},
                    "position": {"before": s.position_before, "after": s.position_after},
                    "lines": [
                        {
                            "kind": line.kind,
                            "text": line.text,
                            "before_line": line.before_line,
                            "after_line": line.after_line,
                        }
                        for line in s.lines
                    ],
                }
                for s in self.sections
            ],
            "variables": [
                {
                    "name": v.name,
                    "status": v.status,
                    "before": variable(v.before),
                    "after": variable(v.after),
                }
                for v in self.variables
            ],
        }


# --- computing it ----------------------------------------------------------------------------


def _key(title: str) -> str:
    return title.strip().casefold()


def match_sections(
    before: tuple[SectionContent, ...], after: tuple[SectionContent, ...]
) -> dict[int, int]:
    """``{after index: before index}``: by title first, then unmatched ones by position."""
    matches: dict[int, int] = {}
    before_by_title: dict[str, int] = {}
    for index, section in enumerate(before):
        before_by_title.setdefault(_key(section.title), index)
    for index, section in enumerate(after):
        candidate = before_by_title.get(_key(section.title))
        if candidate is not None and candidate not in matches.values():
            matches[index] = candidate
    used = set(matches.values())
    for index in range(len(after)):
        if index not in matches and index < len(before) and index not in used:
            matches[index] = index
            used.add(index)
    return matches


# Words, runs of spaces and single punctuation marks: "Hello, you" -> "Hello" "," " " "you".
_TOKEN = re.compile(r"\w+|\s+|[^\w\s]")
# A removed and an added line are "the same line, changed" from this similarity (0-1) of
# their words; below it they are shown as one line removed and another added.
WORD_DIFF_CUTOFF = 0.5


def _tokens(text: str) -> list[str]:
    return _TOKEN.findall(text)


def _pieces(kind: str, tokens: list[str]) -> list[WordChange]:
    return [WordChange(kind, "".join(tokens))] if tokens else []


def _merged(pieces: list[WordChange]) -> tuple[WordChange, ...]:
    merged: list[WordChange] = []
    for piece in pieces:
        if merged and merged[-1].kind == piece.kind:
            merged[-1] = WordChange(piece.kind, merged[-1].text + piece.text)
        else:
            merged.append(piece)
    return tuple(merged)


def diff_words(before: str, after: str) -> tuple[tuple[WordChange, ...], tuple[WordChange, ...]]:
    """The two lines in pieces: ``before``'s unchanged and removed words, ``after``'s unchanged
    and added ones. A space alone between two changes counts as changed, so "thank you"
    replaced by "welcome" reads as one change, not two."""
    old, new = _tokens(before), _tokens(after)
    opcodes = difflib.SequenceMatcher(a=old, b=new, autojunk=False).get_opcodes()
    removed: list[WordChange] = []
    added: list[WordChange] = []
    for index, (tag, i1, i2, j1, j2) in enumerate(opcodes):
        between_changes = 0 < index < len(opcodes) - 1
        if tag == "equal" and not (between_changes and "".join(old[i1:i2]).isspace()):
            removed += _pieces("unchanged", old[i1:i2])
            added += _pieces("unchanged", new[j1:j2])
            continue
        removed += _pieces("removed", old[i1:i2])
        added += _pieces("added", new[j1:j2])
    return _merged(removed), _merged(added)


def similarity(before: str, after: str) -> float:
    """How alike two lines are, word by word (1 the same, 0 nothing in common)."""
    return difflib.SequenceMatcher(a=_tokens(before), b=_tokens(after), autojunk=False).ratio()


def _pairs(old: list[str], new: list[str]) -> dict[int, int]:
    """``{old index: new index}`` for lines of a replaced block that are one line changed: in
    order, each removed line with the first following added line alike enough."""
    pairs: dict[int, int] = {}
    start = 0
    for i, text in enumerate(old):
        for j in range(start, len(new)):
            if similarity(text, new[j]) >= WORD_DIFF_CUTOFF:
                pairs[i] = j
                start = j + 1
                break
    return pairs


def diff_lines(before: str, after: str) -> list[LineChange]:
    old, new = before.splitlines(), after.splitlines()
    lines: list[LineChange] = []
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            lines.extend(
                LineChange("unchanged", old[i], i + 1, j + 1)
                for i, j in zip(range(i1, i2), range(j1, j2), strict=True)
            )
            continue
        removed_words: dict[int, tuple[WordChange, ...]] = {}
        added_words: dict[int, tuple[WordChange, ...]] = {}
        for i, j in _pairs(old[i1:i2], new[j1:j2]).items():
            removed_words[i], added_words[j] = diff_words(old[i1 + i], new[j1 + j])
        lines.extend(
            LineChange("removed", old[i], i + 1, None, removed_words.get(i - i1, ()))
            for i in range(i1, i2)
        )
        lines.extend(
            LineChange("added", new[j], None, j + 1, added_words.get(j - j1, ()))
            for j in range(j1, j2)
        )
    return lines


def _section_change(
    before: SectionContent | None,
    after: SectionContent | None,
    position_before: int | None,
    position_after: int | None,
) -> SectionChange:
    if before is None:
        assert after is not None
        status = "added"
    elif after is None:
        status = "removed"
    elif before == after:
        status = "unchanged"
    else:
        status = "changed"
    return SectionChange(
        status=status,
        title_before=before.title if before else None,
        title_after=after.title if after else None,
        position_before=position_before,
        position_after=position_after,
        lines=diff_lines(before.body if before else "", after.body if after else ""),
    )


def diff_versions(before: VersionContent, after: VersionContent) -> VersionDiff:
    """What changed from ``before`` to ``after`` (either may be the older one)."""
    matches = match_sections(before.sections, after.sections)
    matched_before = set(matches.values())
    sections: list[SectionChange] = []
    emitted_removed: set[int] = set()

    def emit_removed_up_to(limit: int) -> None:
        # Removed sections appear where they stood, before the next section that was kept.
        for index in range(limit):
            if index not in matched_before and index not in emitted_removed:
                emitted_removed.add(index)
                sections.append(_section_change(before.sections[index], None, index + 1, None))

    for index, section in enumerate(after.sections):
        origin = matches.get(index)
        if origin is None:
            sections.append(_section_change(None, section, None, index + 1))
            continue
        emit_removed_up_to(origin)
        sections.append(_section_change(before.sections[origin], section, origin + 1, index + 1))
    emit_removed_up_to(len(before.sections))

    old_variables = {v.name: v for v in before.variables}
    new_variables = {v.name: v for v in after.variables}
    variables = []
    for name in sorted(old_variables.keys() | new_variables.keys()):
        old, new = old_variables.get(name), new_variables.get(name)
        if old is None:
            status = "added"
        elif new is None:
            status = "removed"
        else:
            status = "unchanged" if old == new else "changed"
        variables.append(VariableChange(name=name, status=status, before=old, after=new))
    return VersionDiff(before=before, after=after, sections=sections, variables=variables)
