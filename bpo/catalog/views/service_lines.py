"""Pages of service lines: the list, one line (facts, SLA targets, hours, holidays, overrides,
script and escalation summary, status actions, history), and the create and edit forms.

Access: ``client_page`` (login, membership 404, role 403); reading needs
``Action.VIEW_CATALOG``, every change ``Action.MANAGE_CATALOG``. Writes go through
``bpo.catalog.services.service_lines``; times show in the client's zone (activated by the
path middleware).
"""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from bpo.accounts.decorators import client_page
from bpo.accounts.permissions import can
from bpo.accounts.roles import Action
from bpo.catalog import hours
from bpo.catalog.forms.service_lines import (
    DateOverrideForm,
    ServiceLineFilterForm,
    ServiceLineForm,
    plain_number,
)
from bpo.catalog.models import WEEKDAY_NAMES, Channel, ServiceLine, ServiceLineStatus
from bpo.catalog.selectors import service_lines as selectors
from bpo.catalog.selectors.audit import service_line_history_page
from bpo.catalog.services import service_lines as services
from bpo.errors import DomainError
from bpo.forms import add_domain_error
from scheduling.engine.kpi import ServiceLevelConvention

LINES_PER_PAGE = 25
HOLIDAY_HORIZON_DAYS = 365

# The button of a status move, by the status it moves to (back to active from paused:
# "Resume"). Retiring has its own form on the page.
MOVE_LABELS = {ServiceLineStatus.ACTIVE: "Activate", ServiceLineStatus.PAUSED: "Pause"}
RESUME_LABEL = "Resume"


def _move_label(source: str, target: str) -> str:
    if source == ServiceLineStatus.PAUSED and target == ServiceLineStatus.ACTIVE:
        return RESUME_LABEL
    return MOVE_LABELS[ServiceLineStatus(target)]


# The buttons of each status move, by the status a line is in (from ``services.STATUS_MOVES``).
STATUS_ACTIONS: dict[str, list[tuple[str, str]]] = {
    source: [
        (ServiceLineStatus(target).value, _move_label(source, target))
        for target in sorted(targets)
        if target != ServiceLineStatus.RETIRED
    ]
    for source, targets in services.STATUS_MOVES.items()
}
DASH = "\N{EN DASH}"
SHORT_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def hours_summary(weekly: hours.WeeklyHours) -> str:
    """``Mon-Fri 09:00-17:00 · Sat 10:00-14:00`` (en dashes): days with the same spans grouped."""
    if weekly.is_open_24_7:
        return "24/7"
    by_day = [
        ", ".join(
            f"{span.opens_at:%H:%M}{DASH}{span.closes_at:%H:%M}"
            for span in sorted(weekly.spans, key=lambda s: s.opens_at)
            if span.weekday == day
        )
        for day in range(7)
    ]
    parts, day = [], 0
    while day < 7:
        last = day
        while last + 1 < 7 and by_day[last + 1] == by_day[day]:
            last += 1
        if by_day[day]:
            days = (
                SHORT_WEEKDAYS[day]
                if last == day
                else f"{SHORT_WEEKDAYS[day]}{DASH}{SHORT_WEEKDAYS[last]}"
            )
            parts.append(f"{days} {by_day[day]}")
        day = last + 1
    return " · ".join(parts) or "No hours"


