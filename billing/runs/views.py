"""Invoice run pages, provider-side under ``/invoice-runs/``: the list, starting a run, its
progress (a background job; htmx polls the bar) and its outcome per client."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_POST

from billing.runs import selectors, services
from billing.runs.forms import StartInvoiceRunForm
from billing.runs.models import InvoiceRunStatus
from bpo.accounts.decorators import provider_page
from bpo.accounts.permissions import can_run_invoices
from bpo.errors import DomainError, NotFoundError
from bpo.forms import add_domain_error

IN_PROGRESS = {InvoiceRunStatus.QUEUED, InvoiceRunStatus.RUNNING}


def _run_or_404(request, invoice_run_id: int):
    try:
        return selectors.access_invoice_run(user=request.user, run_id=invoice_run_id)
    except NotFoundError as error:
        raise Http404(error.message) from None


def _invoice_link(client, invoice_id) -> str | None:
    """The client's invoice page, or its invoice list, once those routes exist."""
    for name, args in (
        ("client:invoice", [client.slug, invoice_id]),
        ("client:invoices", [client.slug]),
    ):
        try:
            return reverse(name, args=args)
        except NoReverseMatch:
            continue
    return None


@provider_page(can_run_invoices)
def run_list(request):
    runs = selectors.list_invoice_runs(user=request.user)
    page = Paginator(runs, 25).get_page(request.GET.get("page"))
    return render(request, "billing/run_list.html", {"page": page, "runs": page.object_list})


@provider_page(can_run_invoices)
def run_start(request):
    clients = services.billable_clients(user=request.user)
    form = StartInvoiceRunForm(request.POST or None, clients=clients)
    if request.method == "POST" and form.is_valid():
        try:
            run = services.start_invoice_run(
                month=form.cleaned_data["month"],
                clients=form.chosen_clients(),
                actor=request.user,
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            return redirect("invoice_runs:run", run.pk)
    return render(request, "billing/run_start.html", {"form": form, "clients": clients})


def _context(request, run) -> dict:
    rows = [
        {
            "item": item,
            "link": _invoice_link(item.client, item.invoice_id) if item.invoice_id else None,
        }
        for item in selectors.run_items(run=run, user=request.user)
    ]
    return {"run": run, "job": run.job, "rows": rows, "in_progress": run.status in IN_PROGRESS}


@provider_page(can_run_invoices)
def run_detail(request, invoice_run_id: int):
    run = _run_or_404(request, invoice_run_id)
    return render(request, "billing/run_detail.html", _context(request, run))


@provider_page(can_run_invoices)
def run_progress(request, invoice_run_id: int):
    """The fragment htmx polls; once the run has finished it asks for a full reload."""
    run = _run_or_404(request, invoice_run_id)
    response = render(request, "billing/_run_progress.html", _context(request, run))
    if run.status not in IN_PROGRESS and request.htmx:
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"
    return response


@provider_page(can_run_invoices)
@require_POST
def run_retry(request, invoice_run_id: int):
    run = _run_or_404(request, invoice_run_id)
    count = services.retry_failed_items(run=run, actor=request.user)
    if count:
        messages.success(request, f"{count} failed clients handed out again.")
    else:
        messages.info(request, "No client of this run has failed.")
    return redirect("invoice_runs:run", run.pk)
