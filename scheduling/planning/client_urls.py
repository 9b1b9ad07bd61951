from django.urls import path

from scheduling.planning.views import forecasts as forecast_views
from scheduling.planning.views import sla as sla_views
from scheduling.planning.views import staffing as staffing_views
from scheduling.planning.views import statistics as statistics_views

urlpatterns = [
    path("staffing/", staffing_views.staffing_calculator, name="staffing"),
    path("sla/", sla_views.sla_week, name="sla"),
    path("sla/<int:service_line_id>/", sla_views.sla_line, name="sla_line"),
    path("sla/<int:service_line_id>/chart.svg", sla_views.sla_chart, name="sla_chart"),
    path("forecasts/", forecast_views.forecast_list, name="forecasts"),
    path("forecasts/run/", forecast_views.forecast_run, name="forecast_run"),
    path("forecasts/<int:forecast_id>/", forecast_views.forecast_detail, name="forecast"),
    path(
        "forecasts/<int:forecast_id>/progress/",
        forecast_views.forecast_progress,
        name="forecast_progress",
    ),
    path(
        "forecasts/<int:forecast_id>/adjust/",
        forecast_views.forecast_adjust,
        name="forecast_adjust",
    ),
    path(
        "forecasts/<int:forecast_id>/requirement/",
        forecast_views.forecast_requirement,
        name="forecast_requirement",
    ),
    # Contact statistics and customer experience results
    path("statistics/", statistics_views.statistics_overview, name="statistics"),
    path("statistics/import/", statistics_views.statistics_upload, name="statistics_upload"),
    path(
        "statistics/imports/<int:import_id>/",
        statistics_views.statistics_import,
        name="statistics_import",
    ),
    path(
        "statistics/imports/<int:import_id>/progress/",
        statistics_views.statistics_import_progress,
        name="statistics_import_progress",
    ),
    path(
        "statistics/imports/<int:import_id>/commit/",
        statistics_views.statistics_import_commit,
        name="statistics_import_commit",
    ),
    path(
        "statistics/lines/<int:service_line_id>/",
        statistics_views.statistics_line,
        name="statistics_line",
    ),
    path("statistics/experience/", statistics_views.experience_upload, name="experience_upload"),
    path(
        "statistics/experience/imports/<int:experience_import_id>/",
        statistics_views.experience_import,
        name="experience_import",
    ),
    path(
        "statistics/experience/imports/<int:experience_import_id>/commit/",
        statistics_views.experience_import_commit,
        name="experience_import_commit",
    ),
]

# Shift plans: the weeks, the grid, a day, coverage, edits, publishing and history
from scheduling.planning.views import plans as plan_views  # noqa: E402

urlpatterns += [
    path("plans/", plan_views.plan_list, name="plans"),
    path("plans/<int:plan_id>/", plan_views.plan_grid, name="plan"),
    path("plans/<int:plan_id>/day/", plan_views.plan_day, name="plan_day"),
    path("plans/<int:plan_id>/coverage/", plan_views.plan_coverage, name="plan_coverage"),
    path("plans/<int:plan_id>/heat-map.svg", plan_views.plan_heat_map, name="plan_heat_map"),
    path("plans/<int:plan_id>/shifts/add/", plan_views.plan_shift_add, name="plan_shift_add"),
    path("plans/<int:plan_id>/shifts/<int:shift_id>/", plan_views.plan_shift, name="plan_shift"),
    path(
        "plans/<int:plan_id>/shifts/<int:shift_id>/move/",
        plan_views.plan_shift_move,
        name="plan_shift_move",
    ),
    path(
        "plans/<int:plan_id>/shifts/<int:shift_id>/line/",
        plan_views.plan_shift_line,
        name="plan_shift_line",
    ),
    path(
        "plans/<int:plan_id>/shifts/<int:shift_id>/remove/",
        plan_views.plan_shift_remove,
        name="plan_shift_remove",
    ),
    path("plans/<int:plan_id>/publish/", plan_views.plan_publish, name="plan_publish"),
    path("plans/<int:plan_id>/history/", plan_views.plan_history, name="plan_history"),
]