def sla_rows(line: ServiceLine) -> list[tuple[str, str | None]]:
    """The targets that fit the line's channel, as (label, text or None for "not set")."""
    rows: list[tuple[str, str | None]] = []
    if line.is_live_channel:
        service_level = None
        if line.service_level_percent is not None and line.service_level_seconds is not None:
            service_level = (
                f"{plain_number(line.service_level_percent)} % answered within "
                f"{line.service_level_seconds} s"
            )
        convention = ServiceLevelConvention(line.sla_convention)
        rows += [
            ("Service level", service_level),
            ("Service level counted as", f"{convention.label}: {convention.formula}"),
            ("Short abandons", f"hung up within {line.short_abandon_seconds} s"),
            ("Maximum abandon rate", _percent(line.max_abandon_percent)),
            (
                "Average speed of answer",
                None if line.asa_seconds is None else f"{line.asa_seconds} s",
            ),
            ("Patience", patience_text(line)),
            ("Concurrency", concurrency_text(line)),
        ]
    else:
        first_response = None
        if line.first_response_percent is not None and line.first_response_hours is not None:
            first_response = (
                f"{plain_number(line.first_response_percent)} % within "
                f"{plain_number(line.first_response_hours)} h"
            )
        rows.append(("First response", first_response))
    rows += [
        ("First-contact resolution", _percent(line.fcr_percent)),
        ("CSAT", _percent(line.csat_percent)),
        ("QA score", _percent(line.qa_score_percent)),
    ]
    return rows


def patience_text(line: ServiceLine) -> str:
    if line.patience_seconds is None:
        return "Unknown: staffing assumes callers never hang up (Erlang C)"
    unit = "second" if line.patience_seconds == 1 else "seconds"
    return f"Callers wait {line.patience_seconds} {unit} on average before hanging up"


def concurrency_text(line: ServiceLine) -> str:
    if line.channel != Channel.CHAT:
        return "An agent handles one contact at a time"
    number = plain_number(line.concurrency)
    return f"An agent handles {number} {'chat' if number == '1' else 'chats'} at once"


def _percent(value) -> str | None:
    return None if value is None else f"{plain_number(value)} %"


def language_name(code: str) -> str:
    found = services.language_of(code)
    return found.name if found is not None else code


def _may_manage(request) -> bool:
    return can(request.user, request.tenant, Action.MANAGE_CATALOG)


# --- list ----------------------------------------------------------------------------------------


@client_page(Action.VIEW_CATALOG)
@require_GET
def service_lines(request):
    """The client's lines with search, status and channel filters, and whether each is open."""
    client = request.tenant
    form = ServiceLineFilterForm(request.GET or None)
    search = status = channel = ""
    if form.is_bound and form.is_valid():
        search = form.cleaned_data["q"].strip()
        status = form.cleaned_data["status"]
        channel = form.cleaned_data["channel"]
    lines = selectors.list_service_lines(status=status, channel=channel, search=search)
    page = Paginator(lines, LINES_PER_PAGE).get_page(request.GET.get("page"))
    now = timezone.now()
    rows = []
    for line in page.object_list:
        weekly = selectors.weekly_hours_of(service_line=line, client=client)
        rows.append(
            {"line": line, "hours": hours_summary(weekly), "is_open": hours.is_open(weekly, now)}
        )
    query = urlencode({k: v for k, v in request.GET.items() if k != "page" and v})
    return render(
        request,
        "catalog/service_line_list.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "query": query,
            "is_filtered": bool(search or status or channel),
            "may_manage": _may_manage(request),
        },
    )


# --- one line ------------------------------------------------------------------------------------


def _weekly_rows(weekly: hours.WeeklyHours) -> list[dict]:
    return [
        {
            "weekday": WEEKDAY_NAMES[day],
            "spans": sorted(
                (span for span in weekly.spans if span.weekday == day), key=lambda s: s.opens_at
            ),
        }
        for day in range(7)
    ]


