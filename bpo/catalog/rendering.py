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
from collections.abc import Mapping

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
