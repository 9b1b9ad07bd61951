"""The scripts API: every role x action, agents see only published versions, the workflow,
validation errors as the API returns them, diff and rendered HTML, query counts, isolation."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bpo.accounts.roles import Role
from bpo.catalog.models import Script, ScriptVersion
from tests.catalog.factories import ScriptFactory, ServiceLineFactory
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
from tests.conftest import token_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def script_a(in_client_a):
    return make_script()


def _versions_url(client, suffix: str = "") -> str:
    return f"/api/v1/clients/{client.slug}/script-versions/{suffix}"


def _scripts_url(client, suffix: str = "") -> str:
    return f"/api/v1/clients/{client.slug}/scripts/{suffix}"


NEW_DRAFT = {
    "change_summary": "Warmer greeting",
    "sections": [{"title": "Greeting", "body": "Hello {{customer_name}}!"}],
    "variables": [{"name": "customer_name", "sample_value": "Jane Doe"}],
}


# --- role x action -----------------------------------------------------------------------------

# action: (status of the version it is tried on, method, suffix, body, allowed roles, success)
OPERATIONS = {
    "list": (None, "get", "", None, READERS, 200),
    "retrieve published": ("published", "get", "{id}/", None, READERS, 200),
    "retrieve draft": ("draft", "get", "{id}/", None, DRAFT_READERS, 200),
    "rendered": ("published", "get", "{id}/rendered/", None, READERS, 200),
    "diff": ("draft", "get", "{id}/diff/?against={other}", None, DRAFT_READERS, 200),
    "create": ("published", "post", "", "new", PROPOSERS, 201),
    "update draft": ("draft", "patch", "{id}/", {"change_summary": "New words"}, PROPOSERS, 200),
    "delete draft": ("draft", "delete", "{id}/", None, PROPOSERS, 204),
    "submit": ("draft", "post", "{id}/submit/", None, PROPOSERS, 200),
    "approve": ("in_review", "post", "{id}/approve/", None, REVIEWERS, 200),
    "return": ("in_review", "post", "{id}/return/", {"comment": "Shorter"}, REVIEWERS, 200),
    "publish": ("approved", "post", "{id}/publish/", None, PUBLISHERS, 200),
    "retire": ("published", "post", "{id}/retire/", None, RETIRERS, 200),
}


@pytest.mark.parametrize("role", ALL_ROLES)
@pytest.mark.parametrize("operation", OPERATIONS)
def test_role_x_action_matrix(script_a, client_a, role, operation):
    # given a version in the status the action needs, and a user with `role`
    status, method, suffix, body, allowed, success = OPERATIONS[operation]
    published = make_version(script=script_a, status="published")
    version = (
        published
        if status == "published"
        else make_version(script=script_a, status=status or "draft")
    )
    if body == "new":
        body = {**NEW_DRAFT, "script": script_a.pk}
    path = _versions_url(
        client_a, suffix.format(id=version.pk, other=published.pk if version != published else 0)
    )
    api = token_client(user_with_role(role, client_a))
    # when
    response = getattr(api, method)(path, body, format="json")
    # then
    if role in allowed:
        assert response.status_code == success, response.content
    elif role == Role.AGENT and operation == "retrieve draft":
        assert response.status_code == 404  # drafts do not exist for agents
        assert response.json()["error"]["code"] == "not_found"
    else:
        assert response.status_code == 403, response.content
        assert response.json()["error"]["code"] == "permission_denied"


@pytest.mark.parametrize("role", ALL_ROLES)
def test_script_create_matrix(in_client_a, client_a, role):
    line = ServiceLineFactory()
    response = token_client(user_with_role(role, client_a)).post(
        _scripts_url(client_a), {"service_line": line.pk, "title": "Chat script"}, format="json"
    )
    assert response.status_code == (201 if role in PROPOSERS else 403)


@pytest.mark.parametrize("role", ALL_ROLES)
def test_script_list_is_for_every_reader(script_a, client_a, role):
    response = token_client(user_with_role(role, client_a)).get(_scripts_url(client_a))
    assert response.status_code == 200
    assert [s["id"] for s in response.json()["results"]] == [script_a.pk]


# --- what agents see -----------------------------------------------------------------------------


def test_agents_see_only_the_published_version(script_a, client_a, agent_a, client_a_viewer):
    # given every status
    versions = {
        status: make_version(script=script_a, status=status)
        for status in ["retired", "published", "approved", "in_review", "draft"]
    }
    # when an agent lists, then only the published one is there
    response = token_client(agent_a).get(_versions_url(client_a))
    assert [v["id"] for v in response.json()["results"]] == [versions["published"].pk]
    # and filtering by another status finds nothing
    response = token_client(agent_a).get(_versions_url(client_a, "?status=draft"))
    assert response.json()["count"] == 0
    # and any other version is not found
    for status in ["retired", "approved", "in_review", "draft"]:
        response = token_client(agent_a).get(_versions_url(client_a, f"{versions[status].pk}/"))
        assert response.status_code == 404, status
        response = token_client(agent_a).get(
            _versions_url(client_a, f"{versions[status].pk}/rendered/")
        )
        assert response.status_code == 404, status
    # while a client viewer sees them all
    response = token_client(client_a_viewer).get(_versions_url(client_a))
    assert response.json()["count"] == 5


# --- the workflow over the API ------------------------------------------------------------------


def test_create_retrieve_and_publish_over_the_api(
    script_a, client_a, account_manager, client_a_admin
):
    # given a published v1
    first = make_version(script=script_a, status="published")
    manager = token_client(account_manager)
    admin = token_client(client_a_admin)
    # when a new draft starts from it
    response = manager.post(
        _versions_url(client_a),
        {"script": script_a.pk, "based_on": first.pk, "change_summary": "Holiday greeting"},
        format="json",
    )
    assert response.status_code == 201, response.content
    draft = response.json()
    # then it copied the content
    assert draft["number"] == 2
    assert draft["status"] == "draft"
    assert draft["based_on"] == first.pk
    assert draft["based_on_number"] == 1
    assert [s["title"] for s in draft["sections"]] == ["Greeting", "Verification"]
    assert draft["variables"] == [
        {"name": "customer_name", "description": "", "sample_value": "Jane Doe"}
    ]
    assert draft["workflow_actions"] == ["submit"]
    assert draft["created_by"] == "am@provider.test"
    # when it goes through review and is published
    version_url = _versions_url(client_a, f"{draft['id']}/")
    assert manager.post(version_url + "submit/").json()["status"] == "in_review"
    assert admin.post(version_url + "approve/").json()["status"] == "approved"
    published = admin.post(version_url + "publish/").json()
    # then it is published and v1 retired
    assert published["status"] == "published"
    assert published["published_by"] == "admin@acme-a.test"
    first_now = manager.get(_versions_url(client_a, f"{first.pk}/")).json()
    assert first_now["status"] == "retired"
    assert first_now["retired_at"] is not None
    script = manager.get(_scripts_url(client_a, f"{script_a.pk}/")).json()
    assert (script["published_version"], script["published_number"]) == (draft["id"], 2)


def test_a_forbidden_transition_answers_409_with_the_status(script_a, client_a, client_a_admin):
    version = make_version(script=script_a, status="in_review")
    response = token_client(client_a_admin).post(_versions_url(client_a, f"{version.pk}/publish/"))
    assert response.status_code == 409
    assert response.json()["error"] == {
        "code": "conflict",
        "message": "Only an approved version can be published; this one is in review.",
        "fields": {},
    }
    connection.set_tenant(client_a)
    assert ScriptVersion.objects.get(pk=version.pk).status == "in_review"


def test_published_versions_cannot_be_patched_or_deleted(script_a, client_a, account_manager):
    version = make_version(script=script_a, status="published")
    api = token_client(account_manager)
    url = _versions_url(client_a, f"{version.pk}/")
    response = api.patch(url, {"change_summary": "Rewrite"}, format="json")
    assert response.status_code == 409
    assert response.json()["error"]["message"] == (
        "Only a draft can be edited; this one is published. Edits make a new draft."
    )
    assert api.delete(url).status_code == 409


def test_return_needs_a_comment(script_a, client_a, client_a_admin):
    version = make_version(script=script_a, status="in_review")
    url = _versions_url(client_a, f"{version.pk}/return/")
    response = token_client(client_a_admin).post(url, {"comment": ""}, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {
        "comment": ["Say what needs to change before the version can be approved."]
    }
    response = token_client(client_a_admin).post(url, {"comment": "Add a closing."}, format="json")
    assert response.json()["status"] == "draft"
    assert response.json()["review_comment"] == "Add a closing."


def test_validation_errors_name_the_field(script_a, client_a, client_a_admin):
    # when a body uses an undeclared variable
    response = token_client(client_a_admin).post(
        _versions_url(client_a),
        {
            "script": script_a.pk,
            "change_summary": "Verify",
            "sections": [
                {"title": "Greeting", "body": "Hi"},
                {"title": "Verification", "body": "Your account {{account_id}}?"},
            ],
        },
        format="json",
    )
    # then
    assert response.status_code == 400
    assert response.json()["error"] == {
        "code": "invalid",
        "message": "Undeclared variable {{account_id}} in section “Verification”.",
        "fields": {
            "sections.1.body": ["Undeclared variable {{account_id}} in section “Verification”."]
        },
    }


def test_patch_replaces_sections(script_a, client_a, client_a_admin):
    version = make_version(script=script_a)
    response = token_client(client_a_admin).patch(
        _versions_url(client_a, f"{version.pk}/"),
        {"sections": [{"title": "Closing", "body": "Bye {{customer_name}}."}]},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["sections"] == [
        {"position": 1, "title": "Closing", "body": "Bye {{customer_name}}."}
    ]


def test_unsafe_markup_is_taken_out_and_reported(script_a, client_a, client_a_admin):
    # given a draft
    version = make_version(script=script_a)
    api = token_client(client_a_admin)
    # when a body holds a script and an event handler
    response = api.patch(
        _versions_url(client_a, f"{version.pk}/"),
        {
            "sections": [
                {"title": "Greeting", "body": "Hi<script>alert(1)</script> {{customer_name}}."},
                {"title": "Closing", "body": '<b onclick="steal()">Bye</b>'},
            ]
        },
        format="json",
    )
    # then the stored text is without them, and the answer says so per section, in words
    assert response.status_code == 200, response.content
    data = response.json()
    assert [s["body"] for s in data["sections"]] == ["Hi {{customer_name}}.", "<b>Bye</b>"]
    assert data["warnings"] == [
        "Section “Greeting”: removed a <script> element (a script may not run code or change "
        "the page); the rest was saved.",
        "Section “Closing”: removed the onclick attribute of <b> (a script may not run code or "
        "change the page); the rest was saved.",
    ]
    connection.set_tenant(client_a)
    assert [s.body for s in version.sections.order_by("position")] == [
        "Hi {{customer_name}}.",
        "<b>Bye</b>",
    ]
    # and a new draft without such markup has no warnings; reading a version has no such key
    response = api.post(
        _versions_url(client_a), {"script": script_a.pk, **NEW_DRAFT}, format="json"
    )
    assert response.status_code == 201, response.content
    assert response.json()["warnings"] == []
    assert "warnings" not in api.get(_versions_url(client_a, f"{version.pk}/")).json()


def test_a_body_that_is_only_a_script_is_refused_as_empty(script_a, client_a, client_a_admin):
    version = make_version(script=script_a)
    response = token_client(client_a_admin).patch(
        _versions_url(client_a, f"{version.pk}/"),
        {"sections": [{"title": "Greeting", "body": "<script>alert(1)</script>"}]},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["error"]["fields"]["sections.0.body"] == [
        "Section “Greeting” needs a body."
    ]


def test_a_line_has_one_script_over_the_api(script_a, client_a, account_manager):
    response = token_client(account_manager).post(
        _scripts_url(client_a),
        {"service_line": script_a.service_line_id, "title": "Again"},
        format="json",
    )
    assert response.status_code == 409
    assert response.json()["error"]["fields"] == {
        "service_line": ["This service line already has a script."]
    }


def test_filters(script_a, client_a, account_manager):
    other = ScriptFactory()
    draft = make_version(script=script_a)
    published = make_version(script=script_a, status="published")
    elsewhere = make_version(script=other)
    api = token_client(account_manager)

    def ids(query):
        return [v["id"] for v in api.get(_versions_url(client_a, query)).json()["results"]]

    assert ids(f"?script={script_a.pk}") == [published.pk, draft.pk]
    assert ids(f"?service_line={other.service_line_id}") == [elsewhere.pk]
    assert ids("?status=published") == [published.pk]
    response = api.get(_scripts_url(client_a, f"?service_line={other.service_line_id}"))
    assert [s["id"] for s in response.json()["results"]] == [other.pk]


# --- diff and rendered -----------------------------------------------------------------------------


def test_diff_endpoint(script_a, client_a, client_a_viewer):
    first = make_version(script=script_a, status="published")
    second = make_version(
        script=script_a,
        sections=[("Greeting", "Hello {{customer_name}}, thank you for calling.")],
    )
    elsewhere = make_version()
    api = token_client(client_a_viewer)
    response = api.get(_versions_url(client_a, f"{second.pk}/diff/?against={first.pk}"))
    assert response.status_code == 200
    data = response.json()
    assert (data["before"]["number"], data["after"]["number"]) == (1, 2)
    assert [(s["title"]["before"], s["status"]) for s in data["sections"]] == [
        ("Greeting", "unchanged"),
        ("Verification", "removed"),
    ]
    # against must be another version of the same script
    for against in ("", str(second.pk), str(elsewhere.pk), "abc"):
        response = api.get(_versions_url(client_a, f"{second.pk}/diff/?against={against}"))
        assert response.status_code == 400
        assert response.json()["error"]["fields"] == {
            "against": ["Compare with another version of this script."]
        }


def test_rendered_is_sanitised_html_with_samples(script_a, client_a, agent_a):
    version = make_version(
        script=script_a,
        status="published",
        sections=[("Greeting", "Hi **{{customer_name}}**<script>alert(1)</script>")],
        variables=[("customer_name", "<b>Jane</b>")],
    )
    response = token_client(agent_a).get(_versions_url(client_a, f"{version.pk}/rendered/"))
    assert response.status_code == 200
    assert response.json() == {
        "id": version.pk,
        "number": version.number,
        "status": "published",
        "sections": [
            {
                "position": 1,
                "title": "Greeting",
                "html": '<p>Hi <strong><span class="script-variable" data-variable='
                '"customer_name">&lt;b&gt;Jane&lt;/b&gt;</span></strong></p>',
            }
        ],
    }


# --- query counts ----------------------------------------------------------------------------------


def _count_queries(api, path) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = api.get(path)
    assert response.status_code == 200
    return len(queries)


def test_version_list_has_a_constant_query_count(script_a, client_a, account_manager):
    # given one version
    make_version(script=script_a, status="published")
    api = token_client(account_manager)
    one = _count_queries(api, _versions_url(client_a))
    # when there are many, over several scripts, with users on them
    connection.set_tenant(client_a)
    for status in ["draft", "in_review", "approved", "retired"]:
        make_version(script=script_a, status=status, created_by=account_manager)
    for _ in range(3):
        make_version(status="published", submitted_by=account_manager)
    # then the count stays
    assert _count_queries(api, _versions_url(client_a)) == one


def test_script_list_has_a_constant_query_count(script_a, client_a, account_manager):
    make_version(script=script_a, status="published")
    api = token_client(account_manager)
    one = _count_queries(api, _scripts_url(client_a))
    connection.set_tenant(client_a)
    for _ in range(4):
        make_version(status="published")
    assert _count_queries(api, _scripts_url(client_a)) == one


# --- isolation -------------------------------------------------------------------------------------


def test_another_clients_versions_do_not_exist(script_a, client_a, client_b, client_b_admin):
    # given a version of client A
    version = make_version(script=script_a, status="published")
    # when client B's admin asks for it through B's API
    api = token_client(client_b_admin)
    response = api.get(_versions_url(client_b, f"{version.pk}/"))
    # then there is no such version in B
    assert response.status_code == 404
    assert api.get(_versions_url(client_b)).json()["count"] == 0
    assert api.get(_scripts_url(client_b)).json()["count"] == 0
    # and A's API is closed to B's admin
    assert api.get(_versions_url(client_a)).status_code == 404
    assert api.post(_versions_url(client_a, f"{version.pk}/retire/")).status_code == 404
    connection.set_tenant(client_a)
    assert ScriptVersion.objects.get(pk=version.pk).status == "published"
    assert Script.objects.count() == 1


# --- review fixes: odd ids, content limits, one table of rights ------------------------------------


@pytest.mark.parametrize("against", ["²", "1²", "\u0661", "-1", "1.0", " 1", "9" * 30])
def test_diff_against_must_be_an_ascii_id(script_a, client_a, client_a_viewer, against):
    # given two versions ("²" is a digit to str.isdigit but int() refuses it: it answered 500)
    make_version(script=script_a, status="published")
    second = make_version(script=script_a)
    # when
    response = token_client(client_a_viewer).get(
        _versions_url(client_a, f"{second.pk}/diff/"), {"against": against}
    )
    # then
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {
        "against": ["Compare with another version of this script."]
    }


def _sections(count: int, body: str = "Hello.") -> list[dict]:
    return [{"title": f"Part {index + 1}", "body": body} for index in range(count)]


def test_a_version_has_at_most_50_sections(script_a, client_a, account_manager):
    api = token_client(account_manager)
    draft = {"script": script_a.pk, "change_summary": "Long"}
    # 50 are fine
    response = api.post(
        _versions_url(client_a), {**draft, "sections": _sections(50)}, format="json"
    )
    assert response.status_code == 201, response.content
    assert len(response.json()["sections"]) == 50
    # 51 are refused, on the list
    response = api.post(
        _versions_url(client_a), {**draft, "sections": _sections(51)}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["error"] == {
        "code": "invalid",
        "message": "A version has at most 50 sections.",
        "fields": {"sections": ["A version has at most 50 sections."]},
    }
    # and so is a change of a draft to 51
    connection.set_tenant(client_a)
    url = _versions_url(client_a, f"{make_version(script=script_a).pk}/")
    response = api.patch(url, {"sections": _sections(51)}, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {
        "sections": ["A version has at most 50 sections."]
    }
    connection.set_tenant(client_a)
    assert ScriptVersion.objects.count() == 2


def test_a_version_has_at_most_50_variables(script_a, client_a, account_manager):
    version = make_version(script=script_a)
    url = _versions_url(client_a, f"{version.pk}/")
    api = token_client(account_manager)

    def variables(count: int) -> list[dict]:
        names = ["customer_name"] + [f"extra_{index}" for index in range(count - 1)]
        return [{"name": name, "sample_value": "x"} for name in names]

    response = api.patch(url, {"variables": variables(50)}, format="json")
    assert response.status_code == 200, response.content
    assert len(response.json()["variables"]) == 50
    response = api.patch(url, {"variables": variables(51)}, format="json")
    assert response.status_code == 400
    assert response.json()["error"] == {
        "code": "invalid",
        "message": "A version has at most 50 variables.",
        "fields": {"variables": ["A version has at most 50 variables."]},
    }
    connection.set_tenant(client_a)
    assert version.variables.count() == 50


def test_a_section_body_has_at_most_20000_characters(script_a, client_a, account_manager):
    version = make_version(script=script_a)
    url = _versions_url(client_a, f"{version.pk}/")
    api = token_client(account_manager)
    sections = [{"title": "Greeting", "body": "a" * 20_000}, {"title": "Closing", "body": "Bye"}]
    assert api.patch(url, {"sections": sections}, format="json").status_code == 200
    sections[1]["body"] = "b" * 20_001
    response = api.patch(url, {"sections": sections}, format="json")
    assert response.status_code == 400
    message = "Keep the body of section “Closing” within 20,000 characters."
    assert response.json()["error"] == {
        "code": "invalid",
        "message": message,
        "fields": {"sections.1.body": [message]},
    }


def test_the_return_comment_message_is_the_services(script_a, client_a, client_a_admin):
    from bpo.catalog.apis import scripts as apis
    from bpo.catalog.services import scripts as services

    version = make_version(script=script_a, status="in_review")
    url = _versions_url(client_a, f"{version.pk}/return/")
    response = token_client(client_a_admin).post(url, {"comment": " "}, format="json")
    assert response.json()["error"]["fields"] == {"comment": [services.RETURN_COMMENT_REQUIRED]}
    # the API documents the service's text rather than a copy of it
    assert not hasattr(apis, "RETURN_COMMENT_REQUIRED")


def test_the_apis_workflow_rights_are_the_services_table():
    from bpo.catalog.apis import scripts as apis
    from bpo.catalog.services import scripts as services

    methods = {"submit", "approve", "return_to_draft", "publish", "retire"}
    assert {apis.WORKFLOW_METHODS[name] for name in services.WORKFLOW} == methods
    for name, step in services.WORKFLOW.items():
        assert apis.ACTION_RIGHTS[apis.WORKFLOW_METHODS[name]] == step.right
