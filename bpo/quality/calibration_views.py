"""Pages of calibration sessions (``/c/<client_slug>/calibrations/...``): the list, a new
session, a session (participants, interactions, who scored what, the agreement figures), its
scoring page for a participant, and the runner's actions (invite, remove, add an interaction,
choose the expert, close).

Reading and scoring need ``join_calibrations`` (a client admin sees only the sessions they take
part in: others are 404); creating and running ``run_calibrations``. The services decide what an
open or closed session allows; their refusals show as messages or next to the field at fault.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from bpo.accounts.decorators import client_page
from bpo.accounts.models import User
from bpo.accounts.permissions import can
from bpo.accounts.roles import Action
from bpo.catalog.selectors.service_lines import get_service_line, list_service_lines
from bpo.errors import DomainError
from bpo.forms import add_domain_error
from bpo.quality import agreement, scoring
from bpo.quality import calibration_selectors as selectors
from bpo.quality.forms import CalibrationSessionForm, InteractionForm
from bpo.quality.models import (
    CalibrationSession,
    CalibrationStatus,
    EvaluationStatus,
    Interaction,
)
from bpo.quality.services import calibration as services
from bpo.quality.services.evaluations import AnswerInput, record_interaction
from bpo.quality.views import _answer_choices

SESSIONS_PER_PAGE = 20


def _session_url(client, session, anchor: str = "") -> str:
    url = reverse("client:calibration_session", args=[client.slug, session.pk])
    return url + (f"#{anchor}" if anchor else "")


def _may_run(request) -> bool:
    return can(request.user, request.tenant, Action.RUN_CALIBRATIONS)


def _session(request, session_id) -> CalibrationSession:
    return selectors.access_calibration_session(
        user=request.user, client=request.tenant, session_id=session_id
    )


@client_page(Action.JOIN_CALIBRATIONS)
@require_GET
def calibration_sessions(request):
    status = request.GET.get("status", "")
    rows = selectors.list_calibration_sessions(
        user=request.user, client=request.tenant, status=status
    )
    page = Paginator(rows, SESSIONS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "quality/calibration_list.html",
        {
            "page": page,
            "status": status if status in CalibrationStatus.values else "",
            "statuses": CalibrationStatus.choices,
            "query": f"status={status}" if status in CalibrationStatus.values else "",
            "may_run": _may_run(request),
        },
    )


def _recorded_interaction(form: InteractionForm) -> Interaction:
    """The interaction typed in ``form`` (recorded, or the stored one with the same facts)."""
    form.is_valid()
    data = form.cleaned_data
    for name in ("occurred_at", "link"):
        if name in form.errors:
            raise DomainError(str(form.errors[name][0]), field=name)
    try:
        line = get_service_line(service_line_id=int(data.get("service_line") or 0))
    except (DomainError, ValueError):
        raise DomainError("Choose the interaction's service line.", field="service_line") from None
    return record_interaction(
        service_line=line,
        reference=data.get("reference", ""),
        channel=data.get("channel", ""),
        occurred_at=data.get("occurred_at"),  # type: ignore[arg-type]
        agent=None,
        link=data.get("link", ""),
    )


@client_page(Action.RUN_CALIBRATIONS)
def calibration_session_create(request):
    versions = list(selectors.published_versions())
    people = list(selectors.participant_candidates(client=request.tenant))
    lines = list(list_service_lines())
    interactions = list(selectors.recent_interactions())

    def page(form, new, status=200):
        return render(
            request,
            "quality/calibration_form.html",
            {"form": form, "new": new, "versions": versions},
            status=status,
        )

    options = {"versions": versions, "interactions": interactions, "people": people}
    if request.method != "POST":
        form = CalibrationSessionForm(
            initial={"participants": [str(request.user.pk)], "expert": str(request.user.pk)},
            **options,
        )
        return page(form, InteractionForm(prefix="new", lines=lines))
    form = CalibrationSessionForm(request.POST, **options)
    new = InteractionForm(request.POST, prefix="new", lines=lines)
    form.is_valid()
    data = form.cleaned_data
    try:
        version = next((v for v in versions if str(v.pk) == data.get("scorecard_version")), None)
        chosen = [i for i in interactions if str(i.pk) in set(data.get("interactions") or [])]
        if new.is_filled:
            try:
                chosen.append(_recorded_interaction(new))
            except DomainError as exc:
                add_domain_error(new, exc)
                return page(form, new, status=400)
        session = services.create_calibration_session(
            client=request.tenant,
            title=data.get("title", ""),
            scorecard_version=version,
            interactions=chosen,
            participant_ids=[int(i) for i in data.get("participants") or []],
            expert_id=int(data["expert"]) if data.get("expert") else None,
            actor=request.user,
        )
    except DomainError as exc:
        add_domain_error(form, exc)
        return page(form, new, status=400)
    messages.success(request, f"Session “{session.title}” created: participants can score now.")
    return redirect(_session_url(request.tenant, session))


# --- one session ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class EvaluatorRow:
    user: User | None
    name: str
    figures: agreement.EvaluatorAgreement


def _figures_context(figures: agreement.Agreement | None, people: dict[int, User]) -> dict:
    if figures is None:
        return {"figures": None}

    def name(key: str) -> User | None:
        return people.get(int(key))

    evaluators = [
        EvaluatorRow(name(e.evaluator), str(name(e.evaluator) or "A former participant"), e)
        for e in figures.evaluators
    ]
    evaluators.sort(key=lambda row: (not row.figures.is_expert, row.name.lower()))
    return {
        "figures": figures,
        "evaluator_rows": evaluators,
        "confidence_percent": round(figures.confidence * 100),
    }


def _session_context(request, session: CalibrationSession, **extra) -> dict:
    interactions = selectors.session_interactions(session)
    rows = selectors.participant_rows(session, interactions)
    people = {row.user.pk: row.user for row in rows}
    mine = next((row for row in rows if row.user.pk == request.user.pk), None)
    may_run = _may_run(request)
    is_open = session.status == CalibrationStatus.OPEN
    context = {
        "session": session,
        "interactions": interactions,
        "participant_rows": rows,
        "mine": mine,
        "my_cells": list(zip(interactions, mine.cells, strict=True)) if mine else [],
        "may_run": may_run and is_open,
        "is_open": is_open,
        "submitted_by": sum(1 for row in rows if row.submitted),
        **_figures_context(selectors.session_agreement(session), people),
    }
    if may_run and is_open:
        invited = set(session.participants)
        context["candidates"] = [
            u
            for u in selectors.participant_candidates(client=request.tenant)
            if u.pk not in invited
        ]
        context["interaction_form"] = extra.pop("interaction_form", None) or InteractionForm(
            prefix="new", lines=list(list_service_lines())
        )
    context.update(extra)
    return context


@client_page(Action.JOIN_CALIBRATIONS)
@require_GET
def calibration_session(request, calibration_session_id: int):
    session = _session(request, calibration_session_id)
    return render(request, "quality/calibration_session.html", _session_context(request, session))


def _user_id(request) -> int:
    try:
        return int(request.POST.get("user", ""))
    except ValueError:
        raise DomainError("Choose a person.", field="user") from None


def _step(request, session, run, done: str, anchor: str = ""):
    try:
        run()
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done)
    return redirect(_session_url(request.tenant, session, anchor))


@client_page(Action.RUN_CALIBRATIONS)
@require_POST
def calibration_participant_add(request, calibration_session_id: int):
    session = _session(request, calibration_session_id)
    return _step(
        request,
        session,
        lambda: services.add_calibration_participant(
            session=session, client=request.tenant, user_id=_user_id(request), actor=request.user
        ),
        "Participant invited.",
        "participants",
    )


@client_page(Action.RUN_CALIBRATIONS)
@require_POST
def calibration_participant_remove(request, calibration_session_id: int):
    session = _session(request, calibration_session_id)
    return _step(
        request,
        session,
        lambda: services.remove_calibration_participant(
            session=session, user_id=_user_id(request), actor=request.user
        ),
        "Participant removed: their drafts are deleted, their scores leave the figures.",
        "participants",
    )


@client_page(Action.RUN_CALIBRATIONS)
@require_POST
def calibration_expert_set(request, calibration_session_id: int):
    session = _session(request, calibration_session_id)
    raw = request.POST.get("user", "")
    return _step(
        request,
        session,
        lambda: services.set_calibration_expert(
            session=session, user_id=_user_id(request) if raw else None, actor=request.user
        ),
        "Expert chosen.",
        "participants",
    )


@client_page(Action.RUN_CALIBRATIONS)
@require_POST
def calibration_interaction_add(request, calibration_session_id: int):
    session = _session(request, calibration_session_id)
    form = InteractionForm(request.POST, prefix="new", lines=list(list_service_lines()))
    try:
        interaction = _recorded_interaction(form)
        services.add_calibration_interaction(
            session=session, interaction=interaction, actor=request.user
        )
    except DomainError as exc:
        if exc.code == "conflict" and not exc.fields.get("reference"):
            messages.error(request, exc.message)
            return redirect(_session_url(request.tenant, session, "interactions"))
        add_domain_error(form, exc)
        return render(
            request,
            "quality/calibration_session.html",
            _session_context(request, session, interaction_form=form),
            status=400,
        )
    messages.success(request, f"Interaction {interaction.reference} added to the session.")
    return redirect(_session_url(request.tenant, session, "interactions"))


@client_page(Action.RUN_CALIBRATIONS)
@require_POST
def calibration_session_close(request, calibration_session_id: int):
    session = _session(request, calibration_session_id)
    return _step(
        request,
        session,
        lambda: services.close_calibration_session(session=session, actor=request.user),
        "Session closed: its figures are final.",
    )


# --- scoring ---------------------------------------------------------------------------------------


def _typed(answer) -> str:
    if answer is None:
        return ""
    if answer.is_na:
        return "na"
    if answer.value is None:
        return ""
    if answer.criterion.scale == scoring.Scale.YES_NO:
        return "yes" if answer.value else "no"
    return str(answer.value)


def _score_rows(session, evaluation, data, errors: dict) -> list[dict]:
    stored = {a.criterion_id: a for a in evaluation.answers.all()} if evaluation else {}
    rows = []
    for section in session.scorecard_version.sections.all():
        items = []
        for criterion in section.criteria.all():
            name = f"c{criterion.pk}"
            answer = stored.get(criterion.pk)
            items.append(
                {
                    "criterion": criterion,
                    "name": name,
                    "typed": data.get(name, _typed(answer)) if data else _typed(answer),
                    "comment": (
                        data.get(f"{name}_comment", "")
                        if data
                        else (answer.comment if answer else "")
                    ),
                    "problem": (errors.get(f"answers.{criterion.pk}") or [""])[0],
                    "choices": _answer_choices(criterion.as_spec()),
                }
            )
        rows.append({"section": section, "items": items})
    return rows


@client_page(Action.JOIN_CALIBRATIONS)
def calibration_score(request, calibration_session_id: int, interaction_id: int):
    """A participant's score of one interaction of the session: saved as a draft, or
    submitted (final)."""
    session = _session(request, calibration_session_id)
    interaction = next(
        (i for i in selectors.session_interactions(session) if str(i.pk) == str(interaction_id)),
        None,
    )
    if interaction is None:
        from django.http import Http404

        raise Http404("This interaction is not in the session.")
    evaluation = (
        selectors.session_evaluations(session)
        .filter(interaction=interaction, evaluator_id=request.user.pk)
        .prefetch_related("answers__criterion")
        .first()
    )
    is_participant = request.user.pk in session.participants
    editable = (
        is_participant
        and session.status == CalibrationStatus.OPEN
        and (evaluation is None or evaluation.status == EvaluationStatus.DRAFT)
    )
    errors: dict = {}
    message = ""
    status = 200
    if request.method == "POST":
        submit = "submit" in request.POST
        try:
            evaluation = services.calibration_evaluation(
                session=session, interaction_id=interaction.pk, actor=request.user
            )
            answers = {
                str(item.pk): AnswerInput(
                    request.POST.get(f"c{item.pk}", ""),
                    request.POST.get(f"c{item.pk}_comment", ""),
                )
                for section in session.scorecard_version.sections.all()
                for item in section.criteria.all()
            }
            services.save_calibration_score(
                session=session,
                evaluation=evaluation,
                answers=answers,
                overall_comment=request.POST.get("overall_comment", ""),
                submit=submit,
                actor=request.user,
            )
        except DomainError as exc:
            if exc.code in {"conflict", "permission_denied"}:
                messages.error(request, exc.message)
                return redirect(_session_url(request.tenant, session))
            errors, message, status = exc.fields, exc.message, 400
        else:
            if submit:
                messages.success(
                    request,
                    f"Your score of {interaction.reference} is submitted. It counts only in "
                    "this session's agreement, never in the QA score.",
                )
                return redirect(_session_url(request.tenant, session))
            messages.success(request, "Draft saved: submit it when every criterion is answered.")
            return redirect(
                reverse(
                    "client:calibration_score",
                    args=[request.tenant.slug, session.pk, interaction.pk],
                )
            )
    return render(
        request,
        "quality/calibration_score.html",
        {
            "session": session,
            "interaction": interaction,
            "evaluation": evaluation,
            "editable": editable,
            "is_participant": is_participant,
            "rows": _score_rows(session, evaluation, request.POST if errors else None, errors),
            "overall_comment": request.POST.get("overall_comment", "")
            if errors
            else (evaluation.overall_comment if evaluation else ""),
            "error_message": message,
        },
        status=status,
    )
