"""Pages of QA sampling (``/c/<client_slug>/qa/...``): the interaction list and its import, the
lines' sampling plans and the week's draw, what is due and what is done, and the week's QA
score with its confidence intervals.

Reading interactions, plans and the due list needs ``view_sampling``; importing
``import_interactions``; plans and draws ``manage_sampling``; the QA score ``view_qa_scores``.
Weeks are ISO weeks of the client's zone (``?week=2026-W48``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from bpo.accounts.decorators import client_page
from bpo.accounts.permissions import can
from bpo.accounts.roles import Action
from bpo.catalog.selectors.service_lines import get_service_line, list_service_lines
from bpo.errors import DomainError
from bpo.forms import add_domain_error
from bpo.quality import interaction_rows, intervals, sampling_selectors, selectors
from bpo.quality.sampling_forms import (
    DrawForm,
    InteractionFilterForm,
    InteractionUploadForm,
    SamplingPlanForm,
)
from bpo.quality.services import sampling as services
from scheduling.planning.selectors.sla import IsoWeek
from scheduling.roster.selectors import client_agent_choices

INTERACTIONS_PER_PAGE = 50
MARGINS = (2, 5, 10)
DEFAULT_MARGIN = 5
MOST_FAILED_SHOWN = 5


# --- weeks and lines ---------------------------------------------------------------------------


def _zone(request) -> ZoneInfo:
    return ZoneInfo(request.tenant.time_zone)


def current_week(request) -> IsoWeek:
    return IsoWeek.containing(timezone.now(), _zone(request))


def _week_from(request, default: IsoWeek | None = None) -> tuple[IsoWeek, str]:
    fallback = default or current_week(request)
    value = request.GET.get("week", "")
    if not value:
        return fallback, ""
    try:
        return IsoWeek.parse(value), ""
    except DomainError as error:
        return fallback, error.message


def _line_from(request):
    value = request.GET.get("line", "")
    if not value:
        return None, ""
    try:
        return get_service_line(service_line_id=int(value)), ""
    except (DomainError, ValueError):
        return None, "Choose one of the client's service lines."


def _week_nav(base_url: str, week: IsoWeek, **params) -> dict:
    extra = {key: value for key, value in params.items() if value}

    def url(one: IsoWeek) -> str:
        return base_url + "?" + urlencode({"week": str(one), **extra})

    return {
        "week": week,
        "week_first_day": week.monday,
        "week_last_day": week.days[-1],
        "previous_week_url": url(week.previous),
        "next_week_url": url(week.next),
        "previous_week": week.previous,
        "next_week": week.next,
    }


# --- interactions ------------------------------------------------------------------------------


@client_page(Action.VIEW_SAMPLING)
@require_GET
def interactions(request):
    lines = list(list_service_lines())
    agents = client_agent_choices(client_id=request.tenant.pk)
    form = InteractionFilterForm(request.GET or None, lines=lines, agents=agents)
    data = form.cleaned_data if form.is_valid() else {}
    errors: list[str] = []
    occurred_from = occurred_before = None
    if data.get("week"):
        try:
            week = IsoWeek.parse(data["week"])
            occurred_from, occurred_before = services.week_window(week.monday)
        except DomainError as error:
            errors.append(error.message)
    rows = sampling_selectors.list_interactions(
        service_line_id=int(data["service_line"]) if data.get("service_line") else None,
        agent_id=int(data["agent"]) if data.get("agent") else None,
        channel=data.get("channel", ""),
        occurred_from=occurred_from,
        occurred_before=occurred_before,
        search=data.get("search", ""),
    )
    page = Paginator(rows, INTERACTIONS_PER_PAGE).get_page(request.GET.get("page"))
    query = urlencode({key: value for key, value in request.GET.items() if key != "page" and value})
    return render(
        request,
        "quality/interaction_list.html",
        {
            "form": form,
            "page": page,
            "query": query,
            "filter_errors": errors,
            "is_filtered": bool(query),
            "may_import": can(request.user, request.tenant, Action.IMPORT_INTERACTIONS),
        },
    )


@client_page(Action.IMPORT_INTERACTIONS)
def interaction_import(request):
    form = InteractionUploadForm(request.POST or None, request.FILES or None)
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        rows, file_problems = interaction_rows.read_rows(form.cleaned_data["file"].read())
        try:
            if file_problems:
                raise services.InteractionImportError(file_problems)
            result = services.import_interactions(rows=rows, actor=request.user)
        except services.InteractionImportError as error:
            problems = [str(problem) for problem in error.problems]
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                f"{result.rows} rows read: {result.created} new interactions, "
                f"{result.unchanged} already stored unchanged.",
            )
            return redirect("client:qa_interactions", request.tenant.slug)
    return render(
        request,
        "quality/interaction_import.html",
        {"form": form, "problems": problems, "columns": interaction_rows.COLUMNS},
        status=400 if problems else 200,
    )


# --- sampling plans and draws ------------------------------------------------------------------


@client_page(Action.VIEW_SAMPLING)
@require_GET
def sampling(request):
    """Every line with its plan, the scorecard it uses and this (or the asked) week's draw."""
    week, week_error = _week_from(request)
    rows = sampling_selectors.list_line_sampling(monday=week.monday)
    base = reverse("client:qa_sampling", args=[request.tenant.slug])
    return render(
        request,
        "quality/sampling.html",
        {
            **_week_nav(base, week),
            "base_url": base,
            "week_error": week_error,
            "rows": rows,
            "may_manage": can(request.user, request.tenant, Action.MANAGE_SAMPLING),
        },
        status=400 if week_error else 200,
    )


