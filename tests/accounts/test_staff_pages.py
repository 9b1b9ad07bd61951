"""The provider's Staff pages (provider admins only) and the Django admin."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token

from bpo.accounts import services
from bpo.accounts.models import AccountEvent, Invitation, Membership
from bpo.accounts.roles import Role
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


def test_staff_list_shows_roles_and_clients_but_no_client_users(
    client, provider_admin, account_manager, client_a, client_a_admin
):
    client.force_login(provider_admin)
    response = client.get(reverse("accounts:staff"))
    assert response.status_code == 200
    body = response.content.decode()
    assert account_manager.email in body and "Account manager" in body and client_a.name in body
    assert client_a_admin.email not in body


def test_staff_list_filters(client, provider_admin, account_manager, client_a):
    scheduler = make_user(Role.SCHEDULER, client_a, email="sched@provider.test")
    client.force_login(provider_admin)
    by_role = client.get(reverse("accounts:staff") + "?role=scheduler")
    assert [u.email for u in by_role.context["page"]] == [scheduler.email]
    by_text = client.get(reverse("accounts:staff") + "?q=am@provider")
    assert [u.email for u in by_text.context["page"]] == [account_manager.email]


def test_staff_list_query_count(client, provider_admin, client_a, django_assert_max_num_queries):
    for n in range(15):
        make_user(Role.QA_ANALYST, client_a, email=f"qa{n}@provider.test")
    client.force_login(provider_admin)
    with django_assert_max_num_queries(16):
        assert client.get(reverse("accounts:staff")).status_code == 200


@pytest.mark.parametrize("who", ["account_manager", "client_a_admin"])
def test_staff_pages_are_404_for_everyone_but_provider_admins(client, request, who, provider_admin):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("accounts:staff")).status_code == 404
    assert client.get(reverse("accounts:staff_invite")).status_code == 404
    assert client.get(reverse("accounts:staff_detail", args=[provider_admin.pk])).status_code == 404


def test_staff_pages_need_login(client):
    response = client.get(reverse("accounts:staff"))
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:login"))


def test_invite_a_scheduler_for_a_client(client, provider_admin, client_a):
    client.force_login(provider_admin)
    response = client.post(
        reverse("accounts:staff_invite"),
        {
            "email": "jo@provider.test",
            "full_name": "Jo",
            "role": "scheduler",
            "client": client_a.pk,
        },
    )
    assert response.status_code == 302
    invitation = Invitation.objects.get(email="jo@provider.test")
    assert (invitation.role, invitation.client) == ("scheduler", client_a)


@pytest.mark.parametrize(
    ("role", "with_client", "message"),
    [
        ("provider_admin", True, "A provider admin is not tied to one client; leave it empty."),
    ],
)
def test_invite_validates_role_and_client(
    client, provider_admin, client_a, role, with_client, message
):
    client.force_login(provider_admin)
    data = {"email": "jo@provider.test", "role": role}
    if with_client:
        data["client"] = client_a.pk
    response = client.post(reverse("accounts:staff_invite"), data)
    assert response.context["form"].errors["client"] == [message]
    assert not Invitation.objects.filter(email="jo@provider.test").exists()


def test_inviting_a_client_user_as_staff_is_refused(
    client, provider_admin, client_a, client_a_admin
):
    client.force_login(provider_admin)
    response = client.post(
        reverse("accounts:staff_invite"),
        {"email": client_a_admin.email, "role": "qa_analyst", "client": client_a.pk},
    )
    assert "cannot also hold a provider role" in response.content.decode()


def test_grant_and_revoke_a_role(client, provider_admin, account_manager, client_b):
    client.force_login(provider_admin)
    detail = reverse("accounts:staff_detail", args=[account_manager.pk])
    response = client.post(detail, {"role": "account_manager", "client": client_b.pk})
    assert response.status_code == 302
    membership = Membership.objects.get(user=account_manager, client=client_b)
    duplicate = client.post(detail, {"role": "account_manager", "client": client_b.pk})
    assert "already has that role" in duplicate.content.decode()
    revoke = reverse("accounts:staff_membership_revoke", args=[account_manager.pk, membership.pk])
    assert client.post(revoke).status_code == 302
    assert not Membership.objects.filter(pk=membership.pk).exists()
    actions = set(
        AccountEvent.objects.filter(user=account_manager).values_list("action", flat=True)
    )
    assert {"membership_granted", "membership_revoked"} <= actions


def test_the_last_provider_admin_role_stays(client, provider_admin):
    client.force_login(provider_admin)
    membership = provider_admin.memberships.get()
    url = reverse("accounts:staff_membership_revoke", args=[provider_admin.pk, membership.pk])
    response = client.post(url, follow=True)
    assert "The last provider admin cannot be removed." in response.content.decode()
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_disable_and_enable_an_account(client, provider_admin, account_manager):
    Token.objects.create(user=account_manager)
    client.force_login(provider_admin)
    url = reverse("accounts:staff_set_active", args=[account_manager.pk])
    assert client.post(url, {"is_active": "0"}).status_code == 302
    account_manager.refresh_from_db()
    assert not account_manager.is_active
    assert not Token.objects.filter(user=account_manager).exists()
    client.post(url, {"is_active": "1"})
    account_manager.refresh_from_db()
    assert account_manager.is_active


def test_nobody_disables_themselves(client, provider_admin):
    client.force_login(provider_admin)
    url = reverse("accounts:staff_set_active", args=[provider_admin.pk])
    response = client.post(url, {"is_active": "0"}, follow=True)
    assert "You cannot disable your own account." in response.content.decode()
    provider_admin.refresh_from_db()
    assert provider_admin.is_active


def test_revoke_a_staff_invitation(client, provider_admin, client_a):
    invitation, _ = services.invite_user(
        email="s@provider.test", role=Role.FINANCE, client=client_a, invited_by=provider_admin
    )
    client.force_login(provider_admin)
    client.post(reverse("accounts:staff_invitation_revoke", args=[invitation.pk]))
    invitation.refresh_from_db()
    assert invitation.status == "revoked"


def test_a_client_invitation_is_not_a_staff_invitation(client, provider_admin, client_a):
    invitation, _ = services.invite_user(
        email="c@acme-a.test", role=Role.CLIENT_VIEWER, client=client_a, invited_by=None
    )
    client.force_login(provider_admin)
    url = reverse("accounts:staff_invitation_revoke", args=[invitation.pk])
    assert client.post(url).status_code == 404


# --- the Django admin ---------------------------------------------------------------------------


def test_provider_admin_enters_the_admin_without_the_superuser_flag(client, provider_admin):
    assert not provider_admin.is_superuser
    client.force_login(provider_admin)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 200
    assert client.get(reverse("admin:accounts_membership_changelist")).status_code == 200


@pytest.mark.parametrize("who", ["account_manager", "client_a_admin"])
def test_everyone_else_is_kept_out_of_the_admin(client, request, who):
    user = request.getfixturevalue(who)
    user.is_staff = True  # even with Django's staff flag
    user.save(update_fields=["is_staff"])
    client.force_login(user)
    response = client.get(reverse("admin:index"), follow=True)
    assert response.status_code == 403
    assert client.get(reverse("admin:accounts_user_changelist"), follow=True).status_code == 403


def test_the_admin_login_is_the_portal_login(client):
    response = client.get(reverse("admin:index"), follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("accounts:login"))
    assert "registration/login.html" in [t.name for t in response.templates]


def test_every_admin_changelist_opens_for_a_provider_admin(client, provider_admin):
    from django.contrib import admin
    from django.db import connection
    from django_tenants.utils import get_public_schema_name

    client.force_login(provider_admin)
    assert connection.schema_name == get_public_schema_name()
    for model in admin.site._registry:
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        assert client.get(url).status_code == 200, url


def test_provider_level_account_manager_onboards_without_any_client(provider_admin, client_a):
    # given an account manager who holds the role at provider level only (no client yet)
    from bpo.accounts import services
    from bpo.accounts.permissions import accessible_clients, can_onboard_clients
    from tenants import services as tenant_services
    from tenants import workers as tenant_workers
    from tests.factories import UserFactory, client_answers

    manager = UserFactory(email="fresh-am@provider.test")
    services.grant_membership(user=manager, role="account_manager", client=None, actor=None)
    services.forget_memberships(manager)
    # then they may onboard but open no client
    assert can_onboard_clients(manager)
    assert list(accessible_clients(manager)) == []
    assert client_a.pk not in set(accessible_clients(manager).values_list("pk", flat=True))
    # when they onboard a client
    run = tenant_services.start_onboarding(data=client_answers("fresh-co"), requested_by=manager)
    tenant_workers.run_provisioning(run_id=run.pk)
    services.forget_memberships(manager)
    # then they are assigned to it, and to it only
    assert list(accessible_clients(manager).values_list("slug", flat=True)) == ["fresh-co"]
