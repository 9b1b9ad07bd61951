from django.urls import path

from scheduling.planning.apis import staffing as staffing_apis

urlpatterns = [
    path("staffing/", staffing_apis.StaffingCalculatorApi.as_view(), name="staffing"),
]
