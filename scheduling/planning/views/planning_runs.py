"""Planning run pages, provider-side under ``/planning-runs/``: the list, starting a run, its
progress (a background job; htmx polls the bar) and its result per client."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse

from bpo.accounts.decorators import provider_page
from bpo.accounts.permissions import can_run_planning
from bpo.errors import DomainError, NotFoundError
from bpo.forms import add_domain_error
from scheduling.planning.forms.planning_runs import StartPlanningRunForm
from scheduling.planning.selectors import planning_runs as selectors
from scheduling.planning.services import planning_runs as services
from scheduling.roster.models import PlanningRunStatus

IN_PROGRESS = {PlanningRunStatus.QUEUED, PlanningRunStatus.RUNNING}


def _run_or_404(request, planning_run_id: int):
    from django.http import Http404

    try:
        run = selectors.access_planning_run(user=request.user, run_id=planning_run_id)
    except NotFoundError as error:
        raise Http404(error.message) from None
    return services.settle_planning_run(run=run)


def _plan_link(client, plan_id) -> str | None:
    """The client's plan page (the plan grid's), or its plan list, once those routes exist."""
    for name, args in (("client:plan", [client.slug, plan_id]), ("client:plans", [client.slug])):
        try:
            return reverse(name, args=args)
        except NoReverseMatch:
            continue
    return None


@provider_page(can_run_planning)
def run_list(request):
    return render(
        request,
        "planning/run_list.html",
        {"runs": selectors.list_planning_runs(user=request.user)},
    )


@provider_page(can_run_planning)
def run_start(request):
    clients = selectors.plannable_clients(request.user)
    form = StartPlanningRunForm(request.POST or None, clients=clients)
    if request.method == "POST" and form.is_valid():
        try:
            run = services.start_planning_run(
                user=request.user,
                week_starts_on=form.cleaned_data["week_starts_on"],
                clients=form.chosen_clients(),
                time_limit_seconds=form.cleaned_data["time_limit"],
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            return redirect("planning_runs:run", run.pk)
    return render(request, "planning/run_start.html", {"form": form})


def _context(run) -> dict:
    clients = list(run.clients.all())
    rows = []
    for client in sorted(clients, key=lambda c: c.name):
        figures = (run.figures.get("clients") or {}).get(str(client.pk))
        rows.append(
            {
                "client": client,
                "figures": figures,
                "link": _plan_link(client, figures["plan_id"]) if figures else None,
            }
        )
    return {
        "run": run,
        "job": run.job,
        "rows": rows,
        "total": run.figures.get("total"),
        "in_progress": run.status in IN_PROGRESS,
    }


@provider_page(can_run_planning)
def run_detail(request, planning_run_id: int):
    run = _run_or_404(request, planning_run_id)
    return render(request, "planning/run_detail.html", _context(run))


@provider_page(can_run_planning)
def run_progress(request, planning_run_id: int):
    """The fragment htmx polls; once the run has finished it asks for a full reload."""
    run = _run_or_404(request, planning_run_id)
    response = render(request, "planning/_run_progress.html", _context(run))
    if run.status not in IN_PROGRESS and request.htmx:
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"
    return response
