"""Script services: drafts, validation (exact messages), every workflow transition, the
published version's uniqueness and immutability (service and database trigger), the audit."""

from __future__ import annotations

import inspect

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from bpo.accounts.roles import Action
from bpo.audit.models import LogEntry
from bpo.catalog import audit
from bpo.catalog.models import (
    IMMUTABLE_SCRIPT_STATUSES,
    Script,
    ScriptSection,
    ScriptVariable,
    ScriptVersion,
)
from bpo.catalog.selectors import scripts as selectors
from bpo.catalog.selectors.audit import script_version_history_page
from bpo.catalog.services import scripts as services
from bpo.errors import ConflictError, DomainError
from tests.catalog.factories import ServiceLineFactory
from tests.catalog.script_helpers import make_script, make_version

pytestmark = pytest.mark.django_db


@pytest.fixture
def script_a(in_client_a):
    return make_script()


SECTIONS = [
    {"title": "Greeting", "body": "Hello {{customer_name}}."},
    {"title": "Verification", "body": "Please confirm {{account_id}}."},
]
VARIABLES = [
    {"name": "customer_name", "description": "From the CRM", "sample_value": "Jane Doe"},
    {"name": "account_id", "description": "", "sample_value": "AC-1001"},
]


def _content(version):
    version.refresh_from_db()
    return (
        version.status,
        version.change_summary,
        version.updated_at,
        [(s.position, s.title, s.body) for s in version.sections.order_by("position")],
        [(v.name, v.sample_value) for v in version.variables.order_by("name")],
    )


# --- creating scripts and drafts -------------------------------------------------------------------


def test_create_script_for_a_line_without_one(in_client_a, account_manager):
    # given
    line = ServiceLineFactory(name="Returns")
    # when
    script = services.create_script(
        service_line=line, title="  Returns script ", actor=account_manager
    )
    # then
    assert script.title == "Returns script"
    assert script.service_line == line


def test_a_line_has_one_script(script_a, account_manager):
    # when / then
    with pytest.raises(ConflictError) as refused:
        services.create_script(
            service_line=script_a.service_line, title="Another", actor=account_manager
        )
    assert refused.value.message == "This service line already has a script."
    assert refused.value.fields == {"service_line": ["This service line already has a script."]}
    assert Script.objects.filter(service_line=script_a.service_line).count() == 1


@pytest.mark.parametrize(
    ("title", "message"),
    [
        ("   ", "Give the script a title."),
        ("x" * 161, "Keep the script title within 160 characters."),
    ],
)
def test_script_title_rules(in_client_a, account_manager, title, message):
    with pytest.raises(DomainError) as refused:
        services.create_script(
            service_line=ServiceLineFactory(), title=title, actor=account_manager
        )
    assert refused.value.fields == {"title": [message]}


def test_create_version_numbers_drafts_and_keeps_order(script_a, account_manager):
    # given
    make_version(script=script_a, status="published")
    # when
    version = services.create_script_version(
        script=script_a,
        change_summary=" Verify the account ",
        sections=SECTIONS,
        variables=VARIABLES,
        actor=account_manager,
    )
    # then
    assert (version.number, version.status, version.created_by) == (2, "draft", account_manager)
    assert version.change_summary == "Verify the account"
    assert [(s.position, s.title) for s in version.sections.all()] == [
        (1, "Greeting"),
        (2, "Verification"),
    ]
    assert sorted(v.name for v in version.variables.all()) == ["account_id", "customer_name"]


def test_a_new_draft_based_on_a_version_copies_its_content(script_a, account_manager):
    # given a published version
    published = make_version(script=script_a, status="published")
    # when
    draft = services.create_script_version(
        script=script_a,
        change_summary="Holiday greeting",
        based_on=published,
        actor=account_manager,
    )
    # then the content is copied and the original is untouched
    assert draft.based_on == published
    assert [(s.title, s.body) for s in draft.sections.all()] == [
        (s.title, s.body) for s in published.sections.all()
    ]
    assert [v.name for v in draft.variables.all()] == ["customer_name"]
    assert published.sections.count() == 2


