"""Pages of the tenant registry: client list, onboarding wizard and progress, client overview.

Access is decided by ``bpo.accounts.permissions`` through the ``provider_page`` and
``client_page`` guards; writes go through ``tenants.services``.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from bpo.accounts.decorators import client_page, provider_page
from bpo.accounts.permissions import can, can_onboard_clients, is_provider_staff
from bpo.accounts.roles import Action
from bpo.errors import DomainError
from bpo.portal.todos import todos_for
from tenants import onboarding_rules, pilot, selectors, services
from tenants.forms import (
    BillingForm,
    ClientAdminForm,
    ClientFilterForm,
    ClientStatusForm,
    CompanyForm,
    OnboardingStepForm,
    country_name,
    currency_name,
    single_time_zone_of,
    time_zone_choices,
    zones_of_country,
)
from tenants.models import ClientStatus, ExportReason
from tenants.pilot import pilot_checklist

CLIENTS_PER_PAGE = 25
EVENTS_PER_PAGE = 20
RECENT_RUNS = 10
RECENT_EXPORTS = 10

# --- client list ----------------------------------------------------------------------------


@provider_page(is_provider_staff)
@require_GET
def client_list(request):
    """The clients the user may open, with search, status filter and pagination. An htmx
    request (live search) gets the table fragment only."""
    form = ClientFilterForm(request.GET or None)
    search = status = ""
    if form.is_bound and form.is_valid():
        search = form.cleaned_data["q"].strip()
        status = form.cleaned_data["status"]
    clients = selectors.list_clients(user=request.user, search=search, status=status)
    page = Paginator(clients, CLIENTS_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "is_filtered": bool(search or status),
        "query": query.urlencode(),
    }
    if request.htmx and request.htmx.target == "client-table":
        return render(request, "tenants/_client_table.html", context)
    if can_onboard_clients(request.user):
        context["recent_runs"] = list(
            selectors.list_onboarding_runs(user=request.user)[:RECENT_RUNS]
        )
    return render(request, "tenants/client_list.html", context)


# --- onboarding wizard ----------------------------------------------------------------------


@dataclass(frozen=True)
class WizardStep:
    key: str
    title: str
    form_class: type[OnboardingStepForm] | None


WIZARD_STEPS = (
    WizardStep("company", "Company", CompanyForm),
    WizardStep("billing", "Billing", BillingForm),
    WizardStep("admin", "Client admin", ClientAdminForm),
    WizardStep("review", "Review", None),
)
STEPS_BY_KEY = {step.key: step for step in WIZARD_STEPS}
WIZARD_SESSION_KEY = "tenants.onboarding_wizard"


class OnboardingWizard:
    """The wizard's answers and finished steps, kept in the session until submitted."""

    def __init__(self, session):
        self.session = session
        state = session.get(WIZARD_SESSION_KEY) or {}
        self.answers: dict[str, str] = dict(state.get("answers") or {})
        self.completed: list[str] = list(state.get("completed") or [])

    def _save(self) -> None:
        self.session[WIZARD_SESSION_KEY] = {"answers": self.answers, "completed": self.completed}

    def reset(self) -> None:
        self.session.pop(WIZARD_SESSION_KEY, None)
        self.answers, self.completed = {}, []

    def first_open_step(self) -> WizardStep:
        for step in WIZARD_STEPS:
            if step.form_class is not None and step.key not in self.completed:
                return step
        return STEPS_BY_KEY["review"]

    def is_reachable(self, step: WizardStep) -> bool:
        index = WIZARD_STEPS.index(step)
        return all(earlier.key in self.completed for earlier in WIZARD_STEPS[:index])

    def answers_for(self, step: WizardStep) -> dict[str, str]:
        """The step's stored answers; unanswered fields are left out (their defaults show)."""
        assert step.form_class is not None
        return {
            name: self.answers[name]
            for name in step.form_class.base_fields
            if self.answers.get(name, "") != ""
        }

    def complete(self, step: WizardStep, values: dict) -> None:
        self.answers.update({key: str(value) for key, value in values.items()})
        if step.key not in self.completed:
            self.completed.append(step.key)
        self._save()

    def keep_draft(self, step: WizardStep, values: dict) -> None:
        """Going back keeps what was typed, unchecked: the step must be passed again."""
        self.answers.update({key: str(value) for key, value in values.items()})
        self.reopen([step])

    def reopen(self, steps) -> None:
        keys = {step.key for step in steps}
        self.completed = [key for key in self.completed if key not in keys]
        self._save()

    @staticmethod
    def step_of_field(field: str) -> WizardStep:
        for step in WIZARD_STEPS:
            if step.form_class is not None and field in step.form_class.base_fields:
                return step
        return WIZARD_STEPS[0]


