from __future__ import annotations

from django.shortcuts import render

from bpo.accounts.decorators import client_page
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
    results in place)."""
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
    return render(request, template, {"form": form, "results": results})
