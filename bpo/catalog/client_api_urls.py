"""The catalog's API (``/api/v1/clients/<client_slug>/...``)."""

from bpo.catalog.urls import audit, escalations, scripts, service_lines

urlpatterns = [*service_lines.api, *scripts.api, *escalations.api, *audit.api]
