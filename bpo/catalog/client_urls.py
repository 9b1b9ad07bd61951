"""The catalog's pages (``/c/<client_slug>/...``)."""

from bpo.catalog.urls import escalations, scripts, service_lines

urlpatterns = [*service_lines.pages, *scripts.pages, *escalations.pages]
