"""Writes for accounts: sign-in (throttled), memberships, invitations, profiles, API tokens.

Every change of someone's access writes an :class:`AccountEvent` in the same transaction.

Who may do this: the action's right (``MANAGE_MEMBERS``, the staff pages) is checked at the
edge; which role the actor may hand out or take back depends on the request, so the services
that grant, invite, remove or revoke check it here through
:func:`bpo.accounts.permissions.can_grant_role` and raise ``PermissionDeniedError`` (403)
naming the field. Their ``actor`` (``invited_by`` for invitations) is required: ``None`` means
the portal itself (seeding, onboarding), which checks nothing and names no actor in the audit
trail. The other rules here hold for everyone (a client user belongs to one client, a client
keeps a client admin, ...).
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token

from bpo.accounts.models import (
    AccountEvent,
    AccountEventAction,
    FailedLogin,
    Invitation,
    Membership,
    User,
    invitation_expiry,
)
from bpo.accounts.permissions import (
    can_grant_role,
    can_name_user,
    forget_memberships,
    is_provider_staff,
    memberships_of,
)
from bpo.accounts.roles import CLIENT_ROLES, STAFF_ROLES, Role
from bpo.errors import ConflictError, DomainError, PermissionDeniedError

__all__ = ["User"]

FULL_NAME_MAX_LENGTH = User._meta.get_field("full_name").max_length or 200


def record_account_event(
    *,
    action: str,
    actor: User | None,
    user: User | None = None,
    email: str = "",
    client=None,
    role: str = "",
    details: dict | None = None,
) -> AccountEvent:
    """Append to the audit trail; call it inside the transaction of the change."""
    return AccountEvent.objects.create(
        action=action,
        actor=actor if actor is not None and actor.pk else None,
        user=user,
        email=email or (user.email if user else ""),
        client=client,
        role=role,
        details=details or {},
    )


# --- memberships ----------------------------------------------------------------------------


def _check_role_shape(*, role: str, client) -> None:
    if role not in Role.values:
        raise DomainError(f"Unknown role {role!r}.", field="role")
    if role == Role.PROVIDER_ADMIN and client is not None:
        raise DomainError("A provider admin is not tied to one client.", field="client")
    if role in CLIENT_ROLES and client is None:
        raise DomainError("This role needs a client.", field="client")


def _check_actor_may_grant(
    *, actor: User | None, role: str, client, verb: str, field: str = "role"
) -> None:
    """Refuse (403) a role the actor may not hand out or take back; ``actor=None`` is the
    portal itself (seeding, onboarding) and passes."""
    if actor is None:
        return
    forget_memberships(actor)
    if not can_grant_role(actor, client, role):
        where = " in this client" if client is not None else ""
        raise PermissionDeniedError(
            f"Your role{where} does not allow {verb} a {Role(role).label.lower()}.",
            field=field,
        )


def _check_role_fits(*, user: User | None, role: str, client) -> None:
    _check_role_shape(role=role, client=client)
    if user is None:
        return
    existing = memberships_of(user)
    if role in CLIENT_ROLES:
        if any(m.role in STAFF_ROLES for m in existing):
            raise ConflictError("Provider staff cannot also hold a client role.", field="role")
        if any(m.role in CLIENT_ROLES and m.client_id != client.pk for m in existing):
            raise ConflictError("A client user belongs to exactly one client.", field="email")
    elif any(m.role in CLIENT_ROLES for m in existing):
        raise ConflictError("A client user cannot also hold a provider role.", field="role")


@transaction.atomic
def grant_membership(*, user: User, role: str, client=None, actor: User | None) -> Membership:
    """Give ``user`` the ``role`` (in ``client``). A provider admin also gets ``is_staff``.

    ``actor`` must be allowed to grant ``role`` in ``client`` (``PermissionDeniedError`` on
    ``role``); ``actor=None`` is the portal itself (seeding, onboarding)."""
    _check_role_shape(role=role, client=client)
    _check_actor_may_grant(actor=actor, role=role, client=client, verb="granting")
    return _grant(user=user, role=role, client=client, actor=actor)


NO_SUCH_USER = "No such user in this client."


@transaction.atomic
def grant_membership_by_user_id(*, user_id, role: str, client, actor: User | None) -> Membership:
    """``grant_membership`` for a user named by id in a request body (the client API, the
    assign-staff page). The id must name someone ``actor`` may name in ``client``
    (``permissions.can_name_user``): anyone else, another client's people included, answers
    ``DomainError`` on ``user`` exactly as an id that does not exist."""
    try:
        pk = int(user_id)
    except (TypeError, ValueError):
        pk = None
    user = User.objects.filter(pk=pk).first() if pk is not None else None
    if user is None or not can_name_user(actor, client, user):
        raise DomainError(NO_SUCH_USER, field="user")
    return grant_membership(user=user, role=role, client=client, actor=actor)


def _grant(*, user: User, role: str, client, actor: User | None) -> Membership:
    forget_memberships(user)
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
    record_account_event(
        action=AccountEventAction.MEMBERSHIP_GRANTED,
        actor=actor,
        user=user,
        client=client,
        role=role,
    )
    forget_memberships(user)
    return membership


@transaction.atomic
def revoke_membership(*, membership: Membership, actor: User | None) -> None:
    """Take a role away. Refused (403) when ``actor`` may not grant that role there
    (``actor=None``: the portal itself), and for the last provider admin and the last client
    admin of a client (someone must be able to manage its people; invite a new admin first)."""
    membership = (
        Membership.objects.select_for_update(of=("self",))
        .select_related("user", "client")
        .get(pk=membership.pk)
    )
    _check_actor_may_grant(
        actor=actor,
        role=membership.role,
        client=membership.client,
        verb="removing",
        field="membership",
    )
    if membership.role == Role.PROVIDER_ADMIN:
        admins = Membership.objects.select_for_update().filter(role=Role.PROVIDER_ADMIN)
        if len(admins) <= 1:
            raise ConflictError("The last provider admin cannot be removed.", field="role")
    if membership.role == Role.CLIENT_ADMIN:
        admins = Membership.objects.select_for_update().filter(
            role=Role.CLIENT_ADMIN, client=membership.client
        )
        if len(admins) <= 1:
            raise ConflictError(
                f"{membership.user} is the last client admin of {membership.client}. "
                "Invite another client admin before removing this one.",
                field="membership",
            )
    user = membership.user
    membership.delete()
    if membership.role == Role.PROVIDER_ADMIN and user.is_staff:
        user.is_staff = False
        user.save(update_fields=["is_staff"])
    record_account_event(
        action=AccountEventAction.MEMBERSHIP_REVOKED,
        actor=actor,
        user=user,
        client=membership.client,
        role=membership.role,
    )
    forget_memberships(user)


def create_user(*, email: str, password: str | None, full_name: str = "") -> User:
    email = User.objects.normalize_email(email).strip().lower()
    if User.objects.filter(email__iexact=email).exists():
        raise ConflictError("An account with this e-mail address exists.", field="email")
    return User.objects.create_user(email=email, password=password, full_name=full_name)


@transaction.atomic
def set_user_active(*, user: User, is_active: bool, actor: User | None) -> User:
    """Enable or disable an account. A disabled account cannot sign in and its API token is
    deleted. Nobody disables themselves, and the last active provider admin stays."""
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.is_active == is_active:
        raise ConflictError(
            f"The account is {'enabled' if is_active else 'disabled'} already.", field="is_active"
        )
    if not is_active:
        if actor is not None and actor.pk == user.pk:
            raise DomainError("You cannot disable your own account.", field="is_active")
        is_admin = Membership.objects.filter(user=user, role=Role.PROVIDER_ADMIN).exists()
        other_admins = Membership.objects.filter(
            role=Role.PROVIDER_ADMIN, user__is_active=True
        ).exclude(user=user)
        if is_admin and not other_admins.exists():
            raise ConflictError(
                "The last active provider admin cannot be disabled.", field="is_active"
            )
        Token.objects.filter(user=user).delete()
    user.is_active = is_active
    user.save(update_fields=["is_active"])
    record_account_event(
        action=AccountEventAction.USER_ACTIVATED
        if is_active
        else AccountEventAction.USER_DEACTIVATED,
        actor=actor,
        user=user,
    )
    return user


@transaction.atomic
def update_profile(*, user: User, full_name: str) -> User:
    """Change the user's own name: required (the portal shows it to colleagues) and at most
    as long as the model's field."""
    full_name = (full_name or "").strip()
    if not full_name:
        raise DomainError("Enter your name.", field="full_name")
    if len(full_name) > FULL_NAME_MAX_LENGTH:
        raise DomainError(
            f"The name is longer than {FULL_NAME_MAX_LENGTH} characters.", field="full_name"
        )
    if full_name != user.full_name:
        before = user.full_name
        user.full_name = full_name
        user.save(update_fields=["full_name"])
        record_account_event(
            action=AccountEventAction.PROFILE_UPDATED,
            actor=user,
            user=user,
            details={"full_name": [before, full_name]},
        )
    return user


