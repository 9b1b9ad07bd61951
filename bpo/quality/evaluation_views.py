"""Pages of QA evaluations and disputes (``/c/<client_slug>/evaluations/...``): the list with
its filters, a new evaluation (the interaction and the scorecard), the scoring form (save a
draft, submit, submit and release; a live score while answering), one evaluation (answers,
section scores, result, timeline and history), release, acknowledge, dispute and decide, and
the list of disputes.

Each page checks its right at the edge (``client_page``); which evaluations a reader sees is
the selector's rule (``evaluation_selectors``: an agent only their own released ones); whose
evaluation an agent acknowledges or disputes is the services' check. Refusals show next to the
field at fault, or as a message.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from bpo.accounts.decorators import client_page
from bpo.accounts.permissions import can, roles_for
from bpo.accounts.roles import Action, Role
from bpo.catalog.selectors.service_lines import get_service_line, list_service_lines
from bpo.errors import DomainError, PermissionDeniedError
from bpo.forms import add_domain_error
from bpo.quality import evaluation_selectors as selectors
from bpo.quality import scoring
from bpo.quality.evaluation_forms import (
    DecisionForm,
    DisputeForm,
    EvaluationFilterForm,
    NewEvaluationForm,
)
from bpo.quality.models import DisputeStatus, Evaluation, EvaluationStatus, ScorecardVersion
from bpo.quality.services import disputes as dispute_services
from bpo.quality.services import evaluations as services
from bpo.quality.services import releases
from bpo.quality.services.evaluations import AnswerInput
from bpo.quality.services.scorecards import version_spec
from scheduling.roster.selectors import agent_of_user

EVALUATIONS_PER_PAGE = 25
DISPUTES_PER_PAGE = 25
Status = EvaluationStatus


def evaluation_url(client, evaluation_id: int, anchor: str = "") -> str:
    url = reverse("client:evaluation", args=[client.slug, evaluation_id])
    return url + (f"#{anchor}" if anchor else "")


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _access(request, evaluation_id) -> Evaluation:
    return selectors.access_evaluation(
        user=request.user, client=request.tenant, evaluation_id=evaluation_id
    )


# --- the list ----------------------------------------------------------------------------------


@client_page(Action.VIEW_EVALUATIONS)
@require_GET
def evaluations(request):
    user, client = request.user, request.tenant
    choices = selectors.filter_choices(user=user, client=client)
    sees_all = selectors.sees_every_evaluation(user, client)
    form = EvaluationFilterForm(
        request.GET or None,
        lines=choices["lines"],
        agents=choices["agents"],
        evaluators=choices["evaluators"],
    )
    data = form.cleaned_data if form.is_valid() else {}
    week = data.get("week")
    rows = selectors.list_evaluations(
        user=user,
        client=client,
        service_line_id=_int(data.get("line")),
        agent_id=_int(data.get("agent")),
        evaluator_id=_int(data.get("evaluator")),
        status=data.get("status") or None,
        week_starts_on=week - timedelta(days=week.weekday()) if week else None,
    )
    page = Paginator(rows, EVALUATIONS_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "quality/evaluation_list.html",
        {
            "page": page,
            "form": form,
            "query": query.urlencode(),
            "filtered": any(data.get(name) for name in form.fields),
            "sees_all": sees_all,
            "may_evaluate": can(user, client, Action.EVALUATE),
            "is_agent_only": Role.AGENT in roles_for(user, client) and not sees_all,
        },
    )


@client_page(Action.VIEW_EVALUATIONS)
@require_GET
def disputes(request):
    """The disputes of the evaluations the user sees: those waiting first by default."""
    wanted = request.GET.get("status", "open")
    status = wanted if wanted in DisputeStatus.values else None
    rows = selectors.list_disputes(user=request.user, client=request.tenant, status=status)
    page = Paginator(rows, DISPUTES_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "quality/dispute_list.html",
        {
            "page": page,
            "status": status or "",
            "statuses": DisputeStatus.choices,
            "query": f"status={status or 'all'}",
        },
    )


# --- a new evaluation --------------------------------------------------------------------------


def _versions_for_line(versions: list[ScorecardVersion], line_id: int | None):
    return [
        v
        for v in versions
        if v.scorecard.service_line_id is None or v.scorecard.service_line_id == line_id
    ]


@client_page(Action.EVALUATE)
def evaluation_create(request):
    """The interaction (line, id, channel, time, link, agent) and the scorecard to score it
    with; the evaluation starts as a draft and the scoring form opens."""
    client = request.tenant
    lines = list(list_service_lines())
    versions = list(selectors.published_versions())
    agents = list(selectors.agents_to_evaluate(client=client))
    context = {"versions_count": len(versions)}
    if request.method != "POST":
        line_id = _int(request.GET.get("line"))
        fitting = _versions_for_line(versions, line_id) if line_id else []
        initial = {
            "service_line": str(line_id or ""),
            "scorecard_version": str(fitting[0].pk) if len(fitting) == 1 else "",
            "channel": "voice",
        }
        form = NewEvaluationForm(initial=initial, lines=lines, versions=versions, agents=agents)
        return render(request, "quality/evaluation_new.html", {"form": form, **context})
    form = NewEvaluationForm(request.POST, lines=lines, versions=versions, agents=agents)
    if form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                line = get_service_line(service_line_id=int(data["service_line"]))
                version = next(v for v in versions if str(v.pk) == data["scorecard_version"])
                agent = next(a for a in agents if str(a.pk) == data["agent"])
                interaction = services.record_interaction(
                    service_line=line,
                    reference=data["reference"],
                    channel=data["channel"],
                    occurred_at=data["occurred_at"],
                    agent=agent,
                    link=data["link"],
                )
                evaluation = services.start_evaluation(
                    interaction=interaction,
                    scorecard_version=version,
                    evaluator=request.user,
                    actor=request.user,
                    due_on=data["due_on"],
                )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, f"Evaluation of {interaction.reference} started: score it.")
            return redirect("client:evaluation_score", client.slug, evaluation.pk)
    return render(request, "quality/evaluation_new.html", {"form": form, **context}, status=400)


# --- the scoring form --------------------------------------------------------------------------


@dataclass
class ScoringItem:
    criterion: object
    name: str
    typed: str
    comment: str
    choices: list[tuple[str, str]]
    errors: list[str] = field(default_factory=list)


def _choices(criterion) -> list[tuple[str, str]]:
    """The answers a criterion takes, for radio buttons (points: 0..max)."""
    na = [("na", "N/A")] if criterion.allows_na else []
    if criterion.scale == scoring.Scale.YES_NO:
        return [("yes", "Yes"), ("no", "No"), *na]
    if criterion.scale == scoring.Scale.ONE_TO_FIVE:
        return [(str(n), str(n)) for n in range(1, 6)] + na
    return [(str(n), str(n)) for n in range(0, (criterion.max_points or 0) + 1)] + na


def scoring_rows(evaluation: Evaluation, data: QueryDict | None, errors: dict) -> list[dict]:
    """The form's sections, each criterion with what was typed (or is stored), its comment
    and its problems (``answers.<criterion id>``)."""
    sheet = selectors.evaluation_sheet(evaluation)
    rows = []
    for section in sheet.sections:
        items = []
        for row in section.items:
            name = f"c{row.criterion.pk}"
            items.append(
                ScoringItem(
                    criterion=row.criterion,
                    name=name,
                    typed=data.get(name, "") if data is not None else row.text,
                    comment=data.get(f"{name}_comment", "") if data is not None else row.comment,
                    choices=_choices(row.criterion),
                    errors=errors.get(f"answers.{row.criterion.pk}", []),
                )
            )
        rows.append({"section": section.section, "items": items})
    return rows


def _typed_answers(evaluation: Evaluation, data: QueryDict) -> dict[str, AnswerInput]:
    version = selectors.version_with_content(evaluation.scorecard_version_id)
    return {
        str(c.pk): AnswerInput(data.get(f"c{c.pk}", ""), data.get(f"c{c.pk}_comment", ""))
        for section in version.sections.all()
        for c in section.criteria.all()
    }


def _preview(request, evaluation: Evaluation):
    """The score of the typed answers, nothing stored (htmx, on every change)."""
    version = selectors.version_with_content(evaluation.scorecard_version_id)
    spec = version_spec(version)
    criteria = {c.key: c for s in spec.sections for c in s.criteria}
    answers = {
        key: scoring.parse_answer(c, request.POST.get(f"c{key}", "")) for key, c in criteria.items()
    }
    missing = scoring.check_answers(spec, answers)
    result = None if missing else scoring.score(spec, answers)
    return render(
        request,
        "quality/_evaluation_preview.html",
        {
            "result": result,
            "missing": len(missing),
            "version": version,
            "sections": list(zip(version.sections.all(), result.sections, strict=True))
            if result
            else [],
        },
    )


@client_page(Action.EVALUATE)
def evaluation_score(request, evaluation_id: int):
    evaluation = _access(request, evaluation_id)
    client = request.tenant
    if evaluation.status not in services.EDITABLE_STATUSES:
        messages.info(
            request,
            f"This evaluation is {evaluation.get_status_display().lower()}; its answers no "
            "longer change.",
        )
        return redirect(evaluation_url(client, evaluation.pk))
    context: dict[str, object] = {
        "evaluation": evaluation,
        "version": evaluation.scorecard_version,
    }
    if request.method != "POST":
        context["rows"] = scoring_rows(evaluation, None, {})
        context["overall_comment"] = evaluation.overall_comment
        return render(request, "quality/evaluation_score.html", context)
    action = request.POST.get("action", "save")
    if action == "preview":
        return _preview(request, evaluation)
    submit = action in ("submit", "submit_release")
    try:
        with transaction.atomic():
            services.save_evaluation(
                evaluation=evaluation,
                answers=_typed_answers(evaluation, request.POST),
                overall_comment=request.POST.get("overall_comment", ""),
                submit=submit,
                actor=request.user,
            )
            if action == "submit_release":
                releases.release_evaluation(evaluation=evaluation, actor=request.user)
    except DomainError as exc:
        if exc.code == "conflict":
            messages.error(request, exc.message)
            return redirect(evaluation_url(client, evaluation.pk))
        context["rows"] = scoring_rows(evaluation, request.POST, exc.fields)
        context["overall_comment"] = request.POST.get("overall_comment", "")
        context["error"] = exc.message
        context["overall_errors"] = exc.fields.get("overall_comment", [])
        return render(request, "quality/evaluation_score.html", context, status=400)
    if action == "submit_release":
        messages.success(request, "Evaluation submitted and released to the agent.")
    elif submit:
        messages.success(request, "Evaluation submitted. Release it when the agent may read it.")
    else:
        messages.success(request, "Draft saved.")
        return redirect("client:evaluation_score", client.slug, evaluation.pk)
    return redirect(evaluation_url(client, evaluation.pk))


# --- one evaluation ----------------------------------------------------------------------------


def _is_own(request, evaluation: Evaluation) -> bool:
    agent = agent_of_user(request.user)
    return agent is not None and agent.pk == evaluation.agent_id


def _may_dispute(request, evaluation: Evaluation) -> bool:
    client = request.tenant
    if not can(request.user, client, Action.RAISE_DISPUTE):
        return False
    if evaluation.status not in dispute_services.DISPUTABLE_STATUSES:
        return False
    closes = dispute_services.window_closes_at(evaluation)
    if closes is not None and timezone.now() > closes:
        return False
    return Role.CLIENT_ADMIN in roles_for(request.user, client) or _is_own(request, evaluation)


@client_page(Action.VIEW_EVALUATIONS)
@require_GET
def evaluation(request, evaluation_id: int):
    row = _access(request, evaluation_id)
    user, client = request.user, request.tenant
    sheet = selectors.evaluation_sheet(row)
    open_dispute = selectors.open_dispute_of(row)
    closes = dispute_services.window_closes_at(row)
    return render(
        request,
        "quality/evaluation_detail.html",
        {
            "evaluation": row,
            "sheet": sheet,
            "disputes": list(row.disputes.all()),
            "open_dispute": open_dispute,
            "timeline": selectors.evaluation_timeline(row),
            "history": selectors.evaluation_history_page(
                evaluation=row, page_number=request.GET.get("history")
            ),
            "window_closes_at": closes,
            "window_open": closes is not None and timezone.now() <= closes,
            "may_edit": can(user, client, Action.EVALUATE)
            and row.status in services.EDITABLE_STATUSES,
            "may_release": can(user, client, Action.EVALUATE) and row.status == Status.SUBMITTED,
            "may_acknowledge": can(user, client, Action.ACKNOWLEDGE_EVALUATION)
            and row.status == Status.RELEASED
            and _is_own(request, row),
            "may_dispute": _may_dispute(request, row),
            "may_decide": open_dispute is not None and can(user, client, Action.DECIDE_DISPUTES),
        },
    )


@client_page(Action.EVALUATE)
@require_POST
def evaluation_release(request, evaluation_id: int):
    row = _access(request, evaluation_id)
    try:
        releases.release_evaluation(evaluation=row, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Released: the agent and the client can read it now.")
    return redirect(evaluation_url(request.tenant, row.pk))


@client_page(Action.ACKNOWLEDGE_EVALUATION)
@require_POST
def evaluation_acknowledge(request, evaluation_id: int):
    row = _access(request, evaluation_id)
    try:
        releases.acknowledge_evaluation(evaluation=row, actor=request.user)
    except PermissionDeniedError as exc:
        raise PermissionDenied(exc.message) from None
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Thank you: the evaluation is acknowledged.")
    return redirect(evaluation_url(request.tenant, row.pk))


@client_page(Action.RAISE_DISPUTE)
def evaluation_dispute(request, evaluation_id: int):
    """Dispute the evaluation or one criterion, with a reason, within the window."""
    row = _access(request, evaluation_id)
    client = request.tenant
    sheet = selectors.evaluation_sheet(row)
    criteria = [item.criterion for section in sheet.sections for item in section.items]
    context: dict[str, object] = {
        "evaluation": row,
        "sheet": sheet,
        "window_closes_at": dispute_services.window_closes_at(row),
        "open_dispute": selectors.open_dispute_of(row),
    }
    if request.method != "POST":
        initial = {"criterion": request.GET.get("criterion", "")}
        context["form"] = DisputeForm(initial=initial, criteria=criteria)
        return render(request, "quality/evaluation_dispute.html", context)
    form = DisputeForm(request.POST, criteria=criteria)
    form.is_valid()
    try:
        dispute_services.raise_dispute(
            evaluation=row,
            criterion_id=form.cleaned_data.get("criterion") or None,
            reason=form.cleaned_data.get("reason", ""),
            actor=request.user,
            client=client,
        )
    except PermissionDeniedError as exc:
        raise PermissionDenied(exc.message) from None
    except DomainError as exc:
        if exc.code == "conflict":
            messages.error(request, exc.message)
            return redirect(evaluation_url(client, row.pk))
        add_domain_error(form, exc)
        context["form"] = form
        return render(request, "quality/evaluation_dispute.html", context, status=400)
    messages.success(request, "Dispute sent: a QA analyst decides it, with a reason.")
    return redirect(evaluation_url(client, row.pk, "disputes"))


@client_page(Action.DECIDE_DISPUTES)
def dispute_decide(request, evaluation_id: int, dispute_id: int):
    """Accept, partly accept or reject an open dispute with a reason, correcting answers."""
    row = _access(request, evaluation_id)
    client = request.tenant
    dispute = selectors.access_dispute(
        user=request.user, client=client, dispute_id=dispute_id, evaluation_id=row.pk
    )
    if dispute.status != DisputeStatus.OPEN:
        messages.info(request, "This dispute is decided already.")
        return redirect(evaluation_url(client, row.pk, "disputes"))
    sheet = selectors.evaluation_sheet(row)
    context: dict[str, object] = {"evaluation": row, "dispute": dispute, "sheet": sheet}
    if request.method != "POST":
        context["form"] = DecisionForm()
        context["rows"] = _decision_rows(sheet, None, {}, dispute)
        return render(request, "quality/dispute_decide.html", context)
    form = DecisionForm(request.POST)
    form.is_valid()
    changes = {
        str(item.criterion.pk): request.POST.get(f"c{item.criterion.pk}", "")
        for section in sheet.sections
        for item in section.items
        if request.POST.get(f"c{item.criterion.pk}", "") not in ("", item.text)
    }
    try:
        decided = dispute_services.decide_dispute(
            dispute=dispute,
            decision=form.cleaned_data.get("decision", ""),
            reason=form.cleaned_data.get("decision_reason", ""),
            changes=changes,
            actor=request.user,
        )
    except DomainError as exc:
        if exc.code == "conflict":
            messages.error(request, exc.message)
            return redirect(evaluation_url(client, row.pk, "disputes"))
        add_domain_error(form, exc)
        if "changes" in exc.fields:
            form.add_error(None, exc.fields["changes"][0])
        context["form"] = form
        context["rows"] = _decision_rows(sheet, request.POST, exc.fields, dispute)
        return render(request, "quality/dispute_decide.html", context, status=400)
    messages.success(
        request,
        f"Dispute {decided.get_status_display().lower()}: the score is "
        f"{decided.score_after if decided.score_after is not None else '—'} % "
        f"(was {decided.score_before if decided.score_before is not None else '—'} %).",
    )
    return redirect(evaluation_url(client, row.pk, "disputes"))


def _decision_rows(sheet, data, errors: dict, dispute) -> list[dict]:
    rows = []
    for section in sheet.sections:
        items = []
        for item in section.items:
            name = f"c{item.criterion.pk}"
            items.append(
                {
                    "row": item,
                    "name": name,
                    "typed": data.get(name, item.text) if data is not None else item.text,
                    "choices": _choices(item.criterion),
                    "errors": errors.get(f"changes.{item.criterion.pk}", []),
                    "is_disputed": dispute.criterion_id == item.criterion.pk,
                }
            )
        rows.append({"section": section, "items": items})
    return rows
