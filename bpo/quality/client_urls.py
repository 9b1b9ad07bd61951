"""The scorecard pages (``/c/<client_slug>/scorecards/...``)."""

from bpo.quality.urls import pages

urlpatterns = pages
