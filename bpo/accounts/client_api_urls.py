"""One client's people, mounted at ``/api/v1/clients/<client_slug>/`` (namespace ``api``)."""

from rest_framework.routers import SimpleRouter

from bpo.accounts import apis

# SimpleRouter: no API root view, which would not derive from the client-scoped base classes.
router = SimpleRouter()
router.register("memberships", apis.ClientMembershipViewSet, basename="client-membership")
router.register("invitations", apis.ClientInvitationViewSet, basename="client-invitation")

urlpatterns = router.urls
