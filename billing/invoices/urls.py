"""Routes of invoices: ``pages`` under ``/c/<client_slug>/`` (namespace ``client``), ``api``
under ``/api/v1/clients/<client_slug>/`` (namespace ``api``)."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from billing.invoices import apis, views

INVOICE = "invoices/<int:invoice_id>/"

pages = [
    path("invoices/", views.invoices, name="invoices"),
    path(INVOICE, views.invoice, name="invoice"),
    path(INVOICE + "issue/", views.invoice_issue, name="invoice_issue"),
    path(INVOICE + "pay/", views.invoice_pay, name="invoice_pay"),
    path(INVOICE + "void/", views.invoice_void, name="invoice_void"),
    path(INVOICE + "credit/", views.invoice_credit, name="invoice_credit"),
    path(INVOICE + "pdf/", views.invoice_pdf, name="invoice_pdf"),
    path(INVOICE + "factur-x.xml", views.invoice_xml, {"syntax": "cii"}, name="invoice_cii"),
    path(INVOICE + "ubl.xml", views.invoice_xml, {"syntax": "ubl"}, name="invoice_ubl"),
    path(
        "invoice-lines/<int:invoice_line_id>/dispute/",
        views.invoice_line_dispute,
        name="invoice_line_dispute",
    ),
    path(
        "invoice-disputes/<int:invoice_dispute_id>/resolve/",
        views.invoice_dispute_resolve,
        name="invoice_dispute_resolve",
    ),
]

router = SimpleRouter()
router.register("invoices", apis.InvoiceViewSet, basename="invoice")
router.register("invoice-lines", apis.InvoiceLineViewSet, basename="invoice-line")
router.register("invoice-disputes", apis.LineDisputeViewSet, basename="invoice-dispute")
api = router.urls
