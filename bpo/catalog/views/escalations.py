"""Pages of a service line's escalation path: the path (tiers and history), its create and edit
forms (a formset of tiers), the contacts form of client admins and the resolver.

Access: ``client_page`` (login, membership 404, role 403). Reading needs
``Action.VIEW_CATALOG``; creating and editing the path ``Action.MANAGE_CATALOG``; the contacts
form ``Action.EDIT_ESCALATION_CONTACTS``. Writes go through
``bpo.catalog.services.escalations``; times show in the client's zone.
"""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from bpo.accounts.decorators import client_page
from bpo.accounts.permissions import can
from bpo.accounts.roles import Action
from bpo.catalog import resolver
from bpo.catalog.forms.escalations import (
    EscalationContactFormSet,
    EscalationPathForm,
    EscalationTierFormSet,
    ResolverForm,
    place_service_error,
)
from bpo.catalog.models import CONTACT_FIELDS, EscalationPath, ServiceLine
from bpo.catalog.selectors import escalations as selectors
from bpo.catalog.selectors.audit import escalation_history_page
from bpo.catalog.selectors.service_lines import get_service_line, weekly_hours_of
from bpo.catalog.services import escalations as services
from bpo.errors import DomainError

TIER_FORM_FIELDS = (
    "id",
    "level",
    "trigger_kind",
    "category",
    "min_severity",
    "unresolved_minutes",
    *CONTACT_FIELDS,
    "respond_within_minutes",
    "coverage",
)
NEW_TIER_DEFAULTS = {
    "trigger_kind": "severity",
    "min_severity": 1,
    "channel": "phone",
    "coverage": "always",
}
# A new row left without any of these is an unused "add a tier" row, not a tier.
NEW_TIER_CONTENT = ("category", "contact_name", "contact_role", "phone", "email")


def _path_page(request, line: ServiceLine):
    return redirect("client:escalation_path", request.tenant.slug, line.pk)


def _tier_initial(path: EscalationPath) -> list[dict]:
    return [
        {field: getattr(tier, field) for field in TIER_FORM_FIELDS} for tier in path.tiers.all()
    ]


# --- the path ----------------------------------------------------------------------------------


@client_page(Action.VIEW_CATALOG)
@require_GET
def escalation_path(request, service_line_id: int):
    client = request.tenant
    line = get_service_line(service_line_id=service_line_id)
    path = selectors.escalation_path_of_line(service_line=line)
    may_manage = can(request.user, client, Action.MANAGE_CATALOG)
    history = None
    if path is not None and can(request.user, client, Action.VIEW_AUDIT):
        history = escalation_history_page(path=path, page_number=request.GET.get("history"))
    tiers = list(path.tiers.all()) if path else []
    return render(
        request,
        "catalog/escalation_path.html",
        {
            "line": line,
            "tab": "escalation",
            "path": path,
            "tiers": tiers,
            # Shown while it holds, so a save that leaves a gap is warned about on this page.
            "coverage_gaps": (
                resolver.coverage_gaps(
                    [selectors.resolver_tier(tier) for tier in tiers],
                    weekly_hours_of(service_line=line, client=client),
                )
                if path
                else []
            ),
            "may_manage": may_manage,
            "may_edit_contacts": can(request.user, client, Action.EDIT_ESCALATION_CONTACTS),
            "history": history,
        },
    )


def _bound_formset(request, *, add_row: bool):
    """The posted tier formset; with ``add_row`` one blank row more (no JavaScript needed)."""
    data = request.POST.copy()
    if add_row:
        prefix = EscalationTierFormSet().prefix
        total = _form_count(data.get(f"{prefix}-TOTAL_FORMS"))
        data[f"{prefix}-TOTAL_FORMS"] = str(total + 1)
        for field, value in {**NEW_TIER_DEFAULTS, "level": total + 1}.items():
            data[f"{prefix}-{total}-{field}"] = str(value)
    return EscalationTierFormSet(data)


