"""The contract pages of a client (``/c/<client_slug>/contract/``): every version with its
rate card and rules in words, and the form of a new version from a day (the version in force
copied to edit). Reading needs ``view_contract``; a new version ``manage_contract``."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from billing.contracts import selectors, services
from billing.contracts.forms import TERM_FIELDS, ContractVersionForm, RateLineFormSet
from billing.contracts.wording import describe_version_rules
from bpo.accounts.decorators import client_page
from bpo.accounts.permissions import can
from bpo.accounts.roles import Action
from bpo.dates import format_when
from bpo.errors import DomainError


@client_page(Action.VIEW_CONTRACT)
@require_GET
def contract_page(request):
    versions = list(selectors.list_contract_versions().order_by("-effective_from"))
    today = services.client_today()
    in_force = selectors.version_in_force(on=today)
    return render(
        request,
        "billing/contract.html",
        {
            "versions": [
                {
                    "version": version,
                    "rules": describe_version_rules(version),
                    "is_in_force": in_force is not None and version.pk == in_force.pk,
                    "is_future": version.effective_from > today,
                }
                for version in versions
            ],
            "may_manage": can(request.user, request.tenant, Action.MANAGE_CONTRACT),
        },
    )


def _place(error: DomainError, form, formset) -> list[str]:
    """Each message of the service next to its field (``rates.1.unit_price`` on the second
    row); what has no field on the page is answered above the form."""
    elsewhere = []
    for field, problems in (error.fields or {error.field or "": [error.message]}).items():
        parts = field.split(".")
        for problem in problems:
            if parts[0] == "rates" and len(parts) == 3 and parts[1].isdigit():
                index = int(parts[1])
                if index < len(formset.forms) and parts[2] in formset.forms[index].fields:
                    formset.forms[index].add_error(parts[2], problem)
                    continue
            if field in form.fields:
                form.add_error(field, problem)
            else:
                elsewhere.append(problem)
    return elsewhere


@client_page(Action.MANAGE_CONTRACT)
@require_http_methods(["GET", "POST"])
def new_contract_version(request):
    latest = selectors.latest_contract_version()
    copied = services.copy_version_rows(latest) if latest else {}
    elsewhere: list[str] = []
    status = 200
    if request.method == "POST":
        form = ContractVersionForm(request.POST)
        formset = RateLineFormSet(request.POST, prefix="rates")
        if form.is_valid() and formset.is_valid():
            rows = [
                f.values()
                for f in formset.forms
                if f.cleaned_data and not f.cleaned_data.get("DELETE") and not f.is_blank()
            ]
            try:
                version = services.create_contract_version(
                    effective_from=form.cleaned_data["effective_from"],
                    actor=request.user,
                    terms=form.terms(),
                    rates=rows,
                    note=form.cleaned_data.get("note") or "",
                )
            except DomainError as error:
                elsewhere = _place(error, form, formset)
            else:
                messages.success(
                    request,
                    f"Version {version.number} is in force from "
                    f"{format_when(version.effective_from, 'date')}.",
                )
                return redirect("client:contract", client_slug=request.tenant.slug)
        status = 400
    else:
        initial = {name: getattr(latest, name) for name in TERM_FIELDS} if latest else {}
        form = ContractVersionForm(initial=initial)
        formset = RateLineFormSet(
            prefix="rates",
            initial=[
                {**row, "service_line": row.get("service_line")} for row in copied.get("rates", [])
            ],
        )
    return render(
        request,
        "billing/contract_version_form.html",
        {"form": form, "formset": formset, "latest": latest, "elsewhere": elsewhere},
        status=status,
    )