def _line(service_line_id: int):
    return get_service_line(service_line_id=service_line_id)


@client_page(Action.MANAGE_SAMPLING)
def sampling_plan_edit(request, service_line_id: int):
    line = _line(service_line_id)
    plan = sampling_selectors.plan_of_line(service_line_id=line.pk)
    if request.method != "POST":
        initial = (
            {
                "mode": plan.mode,
                "evaluations_per_agent": plan.evaluations_per_agent or "",
                "share_percent": plan.share_percent or "",
                "is_active": plan.is_active,
            }
            if plan
            else {"mode": "per_agent", "evaluations_per_agent": "4", "is_active": True}
        )
        form = SamplingPlanForm(initial=initial)
    else:
        form = SamplingPlanForm(request.POST)
        form.is_valid()
        data = form.cleaned_data
        try:
            services.save_sampling_plan(
                service_line=line,
                mode=data.get("mode", ""),
                evaluations_per_agent=data.get("evaluations_per_agent"),
                share_percent=data.get("share_percent"),
                is_active=bool(data.get("is_active")),
                actor=request.user,
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, f"Sampling plan of {line.name} saved.")
            return redirect("client:qa_sampling", request.tenant.slug)
    return render(
        request,
        "quality/sampling_plan_form.html",
        {"form": form, "line": line, "plan": plan},
        status=400 if form.errors else 200,
    )


