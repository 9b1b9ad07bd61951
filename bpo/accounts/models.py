from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models import Q
from django.utils import timezone

from bpo.accounts.roles import ASSIGNABLE_STAFF_ROLES, CLIENT_ROLES, Role


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra) -> User:
        if not email:
            raise ValueError("An e-mail address is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        user = self.create_user(email, password, **extra)
        Membership.objects.get_or_create(user=user, role=Role.PROVIDER_ADMIN, client=None)
        return user


class User(AbstractBaseUser, PermissionsMixin):
    """A person who logs in with an e-mail address; roles come from memberships."""

    email = models.EmailField(unique=True)
    full_name = models.CharField(max_length=200, blank=True)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(
        default=False, help_text="May log in to the Django admin (provider admins)."
    )
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []  # type: ignore[misc]

    class Meta:
        ordering = ["email"]

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name or self.email

    def get_short_name(self) -> str:
        return (self.full_name or self.email).split(" ")[0]

    # The Django admin is for provider admins (see bpo/accounts/admin.py): the role, not the
    # superuser flag, opens every model there.
    def has_perm(self, perm, obj=None) -> bool:
        from bpo.accounts.permissions import is_provider_admin

        if self.is_active and is_provider_admin(self):
            return True
        return super().has_perm(perm, obj)

    def has_module_perms(self, app_label: str) -> bool:
        from bpo.accounts.permissions import is_provider_admin

        if self.is_active and is_provider_admin(self):
            return True
        return super().has_module_perms(app_label)


class Membership(models.Model):
    """A role a user holds: provider admin (global); a staff role for one assigned client, or
    the same role at provider level (``client`` empty: provider-wide abilities such as
    onboarding a new client, but no client's data); or a client role in exactly one client."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    client = models.ForeignKey(
        "tenants.Client",
        on_delete=models.CASCADE,
        related_name="memberships",
        null=True,
        blank=True,
    )
    role = models.CharField(max_length=32, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["client_id", "role", "user_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "client", "role"], name="membership_unique_role_per_client"
            ),
            # NULLs are distinct in a unique index: one provider-level row per user and role.
            models.UniqueConstraint(
                fields=["user", "role"],
                condition=Q(client__isnull=True),
                name="membership_unique_provider_level_role",
            ),
            # Provider admin: never tied to a client. Client roles: always. Other staff roles:
            # either a client assignment or a provider-level role with no client access.
            models.CheckConstraint(
                condition=(Q(role=Role.PROVIDER_ADMIN) & Q(client__isnull=True))
                | (Q(role__in=sorted(CLIENT_ROLES)) & Q(client__isnull=False))
                | Q(role__in=sorted(ASSIGNABLE_STAFF_ROLES)),
                name="membership_client_fits_role",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} @ {self.client or 'provider'}"

    @property
    def is_client_role(self) -> bool:
        return self.role in CLIENT_ROLES


class Invitation(models.Model):
    """A single-use, expiring link that creates (or extends) an account with one role."""

    email = models.EmailField()
    client = models.ForeignKey(
        "tenants.Client",
        on_delete=models.CASCADE,
        related_name="invitations",
        null=True,
        blank=True,
    )
    role = models.CharField(max_length=32, choices=Role.choices)
    full_name = models.CharField(max_length=200, blank=True)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Invitation of {self.email} as {self.get_role_display()}"

    @staticmethod
    def hash_token(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    @property
    def status(self) -> str:
        if self.accepted_at:
            return "accepted"
        if self.revoked_at:
            return "revoked"
        if self.expires_at <= timezone.now():
            return "expired"
        return "pending"

    @property
    def is_usable(self) -> bool:
        return self.status == "pending"


class FailedLogin(models.Model):
    """Failed login attempts, kept in the database so every web process sees them."""

    email = models.CharField(max_length=254, db_index=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    attempted_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-attempted_at"]

    def __str__(self) -> str:
        return f"Failed login of {self.email} at {self.attempted_at:%Y-%m-%d %H:%M}"


class AccountEventAction(models.TextChoices):
    INVITATION_SENT = "invitation_sent", "Invitation sent"
    INVITATION_REVOKED = "invitation_revoked", "Invitation revoked"
    INVITATION_ACCEPTED = "invitation_accepted", "Invitation accepted"
    MEMBERSHIP_GRANTED = "membership_granted", "Role granted"
    MEMBERSHIP_REVOKED = "membership_revoked", "Role removed"
    USER_DEACTIVATED = "user_deactivated", "Account disabled"
    USER_ACTIVATED = "user_activated", "Account enabled"
    PASSWORD_CHANGED = "password_changed", "Password changed"
    PROFILE_UPDATED = "profile_updated", "Profile updated"


class AccountEvent(models.Model):
    """The audit trail of accounts and roles: who changed whose access, when, and how.

    Rows keep the e-mail and role as text, so the trail survives deleted users and memberships.
    """

    action = models.CharField(max_length=32, choices=AccountEventAction.choices)
    actor = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    user = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="account_events"
    )
    email = models.EmailField(blank=True, help_text="The person concerned.")
    client = models.ForeignKey(
        "tenants.Client",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="account_events",
    )
    role = models.CharField(max_length=32, choices=Role.choices, blank=True)
    details = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_action_display()}: {self.email}"


def invitation_expiry() -> datetime:
    return timezone.now() + timedelta(days=settings.INVITATION_VALID_DAYS)
