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
