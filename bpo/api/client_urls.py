"""Client-scoped API routes (``/api/v1/clients/<client_slug>/...``). Every view here derives
from ``bpo.api.base.ClientScopedAPIView`` / ``ClientScopedViewSet``; tests/test_isolation.py
checks each route from the OpenAPI schema."""

from django.urls import include, path

urlpatterns = [
    path("", include("tenants.client_api_urls")),
    path("", include("bpo.accounts.client_api_urls")),
    path("", include("scheduling.planning.client_api_urls")),
    path("", include("bpo.catalog.client_api_urls")),
    path("", include("bpo.quality.client_api_urls")),
    path("", include("bpo.reporting.client_api_urls")),
    path("", include("billing.contracts.client_api_urls")),
    path("", include("billing.invoices.client_api_urls")),
]
