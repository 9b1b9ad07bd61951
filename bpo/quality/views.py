"""Pages of QA scorecards (``/c/<client_slug>/scorecards/...``): the list, one scorecard with
its versions and history, a version (read, or built while it is a draft), a preview that
scores sample answers, and the workflow (publish, new version, retire, delete a draft).

Reading needs ``view_scorecards``; every write ``manage_scorecards`` (publish and retire read
their right from the services' ``WORKFLOW`` table). The services decide what a version's
status allows; their refusals show next to the field at fault, or as a message.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from bpo.accounts.decorators import client_page
from bpo.accounts.permissions import can
from bpo.accounts.roles import Action
from bpo.catalog.selectors.service_lines import get_service_line, list_service_lines
from bpo.errors import DomainError
from bpo.forms import add_domain_error
from bpo.quality import scoring, selectors
from bpo.quality.forms import CriterionForm, ScorecardForm, SectionForm, VersionForm
from bpo.quality.models import Scorecard, ScorecardVersion, ScorecardVersionStatus
from bpo.quality.services import scorecards as services

SCORECARDS_PER_PAGE = 25
VERSIONS_PER_PAGE = 20
FORM_TEMPLATE = "quality/scorecard_form.html"


def _scorecard_url(client, scorecard) -> str:
    return reverse("client:scorecard", args=[client.slug, scorecard.pk])


def _version_url(client, version: ScorecardVersion, anchor: str = "") -> str:
    url = reverse("client:scorecard_version", args=[client.slug, version.scorecard_id, version.pk])
    return url + (f"#{anchor}" if anchor else "")


def _may_manage(request) -> bool:
    return can(request.user, request.tenant, Action.MANAGE_SCORECARDS)


def _lines():
    return list(list_service_lines())


def _line_or_none(value: str):
    if not value:
        return None
    try:
        return get_service_line(service_line_id=int(value))
    except DomainError:
        raise DomainError(
            "Choose one of the client's service lines.", field="service_line"
        ) from None


# --- the list and one scorecard ---------------------------------------------------------------------


@client_page(Action.VIEW_SCORECARDS)
@require_GET
def scorecards(request):
    page = Paginator(selectors.list_scorecards(), SCORECARDS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request, "quality/scorecard_list.html", {"page": page, "may_manage": _may_manage(request)}
    )


def _scorecard_form_page(request, *, scorecard: Scorecard | None):
    lines = _lines()
    if request.method != "POST":
        initial = (
            {
                "name": scorecard.name,
                "description": scorecard.description,
                "service_line": str(scorecard.service_line_id or ""),
            }
            if scorecard
            else {}
        )
        form = ScorecardForm(initial=initial, lines=lines)
        return _form_page(request, form, scorecard=scorecard)
    form = ScorecardForm(request.POST, lines=lines)
    form.is_valid()
    data = form.cleaned_data
    try:
        line = _line_or_none(data.get("service_line") or "")
        if scorecard is None:
            scorecard = services.create_scorecard(
                name=data.get("name", ""),
                description=data.get("description", ""),
                service_line=line,
                actor=request.user,
            )
            messages.success(request, f"Scorecard “{scorecard.name}” created: build version 1.")
            return redirect(_version_url(request.tenant, scorecard.versions.get()))
        services.update_scorecard(
            scorecard=scorecard,
            name=data.get("name", ""),
            description=data.get("description", ""),
            service_line=line,
            actor=request.user,
        )
    except DomainError as exc:
        add_domain_error(form, exc)
        return _form_page(request, form, scorecard=scorecard, status=400)
    messages.success(request, "Scorecard saved.")
    return redirect(_scorecard_url(request.tenant, scorecard))


def _form_page(request, form, *, status=200, **context):
    titles: dict[type, str] = {
        ScorecardForm: "Edit the scorecard" if context.get("scorecard") else "New scorecard",
        VersionForm: "Version settings",
        SectionForm: "Edit section",
        CriterionForm: "Edit criterion" if context.get("criterion") else "Add a criterion",
    }
    context.setdefault("heading", titles.get(type(form), ""))
    return render(request, FORM_TEMPLATE, {"form": form, **context}, status=status)


@client_page(Action.MANAGE_SCORECARDS)
def scorecard_create(request):
    return _scorecard_form_page(request, scorecard=None)


@client_page(Action.MANAGE_SCORECARDS)
def scorecard_edit(request, scorecard_id: int):
    return _scorecard_form_page(
        request, scorecard=selectors.get_scorecard(scorecard_id=scorecard_id)
    )


@client_page(Action.VIEW_SCORECARDS)
@require_GET
def scorecard(request, scorecard_id: int):
    """A scorecard: what is published, its versions and its history."""
    card = selectors.get_scorecard(scorecard_id=scorecard_id)
    page = Paginator(
        selectors.list_scorecard_version_rows(scorecard_id=card.pk), VERSIONS_PER_PAGE
    ).get_page(request.GET.get("page"))
    may_manage = _may_manage(request)
    return render(
        request,
        "quality/scorecard_detail.html",
        {
            "scorecard": card,
            "page": page,
            "may_manage": may_manage,
            "new_version_form": VersionForm(initial={"change_summary": ""}, prefix="new"),
            "history": selectors.scorecard_history_page(
                scorecard=card, page_number=request.GET.get("history")
            ),
        },
    )


# --- one version -----------------------------------------------------------------------------------


def _version(request, scorecard_id: int, version_id: int) -> ScorecardVersion:
    return selectors.access_scorecard_version(version_id=version_id, scorecard_id=scorecard_id)


def _problems_in_words(version: ScorecardVersion) -> list[str]:
    """What keeps a draft from being published, as sentences naming sections and criteria."""
    sections = list(version.sections.all())
    lines = []
    for key, problems in services.publish_problems(version).items():
        parts = key.split(".")
        where = ""
        if len(parts) >= 2 and parts[0] == "sections":
            section = sections[int(parts[1])]
            where = f"{section.title}"
            if len(parts) >= 4 and parts[2] == "criteria":
                criterion = list(section.criteria.all())[int(parts[3])]
                where += f" › {criterion.text}"  # noqa: RUF001
        for problem in problems:
            lines.append(f"{where}: {problem}" if where else problem)
    return lines


def _version_context(request, version: ScorecardVersion, **extra) -> dict:
    may_manage = _may_manage(request)
    is_draft = version.status == ScorecardVersionStatus.DRAFT
    spec = selectors.scorecard_spec(version)
    problems = _problems_in_words(version) if is_draft else []
    return {
        # with its published and draft versions (the buttons and notes name them)
        "scorecard": selectors.get_scorecard(scorecard_id=version.scorecard_id),
        "version": version,
        "sections": list(version.sections.all()),
        "may_manage": may_manage,
        "is_building": is_draft and may_manage,
        "problems": problems,
        "maximum": scoring.percent(scoring.maximum_score(spec)) if not problems else None,
        "transitions": services.allowed_transitions(version.status) if may_manage else [],
        "section_form": extra.pop("section_form", None) or SectionForm(prefix="section"),
        **extra,
    }


@client_page(Action.VIEW_SCORECARDS)
@require_GET
def scorecard_version(request, scorecard_id: int, scorecard_version_id: int):
    version = _version(request, scorecard_id, scorecard_version_id)
    return render(request, "quality/scorecard_version.html", _version_context(request, version))


@client_page(Action.MANAGE_SCORECARDS)
def scorecard_version_settings(request, scorecard_id: int, scorecard_version_id: int):
    version = _version(request, scorecard_id, scorecard_version_id)
    if request.method != "POST":
        form = VersionForm(
            initial={
                "change_summary": version.change_summary,
                "pass_mark_percent": version.pass_mark_percent,
            }
        )
        return _form_page(request, form, version=version, scorecard=version.scorecard)
    form = VersionForm(request.POST)
    form.is_valid()
    try:
        services.update_scorecard_draft(
            version=version,
            change_summary=form.cleaned_data.get("change_summary", ""),
            pass_mark_percent=form.cleaned_data.get("pass_mark_percent", ""),
            actor=request.user,
        )
    except DomainError as exc:
        if exc.code == "conflict":
            messages.error(request, exc.message)
            return redirect(_version_url(request.tenant, version))
        add_domain_error(form, exc)
        return _form_page(request, form, version=version, scorecard=version.scorecard, status=400)
    messages.success(request, "Version settings saved.")
    return redirect(_version_url(request.tenant, version))


@client_page(Action.MANAGE_SCORECARDS)
@require_POST
def scorecard_version_create(request, scorecard_id: int):
    """A new draft copied from the latest version (the published one, usually)."""
    card = selectors.get_scorecard(scorecard_id=scorecard_id)
    form = VersionForm(request.POST, prefix="new")
    form.is_valid()
    try:
        version = services.create_scorecard_version(
            scorecard=card,
            change_summary=form.cleaned_data.get("change_summary", ""),
            actor=request.user,
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(_scorecard_url(request.tenant, card))
    messages.success(request, f"Draft version {version.number} created from the last version.")
    return redirect(_version_url(request.tenant, version))


def _workflow_step(request, scorecard_id, version_id, name: str, done: str):
    version = _version(request, scorecard_id, version_id)
    try:
        version = services.run_transition(name=name, version=version, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done.format(number=version.number))
    return redirect(_version_url(request.tenant, version))


@client_page(services.WORKFLOW["publish"].right)
@require_POST
def scorecard_version_publish(request, scorecard_id: int, scorecard_version_id: int):
    return _workflow_step(
        request,
        scorecard_id,
        scorecard_version_id,
        "publish",
        "Version {number} is published: new evaluations are scored with it.",
    )


@client_page(services.WORKFLOW["retire"].right)
@require_POST
def scorecard_version_retire(request, scorecard_id: int, scorecard_version_id: int):
    return _workflow_step(
        request, scorecard_id, scorecard_version_id, "retire", "Version {number} is retired."
    )


@client_page(Action.MANAGE_SCORECARDS)
@require_POST
def scorecard_version_delete(request, scorecard_id: int, scorecard_version_id: int):
    version = _version(request, scorecard_id, scorecard_version_id)
    try:
        services.delete_scorecard_draft(version=version, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(_version_url(request.tenant, version))
    messages.success(request, f"Draft version {version.number} was deleted.")
    return redirect(_scorecard_url(request.tenant, version.scorecard))


# --- building a draft ---------------------------------------------------------------------------------


def _refused(request, version, exc: DomainError):
    """A conflict (the version is no longer a draft) goes back to the version with a message."""
    messages.error(request, exc.message)
    return redirect(_version_url(request.tenant, version))


@client_page(Action.MANAGE_SCORECARDS)
@require_POST
def scorecard_section_create(request, scorecard_id: int, scorecard_version_id: int):
    version = _version(request, scorecard_id, scorecard_version_id)
    form = SectionForm(request.POST, prefix="section")
    form.is_valid()
    try:
        section = services.add_scorecard_section(
            version=version, data=form.cleaned_data, actor=request.user
        )
    except DomainError as exc:
        if exc.code == "conflict":
            return _refused(request, version, exc)
        add_domain_error(form, exc)
        return render(
            request,
            "quality/scorecard_version.html",
            _version_context(request, version, section_form=form),
            status=400,
        )
    messages.success(request, f"Section “{section.title}” added: add its criteria.")
    return redirect(_version_url(request.tenant, version, f"section-{section.pk}"))


def _section(request, scorecard_id, version_id, section_id):
    version = _version(request, scorecard_id, version_id)
    return version, selectors.access_scorecard_section(version=version, section_id=section_id)


@client_page(Action.MANAGE_SCORECARDS)
def scorecard_section_edit(request, scorecard_id: int, scorecard_version_id: int, section_id: int):
    version, section = _section(request, scorecard_id, scorecard_version_id, section_id)
    context = {"version": version, "scorecard": version.scorecard, "section": section}
    if request.method != "POST":
        form = SectionForm(
            initial={
                "title": section.title,
                "weight": section.weight,
                "auto_fail_below_percent": section.auto_fail_below_percent or "",
            }
        )
        return _form_page(request, form, **context)
    form = SectionForm(request.POST)
    form.is_valid()
    try:
        services.update_scorecard_section(
            section=section, data=form.cleaned_data, actor=request.user
        )
    except DomainError as exc:
        if exc.code == "conflict":
            return _refused(request, version, exc)
        add_domain_error(form, exc)
        return _form_page(request, form, status=400, **context)
    messages.success(request, f"Section “{section.title}” saved.")
    return redirect(_version_url(request.tenant, version, f"section-{section.pk}"))


@client_page(Action.MANAGE_SCORECARDS)
@require_POST
def scorecard_section_move(request, scorecard_id: int, scorecard_version_id: int, section_id: int):
    version, section = _section(request, scorecard_id, scorecard_version_id, section_id)
    try:
        services.move_scorecard_section(
            section=section, direction=request.POST.get("direction", ""), actor=request.user
        )
    except DomainError as exc:
        return _refused(request, version, exc)
    return redirect(_version_url(request.tenant, version, f"section-{section.pk}"))


@client_page(Action.MANAGE_SCORECARDS)
@require_POST
def scorecard_section_delete(
    request, scorecard_id: int, scorecard_version_id: int, section_id: int
):
    version, section = _section(request, scorecard_id, scorecard_version_id, section_id)
    try:
        services.delete_scorecard_section(section=section, actor=request.user)
    except DomainError as exc:
        return _refused(request, version, exc)
    messages.success(request, f"Section “{section.title}” removed.")
    return redirect(_version_url(request.tenant, version))


def _criterion_initial(criterion) -> dict:
    return {
        "text": criterion.text,
        "guidance": criterion.guidance,
        "weight": criterion.weight,
        "scale": criterion.scale,
        "max_points": criterion.max_points or "",
        "allows_na": criterion.allows_na,
        "auto_fail": criterion.auto_fail,
        "is_bonus": criterion.is_bonus,
    }


def _criterion_form_page(request, version, section, criterion=None):
    context = {
        "version": version,
        "scorecard": version.scorecard,
        "section": section,
        "criterion": criterion,
    }
    if request.method != "POST":
        form = CriterionForm(initial=_criterion_initial(criterion) if criterion else None)
        return _form_page(request, form, **context)
    form = CriterionForm(request.POST)
    form.is_valid()
    try:
        if criterion is None:
            saved = services.add_scorecard_criterion(
                section=section, data=form.cleaned_data, actor=request.user
            )
        else:
            saved = services.update_scorecard_criterion(
                criterion=criterion, data=form.cleaned_data, actor=request.user
            )
    except DomainError as exc:
        if exc.code == "conflict":
            return _refused(request, version, exc)
        add_domain_error(form, exc)
        return _form_page(request, form, status=400, **context)
    messages.success(request, f"Criterion “{saved.text}” {'saved' if criterion else 'added'}.")
    if criterion is None and "add_another" in request.POST:
        return redirect(
            reverse(
                "client:scorecard_criterion_create",
                args=[request.tenant.slug, version.scorecard_id, version.pk, section.pk],
            )
        )
    return redirect(_version_url(request.tenant, version, f"section-{section.pk}"))


@client_page(Action.MANAGE_SCORECARDS)
def scorecard_criterion_create(
    request, scorecard_id: int, scorecard_version_id: int, section_id: int
):
    version, section = _section(request, scorecard_id, scorecard_version_id, section_id)
    return _criterion_form_page(request, version, section)


def _criterion(request, scorecard_id, version_id, section_id, criterion_id):
    version, section = _section(request, scorecard_id, version_id, section_id)
    return (
        version,
        section,
        selectors.access_scorecard_criterion(section=section, criterion_id=criterion_id),
    )


@client_page(Action.MANAGE_SCORECARDS)
def scorecard_criterion_edit(
    request, scorecard_id: int, scorecard_version_id: int, section_id: int, criterion_id: int
):
    version, section, criterion = _criterion(
        request, scorecard_id, scorecard_version_id, section_id, criterion_id
    )
    return _criterion_form_page(request, version, section, criterion)


@client_page(Action.MANAGE_SCORECARDS)
@require_POST
def scorecard_criterion_move(
    request, scorecard_id: int, scorecard_version_id: int, section_id: int, criterion_id: int
):
    version, _section_row, criterion = _criterion(
        request, scorecard_id, scorecard_version_id, section_id, criterion_id
    )
    try:
        services.move_scorecard_criterion(
            criterion=criterion, direction=request.POST.get("direction", ""), actor=request.user
        )
    except DomainError as exc:
        return _refused(request, version, exc)
    return redirect(_version_url(request.tenant, version, f"criterion-{criterion.pk}"))


@client_page(Action.MANAGE_SCORECARDS)
@require_POST
def scorecard_criterion_delete(
    request, scorecard_id: int, scorecard_version_id: int, section_id: int, criterion_id: int
):
    version, section, criterion = _criterion(
        request, scorecard_id, scorecard_version_id, section_id, criterion_id
    )
    try:
        services.delete_scorecard_criterion(criterion=criterion, actor=request.user)
    except DomainError as exc:
        return _refused(request, version, exc)
    messages.success(request, f"Criterion “{criterion.text}” removed.")
    return redirect(_version_url(request.tenant, version, f"section-{section.pk}"))


# --- preview ---------------------------------------------------------------------------------------------


def preview_rows(version: ScorecardVersion, query) -> tuple[list[dict], dict, bool]:
    """The preview form's rows (a section with its criteria, each with the typed answer and
    its problem), the answers for scoring, and whether every answer fits."""
    spec = selectors.scorecard_spec(version)
    answers: dict[str, object] = {}
    rows = []
    all_fit = True
    for section, section_spec in zip(version.sections.all(), spec.sections, strict=True):
        items = []
        for criterion, criterion_spec in zip(
            section.criteria.all(), section_spec.criteria, strict=True
        ):
            name = f"c{criterion.pk}"
            typed = query.get(name, "")
            answer = scoring.parse_answer(criterion_spec, typed)
            problem = ""
            if answer is None:
                problem = "Answer this criterion" + (" (or N/A)." if criterion.allows_na else ".")
            else:
                problem = scoring.answer_problem(criterion_spec, answer)
            all_fit = all_fit and not problem
            answers[criterion_spec.key] = answer
            items.append(
                {
                    "criterion": criterion,
                    "name": name,
                    "typed": typed,
                    "problem": problem,
                    "choices": _answer_choices(criterion_spec),
                }
            )
        rows.append({"section": section, "items": items})
    return rows, answers, all_fit


def _answer_choices(criterion: scoring.CriterionSpec) -> list[tuple[str, str]] | None:
    """The options of a select (yes/no, 1-5), or None for a number field (points)."""
    na = [("na", "N/A")] if criterion.allows_na else []
    if criterion.scale == scoring.Scale.YES_NO:
        return [("yes", "Yes"), ("no", "No"), *na]
    if criterion.scale == scoring.Scale.ONE_TO_FIVE:
        return [(str(n), str(n)) for n in range(1, 6)] + na
    return None


@client_page(Action.VIEW_SCORECARDS)
@require_GET
def scorecard_version_preview(request, scorecard_id: int, scorecard_version_id: int):
    """Score sample answers with this version, as an evaluation will be: nothing is stored."""
    version = _version(request, scorecard_id, scorecard_version_id)
    asked = "score" in request.GET
    rows, answers, all_fit = preview_rows(version, request.GET if asked else {})
    result = None
    problems = []
    if asked and all_fit:
        problems = _problems_in_words(version) if version.status == "draft" else []
        if not problems:
            result = scoring.score(selectors.scorecard_spec(version), answers)
    context = {
        "scorecard": version.scorecard,
        "version": version,
        "rows": rows,
        "asked": asked,
        "result": result,
        "results_by_section": (
            list(zip(version.sections.all(), result.sections, strict=True)) if result else []
        ),
        "problems": problems,
    }
    template = (
        "quality/_scorecard_preview_result.html"
        if request.htmx and asked
        else "quality/scorecard_preview.html"
    )
    # htmx swaps only a successful answer: its fragment carries the problems itself.
    refused = asked and not all_fit and not request.htmx
    return render(request, template, context, status=400 if refused else 200)
