"""Pages of a service line's script: its versions, one version, writing a draft, the review
workflow, the diff between two versions and the agents' printable view.

Reading needs ``view_catalog``; agents see only the published version (other versions answer
404 for them: ``client_page`` makes a selector's ``NotFoundError`` the 404 page). Each workflow
step is its own POST route guarded by its right, read from the services' ``WORKFLOW`` table;
the services decide what the version's status allows.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from bpo.accounts.decorators import client_page
from bpo.accounts.permissions import can
from bpo.accounts.roles import Action
from bpo.catalog import diff, rendering
from bpo.catalog.forms.scripts import (
    SECTIONS_PREFIX,
    SUGGESTED_SECTION_TITLES,
    VARIABLES_PREFIX,
    ReturnToDraftForm,
    ScriptVersionForm,
    apply_content_errors,
    kept_section_forms,
    kept_variable_forms,
    section_formset,
    variable_formset,
)
from bpo.catalog.models import ScriptVersion, ScriptVersionStatus, ServiceLine
from bpo.catalog.selectors import scripts as selectors
from bpo.catalog.selectors.audit import script_version_history_page
from bpo.catalog.selectors.service_lines import get_service_line
from bpo.catalog.services import scripts as services
from bpo.errors import DomainError

VERSIONS_PER_PAGE = 20


def _script_url(client, line: ServiceLine) -> str:
    return reverse("client:script", args=[client.slug, line.pk])


def _version_url(client, line: ServiceLine, version: ScriptVersion) -> str:
    return reverse("client:script_version", args=[client.slug, line.pk, version.pk])


# --- what a user may do with a version ------------------------------------------------------------


@dataclass(frozen=True)
class WorkflowButton:
    name: str  # the route suffix: script_version_<name>
    label: str
    style: str = ""  # "", "secondary" or "danger"
    confirm: str = ""  # asked before a destructive step


def _right(name: str) -> str:
    """The right a workflow step needs (the services' ``WORKFLOW`` table)."""
    return services.WORKFLOW[name].right


def workflow_buttons(user, client, version: ScriptVersion, *, published_number=None):
    """The workflow steps the version's status allows and the user's role may take."""
    buttons = []
    for name in services.allowed_transitions(version.status):
        if not can(user, client, _right(name)):
            continue
        if name == "submit":
            buttons.append(WorkflowButton("submit", "Send for review"))
        elif name == "approve":
            buttons.append(WorkflowButton("approve", "Approve"))
        elif name == "return":
            # The comment form on the version's page; no button of its own.
            continue
        elif name == "publish":
            replaces = (
                f" Version {published_number} will be retired."
                if published_number and published_number != version.number
                else ""
            )
            buttons.append(
                WorkflowButton(
                    "publish",
                    "Publish",
                    confirm=f"Publish version {version.number}? Agents will see it at once."
                    + replaces,
                )
            )
        elif name == "retire":
            buttons.append(
                WorkflowButton(
                    "retire",
                    "Retire",
                    "danger",
                    f"Retire version {version.number}? The line will have no published "
                    "script until another version is published.",
                )
            )
    if version.status == ScriptVersionStatus.DRAFT and can(user, client, Action.PROPOSE_SCRIPT):
        buttons.append(
            WorkflowButton(
                "delete",
                "Delete draft",
                "danger",
                f"Delete draft version {version.number}? This cannot be undone.",
            )
        )
    return buttons


def _rights(user, client) -> dict[str, bool]:
    return {
        "may_propose": can(user, client, Action.PROPOSE_SCRIPT),
        "may_review": can(user, client, Action.REVIEW_SCRIPT),
        "may_view_drafts": can(user, client, Action.VIEW_SCRIPT_DRAFTS),
        "may_view_audit": can(user, client, Action.VIEW_AUDIT),
    }


# --- the Script tab -------------------------------------------------------------------------------


@client_page(Action.VIEW_CATALOG)
@require_GET
def script(request, service_line_id: int):
    """The line's script: its versions (agents: the published one) and what each allows."""
    client = request.tenant
    line = get_service_line(service_line_id=service_line_id)
    line_script = selectors.script_of_line(service_line=line)
    page = None
    rows = []
    if line_script is not None:
        versions = selectors.list_script_versions(
            user=request.user, client=client, script_id=line_script.pk
        )
        page = Paginator(versions, VERSIONS_PER_PAGE).get_page(request.GET.get("page"))
        rows = [
            {
                "version": version,
                "buttons": workflow_buttons(
                    request.user,
                    client,
                    version,
                    published_number=line_script.published_number,  # type: ignore[attr-defined]
                ),
            }
            for version in page
        ]
    return render(
        request,
        "catalog/script_line.html",
        {
            "line": line,
            "tab": "script",
            "script": line_script,
            "page": page,
            "rows": rows,
            **_rights(request.user, client),
        },
    )


# --- one version ----------------------------------------------------------------------------------


def _version_context(request, line, version, *, return_form=None) -> dict:
    client = request.tenant
    show_samples = request.GET.get("samples") == "1"
    samples = {v.name: v.sample_value for v in version.variables.all()} if show_samples else None
    rights = _rights(request.user, client)
    published = (
        selectors.published_version_of(script=version.script)
        if version.status != ScriptVersionStatus.PUBLISHED
        else version
    )
    allowed = services.allowed_transitions(version.status)
    return {
        "line": line,
        "tab": "script",
        "version": version,
        "sections": rendering.render_sections(version.sections.all(), samples=samples),
        "show_samples": show_samples,
        "unused_variables": selectors.unused_variables(version),
        "published": published,
        "buttons": workflow_buttons(
            request.user, client, version, published_number=published.number if published else None
        ),
        "may_return": "return" in allowed and rights["may_review"],
        "return_form": return_form or ReturnToDraftForm(),
        "history": (
            script_version_history_page(version=version, page_number=request.GET.get("history"))
            if rights["may_view_audit"]
            else None
        ),
        **rights,
    }


@client_page(Action.VIEW_CATALOG)
@require_GET
def script_version(request, service_line_id: int, version_id: int):
    line = get_service_line(service_line_id=service_line_id)
    version = selectors.access_script_version(
        user=request.user, client=request.tenant, version_id=version_id, service_line_id=line.pk
    )
    return render(request, "catalog/script_version.html", _version_context(request, line, version))


# --- writing drafts -------------------------------------------------------------------------------


def _initial_content(version: ScriptVersion | None) -> tuple[list[dict], list[dict]]:
    if version is None:
        return [{"title": SUGGESTED_SECTION_TITLES[0], "body": ""}], []
    sections = [
        {"title": s.title, "body": s.body, "ORDER": s.position} for s in version.sections.all()
    ]
    variables = [
        {"name": v.name, "description": v.description, "sample_value": v.sample_value}
        for v in version.variables.all()
    ]
    return sections, variables


def _with_added_row(data, prefix: str):
    """The posted data with one more (empty) row in the ``prefix`` formset (the no-JavaScript
    way to add a row; with htmx the row is fetched from ``script_section_row``)."""
    data = data.copy()
    key = f"{prefix}-TOTAL_FORMS"
    data[key] = str(_row_count(data.get(key)) + 1)
    return data


def _row_count(text) -> int:
    """A posted or asked-for ``TOTAL_FORMS``: a number from 0 to 500 (0 when it is none)."""
    try:
        return max(0, min(int(text or 0), 500))
    except ValueError:
        return 0


def _draft_form_page(request, *, line, line_script, version=None, based_on=None):
    """The create and edit pages share this: GET shows the form, POST saves through the
    service and shows its errors next to the fields."""
    client = request.tenant
    needs_title = line_script is None
    template = "catalog/script_version_form.html"
    context = {
        "line": line,
        "tab": "script",
        "script": line_script,
        "version": version,
        "based_on": based_on,
        "suggested_titles": SUGGESTED_SECTION_TITLES,
        "content_errors": [],
    }
    if request.method != "POST":
        source = version or based_on
        sections, variables = _initial_content(source)
        initial = {"change_summary": version.change_summary if version else ""}
        if needs_title:
            initial["title"] = f"{line.name} script"
        context.update(
            form=ScriptVersionForm(initial=initial, needs_title=needs_title),
            sections=section_formset(initial=sections),
            variables=variable_formset(initial=variables),
        )
        return render(request, template, context)

    data = request.POST
    adding = next((p for p in (SECTIONS_PREFIX, VARIABLES_PREFIX) if f"add_{p}" in data), None)
    if adding:
        data = _with_added_row(data, adding)
    form = ScriptVersionForm(data, needs_title=needs_title)
    sections = section_formset(data)
    variables = variable_formset(data)
    context.update(form=form, sections=sections, variables=variables)
    if adding:
        return render(request, template, context)
    if not (form.is_valid() and sections.is_valid() and variables.is_valid()):
        return render(request, template, context, status=400)

    section_forms = kept_section_forms(sections)
    variable_forms = kept_variable_forms(variables)
    section_data = [
        {"title": f.cleaned_data["title"], "body": f.cleaned_data["body"]} for f in section_forms
    ]
    variable_data = [
        {name: f.cleaned_data[name] for name in ("name", "description", "sample_value")}
        for f in variable_forms
    ]
    summary = form.cleaned_data["change_summary"]
    try:
        if version is not None:
            saved = services.update_script_draft(
                version=version,
                change_summary=summary,
                sections=section_data,
                variables=variable_data,
                actor=request.user,
            )
        elif line_script is None:
            saved = services.start_script(
                service_line=line,
                title=form.cleaned_data["title"],
                change_summary=summary,
                sections=section_data,
                variables=variable_data,
                actor=request.user,
            )
        else:
            saved = services.create_script_version(
                script=line_script,
                change_summary=summary,
                sections=section_data,
                variables=variable_data,
                based_on=based_on,
                actor=request.user,
            )
    except DomainError as exc:
        if exc.code == "conflict" and not exc.fields:
            messages.error(request, exc.message)
            return redirect(_script_url(client, line))
        context["content_errors"] = apply_content_errors(
            exc.fields or {"": [exc.message]},
            version_form=form,
            section_forms=section_forms,
            variable_forms=variable_forms,
        )
        return render(request, template, context, status=400)
    messages.success(
        request,
        f"Draft version {saved.number} saved."
        if version is not None
        else f"Draft version {saved.number} created.",
    )
    for warning in rendering.unsafe_markup_warnings(section_data):
        messages.warning(request, warning)
    return redirect(_version_url(client, line, saved))


@client_page(Action.PROPOSE_SCRIPT)
def script_version_create(request, service_line_id: int):
    """A new draft: from scratch, or from ``?based_on=<version id>`` ("edits make a new
    draft"). A line without a script gets it here too."""
    line = get_service_line(service_line_id=service_line_id)
    line_script = selectors.script_of_line(service_line=line)
    based_on = None
    based_on_id = request.POST.get("based_on") or request.GET.get("based_on")
    if based_on_id and line_script is not None:
        based_on = selectors.access_script_version(
            user=request.user,
            client=request.tenant,
            version_id=based_on_id,
            service_line_id=line.pk,
        )
    return _draft_form_page(request, line=line, line_script=line_script, based_on=based_on)


@client_page(Action.PROPOSE_SCRIPT)
def script_version_edit(request, service_line_id: int, version_id: int):
    line = get_service_line(service_line_id=service_line_id)
    version = selectors.access_script_version(
        user=request.user, client=request.tenant, version_id=version_id, service_line_id=line.pk
    )
    if version.status != ScriptVersionStatus.DRAFT:
        messages.error(request, services.refusal_message(services.EDIT_REFUSAL, version.status))
        return redirect(_version_url(request.tenant, line, version))
    return _draft_form_page(request, line=line, line_script=version.script, version=version)


@client_page(Action.PROPOSE_SCRIPT)
@require_GET
def script_section_row(request, service_line_id: int):
    """htmx: one more section row for the form (and the formset's new total, out of band)."""
    get_service_line(service_line_id=service_line_id)
    return _formset_row(request, section_formset(), "catalog/_script_section_row.html")


@client_page(Action.PROPOSE_SCRIPT)
@require_GET
def script_variable_row(request, service_line_id: int):
    get_service_line(service_line_id=service_line_id)
    return _formset_row(request, variable_formset(), "catalog/_script_variable_row.html")


def _formset_row(request, formset, template: str):
    key = f"{formset.prefix}-TOTAL_FORMS"
    index = _row_count(request.GET.get(key, "0"))
    form = formset.form(
        prefix=formset.add_prefix(index), empty_permitted=True, use_required_attribute=False
    )
    formset.add_fields(form, None)
    return render(
        request,
        template,
        {"form": form, "total_forms_key": key, "total_forms": index + 1, "is_fragment": True},
    )


# --- the workflow ---------------------------------------------------------------------------------


def _workflow_step(request, service_line_id: int, version_id: int, name: str, done: str):
    line = get_service_line(service_line_id=service_line_id)
    version = selectors.access_script_version(
        user=request.user, client=request.tenant, version_id=version_id, service_line_id=line.pk
    )
    try:
        version = services.run_transition(name=name, version=version, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done.format(number=version.number))
    return redirect(_version_url(request.tenant, line, version))


@client_page(_right("submit"))
@require_POST
def script_version_submit(request, service_line_id: int, version_id: int):
    return _workflow_step(
        request, service_line_id, version_id, "submit", "Version {number} was sent for review."
    )


@client_page(_right("approve"))
@require_POST
def script_version_approve(request, service_line_id: int, version_id: int):
    return _workflow_step(
        request, service_line_id, version_id, "approve", "Version {number} is approved."
    )


@client_page(_right("publish"))
@require_POST
def script_version_publish(request, service_line_id: int, version_id: int):
    return _workflow_step(
        request, service_line_id, version_id, "publish", "Version {number} is published."
    )


@client_page(_right("retire"))
@require_POST
def script_version_retire(request, service_line_id: int, version_id: int):
    return _workflow_step(
        request, service_line_id, version_id, "retire", "Version {number} is retired."
    )


@client_page(_right("return"))
@require_POST
def script_version_return(request, service_line_id: int, version_id: int):
    """Send back with comments; a missing comment shows next to the field."""
    line = get_service_line(service_line_id=service_line_id)
    version = selectors.access_script_version(
        user=request.user, client=request.tenant, version_id=version_id, service_line_id=line.pk
    )
    form = ReturnToDraftForm(request.POST)
    form.is_valid()
    try:
        version = services.return_script_version(
            version=version, comment=form.cleaned_data.get("comment", ""), actor=request.user
        )
    except DomainError as exc:
        if exc.field == "comment":
            form.add_error("comment", exc.message)
            return render(
                request,
                "catalog/script_version.html",
                _version_context(request, line, version, return_form=form),
                status=400,
            )
        messages.error(request, exc.message)
    else:
        messages.success(request, f"Version {version.number} was sent back with your comments.")
    return redirect(_version_url(request.tenant, line, version))


@client_page(Action.PROPOSE_SCRIPT)
@require_POST
def script_version_delete(request, service_line_id: int, version_id: int):
    line = get_service_line(service_line_id=service_line_id)
    version = selectors.access_script_version(
        user=request.user, client=request.tenant, version_id=version_id, service_line_id=line.pk
    )
    try:
        services.delete_script_draft(version=version, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(_version_url(request.tenant, line, version))
    messages.success(request, f"Draft version {version.number} was deleted.")
    return redirect(_script_url(request.tenant, line))


# --- comparing and reading ------------------------------------------------------------------------


def _default_pair(
    versions: list[ScriptVersion],
) -> tuple[ScriptVersion | None, ScriptVersion | None]:
    """Newest version against what it was based on, else the published one, else the one
    before it."""
    if len(versions) < 2:
        return None, None
    after = versions[0]
    by_id = {v.pk: v for v in versions}
    before = by_id.get(after.based_on_id or 0) or next(
        (v for v in versions[1:] if v.status == ScriptVersionStatus.PUBLISHED), versions[1]
    )
    return before, after


@client_page(Action.VIEW_SCRIPT_DRAFTS)
@require_GET
def script_diff(request, service_line_id: int):
    """Pick two versions of the line's script and see what changed between them.

    The choices list only each version's number and status; the content is read for the two
    versions compared."""
    client = request.tenant
    line = get_service_line(service_line_id=service_line_id)
    line_script = selectors.script_of_line(service_line=line)
    versions = (
        list(
            selectors.list_script_version_choices(
                user=request.user, client=client, script_id=line_script.pk
            )
        )
        if line_script
        else []
    )
    by_id = {str(v.pk): v for v in versions}
    before, after = _default_pair(versions)
    error = ""
    if "before" in request.GET or "after" in request.GET:
        before = by_id.get(request.GET.get("before", ""))
        after = by_id.get(request.GET.get("after", ""))
        if before is None or after is None:
            error = "Choose two versions of this script."
    result = None
    if line_script is not None and before is not None and after is not None:
        compared = selectors.list_script_versions(
            user=request.user, client=client, script_id=line_script.pk
        ).in_bulk([before.pk, after.pk])
        before, after = compared[before.pk], compared[after.pk]
        result = diff.diff_versions(diff.content_of(before), diff.content_of(after))
    return render(
        request,
        "catalog/script_diff.html",
        {
            "line": line,
            "tab": "script",
            "script": line_script,
            "versions": versions,
            "before": before,
            "after": after,
            "diff": result,
            "error": error,
        },
        status=400 if error else 200,
    )


@client_page(Action.VIEW_CATALOG)
@require_GET
def script_agent_view(request, service_line_id: int):
    """The published version as agents read it: sample values in, printable."""
    line = get_service_line(service_line_id=service_line_id)
    line_script = selectors.script_of_line(service_line=line)
    version = selectors.published_version_of(script=line_script) if line_script else None
    sections = []
    variables = []
    if version is not None:
        variables = list(version.variables.all())
        sections = rendering.render_sections(
            version.sections.all(), samples={v.name: v.sample_value for v in variables}
        )
    return render(
        request,
        "catalog/script_agent_view.html",
        {
            "line": line,
            "script": line_script,
            "version": version,
            "sections": sections,
            "variables": variables,
        },
    )
