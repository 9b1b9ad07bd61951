"""The weekly report API (``/api/v1/clients/<client_slug>/reports/``)."""

from bpo.reporting.urls import api

urlpatterns = api