def test_based_on_must_be_of_the_same_script(script_a, account_manager):
    other = make_version()
    with pytest.raises(DomainError) as refused:
        services.create_script_version(
            script=script_a, change_summary="x", based_on=other, actor=account_manager
        )
    assert refused.value.fields == {
        "based_on": ["The version to start from belongs to another script."]
    }


def test_start_script_creates_script_and_first_draft_together(in_client_a, client_a_admin):
    line = ServiceLineFactory()
    version = services.start_script(
        service_line=line,
        title="Chat script",
        change_summary="First draft",
        sections=SECTIONS,
        variables=VARIABLES,
        actor=client_a_admin,
    )
    assert (version.script.title, version.number) == ("Chat script", 1)


def test_start_script_with_bad_content_leaves_no_script(in_client_a, client_a_admin):
    line = ServiceLineFactory()
    with pytest.raises(DomainError):
        services.start_script(
            service_line=line,
            title="Chat script",
            change_summary="First draft",
            sections=[],
            variables=[],
            actor=client_a_admin,
        )
    assert not Script.objects.filter(service_line=line).exists()


# --- validation ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("summary", "sections", "variables", "expected"),
    [
        pytest.param(
            "x",
            [],
            [],
            {"sections": ["A version needs at least one section."]},
            id="no-section",
        ),
        pytest.param(
            "",
            [{"title": "Greeting", "body": "Hi"}],
            [],
            {"change_summary": ["Say what changed in this version."]},
            id="no-summary",
        ),
        pytest.param(
            "x" * 501,
            [{"title": "Greeting", "body": "Hi"}],
            [],
            {"change_summary": ["Keep the change summary within 500 characters."]},
            id="long-summary",
        ),
        pytest.param(
            "x",
            [{"title": " ", "body": "Hi"}],
            [],
            {"sections.0.title": ["Section 1 needs a title."]},
            id="empty-title",
        ),
        pytest.param(
            "x",
            [{"title": "T" * 81, "body": "Hi"}],
            [],
            {"sections.0.title": ["Keep section titles within 80 characters."]},
            id="long-title",
        ),
        pytest.param(
            "x",
            [{"title": "Greeting", "body": "Hi"}, {"title": "greeting ", "body": "Hello"}],
            [],
            {
                "sections.1.title": [
                    "There is already a section “greeting”; section titles must be unique."
                ]
            },
            id="duplicate-title",
        ),
        pytest.param(
            "x",
            [{"title": "Closing", "body": "  \n "}],
            [],
            {"sections.0.body": ["Section “Closing” needs a body."]},
            id="empty-body",
        ),
        pytest.param(
            "x",
            [
                {"title": "Greeting", "body": "Hi {{customer_name}}"},
                {"title": "Verification", "body": "Confirm {{account_id}} and {{ postcode }}."},
            ],
            [{"name": "customer_name", "sample_value": "Jane"}],
            {
                "sections.1.body": [
                    "Undeclared variable {{account_id}} in section “Verification”.",
                    "Undeclared variable {{postcode}} in section “Verification”.",
                ]
            },
            id="undeclared-variable",
        ),
        pytest.param(
            "x",
            [{"title": "Greeting", "body": "Hi {{Customer Name}}"}],
            [],
            {
                "sections.0.body": [
                    "“{{Customer Name}}” in section “Greeting” is not a valid variable: names "
                    "use lowercase letters, digits and underscores."
                ]
            },
            id="malformed-reference",
        ),
        pytest.param(
            "x",
            [{"title": "Greeting", "body": "Hi"}],
            [{"name": "Customer-Name", "sample_value": "Jane"}],
            {
                "variables.0.name": [
                    "“Customer-Name” is not a valid variable name: use lowercase letters, "
                    "digits and underscores, starting with a letter (at most 60)."
                ]
            },
            id="bad-variable-name",
        ),
        pytest.param(
            "x",
            [{"title": "Greeting", "body": "Hi"}],
            [{"name": "1st_name", "sample_value": "Jane"}],
            {
                "variables.0.name": [
                    "“1st_name” is not a valid variable name: use lowercase letters, "
                    "digits and underscores, starting with a letter (at most 60)."
                ]
            },
            id="variable-starting-with-digit",
        ),
        pytest.param(
            "x",
            [{"title": "Greeting", "body": "Hi"}],
            [{"name": "", "sample_value": "Jane"}],
            {"variables.0.name": ["Variable 1 needs a name."]},
            id="variable-without-name",
        ),
        pytest.param(
            "x",
            [{"title": "Greeting", "body": "Hi {{name}}"}],
            [{"name": "name", "sample_value": "A"}, {"name": "name", "sample_value": "B"}],
            {"variables.1.name": ["The variable {{name}} is declared twice."]},
            id="duplicate-variable",
        ),
        pytest.param(
            "x",
            [{"title": "Greeting", "body": "Hi {{name}}"}],
            [{"name": "name", "sample_value": " "}],
            {"variables.0.sample_value": ["Give a sample value; agents see it in the preview."]},
            id="no-sample",
        ),
        pytest.param(
            "x",
            [{"title": "Greeting", "body": "Hi {{name}}"}],
            [{"name": "name", "sample_value": "s" * 201, "description": "d" * 201}],
            {
                "variables.0.sample_value": ["Keep sample values within 200 characters."],
                "variables.0.description": ["Keep descriptions within 200 characters."],
            },
            id="long-sample-and-description",
        ),
    ],
)
def test_content_validation_messages(
    script_a, account_manager, summary, sections, variables, expected
):
    # when
    with pytest.raises(DomainError) as refused:
        services.create_script_version(
            script=script_a,
            change_summary=summary,
            sections=sections,
            variables=variables,
            actor=account_manager,
        )
    # then every problem is reported, keyed by its input, and nothing is written
    assert refused.value.fields == expected
    assert refused.value.message == next(iter(expected.values()))[0]
    assert not ScriptVersion.objects.filter(script=script_a).exists()


