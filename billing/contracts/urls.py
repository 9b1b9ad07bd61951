"""Routes of contracts: ``pages`` under ``/c/<client_slug>/`` (namespace ``client``), ``api``
under ``/api/v1/clients/<client_slug>/`` (namespace ``api``)."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from billing.contracts import apis, views

pages = [
    path("contract/", views.contract_page, name="contract"),
    path("contract/new-version/", views.new_contract_version, name="contract_new_version"),
]

router = SimpleRouter()
router.register("contract-versions", apis.ContractVersionViewSet, basename="contract-version")
api = router.urls
