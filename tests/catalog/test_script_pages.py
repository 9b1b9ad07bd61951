"""The script pages: every role x action, buttons per role and status, the draft form with
inline errors, the diff page, the agents' view, the version's history, query counts."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bpo.accounts.roles import Role
from bpo.catalog.models import Script, ScriptVersion
from bpo.catalog.services import scripts as services
from tests.catalog.factories import ServiceLineFactory
from tests.catalog.script_helpers import (
    ALL_ROLES,
    DRAFT_READERS,
    PROPOSERS,
    PUBLISHERS,
    READERS,
    RETIRERS,
    REVIEWERS,
    make_script,
    make_version,
    user_with_role,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def script_a(in_client_a):
    return make_script()


def _url(name: str, client, line_id: int, version_id: int | None = None) -> str:
    args = [client.slug, line_id] + ([version_id] if version_id is not None else [])
    return reverse(f"client:{name}", args=args)


def _text(response) -> str:
    return response.content.decode()


def _row(html: str, row_id: str) -> str:
    """The HTML of one formset row (up to the next row or the end of its list)."""
    start = html.index(f'id="{row_id}"')
    end = html.find('class="formset-row', start + 1)
    return html[start : end if end != -1 else len(html)]


# --- role x action -------------------------------------------------------------------------------

# page: (status of the version, method, route, data, allowed roles, status after success)
PAGES = {
    "script tab": ("published", "get", "script", None, READERS, None),
    "published version": ("published", "get", "script_version", None, READERS, None),
    "draft version": ("draft", "get", "script_version", None, DRAFT_READERS, None),
    "agent view": ("published", "get", "script_agent_view", None, READERS, None),
    "diff": ("draft", "get", "script_diff", None, DRAFT_READERS, None),
    "new draft form": ("published", "get", "script_version_create", None, PROPOSERS, None),
    "edit form": ("draft", "get", "script_version_edit", None, PROPOSERS, None),
    "section row": ("draft", "get", "script_section_row", None, PROPOSERS, None),
    "submit": ("draft", "post", "script_version_submit", {}, PROPOSERS, "in_review"),
    "approve": ("in_review", "post", "script_version_approve", {}, REVIEWERS, "approved"),
    "return": (
        "in_review",
        "post",
        "script_version_return",
        {"comment": "Shorter please"},
        REVIEWERS,
        "draft",
    ),
    "publish": ("approved", "post", "script_version_publish", {}, PUBLISHERS, "published"),
    "retire": ("published", "post", "script_version_retire", {}, RETIRERS, "retired"),
    "delete": ("draft", "post", "script_version_delete", {}, PROPOSERS, "deleted"),
}
LINE_ROUTES = {"script", "script_agent_view", "script_diff", "script_version_create"}
LINE_ROUTES |= {"script_section_row"}


@pytest.mark.parametrize("role", ALL_ROLES)
@pytest.mark.parametrize("page", PAGES)
def test_role_x_action_matrix(client, script_a, client_a, role, page):
    # given
    status, method, route, data, allowed, after = PAGES[page]
    published = make_version(script=script_a, status="published")
    version = published if status == "published" else make_version(script=script_a, status=status)
    line_id = script_a.service_line_id
    url = _url(route, client_a, line_id, None if route in LINE_ROUTES else version.pk)
    client.force_login(user_with_role(role, client_a))
    # when
    response = getattr(client, method)(url, data)
    # then
    connection.set_tenant(client_a)
    if role not in allowed:
        expected = 404 if role == Role.AGENT and page == "draft version" else 403
        assert response.status_code == expected
        assert ScriptVersion.objects.get(pk=version.pk).status == status
        return
    if method == "get":
        assert response.status_code == 200
        return
    assert response.status_code == 302
    if after == "deleted":
        assert not ScriptVersion.objects.filter(pk=version.pk).exists()
    else:
        assert ScriptVersion.objects.get(pk=version.pk).status == after


# --- what each role is offered -------------------------------------------------------------------

BUTTONS_BY_STATUS = {
    "draft": {"submit": PROPOSERS, "delete": PROPOSERS},
    "in_review": {"approve": REVIEWERS, "return": REVIEWERS},
    "approved": {"publish": PUBLISHERS},
    "published": {"retire": RETIRERS},
    "retired": {},
}


@pytest.mark.parametrize("role", sorted(DRAFT_READERS))
@pytest.mark.parametrize("status", BUTTONS_BY_STATUS)
def test_version_page_offers_the_steps_the_role_may_take(client, script_a, client_a, role, status):
    # given
    version = make_version(script=script_a, status=status)
    client.force_login(user_with_role(role, client_a))
    # when
    html = _text(client.get(_url("script_version", client_a, script_a.service_line_id, version.pk)))
    # then exactly the allowed steps are offered
    offered = set(re.findall(r'data-action="(\w+)"', html))
    expected = {name for name, roles in BUTTONS_BY_STATUS[status].items() if role in roles}
    assert offered == expected
    assert ("Edit draft" in html) == (status == "draft" and role in PROPOSERS)


def test_agents_see_only_the_published_version_on_the_script_tab(
    client, script_a, client_a, agent_a
):
    # given
    make_version(script=script_a, status="retired", change_summary="Old words")
    make_version(script=script_a, status="published", change_summary="Live words")
    make_version(script=script_a, status="in_review", change_summary="Secret new words")
    client.force_login(agent_a)
    # when
    html = _text(client.get(_url("script", client_a, script_a.service_line_id)))
    # then
    assert "Live words" in html
    assert "Secret new words" not in html and "Old words" not in html
    assert "Agent view" in html
    assert "New draft" not in html


def test_the_script_tab_highlights_the_published_version(
    client, script_a, client_a, account_manager
):
    make_version(script=script_a, status="retired")
    published = make_version(script=script_a, status="published")
    make_version(script=script_a)
    client.force_login(account_manager)
    html = _text(client.get(_url("script", client_a, script_a.service_line_id)))
    assert f'class="is-published" id="version-{published.number}"' in html
    assert html.count('class="is-published"') == 1
    assert "Version 2 is published: agents read it." in html
    assert 'aria-current="page">Script</a>' in html


@pytest.mark.parametrize(
    ("role", "offered"), [(Role.CLIENT_ADMIN, True), (Role.CLIENT_VIEWER, False)]
)
def test_a_line_without_script_offers_to_create_it(client, in_client_a, client_a, role, offered):
    line = ServiceLineFactory(name="Chat")
    client.force_login(user_with_role(role, client_a))
    html = _text(client.get(_url("script", client_a, line.pk)))
    assert "Chat has no script yet." in html
    assert ("Create the script" in html) == offered


# --- writing drafts ------------------------------------------------------------------------------


def _form_data(summary="Warmer greeting", sections=(), variables=(), title=None, **extra):
    data = {
        "change_summary": summary,
        "sections-TOTAL_FORMS": str(len(sections)),
        "sections-INITIAL_FORMS": "0",
        "variables-TOTAL_FORMS": str(len(variables)),
        "variables-INITIAL_FORMS": "0",
        **extra,
    }
    if title is not None:
        data["title"] = title
    for index, (section_title, body) in enumerate(sections):
        data[f"sections-{index}-title"] = section_title
        data[f"sections-{index}-body"] = body
        data[f"sections-{index}-ORDER"] = str(index + 1)
    for index, (name, sample) in enumerate(variables):
        data[f"variables-{index}-name"] = name
        data[f"variables-{index}-sample_value"] = sample
    return data


def test_create_the_script_and_its_first_draft(client, in_client_a, client_a, client_a_admin):
    # given a line without a script
    line = ServiceLineFactory(name="Chat")
    client.force_login(client_a_admin)
    url = _url("script_version_create", client_a, line.pk)
    form = _text(client.get(url))
    assert 'name="title"' in form and 'value="Chat script"' in form
    # when
    response = client.post(
        url,
        _form_data(
            title="Chat script",
            sections=[("Greeting", "Hi {{customer_name}}"), ("Closing", "Bye")],
            variables=[("customer_name", "Jane")],
        ),
    )
    # then
    assert response.status_code == 302
    connection.set_tenant(client_a)
    version = ScriptVersion.objects.get(script__service_line=line)
    assert response.url == _url("script_version", client_a, line.pk, version.pk)
    assert version.script.title == "Chat script"
    assert [s.title for s in version.sections.all()] == ["Greeting", "Closing"]


def test_the_undeclared_variable_error_shows_on_the_sections_body(
    client, script_a, client_a, account_manager
):
    # given
    client.force_login(account_manager)
    url = _url("script_version_create", client_a, script_a.service_line_id)
    # when the second section uses an undeclared variable and the first has no body
    response = client.post(
        url,
        _form_data(
            summary="",
            sections=[("Greeting", ""), ("Verification", "Your id {{account_id}}?")],
        ),
    )
    # then each error is next to its own field
    assert response.status_code == 400
    html = _text(response)
    verification = _row(html, "sections-1-row")
    assert "Undeclared variable {{account_id}} in section “Verification”." in verification
    assert 'id="id_sections-1-body-errors"' in verification
    assert "Section “Greeting” needs a body." in _row(html, "sections-0-row")
    assert "Undeclared variable" not in _row(html, "sections-0-row")
    assert re.search(r'id="field-change_summary".*?Say what changed in this version\.', html, re.S)
    # and the typed text is kept
    assert "Your id {{account_id}}?" in verification
    connection.set_tenant(client_a)
    assert not ScriptVersion.objects.exists()


def test_a_form_without_sections_says_so(client, script_a, client_a, account_manager):
    client.force_login(account_manager)
    response = client.post(
        _url("script_version_create", client_a, script_a.service_line_id),
        _form_data(sections=[("", "")]),
    )
    assert response.status_code == 400
    assert re.search(
        r'id="content-errors".*A version needs at least one section\.', _text(response)
    )


def test_variable_errors_show_on_the_variable(client, script_a, client_a, account_manager):
    client.force_login(account_manager)
    response = client.post(
        _url("script_version_create", client_a, script_a.service_line_id),
        _form_data(sections=[("Greeting", "Hi")], variables=[("Customer Name", "")]),
    )
    html = _row(_text(response), "variables-0-row")
    assert "“Customer Name” is not a valid variable name" in html
    assert "Give a sample value; agents see it in the preview." in html


def test_a_new_draft_based_on_the_published_version_is_prefilled(
    client, script_a, client_a, account_manager
):
    # given
    published = make_version(script=script_a, status="published")
    client.force_login(account_manager)
    url = _url("script_version_create", client_a, script_a.service_line_id)
    # when
    html = _text(client.get(url + f"?based_on={published.pk}"))
    # then
    assert "New draft from version 1" in html
    assert 'value="Greeting"' in html and 'value="customer_name"' in html
    assert f'name="based_on" value="{published.pk}"' in html
    # when it is saved with a change
    data = _form_data(
        summary="Shorter",
        sections=[("Greeting", "Hi {{customer_name}}")],
        variables=[("customer_name", "Jane")],
        based_on=str(published.pk),
    )
    assert client.post(url, data).status_code == 302
    # then it is a new draft; the published version is untouched
    connection.set_tenant(client_a)
    draft = ScriptVersion.objects.get(script=script_a, number=2)
    assert (draft.status, draft.based_on_id) == ("draft", published.pk)
    assert published.sections.count() == 2


def test_edit_a_draft_removing_and_reordering_sections(client, script_a, client_a, client_a_admin):
    # given
    draft = make_version(
        script=script_a,
        sections=[("Greeting", "Hi"), ("Discovery", "Why?"), ("Closing", "Bye {{customer_name}}")],
    )
    client.force_login(client_a_admin)
    url = _url("script_version_edit", client_a, script_a.service_line_id, draft.pk)
    assert 'value="Discovery"' in _text(client.get(url))
    data = _form_data(
        summary="Reordered",
        sections=[("Greeting", "Hi"), ("Discovery", "Why?"), ("Closing", "Bye {{customer_name}}")],
        variables=[("customer_name", "Jane")],
    )
    data.update(
        {
            "sections-INITIAL_FORMS": "3",
            "variables-INITIAL_FORMS": "1",
            "sections-1-DELETE": "on",
            "sections-2-ORDER": "0",
        }
    )
    # when
    response = client.post(url, data)
    # then Closing comes first, Discovery is gone
    assert response.status_code == 302
    connection.set_tenant(client_a)
    assert [s.title for s in draft.sections.order_by("position")] == ["Closing", "Greeting"]
    draft.refresh_from_db()
    assert draft.change_summary == "Reordered"


def test_the_author_is_told_what_saving_took_out(client, script_a, client_a, client_a_admin):
    # given a draft
    draft = make_version(script=script_a)
    client.force_login(client_a_admin)
    url = _url("script_version_edit", client_a, script_a.service_line_id, draft.pk)
    data = _form_data(
        summary="Sneaky",
        sections=[("Greeting", "Hello {{customer_name}}<script>alert(1)</script>")],
        variables=[("customer_name", "Jane")],
    )
    data.update({"sections-INITIAL_FORMS": "2", "variables-INITIAL_FORMS": "1"})
    # when it is saved
    response = client.post(url, data, follow=True)
    # then the page says, in words, which section lost what
    assert response.status_code == 200
    html = _text(response)
    assert (
        '<li class="msg-warning">Section “Greeting”: removed a &lt;script&gt; element (a script '
        "may not run code or change the page); the rest was saved.</li>"
    ) in html
    # and the stored text is the sanitised one
    connection.set_tenant(client_a)
    assert [s.body for s in draft.sections.all()] == ["Hello {{customer_name}}"]


def test_only_drafts_open_in_the_editor(client, script_a, client_a, account_manager):
    version = make_version(script=script_a, status="published")
    client.force_login(account_manager)
    url = _url("script_version_edit", client_a, script_a.service_line_id, version.pk)
    response = client.get(url, follow=True)
    assert response.redirect_chain[-1][0] == _url(
        "script_version", client_a, script_a.service_line_id, version.pk
    )
    assert "Only a draft can be edited; this one is published. Edits make a new draft." in _text(
        response
    )


def test_adding_a_row_without_javascript(client, script_a, client_a, account_manager):
    client.force_login(account_manager)
    data = _form_data(sections=[("Greeting", "Hi")], add_sections="1")
    response = client.post(_url("script_version_create", client_a, script_a.service_line_id), data)
    html = _text(response)
    assert response.status_code == 200
    assert 'name="sections-TOTAL_FORMS" value="2"' in html
    assert 'name="sections-1-title"' in html
    connection.set_tenant(client_a)
    assert not ScriptVersion.objects.exists()


def test_adding_a_row_with_htmx(client, script_a, client_a, account_manager):
    client.force_login(account_manager)
    url = _url("script_section_row", client_a, script_a.service_line_id)
    html = _text(client.get(url, {"sections-TOTAL_FORMS": "2"}, HTTP_HX_REQUEST="true"))
    assert 'name="sections-2-title"' in html and 'name="sections-2-body"' in html
    assert (
        '<input type="hidden" name="sections-TOTAL_FORMS" value="3" id="id_sections-TOTAL_FORMS" '
        'hx-swap-oob="true">'
    ) in html
    url = _url("script_variable_row", client_a, script_a.service_line_id)
    html = _text(client.get(url, {"variables-TOTAL_FORMS": "0"}, HTTP_HX_REQUEST="true"))
    assert 'name="variables-0-name"' in html


# --- review -------------------------------------------------------------------------------------


def test_sending_back_needs_a_comment_shown_next_to_the_field(
    client, script_a, client_a, client_a_admin
):
    version = make_version(script=script_a, status="in_review")
    client.force_login(client_a_admin)
    url = _url("script_version_return", client_a, script_a.service_line_id, version.pk)
    response = client.post(url, {"comment": " "})
    assert response.status_code == 400
    assert re.search(
        r'id="field-comment".*Say what needs to change before the version can be approved\.',
        _text(response),
        re.S,
    )
    response = client.post(url, {"comment": "Verify the postcode too."}, follow=True)
    html = _text(response)
    assert "Sent back with comments" in html and "Verify the postcode too." in html
    connection.set_tenant(client_a)
    assert ScriptVersion.objects.get(pk=version.pk).status == "draft"


def test_a_refused_step_shows_the_reason(client, script_a, client_a, account_manager):
    version = make_version(script=script_a, status="in_review")
    client.force_login(account_manager)
    url = _url("script_version_publish", client_a, script_a.service_line_id, version.pk)
    response = client.post(url, follow=True)
    assert "Only an approved version can be published; this one is in review." in _text(response)


def test_publish_asks_for_confirmation_naming_the_version_it_replaces(
    client, script_a, client_a, client_a_admin
):
    make_version(script=script_a, status="published")
    approved = make_version(script=script_a, status="approved")
    client.force_login(client_a_admin)
    html = _text(
        client.get(_url("script_version", client_a, script_a.service_line_id, approved.pk))
    )
    assert (
        "onsubmit=\"return confirm('Publish version 2? Agents will see it at once. "
        "Version 1 will be retired.')\""
    ) in html


# --- the version page ---------------------------------------------------------------------------


def test_version_page_renders_sections_variables_and_history(
    client, script_a, client_a, account_manager, client_a_admin
):
    # given a version written and submitted through the services
    version = services.create_script_version(
        script=script_a,
        change_summary="First",
        sections=[{"title": "Greeting", "body": "Hi **{{customer_name}}**<script>x()</script>"}],
        variables=[
            {"name": "customer_name", "sample_value": "Jane Doe"},
            {"name": "order_id", "sample_value": "42"},
        ],
        actor=account_manager,
    )
    services.submit_script_version(version=version, actor=account_manager)
    client.force_login(client_a_admin)
    url = _url("script_version", client_a, script_a.service_line_id, version.pk)
    # when
    html = _text(client.get(url))
    # then
    assert (
        '<span class="script-placeholder" data-variable="customer_name">{{customer_name}}</span>'
        in html
    )
    assert "<script>x()" not in html
    assert "not used in any section" in html  # order_id
    assert 'id="audit-trail"' in html
    assert "am@provider.test" in html
    assert "Waiting for your review." in html
    # and with sample values
    html = _text(client.get(url + "?samples=1"))
    assert '<span class="script-variable" data-variable="customer_name">Jane Doe</span>' in html


def test_agents_get_no_history(client, script_a, client_a, agent_a):
    version = make_version(script=script_a, status="published")
    client.force_login(agent_a)
    html = _text(client.get(_url("script_version", client_a, script_a.service_line_id, version.pk)))
    assert 'id="audit-trail"' not in html


def test_a_version_of_another_line_is_not_found_under_this_one(
    client, script_a, client_a, account_manager
):
    version = make_version(script=script_a)
    other_line = ServiceLineFactory()
    client.force_login(account_manager)
    response = client.get(_url("script_version", client_a, other_line.pk, version.pk))
    assert response.status_code == 404


# --- diff and agent view ------------------------------------------------------------------------


def test_diff_page(client, script_a, client_a, client_a_viewer):
    # given
    first = make_version(script=script_a, status="published")
    second = make_version(
        script=script_a,
        sections=[("Greeting", "Hello {{customer_name}}!"), ("Closing", "Bye")],
        based_on=first,
        change_summary="Warmer",
    )
    client.force_login(client_a_viewer)
    url = _url("script_diff", client_a, script_a.service_line_id)
    # when no pair is chosen, the newest is compared with its origin
    html = _text(client.get(url))
    # then
    assert f'<option value="{first.pk}" selected>' in html
    assert f'<option value="{second.pk}" selected>' in html
    # the changed line shows which words went (the whole line without them: a section that
    # went away, in test_diff_page_shows_lines_without_a_counterpart_whole)
    assert (
        '<tr class="line-removed"><td class="line-no">1</td><td class="line-no"></td><td class="text">Hello {{customer_name}}<del><span class="visually-hidden">[removed: </span>, thank you for calling.<span class="visually-hidden">]</span></del></td></tr>'
        in html
    )
    assert (
        '<td class="text">Hello {{customer_name}}<ins><span class="visually-hidden">[added: </span>!<span class="visually-hidden">]</span></ins></td>'
        in html
    )
    assert "Closing" in html and "Verification" in html
    # when a pair is chosen the other way round
    html = _text(client.get(url, {"before": second.pk, "after": first.pk}))
    assert (
        '<td class="text">Hello {{customer_name}}<del><span class="visually-hidden">[removed: </span>!<span class="visually-hidden">]</span></del></td>'
        in html
    )
    # and a bad choice is reported
    response = client.get(url, {"before": "x", "after": first.pk})
    assert response.status_code == 400
    assert "Choose two versions of this script." in _text(response)


def test_diff_page_shows_lines_without_a_counterpart_whole(
    client, script_a, client_a, client_a_viewer
):
    # given a version whose greeting went away and whose new opening came after verification
    # (a removed and an added section: no line of one is the other's replacement)
    first = make_version(script=script_a, status="published")
    second = make_version(
        script=script_a,
        sections=[
            ("Verification", "May I have your order number?"),
            ("Opening", "Hello {{customer_name}}!"),
        ],
        based_on=first,
        change_summary="Verification first",
    )
    client.force_login(client_a_viewer)
    url = _url("script_diff", client_a, script_a.service_line_id)
    # when
    html = _text(client.get(url, {"before": first.pk, "after": second.pk}))
    # then the removed line is shown whole, with no word marked
    assert (
        '<tr class="line-removed"><td class="line-no">1</td><td class="line-no"></td><td class="text">Hello {{customer_name}}, thank you for calling.</td></tr>'
        in html
    )
    assert "<del>" not in html and "<ins>" not in html
    # and the other way round, too
    html = _text(client.get(url, {"before": second.pk, "after": first.pk}))
    assert '<td class="text">Hello {{customer_name}}!</td>' in html


def test_agent_view_is_the_published_version_with_samples_and_printable(
    client, script_a, client_a, agent_a
):
    make_version(script=script_a, status="published")
    make_version(script=script_a, sections=[("Greeting", "Unpublished words")])
    client.force_login(agent_a)
    html = _text(client.get(_url("script_agent_view", client_a, script_a.service_line_id)))
    assert '<span class="script-variable" data-variable="customer_name">Jane Doe</span>' in html
    assert "Unpublished words" not in html
    assert "version 1, published" in html
    # printable: the portal's stylesheet hides the navigation and the print button on paper
    assert 'class="no-print"' in html and "css/portal.css" in html
    stylesheet = (settings.BASE_DIR / "bpo" / "static" / "css" / "portal.css").read_text()
    assert "@media print" in stylesheet and ".no-print" in stylesheet


def test_agent_view_without_a_published_version(client, script_a, client_a, agent_a):
    make_version(script=script_a, status="approved")
    client.force_login(agent_a)
    response = client.get(_url("script_agent_view", client_a, script_a.service_line_id))
    assert response.status_code == 200
    assert "No version of this script is published yet" in _text(response)


# --- query counts and isolation -------------------------------------------------------------------


def test_script_tab_has_a_constant_query_count(client, script_a, client_a, account_manager):
    make_version(script=script_a, status="published")
    client.force_login(account_manager)
    url = _url("script", client_a, script_a.service_line_id)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    one = count()
    connection.set_tenant(client_a)
    for status in ["draft", "in_review", "approved", "retired", "draft"]:
        make_version(script=script_a, status=status, created_by=account_manager)
    assert count() == one


def test_another_clients_user_cannot_reach_the_pages(client, script_a, client_a, client_b_admin):
    version = make_version(script=script_a, status="approved")
    client.force_login(client_b_admin)
    line_id = script_a.service_line_id
    assert client.get(_url("script", client_a, line_id)).status_code == 404
    response = client.post(_url("script_version_publish", client_a, line_id, version.pk))
    assert response.status_code == 404
    connection.set_tenant(client_a)
    assert ScriptVersion.objects.get(pk=version.pk).status == "approved"
    assert Script.objects.count() == 1


# --- review fixes -----------------------------------------------------------------------------------


@pytest.mark.parametrize("total", ["abc", "", "-3", "²"])
def test_adding_a_row_with_a_garbled_total(client, script_a, client_a, account_manager, total):
    # given a posted TOTAL_FORMS that is no number (int() of it crashed: 500)
    client.force_login(account_manager)
    data = _form_data(add_sections="1")
    data["sections-TOTAL_FORMS"] = total
    # when
    response = client.post(_url("script_version_create", client_a, script_a.service_line_id), data)
    # then the form comes back with one row, as from no rows
    assert response.status_code == 200
    html = _text(response)
    assert 'name="sections-TOTAL_FORMS" value="1"' in html
    assert 'name="sections-0-title"' in html
    connection.set_tenant(client_a)
    assert not ScriptVersion.objects.exists()


def test_unknown_ids_are_the_404_page(client, script_a, client_a, account_manager):
    version = make_version(script=script_a)
    client.force_login(account_manager)
    line_id = script_a.service_line_id
    assert client.get(_url("script", client_a, 999_999)).status_code == 404
    assert client.get(_url("script_version", client_a, line_id, 999_999)).status_code == 404
    assert (
        client.post(_url("script_version_submit", client_a, 999_999, version.pk)).status_code == 404
    )
    create = _url("script_version_create", client_a, line_id)
    assert client.get(create, {"based_on": "abc"}).status_code == 404
    assert client.get(create, {"based_on": "²"}).status_code == 404


def test_the_pages_workflow_rights_are_the_services_table(
    client, script_a, client_a, account_manager
):
    from bpo.catalog.views import scripts as views

    routes = {
        "submit": views.script_version_submit,
        "approve": views.script_version_approve,
        "return": views.script_version_return,
        "publish": views.script_version_publish,
        "retire": views.script_version_retire,
    }
    assert set(routes) == set(services.WORKFLOW)
    for name, view in routes.items():
        assert view.client_action == services.WORKFLOW[name].right
    assert not hasattr(views, "_WORKFLOW_RIGHTS")


def test_the_diff_page_reads_the_content_of_the_two_versions_only(
    client, script_a, client_a, client_a_viewer
):
    # given five versions
    versions = [make_version(script=script_a, status="retired")]
    versions.append(make_version(script=script_a, status="published"))
    versions += [make_version(script=script_a) for _ in range(3)]
    before, after = versions[1], versions[3]
    client.force_login(client_a_viewer)
    url = _url("script_diff", client_a, script_a.service_line_id)
    # when two are compared
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, {"before": before.pk, "after": after.pk})
    # then every version is offered, but only the two compared have their content read
    assert response.status_code == 200
    html = _text(response)
    for version in versions:
        assert f'<option value="{version.pk}"' in html
    content_reads = [
        q["sql"]
        for q in queries.captured_queries
        if 'FROM "catalog_scriptsection"' in q["sql"] or 'FROM "catalog_scriptvariable"' in q["sql"]
    ]
    assert len(content_reads) == 2
    for sql in content_reads:
        ids = re.search(r'"version_id" IN \(([^)]*)\)', sql)
        assert ids is not None, sql
        assert sorted(int(pk) for pk in ids.group(1).split(",")) == sorted([before.pk, after.pk])
