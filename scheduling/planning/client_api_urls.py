from django.urls import path
from rest_framework.routers import SimpleRouter

from scheduling.planning.apis import forecasts as forecast_apis
from scheduling.planning.apis import plans as plan_apis
from scheduling.planning.apis import sla as sla_apis
from scheduling.planning.apis import staffing as staffing_apis
from scheduling.planning.apis import statistics as statistics_apis

# SimpleRouter: no API root view, which would not derive from the client-scoped base classes.
router = SimpleRouter()
router.register("forecasts", forecast_apis.ForecastViewSet, basename="forecast")
router.register("plans", plan_apis.PlanViewSet, basename="plan")
router.register(
    "statistics-imports", statistics_apis.StatisticsImportViewSet, basename="statistics-import"
)

urlpatterns = [
    path("staffing/", staffing_apis.StaffingCalculatorApi.as_view(), name="staffing"),
    path("sla/", sla_apis.SlaWeekApi.as_view(), name="sla-week"),
    path("sla/projection/", sla_apis.SlaProjectionApi.as_view(), name="sla-projection"),
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
    # A plan's shifts (nested under the plan; the plan's rights, edits through plan_edits)
    path(
        "plans/<int:plan_id>/shifts/",
        plan_apis.PlanShiftViewSet.as_view({"get": "list", "post": "create"}),
        name="plan-shift-list",
    ),
    path(
        "plans/<int:plan_id>/shifts/<int:pk>/",
        plan_apis.PlanShiftViewSet.as_view({"get": "retrieve", "delete": "destroy"}),
        name="plan-shift-detail",
    ),
    path(
        "plans/<int:plan_id>/shifts/<int:pk>/move/",
        plan_apis.PlanShiftViewSet.as_view({"post": "move"}),
        name="plan-shift-move",
    ),
    path(
        "plans/<int:plan_id>/shifts/<int:pk>/line/",
        plan_apis.PlanShiftViewSet.as_view({"post": "line"}),
        name="plan-shift-line",
    ),
    *router.urls,
]
