"""Writes of scripts and their versions: drafts and the review workflow.

A version moves draft -> in review -> approved -> published -> retired; a version in review can
also be sent back to draft with a comment. Publishing retires the version published before, so
a script has at most one published version (a partial unique constraint backs this). Published
and retired versions never change: edits make a new draft (and a database trigger, migration
``0002_script_immutability``, refuses any other path).

Who may take each workflow step is written once, in ``WORKFLOW`` (the right the pages and the
API check before calling); these services check the business rules. Every write runs inside
``audit_actor(actor)``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.mail import send_mail
from django.db import router, transaction
from django.db.models import Max
from django.db.models.deletion import Collector
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from bpo.accounts.roles import Action
from bpo.accounts.selectors import list_client_users_with_right
from bpo.catalog.audit import audit_actor
from bpo.catalog.models import (
    IMMUTABLE_SCRIPT_STATUSES,
    Script,
    ScriptSection,
    ScriptVariable,
    ScriptVersion,
    ScriptVersionStatus,
    ServiceLine,
)
from bpo.catalog.rendering import VARIABLE_NAME, strip_unsafe_markup, variable_names_in
from bpo.errors import ConflictError, DomainError
from tenants.db import tenant_connection

if TYPE_CHECKING:
    from bpo.accounts.models import User

Status = ScriptVersionStatus

SCRIPT_TITLE_MAX = Script._meta.get_field("title").max_length or 160
CHANGE_SUMMARY_MAX = ScriptVersion._meta.get_field("change_summary").max_length or 500
SECTION_TITLE_MAX = ScriptSection._meta.get_field("title").max_length or 80
VARIABLE_NAME_MAX = ScriptVariable._meta.get_field("name").max_length or 60
VARIABLE_DESCRIPTION_MAX = ScriptVariable._meta.get_field("description").max_length or 200
SAMPLE_VALUE_MAX = ScriptVariable._meta.get_field("sample_value").max_length or 200
SECTIONS_MAX = 50
VARIABLES_MAX = 50
SECTION_BODY_MAX = 20_000
RETURN_COMMENT_REQUIRED = "Say what needs to change before the version can be approved."

# How a refusal names the version's current status: "...; this one is in review."
STATUS_PHRASES = {
    Status.DRAFT: "a draft",
    Status.IN_REVIEW: "in review",
    Status.APPROVED: "approved",
    Status.PUBLISHED: "published",
    Status.RETIRED: "retired",
}


@dataclass(frozen=True)
class Transition:
    source: str
    target: str
    refusal: str  # "Only ... ; this one is <status>." is completed with the current status


SUBMIT = Transition(Status.DRAFT, Status.IN_REVIEW, "Only a draft can be sent for review")
APPROVE = Transition(Status.IN_REVIEW, Status.APPROVED, "Only a version in review can be approved")
RETURN = Transition(Status.IN_REVIEW, Status.DRAFT, "Only a version in review can be sent back")
PUBLISH = Transition(Status.APPROVED, Status.PUBLISHED, "Only an approved version can be published")
RETIRE = Transition(Status.PUBLISHED, Status.RETIRED, "Only the published version can be retired")
EDIT_REFUSAL = "Only a draft can be edited"
DELETE_REFUSAL = "Only a draft can be deleted"


def refusal_message(refusal: str, status: str) -> str:
    message = f"{refusal}; this one is {STATUS_PHRASES[Status(status)]}."
    if status in IMMUTABLE_SCRIPT_STATUSES and refusal in (EDIT_REFUSAL, DELETE_REFUSAL):
        message += " Edits make a new draft."
    return message


def allowed_transitions(status: str) -> list[str]:
    """The workflow actions (keys of ``WORKFLOW``) a version in ``status`` accepts."""
    return [name for name, step in WORKFLOW.items() if step.transition.source == status]


# --- content validation -------------------------------------------------------------------------


@dataclass(frozen=True)
class SectionInput:
    title: str
    body: str


@dataclass(frozen=True)
class VariableInput:
    name: str
    description: str
    sample_value: str


def _section_inputs(sections: Sequence[Mapping[str, str]]) -> list[SectionInput]:
    """The sections as they are stored: bodies without the markup rendering would drop (a
    ``<script>``, an ``onclick``...), so the stored text is what agents see. The page and the
    API tell the author what went (``rendering.unsafe_markup_warnings``)."""
    return [
        SectionInput(
            title=str(section.get("title") or "").strip(),
            body=strip_unsafe_markup(str(section.get("body") or "")).text.strip(),
        )
        for section in sections
    ]


def _variable_inputs(variables: Sequence[Mapping[str, str]]) -> list[VariableInput]:
    return [
        VariableInput(
            name=str(variable.get("name") or "").strip(),
            description=str(variable.get("description") or "").strip(),
            sample_value=str(variable.get("sample_value") or "").strip(),
        )
        for variable in variables
    ]


def content_errors(
    *,
    change_summary: str,
    sections: Sequence[SectionInput],
    variables: Sequence[VariableInput],
) -> dict[str, list[str]]:
    """Every problem of a version's content, keyed by input: ``change_summary``, ``sections``,
    ``sections.<index>.title`` / ``.body``, ``variables.<index>.name`` / ``.sample_value`` /
    ``.description`` (0-based indexes into the given lists). Empty: the content is valid."""
    errors: dict[str, list[str]] = {}

    def add(key: str, message: str) -> None:
        errors.setdefault(key, []).append(message)

    if not change_summary:
        add("change_summary", "Say what changed in this version.")
    elif len(change_summary) > CHANGE_SUMMARY_MAX:
        add("change_summary", f"Keep the change summary within {CHANGE_SUMMARY_MAX} characters.")

    declared: set[str] = set()
    if len(variables) > VARIABLES_MAX:
        # Each one is not checked: the list is refused as a whole.
        add("variables", f"A version has at most {VARIABLES_MAX} variables.")
        declared = {variable.name for variable in variables}
        variables = ()
    for index, variable in enumerate(variables):
        key = f"variables.{index}"
        if not variable.name:
            add(f"{key}.name", f"Variable {index + 1} needs a name.")
        elif not VARIABLE_NAME.match(variable.name) or len(variable.name) > VARIABLE_NAME_MAX:
            add(
                f"{key}.name",
                f"“{variable.name}” is not a valid variable name: use lowercase letters, digits "
                f"and underscores, starting with a letter (at most {VARIABLE_NAME_MAX}).",
            )
        elif variable.name in declared:
            add(f"{key}.name", f"The variable {{{{{variable.name}}}}} is declared twice.")
        if variable.name:
            declared.add(variable.name)
        if not variable.sample_value:
            add(f"{key}.sample_value", "Give a sample value; agents see it in the preview.")
        elif len(variable.sample_value) > SAMPLE_VALUE_MAX:
            add(f"{key}.sample_value", f"Keep sample values within {SAMPLE_VALUE_MAX} characters.")
        if len(variable.description) > VARIABLE_DESCRIPTION_MAX:
            add(
                f"{key}.description",
                f"Keep descriptions within {VARIABLE_DESCRIPTION_MAX} characters.",
            )

    if not sections:
        add("sections", "A version needs at least one section.")
    elif len(sections) > SECTIONS_MAX:
        add("sections", f"A version has at most {SECTIONS_MAX} sections.")
        sections = ()
    titles: set[str] = set()
    for index, section in enumerate(sections):
        key = f"sections.{index}"
        if not section.title:
            add(f"{key}.title", f"Section {index + 1} needs a title.")
        elif len(section.title) > SECTION_TITLE_MAX:
            add(f"{key}.title", f"Keep section titles within {SECTION_TITLE_MAX} characters.")
        elif section.title.casefold() in titles:
            add(
                f"{key}.title",
                f"There is already a section “{section.title}”; section titles must be unique.",
            )
        titles.add(section.title.casefold())
        name = f"“{section.title}”" if section.title else str(index + 1)
        if not section.body:
            add(f"{key}.body", f"Section {name} needs a body.")
        elif len(section.body) > SECTION_BODY_MAX:
            add(
                f"{key}.body",
                f"Keep the body of section {name} within {SECTION_BODY_MAX:,} characters.",
            )
            continue
        for used in variable_names_in(section.body):
            if not VARIABLE_NAME.match(used):
                add(
                    f"{key}.body",
                    f"“{{{{{used}}}}}” in section {name} is not a valid variable: names use "
                    "lowercase letters, digits and underscores.",
                )
            elif used not in declared:
                add(f"{key}.body", f"Undeclared variable {{{{{used}}}}} in section {name}.")
    return errors


def _validated(
    *,
    change_summary: str,
    sections: Sequence[Mapping[str, str]],
    variables: Sequence[Mapping[str, str]],
) -> tuple[str, list[SectionInput], list[VariableInput]]:
    summary = (change_summary or "").strip()
    section_inputs = _section_inputs(sections)
    variable_inputs = _variable_inputs(variables)
    errors = content_errors(
        change_summary=summary, sections=section_inputs, variables=variable_inputs
    )
    if errors:
        first = next(iter(errors.values()))[0]
        raise DomainError(first, fields=errors)
    return summary, section_inputs, variable_inputs


# --- scripts and drafts ---------------------------------------------------------------------------


def _clean_title(title: str) -> str:
    title = (title or "").strip()
    if not title:
        raise DomainError("Give the script a title.", field="title")
    if len(title) > SCRIPT_TITLE_MAX:
        raise DomainError(
            f"Keep the script title within {SCRIPT_TITLE_MAX} characters.", field="title"
        )
    return title


@transaction.atomic
def create_script(*, service_line: ServiceLine, title: str, actor: User) -> Script:
    """The script of a line that has none (``ConflictError`` otherwise)."""
    title = _clean_title(title)
    ServiceLine.objects.select_for_update().get(pk=service_line.pk)
    if Script.objects.filter(service_line=service_line).exists():
        raise ConflictError("This service line already has a script.", field="service_line")
    with audit_actor(actor):
        return Script.objects.create(service_line=service_line, title=title)


def _write_content(
    version: ScriptVersion, sections: list[SectionInput], variables: list[VariableInput]
) -> None:
    """Make the version's rows match the input with as few writes as possible, so the audit
    trail shows what really changed: sections by position, variables by name."""
    existing_sections = {section.position: section for section in version.sections.all()}
    for position, section in enumerate(sections, start=1):
        row = existing_sections.pop(position, None)
        if row is None:
            ScriptSection.objects.create(
                version=version, position=position, title=section.title, body=section.body
            )
        elif (row.title, row.body) != (section.title, section.body):
            row.title, row.body = section.title, section.body
            row.save(update_fields=["title", "body"])
    for row in existing_sections.values():
        row.delete()

    existing_variables = {variable.name: variable for variable in version.variables.all()}
    wanted = {variable.name: variable for variable in variables}
    for name, stored in existing_variables.items():
        if name not in wanted:
            stored.delete()
    for name, variable in wanted.items():
        current = existing_variables.get(name)
        if current is None:
            ScriptVariable.objects.create(
                version=version,
                name=name,
                description=variable.description,
                sample_value=variable.sample_value,
            )
        elif (current.description, current.sample_value) != (
            variable.description,
            variable.sample_value,
        ):
            current.description, current.sample_value = variable.description, variable.sample_value
            current.save(update_fields=["description", "sample_value"])


def _content_as_input(version: ScriptVersion) -> tuple[list[dict], list[dict]]:
    sections = [{"title": s.title, "body": s.body} for s in version.sections.all()]
    variables = [
        {"name": v.name, "description": v.description, "sample_value": v.sample_value}
        for v in version.variables.all()
    ]
    return sections, variables


@transaction.atomic
def create_script_version(
    *,
    script: Script,
    change_summary: str,
    sections: Sequence[Mapping[str, str]] | None = None,
    variables: Sequence[Mapping[str, str]] | None = None,
    based_on: ScriptVersion | None = None,
    actor: User,
) -> ScriptVersion:
    """A new draft numbered after the script's last version.

    With ``based_on`` (a version of the same script, any status) the draft starts from that
    version's content; ``sections`` / ``variables`` given here replace it.
    """
    script = Script.objects.select_for_update().select_related("service_line").get(pk=script.pk)
    if based_on is not None:
        if based_on.script_id != script.pk:
            raise DomainError(
                "The version to start from belongs to another script.", field="based_on"
            )
        copied_sections, copied_variables = _content_as_input(based_on)
        sections = copied_sections if sections is None else sections
        variables = copied_variables if variables is None else variables
    summary, section_inputs, variable_inputs = _validated(
        change_summary=change_summary, sections=sections or [], variables=variables or []
    )
    number = (script.versions.aggregate(last=Max("number"))["last"] or 0) + 1
    with audit_actor(actor):
        version = ScriptVersion.objects.create(
            script=script,
            number=number,
            change_summary=summary,
            based_on=based_on,
            created_by=actor,
        )
        _write_content(version, section_inputs, variable_inputs)
    return version


@transaction.atomic
def start_script(
    *,
    service_line: ServiceLine,
    title: str,
    change_summary: str,
    sections: Sequence[Mapping[str, str]],
    variables: Sequence[Mapping[str, str]],
    actor: User,
) -> ScriptVersion:
    """A line's script and its first draft, together (the page's "Create the script")."""
    script = create_script(service_line=service_line, title=title, actor=actor)
    return create_script_version(
        script=script,
        change_summary=change_summary,
        sections=sections,
        variables=variables,
        actor=actor,
    )


def _lock(version: ScriptVersion) -> ScriptVersion:
    """The version's current row, locked (the script's row first: one order for every
    workflow write, and publishing serialises on it)."""
    Script.objects.select_for_update().get(pk=version.script_id)
    return (
        ScriptVersion.objects.select_for_update(of=("self",))
        .select_related("script")
        .get(pk=version.pk)
    )


@transaction.atomic
def update_script_draft(
    *,
    version: ScriptVersion,
    change_summary: str | None = None,
    sections: Sequence[Mapping[str, str]] | None = None,
    variables: Sequence[Mapping[str, str]] | None = None,
    actor: User,
) -> ScriptVersion:
    """Replace a draft's summary, sections or variables (``None`` keeps what it has)."""
    version = _lock(version)
    if version.status != Status.DRAFT:
        raise ConflictError(refusal_message(EDIT_REFUSAL, version.status))
    current_sections, current_variables = _content_as_input(version)
    summary, section_inputs, variable_inputs = _validated(
        change_summary=version.change_summary if change_summary is None else change_summary,
        sections=current_sections if sections is None else sections,
        variables=current_variables if variables is None else variables,
    )
    with audit_actor(actor):
        if summary != version.change_summary:
            version.change_summary = summary
            version.save(update_fields=["change_summary", "updated_at"])
        _write_content(version, section_inputs, variable_inputs)
    return version


