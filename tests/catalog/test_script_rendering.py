"""Script bodies to HTML: Markdown, variables, and sanitisation against XSS attempts."""

from __future__ import annotations

import pytest

from bpo.catalog.rendering import (
    render_body,
    strip_unsafe_markup,
    unsafe_markup_warnings,
    variable_names_in,
)

SAMPLES = {"customer_name": "Jane Doe", "account_id": "AC-1001"}


def test_markdown_is_rendered():
    html = render_body(
        "**Thank you** for calling.\n\n- one\n- two\n\n| a | b |\n|---|---|\n| 1 | 2 |"
    )
    assert "<strong>Thank you</strong>" in html
    assert "<ul>\n<li>one</li>" in html
    assert "<td>1</td>" in html


def test_variables_show_their_sample_values():
    html = render_body(
        "Hello {{customer_name}}, your account is {{ account_id }}.", samples=SAMPLES
    )
    assert html == (
        '<p>Hello <span class="script-variable" data-variable="customer_name">Jane Doe</span>, '
        'your account is <span class="script-variable" data-variable="account_id">AC-1001</span>.'
        "</p>"
    )


def test_without_samples_variables_are_highlighted_placeholders():
    html = render_body("Hello **{{customer_name}}**")
    assert html == (
        '<p>Hello <strong><span class="script-placeholder" data-variable="customer_name">'
        "{{customer_name}}</span></strong></p>"
    )


def test_a_variable_without_a_sample_stays_a_placeholder():
    assert 'class="script-placeholder"' in render_body("Hi {{other}}", samples=SAMPLES)


def test_sample_values_are_escaped_and_never_read_as_markdown():
    html = render_body(
        "Hi {{customer_name}}", samples={"customer_name": "<script>alert(1)</script> **x**"}
    )
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; **x**" in html


def test_a_sample_value_in_a_link_cannot_become_javascript():
    html = render_body("[Open]({{url}})", samples={"url": "javascript:alert(1)"})
    assert "javascript:" not in html
    assert ">Open</a>" in html


@pytest.mark.parametrize(
    ("body", "forbidden"),
    [
        ("<script>alert('x')</script>Hi", ["<script", "alert("]),
        ("<style>body{display:none}</style>Hi", ["<style", "display:none"]),
        ("<img src=x onerror=alert(1)>", ["<img", "onerror"]),
        ('<a href="#" onclick="steal()">x</a>', ["onclick", "steal"]),
        ("[click](javascript:alert(1))", ["javascript:"]),
        ('<a href="JaVaScRiPt:alert(1)">x</a>', ["avascript", "alert"]),
        ('<a href="data:text/html;base64,PHNjcmlwdD4=">x</a>', ["data:"]),
        ('<iframe src="https://evil.example"></iframe>', ["<iframe", "evil"]),
        ('<p style="position:fixed">x</p>', ["style="]),
        ('<svg onload="alert(1)"><circle/></svg>', ["<svg", "onload"]),
        ('<form action="https://evil.example"><input name=p></form>', ["<form", "<input"]),
        ("{{customer_name}}<script>x</script>", ["<script"]),
        ('<span class="x" onmouseover="alert(1)">y</span>', ["onmouseover", 'class="x"']),
    ],
)
def test_xss_attempts_are_sanitised(body, forbidden):
    html = render_body(body, samples=SAMPLES).lower()
    for piece in forbidden:
        assert piece.lower() not in html, html


def test_safe_links_are_kept_with_a_safe_rel():
    html = render_body("[Help](https://help.example/returns) or [mail](mailto:help@x.example)")
    assert (
        '<a href="https://help.example/returns" rel="noopener noreferrer nofollow">Help</a>' in html
    )
    assert 'href="mailto:help@x.example"' in html


def test_variable_names_in_order_of_first_use():
    assert variable_names_in("{{b}} {{ a }} {{b}} {{Bad Name}}") == ["b", "a", "Bad Name"]


# --- what saving takes out -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "stored", "removed"),
    [
        ("Hi <script>alert(1)</script>there", "Hi there", ("a <script> element",)),
        ('<b onclick="steal()">Bold</b>', "<b>Bold</b>", ("the onclick attribute of <b>",)),
        (
            '<a href="javascript:alert(1)">x</a> <a href="https://e.example" title="t">ok</a>',
            '<a>x</a> <a href="https://e.example" title="t">ok</a>',
            ("a javascript: link",),
        ),
        ("<iframe src=x></iframe>Hi<!-- note -->", "Hi", ("an HTML comment", "the <iframe> tag")),
        ("<p style='color:red'>Hi</p>", "<p>Hi</p>", ("the style attribute of <p>",)),
        ("<img src=x onerror=alert(1)>Hi", "Hi", ("the <img> tag",)),
        # what stays: allowed markup, code (shown as text), autolinks, a lone "<"
        ("**Hi** <b>there</b> <mark>now</mark>", "**Hi** <b>there</b> <mark>now</mark>", ()),
        ("Type `<script>` here", "Type `<script>` here", ()),
        ("```\n<script>x</script>\n```", "```\n<script>x</script>\n```", ()),
        ("a < b, <https://e.example>", "a < b, <https://e.example>", ()),
    ],
)
def test_saving_takes_out_what_rendering_would_drop(body, stored, removed):
    result = strip_unsafe_markup(body)
    assert (result.text, result.removed) == (stored, removed)
    # the stored text renders as the original did: nothing agents saw is lost
    assert render_body(result.text).strip() == render_body(body).strip()


def test_a_script_element_hidden_in_another_goes_whole():
    # rendering would show "<script>alert(1)" as text; saving takes it out altogether
    result = strip_unsafe_markup("<scr<script>x</script>ipt>alert(1)</script>")
    assert (result.text, result.removed) == ("", ("a <script> element",))


def test_the_warning_names_the_section_and_what_went():
    sections = [
        {"title": "Greeting", "body": "Hi"},
        {
            "title": "Closing",
            "body": '<b onclick="x()">Bye</b><script>1</script><script>2</script>',
        },
    ]
    assert unsafe_markup_warnings(sections) == [
        "Section “Closing”: removed a <script> element and the onclick attribute of <b> "
        "(a script may not run code or change the page); the rest was saved."
    ]
    assert unsafe_markup_warnings([{"title": "", "body": "<u>ok</u>"}]) == []
