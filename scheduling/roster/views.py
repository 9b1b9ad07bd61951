"""The roster's pages, provider-side under ``/roster/``.

Guards: ``provider_page`` with the roster rights of ``bpo.accounts.permissions`` (everyone
else, client users above all, gets 404); the time-off steps take their right from
``services.WORKFLOW``; whether an agent acts on their own time off is the service's check.
"""

from __future__ import annotations

import hashlib

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from bpo.accounts.decorators import provider_page
from bpo.accounts.permissions import (
    accessible_clients,
    can_manage_roster,
    can_request_time_off,
    can_use_roster,
    can_view_roster,
    provider_roles,
)
from bpo.errors import DomainError, NotFoundError, PermissionDeniedError
from bpo.forms import add_domain_error
from bpo.portal.views import next_url
from scheduling.roster import roster_csv, selectors, services
from scheduling.roster.fields import format_preferences
from scheduling.roster.forms import (
    AgentFilterForm,
    AgentForm,
    AllowanceForm,
    EndAgentForm,
    RosterImportForm,
    ShiftTemplateForm,
    SiteForm,
    SkillForm,
    TeamForm,
    TimeOffForm,
)
from scheduling.roster.models import TimeOffStatus

AGENTS_PER_PAGE = 25
REQUESTS_PER_PAGE = 25
IMPORT_SESSION_KEY = "roster_import"
IMPORT_MAX_BYTES = 5 * 1024 * 1024