def _render_detail(request, line: ServiceLine, *, override_form=None, status: int = 200):
    client = request.tenant
    weekly = selectors.weekly_hours_of(service_line=line, client=client)
    now = timezone.now()
    today = timezone.localdate(now)
    may_manage = _may_manage(request)
    context = {
        "line": line,
        "tab": "overview",
        "weekly": weekly,
        "weekly_rows": _weekly_rows(weekly),
        "languages": [(code, language_name(code)) for code in line.languages],
        "sla_rows": sla_rows(line),
        "open_state": selectors.open_state(weekly_hours=weekly, at=now),
        "holidays": selectors.holidays_of(
            service_line=line,
            client=client,
            start=today,
            end=today + timedelta(days=HOLIDAY_HORIZON_DAYS - 1),
        ),
        "supports_holidays": hours.is_supported_country(client.country),
        "overrides": [row for row in line.date_overrides.all() if row.date >= today],
        "summary": selectors.line_summary(service_line=line),
        "may_manage": may_manage,
        "status_actions": STATUS_ACTIONS[ServiceLineStatus(line.status)] if may_manage else [],
        "may_retire": may_manage and line.status != ServiceLineStatus.RETIRED,
        "override_form": override_form or (DateOverrideForm() if may_manage else None),
        "history": (
            service_line_history_page(
                service_line_id=line.pk, page_number=request.GET.get("history")
            )
            if can(request.user, client, Action.VIEW_AUDIT)
            else None
        ),
    }
    return render(request, "catalog/service_line_detail.html", context, status=status)


@client_page(Action.VIEW_CATALOG)
@require_GET
def service_line(request, service_line_id: int):
    line = selectors.get_service_line_with_hours(service_line_id=service_line_id)
    return _render_detail(request, line)


@client_page(Action.MANAGE_CATALOG)
@require_POST
def service_line_status(request, service_line_id: int):
    line = selectors.get_service_line(service_line_id=service_line_id)
    status = request.POST.get("status", "")
    try:
        line = services.change_service_line_status(
            service_line=line, status=status, actor=request.user
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"{line.name} is now {line.get_status_display().lower()}.")
    return redirect("client:service_line", request.tenant.slug, line.pk)


@client_page(Action.MANAGE_CATALOG)
@require_POST
def service_line_override_add(request, service_line_id: int):
    line = selectors.get_service_line_with_hours(service_line_id=service_line_id)
    form = DateOverrideForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            override = services.add_date_override(
                service_line=line,
                actor=request.user,
                date=data["date"],
                is_closed=data["is_closed"],
                opens_at=data["opens_at"],
                closes_at=data["closes_at"],
                note=data["note"],
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, f"Override for {override.date:%Y-%m-%d} added.")
            return redirect("client:service_line", request.tenant.slug, line.pk)
    return _render_detail(request, line, override_form=form, status=400)


@client_page(Action.MANAGE_CATALOG)
@require_POST
def service_line_override_remove(request, service_line_id: int, override_id: int):
    line = selectors.get_service_line(service_line_id=service_line_id)
    override = selectors.get_date_override(override_id=override_id, service_line=line)
    try:
        services.remove_date_override(override=override, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"Override for {override.date:%Y-%m-%d} removed.")
    return redirect("client:service_line", request.tenant.slug, line.pk)


# --- create and edit -------------------------------------------------------------------------------


@client_page(Action.MANAGE_CATALOG)
def service_line_create(request):
    form = ServiceLineForm(
        request.POST or None, initial={"closed_on_public_holidays": True, "channel": "voice"}
    )
    if request.method == "POST" and form.is_valid():
        try:
            line = services.create_service_line(actor=request.user, **form.service_arguments())
        except DomainError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, f"{line.name} is created as a draft.")
            return redirect("client:service_line", request.tenant.slug, line.pk)
    return render(
        request,
        "catalog/service_line_form.html",
        {"form": form, "line": None},
        status=400 if (form.is_bound and form.errors) or form.hours_errors else 200,
    )


@client_page(Action.MANAGE_CATALOG)
def service_line_edit(request, service_line_id: int):
    line = selectors.get_service_line_with_hours(service_line_id=service_line_id)
    form = ServiceLineForm(request.POST or None, service_line=line)
    if request.method == "POST" and form.is_valid():
        try:
            line = services.update_service_line(
                service_line=line, actor=request.user, **form.changed_arguments()
            )
        except DomainError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, f"{line.name} is saved.")
            return redirect("client:service_line", request.tenant.slug, line.pk)
    return render(
        request,
        "catalog/service_line_form.html",
        {"form": form, "line": line, "tab": "overview"},
        status=400 if (form.is_bound and form.errors) or form.hours_errors else 200,
    )
