from __future__ import annotations

from django.shortcuts import render
from django.utils import timezone

from bpo.accounts.decorators import client_page
from bpo.accounts.permissions import can
from bpo.accounts.roles import Action
from bpo.errors import DomainError
from scheduling.planning.calculator import calculate
from scheduling.planning.forms.staffing import StaffingCalculatorForm

_COMPARE_FIELDS = {
    "target_level_percent": "compare_level_percent",
    "target_seconds": "compare_seconds",
}


@client_page(Action.USE_STAFFING_CALCULATOR)
def staffing_calculator(request):
    """How many agents a workload needs, for one target or two side by side (htmx updates the
    results in place); with the right to see forecasts, the same comparison over a line's
    stored forecast for a week, in FTE."""
    form = StaffingCalculatorForm(request.POST or None)
    results = []
    if request.method == "POST" and form.is_valid():
        for label, scenario in form.scenarios():
            try:
                results.append((label, scenario, calculate(scenario)))
            except DomainError as exc:
                field = exc.field or ""
                if label == "B":
                    field = _COMPARE_FIELDS.get(field, field)
                form.add_error(field if field in form.fields else None, exc.message)
                results = []
                break
    template = "planning/_staffing_results.html" if request.htmx else "planning/staffing.html"
    context = {"form": form, "results": results}
    if can(request.user, request.tenant, Action.VIEW_FORECAST) and not request.htmx:
        context.update(_forecast_comparison(request))
    return render(request, template, context)


def _forecast_comparison(request) -> dict:
    """The quote simulator over a stored forecast: "80/20 vs 90/20 for this line next week"."""
    from scheduling.planning.forms.forecasts import ForecastFteForm
    from scheduling.planning.models import PlanningSettings
    from scheduling.planning.requirements import Target
    from scheduling.planning.selectors.forecasts import (
        compare_targets_fte,
        lines_with_ready_forecasts,
    )

    lines = lines_with_ready_forecasts()
    bound = "forecast_line" in request.GET
    fte_form = ForecastFteForm(request.GET if bound else None, lines=lines)
    comparison = None
    if bound and fte_form.is_valid():
        data = fte_form.cleaned_data
        settings = PlanningSettings.current()
        try:
            comparison = compare_targets_fte(
                service_line_id=data["forecast_line"].pk,
                targets=[
                    Target(level_percent=data["level_a"], seconds=data["seconds_a"]),
                    Target(level_percent=data["level_b"], seconds=data["seconds_b"]),
                ],
                now=timezone.now(),
                shrinkage_percent=float(settings.shrinkage_percent),
                max_occupancy_percent=float(settings.max_occupancy_percent),
            )
        except DomainError as exc:
            fte_form.add_error(None, exc.message)
    context = {
        "fte_form": fte_form,
        "fte_comparison": comparison,
        "has_forecast_lines": lines.exists(),
        "can_see_money": can(request.user, request.tenant, Action.VIEW_CONTRACT),
    }
    if comparison is not None and comparison.figures and context["can_see_money"]:
        context.update(_projected_invoices(request, comparison))
    return context


def _projected_invoices(request, comparison) -> dict:
    """Next month's invoice of each target under the client's contract (billing's selector):
    the line's FTE as the month's staffing."""
    from datetime import timedelta
    from zoneinfo import ZoneInfo

    from billing.contracts.selectors import month_of, project_month_invoice
    from scheduling.planning.requirements import HOURS_PER_FTE

    today = timezone.now().astimezone(ZoneInfo(request.tenant.time_zone)).date()
    next_month = month_of(today)[1] + timedelta(days=1)
    line_id = comparison.forecast.service_line_id
    invoices = [
        project_month_invoice(
            fte_by_line={line_id: figure.fte},
            productive_fte_by_line={line_id: figure.required_agent_hours / HOURS_PER_FTE},
            month=next_month,
        )
        for figure in comparison.figures
    ]
    priced = [invoice for invoice in invoices if invoice is not None]
    has_contract = bool(priced) and len(priced) == len(invoices)
    return {
        "projection_month": next_month,
        "projection_month_end": month_of(next_month)[1],
        "projected_invoices": list(zip(comparison.figures, priced, strict=True))
        if has_contract
        else [],
        "projection_has_contract": has_contract,
        "projection_assumptions": priced[0].assumptions if has_contract else (),
        "projection_difference": priced[0].difference_to(priced[1])
        if has_contract and len(priced) == 2
        else "",
    }
