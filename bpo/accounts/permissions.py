"""The one place that decides who may see and do what. Pages and the API both call it.

A user who may not see a client gets a 404 for everything of that client (page or API,
session or token), so that the existence of other clients is not leaked.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from bpo.accounts.roles import (
    ACTION_ROLES,
    ASSIGNABLE_STAFF_ROLES,
    CLIENT_ROLES,
    FROZEN_WHEN_OFFBOARDED,
    GRANTABLE_ROLES,
    LIST_ALL_CLIENTS,
    LOCK_PERIODS,
    MANAGE_ROSTER,
    MANAGE_STAFF,
    MANAGE_WORKED_TIME,
    ONBOARD_CLIENTS,
    REQUEST_TIME_OFF,
    STAFF_ROLES,
    VIEW_ROSTER,
    VIEW_WORKED_TIME,
    Role,
)

if TYPE_CHECKING:
    from bpo.accounts.models import Membership, User
    from tenants.models import Client

_CACHE_ATTR = "_bpo_memberships"

# What a user who may see a client, but whose role does not allow the action, is told (403).
ROLE_REFUSAL = "Your role in this client does not allow this."


def memberships_of(user: User) -> list[Membership]:
    """The user's memberships, loaded once per request (cached on the user object)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        cached = list(user.memberships.all())
        setattr(user, _CACHE_ATTR, cached)
    return cached


def forget_memberships(user: User) -> None:
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def provider_roles(user: User) -> frozenset[str]:
    return frozenset(m.role for m in memberships_of(user) if m.role in STAFF_ROLES)


def is_provider_admin(user: User) -> bool:
    return any(m.role == Role.PROVIDER_ADMIN for m in memberships_of(user))


def is_provider_staff(user: User) -> bool:
    return bool(provider_roles(user))


def roles_for(user: User, client: Client) -> frozenset[str]:
    """Roles the user holds in ``client`` (a provider admin holds it everywhere)."""
    roles: set[str] = set()
    for membership in memberships_of(user):
        if membership.role == Role.PROVIDER_ADMIN:
            roles.add(Role.PROVIDER_ADMIN)
        elif membership.client_id == client.pk:
            roles.add(membership.role)
    if roles and roles <= CLIENT_ROLES and client.is_locked:
        # A suspended or offboarded client's own users are locked out; its data is kept.
        return frozenset()
    return frozenset(roles)


def can_access_client(user: User, client: Client) -> bool:
    return bool(roles_for(user, client))


def can(user: User, client: Client, action: str) -> bool:
    if action in FROZEN_WHEN_OFFBOARDED and client.is_offboarded:
        return False
    return bool(roles_for(user, client) & ACTION_ROLES[action])


def grantable_roles(user: User, client: Client) -> frozenset[str]:
    """Roles ``user`` may invite people to, assign or remove in ``client`` (empty: none)."""
    granted: set[str] = set()
    for role in roles_for(user, client):
        granted |= GRANTABLE_ROLES.get(role, frozenset())
    return frozenset(granted)


def can_grant_role(user: User, client: Client | None, role: str) -> bool:
    """Whether ``user`` may invite someone to, grant, remove or revoke an invitation for
    ``role`` in ``client``. Without a client (a provider-level role) only staff managers may.

    Services call this for the rights that depend on the request body (which role); the
    action's own right (``MANAGE_MEMBERS``, staff pages) is checked at the edge before."""
    if client is None:
        return can_manage_staff(user)
    return role in grantable_roles(user, client)


def can_name_user(user: User | None, client: Client, named: User) -> bool:
    """Whether ``user`` may name ``named`` (by id, in a request body) to be given a role in
    ``client``: someone already in the client, or provider staff for whoever may assign staff
    there. Anyone else is unknown to ``user``, so an id of another client's people reveals
    nothing. ``user=None`` is the portal itself.

    Services call this for the ids a request references, as ``can_grant_role`` for its role."""
    if not named.is_active:
        return False
    if user is None:
        return True
    roles = memberships_of(named)
    if any(m.client_id == client.pk for m in roles):
        return True
    may_assign_staff = bool(grantable_roles(user, client) & ASSIGNABLE_STAFF_ROLES)
    return may_assign_staff and any(m.role in STAFF_ROLES for m in roles)


