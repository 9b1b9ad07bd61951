"""The Django admin, for provider admins only.

The admin site asks ``bpo.accounts.permissions.is_provider_admin`` (the role, not Django's
staff flag), and its login page sends people to the portal's throttled login. Access changes
(roles, invitations) are made on the Staff and People pages, which go through the services
and the audit trail; here they are read-only.
"""

from __future__ import annotations

import types
from urllib.parse import urlencode

from django.contrib import admin
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.urls import reverse
from rest_framework.authtoken.models import TokenProxy

from bpo.accounts.models import AccountEvent, FailedLogin, Invitation, Membership, User
from bpo.accounts.permissions import is_provider_admin
from bpo.admin import ReadOnlyAdmin


def _has_permission(self, request) -> bool:
    user = request.user
    return bool(user.is_active and user.is_authenticated and is_provider_admin(user))


def _login(self, request, extra_context=None):
    """No second, unthrottled login form: the portal's login, then back to the admin."""
    if request.user.is_authenticated:
        raise PermissionDenied("The admin is for provider admins.")
    next_url = request.GET.get("next") or reverse("admin:index")
    return HttpResponseRedirect(f"{reverse('accounts:login')}?{urlencode({'next': next_url})}")


admin.site.has_permission = types.MethodType(_has_permission, admin.site)  # type: ignore[method-assign]
admin.site.login = types.MethodType(_login, admin.site)  # type: ignore[method-assign]
admin.site.site_header = "BPO Portal administration"
admin.site.site_title = "BPO Portal admin"
admin.site.index_title = "Provider administration"
admin.site.site_url = "/"


class MembershipInline(admin.TabularInline):
    model = Membership
    fk_name = "user"
    fields = ["role", "client", "created_at", "created_by"]
    readonly_fields = ["role", "client", "created_at", "created_by"]
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(User)
class UserAdmin(ReadOnlyAdmin):
    """Read-only: enabling, disabling and roles go through the Staff page (audited)."""

    list_display = ["email", "full_name", "is_active", "is_staff", "last_login", "date_joined"]
    list_filter = ["is_active", "is_staff", "memberships__role"]
    search_fields = ["email", "full_name"]
    ordering = ["email"]
    fields = ["email", "full_name", "is_active", "is_staff", "last_login", "date_joined"]
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(ReadOnlyAdmin):
    list_display = ["user", "role", "client", "created_at", "created_by"]
    list_filter = ["role", "client"]
    search_fields = ["user__email", "user__full_name", "client__name"]
    list_select_related = ["user", "client", "created_by"]


@admin.register(Invitation)
class InvitationAdmin(ReadOnlyAdmin):
    list_display = ["email", "role", "client", "status", "created_at", "expires_at"]
    list_filter = ["role", "client"]
    search_fields = ["email", "full_name"]
    exclude = ["token_hash"]
    list_select_related = ["client"]


@admin.register(AccountEvent)
class AccountEventAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "action", "email", "role", "client", "actor"]
    list_filter = ["action", "role"]
    search_fields = ["email"]
    date_hierarchy = "created_at"
    list_select_related = ["client", "actor"]


@admin.register(FailedLogin)
class FailedLoginAdmin(ReadOnlyAdmin):
    list_display = ["attempted_at", "email", "ip_address"]
    search_fields = ["email", "ip_address"]

    def has_delete_permission(self, request, obj=None) -> bool:
        return True  # unblock someone before the window passes


# Roles live in memberships; Django's groups are not used.
admin.site.unregister(Group)
# API tokens are obtained by their owners (POST /api/v1/auth/token/); here they can only be
# revoked.
admin.site.unregister(TokenProxy)


@admin.register(TokenProxy)
class TokenAdmin(ReadOnlyAdmin):
    list_display = ["key", "user", "created"]
    search_fields = ["user__email"]
    fields = ["user", "created"]

    def has_delete_permission(self, request, obj=None) -> bool:
        return True
