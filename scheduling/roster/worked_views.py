"""Worked time, adherence and period locks: provider pages under ``/roster/worked-time/`` and
``/roster/locks/``.

Guards: ``provider_page`` with the worked-time rights (``VIEW_WORKED_TIME`` to read,
``MANAGE_WORKED_TIME`` to import, confirm and correct, ``LOCK_PERIODS`` to lock); everyone
else gets 404. Whose figures a reader sees (a team lead: their teams only) is
``worked.worked_agents``'s check, not the page's; a locked day is the service's refusal.
"""

from __future__ import annotations

import hashlib
from datetime import date, timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from bpo.accounts.decorators import provider_page
from bpo.accounts.permissions import (
    can_lock_periods,
    can_manage_worked_time,
    can_view_worked_time,
    is_provider_admin,
)
from bpo.errors import DomainError, NotFoundError, PermissionDeniedError
from bpo.forms import add_domain_error
from scheduling.roster import timeclock, worked
from scheduling.roster.forms import (
    PeriodLockForm,
    ProductiveImportForm,
    WorkedDayForm,
    WorkedImportForm,
    WorkedWeekForm,
)

IMPORT_MAX_BYTES = 5 * 1024 * 1024
CHANGES_SHOWN = 200


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _last_week() -> date:
    return _monday(timezone.localdate()) - timedelta(days=7)


def can_read_locks(user) -> bool:
    return can_lock_periods(user) or can_manage_worked_time(user)


@provider_page(can_view_worked_time)
def worked_week(request):
    """Per agent and day of one week: worked and scheduled time, adherence and conformance;
    schedulers confirm scheduled time from here and open a day to correct it."""
    teams = worked.worked_teams(user=request.user)
    form = WorkedWeekForm(request.GET or None, teams=teams)
    monday, team_id = _last_week(), None
    if form.is_bound:
        form.is_valid()  # a team the reader may not see is an error; the week still counts
        if form.cleaned_data.get("week"):
            monday = _monday(form.cleaned_data["week"])
        if form.cleaned_data.get("team"):
            team_id = form.cleaned_data["team"].pk
    week = worked.worked_week(user=request.user, monday=monday, team_id=team_id)
    query = f"&team={team_id}" if team_id else ""
    return render(
        request,
        "roster/worked_week.html",
        {
            "form": form,
            "week": week,
            "sunday": monday + timedelta(days=6),
            "previous": f"?week={monday - timedelta(days=7)}{query}",
            "next": f"?week={monday + timedelta(days=7)}{query}",
            "may_manage": can_manage_worked_time(request.user),
            "may_read_locks": can_read_locks(request.user),
            "is_lead_only": not worked.reads_every_agent(request.user),
            "locked_days": [
                cell.day for cell in (week.agents[0].days if week.agents else []) if cell.is_locked
            ],
        },
    )


