"""Invoice run pages, provider-side under ``/invoice-runs/`` (a run spans clients)."""

from django.urls import path

from billing.runs import views

app_name = "invoice_runs"
urlpatterns = [
    path("", views.run_list, name="runs"),
    path("new/", views.run_start, name="run_new"),
    path("<int:invoice_run_id>/", views.run_detail, name="run"),
    path("<int:invoice_run_id>/progress/", views.run_progress, name="run_progress"),
    path("<int:invoice_run_id>/retry/", views.run_retry, name="run_retry"),
]
