"""Reads of the tenant registry.

Events, exports and onboarding runs belong to one client: they are read only here, through
selectors that take the client (``client=``) or the user who reads (``user=``) as a required
keyword, never "all rows" by default (``tests/test_selector_rule.py``).
"""

from __future__ import annotations

import uuid

from django.db.models import Q, QuerySet
from django.http import Http404

from bpo.accounts.permissions import accessible_clients, can_access_client, is_provider_admin
from bpo.accounts.selectors import one_client
from tenants.models import Client, ClientEvent, ClientExport, OnboardingRun


def get_client_by_slug(*, slug: str) -> Client | None:
    return Client.objects.exclude(schema_name="public").filter(slug=slug).first()


def access_client(*, user, slug: str) -> Client:
    """The client, if ``user`` may see it; otherwise not found (never 'forbidden')."""
    client = get_client_by_slug(slug=slug)
    if client is None or not can_access_client(user, client):
        raise Http404("No such client")
    return client


def search_clients(clients: QuerySet[Client], *, search: str) -> QuerySet[Client]:
    """Clients whose name, legal name or address contains ``search``."""
    search = search.strip()
    if not search:
        return clients
    return clients.filter(
        Q(name__icontains=search) | Q(legal_name__icontains=search) | Q(slug__icontains=search)
    )


def list_clients(*, user, search: str = "", status: str = "") -> QuerySet[Client]:
    clients = search_clients(accessible_clients(user).select_related("created_by"), search=search)
    if status:
        clients = clients.filter(status=status)
    return clients.order_by("name", "pk")


def list_client_events(*, client: Client) -> QuerySet[ClientEvent]:
    """The client's audit trail, newest first."""
    return (
        ClientEvent.objects.filter(client=one_client(client))
        .select_related("actor")
        .order_by("-created_at", "-id")
    )


def list_onboarding_runs(*, user) -> QuerySet[OnboardingRun]:
    runs = OnboardingRun.objects.select_related("job", "client", "requested_by")
    if is_provider_admin(user):
        return runs
    visible_clients = accessible_clients(user).values("pk")
    return runs.filter(Q(requested_by=user) | Q(client__in=visible_clients))


def access_onboarding_run(*, user, run_id) -> OnboardingRun:
    try:
        run_uuid = uuid.UUID(str(run_id))
    except ValueError as exc:
        raise Http404("No such onboarding run") from exc
    run = list_onboarding_runs(user=user).filter(pk=run_uuid).first()
    if run is None:
        raise Http404("No such onboarding run")
    return run


def list_client_exports(*, client: Client) -> QuerySet[ClientExport]:
    """The client's data exports, newest first. Callers check ``Action.EXPORT_CLIENT_DATA``."""
    return (
        ClientExport.objects.filter(client=one_client(client))
        .select_related("client", "job", "requested_by")
        .order_by("-created_at", "-id")
    )


def access_client_export(*, client: Client, export_id) -> ClientExport:
    """One export of ``client``; another client's export is not found (never 'forbidden')."""
    try:
        pk = int(export_id)
    except (TypeError, ValueError) as exc:
        raise Http404("No such export") from exc
    export = list_client_exports(client=client).filter(pk=pk).first()
    if export is None:
        raise Http404("No such export")
    return export
