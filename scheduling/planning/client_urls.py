from django.urls import path

from scheduling.planning.views import forecasts as forecast_views
from scheduling.planning.views import sla as sla_views
from scheduling.planning.views import staffing as staffing_views

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
]