def _step_url(step: WizardStep, **query) -> str:
    url = reverse("tenants:onboard_step", args=[step.key])
    if query:
        url += "?" + "&".join(f"{key}={value}" for key, value in query.items())
    return url


@provider_page(can_onboard_clients)
@require_GET
def onboard(request):
    """Start (or resume) the wizard at its first unfinished step."""
    return redirect(_step_url(OnboardingWizard(request.session).first_open_step()))


@provider_page(can_onboard_clients)
def onboard_step(request, step: str):
    current = STEPS_BY_KEY.get(step)
    if current is None:
        raise Http404("No such step")
    wizard = OnboardingWizard(request.session)
    if not wizard.is_reachable(current):
        return redirect(_step_url(wizard.first_open_step()))
    if current.form_class is None:
        return _review(request, wizard)

    form_class = current.form_class
    index = WIZARD_STEPS.index(current)
    if request.method == "POST":
        form = form_class(request.POST, answers=wizard.answers)
        if request.POST.get("action") == "back" and index > 0:
            wizard.keep_draft(current, {name: request.POST.get(name, "") for name in form.fields})
            return redirect(_step_url(WIZARD_STEPS[index - 1]))
        if form.is_valid():
            wizard.complete(current, {name: form.cleaned_data[name] for name in form.fields})
            return redirect(_step_url(WIZARD_STEPS[index + 1]))
        status = 400
    elif request.GET.get("check") and current.key not in wizard.completed:
        # Sent back from the review: show what is wrong with the stored answers.
        form = form_class(wizard.answers_for(current), answers=wizard.answers)
        form.is_valid()
        status = 200
    else:
        form = form_class(initial=wizard.answers_for(current), answers=wizard.answers)
        status = 200
    return render(
        request,
        "tenants/onboard_step.html",
        _wizard_context(wizard, current, form=form),
        status=status,
    )


def _wizard_context(wizard: OnboardingWizard, current: WizardStep, **extra) -> dict:
    index = WIZARD_STEPS.index(current)
    return {
        "steps": [
            {
                "step": step,
                "number": number,
                "is_current": step == current,
                "is_done": step.key in wizard.completed,
                "url": _step_url(step) if wizard.is_reachable(step) else "",
            }
            for number, step in enumerate(WIZARD_STEPS, start=1)
        ],
        "current": current,
        "number": index + 1,
        "previous": WIZARD_STEPS[index - 1] if index else None,
        **extra,
    }


def _review(request, wizard: OnboardingWizard):
    answers = wizard.answers
    if request.method == "POST":
        if request.POST.get("action") == "back":
            return redirect(_step_url(WIZARD_STEPS[-2]))
        try:
            run = services.start_onboarding(data=answers, requested_by=request.user)
        except DomainError as exc:
            failed = {wizard.step_of_field(field) for field in exc.fields} or {WIZARD_STEPS[0]}
            wizard.reopen(failed)
            # Every problem at once, so that no step's error waits for the next round.
            problems = [text for texts in exc.fields.values() for text in texts]
            messages.error(request, " ".join(problems) or exc.message)
            first = min(failed, key=WIZARD_STEPS.index)
            return redirect(_step_url(first, check=1))
        wizard.reset()
        messages.success(request, f"Onboarding of {run.answers['name']} has started.")
        return redirect("tenants:onboarding_run", run_id=run.pk)
    summary = [
        {
            "step": step,
            "url": _step_url(step),
            "rows": [
                (field.label, _display_answer(name, answers.get(name, "")))
                for name, field in step.form_class.base_fields.items()
            ],
        }
        for step in WIZARD_STEPS
        if step.form_class is not None
    ]
    return render(
        request,
        "tenants/onboard_review.html",
        _wizard_context(wizard, STEPS_BY_KEY["review"], summary=summary, answers=answers),
    )


