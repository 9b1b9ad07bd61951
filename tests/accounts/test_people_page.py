"""A client's People page: members, invitations, staff assignment, removal."""

from __future__ import annotations

import pytest
from django.urls import reverse

from bpo.accounts import services
from bpo.accounts.models import AccountEvent, Invitation, Membership
from bpo.accounts.roles import Role
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


def url(name, client, *args):
    return reverse(f"client:{name}", args=[client.slug, *args])


def test_client_admin_sees_members_invitations_and_actions(
    client, client_a, client_a_admin, client_a_viewer
):
    # given a pending invitation
    services.invite_user(
        email="pending@acme-a.test",
        role=Role.CLIENT_VIEWER,
        client=client_a,
        invited_by=client_a_admin,
    )
    client.force_login(client_a_admin)
    # when
    response = client.get(url("members", client_a))
    # then
    assert response.status_code == 200
    body = response.content.decode()
    assert client_a_admin.email in body and client_a_viewer.email in body
    assert "pending@acme-a.test" in body
    assert "Invite a person" in body
    assert "Assign staff" not in body  # client admins do not hand out staff roles
    assert url("member_remove", client_a, client_a_viewer.memberships.get().pk) in body


def test_viewer_sees_members_read_only(client, client_a, client_a_admin, client_a_viewer):
    client.force_login(client_a_viewer)
    response = client.get(url("members", client_a))
    assert response.status_code == 200
    body = response.content.decode()
    assert client_a_admin.email in body
    assert "Invite a person" not in body and "Remove" not in body
    assert "Pending invitations" not in body


def test_staff_without_member_rights_get_403(client, client_a):
    scheduler = make_user(Role.SCHEDULER, client_a)
    client.force_login(scheduler)
    assert client.get(url("members", client_a)).status_code == 403


def test_members_list_is_filtered_and_paginated(client, client_a, client_a_admin):
    for n in range(30):
        make_user(Role.CLIENT_VIEWER, client_a, email=f"viewer{n:02}@acme-a.test")
    client.force_login(client_a_admin)
    first = client.get(url("members", client_a))
    assert len(first.context["page"].object_list) == 25
    assert "Page 1 of 2" in first.content.decode()
    second = client.get(url("members", client_a) + "?page=2")
    assert len(second.context["page"].object_list) == 6
    only_admins = client.get(url("members", client_a) + "?role=client_admin")
    assert [m.user for m in only_admins.context["page"]] == [client_a_admin]
    search = client.get(url("members", client_a) + "?q=viewer07")
    assert [m.user.email for m in search.context["page"]] == ["viewer07@acme-a.test"]
    empty = client.get(url("members", client_a) + "?q=nobody-at-all")
    assert "Nobody matches this filter." in empty.content.decode()


def test_members_page_query_count_does_not_grow_with_members(
    client, client_a, client_a_admin, django_assert_max_num_queries
):
    for n in range(20):
        make_user(Role.CLIENT_VIEWER, client_a, email=f"v{n}@acme-a.test")
    client.force_login(client_a_admin)
    # (django-tenants sets the search_path before each query: 9 queries, 18 statements)
    with django_assert_max_num_queries(18):
        assert client.get(url("members", client_a)).status_code == 200


def test_client_admin_invites_a_viewer(
    client, client_a, client_a_admin, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(client_a_admin)
    form = client.get(url("member_invite", client_a))
    assert [c[0] for c in form.context["form"].fields["role"].choices] == [
        Role.CLIENT_ADMIN,
        Role.CLIENT_VIEWER,
    ]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url("member_invite", client_a),
            {"email": "New.Person@acme-a.test", "full_name": "New Person", "role": "client_viewer"},
        )
    assert response.status_code == 302
    invitation = Invitation.objects.get(email="new.person@acme-a.test")
    assert (invitation.client, invitation.role, invitation.invited_by) == (
        client_a,
        Role.CLIENT_VIEWER,
        client_a_admin,
    )
    assert len(mailoutbox) == 1


def test_client_admin_cannot_invite_staff_roles(client, client_a, client_a_admin):
    client.force_login(client_a_admin)
    response = client.post(
        url("member_invite", client_a), {"email": "x@acme-a.test", "role": "scheduler"}
    )
    assert response.status_code == 200
    assert "role" in response.context["form"].errors
    assert not Invitation.objects.filter(email="x@acme-a.test").exists()


