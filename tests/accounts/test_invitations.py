"""Invitation acceptance: new and existing accounts, expiry, single use, revoked, wrong account."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from bpo.accounts import services
from bpo.accounts.models import AccountEvent, Invitation, Membership, User
from bpo.accounts.roles import Role
from bpo.errors import ConflictError, DomainError
from tests.conftest import make_user
from tests.factories import DEMO_TEST_PASSWORD

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "a fine new password 2026"


def _invite(client, email="newbie@acme-a.test", role=Role.CLIENT_VIEWER, invited_by=None):
    invitation, token = services.invite_user(
        email=email, role=role, client=client, invited_by=invited_by, full_name="New Bie"
    )
    return invitation, reverse("accounts:accept_invitation", args=[token])


def test_invitation_email_carries_a_working_link(
    client_a, client_a_admin, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation, url = _invite(client_a, invited_by=client_a_admin)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["newbie@acme-a.test"]
    assert url in mail.outbox[0].body
    assert client_a.name in mail.outbox[0].body
    assert AccountEvent.objects.filter(action="invitation_sent", email=invitation.email).exists()


def test_a_new_person_accepts_sets_a_password_and_is_signed_in(client, client_a):
    invitation, url = _invite(client_a)
    page = client.get(url)
    assert page.status_code == 200
    assert "Client viewer" in page.content.decode()
    response = client.post(
        url, {"full_name": "Nina New", "password": NEW_PASSWORD, "password_again": NEW_PASSWORD}
    )
    assert response.status_code == 302
    user = User.objects.get(email="newbie@acme-a.test")
    assert user.full_name == "Nina New"
    assert user.check_password(NEW_PASSWORD)
    assert client.session["_auth_user_id"] == str(user.pk)
    assert Membership.objects.filter(user=user, client=client_a, role=Role.CLIENT_VIEWER).exists()
    invitation.refresh_from_db()
    assert invitation.status == "accepted" and invitation.accepted_by == user


def test_mismatching_passwords_and_weak_passwords_create_nothing(client, client_a):
    _, url = _invite(client_a)
    response = client.post(url, {"password": NEW_PASSWORD, "password_again": "other"})
    assert response.context["form"].errors["password_again"] == ["The two passwords differ."]
    response = client.post(url, {"password": "123", "password_again": "123"})
    assert "password" in response.context["form"].errors
    assert "too short" in " ".join(response.context["form"].errors["password"])
    assert not User.objects.filter(email="newbie@acme-a.test").exists()


def test_an_invitation_works_once(client, client_a):
    _, url = _invite(client_a)
    client.post(url, {"password": NEW_PASSWORD, "password_again": NEW_PASSWORD})
    client.logout()
    again = client.get(url)
    assert again.status_code == 410
    assert "accepted already" in again.content.decode()
    response = client.post(url, {"password": NEW_PASSWORD, "password_again": NEW_PASSWORD})
    assert response.status_code == 410
    assert Membership.objects.filter(user__email="newbie@acme-a.test").count() == 1


def test_an_expired_invitation_is_refused(client, client_a):
    invitation, url = _invite(client_a)
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    response = client.post(url, {"password": NEW_PASSWORD, "password_again": NEW_PASSWORD})
    assert response.status_code == 410
    assert "expired" in response.content.decode()
    assert not User.objects.filter(email="newbie@acme-a.test").exists()


def test_a_revoked_invitation_is_refused(client, client_a, client_a_admin):
    invitation, url = _invite(client_a)
    services.revoke_invitation(invitation=invitation, actor=client_a_admin)
    response = client.get(url)
    assert response.status_code == 410
    assert "withdrawn" in response.content.decode()
    with pytest.raises(DomainError, match="revoked"):
        services.accept_invitation(token=url.rstrip("/").split("/")[-1], password=NEW_PASSWORD)


def test_an_unknown_token_is_refused(client):
    response = client.get(reverse("accounts:accept_invitation", args=["not-a-token"]))
    assert response.status_code == 410
    assert "not valid" in response.content.decode()


def test_a_signed_in_user_cannot_take_someone_elses_invitation(client, client_a, client_a_viewer):
    # given viewer of A is signed in and opens an invitation meant for someone else
    invitation, url = _invite(client_a, email="someone.else@acme-a.test", role=Role.CLIENT_ADMIN)
    client.force_login(client_a_viewer)
    page = client.get(url)
    assert page.status_code == 409
    assert "you are logged in as" in page.content.decode()
    response = client.post(url, {"password": NEW_PASSWORD, "password_again": NEW_PASSWORD})
    # then nothing is granted, to nobody
    assert response.status_code == 409
    assert not Membership.objects.filter(user=client_a_viewer, role=Role.CLIENT_ADMIN).exists()
    assert not User.objects.filter(email="someone.else@acme-a.test").exists()
    invitation.refresh_from_db()
    assert invitation.status == "pending"


def test_an_existing_account_accepts_without_a_new_password(client, client_a, account_manager):
    # given an account manager of A is invited as scheduler of A
    _, url = _invite(client_a, email=account_manager.email, role=Role.SCHEDULER)
    page = client.get(url)
    assert "password" not in page.context["form"].fields
    response = client.post(url, {})
    # then the role is added and they log in with their existing password
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))
    assert Membership.objects.filter(user=account_manager, role=Role.SCHEDULER).exists()
    account_manager.refresh_from_db()
    assert account_manager.check_password(DEMO_TEST_PASSWORD)


def test_a_client_user_cannot_be_invited_to_a_second_client(client_b, client_a_admin):
    with pytest.raises(DomainError, match="exactly one client"):
        services.invite_user(
            email=client_a_admin.email, role=Role.CLIENT_VIEWER, client=client_b, invited_by=None
        )


def test_a_second_pending_invitation_for_the_same_role_is_a_conflict(client_a):
    _invite(client_a)
    with pytest.raises(ConflictError, match="already pending"):
        _invite(client_a, email="NEWBIE@acme-a.test")


def test_revoking_twice_is_a_conflict(client_a):
    invitation, _ = _invite(client_a)
    services.revoke_invitation(invitation=invitation, actor=None)
    with pytest.raises(ConflictError, match="only a pending invitation"):
        services.revoke_invitation(invitation=invitation, actor=None)


def test_a_disabled_account_cannot_redeem(client, client_a):
    user = make_user(Role.SCHEDULER, client_a, email="gone@provider.test")
    _, url = _invite(client_a, email=user.email, role=Role.QA_ANALYST)
    User.objects.filter(pk=user.pk).update(is_active=False)
    response = client.post(url, {})
    assert "disabled" in response.content.decode()
    assert not Membership.objects.filter(user=user, role=Role.QA_ANALYST).exists()


def test_the_invitation_subject_names_the_client(
    client_a, client_a_admin, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _invite(client_a, invited_by=client_a_admin)
    assert mail.outbox[0].subject == f"You are invited to {client_a.name} on BPO Portal"


def test_a_staff_invitation_without_client_names_the_portal(
    provider_admin, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.invite_user(
            email="am2@provider.test", role=Role.ACCOUNT_MANAGER, invited_by=provider_admin
        )
    assert mail.outbox[0].subject == "You are invited to the BPO Portal"


def test_the_conflict_is_a_409_conflict_error_for_the_portal_itself(client_b, client_a_admin):
    with pytest.raises(ConflictError, match="exactly one client") as refused:
        services.invite_user(
            email=client_a_admin.email, role=Role.CLIENT_VIEWER, client=client_b, invited_by=None
        )
    assert refused.value.code == "conflict"