@transaction.atomic
def set_password(*, user: User, password: str, actor: User | None) -> User:
    """Store a new password (already validated by the form) and forget failed logins."""
    user.set_password(password)
    user.save(update_fields=["password"])
    clear_failed_logins(email=user.email)
    record_account_event(
        action=AccountEventAction.PASSWORD_CHANGED,
        actor=actor,
        user=user,
        details={"via": "change" if actor is not None else "reset"},
    )
    return user


# --- invitations ----------------------------------------------------------------------------


@transaction.atomic
def invite_user(
    *, email: str, role: str, client=None, invited_by: User | None, full_name: str = ""
) -> tuple[Invitation, str]:
    """Create an invitation and e-mail its single-use link (after commit).

    ``invited_by`` must be allowed to grant ``role`` in ``client`` (``PermissionDeniedError``
    on ``role``); ``invited_by=None`` is the portal itself (onboarding, seeding). Returns the
    invitation and the raw token (only its hash is stored).
    """
    email = User.objects.normalize_email((email or "").strip()).lower()
    if not email:
        raise DomainError("An e-mail address is required.", field="email")
    full_name = (full_name or "").strip()
    if len(full_name) > FULL_NAME_MAX_LENGTH:
        raise DomainError(
            f"The name is longer than {FULL_NAME_MAX_LENGTH} characters.", field="full_name"
        )
    _check_role_shape(role=role, client=client)
    _check_actor_may_grant(actor=invited_by, role=role, client=client, verb="inviting")
    if invited_by is not None and invited_by.email.lower() == email:
        raise DomainError(
            "This is your own address: you hold your roles already. To give yourself another "
            "role, ask someone who may grant it.",
            field="email",
        )
    existing_user = User.objects.filter(email__iexact=email).first()
    if existing_user is not None and not _inviter_may_know(
        invited_by=invited_by, user=existing_user, client=client
    ):
        # Another client's user or a staff member, invited by a client user: answer as for an
        # unknown address, so no address of anyone else is confirmed. The person sees the
        # conflict, if any, when accepting (accept_invitation grants through _check_role_fits).
        existing_user = None
    if existing_user is not None:
        forget_memberships(existing_user)
        if not existing_user.is_active:
            raise DomainError(
                "This account is disabled; a provider admin must enable it first.", field="email"
            )
    _check_role_fits(user=existing_user, role=role, client=client)
    if (
        existing_user
        and Membership.objects.filter(user=existing_user, role=role, client=client).exists()
    ):
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
    record_account_event(
        action=AccountEventAction.INVITATION_SENT,
        actor=invited_by,
        user=existing_user,
        email=email,
        client=client,
        role=role,
        details={"invitation": invitation.pk},
    )
    transaction.on_commit(lambda: send_invitation_email(invitation=invitation, token=token))
    return invitation, token


