"""The weekly report pages (``/c/<client_slug>/reports/...``)."""

from bpo.reporting.urls import pages

urlpatterns = pages
