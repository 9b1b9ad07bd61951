"""Provider-side pages of the tenant registry, under ``/clients/``."""

from django.urls import path

from tenants import views

app_name = "tenants"
urlpatterns = [
    path("", views.client_list, name="list"),
    path("new/", views.onboard, name="onboard"),
    path("new/reset/", views.onboard_reset, name="onboard_reset"),
    path("new/address-check/", views.onboard_address_check, name="onboard_address_check"),
    path("new/time-zones/", views.onboard_time_zone_options, name="onboard_time_zones"),
    path("new/<slug:step>/", views.onboard_step, name="onboard_step"),
    path("onboarding/<uuid:run_id>/", views.onboarding_run, name="onboarding_run"),
    path(
        "onboarding/<uuid:run_id>/progress/",
        views.onboarding_run_progress,
        name="onboarding_run_progress",
    ),
    path("onboarding/<uuid:run_id>/retry/", views.onboarding_run_retry, name="onboarding_retry"),
]
