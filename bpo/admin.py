"""Admin helpers shared by the apps. Who may enter the admin at all is decided by the
permission layer (``User.has_perm`` defers to the provider admin role)."""

from __future__ import annotations

from django.contrib import admin


class ReadOnlyAdmin(admin.ModelAdmin):
    """Visible, never editable in place: writes go through the services (and their audit)."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