def _form_count(value) -> int:
    """A posted form count; anything but a whole number is 0 (the management form then says
    what is wrong)."""
    try:
        return max(int(value or 0), 0)
    except (TypeError, ValueError):
        return 0


def _posted_tiers(formset) -> tuple[list[dict], dict]:
    """The tiers the formset describes (removed and unused rows left out), and the form of
    each by the index the service will see."""
    tiers: list[dict] = []
    forms_by_index: dict[int, object] = {}
    for form in formset.forms:
        if form.cleaned_data.get("DELETE"):
            continue
        values = form.tier_values()
        if "id" not in values and not any(values.get(field) for field in NEW_TIER_CONTENT):
            continue
        forms_by_index[len(tiers)] = form
        tiers.append(values)
    return tiers, forms_by_index


def _render_form(request, *, line, path, path_form, formset, path_errors, status=200):
    return render(
        request,
        "catalog/escalation_path_form.html",
        {
            "line": line,
            "tab": "escalation",
            "path": path,
            "path_form": path_form,
            "formset": formset,
            "path_errors": path_errors,
        },
        status=status,
    )


@client_page(Action.MANAGE_CATALOG)
def escalation_path_create(request, service_line_id: int):
    line = get_service_line(service_line_id=service_line_id)
    if selectors.escalation_path_of_line(service_line=line) is not None:
        return redirect("client:escalation_path_edit", request.tenant.slug, line.pk)
    path_errors: list[str] = []
    if request.method != "POST":
        path_form = EscalationPathForm(initial={"name": f"{line.name} escalations"})
        formset = EscalationTierFormSet(initial=[{**NEW_TIER_DEFAULTS, "level": 1}])
        return _render_form(
            request, line=line, path=None, path_form=path_form, formset=formset, path_errors=[]
        )
    path_form = EscalationPathForm(request.POST)
    formset = _bound_formset(request, add_row="add_tier" in request.POST)
    if "add_tier" not in request.POST and path_form.is_valid() and formset.is_valid():
        tiers, forms_by_index = _posted_tiers(formset)
        try:
            services.create_escalation_path(
                service_line=line,
                name=path_form.cleaned_data["name"],
                notes=path_form.cleaned_data["notes"],
                tiers=tiers,
                actor=request.user,
                client=request.tenant,
            )
        except DomainError as exc:
            path_errors = place_service_error(
                exc, forms_by_index=forms_by_index, path_form=path_form
            )
        else:
            messages.success(request, f"The escalation path of {line.name} is created.")
            return _path_page(request, line)
    refused = "add_tier" not in request.POST
    return _render_form(
        request,
        line=line,
        path=None,
        path_form=path_form,
        formset=formset,
        path_errors=path_errors,
        status=400 if refused else 200,
    )


@client_page(Action.MANAGE_CATALOG)
def escalation_path_edit(request, service_line_id: int):
    line = get_service_line(service_line_id=service_line_id)
    path = selectors.escalation_path_of_line(service_line=line)
    if path is None:
        return redirect("client:escalation_path_create", request.tenant.slug, line.pk)
    path_errors: list[str] = []
    if request.method != "POST":
        path_form = EscalationPathForm(initial={"name": path.name, "notes": path.notes})
        formset = EscalationTierFormSet(initial=_tier_initial(path))
        return _render_form(
            request, line=line, path=path, path_form=path_form, formset=formset, path_errors=[]
        )
    path_form = EscalationPathForm(request.POST)
    formset = _bound_formset(request, add_row="add_tier" in request.POST)
    if "add_tier" not in request.POST and path_form.is_valid() and formset.is_valid():
        tiers, forms_by_index = _posted_tiers(formset)
        try:
            services.save_escalation_path(
                path=path,
                name=path_form.cleaned_data["name"],
                notes=path_form.cleaned_data["notes"],
                tiers=tiers,
                actor=request.user,
                client=request.tenant,
            )
        except DomainError as exc:
            path_errors = place_service_error(
                exc, forms_by_index=forms_by_index, path_form=path_form
            )
        else:
            messages.success(request, f"The escalation path of {line.name} is saved.")
            return _path_page(request, line)
    refused = "add_tier" not in request.POST
    return _render_form(
        request,
        line=line,
        path=path,
        path_form=path_form,
        formset=formset,
        path_errors=path_errors,
        status=400 if refused else 200,
    )