@provider_page(can_manage_worked_time)
@require_POST
def worked_confirm(request):
    """Worked = scheduled for the chosen agents' booked days of the week without figures."""
    try:
        monday = _monday(date.fromisoformat(request.POST.get("week", "")))
    except ValueError:
        raise Http404() from None
    ids = request.POST.getlist("agent")
    agents = list(
        worked.worked_agents(user=request.user).filter(
            pk__in=[int(pk) for pk in ids if pk.isdigit()]
        )
    )
    back = reverse("roster:worked") + f"?week={monday}"
    if not agents:
        messages.error(request, "Choose the agents whose scheduled time to confirm.")
        return redirect(back)
    try:
        written = worked.confirm_scheduled_time(
            agents=agents, first_day=monday, last_day=monday + timedelta(days=6), actor=request.user
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        if written:
            messages.success(
                request,
                f"Scheduled time confirmed as worked for {written} day{'s' if written != 1 else ''}.",
            )
        else:
            messages.info(request, "Every booked day of these agents has figures already.")
    return redirect(back)


@provider_page(can_manage_worked_time)
def worked_day(request):
    """One agent's day, corrected by hand with a reason (``?agent=<id>&day=YYYY-MM-DD``)."""
    try:
        agent = worked.access_worked_agent(user=request.user, agent_id=request.GET.get("agent"))
        day = date.fromisoformat(request.GET.get("day", ""))
    except (NotFoundError, ValueError):
        raise Http404() from None
    row = worked.get_worked_day(agent=agent, day=day)
    scheduled = worked.scheduled_minutes_of(agent=agent, day=day)
    lock = worked.locks_covering([day]).get(day)
    status = 200
    if request.method == "POST":
        form = WorkedDayForm(request.POST)
        if form.is_valid():
            try:
                worked.correct_worked_day(
                    agent=agent,
                    day=day,
                    worked_minutes=form.cleaned_data["worked"],
                    in_state_minutes=form.cleaned_data["in_state"],
                    reason=form.cleaned_data["reason"],
                    actor=request.user,
                )
                messages.success(
                    request, f"Worked time of {agent.full_name} on {day:%-d %b %Y} was saved."
                )
                return redirect(reverse("roster:worked") + f"?week={_monday(day)}")
            except DomainError as error:
                add_domain_error(form, error)
        status = 400
    else:
        initial = {}
        if row is not None:
            initial = {
                "worked": worked.hours_text(row.worked_minutes),
                "in_state": worked.hours_text(row.in_state_minutes),
            }
        form = WorkedDayForm(initial=initial)
    return render(
        request,
        "roster/worked_day.html",
        {
            "agent": agent,
            "day": day,
            "row": row,
            "scheduled": scheduled,
            "lock": lock,
            "lock_text": worked.locked_message(day, lock) if lock else "",
            "form": form,
        },
        status=status,
    )


def _import_page(request, *, kind: str):
    """Upload -> preview (nothing stored) -> commit, all or nothing, for either file."""
    is_clock = kind == "clock"
    session_key = f"worked_import_{kind}"
    form_class = WorkedImportForm if is_clock else ProductiveImportForm
    plan_of = worked.plan_timeclock_import if is_clock else worked.plan_productive_import
    commit = worked.import_timeclock if is_clock else worked.import_productive_time
    here = reverse("roster:worked_import" if is_clock else "roster:productive_import")
    form = form_class()
    plan = None
    if request.method == "POST" and request.POST.get("commit"):
        stored = request.session.get(session_key) or {}
        if not stored or stored.get("digest") != request.POST.get("digest"):
            messages.error(request, "The preview has expired: upload the file again.")
            return redirect(here)
        try:
            plan = commit(content=stored["content"].encode("utf-8"), actor=request.user)
        except worked.WorkedImportError as error:
            plan = worked.WorkedImportPlan(problems=error.problems)
        else:
            del request.session[session_key]
            messages.success(request, f"Imported: {len(plan.changes)} rows.")
            return redirect("roster:worked")
    elif request.method == "POST":
        form = form_class(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            if upload.size > IMPORT_MAX_BYTES:
                form.add_error("file", "The file is larger than 5 MB.")
            else:
                content = upload.read()
                plan = plan_of(content=content)
                if not plan.problems:
                    request.session[session_key] = {
                        "digest": hashlib.sha256(content).hexdigest(),
                        "content": content.decode("utf-8-sig"),
                    }
    digest = (request.session.get(session_key) or {}).get("digest", "")
    changes: list = list(plan.changes) if plan else []
    if is_clock:
        changes = [change for change in changes if change.action != "unchanged"]
    return render(
        request,
        "roster/worked_import.html",
        {
            "form": form,
            "plan": plan,
            "digest": digest,
            "is_clock": is_clock,
            "columns": timeclock.TIMECLOCK_COLUMNS if is_clock else timeclock.PRODUCTIVE_COLUMNS,
            "shown_changes": changes[:CHANGES_SHOWN],
            "more_changes": max(0, len(changes) - CHANGES_SHOWN),
        },
        status=400 if plan and plan.problems else 200,
    )


@provider_page(can_manage_worked_time)
def worked_import(request):
    return _import_page(request, kind="clock")


@provider_page(can_manage_worked_time)
def productive_import(request):
    return _import_page(request, kind="productive")


@provider_page(can_read_locks)
def period_locks(request):
    """The locked periods; finance locks one here (a provider admin may reopen one)."""
    may_lock = can_lock_periods(request.user)
    form = PeriodLockForm()
    status = 200
    if request.method == "POST":
        if not may_lock:
            raise PermissionDenied("Only finance locks periods.")
        form = PeriodLockForm(request.POST)
        if form.is_valid():
            try:
                lock = worked.lock_period(actor=request.user, **form.cleaned_data)
                messages.success(request, f"Worked time is locked: {worked.describe_lock(lock)}.")
                return redirect("roster:locks")
            except DomainError as error:
                add_domain_error(form, error)
        status = 400
    return render(
        request,
        "roster/locks.html",
        {
            "locks": worked.list_period_locks(),
            "form": form,
            "may_lock": may_lock,
            "may_unlock": is_provider_admin(request.user),
        },
        status=status,
    )


@provider_page(can_lock_periods)
@require_POST
def period_unlock(request):
    """A provider admin reopens a locked period with a reason (finance gets 403)."""
    try:
        lock = worked.get_period_lock(lock_id=request.POST.get("lock"))
    except NotFoundError:
        raise Http404() from None
    try:
        worked.unlock_period(lock=lock, reason=request.POST.get("reason", ""), actor=request.user)
    except PermissionDeniedError as error:
        raise PermissionDenied(error.message) from None
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "The period was reopened; the roster's history keeps why.")
    return redirect("roster:locks")
