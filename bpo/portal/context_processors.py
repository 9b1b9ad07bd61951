from bpo.accounts.permissions import (
    accessible_clients,
    can,
    can_access_client,
    can_onboard_clients,
    can_run_invoices,
    can_view_receivables,
    is_provider_admin,
    is_provider_staff,
    roles_for,
)
from bpo.accounts.roles import Action


def portal(request) -> dict:
    user = getattr(request, "user", None)
    client = getattr(request, "tenant", None)
    if user is None or not user.is_authenticated:
        return {"current_client": None}
    if client is not None and not can_access_client(user, client):
        # The 404 page of another client's URL must not name that client in the navigation.
        client = None
    return {
        "current_client": client,
        "current_roles": roles_for(user, client) if client else frozenset(),
        # What the user may do in the current client, for navigation: {"view_members": True, ...}
        "client_can": {action.value: can(user, client, action) for action in Action}
        if client
        else {},
        "switchable_clients": accessible_clients(user).only("name", "slug", "status")[:50],
        "is_provider_staff": is_provider_staff(user),
        "is_provider_admin": is_provider_admin(user),
        "can_onboard_clients": can_onboard_clients(user),
        "can_run_invoices": can_run_invoices(user),
        "can_view_receivables": can_view_receivables(user),
    }
