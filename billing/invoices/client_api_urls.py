"""The invoice API (``/api/v1/clients/<client_slug>/invoices/``, ``invoice-lines/``,
``invoice-disputes/``)."""

from billing.invoices.urls import api

urlpatterns = api