def _display_answer(name: str, value: str) -> str:
    from tenants.models import BillingModel, Industry

    if name == "country":
        return f"{country_name(value)} ({value})" if value else ""
    if name == "currency":
        return f"{value} — {currency_name(value)}" if value else ""
    if name == "industry":
        return Industry(value).label if value in Industry.values else value
    if name == "billing_model":
        return BillingModel(value).label if value in BillingModel.values else value
    if name == "slug":
        return f"/c/{value}/"
    return value


@provider_page(can_onboard_clients)
@require_POST
def onboard_reset(request):
    OnboardingWizard(request.session).reset()
    messages.info(request, "The onboarding form was cleared.")
    return redirect("tenants:onboard")


@provider_page(can_onboard_clients)
@require_GET
def onboard_address_check(request):
    """htmx: the address a name suggests, or what is wrong with the typed one."""
    name = request.GET.get("name", "")
    typed = request.GET.get("slug", "").strip()
    slug = typed.lower() or onboarding_rules.suggest_slug(name)
    context = {"slug": slug, "typed": bool(typed), "error": "", "show": bool(typed or name)}
    if context["show"]:
        try:
            onboarding_rules.validate_answer_fields({"name": name, "slug": typed}, fields=["slug"])
        except DomainError as exc:
            context["error"] = exc.message
    return render(request, "tenants/_address_hint.html", context)


@provider_page(can_onboard_clients)
@require_GET
def onboard_time_zone_options(request):
    """htmx: the time zone options with the chosen country's zones first."""
    country = request.GET.get("country", "").upper()
    selected = request.GET.get("time_zone", "")
    if selected not in zones_of_country(country):
        selected = single_time_zone_of(country) or selected
    groups = [
        (value, label) if isinstance(label, list | tuple) else (None, [(value, label)])
        for value, label in time_zone_choices(country)
    ]
    return render(
        request, "tenants/_time_zone_options.html", {"groups": groups, "selected": selected}
    )


# --- onboarding progress ----------------------------------------------------------------------


@provider_page(can_onboard_clients)
@require_GET
def onboarding_run(request, run_id):
    run = selectors.access_onboarding_run(user=request.user, run_id=run_id)
    return render(request, "tenants/onboarding_run.html", {"run": run, "job": run.job})


@provider_page(can_onboard_clients)
@require_GET
def onboarding_run_progress(request, run_id):
    """The progress fragment htmx polls; it stops polling once the job is finished."""
    run = selectors.access_onboarding_run(user=request.user, run_id=run_id)
    return render(request, "tenants/_onboarding_progress.html", {"run": run, "job": run.job})