def test_declared_but_unused_variables_are_allowed_and_reported(script_a, account_manager):
    version = services.create_script_version(
        script=script_a,
        change_summary="x",
        sections=[{"title": "Greeting", "body": "Hi {{customer_name}}"}],
        variables=[*VARIABLES, {"name": "order_id", "sample_value": "42"}],
        actor=account_manager,
    )
    assert selectors.unused_variables(version) == ["account_id", "order_id"]


# --- editing drafts ---------------------------------------------------------------------------------


def test_update_draft_replaces_content_with_minimal_writes(script_a, client_a_admin):
    # given
    draft = make_version(script=script_a)
    greeting = draft.sections.get(position=1)
    # when
    services.update_script_draft(
        version=draft,
        change_summary="Shorter",
        sections=[{"title": "Greeting", "body": "Hello {{customer_name}}, thank you for calling."}],
        variables=[{"name": "customer_name", "sample_value": "John Roe"}],
        actor=client_a_admin,
    )
    # then the unchanged section kept its row, the removed one is gone
    draft.refresh_from_db()
    assert draft.change_summary == "Shorter"
    assert list(draft.sections.values_list("pk", "title")) == [(greeting.pk, "Greeting")]
    assert list(draft.variables.values_list("name", "sample_value")) == [
        ("customer_name", "John Roe")
    ]


def test_update_draft_keeps_what_is_not_given(script_a, account_manager):
    draft = make_version(script=script_a)
    services.update_script_draft(
        version=draft, change_summary="Only the summary", actor=account_manager
    )
    assert draft.sections.count() == 2
    assert draft.variables.count() == 1


def test_update_draft_validates_the_result(script_a, account_manager):
    # given
    draft = make_version(script=script_a)
    before = _content(draft)
    # when the kept sections now lack their variable
    with pytest.raises(DomainError) as refused:
        services.update_script_draft(version=draft, variables=[], actor=account_manager)
    # then
    assert refused.value.fields == {
        "sections.0.body": ["Undeclared variable {{customer_name}} in section “Greeting”."]
    }
    assert _content(draft) == before


def test_delete_draft_removes_it_and_its_content(script_a, account_manager):
    draft = make_version(script=script_a)
    services.delete_script_draft(version=draft, actor=account_manager)
    assert not ScriptVersion.objects.filter(pk=draft.pk).exists()
    assert not ScriptSection.objects.filter(version_id=draft.pk).exists()


