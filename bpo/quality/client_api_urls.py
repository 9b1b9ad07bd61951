"""The scorecard API (``/api/v1/clients/<client_slug>/scorecards/``, ``scorecard-versions/``)."""

from bpo.quality.urls import api

urlpatterns = api