@transaction.atomic
def delete_script_draft(*, version: ScriptVersion, actor: User) -> None:
    version = _lock(version)
    if version.status != Status.DRAFT:
        raise ConflictError(refusal_message(DELETE_REFUSAL, version.status))
    descendant = (
        ScriptVersion.objects.filter(based_on=version, status__in=IMMUTABLE_SCRIPT_STATUSES)
        .order_by("number")
        .first()
    )
    if descendant is not None:
        # Deleting would rewrite that version's origin, which is history.
        raise ConflictError(
            f"Version {descendant.number} is {STATUS_PHRASES[Status(descendant.status)]} and "
            "was started from this draft; the draft stays as its origin."
        )
    with audit_actor(actor):
        _delete_content(version)
        version.delete()


def _delete_content(version: ScriptVersion) -> None:
    """Delete the version's sections and variables, one ``DELETE`` per table.

    Each row is read through the version's related managers, so it carries the version (and
    the version its script, loaded by ``_lock``): the audit entry of each deletion names the
    service line without reading the version and the script again per row, which the cascade
    of ``version.delete()`` did.
    """
    collector = Collector(using=router.db_for_write(ScriptVersion, instance=version))
    for rows in (list(version.sections.all()), list(version.variables.all())):
        if rows:
            collector.collect(rows)
    collector.delete()


