"""Pages of weekly reports (``/c/<client_slug>/reports/...``): the client's archive (newest
first, each with its week, revision, SHA-256 and PDF), one report (the same template the PDF
is rendered from, with the same charts), the PDF itself, regenerating a week (a new revision,
with a progress bar while the worker renders), and the subscription to the e-mail. The
provider side lists the reports of every client the user may read (``/reports/``).

Reading needs ``view_reports``; regenerating ``manage_reports``.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from bpo.accounts.decorators import client_page, provider_page
from bpo.accounts.permissions import accessible_clients, can, is_provider_staff
from bpo.accounts.roles import Action
from bpo.errors import DomainError
from bpo.reporting import rendering, selectors, services
from bpo.reporting.models import WeeklyReport
from scheduling.planning.selectors.sla import IsoWeek

REPORTS_PER_PAGE = 20


def _may_manage(request) -> bool:
    return can(request.user, request.tenant, Action.MANAGE_REPORTS)


def _last_week(client) -> IsoWeek:
    from zoneinfo import ZoneInfo

    return IsoWeek.containing(timezone.now(), ZoneInfo(client.time_zone)).previous


@client_page(Action.VIEW_REPORTS)
@require_GET
def weekly_reports(request):
    page = Paginator(selectors.list_reports(), REPORTS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "reporting/report_list.html",
        {
            "page": page,
            "may_manage": _may_manage(request),
            "subscribed": selectors.is_subscribed(user=request.user),
            "default_week": _last_week(request.tenant),
        },
    )


def _progress_context(report: WeeklyReport) -> dict:
    return {"report": report, "job": report.job if report.job_id else None}


@client_page(Action.VIEW_REPORTS)
@require_GET
def weekly_report(request, report_id: int):
    report = services.settle_report(report=selectors.access_report(report_id=report_id))
    context = {**_progress_context(report), "may_manage": _may_manage(request)}
    if report.is_ready:
        context.update(rendering.report_context(report.snapshot, report=report))
        context["revision"] = report.revision
    return render(request, "reporting/report_page.html", context)


@client_page(Action.VIEW_REPORTS)
@require_GET
def weekly_report_progress(request, report_id: int):
    """The fragment htmx polls; once the report has finished it asks for a full reload."""
    report = services.settle_report(report=selectors.access_report(report_id=report_id))
    if not report.is_in_progress and request.htmx:
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"
        return response
    return render(request, "reporting/_report_progress.html", _progress_context(report))


@client_page(Action.VIEW_REPORTS)
@require_GET
def weekly_report_pdf(request, report_id: int):
    report = selectors.access_report(report_id=report_id)
    if not report.is_ready:
        raise Http404("This report has no PDF yet.")
    response = HttpResponse(bytes(report.pdf), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{report.file_name}"'
    response["ETag"] = f'"{report.sha256}"'
    return response


@client_page(Action.MANAGE_REPORTS)
@require_POST
def weekly_report_regenerate(request):
    try:
        week = IsoWeek.parse(request.POST.get("week"))
        report = services.regenerate_weekly_report(week=week, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("client:weekly_reports", request.tenant.slug)
    messages.success(request, f"Revision {report.revision} of week {week} is being rendered.")
    return redirect("client:weekly_report", request.tenant.slug, report.pk)


@client_page(Action.VIEW_REPORTS)
@require_POST
def report_subscription(request):
    if request.POST.get("subscribe") == "1":
        services.subscribe_to_reports(user=request.user)
        messages.success(request, "You will receive an e-mail for each new weekly report.")
    else:
        services.unsubscribe_from_reports(user=request.user)
        messages.success(request, "You will no longer receive e-mails of weekly reports.")
    return redirect("client:weekly_reports", request.tenant.slug)


# --- the provider side ---------------------------------------------------------------------------


@provider_page(is_provider_staff)
@require_GET
def reports_across_clients(request):
    """The newest reports of every client the account manager (or provider admin) may read."""
    clients = [
        client
        for client in accessible_clients(request.user)
        if can(request.user, client, Action.VIEW_REPORTS)
    ]
    reports = selectors.list_reports_across(clients=clients)
    page = Paginator(reports, REPORTS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "reporting/reports_across.html",
        {"page": page, "client_count": len(clients)},
    )


def report_page_url(client, report_id: int) -> str:
    return reverse("client:weekly_report", args=[client.slug, report_id])