def _inviter_may_know(*, invited_by: User | None, user: User, client) -> bool:
    """Whether the inviter may learn that ``user`` has an account: provider staff and the
    portal itself may; a client user only for people already in their client."""
    if invited_by is None or is_provider_staff(invited_by):
        return True
    return client is not None and Membership.objects.filter(user=user, client=client).exists()


def invitation_url(token: str) -> str:
    return settings.PORTAL_BASE_URL.rstrip("/") + reverse(
        "accounts:accept_invitation", args=[token]
    )


def invitation_subject(invitation: Invitation) -> str:
    if invitation.client is not None:
        return f"You are invited to {invitation.client.name} on BPO Portal"
    return "You are invited to the BPO Portal"


def send_invitation_email(*, invitation: Invitation, token: str) -> None:
    context = {"invitation": invitation, "url": invitation_url(token)}
    send_mail(
        subject=invitation_subject(invitation),
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
    the role. Expired, revoked and used links are refused, and so is a signed-in user whose
    e-mail address is not the invited one."""
    invitation = (
        Invitation.objects.select_for_update(of=("self",))
        .select_related("client")
        .filter(token_hash=Invitation.hash_token(token))
        .first()
    )
    if invitation is None:
        raise DomainError("This invitation link is not valid.", field="token", code="not_found")
    if not invitation.is_usable:
        raise DomainError(f"This invitation is {invitation.status}.", field="token")
    account = User.objects.filter(email__iexact=invitation.email).first()
    if user is not None and (account is None or user.pk != account.pk):
        raise DomainError(
            f"This invitation is for {invitation.email}; you are signed in as {user.email}. "
            "Log out and open the link again.",
            field="token",
        )
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
            full_name=(full_name or invitation.full_name).strip(),
        )
    elif not account.is_active:
        raise DomainError("This account is disabled; ask a provider admin.", field="token")
    return _redeem(invitation=invitation, account=account)


def _redeem(*, invitation: Invitation, account: User) -> User:
    # The inviter's right to grant this role was checked when the invitation was sent;
    # revoking the invitation is how it is withdrawn.
    _grant(
        user=account, role=invitation.role, client=invitation.client, actor=invitation.invited_by
    )
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = account
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    record_account_event(
        action=AccountEventAction.INVITATION_ACCEPTED,
        actor=account,
        user=account,
        client=invitation.client,
        role=invitation.role,
        details={"invitation": invitation.pk},
    )
    return account


@transaction.atomic
def accept_invitation_for(*, invitation: Invitation, user: User) -> User:
    """Redeem a pending invitation for the account it names, without the link (demo data and
    administration: the person's account exists already)."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitation.is_usable:
        raise DomainError(f"This invitation is {invitation.status}.", field="invitation")
    if invitation.email.lower() != user.email.lower():
        raise DomainError(f"This invitation is for {invitation.email}.", field="invitation")
    return _redeem(invitation=invitation, account=user)


@transaction.atomic
def revoke_invitation(*, invitation: Invitation, actor: User | None) -> Invitation:
    """Make a pending invitation's link useless. Refused (403) when ``actor`` may not grant
    its role there (``actor=None``: the portal itself); used, revoked and expired ones stay as
    they are (409)."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    _check_actor_may_grant(
        actor=actor,
        role=invitation.role,
        client=invitation.client,
        verb="revoking the invitation of",
        field="invitation",
    )
    if not invitation.is_usable:
        raise ConflictError(
            f"This invitation is {invitation.status}; only a pending invitation can be revoked.",
            field="invitation",
        )
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    record_account_event(
        action=AccountEventAction.INVITATION_REVOKED,
        actor=actor,
        email=invitation.email,
        client=invitation.client,
        role=invitation.role,
        details={"invitation": invitation.pk},
    )
    return invitation


# --- sign-in: login page and API token, throttled alike --------------------------------------


class SignInRefused(DomainError):
    """Why a sign-in failed: ``invalid_credentials``, ``throttled`` (see
    ``retry_after_seconds``), ``account_disabled`` or ``account_locked``."""

    def __init__(self, message: str, *, code: str, retry_after_seconds: int = 0) -> None:
        super().__init__(message, code=code)
        self.retry_after_seconds = retry_after_seconds


# How many failures one client address may make (on any accounts) before it waits, as a
# multiple of the per-account limit: a person mistyping a few passwords never reaches it.
LOGIN_FAILURE_LIMIT_PER_IP_FACTOR = 4


def _wait_after(failures, *, limit: int, window: timedelta) -> int:
    """Seconds until fewer than ``limit`` of ``failures`` (newest first) are in the window."""
    recent = list(failures.order_by("-attempted_at").values_list("attempted_at", flat=True)[:limit])
    if len(recent) < limit:
        return 0
    return max(1, int((recent[limit - 1] + window - timezone.now()).total_seconds()))


def login_throttle_remaining_seconds(*, email: str, ip_address: str | None) -> int:
    """Seconds until a sign-in of ``email`` from ``ip_address`` may be tried again, or 0.

    Two throttles, each on its own count: the account (``LOGIN_FAILURE_LIMIT`` failures of this
    e-mail address, from anywhere) and the client address (``LOGIN_FAILURE_LIMIT`` x 4
    failures from it, on any accounts). Neither refuses anyone else: a flood from one address
    holds back that address and the accounts it failed on, never an account without failures
    signing in from elsewhere. A correct password from a held-back address is refused too (the
    password is not even checked), or the flood could go on guessing. ``ip_address=None`` (not
    known, see ``client_address``) is throttled per account only.
    """
    window = timedelta(seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS)
    since = timezone.now() - window
    limit = settings.LOGIN_FAILURE_LIMIT
    wait = _wait_after(
        FailedLogin.objects.filter(email=(email or "").lower(), attempted_at__gte=since),
        limit=limit,
        window=window,
    )
    if ip_address:
        wait = max(
            wait,
            _wait_after(
                FailedLogin.objects.filter(ip_address=ip_address, attempted_at__gte=since),
                limit=limit * LOGIN_FAILURE_LIMIT_PER_IP_FACTOR,
                window=window,
            ),
        )
    return wait


def record_failed_login(*, email: str, ip_address: str | None) -> None:
    FailedLogin.objects.create(email=(email or "").lower()[:254], ip_address=ip_address)


def clear_failed_logins(*, email: str) -> None:
    FailedLogin.objects.filter(email=(email or "").lower()).delete()


def check_sign_in_allowed(*, user: User) -> None:
    """A client user whose client is suspended or offboarded is locked out (data kept)."""
    memberships = list(user.memberships.select_related("client"))
    client_memberships = [m for m in memberships if m.role in CLIENT_ROLES]
    only_client_roles = bool(client_memberships) and len(client_memberships) == len(memberships)
    clients = [m.client for m in client_memberships if m.client is not None]
    if only_client_roles and all(client.is_locked for client in clients):
        client = clients[0]
        raise SignInRefused(
            f"The portal of {client} is {client.get_status_display().lower()}; "
            "contact your account manager.",
            code="account_locked",
        )


def authenticate_user(*, email: str, password: str, ip_address: str | None, request=None) -> User:
    """Check an e-mail and password for the login page and the API token alike.

    After ``LOGIN_FAILURE_LIMIT`` failures of the account, or four times as many from the
    client address, within ``LOGIN_FAILURE_WINDOW_SECONDS`` the attempt is refused (even with
    the right password) until the window has passed (see
    :func:`login_throttle_remaining_seconds`). Raises :class:`SignInRefused`; a success
    clears the account's failures.
    """
    email = (email or "").strip().lower()
    wait = login_throttle_remaining_seconds(email=email, ip_address=ip_address)
    if wait:
        minutes = max(1, round(wait / 60))
        raise SignInRefused(
            f"Too many failed attempts. Try again in about {minutes} minute(s).",
            code="throttled",
            retry_after_seconds=wait,
        )
    user = authenticate(request, username=email, password=password) if email else None
    if user is None:
        disabled = User.objects.filter(email__iexact=email, is_active=False).first()
        if disabled is not None and disabled.check_password(password or ""):
            raise SignInRefused(
                "This account is disabled. Ask a provider admin to enable it.",
                code="account_disabled",
            )
        record_failed_login(email=email, ip_address=ip_address)
        raise SignInRefused(
            "The e-mail address and password do not match an account.",
            code="invalid_credentials",
        )
    check_sign_in_allowed(user=user)
    clear_failed_logins(email=email)
    return user


@transaction.atomic
def issue_api_token(*, user: User) -> Token:
    """The user's API token (one per user; created on first request)."""
    token, _ = Token.objects.get_or_create(user=user)
    return token


@transaction.atomic
def revoke_api_token(*, user: User) -> bool:
    """Log out every API client of ``user``. Returns whether a token existed."""
    deleted, _ = Token.objects.filter(user=user).delete()
    return bool(deleted)
