"""Forecast pages: the list per line (versions, accuracy), running one (a background job with
a progress bar), a version with its chart against the actuals and its adjustments, and the
staffing requirement chart with the table behind it."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from bpo.accounts.decorators import client_page
from bpo.accounts.permissions import can
from bpo.accounts.roles import Action
from bpo.charts import Series, line_chart
from bpo.errors import DomainError
from bpo.forms import add_domain_error
from scheduling.planning.forms.forecasts import AdjustForecastForm, RunForecastForm
from scheduling.planning.models import RequirementModel
from scheduling.planning.selectors import forecasts as selectors
from scheduling.planning.services import forecasts as services

MODEL_EXPLANATIONS = {
    "erlang_c": "Erlang C: contacts queue for the next free agent and nobody hangs up.",
    "erlang_a": "Erlang A: contacts queue and hang up after the line's average patience.",
    "chat_slots": "Erlang C per chat slot: each agent holds the line's concurrency of chats at "
    "once; the slots needed are computed as for calls, and agents = slots ÷ concurrency.",
    "chat_slots_a": "Erlang A per chat slot (with the line's patience); agents = slots ÷ "
    "concurrency.",
    "backlog": "Backlog: each item's handle time is spread over the open intervals of its "
    "first-response window (not Erlang C: nobody waits on the line).",
}


def _slug(request) -> str:
    return request.tenant.slug


def _zone(request) -> ZoneInfo:
    return ZoneInfo(request.tenant.time_zone)


@client_page(Action.VIEW_FORECAST)
def forecast_list(request):
    lines = list(selectors.list_forecastable_lines())
    shown = [run for line in lines for run in line.runs[:5]]  # type: ignore[attr-defined]
    services.refresh_accuracies(forecasts=shown)
    return render(
        request,
        "planning/forecast_list.html",
        {
            "lines": lines,
            "can_run": can(request.user, request.tenant, Action.RUN_FORECAST),
        },
    )


@client_page(Action.RUN_FORECAST)
def forecast_run(request):
    form = RunForecastForm(request.POST or None, initial={"service_line": request.GET.get("line")})
    if request.method == "POST" and form.is_valid():
        try:
            forecast = services.start_forecast(
                service_line=form.cleaned_data["service_line"],
                weeks=form.cleaned_data["weeks"],
                actor=request.user,
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            return redirect("client:forecast", _slug(request), forecast.pk)
    return render(request, "planning/forecast_run.html", {"form": form})


def _progress_context(forecast) -> dict:
    return {"forecast": forecast, "job": forecast.job}


@client_page(Action.VIEW_FORECAST)
def forecast_progress(request, forecast_id: int):
    """The fragment htmx polls; once the run has finished it asks for a full reload."""
    forecast = services.settle_forecast(forecast=selectors.get_forecast(forecast_id=forecast_id))
    response = render(request, "planning/_forecast_progress.html", _progress_context(forecast))
    if not forecast.is_in_progress and request.htmx:
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"
    return response


@client_page(Action.VIEW_FORECAST)
def forecast_detail(request, forecast_id: int):
    forecast = services.settle_forecast(forecast=selectors.get_forecast(forecast_id=forecast_id))
    context = {"forecast": forecast, **_progress_context(forecast)}
    if forecast.is_ready:
        forecast = services.refresh_forecast_accuracy(forecast=forecast)
        week = selectors.week_of(forecast, request.GET.get("week"))
        figures = selectors.week_figures(forecast=forecast, week=week)
        series = [Series("Forecast", figures.forecast)]
        if figures.is_adjusted:
            series.append(Series("Before adjustments", figures.original, kind="dashed"))
        if figures.has_actuals:
            series.append(Series("Actual", figures.actual))
        ticks, separators = _day_ticks(figures.starts, _zone(request))
        context.update(
            {
                "weeks": selectors.weeks_of(forecast),
                "week": week,
                "figures": figures,
                "chart": line_chart(
                    series=series,
                    title=f"Contacts per interval, {week.label}",
                    y_label="Contacts per interval",
                    x_ticks=ticks,
                    separators=separators,
                ),
                "adjustments": list(selectors.list_adjustments(forecast=forecast)),
                "can_adjust": can(request.user, request.tenant, Action.ADJUST_FORECAST),
                "adjust_form": AdjustForecastForm(forecast=forecast),
            }
        )
    return render(request, "planning/forecast_detail.html", context)


def _day_ticks(starts, zone: ZoneInfo) -> tuple[list[tuple[float, str]], list[float]]:
    ticks: list[tuple[float, str]] = []
    separators: list[float] = []
    previous = None
    for index, start in enumerate(starts):
        local = start.astimezone(zone)
        if local.date() != previous:
            ticks.append((index, f"{local:%a %d}"))
            if index:
                separators.append(index - 0.5)
            previous = local.date()
    return ticks, separators


@client_page(Action.ADJUST_FORECAST)
def forecast_adjust(request, forecast_id: int):
    forecast = selectors.get_forecast(forecast_id=forecast_id)
    form = AdjustForecastForm(request.POST or None, forecast=forecast)
    if request.method == "POST" and form.is_valid():
        try:
            adjustment = services.adjust_forecast(
                forecast=forecast, request=form.to_request(), actor=request.user
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(
                request,
                f"Forecast changed by {adjustment.percent:+} % over {adjustment.intervals_changed} "
                "intervals; the staffing requirement was computed again.",
            )
            return redirect(
                reverse("client:forecast", args=[_slug(request), forecast.pk]) + "#adjustments"
            )
    return render(request, "planning/forecast_adjust.html", {"forecast": forecast, "form": form})


@client_page(Action.VIEW_FORECAST)
def forecast_requirement(request, forecast_id: int):
    forecast = selectors.get_forecast(forecast_id=forecast_id)
    context: dict = {"forecast": forecast}
    if forecast.is_ready and forecast.requirement_model:
        week = selectors.week_of(forecast, request.GET.get("week"))
        figures = selectors.requirement_week(forecast=forecast, week=week)
        ticks, separators = _day_ticks(figures.starts, _zone(request))
        context.update(
            {
                "weeks": selectors.weeks_of(forecast),
                "week": week,
                "figures": figures,
                "model_label": RequirementModel(forecast.requirement_model).label,
                "model_explanation": MODEL_EXPLANATIONS.get(forecast.requirement_model, ""),
                "chart": line_chart(
                    series=[
                        Series("Scheduled (with shrinkage)", figures.scheduled, kind="step"),
                        Series("On the line", figures.required, kind="step"),
                    ],
                    title=f"Required agents per interval, {week.label}",
                    y_label="Agents",
                    x_ticks=ticks,
                    separators=separators,
                ),
                "weekdays": [day.day for day in figures.days],
            }
        )
    return render(request, "planning/forecast_requirement.html", context)
