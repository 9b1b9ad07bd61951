"""URL map. Public (provider) routes and client routes never overlap: everything of one client
sits under ``/c/<slug>/`` (pages) or ``/api/v1/clients/<slug>/`` (API), see
``tenants.middleware``."""

from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView


class FaviconView(RedirectView):
    """``/favicon.ico``, which browsers and tools ask for by themselves: the portal's icon."""

    permanent = True

    def get_redirect_url(self, *args, **kwargs) -> str:
        return static("img/favicon.svg")


urlpatterns = [
    path("", include("bpo.portal.urls")),
    path("accounts/", include("bpo.accounts.urls")),
    path("clients/", include("tenants.urls")),
    path("roster/", include("scheduling.roster.urls")),
    path("planning-runs/", include("scheduling.planning.run_urls")),
    path("reports/", include("bpo.reporting.provider_urls")),
    path("invoice-runs/", include("billing.runs.urls")),
    path("receivables/", include("billing.ledger.urls")),
    path("c/<slug:client_slug>/", include("bpo.client_urls")),
    path("api/v1/", include("bpo.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("admin/", admin.site.urls),
    path("favicon.ico", FaviconView.as_view(), name="favicon"),
]

handler400 = "bpo.portal.views.bad_request"
handler403 = "bpo.portal.views.permission_denied"
handler404 = "bpo.portal.views.not_found"
handler500 = "bpo.portal.views.server_error"
