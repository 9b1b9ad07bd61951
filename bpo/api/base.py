"""The base classes every API view builds on. They fix authentication and permissions.

Client-scoped views read the client from ``request.tenant`` (set by the path middleware) and
check membership through ``bpo.accounts.permissions`` for every request, so a token issued
to a user of client A opens nothing of client B (404). Subclasses cannot weaken this:
``get_permissions`` and ``get_authenticators`` are fixed here.
"""

from __future__ import annotations

from typing import Any

from rest_framework import permissions, viewsets
from rest_framework.authentication import SessionAuthentication, TokenAuthentication
from rest_framework.exceptions import NotFound
from rest_framework.views import APIView

from bpo.accounts.permissions import ROLE_REFUSAL, can, can_access_client
from bpo.accounts.roles import Action

# Token first: an anonymous request then gets 401 with ``WWW-Authenticate: Token``.
AUTHENTICATION_CLASSES = (TokenAuthentication, SessionAuthentication)


class ClientScopedPermission(permissions.BasePermission):
    """Membership in the path's client (404 otherwise), then the action's role rule (403)."""

    message = ROLE_REFUSAL

    def has_permission(self, request, view) -> bool:
        # Authentication first: 401 whether or not the client exists (no ``request.tenant``).
        if not request.user or not request.user.is_authenticated:
            return False
        client = getattr(request, "tenant", None)
        if client is None or not can_access_client(request.user, client):
            raise NotFound()
        return can(request.user, client, view.required_action(request))


class _FixedSecurity:
    # Extra permissions a subclass may add; they can only narrow what the fixed ones allow.
    permission_classes: Any = ()

    def get_authenticators(self):
        return [auth() for auth in AUTHENTICATION_CLASSES]

    def get_permissions(self):
        return [permission() for permission in self.fixed_permissions()] + [
            permission() for permission in self.permission_classes
        ]

    def fixed_permissions(self) -> tuple:
        return (permissions.IsAuthenticated,)


class ProviderAPIView(_FixedSecurity, APIView):
    """An endpoint of the public (provider) side; any signed-in user, filtered by selectors."""


class ProviderViewSet(_FixedSecurity, viewsets.GenericViewSet):
    """A viewset of the public side. Querysets must come from access-checking selectors."""


class _ClientScoped(_FixedSecurity):
    read_action: str = Action.VIEW_CLIENT
    write_action: str = Action.MANAGE_CLIENT

    def fixed_permissions(self) -> tuple:
        return (ClientScopedPermission,)

    def required_action(self, request) -> str:
        return self.read_action if request.method in permissions.SAFE_METHODS else self.write_action

    @property
    def client(self):
        return self.request.tenant  # type: ignore[attr-defined]


class ClientScopedAPIView(_ClientScoped, APIView):
    """An endpoint under ``/api/v1/clients/<slug>/``."""


class ClientScopedViewSet(_ClientScoped, viewsets.GenericViewSet):
    """A viewset under ``/api/v1/clients/<slug>/``."""
