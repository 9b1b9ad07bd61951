from django.urls import path

from scheduling.planning.views import staffing as staffing_views

urlpatterns = [
    path("staffing/", staffing_views.staffing_calculator, name="staffing"),
]