@provider_page(can_onboard_clients)
@require_POST
def onboarding_run_retry(request, run_id):
    run = selectors.access_onboarding_run(user=request.user, run_id=run_id)
    try:
        services.retry_onboarding(run=run, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Provisioning was queued again.")
    return redirect("tenants:onboarding_run", run_id=run.pk)


# --- client overview and lifecycle -------------------------------------------------------------


@dataclass(frozen=True)
class LifecycleAction:
    status: str
    label: str
    style: str = ""
    needs_confirmation: bool = False
    asks_note: bool = False
    # What must be done first; while it is not empty the action is shown disabled.
    missing: tuple[str, ...] = ()


def lifecycle_actions(client, checklist=()) -> list[LifecycleAction]:
    """What the overview offers for the client's status (the service has the final word).
    ``checklist`` is the pilot checklist: "Go live" is disabled until every item is done."""
    offboard = LifecycleAction(ClientStatus.OFFBOARDED, "Offboard…", "danger", True)
    suspend = LifecycleAction(ClientStatus.SUSPENDED, "Suspend", "secondary", asks_note=True)
    if client.status == ClientStatus.ONBOARDING:
        missing = tuple(
            state.label if state.is_available else f"{state.label} (coming soon)"
            for state in pilot.missing_items(list(checklist))
        )
        return [LifecycleAction(ClientStatus.LIVE, "Go live", missing=missing), suspend, offboard]
    if client.status == ClientStatus.LIVE:
        return [suspend, offboard]
    if client.status == ClientStatus.SUSPENDED:
        return [LifecycleAction(services.reactivation_status(client), "Reactivate"), offboard]
    return []


@client_page(Action.VIEW_CLIENT)
@require_GET
def client_overview(request):
    client = request.tenant
    events = Paginator(selectors.list_client_events(client=client), EVENTS_PER_PAGE).get_page(
        request.GET.get("events")
    )
    can_manage = can(request.user, client, Action.MANAGE_CLIENT)
    can_export = can(request.user, client, Action.EXPORT_CLIENT_DATA)
    pilot_context = _pilot_context(client)
    return render(
        request,
        "tenants/client_overview.html",
        {
            "client": client,
            "todos": todos_for(user=request.user, clients=[client]),
            **pilot_context,
            "can_manage": can_manage,
            "actions": (
                lifecycle_actions(client, pilot_context["checklist"]) if can_manage else []
            ),
            "events": events,
            "can_export": can_export,
            "exports": (
                list(selectors.list_client_exports(client=client)[:RECENT_EXPORTS])
                if can_export
                else []
            ),
        },
    )


def _pilot_context(client) -> dict:
    checklist = pilot_checklist(client=client)
    return {
        "checklist": checklist,
        "pilot_complete": pilot.is_complete(checklist),
        "pilot_refreshes": pilot.awaits_items(checklist),
    }


@client_page(Action.VIEW_CLIENT)
@require_GET
def client_pilot_checklist(request):
    """The checklist card alone: the overview polls it while the pilot is incomplete."""
    client = request.tenant
    return render(
        request, "tenants/_pilot_checklist.html", {"client": client, **_pilot_context(client)}
    )


@client_page(Action.MANAGE_CLIENT)
@require_GET
def client_offboard(request):
    """The confirmation step before offboarding."""
    client = request.tenant
    if client.status == ClientStatus.OFFBOARDED:
        messages.info(request, f"{client.name} is offboarded already.")
        return redirect("client:overview", client.slug)
    form = ClientStatusForm(initial={"status": ClientStatus.OFFBOARDED}, client=client)
    return render(request, "tenants/client_offboard.html", {"client": client, "form": form})


@client_page(Action.MANAGE_CLIENT)
@require_POST
def client_change_status(request):
    client = request.tenant
    form = ClientStatusForm(request.POST, client=client)
    if not form.is_valid():
        if "confirm" in form.errors:
            return render(
                request,
                "tenants/client_offboard.html",
                {"client": client, "form": form},
                status=400,
            )
        messages.error(
            request, " ".join(str(error) for errors in form.errors.values() for error in errors)
        )
        return redirect("client:overview", client.slug)
    try:
        client = services.change_client_status(
            client=client,
            status=form.cleaned_data["status"],
            actor=request.user,
            note=form.cleaned_data["note"].strip(),
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"{client.name} is now {client.get_status_display().lower()}.")
    return redirect("client:overview", client.slug)


# --- data exports ----------------------------------------------------------------------------


def _exports_card(client) -> str:
    return reverse("client:overview", args=[client.slug]) + "#data-exports"


@client_page(Action.EXPORT_CLIENT_DATA)
@require_POST
def client_export_request(request):
    """Queue a full data export of the client's schema (it appears on the overview)."""
    client = request.tenant
    try:
        services.request_client_export(
            client=client, actor=request.user, reason=ExportReason.ON_REQUEST
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "The export has started; download it below when it is done.")
    return redirect(_exports_card(client))


@client_page(Action.EXPORT_CLIENT_DATA)
@require_GET
def client_export_progress(request, export_id: int):
    """The status fragment htmx polls while the export runs; it stops once it is finished."""
    export = selectors.access_client_export(client=request.tenant, export_id=export_id)
    return render(
        request,
        "tenants/_export_status.html",
        {"client": request.tenant, "export": export, "job": export.job},
    )


@client_page(Action.EXPORT_CLIENT_DATA)
@require_POST
def client_export_retry(request, export_id: int):
    export = selectors.access_client_export(client=request.tenant, export_id=export_id)
    try:
        services.retry_client_export(export=export, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "The export was queued again.")
    return redirect(_exports_card(request.tenant))


@client_page(Action.EXPORT_CLIENT_DATA)
@require_GET
def client_export_download(request, export_id: int):
    export = selectors.access_client_export(client=request.tenant, export_id=export_id)
    try:
        return services.download_client_export(export=export, actor=request.user)
    except DomainError as exc:
        raise Http404(exc.message) from exc
