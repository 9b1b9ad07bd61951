"""Reads for accounts. ``access_*`` functions check scope and raise not-found.

Memberships, invitations and account events that belong to one client are read only here, and
every selector takes the client (``client=``) or the user who reads (``user=``) as a required
keyword: there is no "all rows" default, so a new provider endpoint cannot list them unfiltered
(``tests/test_selector_rule.py`` keeps views and APIs from reading the models directly).
"""

from __future__ import annotations

from django.db.models import Case, IntegerField, Prefetch, Q, QuerySet, Value, When
from django.http import Http404
from django.utils import timezone

from bpo.accounts.models import AccountEvent, Invitation, Membership, User
from bpo.accounts.permissions import can_manage_staff, is_provider_admin
from bpo.accounts.roles import CLIENT_ROLES, STAFF_ROLES, Role

INVITATION_STATUSES = ("pending", "accepted", "revoked", "expired")


def _role_order() -> Case:
    return Case(
        *[When(role=role, then=Value(index)) for index, role in enumerate(Role.values)],
        output_field=IntegerField(),
    )


def filter_invitations_by_status(invitations: QuerySet[Invitation], status: str):
    """``status`` is computed (see ``Invitation.status``); this is its database form."""
    now = timezone.now()
    if status == "accepted":
        return invitations.filter(accepted_at__isnull=False)
    if status == "revoked":
        return invitations.filter(accepted_at__isnull=True, revoked_at__isnull=False)
    if status == "expired":
        return invitations.filter(
            accepted_at__isnull=True, revoked_at__isnull=True, expires_at__lte=now
        )
    if status == "pending":
        return invitations.filter(
            accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=now
        )
    return invitations


def one_client(client):
    """``client``, refusing ``None``: rows of one client are never read provider-wide by a
    selector that takes a client (``filter(client=None)`` would read the provider-level rows)."""
    if client is None:
        raise TypeError("This selector reads one client's rows; it needs the client, not None.")
    return client


# --- one client's people ---------------------------------------------------------------------


def list_client_memberships(*, client, search: str = "", role: str = "") -> QuerySet[Membership]:
    memberships = (
        Membership.objects.filter(client=one_client(client))
        .select_related("user", "client", "created_by")
        .annotate(role_order=_role_order())
    )
    if search:
        memberships = memberships.filter(
            Q(user__email__icontains=search) | Q(user__full_name__icontains=search)
        )
    if role:
        memberships = memberships.filter(role=role)
    return memberships.order_by("role_order", "user__full_name", "user__email", "pk")


def access_client_membership(*, client, membership_id) -> Membership:
    membership = list_client_memberships(client=client).filter(pk=_int(membership_id)).first()
    if membership is None:
        raise Http404("No such member in this client")
    return membership


def list_client_invitations(*, client, status: str = "") -> QuerySet[Invitation]:
    invitations = Invitation.objects.filter(client=one_client(client)).select_related(
        "client", "invited_by", "accepted_by"
    )
    return filter_invitations_by_status(invitations, status).order_by("-created_at", "-pk")


def access_client_invitation(*, client, invitation_id) -> Invitation:
    invitation = list_client_invitations(client=client).filter(pk=_int(invitation_id)).first()
    if invitation is None:
        raise Http404("No such invitation in this client")
    return invitation


def list_assignable_staff(*, client) -> QuerySet[User]:
    """Active provider staff, for the 'assign staff' picker of a client."""
    return (
        User.objects.filter(is_active=True, memberships__role__in=STAFF_ROLES)
        .exclude(pk__in=Membership.objects.filter(role__in=CLIENT_ROLES).values("user_id"))
        .distinct()
        .order_by("full_name", "email")
    )


def list_client_account_events(*, client, limit: int = 10) -> list[AccountEvent]:
    return list(
        AccountEvent.objects.filter(client=one_client(client))
        .select_related("actor")
        .order_by("-created_at", "-pk")[:limit]
    )


# --- provider staff ---------------------------------------------------------------------------


def list_staff(
    *, user: User, search: str = "", role: str = "", client_slug: str = ""
) -> QuerySet[User]:
    """Everyone who is not a client user (staff, and accounts that lost every role), with
    their memberships and clients prefetched; nobody unless ``user`` manages staff."""
    if not can_manage_staff(user):
        return User.objects.none()
    users = User.objects.exclude(
        pk__in=Membership.objects.filter(role__in=CLIENT_ROLES).values("user_id")
    ).prefetch_related(
        Prefetch(
            "memberships",
            queryset=Membership.objects.select_related("client")
            .annotate(role_order=_role_order())
            .order_by("role_order", "client__name"),
        )
    )
    if search:
        users = users.filter(Q(email__icontains=search) | Q(full_name__icontains=search))
    if role:
        users = users.filter(memberships__role=role)
    if client_slug:
        users = users.filter(memberships__client__slug=client_slug)
    return users.distinct().order_by("full_name", "email")


def access_staff_user(*, user: User, user_id) -> User:
    staff_member = list_staff(user=user).filter(pk=_int(user_id)).first()
    if staff_member is None:
        raise Http404("No such staff member")
    return staff_member


def list_staff_invitations(*, user: User, status: str = "") -> QuerySet[Invitation]:
    """Invitations to staff roles (some for one client); none unless ``user`` manages staff."""
    if not can_manage_staff(user):
        return Invitation.objects.none()
    invitations = Invitation.objects.filter(role__in=STAFF_ROLES).select_related(
        "client", "invited_by", "accepted_by"
    )
    return filter_invitations_by_status(invitations, status).order_by("-created_at", "-pk")


def access_staff_invitation(*, user: User, invitation_id) -> Invitation:
    invitation = list_staff_invitations(user=user).filter(pk=_int(invitation_id)).first()
    if invitation is None:
        raise Http404("No such invitation")
    return invitation


def list_staff_account_events(
    *, user: User, staff_member: User, limit: int = 20
) -> list[AccountEvent]:
    """What happened to ``staff_member``'s account; nothing unless ``user`` manages staff."""
    if not can_manage_staff(user):
        return []
    return list(
        AccountEvent.objects.filter(Q(user=staff_member) | Q(email__iexact=staff_member.email))
        .select_related("actor", "client")
        .order_by("-created_at", "-pk")[:limit]
    )


# --- the API's provider-side lists ------------------------------------------------------------


def list_own_memberships(*, user: User) -> QuerySet[Membership]:
    """``user``'s own roles, with their clients."""
    return Membership.objects.filter(user=user).select_related("client")


def list_memberships(*, user: User) -> QuerySet[Membership]:
    """Provider admins see every membership; everyone else their own."""
    memberships = Membership.objects.select_related("user", "client", "created_by")
    if not is_provider_admin(user):
        memberships = memberships.filter(user=user)
    return memberships.order_by("pk")


def access_membership(*, user: User, membership_id) -> Membership:
    membership = list_memberships(user=user).filter(pk=_int(membership_id)).first()
    if membership is None:
        raise Http404("No such membership")
    return membership


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError) as exc:
        raise Http404("Not found") from exc


def list_client_users_with_right(*, client, action: str) -> QuerySet[User]:
    """The client's own active users whose role in it holds ``action`` (provider staff, who
    hold rights through assignments, are not the client's people)."""
    from bpo.accounts.roles import ACTION_ROLES

    roles = ACTION_ROLES[action] & CLIENT_ROLES
    return (
        User.objects.filter(is_active=True, memberships__client=client, memberships__role__in=roles)
        .distinct()
        .order_by("email")
    )
