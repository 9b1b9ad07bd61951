"""Plan pages of a client: the weeks' plans, one plan's grid (agents x days), a day by interval,
its coverage heat map (SVG), manual edits of its shifts (htmx forms that keep what was typed
and show every broken rule in words), publishing (the changes since the last publication; a
reason to amend a published week) and the revision history.

Access: reading ``Action.VIEW_PLANS``, edits ``Action.EDIT_PLANS``, publishing
``Action.PUBLISH_PLANS``. The reads are ``scheduling.planning.selectors.plans``, the writes
``services.plan_edits`` and ``services.publishing``.
"""

from __future__ import annotations

from datetime import date, timedelta
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseClientRedirect

from bpo.accounts.decorators import client_page
from bpo.accounts.permissions import can
from bpo.accounts.roles import Action
from bpo.charts import HEAT_LEGEND, coverage_heat_map_svg
from bpo.errors import DomainError
from bpo.forms import add_domain_error
from scheduling.planning.forms.plans import LineChangeForm, PublishForm, ShiftForm
from scheduling.planning.models import PlanStatus
from scheduling.planning.selectors import plans as selectors
from scheduling.planning.services import plan_edits, publishing
from scheduling.planning.services.plan_edits import PlanRuleError

DAY_INVALID = 'Day "{value}" is not a day of this plan\'s week.'


def _grid_url(request, plan) -> str:
    return reverse("client:plan", args=[request.tenant.slug, plan.pk])


def _rights(request) -> dict:
    return {
        "can_edit": can(request.user, request.tenant, Action.EDIT_PLANS),
        "can_publish": can(request.user, request.tenant, Action.PUBLISH_PLANS),
    }


def _figure_rows(figures: dict) -> list[tuple[str, str]]:
    rows = []
    for key, label, unit in (
        ("coverage_pct", "Coverage of the requirement", " %"),
        ("shortfall_hours", "Short (agent hours)", " h"),
        ("over_hours", "Over (agent hours)", " h"),
        ("planned_hours", "Planned hours", " h"),
        ("shifts", "Shifts", ""),
        ("agents", "Agents", ""),
        ("cost", "Cost", ""),
        ("run_gap_pct", "Gap of the run to its lower bound", " %"),
    ):
        if key in (figures or {}) and figures[key] is not None:
            value = figures[key]
            rows.append(
                (label, f"{value:g}{unit}" if isinstance(value, int | float) else str(value))
            )
    return rows


@client_page(Action.VIEW_PLANS)
@require_GET
def plan_list(request):
    """Every week's plan: status, revision, unpublished changes and its figures."""
    plans = list(selectors.list_plans())
    return render(
        request,
        "planning/plan_list.html",
        {"plans": [(plan, _figure_rows(plan.figures)[:3]) for plan in plans], **_rights(request)},
    )


def _plan_context(request, plan) -> dict:
    days = selectors.week_days(plan)
    return {
        "plan": plan,
        "days": days,
        "day_headers": [(day, selectors.day_label(day)) for day in days],
        "figures": _figure_rows(plan.figures),
        "previous_plan_week": plan.week_starts_on - timedelta(days=7),
        **_rights(request),
    }


def _grid_body(rows, *, shift_base: str, add_url: str, can_edit: bool, may_add: bool) -> str:
    """The grid's rows as markup, escaped here: the template language would take a second for
    the 1,400 cells of 200 agents, this takes a few milliseconds."""
    out = []
    for row in rows:
        name = escape(row.agent.full_name)
        cells = []
        for day, cell in enumerate(row.days):
            parts = []
            for item in cell:
                others = f" + {escape(', '.join(item.other_lines))}" if item.other_lines else ""
                href = f' href="{shift_base}{item.shift.pk}/"' if can_edit else ""
                manual = " manual" if item.shift.is_manual else ""
                parts.append(
                    f'<a class="plan-shift{manual}"{href}><span class="times">'
                    f'{escape(item.times)}</span> <span class="line">'
                    f"{escape(item.line_name)}{others}</span></a>"
                )
            for booking in row.elsewhere[day]:
                parts.append(
                    f'<span class="plan-elsewhere"><span class="times">{escape(booking.times)}'
                    f'</span> <span class="line">{escape(booking.client_name)}</span></span>'
                )
            if not parts and may_add:
                parts.append(
                    f'<a class="plan-add" href="{add_url}?agent={row.agent.pk}&amp;day={day}" '
                    f'aria-label="Add a shift for {name}">+</a>'
                )
            cells.append(f"<td>{''.join(parts)}</td>")
        hours = f"{row.hours:.1f}".removesuffix(".0")
        if row.hours_elsewhere:
            elsewhere = f"{row.hours_elsewhere:.1f}".removesuffix(".0")
            hours += f' <span class="muted">+ {elsewhere} elsewhere</span>'
        out.append(
            f'<tr><th scope="row">{name}</th>{"".join(cells)}<td class="number">{hours}</td></tr>'
        )
    return mark_safe("".join(out))  # every value above is escaped


