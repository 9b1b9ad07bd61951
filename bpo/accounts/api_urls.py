"""Provider-side accounts API, mounted at ``/api/v1/`` (namespace ``api``)."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from bpo.accounts import apis

router = SimpleRouter()
router.register("memberships", apis.MembershipViewSet, basename="membership")
router.register("invitations", apis.InvitationViewSet, basename="invitation")

urlpatterns = [
    path("auth/token/", apis.AuthTokenAPI.as_view(), name="auth-token"),
    path("me/", apis.MeAPI.as_view(), name="me"),
    *router.urls,
]
