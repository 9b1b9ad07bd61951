"""Routes of escalation paths: ``pages`` under ``/c/<client_slug>/`` (namespace ``client``) and
``api`` under ``/api/v1/clients/<client_slug>/`` (namespace ``api``)."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from bpo.catalog.apis import escalations as apis
from bpo.catalog.views import escalations as views

pages: list = [
    path(
        "service-lines/<int:service_line_id>/escalation/",
        views.escalation_path,
        name="escalation_path",
    ),
    path(
        "service-lines/<int:service_line_id>/escalation/new/",
        views.escalation_path_create,
        name="escalation_path_create",
    ),
    path(
        "service-lines/<int:service_line_id>/escalation/edit/",
        views.escalation_path_edit,
        name="escalation_path_edit",
    ),
    path(
        "service-lines/<int:service_line_id>/escalation/contacts/",
        views.escalation_contacts_edit,
        name="escalation_contacts_edit",
    ),
    path(
        "service-lines/<int:service_line_id>/escalation/resolver/",
        views.escalation_resolver,
        name="escalation_resolver",
    ),
]

# SimpleRouter: no API root view, which would not derive from the client-scoped base classes.
router = SimpleRouter()
router.register("escalation-paths", apis.EscalationPathViewSet, basename="escalation-path")
router.register("escalation-tiers", apis.EscalationTierViewSet, basename="escalation-tier")

api: list = router.urls
