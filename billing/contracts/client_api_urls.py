"""The contract API (``/api/v1/clients/<client_slug>/contract-versions/``)."""

from billing.contracts.urls import api

urlpatterns = api
