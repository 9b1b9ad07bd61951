"""``create_client_now`` records who asked for the client, as the onboarding task does."""

from __future__ import annotations

import pytest

from bpo.accounts.models import Invitation, Membership
from bpo.accounts.roles import Role
from tenants import services
from tenants.models import ClientEvent
from tests.conftest import make_user
from tests.factories import client_answers

pytestmark = pytest.mark.django_db


def test_the_requester_is_recorded_and_assigned():
    # given an account manager with no client yet
    account_manager = make_user(Role.ACCOUNT_MANAGER, None, email="am-new@provider.test")
    # when
    client = services.create_client_now(
        data=client_answers("asked-for-co"), requested_by=account_manager
    )
    # then
    assert client.created_by == account_manager
    event = ClientEvent.objects.get(client=client, action="onboarded")
    assert event.actor == account_manager
    assert Membership.objects.filter(
        user=account_manager, role=Role.ACCOUNT_MANAGER, client=client
    ).exists()
    invitation = Invitation.objects.get(client=client, role=Role.CLIENT_ADMIN)
    assert invitation.invited_by == account_manager


def test_without_a_requester_the_portal_creates_it_and_names_nobody():
    # when
    client = services.create_client_now(data=client_answers("portal-made-co"), requested_by=None)
    # then
    assert client.created_by is None
    assert ClientEvent.objects.get(client=client, action="onboarded").actor is None
    assert not Membership.objects.filter(client=client, role=Role.ACCOUNT_MANAGER).exists()
    assert Invitation.objects.get(client=client, role=Role.CLIENT_ADMIN).invited_by is None


def test_a_requester_must_be_named():
    with pytest.raises(TypeError):
        services.create_client_now(data=client_answers("nobody-said-co"))  # type: ignore[call-arg]
