"""Routes of service lines: ``pages`` under ``/c/<client_slug>/`` (namespace ``client``) and
``api`` under ``/api/v1/clients/<client_slug>/`` (namespace ``api``)."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from bpo.catalog.apis import service_lines as apis
from bpo.catalog.views import service_lines as views

pages: list = [
    path("service-lines/", views.service_lines, name="service_lines"),
    path("service-lines/new/", views.service_line_create, name="service_line_create"),
    path("service-lines/<int:service_line_id>/", views.service_line, name="service_line"),
    path(
        "service-lines/<int:service_line_id>/edit/",
        views.service_line_edit,
        name="service_line_edit",
    ),
    path(
        "service-lines/<int:service_line_id>/status/",
        views.service_line_status,
        name="service_line_status",
    ),
    path(
        "service-lines/<int:service_line_id>/date-overrides/",
        views.service_line_override_add,
        name="service_line_override_add",
    ),
    path(
        "service-lines/<int:service_line_id>/date-overrides/<int:override_id>/remove/",
        views.service_line_override_remove,
        name="service_line_override_remove",
    ),
]

# SimpleRouter: no API root view, which would not derive from the client-scoped base classes.
router = SimpleRouter()
router.register("service-lines", apis.ServiceLineViewSet, basename="service-line")
router.register("date-overrides", apis.DateOverrideViewSet, basename="date-override")

api: list = router.urls
