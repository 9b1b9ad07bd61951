from django.urls import path

from scheduling.planning.views import sla as sla_views
from scheduling.planning.views import staffing as staffing_views

urlpatterns = [
    path("staffing/", staffing_views.staffing_calculator, name="staffing"),
    path("sla/", sla_views.sla_week, name="sla"),
    path("sla/<int:service_line_id>/", sla_views.sla_line, name="sla_line"),
    path("sla/<int:service_line_id>/chart.svg", sla_views.sla_chart, name="sla_chart"),
]
