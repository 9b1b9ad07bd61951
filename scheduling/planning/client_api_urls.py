from django.urls import path
from rest_framework.routers import SimpleRouter

from scheduling.planning.apis import forecasts as forecast_apis
from scheduling.planning.apis import sla as sla_apis
from scheduling.planning.apis import staffing as staffing_apis
from scheduling.planning.apis import statistics as statistics_apis

# SimpleRouter: no API root view, which would not derive from the client-scoped base classes.
router = SimpleRouter()
router.register("forecasts", forecast_apis.ForecastViewSet, basename="forecast")
router.register(
    "statistics-imports", statistics_apis.StatisticsImportViewSet, basename="statistics-import"
)

urlpatterns = [
    path("staffing/", staffing_apis.StaffingCalculatorApi.as_view(), name="staffing"),
    path("sla/", sla_apis.SlaWeekApi.as_view(), name="sla-week"),
    path(
        "sla/service-lines/<int:service_line_id>/",
        sla_apis.SlaLineApi.as_view(),
        name="sla-service-line",
    ),
    # Contact statistics
    path(
        "statistics-intervals/",
        statistics_apis.IntervalStatisticsApi.as_view(),
        name="statistics-intervals",
    ),
    *router.urls,
]
