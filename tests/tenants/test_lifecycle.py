"""The client lifecycle in the service: which moves are allowed, and what each one writes."""

from __future__ import annotations

import pytest
from django.utils import timezone

from bpo.accounts.permissions import can_access_client, forget_memberships
from bpo.errors import ConflictError, DomainError
from tenants import pilot, services
from tenants.models import Client, ClientEvent, ClientStatus


@pytest.fixture
def complete_pilot(monkeypatch):
    monkeypatch.setattr(pilot, "is_pilot_complete", lambda *, client: True)


def set_status(client: Client, status: str, **stamps) -> Client:
    Client.objects.filter(pk=client.pk).update(status=status, **stamps)
    client.refresh_from_db()
    return client


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("start", "target", "was_live"),
    [
        ("onboarding", "live", False),
        ("onboarding", "suspended", False),
        ("onboarding", "offboarded", False),
        ("live", "suspended", True),
        ("live", "offboarded", True),
        ("suspended", "live", True),
        ("suspended", "onboarding", False),
        ("suspended", "offboarded", False),
    ],
)
def test_allowed_moves(client_a, account_manager, complete_pilot, start, target, was_live):
    # given
    set_status(client_a, start, live_at=timezone.now() if was_live else None)
    # when
    changed = services.change_client_status(
        client=client_a, status=target, actor=account_manager, note="why"
    )
    # then the row and the audit trail say so
    stored = Client.objects.get(pk=client_a.pk)
    assert stored.status == changed.status == target
    event = ClientEvent.objects.filter(client=client_a).first()
    assert (event.action, event.before, event.after, event.note, event.actor) == (
        "status_changed",
        {"status": start},
        {"status": target},
        "why",
        account_manager,
    )
    stamp = {"live": "live_at", "suspended": "suspended_at", "offboarded": "offboarded_at"}
    if target in stamp:
        assert getattr(stored, stamp[target]) is not None


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("start", "target", "error", "message"),
    [
        ("onboarding", "paused", DomainError, "Unknown status 'paused'."),
        ("live", "live", ConflictError, "The client is live already."),
        ("live", "onboarding", DomainError, "A client cannot go from live to onboarding."),
        ("offboarded", "live", DomainError, "An offboarded client cannot change status."),
        ("offboarded", "suspended", DomainError, "An offboarded client cannot change status."),
        (
            "suspended",
            "onboarding",
            DomainError,
            "This client has been live; reactivate it as live, not onboarding.",
        ),
    ],
)
def test_forbidden_moves(client_a, account_manager, complete_pilot, start, target, error, message):
    # given (the suspended client here has been live)
    set_status(client_a, start, live_at=timezone.now())
    events = ClientEvent.objects.count()
    # when
    with pytest.raises(error) as raised:
        services.change_client_status(client=client_a, status=target, actor=account_manager)
    # then
    assert raised.value.message == message
    assert raised.value.fields == {"status": [message]}
    assert Client.objects.get(pk=client_a.pk).status == start
    assert ClientEvent.objects.count() == events


@pytest.mark.django_db
def test_going_live_needs_the_pilot_checklist(client_a, account_manager):
    # given the pilot features do not exist yet: the checklist cannot be complete
    # when
    with pytest.raises(DomainError) as raised:
        services.change_client_status(client=client_a, status="live", actor=account_manager)
    # then
    assert raised.value.message.startswith("The pilot checklist is not complete")
    assert Client.objects.get(pk=client_a.pk).status == ClientStatus.ONBOARDING


@pytest.mark.django_db
def test_suspension_locks_client_users_out_and_keeps_staff_in(
    client_a, account_manager, client_a_admin, client_a_viewer, provider_admin
):
    # when
    services.change_client_status(client=client_a, status="suspended", actor=account_manager)
    client_a.refresh_from_db()
    # then
    for user in (client_a_admin, client_a_viewer, account_manager, provider_admin):
        forget_memberships(user)
    assert not can_access_client(client_a_admin, client_a)
    assert not can_access_client(client_a_viewer, client_a)
    assert can_access_client(account_manager, client_a)
    assert can_access_client(provider_admin, client_a)
    # and reactivation lets them back in
    services.change_client_status(
        client=client_a, status=services.reactivation_status(client_a), actor=account_manager
    )
    client_a.refresh_from_db()
    assert can_access_client(client_a_admin, client_a)
