"""Routes of weekly reports: ``pages`` under ``/c/<client_slug>/`` (namespace ``client``),
``api`` under ``/api/v1/clients/<client_slug>/`` (namespace ``api``) and ``provider`` at
``/reports/`` (the account side's list across clients)."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from bpo.reporting import apis, views

REPORT = "reports/<int:report_id>/"

pages = [
    path("reports/", views.weekly_reports, name="weekly_reports"),
    path("reports/regenerate/", views.weekly_report_regenerate, name="weekly_report_regenerate"),
    path("reports/subscription/", views.report_subscription, name="report_subscription"),
    path(REPORT, views.weekly_report, name="weekly_report"),
    path(REPORT + "progress/", views.weekly_report_progress, name="weekly_report_progress"),
    path(REPORT + "pdf/", views.weekly_report_pdf, name="weekly_report_pdf"),
]

router = SimpleRouter()
router.register("reports", apis.WeeklyReportViewSet, basename="weekly-report")
api = router.urls

provider = [
    path("", views.reports_across_clients, name="reports_across_clients"),
]