def test_invite_bad_input_writes_nothing(client, client_a, client_a_admin, client_b_admin):
    client.force_login(client_a_admin)
    bad_email = client.post(
        url("member_invite", client_a), {"email": "not-an-email", "role": "client_viewer"}
    )
    assert "email" in bad_email.context["form"].errors
    assert not Invitation.objects.filter(client=client_a, invited_by=client_a_admin).exists()


def test_another_clients_user_is_invited_like_an_unknown_address_and_refused_on_accepting(
    client, client_a, client_a_admin, client_b_admin, mailoutbox, django_capture_on_commit_callbacks
):
    # given a client admin inviting an address of another client's user, and an unknown one
    client.force_login(client_a_admin)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        other = client.post(
            url("member_invite", client_a),
            {"email": client_b_admin.email, "role": "client_viewer"},
            follow=True,
        )
        unknown = client.post(
            url("member_invite", client_a),
            {"email": "nobody-yet@acme-a.test", "role": "client_viewer"},
            follow=True,
        )
    # then both answers are the same page with the same message, address aside
    assert other.redirect_chain == unknown.redirect_chain
    assert [str(m) for m in other.context["messages"]] == [
        f"Invitation sent to {client_b_admin.email} as Client viewer."
    ]
    assert len(mailoutbox) == 2 and len(callbacks) == 2
    invitation = Invitation.objects.get(email=client_b_admin.email, client=client_a)
    assert invitation.status == "pending"
    # when that person accepts, the rule (moved here from the inviting step) refuses
    client.logout()
    token = mailoutbox[0].body.split("/accounts/invitations/")[1].split("/")[0]
    page = client.post(reverse("accounts:accept_invitation", args=[token]), {})
    assert "A client user belongs to exactly one client." in page.content.decode()
    assert not Membership.objects.filter(user=client_b_admin, client=client_a).exists()


def test_staff_inviting_another_clients_user_see_the_conflict_409(
    client, client_a, account_manager, client_b_admin
):
    from tests.conftest import token_client

    # the "exactly one client" refusal, shown to provider staff when they invite
    client.force_login(account_manager)
    page = client.post(
        url("member_invite", client_a), {"email": client_b_admin.email, "role": "client_viewer"}
    )
    assert page.context["form"].errors["email"] == ["A client user belongs to exactly one client."]
    response = token_client(account_manager).post(
        f"/api/v1/clients/{client_a.slug}/invitations/",
        {"email": client_b_admin.email, "role": "client_viewer"},
        format="json",
    )
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "conflict"
    assert not Invitation.objects.filter(email=client_b_admin.email, client=client_a).exists()


def test_an_admin_cannot_invite_her_own_address(client, client_a, client_a_admin):
    client.force_login(client_a_admin)
    page = client.post(
        url("member_invite", client_a), {"email": client_a_admin.email, "role": "client_viewer"}
    )
    assert "This is your own address" in page.context["form"].errors["email"][0]
    assert not Invitation.objects.filter(email=client_a_admin.email).exists()


def test_viewer_cannot_invite(client, client_a, client_a_viewer):
    client.force_login(client_a_viewer)
    response = client.post(
        url("member_invite", client_a), {"email": "x@acme-a.test", "role": "client_viewer"}
    )
    assert response.status_code == 403
    assert not Invitation.objects.filter(email="x@acme-a.test").exists()


def test_account_manager_assigns_staff(client, client_a, client_b, account_manager):
    # given a scheduler who works for another client only
    scheduler = make_user(Role.SCHEDULER, client_b, email="sched@provider.test")
    client.force_login(account_manager)
    page = client.get(url("member_assign", client_a))
    assert page.status_code == 200
    response = client.post(
        url("member_assign", client_a), {"user": scheduler.pk, "role": "scheduler"}
    )
    assert response.status_code == 302
    assert Membership.objects.filter(user=scheduler, client=client_a, role="scheduler").exists()
    event = AccountEvent.objects.get(action="membership_granted", user=scheduler)
    assert (event.actor, event.client, event.role) == (account_manager, client_a, "scheduler")


