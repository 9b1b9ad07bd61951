from rest_framework.routers import SimpleRouter

from bpo.catalog.apis.audit import AuditEntryViewSet

router = SimpleRouter()
router.register("audit-entries", AuditEntryViewSet, basename="catalog-audit-entry")

pages: list = []
api = router.urls