# --- the workflow ----------------------------------------------------------------------------------


def _begin(version: ScriptVersion, transition: Transition) -> ScriptVersion:
    version = _lock(version)
    if version.status != transition.source:
        raise ConflictError(refusal_message(transition.refusal, version.status))
    return version


@transaction.atomic
def submit_script_version(*, version: ScriptVersion, actor: User) -> ScriptVersion:
    """Draft -> in review: the client is asked to approve it. On commit, the client's approvers
    (its users holding ``REVIEW_SCRIPT``) are e-mailed a link to the version."""
    version = _begin(version, SUBMIT)
    with audit_actor(actor):
        version.status = SUBMIT.target
        version.submitted_at = timezone.now()
        version.submitted_by = actor
        version.save(update_fields=["status", "submitted_at", "submitted_by", "updated_at"])
    client = tenant_connection().tenant
    # Read inside the client's schema now; the e-mails go once the version is really in review.
    line = version.script.service_line
    transaction.on_commit(
        lambda: send_review_request_emails(client=client, service_line=line, version=version)
    )
    return version


def script_version_url(*, client, version: ScriptVersion) -> str:
    return settings.PORTAL_BASE_URL.rstrip("/") + reverse(
        "client:script_version", args=[client.slug, version.script.service_line_id, version.pk]
    )