@client_page(Action.MANAGE_SAMPLING)
def sample_draw(request, service_line_id: int):
    line = _line(service_line_id)
    plan = sampling_selectors.plan_of_line(service_line_id=line.pk)
    people = sampling_selectors.evaluators()
    if plan is None:
        messages.error(request, f"{line.name} has no sampling plan yet: set one first.")
        return redirect("client:qa_sampling_plan", request.tenant.slug, line.pk)
    week, _ = _week_from(request)
    form = DrawForm(
        request.POST or None,
        evaluators=people,
        initial={"week": str(week), "evaluators": [str(u.pk) for u in people]},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        chosen = {int(pk) for pk in data["evaluators"]}
        try:
            monday = IsoWeek.parse(data["week"]).monday
            seed_text = (data.get("seed") or "").strip()
            if seed_text and not seed_text.isdigit():
                raise DomainError("A seed is a whole number, e.g. 20261123.", field="seed")
            draw = services.draw_sample(
                plan=plan,
                week=monday,
                evaluators=[user for user in people if user.pk in chosen],
                actor=request.user,
                seed=int(seed_text) if seed_text else None,
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            count = draw.evaluations.count()
            messages.success(
                request,
                f"{count} interactions drawn of {draw.population} (seed {draw.seed}) and "
                "handed out.",
            )
            return redirect(
                reverse("client:qa_due", args=[request.tenant.slug])
                + "?"
                + urlencode({"week": str(IsoWeek.of(monday)), "line": line.pk})
            )
    population = len(services.week_population(service_line_id=line.pk, monday=week.monday))
    return render(
        request,
        "quality/sample_draw.html",
        {
            "form": form,
            "line": line,
            "plan": plan,
            "week": week,
            "population": population,
            "expected": _expected_size(plan, line.pk, week.monday),
            "version": sampling_selectors.published_version_for_line(service_line_id=line.pk),
            "evaluators": people,
        },
        status=400 if form.errors else 200,
    )


def _expected_size(plan, service_line_id: int, monday: date) -> int:
    from bpo.quality import sampling

    return sampling.sample_size(
        services.week_population(service_line_id=service_line_id, monday=monday),
        services.plan_spec(plan),
    )


@client_page(Action.VIEW_SAMPLING)
@require_GET
def due(request):
    """What is due and what is done: the week's drawn evaluations per evaluator and agent."""
    week, week_error = _week_from(request)
    line, line_error = _line_from(request)
    today = timezone.now().astimezone(_zone(request)).date()
    figures = sampling_selectors.due_and_done(
        monday=week.monday, today=today, service_line_id=line.pk if line else None
    )
    base = reverse("client:qa_due", args=[request.tenant.slug])
    return render(
        request,
        "quality/sampling_due.html",
        {
            **_week_nav(base, week, line=line.pk if line else ""),
            "base_url": base,
            "line": line,
            "lines": list(list_service_lines()),
            "week_error": week_error or line_error,
            "figures": figures,
            "today": today,
        },
        status=400 if week_error or line_error else 200,
    )


# --- the week's QA score -----------------------------------------------------------------------


def margin_from(value: str | None) -> int:
    """``?margin=`` as one of ``MARGINS`` (a bad value: the default)."""
    try:
        margin = int(value or DEFAULT_MARGIN)
    except ValueError:
        return DEFAULT_MARGIN
    return margin if margin in MARGINS else DEFAULT_MARGIN


def percent_with_interval(value: float | None, interval, n: int) -> str:
    """ "82.4 % (95 % CI 76.1–88.7, n = 14)"; values in percent."""  # noqa: RUF002
    if value is None:
        return "No evaluations"
    if interval is None:
        return f"{value:.1f} % (n = {n}, too few for an interval)"
    confidence = round(interval.confidence * 100)
    # A score is never below 0 %: the t interval's lower bound is shown clipped there.
    low = max(interval.low, 0.0)
    return f"{value:.1f} % ({confidence} % CI {low:.1f}–{interval.high:.1f}, n = {n})"  # noqa: RUF001


@dataclass(frozen=True)
class Needed:
    mean: int | None
    pass_rate: int


def needed_for(figures: selectors.ScoreFigures, margin: int) -> Needed:
    """Evaluations a ±``margin`` points interval needs (mean score; pass rate), from the
    week's observed deviation and pass rate."""
    return Needed(
        mean=(
            intervals.evaluations_needed_for_mean(margin, deviation=figures.deviation)
            if figures.deviation is not None
            else None
        ),
        pass_rate=intervals.evaluations_needed_for_pass_rate(
            margin / 100, observed=figures.pass_rate.estimate if figures.pass_rate else None
        ),
    )


def _percent_interval(interval):
    if interval is None:
        return None
    return intervals.Interval(
        interval.estimate * 100, interval.low * 100, interval.high * 100, interval.confidence
    )


def figure_texts(figures: selectors.ScoreFigures, margin: int) -> dict:
    needed = needed_for(figures, margin)
    return {
        "figures": figures,
        "score": percent_with_interval(figures.mean_value, figures.mean, figures.evaluated),
        "pass_rate": percent_with_interval(
            figures.pass_rate.estimate * 100 if figures.pass_rate else None,
            _percent_interval(figures.pass_rate),
            figures.evaluated,
        ),
        "needed": needed,
        "short": needed.mean is not None and needed.mean > figures.evaluated,
    }


@client_page(Action.VIEW_QA_SCORES)
@require_GET
def qa_scores(request):
    """The week's QA score per line and agent with intervals, the most failed criteria and
    the evaluations a chosen precision needs."""
    week, week_error = _week_from(request, default=current_week(request).previous)
    line, line_error = _line_from(request)
    margin = margin_from(request.GET.get("margin"))
    lines = selectors.week_qa_figures(
        week_starts_on=week.monday, service_line_id=line.pk if line else None
    )
    cards = [
        {
            "line": figures,
            **figure_texts(figures.figures, margin),
            "agents": [
                {"agent": agent, **figure_texts(agent.figures, margin)} for agent in figures.agents
            ],
            "most_failed": [c for c in figures.criteria if c.failed][:MOST_FAILED_SHOWN],
        }
        for figures in lines
    ]
    base = reverse("client:qa_scores", args=[request.tenant.slug])
    return render(
        request,
        "quality/qa_scores.html",
        {
            **_week_nav(base, week, line=line.pk if line else "", margin=margin),
            "base_url": base,
            "line": line,
            "lines": list(list_service_lines()),
            "margin": margin,
            "margins": MARGINS,
            "cards": cards,
            "week_error": week_error or line_error,
            "may_sample": can(request.user, request.tenant, Action.VIEW_SAMPLING),
        },
        status=400 if week_error or line_error else 200,
    )
