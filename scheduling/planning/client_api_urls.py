from django.urls import path
from rest_framework.routers import SimpleRouter

from scheduling.planning.apis import forecasts as forecast_apis
from scheduling.planning.apis import staffing as staffing_apis

# SimpleRouter: no API root view, which would not derive from the client-scoped base classes.
router = SimpleRouter()
router.register("forecasts", forecast_apis.ForecastViewSet, basename="forecast")

urlpatterns = [
    path("staffing/", staffing_apis.StaffingCalculatorApi.as_view(), name="staffing"),
    *router.urls,
]