def test_a_draft_that_a_published_version_came_from_stays(script_a, account_manager):
    # given v2 published, started from the draft v1
    origin = make_version(script=script_a)
    make_version(script=script_a, status="published", based_on=origin)
    # when / then
    with pytest.raises(ConflictError) as refused:
        services.delete_script_draft(version=origin, actor=account_manager)
    assert refused.value.message == (
        "Version 2 is published and was started from this draft; the draft stays as its origin."
    )


# --- every transition ------------------------------------------------------------------------------

STATUSES = ["draft", "in_review", "approved", "published", "retired"]
ACTIONS = ["submit", "approve", "return", "publish", "retire", "edit", "delete"]
ALLOWED = {
    ("draft", "submit"): "in_review",
    ("in_review", "approve"): "approved",
    ("in_review", "return"): "draft",
    ("approved", "publish"): "published",
    ("published", "retire"): "retired",
    ("draft", "edit"): "draft",
    ("draft", "delete"): None,  # gone
}
REFUSALS = {
    "submit": "Only a draft can be sent for review; this one is {}.",
    "approve": "Only a version in review can be approved; this one is {}.",
    "return": "Only a version in review can be sent back; this one is {}.",
    "publish": "Only an approved version can be published; this one is {}.",
    "retire": "Only the published version can be retired; this one is {}.",
    "edit": "Only a draft can be edited; this one is {}.",
    "delete": "Only a draft can be deleted; this one is {}.",
}
PHRASES = {
    "draft": "a draft",
    "in_review": "in review",
    "approved": "approved",
    "published": "published",
    "retired": "retired",
}


def _act(action: str, version, actor):
    if action == "edit":
        return services.update_script_draft(version=version, change_summary="Edited", actor=actor)
    if action == "delete":
        return services.delete_script_draft(version=version, actor=actor)
    return services.run_transition(
        name=action, version=version, actor=actor, comment="Please shorten the greeting."
    )


@pytest.mark.parametrize("status", STATUSES)
@pytest.mark.parametrize("action", ACTIONS)
def test_every_transition(script_a, client_a_admin, status, action):
    # given a version in `status`
    version = make_version(script=script_a, status=status)
    before = _content(version)
    if (status, action) in ALLOWED:
        # when an allowed step is taken, then it lands in the expected status
        _act(action, version, client_a_admin)
        expected = ALLOWED[(status, action)]
        if expected is None:
            assert not ScriptVersion.objects.filter(pk=version.pk).exists()
        else:
            version.refresh_from_db()
            assert version.status == expected
        return
    # when a forbidden step is taken, then it is refused with the status named
    with pytest.raises(ConflictError) as refused:
        _act(action, version, client_a_admin)
    message = REFUSALS[action].format(PHRASES[status])
    if action in ("edit", "delete") and status in ("published", "retired"):
        message += " Edits make a new draft."
    assert refused.value.message == message
    assert refused.value.code == "conflict"
    # and nothing changed
    assert _content(version) == before


def test_workflow_records_who_and_when(script_a, account_manager, client_a_admin):
    # given
    version = make_version(script=script_a)
    # when it goes the whole way
    services.submit_script_version(version=version, actor=account_manager)
    services.approve_script_version(version=version, actor=client_a_admin)
    services.publish_script_version(version=version, actor=client_a_admin)
    services.retire_script_version(version=version, actor=account_manager)
    # then
    version.refresh_from_db()
    assert version.submitted_by == account_manager and version.submitted_at
    assert version.reviewed_by == client_a_admin and version.reviewed_at
    assert version.published_by == client_a_admin and version.published_at
    assert version.retired_at and version.status == "retired"
    assert version.published_at <= version.retired_at


def test_return_to_draft_needs_a_comment_and_keeps_it(script_a, client_a_admin):
    # given
    version = make_version(script=script_a, status="in_review")
    # when there is no comment
    with pytest.raises(DomainError) as refused:
        services.return_script_version(version=version, comment="  ", actor=client_a_admin)
    # then
    assert refused.value.fields == {
        "comment": ["Say what needs to change before the version can be approved."]
    }
    version.refresh_from_db()
    assert version.status == "in_review"
    # when there is one
    services.return_script_version(
        version=version, comment="Verify the postcode too.", actor=client_a_admin
    )
    # then it stays on the version
    version.refresh_from_db()
    assert (version.status, version.review_comment) == ("draft", "Verify the postcode too.")
    assert version.reviewed_by == client_a_admin