@client_page(Action.VIEW_PLANS)
@require_GET
def plan_grid(request, plan_id: int):
    """Agents by day; each cell the shift's local times and line, linked to its edit form."""
    plan = selectors.get_plan(plan_id=plan_id)
    rows = selectors.plan_grid(plan=plan, client=request.tenant)
    # one reverse() for the page, not one per cell: the grid of 200 agents stays under 1 s
    shift_base = reverse("client:plan_shift", args=[request.tenant.slug, plan.pk, 0])[: -len("0/")]
    rights = _rights(request)
    may_add = rights["can_edit"] and plan.status != PlanStatus.DISCARDED
    add_url = reverse("client:plan_shift_add", args=[request.tenant.slug, plan.pk])
    return render(
        request,
        "planning/plan_grid.html",
        {
            **_plan_context(request, plan),
            "rows": rows,
            "grid_body": _grid_body(
                rows,
                shift_base=shift_base,
                add_url=add_url,
                can_edit=rights["can_edit"],
                may_add=may_add,
            ),
            "may_add": may_add,
        },
    )


@client_page(Action.VIEW_PLANS)
@require_GET
def plan_day(request, plan_id: int):
    """One day by interval: each shift as bars of its parts, and coverage against requirement."""
    plan = selectors.get_plan(plan_id=plan_id)
    days = selectors.week_days(plan)
    value = request.GET.get("day", "")
    error = ""
    day = days[0]
    if value:
        try:
            asked: date | None = date.fromisoformat(value)
        except ValueError:
            asked = None
        if asked in days and asked is not None:
            day = asked
        else:
            error = DAY_INVALID.format(value=value)
    coverage = selectors.plan_coverage(plan=plan)
    index = days.index(day)
    required = coverage.required[None][index]
    covered = coverage.covered[None][index]
    hours = [
        {
            "time": selectors.interval_label(column, coverage.interval_minutes),
            "required": round(required[column], 2),
            "covered": round(covered[column], 2),
            "difference": round(covered[column] - required[column], 2),
        }
        for column in range(coverage.columns)
        if required[column] or covered[column]
    ]
    return render(
        request,
        "planning/plan_day.html",
        {
            **_plan_context(request, plan),
            "day": day,
            "rows": selectors.plan_day(plan=plan, day=day),
            "intervals": hours,
            "hour_marks": [f"{hour:02d}:00" for hour in range(0, 24, 3)],
            "day_error": error,
        },
        status=400 if error else 200,
    )


@client_page(Action.VIEW_PLANS)
@require_GET
def plan_heat_map(request, plan_id: int):
    """Coverage minus requirement per day and interval as an SVG image (``?line=`` for one)."""
    plan = selectors.get_plan(plan_id=plan_id)
    coverage = selectors.plan_coverage(plan=plan)
    line_id = None
    try:
        line_id = int(request.GET["line"]) if request.GET.get("line") else None
    except ValueError:
        line_id = None
    what = coverage.lines.get(line_id, "all lines") if line_id else "all lines"
    svg = coverage_heat_map_svg(
        day_labels=[selectors.day_label(day) for day in coverage.days],
        differences=coverage.differences(line_id),
        interval_minutes=coverage.interval_minutes,
        title=f"Coverage against requirement, week of {plan.week_starts_on}, {what}",
        description=(
            "Each row a day, each column an interval of the day: red where fewer agents are "
            "planned than required, blue where more, pale grey where they match."
        ),
        chart_id=f"heat-map-{plan.pk}",
    )
    response = HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")
    response["Cache-Control"] = "private, no-cache"
    return response


@client_page(Action.VIEW_PLANS)
@require_GET
def plan_coverage(request, plan_id: int):
    """The heat map in the page, with the figures and a table per day behind it."""
    plan = selectors.get_plan(plan_id=plan_id)
    coverage = selectors.plan_coverage(plan=plan)
    line_id = request.GET.get("line", "")
    table = []
    for index, day in enumerate(coverage.days):
        required = sum(coverage.required[None][index]) * coverage.interval_minutes / 60
        covered = sum(coverage.covered[None][index]) * coverage.interval_minutes / 60
        short = (
            sum(max(d, 0) for d in (-(value or 0) for value in coverage.differences(None)[index]))
            * coverage.interval_minutes
            / 60
        )
        table.append(
            {
                "day": day,
                "label": selectors.day_label(day),
                "required": round(required, 1),
                "covered": round(covered, 1),
                "short": round(short, 1),
            }
        )
    return render(
        request,
        "planning/plan_coverage.html",
        {
            **_plan_context(request, plan),
            # the coverage figures as they stand now (a plan never edited has the run's)
            "figures": _figure_rows(
                {**(plan.figures or {}), **selectors.coverage_figures(coverage)}
            ),
            "table": table,
            "lines": sorted(coverage.lines.items(), key=lambda item: item[1]),
            "line_id": line_id,
            "legend": HEAT_LEGEND,
        },
    )