def send_review_request_emails(
    *, client, service_line: ServiceLine, version: ScriptVersion
) -> None:
    """One e-mail to each approver of ``client`` (none while the client is locked)."""
    if client.is_locked:
        return
    context = {
        "client": client,
        "service_line": service_line,
        "version": version,
        "url": script_version_url(client=client, version=version),
    }
    subject = f"{client.name}: the {service_line.name} script waits for your approval"
    for approver in list_client_users_with_right(client=client, action=Action.REVIEW_SCRIPT):
        send_mail(
            subject=subject,
            message=render_to_string(
                "catalog/script_review_email.txt", {**context, "approver": approver}
            ),
            from_email=None,
            recipient_list=[approver.email],
        )


@transaction.atomic
def approve_script_version(*, version: ScriptVersion, actor: User) -> ScriptVersion:
    """In review -> approved (the client's consent; any earlier send-back comment stays)."""
    version = _begin(version, APPROVE)
    with audit_actor(actor):
        version.status = APPROVE.target
        version.reviewed_at = timezone.now()
        version.reviewed_by = actor
        version.save(update_fields=["status", "reviewed_at", "reviewed_by", "updated_at"])
    return version


@transaction.atomic
def return_script_version(*, version: ScriptVersion, comment: str, actor: User) -> ScriptVersion:
    """In review -> draft, sent back with a comment that stays on the version."""
    version = _begin(version, RETURN)
    comment = (comment or "").strip()
    if not comment:
        raise DomainError(RETURN_COMMENT_REQUIRED, field="comment")
    with audit_actor(actor):
        version.status = RETURN.target
        version.reviewed_at = timezone.now()
        version.reviewed_by = actor
        version.review_comment = comment
        version.save(
            update_fields=["status", "reviewed_at", "reviewed_by", "review_comment", "updated_at"]
        )
    return version