# --- contacts ------------------------------------------------------------------------------------


@client_page(Action.EDIT_ESCALATION_CONTACTS)
def escalation_contacts_edit(request, service_line_id: int):
    """Who to call at each tier: name, role, channel, phone, e-mail (nothing else)."""
    line = get_service_line(service_line_id=service_line_id)
    path = selectors.escalation_path_of_line(service_line=line)
    if path is None:
        messages.info(request, f"{line.name} has no escalation path yet.")
        return _path_page(request, line)
    tiers = list(path.tiers.all())
    initial = [
        {"id": t.pk, **{field: getattr(t, field) for field in CONTACT_FIELDS}} for t in tiers
    ]
    path_errors: list[str] = []
    if request.method == "POST":
        formset = EscalationContactFormSet(request.POST, initial=initial)
        if formset.is_valid():
            contacts = [form.contact_values() for form in formset.forms]
            try:
                services.update_escalation_contacts(
                    path=path, contacts=contacts, actor=request.user, client=request.tenant
                )
            except DomainError as exc:
                path_errors = place_service_error(
                    exc, forms_by_index=dict(enumerate(formset.forms))
                )
            else:
                messages.success(request, f"The escalation contacts of {line.name} are saved.")
                return _path_page(request, line)
        status = 400
    else:
        formset = EscalationContactFormSet(initial=initial)
        status = 200
    tier_by_id = {tier.pk: tier for tier in tiers}
    rows = [(form, tier_by_id.get(_form_id(form) or 0)) for form in formset.forms]
    return render(
        request,
        "catalog/escalation_contacts_form.html",
        {
            "line": line,
            "tab": "escalation",
            "path": path,
            "formset": formset,
            "rows": rows,
            "path_errors": path_errors,
        },
        status=status,
    )


def _form_id(form) -> int | None:
    value = form["id"].value()
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


# --- the resolver ---------------------------------------------------------------------------------


@client_page(Action.VIEW_CATALOG)
@require_GET
def escalation_resolver(request, service_line_id: int):
    """Who to contact about an issue at a date and time (in the client's zone), and who next."""
    client = request.tenant
    line = get_service_line(service_line_id=service_line_id)
    path = selectors.escalation_path_of_line(service_line=line)
    now = timezone.localtime()
    answer = None
    if "severity" in request.GET:
        form = ResolverForm(request.GET)
        if form.is_valid() and path is not None:
            answer = selectors.resolve_escalation(
                path=path,
                client=client,
                severity=form.cleaned_data["severity"],
                category=form.cleaned_data["category"],
                at=form.instant(client.time_zone),
            )
    else:
        form = ResolverForm(initial={"date": now.date(), "time": now.strftime("%H:%M")})
    # The answer's tiers as the model rows, for their labels.
    tiers_by_id = {tier.pk: tier for tier in path.tiers.all()} if path else {}
    now_tier = tiers_by_id.get(answer.tier.id or 0) if answer and answer.tier else None
    next_tier = (
        tiers_by_id.get(answer.next_tier.tier.id or 0) if answer and answer.next_tier else None
    )
    return render(
        request,
        "catalog/escalation_resolver.html",
        {
            "line": line,
            "tab": "escalation",
            "path": path,
            "form": form,
            "answer": answer,
            "now_tier": now_tier,
            "next_tier": next_tier,
            "next_period_label": (
                resolver.PERIOD_LABELS[answer.next_tier.period]
                if answer and answer.next_tier
                else ""
            ),
            "time_zone": client.time_zone,
        },
        status=400 if form.is_bound and form.errors else 200,
    )
