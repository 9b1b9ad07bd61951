from django.urls import path

from scheduling.planning import views

urlpatterns = [
    path("staffing/", views.staffing_calculator, name="staffing"),
]