def test_publishing_retires_the_previous_version(script_a, account_manager):
    # given v1 published and v2 approved
    first = make_version(script=script_a, status="published")
    second = make_version(script=script_a, status="approved")
    # when
    services.publish_script_version(version=second, actor=account_manager)
    # then
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == ("retired", "published")
    assert first.retired_at == second.published_at
    assert selectors.published_version_of(script=script_a) == second


def test_the_database_allows_one_published_version_per_script(script_a):
    make_version(script=script_a, status="published")
    second = make_version(script=script_a, status="approved")
    with pytest.raises(IntegrityError), transaction.atomic():
        ScriptVersion.objects.filter(pk=second.pk).update(status="published")


def test_transitions_use_the_rows_current_status(script_a, client_a_admin):
    # given a stale copy of a version that was approved meanwhile
    version = make_version(script=script_a, status="in_review")
    stale = ScriptVersion.objects.get(pk=version.pk)
    services.approve_script_version(version=version, actor=client_a_admin)
    # when the stale copy is approved again, then the current status decides
    with pytest.raises(ConflictError) as refused:
        services.approve_script_version(version=stale, actor=client_a_admin)
    assert (
        refused.value.message == "Only a version in review can be approved; this one is approved."
    )


# --- immutability: the database trigger --------------------------------------------------------


def _refused_by_database(write):
    with pytest.raises(IntegrityError) as refused, transaction.atomic():
        write()
    assert "cannot be" in str(refused.value)
    return str(refused.value)


@pytest.mark.parametrize("status", ["published", "retired"])
def test_the_database_refuses_changing_a_published_or_retired_versions_content(script_a, status):
    # given
    version = make_version(script=script_a, status=status)
    section = version.sections.get(position=1)
    variable = version.variables.get()
    before = _content(version)

    # when / then: sections and variables cannot be changed, added or deleted...
    def change_section():
        section.body = "Rewritten history"
        section.save()

    message = _refused_by_database(change_section)
    assert f"Script version {version.pk} is {status} and cannot be changed" in message
    _refused_by_database(
        lambda: ScriptSection.objects.filter(version=version).update(title="Hello")
    )
    _refused_by_database(
        lambda: ScriptSection.objects.create(version=version, position=9, title="New", body="x")
    )
    _refused_by_database(lambda: ScriptSection.objects.filter(pk=section.pk).delete())
    _refused_by_database(
        lambda: ScriptVariable.objects.filter(pk=variable.pk).update(sample_value="X")
    )
    _refused_by_database(
        lambda: ScriptVariable.objects.create(version=version, name="extra", sample_value="1")
    )
    _refused_by_database(lambda: ScriptVariable.objects.filter(pk=variable.pk).delete())

    # ... nor the version's own content, origin or status (a stray .save() included)
    def change_summary():
        stale = ScriptVersion.objects.get(pk=version.pk)
        stale.change_summary = "Rewritten"
        stale.save()

    _refused_by_database(change_summary)
    other = make_version(script=script_a)
    _refused_by_database(lambda: ScriptVersion.objects.filter(pk=version.pk).update(based_on=other))
    _refused_by_database(lambda: ScriptVersion.objects.filter(pk=version.pk).update(status="draft"))
    _refused_by_database(lambda: ScriptVersion.objects.filter(pk=version.pk).update(number=99))
    _refused_by_database(lambda: ScriptVersion.objects.filter(pk=version.pk).delete())
    # then nothing changed
    assert _content(version) == before


def test_the_database_lets_a_published_version_retire(script_a):
    version = make_version(script=script_a, status="published")
    ScriptVersion.objects.filter(pk=version.pk).update(status="retired")
    version.refresh_from_db()
    assert version.status == "retired"
    _refused_by_database(
        lambda: ScriptVersion.objects.filter(pk=version.pk).update(status="published")
    )


