"""Pages of one client's portal, mounted under ``/c/<client_slug>/``.

Every view here must be wrapped in ``bpo.accounts.decorators.client_page``;
tests/test_isolation.py walks this list and fails for a route without the rule.
"""

from django.urls import include, path

app_name = "client"
urlpatterns = [
    path("", include("tenants.client_urls")),
    path("", include("bpo.accounts.client_urls")),
    path("", include("scheduling.planning.client_urls")),
    path("", include("bpo.catalog.client_urls")),
    path("", include("bpo.quality.client_urls")),
    path("", include("bpo.reporting.client_urls")),
    path("", include("billing.contracts.client_urls")),
    path("", include("billing.invoices.client_urls")),
]
