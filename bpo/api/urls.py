"""API v1. Client-scoped endpoints live under ``clients/<client_slug>/``."""

from django.urls import include, path

app_name = "api"
urlpatterns = [
    path("", include("bpo.accounts.api_urls")),
    path("", include("tenants.api_urls")),
    path("", include("scheduling.roster.api_urls")),
    path("", include("scheduling.planning.run_api_urls")),
    path("clients/<slug:client_slug>/", include("bpo.api.client_urls")),
]