def test_the_database_leaves_drafts_alone(script_a):
    version = make_version(script=script_a)
    ScriptSection.objects.filter(version=version).update(body="Free to change")
    ScriptVersion.objects.filter(pk=version.pk).update(change_summary="Changed")
    ScriptSection.objects.filter(version=version).delete()
    assert ScriptVersion.objects.get(pk=version.pk).change_summary == "Changed"


def test_purging_script_history_on_purpose_is_possible(script_a):
    # given a published version (e.g. its client's data is being removed)
    version = make_version(script=script_a, status="published")
    # when the purge setting is on for the transaction
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL bpo.purge_script_history = 'on'")
        script_a.service_line.delete()
    # then it is gone
    assert not ScriptVersion.objects.filter(pk=version.pk).exists()


def test_the_service_refuses_before_the_database_has_to(script_a, account_manager):
    version = make_version(script=script_a, status="published")
    with pytest.raises(ConflictError) as refused:
        services.update_script_draft(version=version, sections=[], actor=account_manager)
    assert refused.value.message == (
        "Only a draft can be edited; this one is published. Edits make a new draft."
    )


# --- audit ----------------------------------------------------------------------------------------


def test_every_step_is_audited_with_its_actor(script_a, account_manager, client_a_admin):
    # given
    version = services.create_script_version(
        script=script_a,
        change_summary="First",
        sections=SECTIONS,
        variables=VARIABLES,
        actor=account_manager,
    )
    services.update_script_draft(
        version=version,
        sections=[SECTIONS[0]],
        variables=[VARIABLES[0]],
        actor=account_manager,
    )
    services.submit_script_version(version=version, actor=account_manager)
    services.approve_script_version(version=version, actor=client_a_admin)
    # when
    page = script_version_history_page(version=version, page_number=1)
    entries = list(page.object_list)
    # then the version's own changes and its (also removed) children's are there, newest first
    status_changes = [
        (e["actor"], e["changes"]["status"]["after"])
        for e in entries
        if e["object_type"] == "scriptversion" and "status" in e["changes"]
    ]
    assert status_changes[:2] == [
        ("admin@acme-a.test", "approved"),
        ("am@provider.test", "in_review"),
    ]
    deleted = {(e["object_type"], e["object_repr"]) for e in entries if e["action"] == "deleted"}
    assert deleted == {("scriptsection", "Verification"), ("scriptvariable", "{{account_id}}")}
    assert all(e["actor"] for e in entries)


def test_the_version_history_is_only_its_own(script_a, account_manager):
    # given two versions
    first = make_version(script=script_a)
    services.update_script_draft(version=first, change_summary="Edited", actor=account_manager)
    second = make_version(script=script_a)
    # when
    entries = script_version_history_page(version=second, page_number=1).object_list
    # then
    assert entries
    assert not [
        e for e in entries if e["object_type"] == "scriptversion" and e["object_id"] == first.pk
    ]
    assert not [
        e for e in entries if e["changes"].get("change_summary", {}).get("after") == "Edited"
    ]
    assert audit.history_of_object(first).filter(action=1).exists()


# --- review fixes -----------------------------------------------------------------------------------


def _draft_with(script, rows: int):
    return make_version(
        script=script,
        sections=[(f"Part {index}", f"Say {{{{v{index}}}}}.") for index in range(rows)],
        variables=[(f"v{index}", "x") for index in range(rows)],
    )


def _delete_queries(script, actor, rows: int) -> list[str]:
    draft = _draft_with(script, rows)
    with CaptureQueriesContext(connection) as queries:
        services.delete_script_draft(version=draft, actor=actor)
    assert not ScriptVersion.objects.filter(pk=draft.pk).exists()
    return [query["sql"] for query in queries.captured_queries]


