"""Pages of contact statistics: what is stored per line, the import (upload -> preview ->
commit, with a progress bar for large files), the stored intervals of a line, and the customer
experience import beside them (a tab of the same page family)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from bpo.accounts.decorators import client_page
from bpo.accounts.permissions import can
from bpo.accounts.roles import Action
from bpo.catalog.models import ServiceLine
from bpo.errors import DomainError
from bpo.forms import add_domain_error
from scheduling.planning.forms.statistics import ExperienceUploadForm, StatisticsUploadForm
from scheduling.planning.importing.presets import FIELDS
from scheduling.planning.selectors import statistics as selectors
from scheduling.planning.services import customer_experience as cx_services
from scheduling.planning.services import statistics_import as services

RECENT_IMPORTS = 15
FIELD_LABELS = {name: name.replace("_", " ").capitalize() for name in FIELDS}


def _context(request, tab: str, **extra) -> dict:
    return {
        "tab": tab,
        "may_import": can(request.user, request.tenant, Action.IMPORT_STATISTICS),
        **extra,
    }


@client_page(Action.VIEW_STATISTICS)
def statistics_overview(request):
    """Per service line: how many intervals are stored and from when to when; recent imports."""
    coverage = selectors.statistics_coverage()
    lines = [
        {"line": line, **coverage.get(line.pk, {"intervals": 0, "first": None, "last": None})}
        for line in ServiceLine.objects.order_by("name")
    ]
    imports = list(selectors.list_statistics_imports()[:RECENT_IMPORTS])
    return render(
        request,
        "planning/statistics_overview.html",
        _context(request, "overview", lines=lines, imports=imports),
    )


@client_page(Action.IMPORT_STATISTICS)
def statistics_upload(request):
    client = request.tenant
    form = StatisticsUploadForm(
        request.POST or None, request.FILES or None, client_zone=client.time_zone
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            mapping = services.parse_queue_mapping(data["queue_mapping"])
            upload = data["file"]
            record = services.start_statistics_import(
                actor=request.user,
                file=upload,
                file_name=upload.name,
                format=data["format"],
                time_zone=data["time_zone"],
                service_line=data["service_line"],
                queue_mapping=mapping,
                duration_unit=data["duration_unit"] or None,
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            return redirect("client:statistics_import", client.slug, record.pk)
    return render(
        request, "planning/statistics_upload.html", _context(request, "import", form=form)
    )


def _import_context(request, record) -> dict:
    return _context(
        request,
        "import",
        record=record,
        job=record.job if record.job_id else None,
        field_labels=FIELD_LABELS,
        preview_fields=[
            name
            for name in FIELDS
            if any(str(row.get(name, "0")) != "0" for row in record.preview_rows)
        ],
    )


@client_page(Action.VIEW_STATISTICS)
def statistics_import(request, import_id: int):
    """The preview of an import (or its outcome): rows as read, the mapping, every problem."""
    record = selectors.access_statistics_import(import_id=import_id)
    return render(request, "planning/statistics_import.html", _import_context(request, record))


@client_page(Action.VIEW_STATISTICS)
def statistics_import_progress(request, import_id: int):
    """The status fragment htmx polls while a job runs; the whole page reloads when done."""
    record = selectors.access_statistics_import(import_id=import_id)
    response = render(
        request, "planning/_statistics_import_status.html", _import_context(request, record)
    )
    if record.job is not None and record.job.is_finished and request.htmx:
        response["HX-Refresh"] = "true"
    return response


@client_page(Action.IMPORT_STATISTICS)
@require_POST
def statistics_import_commit(request, import_id: int):
    record = selectors.access_statistics_import(import_id=import_id)
    try:
        record = services.commit_statistics_import(statistics_import=record, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        if record.status == "committed":
            messages.success(
                request,
                f"Stored {record.inserted_count + record.replaced_count:,} intervals "
                f"({record.replaced_count:,} replaced).",
            )
        elif record.status == "committing":
            messages.success(request, "Storing in the background; this page shows the progress.")
    return redirect("client:statistics_import", request.tenant.slug, record.pk)


def _week_start(text: str | None, default: date) -> date:
    if text:
        try:
            year, week = text.split("-W")
            return date.fromisocalendar(int(year), int(week), 1)
        except (ValueError, TypeError):
            pass
    return default - timedelta(days=default.weekday())


@client_page(Action.VIEW_STATISTICS)
def statistics_line(request, service_line_id: int):
    """The stored intervals of one line for one week (local times of the client)."""
    line = selectors.access_service_line(service_line_id=service_line_id)
    zone = ZoneInfo(request.tenant.time_zone)
    coverage = selectors.statistics_coverage().get(line.pk)
    latest = coverage["last"].astimezone(zone).date() if coverage else datetime.now(zone).date()
    monday = _week_start(request.GET.get("week"), latest)
    starts = datetime.combine(monday, time(0), tzinfo=zone)
    ends = datetime.combine(monday + timedelta(days=7), time(0), tzinfo=zone)
    rows = selectors.list_interval_statistics(
        service_line_id=line.pk, starts_from=starts, starts_before=ends
    )
    page = Paginator(rows, 96).get_page(request.GET.get("page"))
    iso = monday.isocalendar()
    previous_week = (monday - timedelta(days=7)).isocalendar()
    next_week = (monday + timedelta(days=7)).isocalendar()
    is_async = line.channel in ("email", "sms", "social")
    return render(
        request,
        "planning/statistics_line.html",
        _context(
            request,
            "overview",
            line=line,
            page_obj=page,
            week_label=f"{iso.year}-W{iso.week:02d}",
            monday=monday,
            previous_week=f"{previous_week.year}-W{previous_week.week:02d}",
            next_week=f"{next_week.year}-W{next_week.week:02d}",
            is_async=is_async,
        ),
    )


# --- customer experience ------------------------------------------------------------------------


@client_page(Action.IMPORT_STATISTICS)
def experience_upload(request):
    form = ExperienceUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            record = cx_services.start_experience_import(
                actor=request.user,
                file=data["file"],
                file_name=data["file"].name,
                kind=data["kind"],
                service_line=data["service_line"],
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            return redirect("client:experience_import", request.tenant.slug, record.pk)
    imports = list(selectors.list_experience_imports()[:RECENT_IMPORTS])
    return render(
        request,
        "planning/experience_upload.html",
        _context(request, "experience", form=form, imports=imports),
    )


@client_page(Action.VIEW_STATISTICS)
def experience_import(request, experience_import_id: int):
    record = selectors.access_experience_import(import_id=experience_import_id)
    columns = list(record.preview_rows[0]) if record.preview_rows else []
    return render(
        request,
        "planning/experience_import.html",
        _context(request, "experience", record=record, columns=columns),
    )


@client_page(Action.IMPORT_STATISTICS)
@require_POST
def experience_import_commit(request, experience_import_id: int):
    record = selectors.access_experience_import(import_id=experience_import_id)
    try:
        record = cx_services.commit_experience_import(experience_import=record, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Stored {record.stored_count:,} results.")
    return redirect(reverse("client:experience_import", args=[request.tenant.slug, record.pk]))
