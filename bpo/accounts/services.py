"""Writes for accounts: memberships, invitations, login throttling."""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from bpo.accounts.models import FailedLogin, Invitation, Membership, User, invitation_expiry

__all__ = ["User"]
from bpo.accounts.permissions import forget_memberships, memberships_of
from bpo.accounts.roles import CLIENT_ROLES, STAFF_ROLES, Role
from bpo.errors import ConflictError, DomainError


def _check_role_fits(*, user: User | None, role: str, client) -> None:
    if role not in Role.values:
        raise DomainError(f"Unknown role {role!r}.", field="role")
    if role == Role.PROVIDER_ADMIN and client is not None:
        raise DomainError("A provider admin is not tied to one client.", field="client")
    if role != Role.PROVIDER_ADMIN and client is None:
        raise DomainError("This role needs a client.", field="client")
    if user is None:
        return
    existing = memberships_of(user)
    if role in CLIENT_ROLES:
        if any(m.role in STAFF_ROLES for m in existing):
            raise DomainError(
                "Provider staff cannot also hold a client role.", field="role", code="conflict"
            )
        if any(m.role in CLIENT_ROLES and m.client_id != client.pk for m in existing):
            raise DomainError(
                "A client user belongs to exactly one client.", field="email", code="conflict"
            )
    elif any(m.role in CLIENT_ROLES for m in existing):
        raise DomainError(
            "A client user cannot also hold a provider role.", field="role", code="conflict"
        )


@transaction.atomic
def grant_membership(*, user: User, role: str, client=None, actor: User | None = None) -> Membership:
    _check_role_fits(user=user, role=role, client=client)
    try:
        with transaction.atomic():
            membership = Membership.objects.create(
                user=user, role=role, client=client, created_by=actor
            )
    except IntegrityError as exc:
        raise ConflictError("This person already has that role.", field="role") from exc
    if role == Role.PROVIDER_ADMIN and not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    forget_memberships(user)
    return membership


@transaction.atomic
def revoke_membership(*, membership: Membership, actor: User | None = None) -> None:
    if membership.role == Role.PROVIDER_ADMIN and (
        Membership.objects.filter(role=Role.PROVIDER_ADMIN).count() <= 1
    ):
        raise DomainError("The last provider admin cannot be removed.", field="role")
    membership.delete()
    forget_memberships(membership.user)


def create_user(*, email: str, password: str | None, full_name: str = "") -> User:
    email = User.objects.normalize_email(email).lower()
    if User.objects.filter(email__iexact=email).exists():
        raise ConflictError("An account with this e-mail address exists.", field="email")
    return User.objects.create_user(email=email, password=password, full_name=full_name)


@transaction.atomic
def invite_user(
    *, email: str, role: str, client=None, invited_by: User | None, full_name: str = ""
) -> tuple[Invitation, str]:
    """Create an invitation and e-mail its single-use link (after commit).

    Returns the invitation and the raw token (only its hash is stored).
    """
    email = User.objects.normalize_email(email).strip().lower()
    if not email:
        raise DomainError("An e-mail address is required.", field="email")
    existing_user = User.objects.filter(email__iexact=email).first()
    _check_role_fits(user=existing_user, role=role, client=client)
    if existing_user and Membership.objects.filter(
        user=existing_user, role=role, client=client
    ).exists():
        raise ConflictError("This person already has that role.", field="email")
    pending = Invitation.objects.filter(
        email__iexact=email,
        client=client,
        role=role,
        accepted_at__isnull=True,
        revoked_at__isnull=True,
        expires_at__gt=timezone.now(),
    )
    if pending.exists():
        raise ConflictError("An invitation for this person is already pending.", field="email")
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        email=email,
        role=role,
        client=client,
        full_name=full_name,
        invited_by=invited_by,
        token_hash=Invitation.hash_token(token),
        expires_at=invitation_expiry(),
    )
    transaction.on_commit(lambda: send_invitation_email(invitation=invitation, token=token))
    return invitation, token


def invitation_url(token: str) -> str:
    return settings.PORTAL_BASE_URL.rstrip("/") + reverse(
        "accounts:accept_invitation", args=[token]
    )


def send_invitation_email(*, invitation: Invitation, token: str) -> None:
    context = {"invitation": invitation, "url": invitation_url(token)}
    send_mail(
        subject="You are invited to the BPO Portal",
        message=render_to_string("accounts/invitation_email.txt", context),
        from_email=None,
        recipient_list=[invitation.email],
    )


def find_invitation(*, token: str) -> Invitation | None:
    return (
        Invitation.objects.select_related("client")
        .filter(token_hash=Invitation.hash_token(token))
        .first()
    )


@transaction.atomic
def accept_invitation(
    *, token: str, password: str | None = None, full_name: str = "", user: User | None = None
) -> User:
    """Redeem an invitation once: create the account (or use the signed-in one) and grant
    the role. Expired, revoked and used links are refused."""
    invitation = (
        Invitation.objects.select_for_update()
        .select_related("client")
        .filter(token_hash=Invitation.hash_token(token))
        .first()
    )
    if invitation is None:
        raise DomainError("This invitation link is not valid.", field="token", code="not_found")
    if not invitation.is_usable:
        raise DomainError(f"This invitation is {invitation.status}.", field="token")
    account = User.objects.filter(email__iexact=invitation.email).first()
    if user is not None and account is not None and user.pk != account.pk:
        raise DomainError("This invitation is for another e-mail address.", field="token")
    if account is None:
        if not password:
            raise DomainError("Choose a password.", field="password")
        probe = User(email=invitation.email, full_name=full_name or invitation.full_name)
        try:
            validate_password(password, user=probe)
        except ValidationError as exc:
            raise DomainError(" ".join(exc.messages), field="password") from exc
        account = create_user(
            email=invitation.email,
            password=password,
            full_name=full_name or invitation.full_name,
        )
    grant_membership(
        user=account, role=invitation.role, client=invitation.client, actor=invitation.invited_by
    )
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = account
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    return account


def revoke_invitation(*, invitation: Invitation) -> None:
    if invitation.accepted_at:
        raise DomainError("An accepted invitation cannot be revoked.", field="invitation")
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])


# --- login throttling -----------------------------------------------------------------------


def login_throttle_remaining_seconds(*, email: str, ip_address: str | None) -> int:
    """Seconds until ``email`` may try again, or 0. Counts recent failures by e-mail and IP."""
    window = timedelta(seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS)
    since = timezone.now() - window
    failures = FailedLogin.objects.filter(email=(email or "").lower(), attempted_at__gte=since)
    if ip_address:
        by_ip = FailedLogin.objects.filter(ip_address=ip_address, attempted_at__gte=since)
        if by_ip.count() >= settings.LOGIN_FAILURE_LIMIT * 4:
            failures = by_ip
    recent = list(failures.order_by("-attempted_at").values_list("attempted_at", flat=True)[
        : settings.LOGIN_FAILURE_LIMIT * 4
    ])
    if len(recent) < settings.LOGIN_FAILURE_LIMIT:
        return 0
    oldest_counted = recent[settings.LOGIN_FAILURE_LIMIT - 1]
    return max(1, int((oldest_counted + window - timezone.now()).total_seconds()))


def record_failed_login(*, email: str, ip_address: str | None) -> None:
    FailedLogin.objects.create(email=(email or "").lower()[:254], ip_address=ip_address)


def clear_failed_logins(*, email: str) -> None:
    FailedLogin.objects.filter(email=(email or "").lower()).delete()
