"""Pages of one client's registry entry, under ``/c/<client_slug>/`` (namespace ``client``)."""

from django.urls import path

from tenants import views

urlpatterns = [
    path("", views.client_overview, name="overview"),
    path("pilot-checklist/", views.client_pilot_checklist, name="pilot_checklist"),
    path("status/", views.client_change_status, name="change_status"),
    path("offboard/", views.client_offboard, name="offboard"),
    path("exports/", views.client_export_request, name="export_request"),
    path("exports/<int:export_id>/progress/", views.client_export_progress, name="export_progress"),
    path("exports/<int:export_id>/retry/", views.client_export_retry, name="export_retry"),
    path("exports/<int:export_id>/download/", views.client_export_download, name="export_download"),
]
