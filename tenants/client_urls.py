"""Pages of one client's registry entry, under ``/c/<client_slug>/`` (namespace ``client``)."""

from django.urls import path

from tenants import views

urlpatterns = [
    path("", views.client_overview, name="overview"),
    path("status/", views.client_change_status, name="change_status"),
    path("offboard/", views.client_offboard, name="offboard"),
]
