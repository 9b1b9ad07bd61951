"""Pages of invoices (``/c/<client_slug>/invoices/...``): the list (finance sees drafts too,
the client's admin issued invoices only), one invoice with its lines and each line's evidence
(expandable), and the workflow's forms: finance issues, records payments, voids, credits and
resolves disputes; the client's admin disputes a line.

Reading needs ``view_invoices``; each form's right is its ``WORKFLOW`` step's. A refused form
shows the page again with the message next to its field and what was typed.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from billing.invoices import selectors, services
from billing.invoices.models import InvoiceStatus, LineDisputeStatus
from bpo.accounts.decorators import client_page
from bpo.accounts.permissions import can
from bpo.accounts.roles import Action
from bpo.errors import DomainError

INVOICES_PER_PAGE = 25


def _url(request, invoice_id: int):
    return redirect("client:invoice", request.tenant.slug, invoice_id)


@client_page(Action.VIEW_INVOICES)
@require_GET
def invoices(request):
    status = request.GET.get("status") or ""
    if status not in InvoiceStatus.values:
        status = ""
    rows = selectors.list_invoices(user=request.user, status=status or None)
    page = Paginator(rows, INVOICES_PER_PAGE).get_page(request.GET.get("page"))
    statuses = InvoiceStatus.choices
    if not selectors.sees_drafts(request.user, request.tenant):
        statuses = [choice for choice in statuses if choice[0] != InvoiceStatus.DRAFT]
    return render(
        request,
        "invoices/invoice_list.html",
        {"page": page, "status": status, "statuses": statuses},
    )


def _form_id(form: str, prefix: str) -> int | None:
    """The line or dispute id of a refused per-row form (``dispute-12``)."""
    rest = form.removeprefix(prefix)
    return int(rest) if form.startswith(prefix) and rest.isdigit() else None


def _detail(request, invoice_id, *, form: str = "", errors=None, values=None, status=200):
    invoice = selectors.access_invoice(user=request.user, invoice_id=invoice_id)
    client = request.tenant
    steps = [
        name
        for name in services.allowed_steps(invoice)
        if can(request.user, client, services.WORKFLOW[name].right)
    ]
    lines = list(
        selectors.list_invoice_lines(user=request.user, invoice_id=invoice.pk).prefetch_related(
            "evidence", "disputes"
        )
    )
    values = values or {}
    for line in lines:
        typed = values.get(f"line-{line.pk}", "") if form == "credit" else ""
        line.typed_credit = typed  # type: ignore[attr-defined]  # shown in the credit form
    open_disputes = {
        dispute.line_id
        for dispute in invoice.disputes.all()
        if dispute.status == LineDisputeStatus.OPEN
    }
    return render(
        request,
        "invoices/invoice_detail.html",
        {
            "invoice": invoice,
            "lines": lines,
            "steps": steps,
            "open_disputes": open_disputes,
            "form": form,
            "errors": errors or {},
            "values": values,
            "dispute_line_id": _form_id(form, "dispute-"),
            "resolve_dispute_id": _form_id(form, "resolve-"),
            "today": timezone.localdate(),
        },
        status=status,
    )


@client_page(Action.VIEW_INVOICES)
@require_GET
def invoice(request, invoice_id: int):
    return _detail(request, invoice_id)


def _refused(request, invoice_id, form: str, error: DomainError):
    errors = dict(error.fields) or {"general": [error.message]}
    return _detail(
        request,
        invoice_id,
        form=form,
        errors=errors,
        values=request.POST.dict(),
        status=409 if error.code == "conflict" else 400,
    )


def _decimal(text: str, field: str) -> Decimal:
    try:
        return Decimal((text or "").strip().replace(",", "."))
    except InvalidOperation:
        raise DomainError("Give an amount, e.g. 120.50.", field=field) from None


def _date(text: str, field: str) -> date:
    try:
        return date.fromisoformat((text or "").strip())
    except ValueError:
        raise DomainError("Give a date as YYYY-MM-DD.", field=field) from None


@client_page(Action.MANAGE_INVOICES)
@require_POST
def invoice_issue(request, invoice_id: int):
    target = selectors.access_invoice(user=request.user, invoice_id=invoice_id)
    try:
        issued = services.issue_invoice(invoice=target, actor=request.user)
    except DomainError as error:
        return _refused(request, invoice_id, "issue", error)
    messages.success(request, f"Invoice {issued.number} is issued.")
    return _url(request, invoice_id)


@client_page(Action.MANAGE_INVOICES)
@require_POST
def invoice_pay(request, invoice_id: int):
    target = selectors.access_invoice(user=request.user, invoice_id=invoice_id)
    try:
        errors: dict[str, list[str]] = {}
        amount = received_on = None
        try:
            amount = _decimal(request.POST.get("amount", ""), "amount")
        except DomainError as error:
            errors.update(error.fields)
        try:
            received_on = _date(request.POST.get("received_on", ""), "received_on")
        except DomainError as error:
            errors.update(error.fields)
        if errors or amount is None or received_on is None:
            raise DomainError(next(iter(errors.values()))[0], fields=errors)
        services.record_payment(
            invoice=target,
            amount=amount,
            received_on=received_on,
            reference=request.POST.get("reference", ""),
            actor=request.user,
        )
    except DomainError as error:
        return _refused(request, invoice_id, "pay", error)
    messages.success(request, "The payment is recorded.")
    return _url(request, invoice_id)


@client_page(Action.MANAGE_INVOICES)
@require_POST
def invoice_void(request, invoice_id: int):
    target = selectors.access_invoice(user=request.user, invoice_id=invoice_id)
    try:
        services.void_invoice(
            invoice=target, reason=request.POST.get("reason", ""), actor=request.user
        )
    except DomainError as error:
        return _refused(request, invoice_id, "void", error)
    messages.success(request, "The invoice is void.")
    return _url(request, invoice_id)


@client_page(Action.MANAGE_INVOICES)
@require_POST
def invoice_credit(request, invoice_id: int):
    """A credit note: the amounts typed per line (``line-<id>``), or everything that remains
    when none is typed."""
    target = selectors.access_invoice(user=request.user, invoice_id=invoice_id)
    try:
        lines: dict[int, Decimal] = {}
        for line in target.lines.all():
            typed = (request.POST.get(f"line-{line.pk}") or "").strip()
            if typed:
                lines[line.pk] = _decimal(typed, "lines")
        note = services.issue_credit_note(
            invoice=target,
            reason=request.POST.get("reason", ""),
            actor=request.user,
            lines=lines or None,
        )
    except DomainError as error:
        return _refused(request, invoice_id, "credit", error)
    messages.success(request, f"Credit note {note.number} is issued.")
    return _url(request, note.pk)


@client_page(Action.DISPUTE_INVOICE_LINE)
@require_POST
def invoice_line_dispute(request, invoice_line_id: int):
    line = selectors.access_invoice_line(user=request.user, line_id=invoice_line_id)
    try:
        services.raise_line_dispute(
            line=line, reason=request.POST.get("reason", ""), actor=request.user
        )
    except DomainError as error:
        return _refused(request, line.invoice_id, f"dispute-{line.pk}", error)
    messages.success(request, "Your dispute is sent to finance.")
    return _url(request, line.invoice_id)


@client_page(Action.MANAGE_INVOICES)
@require_POST
def invoice_dispute_resolve(request, invoice_dispute_id: int):
    dispute = selectors.access_line_dispute(user=request.user, dispute_id=invoice_dispute_id)
    try:
        typed = (request.POST.get("amount") or "").strip()
        services.resolve_line_dispute(
            dispute=dispute,
            outcome=request.POST.get("outcome", ""),
            reason=request.POST.get("reason", ""),
            amount=_decimal(typed, "amount") if typed else None,
            actor=request.user,
        )
    except DomainError as error:
        return _refused(request, dispute.invoice_id, f"resolve-{dispute.pk}", error)
    messages.success(request, "The dispute is resolved.")
    return _url(request, dispute.invoice_id)


def _issued_files(request, invoice_id: int):
    from django.http import Http404

    invoice = selectors.access_invoice(user=request.user, invoice_id=invoice_id)
    stored = getattr(invoice, "document", None)
    if stored is None:
        raise Http404("This invoice has no documents yet: it is issued first.")
    return invoice, stored


@client_page(Action.VIEW_INVOICES)
@require_GET
def invoice_pdf(request, invoice_id: int):
    from django.http import Http404, HttpResponse

    from billing.invoices import workers

    invoice, stored = _issued_files(request, invoice_id)
    if not stored.is_ready:
        raise Http404("The PDF is being rendered; it is ready in a moment.")
    response = HttpResponse(workers.read_pdf(stored), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{invoice.number}.pdf"'
    response["ETag"] = f'"{stored.pdf_sha256}"'
    return response


@client_page(Action.VIEW_INVOICES)
@require_GET
def invoice_xml(request, invoice_id: int, syntax: str):
    from django.http import HttpResponse

    invoice, stored = _issued_files(request, invoice_id)
    content = bytes(stored.cii_xml if syntax == "cii" else stored.ubl_xml)
    suffix = "factur-x" if syntax == "cii" else "ubl"
    response = HttpResponse(content, content_type="application/xml")
    response["Content-Disposition"] = f'attachment; filename="{invoice.number}-{suffix}.xml"'
    return response
