"""Who may do this: the role a request hands out or takes back is checked in the services
(``can_grant_role``), so pages, the API and any new caller get the same answer."""

from __future__ import annotations

import pytest

from bpo.accounts import services
from bpo.accounts.models import Invitation, Membership
from bpo.accounts.roles import Role
from bpo.errors import PermissionDeniedError
from tests.conftest import make_user, token_client

pytestmark = pytest.mark.django_db


def test_grant_membership_refuses_a_role_the_actor_may_not_grant(
    client_a, client_a_admin, client_b
):
    staff = make_user(Role.SCHEDULER, client_b)
    with pytest.raises(PermissionDeniedError, match="does not allow granting a scheduler") as e:
        services.grant_membership(
            user=staff, role=Role.SCHEDULER, client=client_a, actor=client_a_admin
        )
    assert e.value.field == "role"
    assert not Membership.objects.filter(user=staff, client=client_a).exists()


def test_grant_membership_refuses_a_client_admin_of_another_client(
    client_a, client_b_admin, client_a_viewer
):
    with pytest.raises(PermissionDeniedError):
        services.grant_membership(
            user=client_a_viewer, role=Role.CLIENT_ADMIN, client=client_a, actor=client_b_admin
        )


def test_provider_level_roles_are_granted_by_staff_managers_only(account_manager, provider_admin):
    newcomer = make_user(Role.SCHEDULER, None)
    with pytest.raises(PermissionDeniedError):
        services.grant_membership(
            user=newcomer, role=Role.PROVIDER_ADMIN, client=None, actor=account_manager
        )
    granted = services.grant_membership(
        user=newcomer, role=Role.PROVIDER_ADMIN, client=None, actor=provider_admin
    )
    assert granted.created_by == provider_admin


def test_actor_none_is_the_portal_itself_and_names_no_actor(client_a, client_a_viewer):
    membership = services.grant_membership(
        user=client_a_viewer, role=Role.CLIENT_ADMIN, client=client_a, actor=None
    )
    assert membership.created_by is None


def test_invite_user_refuses_a_role_the_inviter_may_not_grant(client_a, client_a_admin):
    with pytest.raises(PermissionDeniedError, match="does not allow inviting a scheduler") as e:
        services.invite_user(
            email="s@x.test", role=Role.SCHEDULER, client=client_a, invited_by=client_a_admin
        )
    assert e.value.field == "role"
    assert not Invitation.objects.filter(email="s@x.test").exists()


def test_revoke_membership_refuses_a_role_the_actor_may_not_grant(
    client_a, client_a_admin, account_manager
):
    membership = account_manager.memberships.get()
    with pytest.raises(PermissionDeniedError, match="does not allow removing") as e:
        services.revoke_membership(membership=membership, actor=client_a_admin)
    assert e.value.field == "membership"
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_revoke_invitation_refuses_a_role_the_actor_may_not_grant(
    client_a, client_a_admin, account_manager
):
    invitation, _ = services.invite_user(
        email="s@provider.test", role=Role.SCHEDULER, client=client_a, invited_by=account_manager
    )
    with pytest.raises(PermissionDeniedError) as e:
        services.revoke_invitation(invitation=invitation, actor=client_a_admin)
    assert e.value.field == "invitation"
    invitation.refresh_from_db()
    assert invitation.status == "pending"


def test_api_refusals_come_from_the_service_with_the_field(client_a, client_a_admin):
    # given a client admin inviting a staff role over the API
    response = token_client(client_a_admin).post(
        f"/api/v1/clients/{client_a.slug}/invitations/",
        {"email": "s@x.test", "role": "scheduler"},
        format="json",
    )
    # then the service's refusal answers 403 and names the role
    assert response.status_code == 403
    error = response.json()["error"]
    assert error["code"] == "permission_denied"
    assert error["fields"] == {
        "role": ["Your role in this client does not allow inviting a scheduler."]
    }


def test_api_refuses_revoking_a_staff_invitation_for_a_client_admin(
    client_a, client_a_admin, account_manager
):
    invitation, _ = services.invite_user(
        email="s@provider.test", role=Role.SCHEDULER, client=client_a, invited_by=account_manager
    )
    response = token_client(client_a_admin).post(
        f"/api/v1/clients/{client_a.slug}/invitations/{invitation.pk}/revoke/"
    )
    assert response.status_code == 403
    assert "invitation" in response.json()["error"]["fields"]
    invitation.refresh_from_db()
    assert invitation.status == "pending"


# --- ids named in a request body: checked in the service (permissions.can_name_user) ----------


def _refusal_of(call) -> tuple[type, str, dict]:
    from bpo.errors import DomainError

    with pytest.raises(DomainError) as refused:
        call()
    return type(refused.value), refused.value.message, refused.value.fields


def test_an_id_of_another_clients_user_is_refused_as_an_id_that_does_not_exist(
    client_a, client_a_admin, client_b_admin
):
    # when a client admin names another client's admin, and an id nobody has
    def named(user_id):
        return lambda: services.grant_membership_by_user_id(
            user_id=user_id, role=Role.CLIENT_VIEWER, client=client_a, actor=client_a_admin
        )

    other_client = _refusal_of(named(client_b_admin.pk))
    nobody = _refusal_of(named(987654))
    garbage = _refusal_of(named("not-an-id"))
    # then the same answer, on the field, and nothing granted
    assert other_client == nobody == garbage
    assert other_client[2] == {"user": ["No such user in this client."]}
    assert not Membership.objects.filter(user=client_b_admin, client=client_a).exists()


def test_staff_may_be_named_only_by_whoever_assigns_staff(
    client_a, client_b, client_a_admin, account_manager
):
    from bpo.accounts.permissions import can_name_user

    staff = make_user(Role.SCHEDULER, client_b, email="sched-b@provider.test")
    # a client admin may not name provider staff
    assert not can_name_user(client_a_admin, client_a, staff)
    with pytest.raises(Exception, match="No such user in this client"):
        services.grant_membership_by_user_id(
            user_id=staff.pk, role=Role.CLIENT_VIEWER, client=client_a, actor=client_a_admin
        )
    # the client's account manager may, and the role is granted
    assert can_name_user(account_manager, client_a, staff)
    membership = services.grant_membership_by_user_id(
        user_id=staff.pk, role=Role.SCHEDULER, client=client_a, actor=account_manager
    )
    assert (membership.user, membership.client, membership.created_by) == (
        staff,
        client_a,
        account_manager,
    )


def test_the_clients_own_people_may_be_named_and_disabled_accounts_never(
    client_a, client_a_admin, client_a_viewer
):
    from bpo.accounts.permissions import can_name_user

    assert can_name_user(client_a_admin, client_a, client_a_viewer)
    assert can_name_user(None, client_a, client_a_viewer)  # the portal itself
    client_a_viewer.is_active = False
    client_a_viewer.save(update_fields=["is_active"])
    assert not can_name_user(client_a_admin, client_a, client_a_viewer)
    assert not can_name_user(None, client_a, client_a_viewer)