def _not_found(view):
    """A selector's not-found is the page's 404."""

    def wrapped(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except NotFoundError as error:
            raise Http404(error.message) from None

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


# --- the roster ----------------------------------------------------------------------------------


@provider_page(can_view_roster)
@require_GET
def agent_list(request):
    """The roster, filtered by team, site, skill and client; htmx gets the table only."""
    clients = accessible_clients(request.user).order_by("name")
    form = AgentFilterForm(request.GET or None, clients=clients)
    filters: dict = {}
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        filters = {
            "search": data["q"].strip(),
            "team_id": data["team"].pk if data["team"] else None,
            "site_id": data["site"].pk if data["site"] else None,
            "skill_id": data["skill"].pk if data["skill"] else None,
            "client_id": data["client"].pk if data["client"] else None,
            "unplanned_week": selectors.this_monday() if data["week"] == "unplanned" else None,
        }
    agents = selectors.list_agents(user=request.user, **filters)
    page = Paginator(agents, AGENTS_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "is_filtered": any(filters.values()),
        "may_manage": can_manage_roster(request.user),
    }
    if request.htmx and request.htmx.target == "agent-table":
        return render(request, "roster/_agent_table.html", context)
    return render(request, "roster/agent_list.html", context)


@provider_page(can_view_roster)
@require_GET
def export_roster(request):
    content = roster_csv.write_csv(
        [services.agent_data_of(agent) for agent in selectors.list_agents(user=request.user)]
    )
    response = HttpResponse(content, content_type="text/csv; charset=utf-8")
    stamp = timezone.now().strftime("%Y-%m-%d")
    response["Content-Disposition"] = f'attachment; filename="roster-{stamp}.csv"'
    return response


@provider_page(can_view_roster)
@_not_found
@require_GET
def agent_detail(request, agent_id: int):
    agent = selectors.access_agent(user=request.user, agent_id=agent_id)
    year = timezone.localdate().year
    may_manage = can_manage_roster(request.user)
    return render(
        request,
        "roster/agent_detail.html",
        {
            "agent": agent,
            "preferences_text": format_preferences(services.agent_data_of(agent).preferences),
            "balance": services.balance_of(agent=agent, year=year),
            "requests": selectors.list_time_off_requests(
                user=request.user, agent_id=agent.pk
            ).order_by("-starts_on")[:20],
            "events": selectors.list_agent_events(agent=agent),
            "may_manage": may_manage,
            "allowance_form": AllowanceForm(initial={"year": year}),
            "end_form": EndAgentForm(initial={"ends_on": agent.ends_on}),
        },
    )


def _save_agent(request, agent=None):
    if request.method == "POST":
        form = AgentForm(request.POST)
        if form.is_valid():
            try:
                if agent is None:
                    agent = services.create_agent(data=form.agent_data(), actor=request.user)
                    messages.success(request, f"{agent.full_name} was added to the roster.")
                else:
                    services.update_agent(agent=agent, data=form.agent_data(), actor=request.user)
                    messages.success(request, f"{agent.full_name} was saved.")
                return redirect("roster:agent", agent_id=agent.pk)
            except DomainError as error:
                add_domain_error(form, error)
    elif agent is not None:
        form = AgentForm(initial=AgentForm.initial_of(services.agent_data_of(agent)))
    else:
        form = AgentForm(
            initial={
                "min_hours_per_week": 0,
                "max_hours_per_week": 40,
                "days_per_week": 5,
                "hourly_cost": "0.00",
                "starts_on": timezone.localdate(),
            }
        )
    return render(request, "roster/agent_form.html", {"form": form, "agent": agent})


@provider_page(can_manage_roster)
def agent_create(request):
    return _save_agent(request)


@provider_page(can_manage_roster)
@_not_found
def agent_edit(request, agent_id: int):
    return _save_agent(request, selectors.access_agent(user=request.user, agent_id=agent_id))


@provider_page(can_manage_roster)
@_not_found
@require_POST
def agent_allowance(request, agent_id: int):
    agent = selectors.access_agent(user=request.user, agent_id=agent_id)
    form = AllowanceForm(request.POST)
    if form.is_valid():
        try:
            services.set_time_off_allowance(
                agent=agent,
                year=form.cleaned_data["year"],
                days=form.cleaned_data["days"],
                actor=request.user,
            )
            messages.success(request, "The allowance was saved.")
        except DomainError as error:
            messages.error(request, error.message)
    else:
        messages.error(request, "Give a year and the number of days.")
    return redirect("roster:agent", agent_id=agent.pk)


@provider_page(can_manage_roster)
@_not_found
@require_POST
def agent_end(request, agent_id: int):
    agent = selectors.access_agent(user=request.user, agent_id=agent_id)
    form = EndAgentForm(request.POST)
    if form.is_valid():
        try:
            services.end_agent(
                agent=agent, ends_on=form.cleaned_data["ends_on"], actor=request.user
            )
            messages.success(request, f"{agent.full_name}'s last day was saved.")
        except DomainError as error:
            messages.error(request, error.message)
    else:
        messages.error(request, "Give the last working day.")
    return redirect("roster:agent", agent_id=agent.pk)


# --- shift templates -----------------------------------------------------------------------------


@provider_page(can_view_roster)
def template_list(request):
    may_manage = can_manage_roster(request.user)
    form = ShiftTemplateForm()
    if request.method == "POST":
        if not may_manage:
            raise PermissionDenied("Only schedulers change shift templates.")
        form = ShiftTemplateForm(request.POST)
        if form.is_valid():
            try:
                template = services.save_shift_template(actor=request.user, **form.cleaned_data)
                messages.success(request, f"Shift template {template.name} was added.")
                return redirect("roster:templates")
            except DomainError as error:
                add_domain_error(form, error)
    return render(
        request,
        "roster/template_list.html",
        {
            "templates": selectors.list_shift_templates(),
            "form": form,
            "may_manage": may_manage,
        },
    )


@provider_page(can_manage_roster)
@_not_found
def template_edit(request, template_id: int):
    template = selectors.get_shift_template(template_id=template_id)
    if request.method == "POST":
        form = ShiftTemplateForm(request.POST)
        if form.is_valid():
            try:
                services.save_shift_template(
                    template=template, actor=request.user, **form.cleaned_data
                )
                messages.success(request, f"Shift template {template.name} was saved.")
                return redirect("roster:templates")
            except DomainError as error:
                add_domain_error(form, error)
    else:
        form = ShiftTemplateForm(initial=ShiftTemplateForm.initial_of(template))
    return render(request, "roster/template_form.html", {"form": form, "template": template})


# --- teams, sites and skills --------------------------------------------------------------------


@provider_page(can_view_roster)
def reference_data(request):
    """Teams (lead, cap on agents off at once), sites and skills; schedulers add them here."""
    forms_by_kind = {"team": TeamForm(), "site": SiteForm(), "skill": SkillForm()}
    may_manage = can_manage_roster(request.user)
    status = 200
    if request.method == "POST":
        if not may_manage:
            raise PermissionDenied("Only schedulers change teams, sites and skills.")
        kind = request.POST.get("kind", "")
        form_class = {"team": TeamForm, "site": SiteForm, "skill": SkillForm}.get(kind)
        if form_class is None:
            raise Http404()
        form = form_class(request.POST)
        forms_by_kind[kind] = form
        if form.is_valid():
            data = form.cleaned_data
            saved: object
            try:
                if kind == "team":
                    saved = services.save_team(
                        name=data["name"],
                        lead_agent=data["lead_agent"],
                        max_off=data["max_off"],
                        actor=request.user,
                    )
                elif kind == "site":
                    saved = services.save_site(
                        name=data["name"], time_zone=data["time_zone"].strip(), actor=request.user
                    )
                else:
                    saved = services.save_skill(name=data["name"], actor=request.user)
                messages.success(request, f"{saved} was added.")
                return redirect("roster:reference")
            except DomainError as error:
                add_domain_error(form, error)
        status = 400
    return render(
        request,
        "roster/reference.html",
        {
            "teams": selectors.list_teams(),
            "sites": selectors.list_sites(),
            "skills": selectors.list_skills(),
            "forms": forms_by_kind,
            "may_manage": may_manage,
        },
        status=status,
    )


# --- time off ------------------------------------------------------------------------------------


def _queue_context(request, refuse_forms=None, errors=None) -> dict:
    waiting = selectors.list_time_off_requests(user=request.user, status=TimeOffStatus.REQUESTED)
    page = Paginator(waiting, REQUESTS_PER_PAGE).get_page(request.GET.get("page"))
    decided = (
        selectors.list_time_off_requests(user=request.user)
        .exclude(status=TimeOffStatus.REQUESTED)
        .order_by("-decided_at", "-id")[:15]
    )
    return {
        "page": page,
        "query": "",
        "decided": decided,
        "refuse_forms": refuse_forms or {},
        "errors": errors or {},
        "may_manage": can_manage_roster(request.user),
        "request_form": TimeOffForm(agents=selectors.list_agents(user=request.user)),
    }


@provider_page(can_view_roster)
@require_GET
def time_off_queue(request):
    """Requests waiting for the scheduler's decision, the latest decisions below."""
    return render(request, "roster/time_off_queue.html", _queue_context(request))


@provider_page(can_use_roster)
@_not_found
@require_POST
def time_off_step(request, request_id: int, step: str):
    """Approve, refuse (with a reason) or cancel; htmx swaps the request's row."""
    workflow_step = services.WORKFLOW.get(step)
    if workflow_step is None:
        raise Http404()
    if not provider_roles(request.user) & workflow_step.right:
        raise PermissionDenied("Your role does not allow this.")
    time_off = selectors.access_time_off_request(user=request.user, request_id=request_id)
    reason = request.POST.get("reason", "")
    error_message = ""
    try:
        time_off = services.run_time_off_step(
            name=step, request=time_off, actor=request.user, reason=reason
        )
    except PermissionDeniedError as error:
        raise PermissionDenied(error.message) from None
    except DomainError as error:
        error_message = error.message
    next_page = next_url(request, reverse("roster:time_off"))
    if request.htmx:
        time_off = selectors.access_time_off_request(user=request.user, request_id=request_id)
        return render(
            request,
            "roster/_time_off_row.html",
            {
                "item": time_off,
                "error": error_message,
                "reason": reason,
                "may_manage": can_manage_roster(request.user),
                "next": next_page,
            },
        )
    if error_message:
        messages.error(request, error_message)
    else:
        messages.success(
            request,
            f"{time_off.get_kind_display()} of {time_off.agent.full_name} "
            f"{time_off.period_display}: {time_off.get_status_display().lower()}.",
        )
    return redirect(next_url(request, reverse("roster:time_off")))


@provider_page(can_manage_roster)
@require_POST
def time_off_request_for_agent(request):
    """A scheduler enters time off for an agent (it then waits for a decision like any)."""
    form = TimeOffForm(request.POST, agents=selectors.list_agents(user=request.user))
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.request_time_off(
                agent=data["agent"],
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                kind=data["kind"],
                note=data["note"],
                actor=request.user,
            )
            messages.success(request, f"Time off for {data['agent'].full_name} was entered.")
            return redirect("roster:time_off")
        except DomainError as error:
            add_domain_error(form, error)
    context = _queue_context(request)
    context["request_form"] = form
    return render(request, "roster/time_off_queue.html", context, status=400)


@provider_page(can_use_roster)
def my_time_off(request):
    """An agent's own balance, requests and the form to ask for more."""
    agent = selectors.agent_of_user(request.user)
    if agent is None:
        return render(request, "roster/my_time_off.html", {"agent": None})
    form = TimeOffForm()
    if request.method == "POST":
        if not (can_request_time_off(request.user) or can_manage_roster(request.user)):
            raise PermissionDenied("Your role does not allow requesting time off.")
        form = TimeOffForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.request_time_off(
                    agent=agent,
                    starts_on=data["starts_on"],
                    ends_on=data["ends_on"],
                    kind=data["kind"],
                    note=data["note"],
                    actor=request.user,
                )
                messages.success(request, "Your request was sent to the schedulers.")
                return redirect("roster:my_time_off")
            except DomainError as error:
                add_domain_error(form, error)
    today = timezone.localdate()
    return render(
        request,
        "roster/my_time_off.html",
        {
            "agent": agent,
            "form": form,
            "balances": [
                services.balance_of(agent=agent, year=year, today=today)
                for year in (today.year, today.year + 1)
            ],
            "requests": selectors.list_time_off_requests(
                user=request.user, agent_id=agent.pk
            ).order_by("-starts_on"),
            "today": today,
            "statuses": TimeOffStatus,
        },
        status=400 if form.is_bound else 200,
    )


# --- the roster import ---------------------------------------------------------------------------


@provider_page(can_manage_roster)
def roster_import(request):
    """Upload -> preview of the changes (nothing stored) -> commit, all or nothing."""
    form = RosterImportForm()
    plan = None
    if request.method == "POST" and request.POST.get("commit"):
        stored = request.session.get(IMPORT_SESSION_KEY) or {}
        if stored.get("digest") != request.POST.get("digest"):
            messages.error(request, "The preview has expired: upload the file again.")
            return redirect("roster:import")
        content = stored["content"].encode("utf-8")
        try:
            plan = services.import_roster(content=content, actor=request.user)
        except services.RosterImportError as error:
            plan = services.ImportPlan(changes=[], problems=error.problems, rows=[])
        else:
            del request.session[IMPORT_SESSION_KEY]
            counts = plan.counts
            messages.success(
                request,
                f"Roster imported: {counts['new']} new, {counts['changed']} changed, "
                f"{counts['unchanged']} unchanged.",
            )
            return redirect("roster:agents")
    elif request.method == "POST":
        form = RosterImportForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            if upload.size > IMPORT_MAX_BYTES:
                form.add_error("file", "The file is larger than 5 MB.")
            else:
                content = upload.read()
                plan = services.plan_roster_import(content=content)
                if not plan.problems:
                    request.session[IMPORT_SESSION_KEY] = {
                        "digest": hashlib.sha256(content).hexdigest(),
                        "content": content.decode("utf-8-sig"),
                    }
    digest = (request.session.get(IMPORT_SESSION_KEY) or {}).get("digest", "")
    return render(
        request,
        "roster/import.html",
        {
            "form": form,
            "plan": plan,
            "digest": digest,
            "columns": roster_csv.COLUMNS,
            "shown_changes": [c for c in plan.changes if c.action != "unchanged"][:200]
            if plan
            else [],
        },
        status=400 if plan and plan.problems else 200,
    )