def can_manage_staff(user: User) -> bool:
    """Provider-wide staff administration: invite staff, grant and revoke any role."""
    return bool(provider_roles(user) & MANAGE_STAFF)


def can_onboard_clients(user: User) -> bool:
    return bool(provider_roles(user) & ONBOARD_CLIENTS)


def accessible_clients(user: User) -> QuerySet[Client]:
    """Clients the user may open, for lists and pickers."""
    from tenants.models import Client

    clients = Client.objects.exclude(schema_name="public")
    if provider_roles(user) & LIST_ALL_CLIENTS:
        return clients
    client_ids = {
        m.client_id
        for m in memberships_of(user)
        if m.client_id is not None and (m.role in STAFF_ROLES or m.role in CLIENT_ROLES)
    }
    visible = clients.filter(pk__in=client_ids)
    if not is_provider_staff(user):
        visible = visible.exclude(status__in=["suspended", "offboarded"])
    return visible


# --- Agent roster and time off (scheduling.roster) ---------------------------------------------


def can_manage_roster(user: User) -> bool:
    """Agents, teams, templates, the roster import and every agent's time off."""
    return bool(provider_roles(user) & MANAGE_ROSTER)


def can_view_roster(user: User) -> bool:
    return bool(provider_roles(user) & VIEW_ROSTER)


def can_request_time_off(user: User) -> bool:
    """An agent's own time off (which agent is theirs is the roster's business)."""
    return bool(provider_roles(user) & REQUEST_TIME_OFF)


def can_use_roster(user: User) -> bool:
    """Anything of the roster at all; everyone else gets 404 from its pages and API."""
    return can_view_roster(user) or can_request_time_off(user)


# --- Worked time, adherence and period locks (scheduling.roster, issue 10) -------------------


def can_manage_worked_time(user: User) -> bool:
    """Import time-clock files, confirm scheduled time, correct a day by hand."""
    return bool(provider_roles(user) & MANAGE_WORKED_TIME)


def can_view_worked_time(user: User) -> bool:
    """Read worked time and adherence; an agent only the teams they lead (the selector's
    check, ``scheduling.roster.worked.worked_agents``)."""
    return bool(provider_roles(user) & VIEW_WORKED_TIME)


def can_lock_periods(user: User) -> bool:
    return bool(provider_roles(user) & LOCK_PERIODS)


# --- Planning runs (issue 10) ------------------------------------------------------------------


def can_run_planning(user: User) -> bool:
    """Start planning runs and read their results (the provider-side run pages)."""
    from bpo.accounts.roles import RUN_PLANNING

    return bool(provider_roles(user) & RUN_PLANNING)


def can_view_receivables(user: User) -> bool:
    """Read the receivables ageing across the user's clients (``/receivables/``)."""
    from bpo.accounts.roles import VIEW_RECEIVABLES

    return bool(provider_roles(user) & VIEW_RECEIVABLES)


def can_run_invoices(user: User) -> bool:
    """Start invoice runs and read their outcome across clients (``/invoice-runs/``)."""
    from bpo.accounts.roles import RUN_INVOICES

    return bool(provider_roles(user) & RUN_INVOICES)


def can_plan_client(user: User, client: Client) -> bool:
    """Whether ``user`` may include ``client`` in a planning run: a planning role held in that
    client (a provider admin holds it everywhere), and the client not offboarded."""
    from bpo.accounts.roles import RUN_PLANNING

    return not client.is_offboarded and bool(roles_for(user, client) & RUN_PLANNING)
