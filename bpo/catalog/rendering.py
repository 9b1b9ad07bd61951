"""Script bodies (Markdown with ``{{variables}}``) to safe HTML.

The Markdown is rendered with the ``markdown`` package, then every variable is put in (its
sample value, HTML-escaped, or a highlighted placeholder), and only then is the whole result
sanitised with ``nh3`` against a fixed allow-list: no script or style, no event-handler
attributes, links only to http(s), mailto and tel. Sanitising last means nothing a body or a
sample value holds can reach the page unchecked.
"""

from __future__ import annotations

import html
import re
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import markdown
import nh3

# ``{{name}}``, spaces inside the braces allowed (``{{ name }}``).
VARIABLE_REFERENCE = re.compile(r"\{\{\s*([^{}]*?)\s*\}\}")
VARIABLE_NAME = re.compile(r"^[a-z][a-z0-9_]*$")

MARKDOWN_EXTENSIONS = ["tables", "fenced_code", "sane_lists", "nl2br"]

ALLOWED_TAGS = {
    "a",
    "abbr",
    "b",
    "blockquote",
    "br",
    "code",
    "dd",
    "del",
    "dl",
    "dt",
    "em",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "ins",
    "li",
    "mark",
    "ol",
    "p",
    "pre",
    "s",
    "span",
    "strong",
    "sub",
    "sup",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "u",
    "ul",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "ol": {"start"},
    "span": {"data-variable"},
    "td": {"align"},
    "th": {"align"},
}
ALLOWED_CLASSES = {"span": {"script-variable", "script-placeholder"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto", "tel"}

_TAG = re.compile(r"(<[^>]*>)")


def variable_names_in(text: str) -> list[str]:
    """The names a body refers to, in order of first use, each once (as written, even when
    they are not valid names: validation reports those)."""
    names: list[str] = []
    for match in VARIABLE_REFERENCE.finditer(text):
        if match.group(1) not in names:
            names.append(match.group(1))
    return names


def sanitise(fragment: str) -> str:
    return nh3.clean(
        fragment,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        allowed_classes=ALLOWED_CLASSES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )


def render_body(text: str, *, samples: Mapping[str, str] | None = None) -> str:
    """One body as sanitised HTML.

    With ``samples`` each variable shows its sample value (a variable without one shows as a
    placeholder); without, every variable shows as a highlighted ``{{name}}`` placeholder.
    """
    # Variables become inert tokens while the Markdown is rendered, so a sample value is never
    # read as Markdown and a body cannot smuggle markup through a variable's name.
    nonce = secrets.token_hex(6)
    found: list[str] = []

    def tokenise(match: re.Match) -> str:
        found.append(match.group(1))
        return f"bpovar{nonce}x{len(found) - 1}x"

    rendered = markdown.markdown(
        VARIABLE_REFERENCE.sub(tokenise, text),
        extensions=MARKDOWN_EXTENSIONS,
        output_format="html",
    )
    token = re.compile(rf"bpovar{nonce}x(\d+)x")

    def in_text(match: re.Match) -> str:
        name = found[int(match.group(1))]
        escaped_name = html.escape(name)
        if samples is not None and name in samples:
            return (
                f'<span class="script-variable" data-variable="{escaped_name}">'
                f"{html.escape(samples[name])}</span>"
            )
        return (
            f'<span class="script-placeholder" data-variable="{escaped_name}">'
            f"{{{{{escaped_name}}}}}</span>"
        )

    def in_tag(match: re.Match) -> str:
        # Inside a tag (e.g. a link's address) only plain escaped text fits.
        name = found[int(match.group(1))]
        value = samples.get(name) if samples is not None else None
        return html.escape(value if value is not None else "{{" + name + "}}", quote=True)

    pieces = _TAG.split(rendered)
    for index, piece in enumerate(pieces):
        substitute = in_tag if index % 2 else in_text
        pieces[index] = token.sub(substitute, piece)
    return sanitise("".join(pieces))


def render_sections(
    sections, *, samples: Mapping[str, str] | None = None
) -> list[dict[str, str | int]]:
    """``[{"position", "title", "html"}]`` for sections (objects with position, title, body)."""
    return [
        {
            "position": section.position,
            "title": section.title,
            "html": render_body(section.body, samples=samples),
        }
        for section in sections
    ]


# --- what saving takes out -----------------------------------------------------------------------
#
# Rendering sanitises anyway; saving also takes out of the Markdown what sanitising would drop,
# so the stored text is what agents see and the author can be told what went. The checks are
# the allow-lists above, applied to the raw HTML in the Markdown (not inside code, which
# Markdown shows as text).

# Fenced code blocks and inline code spans: left alone.
_CODE = re.compile(
    r"^[ ]{0,3}(?P<fence>`{3,}|~{3,})[^\n]*\n.*?(?:^[ ]{0,3}(?P=fence)[ \t]*$|\Z)"
    r"|(?P<ticks>`+)(?!`).+?(?<!`)(?P=ticks)(?!`)",
    re.MULTILINE | re.DOTALL,
)
# Elements dropped with what they hold (nh3 drops their content too).
_WITH_CONTENT = re.compile(
    r"<(?P<name>script|style)\b[^>]*>.*?(?:</(?P=name)\s*>|\Z)", re.IGNORECASE | re.DOTALL
)
_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.DOTALL)
_RAW_TAG = re.compile(
    r"<(?P<closing>/?)(?P<name>[A-Za-z][A-Za-z0-9-]*)(?P<attributes>\s[^<>]*)?/?>"
)
_ATTRIBUTE = re.compile(
    r"(?P<name>[^\s=/>\"']+)(?:\s*=\s*(?P<value>\"[^\"]*\"|'[^']*'|[^\s\"'=<>`]+))?"
)
_SCHEME = re.compile(r"^\s*([A-Za-z][A-Za-z0-9+.-]*):")


@dataclass(frozen=True)
class StrippedText:
    text: str
    removed: tuple[str, ...]  # what was taken out, in words, each once, in order of first use


def _unquoted(value: str | None) -> str:
    if value and value[0] in "\"'" and value[-1] == value[0]:
        return value[1:-1]
    return value or ""


def _attribute_refusal(tag: str, name: str, value: str) -> str | None:
    """Why sanitising would drop this attribute, in words (``None``: it stays)."""
    if name == "class" and tag in ALLOWED_CLASSES:
        if set(value.split()) <= ALLOWED_CLASSES[tag]:
            return None
        return f"the class attribute of <{tag}>"
    if name not in ALLOWED_ATTRIBUTES.get(tag, set()):
        return f"the {name} attribute of <{tag}>"
    scheme = _SCHEME.match(html.unescape(value))
    if name == "href" and scheme and scheme.group(1).lower() not in ALLOWED_URL_SCHEMES:
        return f"a {scheme.group(1).lower()}: link"
    return None


def _strip_prose(text: str, removed: list[str]) -> str:
    def drop_with_content(match: re.Match) -> str:
        removed.append(f"a <{match.group('name').lower()}> element")
        return ""

    def drop_comment(match: re.Match) -> str:
        removed.append("an HTML comment")
        return ""

    def check_tag(match: re.Match) -> str:
        name = match.group("name").lower()
        if name not in ALLOWED_TAGS:
            if not match.group("closing"):
                removed.append(f"the <{name}> tag")
            return ""
        attributes = match.group("attributes") or ""
        kept = []
        changed = False
        for attribute in _ATTRIBUTE.finditer(attributes):
            refusal = _attribute_refusal(
                name, attribute.group("name").lower(), _unquoted(attribute.group("value"))
            )
            if refusal is None:
                kept.append(attribute.group(0))
            else:
                removed.append(refusal)
                changed = True
        if not changed:
            return match.group(0)
        closing = "/" if match.group("closing") else ""
        self_closing = "/" if match.group(0).endswith("/>") else ""
        return f"<{closing}{match.group('name')}{''.join(' ' + a for a in kept)}{self_closing}>"

    while True:  # "<scr<script></script>ipt>" is a script element once the inner one is out
        shorter = _WITH_CONTENT.sub(drop_with_content, text)
        if shorter == text:
            break
        text = shorter
    text = _COMMENT.sub(drop_comment, text)
    return _RAW_TAG.sub(check_tag, text)


def strip_unsafe_markup(text: str) -> StrippedText:
    """The Markdown without the raw HTML that rendering would drop (script and style elements
    with their content, comments, tags outside the allow-list, event handlers and other
    attributes outside it, links to other schemes), and what that was."""
    removed: list[str] = []
    current = text
    # Taking something out can join what was around it into a new tag: repeat until stable.
    for _ in range(5):
        pieces: list[str] = []
        position = 0
        for code in _CODE.finditer(current):
            pieces.append(_strip_prose(current[position : code.start()], removed))
            pieces.append(code.group(0))
            position = code.end()
        pieces.append(_strip_prose(current[position:], removed))
        stripped = "".join(pieces)
        if stripped == current:
            break
        current = stripped
    return StrippedText(text=current, removed=tuple(dict.fromkeys(removed)))


def _listed(items: Sequence[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def unsafe_markup_warnings(sections: Sequence[Mapping[str, str]]) -> list[str]:
    """One sentence per section (``{"title", "body"}``) whose body held markup that saving
    takes out, e.g. “Section “Greeting”: removed a <script> element. ...”."""
    warnings = []
    for index, section in enumerate(sections, start=1):
        removed = strip_unsafe_markup(str(section.get("body") or "")).removed
        if not removed:
            continue
        title = str(section.get("title") or "").strip()
        name = f"“{title}”" if title else str(index)
        warnings.append(
            f"Section {name}: removed {_listed(removed)} (a script may not run code or change "
            "the page); the rest was saved."
        )
    return warnings
