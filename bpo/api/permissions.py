"""DRF's default permission (``DEFAULT_PERMISSION_CLASSES``): refuse everything.

A view that does not build on ``bpo.api.base`` therefore serves nobody. Kept apart from
``bpo.api.base`` because DRF imports it while defining ``APIView``.
"""

from rest_framework import permissions


class DenyAll(permissions.BasePermission):
    def has_permission(self, request, view) -> bool:
        return False
