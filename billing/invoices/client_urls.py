"""The invoice pages (``/c/<client_slug>/invoices/...``)."""

from billing.invoices.urls import pages

urlpatterns = pages