# --- edits -------------------------------------------------------------------------------------


def _edit_response(request, plan, template: str, context: dict, ok: bool, summary: str = ""):
    if ok:
        messages.success(request, summary)
        if request.htmx:
            return HttpResponseClientRedirect(_grid_url(request, plan))
        return redirect(_grid_url(request, plan))
    return render(request, template, context, status=200 if request.htmx else 400)


def _show_error(form, error: DomainError) -> None:
    if isinstance(error, PlanRuleError):
        for reason in error.reasons:
            form.add_error(None, reason)
    else:
        add_domain_error(form, error)


@client_page(Action.EDIT_PLANS)
def plan_shift_add(request, plan_id: int):
    """A new shift; refused with every broken rule, what was typed kept."""
    plan = selectors.get_plan(plan_id=plan_id)
    agents = list(selectors.plan_agents(plan=plan, client=request.tenant))
    lines = list(selectors.list_lines())
    initial = {}
    if request.GET.get("agent"):
        initial["agent"] = request.GET["agent"]
    day = request.GET.get("day", "")
    if day.isdigit() and int(day) < 7:  # the grid's empty cell names the day by its column
        initial["day"] = selectors.week_days(plan)[int(day)].isoformat()
    elif day:
        initial["day"] = day
    form = ShiftForm(request.POST or None, plan=plan, agents=agents, lines=lines, initial=initial)
    summary = ""
    ok = False
    if request.method == "POST" and form.is_valid():
        starts_at, ends_at = form.times()
        try:
            result = plan_edits.add_shift(
                plan=plan,
                agent_id=form.cleaned_data["agent"],
                service_line_id=form.cleaned_data["service_line"],
                starts_at=starts_at,
                ends_at=ends_at,
                actor=request.user,
            )
        except DomainError as error:
            _show_error(form, error)
        else:
            ok, summary = True, result.summary
    return _edit_response(
        request,
        plan,
        "planning/plan_shift_add.html",
        {**_plan_context(request, plan), "form": form},
        ok,
        summary,
    )


def _shift_forms(request, plan, shift, *, move=None, line=None):
    agents = list(selectors.plan_agents(plan=plan, client=request.tenant))
    lines = list(selectors.list_lines())
    return {
        **_plan_context(request, plan),
        "shift": shift,
        "shift_times": selectors._times(shift, ZoneInfo(plan.time_zone)),
        "move_form": move or ShiftForm(plan=plan, agents=agents, lines=lines, shift=shift),
        "line_form": line or LineChangeForm(plan=plan, shift=shift, lines=lines),
        "agents": agents,
        "lines": lines,
    }


@client_page(Action.EDIT_PLANS)
@require_GET
def plan_shift(request, plan_id: int, shift_id: int):
    """One shift's edit forms: move (times, day, agent, line), change the line of a part,
    remove."""
    plan = selectors.get_plan(plan_id=plan_id)
    shift = selectors.get_plan_shift(plan=plan, shift_id=shift_id)
    return render(request, "planning/plan_shift.html", _shift_forms(request, plan, shift))


@client_page(Action.EDIT_PLANS)
@require_POST
def plan_shift_move(request, plan_id: int, shift_id: int):
    plan = selectors.get_plan(plan_id=plan_id)
    shift = selectors.get_plan_shift(plan=plan, shift_id=shift_id)
    context = _shift_forms(request, plan, shift)
    form = ShiftForm(
        request.POST, plan=plan, agents=context["agents"], lines=context["lines"], shift=shift
    )
    context["move_form"] = form
    ok, summary = False, ""
    if form.is_valid():
        starts_at, ends_at = form.times()
        try:
            result = plan_edits.move_shift(
                shift=shift,
                agent_id=form.cleaned_data["agent"],
                service_line_id=form.cleaned_data["service_line"],
                starts_at=starts_at,
                ends_at=ends_at,
                actor=request.user,
            )
        except DomainError as error:
            _show_error(form, error)
        else:
            ok, summary = True, result.summary
    return _edit_response(request, plan, "planning/plan_shift.html", context, ok, summary)


