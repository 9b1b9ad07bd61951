"""The account side's list of weekly reports across clients (``/reports/``)."""

from bpo.reporting.urls import provider

app_name = "reporting"
urlpatterns = provider