def test_deleting_a_draft_reads_its_version_and_script_once(
    script_a, account_manager, django_assert_max_num_queries
):
    # given drafts of 2 + 2 and of 10 + 10 sections and variables
    few = _delete_queries(script_a, account_manager, 2)
    # when the bigger one is deleted
    bigger = _draft_with(script_a, 10)
    with django_assert_max_num_queries(len(few) + 2 * 16) as many:
        services.delete_script_draft(version=bigger, actor=account_manager)
    # then the reads do not grow with the rows (they were read again per row: 144 queries for
    # 10 + 10, 48 for 2 + 2); only each row's own audit entry is written
    reads = [q["sql"] for q in many.captured_queries if q["sql"].startswith("SELECT")]
    assert len(reads) == len([sql for sql in few if sql.startswith("SELECT")])
    deletes = [q["sql"] for q in many.captured_queries if q["sql"].startswith("DELETE")]
    assert len(deletes) == 3  # sections, variables, the version: one statement each
    audit_inserts = [
        q["sql"] for q in many.captured_queries if q["sql"].startswith('INSERT INTO "audit_')
    ]
    assert len(audit_inserts) == 10 + 10 + 1


def test_deleting_a_draft_keeps_each_rows_audit_entry(script_a, account_manager):
    draft = make_version(script=script_a)
    section_ids = list(draft.sections.values_list("pk", flat=True))
    variable_ids = list(draft.variables.values_list("pk", flat=True))
    services.delete_script_draft(version=draft, actor=account_manager)
    entries = audit.history_of_service_line(script_a.service_line_id).filter(
        action=LogEntry.Action.DELETE
    )
    deleted = {(e.content_type.model, int(e.object_id)) for e in entries}
    assert deleted >= {("scriptsection", pk) for pk in section_ids}
    assert deleted >= {("scriptvariable", pk) for pk in variable_ids}
    assert ("scriptversion", draft.pk) in deleted
    assert {e.actor_id for e in entries} == {account_manager.pk}


def test_content_limits():
    def errors(sections=1, variables=0, body="Hi"):
        return services.content_errors(
            change_summary="x",
            sections=[services.SectionInput(f"Part {i}", body) for i in range(sections)],
            variables=[services.VariableInput(f"v{i}", "", "x") for i in range(variables)],
        )

    assert errors(sections=50, variables=50, body="b" * 20_000) == {}
    assert errors(sections=51) == {"sections": ["A version has at most 50 sections."]}
    assert errors(variables=51) == {"variables": ["A version has at most 50 variables."]}
    assert errors(body="b" * 20_001) == {
        "sections.0.body": ["Keep the body of section “Part 0” within 20,000 characters."]
    }
    # a list far too long is refused as a whole, without a message per row
    assert errors(sections=40_000) == {"sections": ["A version has at most 50 sections."]}


def test_unused_variables_is_a_read():
    assert not hasattr(services, "unused_variables")
    assert "status" not in inspect.signature(selectors.list_script_versions).parameters


@pytest.mark.parametrize("status", sorted(IMMUTABLE_SCRIPT_STATUSES))
def test_immutable_versions_point_to_a_new_draft(status):
    for refusal in (services.EDIT_REFUSAL, services.DELETE_REFUSAL):
        assert services.refusal_message(refusal, status).endswith(" Edits make a new draft.")
    assert not services.refusal_message(services.SUBMIT.refusal, status).endswith("new draft.")


def test_one_table_says_who_takes_each_step_and_what_runs_it(script_a, client_a_admin, monkeypatch):
    assert {name: step.right for name, step in services.WORKFLOW.items()} == {
        "submit": Action.PROPOSE_SCRIPT,
        "approve": Action.REVIEW_SCRIPT,
        "return": Action.REVIEW_SCRIPT,
        "publish": Action.PUBLISH_SCRIPT,
        "retire": Action.RETIRE_SCRIPT,
    }
    assert services.allowed_transitions("in_review") == ["approve", "return"]
    # run_transition runs the table's service
    called = []
    step = services.WORKFLOW["approve"]
    monkeypatch.setitem(
        services.WORKFLOW,
        "approve",
        services.WorkflowStep(
            step.transition, step.right, lambda **kwargs: called.append(kwargs) or "ran"
        ),
    )
    version = make_version(script=script_a, status="in_review")
    assert services.run_transition(name="approve", version=version, actor=client_a_admin) == "ran"
    assert called == [{"version": version, "actor": client_a_admin}]