@transaction.atomic
def publish_script_version(*, version: ScriptVersion, actor: User) -> ScriptVersion:
    """Approved -> published; the version published before is retired in the same transaction.

    The script's row is locked first, so two publishes of one script run one after the other
    (the second retires the first); the partial unique constraint
    ``script_one_published_version`` is the backstop.
    """
    version = _begin(version, PUBLISH)
    now = timezone.now()
    with audit_actor(actor):
        for previous in ScriptVersion.objects.select_for_update().filter(
            script_id=version.script_id, status=Status.PUBLISHED
        ):
            previous.status = Status.RETIRED
            previous.retired_at = now
            previous.save(update_fields=["status", "retired_at", "updated_at"])
        version.status = PUBLISH.target
        version.published_at = now
        version.published_by = actor
        version.save(update_fields=["status", "published_at", "published_by", "updated_at"])
    return version


@transaction.atomic
def retire_script_version(*, version: ScriptVersion, actor: User) -> ScriptVersion:
    """Published -> retired: the line then has no published script until another is."""
    version = _begin(version, RETIRE)
    with audit_actor(actor):
        version.status = RETIRE.target
        version.retired_at = timezone.now()
        version.save(update_fields=["status", "retired_at", "updated_at"])
    return version


@dataclass(frozen=True)
class WorkflowStep:
    transition: Transition
    right: str  # the ``Action`` a user needs to take this step (pages and API check it)
    service: Callable[..., ScriptVersion]  # called with version=, actor= (and comment=)
    needs_comment: bool = False


# Every workflow step, by the name the pages and the API use: one table for who may take it,
# from which status, and what runs it.
WORKFLOW: dict[str, WorkflowStep] = {
    "submit": WorkflowStep(SUBMIT, Action.PROPOSE_SCRIPT, submit_script_version),
    "approve": WorkflowStep(APPROVE, Action.REVIEW_SCRIPT, approve_script_version),
    "return": WorkflowStep(RETURN, Action.REVIEW_SCRIPT, return_script_version, needs_comment=True),
    "publish": WorkflowStep(PUBLISH, Action.PUBLISH_SCRIPT, publish_script_version),
    "retire": WorkflowStep(RETIRE, Action.RETIRE_SCRIPT, retire_script_version),
}


def run_transition(
    *, name: str, version: ScriptVersion, actor: User, comment: str = ""
) -> ScriptVersion:
    """The workflow action called ``name`` (a key of ``WORKFLOW``)."""
    step = WORKFLOW[name]
    if step.needs_comment:
        return step.service(version=version, comment=comment, actor=actor)
    return step.service(version=version, actor=actor)
