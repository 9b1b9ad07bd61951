"""The contract pages (``/c/<client_slug>/contract/...``)."""

from billing.contracts.urls import pages

urlpatterns = pages