@client_page(Action.EDIT_PLANS)
@require_POST
def plan_shift_line(request, plan_id: int, shift_id: int):
    plan = selectors.get_plan(plan_id=plan_id)
    shift = selectors.get_plan_shift(plan=plan, shift_id=shift_id)
    context = _shift_forms(request, plan, shift)
    form = LineChangeForm(request.POST, plan=plan, shift=shift, lines=context["lines"])
    context["line_form"] = form
    ok, summary = False, ""
    if form.is_valid():
        starts_at, ends_at = form.times()
        try:
            result = plan_edits.change_shift_line(
                shift=shift,
                starts_at=starts_at,
                ends_at=ends_at,
                service_line_id=form.cleaned_data["service_line"],
                actor=request.user,
            )
        except DomainError as error:
            _show_error(form, error)
        else:
            ok, summary = True, result.summary
    return _edit_response(request, plan, "planning/plan_shift.html", context, ok, summary)


@client_page(Action.EDIT_PLANS)
@require_POST
def plan_shift_remove(request, plan_id: int, shift_id: int):
    plan = selectors.get_plan(plan_id=plan_id)
    shift = selectors.get_plan_shift(plan=plan, shift_id=shift_id)
    try:
        result = plan_edits.remove_shift(shift=shift, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect(_grid_url(request, plan))
    return _edit_response(request, plan, "", {}, True, result.summary)


# --- publishing and history ----------------------------------------------------------------------

CHANGE_WORDS = {"added": "New", "moved": "Changed", "removed": "Cancelled"}


def _change_rows(changes: dict | None, line_names: dict[int, str]) -> list[dict]:
    """Each added, moved and removed shift as a row: agent, times (aware) and line, and for a
    moved one what it was before."""
    from datetime import datetime

    def one(entry: dict) -> dict:
        return {
            "agent": entry.get("agent", ""),
            "starts_at": datetime.fromisoformat(entry["starts_at"]),
            "ends_at": datetime.fromisoformat(entry["ends_at"]),
            "line": line_names.get(entry.get("line_id") or 0, ""),
        }

    rows = []
    for kind, label in CHANGE_WORDS.items():
        for entry in (changes or {}).get(kind, []):
            row = {"kind": kind, "label": label, **one(entry)}
            if entry.get("before"):
                row["before"] = one(entry["before"])
            rows.append(row)
    return sorted(rows, key=lambda row: (row["starts_at"], row["agent"]))


@client_page(Action.PUBLISH_PLANS)
def plan_publish(request, plan_id: int):
    """The changes since the last publication and the button: Publish (a first time),
    Republish or Amend (a published week, with a reason). Conflicts name agent and time."""
    plan = selectors.get_plan(plan_id=plan_id)
    form = PublishForm(request.POST if request.method == "POST" else None, plan=plan)
    conflicts = []
    if request.method == "POST" and form.is_valid():
        try:
            revision = publishing.publish_plan(
                plan=plan, user=request.user, reason=form.cleaned_data["reason"]
            )
        except publishing.PublishConflict as error:
            conflicts = [str(conflict) for conflict in error.conflicts]
            form.add_error(None, error.message)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, f"Revision {revision.number} published.")
            return redirect(reverse("client:plan_history", args=[request.tenant.slug, plan.pk]))
    changes = publishing.plan_changes(plan=plan) if plan.status != PlanStatus.DISCARDED else None
    if plan.revision == 0:
        action = "Publish"
    elif plan.status == PlanStatus.PUBLISHED:
        action = "Amend"
    else:
        action = "Republish"
    return render(
        request,
        "planning/plan_publish.html",
        {
            **_plan_context(request, plan),
            "form": form,
            "changes": changes,
            "change_count": publishing.change_count(changes) if changes else 0,
            "change_rows": _change_rows(
                changes, dict(selectors.list_lines().values_list("pk", "name"))
            ),
            "conflicts": conflicts,
            "action": action,
            "zone": plan.time_zone,
        },
        status=400 if request.method == "POST" else 200,
    )


@client_page(Action.VIEW_PLANS)
@require_GET
def plan_history(request, plan_id: int):
    """Each publication: number, when, by whom, why, and what it changed."""
    plan = selectors.get_plan(plan_id=plan_id)
    revisions = list(selectors.list_revisions(plan=plan).select_related("published_by"))
    names = dict(selectors.list_lines().values_list("pk", "name"))
    return render(
        request,
        "planning/plan_history.html",
        {
            **_plan_context(request, plan),
            "revisions": [
                (revision, _change_rows(revision.changes, names)) for revision in revisions
            ],
        },
    )
