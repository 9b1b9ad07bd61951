from django.urls import path

from scheduling.planning import apis

urlpatterns = [
    path("staffing/", apis.StaffingCalculatorApi.as_view(), name="staffing"),
]
