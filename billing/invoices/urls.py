"""Routes of invoices: ``api`` under ``/api/v1/clients/<client_slug>/`` (namespace ``api``)."""

from rest_framework.routers import SimpleRouter

from billing.invoices import apis

router = SimpleRouter()
router.register("invoices", apis.InvoiceViewSet, basename="invoice")
router.register("invoice-lines", apis.InvoiceLineViewSet, basename="invoice-line")
router.register("invoice-disputes", apis.LineDisputeViewSet, basename="invoice-dispute")
api = router.urls