def test_assigning_a_client_user_as_staff_is_refused(
    client, client_a, client_b_admin, account_manager
):
    client.force_login(account_manager)
    response = client.post(
        url("member_assign", client_a), {"user": client_b_admin.pk, "role": "scheduler"}
    )
    assert response.status_code == 200
    assert "user" in response.context["form"].errors  # not in the staff picker at all
    assert not Membership.objects.filter(user=client_b_admin, client=client_a).exists()


def test_client_admin_cannot_assign_staff(client, client_a, client_a_admin):
    client.force_login(client_a_admin)
    assert client.get(url("member_assign", client_a)).status_code == 403


def test_client_admin_removes_a_viewer(client, client_a, client_a_admin, client_a_viewer):
    client.force_login(client_a_admin)
    membership = client_a_viewer.memberships.get()
    response = client.post(url("member_remove", client_a, membership.pk))
    assert response.status_code == 302
    assert not Membership.objects.filter(pk=membership.pk).exists()
    assert AccountEvent.objects.filter(action="membership_revoked", user=client_a_viewer).exists()


def test_the_last_client_admin_cannot_be_removed(client, client_a, client_a_admin):
    client.force_login(client_a_admin)
    membership = client_a_admin.memberships.get()
    response = client.post(url("member_remove", client_a, membership.pk), follow=True)
    assert Membership.objects.filter(pk=membership.pk).exists()
    assert "is the last client admin" in response.content.decode()


def test_a_second_admin_makes_removal_possible(client, client_a, client_a_admin):
    other_admin = make_user(Role.CLIENT_ADMIN, client_a, email="admin2@acme-a.test")
    client.force_login(client_a_admin)
    response = client.post(url("member_remove", client_a, other_admin.memberships.get().pk))
    assert response.status_code == 302
    assert not other_admin.memberships.exists()


def test_client_admin_cannot_remove_provider_staff(
    client, client_a, client_a_admin, account_manager
):
    client.force_login(client_a_admin)
    membership = account_manager.memberships.get()
    response = client.post(url("member_remove", client_a, membership.pk))
    assert response.status_code == 403
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_removing_a_membership_of_another_client_is_404(
    client, client_a, client_a_admin, client_b_admin
):
    client.force_login(client_a_admin)
    response = client.post(url("member_remove", client_a, client_b_admin.memberships.get().pk))
    assert response.status_code == 404
    assert client_b_admin.memberships.exists()


def test_remove_needs_post(client, client_a, client_a_admin, client_a_viewer):
    client.force_login(client_a_admin)
    response = client.get(url("member_remove", client_a, client_a_viewer.memberships.get().pk))
    assert response.status_code == 405
    assert client_a_viewer.memberships.exists()


def test_client_admin_revokes_an_invitation(client, client_a, client_a_admin):
    invitation, _ = services.invite_user(
        email="p@acme-a.test", role=Role.CLIENT_VIEWER, client=client_a, invited_by=client_a_admin
    )
    client.force_login(client_a_admin)
    response = client.post(url("invitation_revoke", client_a, invitation.pk), follow=True)
    invitation.refresh_from_db()
    assert invitation.status == "revoked"
    assert "is revoked" in response.content.decode()
    again = client.post(url("invitation_revoke", client_a, invitation.pk), follow=True)
    assert "only a pending invitation can be revoked" in again.content.decode()


def test_client_admin_cannot_revoke_a_staff_invitation(
    client, client_a, client_a_admin, account_manager
):
    invitation, _ = services.invite_user(
        email="s@provider.test", role=Role.SCHEDULER, client=client_a, invited_by=account_manager
    )
    client.force_login(client_a_admin)
    assert client.post(url("invitation_revoke", client_a, invitation.pk)).status_code == 403
    invitation.refresh_from_db()
    assert invitation.status == "pending"


def test_another_clients_invitation_is_404(client, client_a, client_b, client_a_admin):
    invitation, _ = services.invite_user(
        email="b@globex-b.test", role=Role.CLIENT_VIEWER, client=client_b, invited_by=None
    )
    client.force_login(client_a_admin)
    assert client.post(url("invitation_revoke", client_a, invitation.pk)).status_code == 404
    invitation.refresh_from_db()
    assert invitation.status == "pending"
