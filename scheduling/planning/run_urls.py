"""Planning run pages, provider-side under ``/planning-runs/`` (a run spans clients)."""

from django.urls import path

from scheduling.planning.views import planning_runs as views

app_name = "planning_runs"
urlpatterns = [
    path("", views.run_list, name="runs"),
    path("new/", views.run_start, name="run_new"),
    path("<int:planning_run_id>/", views.run_detail, name="run"),
    path("<int:planning_run_id>/progress/", views.run_progress, name="run_progress"),
]
