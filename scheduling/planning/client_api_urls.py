from django.urls import path
from rest_framework.routers import SimpleRouter

from scheduling.planning.apis import staffing as staffing_apis
from scheduling.planning.apis import statistics as statistics_apis

_router = SimpleRouter()
_router.register(
    "statistics-imports", statistics_apis.StatisticsImportViewSet, basename="statistics-import"
)

urlpatterns = [
    path("staffing/", staffing_apis.StaffingCalculatorApi.as_view(), name="staffing"),
    # Contact statistics
    path(
        "statistics-intervals/",
        statistics_apis.IntervalStatisticsApi.as_view(),
        name="statistics-intervals",
    ),
    *_router.urls,
]
