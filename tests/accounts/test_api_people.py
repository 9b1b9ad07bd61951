"""Memberships and invitations over the API: provider side and one client's people."""

from __future__ import annotations

import pytest

from bpo.accounts import services
from bpo.accounts.models import AccountEvent, Invitation, Membership
from bpo.accounts.roles import Role
from tests.conftest import make_user, token_client

pytestmark = pytest.mark.django_db


def people(client, what="memberships"):
    return f"/api/v1/clients/{client.slug}/{what}/"


# --- provider side: /api/v1/memberships/ ---------------------------------------------------------


def test_provider_admin_lists_every_membership_with_filters(
    provider_admin, account_manager, client_a_admin, client_a
):
    api = token_client(provider_admin)
    body = api.get("/api/v1/memberships/").json()
    assert body["count"] >= 3
    assert {"count", "next", "previous", "results"} <= body.keys()
    only_am = api.get("/api/v1/memberships/?role=account_manager").json()["results"]
    assert [m["user"]["email"] for m in only_am] == [account_manager.email]
    in_a = api.get(f"/api/v1/memberships/?client={client_a.slug}&search=admin@acme").json()
    assert [m["user"]["email"] for m in in_a["results"]] == [client_a_admin.email]
    bad = api.get("/api/v1/memberships/?role=emperor")
    assert bad.status_code == 400 and "role" in bad.json()["error"]["fields"]


def test_others_see_only_their_own_memberships_read_only(account_manager, client_a_admin, client_a):
    api = token_client(account_manager)
    results = api.get("/api/v1/memberships/").json()["results"]
    assert [m["user"]["id"] for m in results] == [account_manager.pk]
    other = client_a_admin.memberships.get()
    assert api.get(f"/api/v1/memberships/{other.pk}/").status_code == 404
    own = account_manager.memberships.get()
    assert api.get(f"/api/v1/memberships/{own.pk}/").status_code == 200
    post = api.post(
        "/api/v1/memberships/",
        {"user": account_manager.pk, "role": "scheduler", "client": client_a.slug},
        format="json",
    )
    assert post.status_code == 403
    assert post.json()["error"]["code"] == "permission_denied"
    assert api.delete(f"/api/v1/memberships/{own.pk}/").status_code == 403
    assert Membership.objects.filter(pk=own.pk).exists()


def test_provider_admin_grants_a_role_and_read_only_fields_are_ignored(
    provider_admin, account_manager, client_b
):
    api = token_client(provider_admin)
    response = api.post(
        "/api/v1/memberships/",
        {
            "user": account_manager.pk,
            "role": "scheduler",
            "client": client_b.slug,
            "created_by": "someone@else.test",
            "created_at": "2001-01-01T00:00:00Z",
            "id": 999999,
        },
        format="json",
    )
    assert response.status_code == 201
    stored = Membership.objects.get(pk=response.json()["id"])
    assert stored.pk != 999999
    assert (stored.user, stored.role, stored.client, stored.created_by) == (
        account_manager,
        "scheduler",
        client_b,
        provider_admin,
    )
    assert stored.created_at.year > 2001


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"role": "scheduler", "client": "acme-a"}, "user"),
        ({"user": 0, "role": "scheduler", "client": "acme-a"}, "user"),
        ({"user": "me", "role": "wizard", "client": "acme-a"}, "role"),
        ({"user": "me", "role": "scheduler", "client": "no-such-client"}, "client"),
        ({"user": "me", "role": "client_viewer"}, "client"),
        ({"user": "me", "role": "provider_admin", "client": "acme-a"}, "client"),
    ],
)
def test_provider_membership_bad_input(provider_admin, account_manager, client_a, body, field):
    body = {k: (account_manager.pk if v == "me" else v) for k, v in body.items()}
    before = Membership.objects.count()
    response = token_client(provider_admin).post("/api/v1/memberships/", body, format="json")
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]
    assert Membership.objects.count() == before


def test_duplicate_grant_is_409(provider_admin, account_manager, client_a):
    response = token_client(provider_admin).post(
        "/api/v1/memberships/",
        {"user": account_manager.pk, "role": "account_manager", "client": client_a.slug},
        format="json",
    )
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "conflict"


def test_provider_admin_removes_a_role_but_not_the_last_admin(provider_admin, account_manager):
    api = token_client(provider_admin)
    membership = account_manager.memberships.get()
    assert api.delete(f"/api/v1/memberships/{membership.pk}/").status_code == 204
    assert not Membership.objects.filter(pk=membership.pk).exists()
    own = provider_admin.memberships.get()
    last = api.delete(f"/api/v1/memberships/{own.pk}/")
    assert last.status_code == 409
    assert last.json()["error"]["message"] == "The last provider admin cannot be removed."


def test_memberships_list_query_count(provider_admin, client_a, django_assert_max_num_queries):
    for n in range(20):
        make_user(Role.CLIENT_VIEWER, client_a, email=f"m{n}@acme-a.test")
    api = token_client(provider_admin)
    with django_assert_max_num_queries(10):
        assert api.get("/api/v1/memberships/").status_code == 200


# --- provider side: /api/v1/invitations/ ---------------------------------------------------------


def test_provider_admin_invites_staff(
    provider_admin, client_a, django_capture_on_commit_callbacks, mailoutbox
):
    api = token_client(provider_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(
            "/api/v1/invitations/",
            {
                "email": "QA@provider.test",
                "role": "qa_analyst",
                "client": client_a.slug,
                "status": "accepted",
                "invited_by": "x@y.test",
            },
            format="json",
        )
    assert response.status_code == 201
    stored = Invitation.objects.get(pk=response.json()["id"])
    assert (stored.email, stored.role, stored.client, stored.invited_by, stored.status) == (
        "qa@provider.test",
        "qa_analyst",
        client_a,
        provider_admin,
        "pending",
    )
    assert len(mailoutbox) == 1
    listed = api.get("/api/v1/invitations/?status=pending").json()["results"]
    assert stored.pk in [i["id"] for i in listed]
    revoked = api.post(f"/api/v1/invitations/{stored.pk}/revoke/")
    assert revoked.status_code == 200 and revoked.json()["status"] == "revoked"
    again = api.post(f"/api/v1/invitations/{stored.pk}/revoke/")
    assert again.status_code == 409


def test_staff_invitation_api_refuses_client_roles(provider_admin):
    api = token_client(provider_admin)
    client_role = api.post(
        "/api/v1/invitations/", {"email": "c@x.test", "role": "client_admin"}, format="json"
    )
    assert client_role.status_code == 400 and "role" in client_role.json()["error"]["fields"]
    assert not Invitation.objects.filter(email="c@x.test").exists()


def test_staff_invitation_without_client_is_provider_level(provider_admin):
    # given a staff invitation with no client
    api = token_client(provider_admin)
    # when
    response = api.post(
        "/api/v1/invitations/", {"email": "new-am@x.test", "role": "account_manager"}, format="json"
    )
    # then it is stored as a provider-level role
    assert response.status_code == 201, response.content
    invitation = Invitation.objects.get(email="new-am@x.test")
    assert (invitation.role, invitation.client) == ("account_manager", None)


def test_staff_invitations_are_for_provider_admins_only(account_manager, client_a_admin):
    for user in (account_manager, client_a_admin):
        api = token_client(user)
        assert api.get("/api/v1/invitations/").status_code == 403
        response = api.post(
            "/api/v1/invitations/", {"email": "z@x.test", "role": "agent"}, format="json"
        )
        assert response.status_code == 403
    assert not Invitation.objects.filter(email="z@x.test").exists()


def test_client_invitations_are_not_listed_on_the_provider_side(provider_admin, client_a):
    invitation, _ = services.invite_user(
        email="v@acme-a.test", role=Role.CLIENT_VIEWER, client=client_a, invited_by=None
    )
    api = token_client(provider_admin)
    ids = [i["id"] for i in api.get("/api/v1/invitations/").json()["results"]]
    assert invitation.pk not in ids
    assert api.get(f"/api/v1/invitations/{invitation.pk}/").status_code == 404


# --- one client's people --------------------------------------------------------------------------


def test_client_members_list_only_that_clients_people(
    client_a, client_a_admin, client_a_viewer, client_b_admin, account_manager
):
    body = token_client(client_a_viewer).get(people(client_a)).json()
    emails = {m["user"]["email"] for m in body["results"]}
    assert emails == {client_a_admin.email, client_a_viewer.email, account_manager.email}
    assert client_b_admin.email not in emails
    admins = token_client(client_a_viewer).get(people(client_a) + "?role=client_admin").json()
    assert [m["user"]["email"] for m in admins["results"]] == [client_a_admin.email]


def test_viewer_reads_but_does_not_write(client_a, client_a_viewer):
    api = token_client(client_a_viewer)
    response = api.post(
        people(client_a, "invitations"),
        {"email": "n@a.test", "role": "client_viewer"},
        format="json",
    )
    assert response.status_code == 403
    assert not Invitation.objects.filter(email="n@a.test").exists()


def test_scheduler_of_the_client_may_not_even_read_people(client_a):
    scheduler = make_user(Role.SCHEDULER, client_a)
    assert token_client(scheduler).get(people(client_a)).status_code == 403


def test_client_admin_invites_and_the_stored_row_ignores_read_only_fields(
    client_a, client_b, client_a_admin
):
    response = token_client(client_a_admin).post(
        people(client_a, "invitations"),
        {
            "email": "New@acme-a.test",
            "full_name": "New One",
            "role": "client_admin",
            "client": client_b.slug,
            "status": "accepted",
            "accepted_at": "2026-01-01T00:00:00Z",
            "expires_at": "2099-01-01T00:00:00Z",
        },
        format="json",
    )
    assert response.status_code == 201
    stored = Invitation.objects.get(pk=response.json()["id"])
    assert stored.client == client_a
    assert stored.accepted_at is None and stored.status == "pending"
    assert stored.expires_at.year < 2099
    assert (stored.email, stored.role, stored.invited_by) == (
        "new@acme-a.test",
        "client_admin",
        client_a_admin,
    )


def test_client_admin_may_not_invite_staff_roles(client_a, client_a_admin):
    response = token_client(client_a_admin).post(
        people(client_a, "invitations"), {"email": "s@x.test", "role": "scheduler"}, format="json"
    )
    assert response.status_code == 403
    assert "does not allow inviting a scheduler" in response.json()["error"]["message"]


def test_account_manager_invites_staff_for_the_client(client_a, account_manager):
    response = token_client(account_manager).post(
        people(client_a, "invitations"), {"email": "s@x.test", "role": "scheduler"}, format="json"
    )
    assert response.status_code == 201
    assert Invitation.objects.get(email="s@x.test").client == client_a


def test_client_invitation_bad_input(client_a, client_a_admin):
    api = token_client(client_a_admin)
    response = api.post(
        people(client_a, "invitations"), {"email": "nope", "role": "boss"}, format="json"
    )
    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"email", "role"}
    duplicate = {"email": "d@acme-a.test", "role": "client_viewer"}
    assert api.post(people(client_a, "invitations"), duplicate, format="json").status_code == 201
    again = api.post(people(client_a, "invitations"), duplicate, format="json")
    assert again.status_code == 409
    assert Invitation.objects.filter(email="d@acme-a.test").count() == 1


def test_client_invitation_filters_and_revoke(client_a, client_a_admin):
    api = token_client(client_a_admin)
    created = api.post(
        people(client_a, "invitations"),
        {"email": "r@acme-a.test", "role": "client_viewer"},
        format="json",
    ).json()
    revoke = api.post(people(client_a, "invitations") + f"{created['id']}/revoke/")
    assert revoke.status_code == 200 and revoke.json()["status"] == "revoked"
    revoked = api.get(people(client_a, "invitations") + "?status=revoked").json()["results"]
    assert [i["email"] for i in revoked] == ["r@acme-a.test"]
    pending = api.get(people(client_a, "invitations") + "?status=pending").json()["results"]
    assert "r@acme-a.test" not in [i["email"] for i in pending]
    assert AccountEvent.objects.filter(action="invitation_revoked", email="r@acme-a.test").exists()


def test_revoking_another_clients_invitation_through_this_client_is_404(
    client_a, client_b, client_a_admin
):
    invitation, _ = services.invite_user(
        email="b@globex-b.test", role=Role.CLIENT_VIEWER, client=client_b, invited_by=None
    )
    api = token_client(client_a_admin)
    response = api.post(people(client_a, "invitations") + f"{invitation.pk}/revoke/")
    assert response.status_code == 404
    invitation.refresh_from_db()
    assert invitation.status == "pending"


def test_client_admin_promotes_a_viewer(client_a, client_a_admin, client_a_viewer):
    response = token_client(client_a_admin).post(
        people(client_a), {"user": client_a_viewer.pk, "role": "client_admin"}, format="json"
    )
    assert response.status_code == 201
    stored = Membership.objects.get(pk=response.json()["id"])
    assert (stored.user, stored.client, stored.role, stored.created_by) == (
        client_a_viewer,
        client_a,
        "client_admin",
        client_a_admin,
    )


def test_a_user_of_another_client_in_the_body_is_400(client_a, client_a_admin, client_b_admin):
    response = token_client(client_a_admin).post(
        people(client_a), {"user": client_b_admin.pk, "role": "client_viewer"}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"user": ["No such user in this client."]}
    assert not Membership.objects.filter(user=client_b_admin, client=client_a).exists()


def test_a_client_admin_cannot_pull_in_provider_staff_by_id(client_a, client_a_admin, client_b):
    stranger = make_user(Role.SCHEDULER, client_b)
    response = token_client(client_a_admin).post(
        people(client_a), {"user": stranger.pk, "role": "client_viewer"}, format="json"
    )
    assert response.status_code == 400
    assert not Membership.objects.filter(user=stranger, client=client_a).exists()


def test_account_manager_assigns_a_staff_member_by_id(client_a, client_b, account_manager):
    scheduler = make_user(Role.SCHEDULER, client_b)
    response = token_client(account_manager).post(
        people(client_a),
        {"user": scheduler.pk, "role": "scheduler", "client": client_b.slug},
        format="json",
    )
    assert response.status_code == 201
    assert Membership.objects.get(pk=response.json()["id"]).client == client_a


def test_remove_a_member_and_keep_the_last_admin(client_a, client_a_admin, client_a_viewer):
    api = token_client(client_a_admin)
    viewer = client_a_viewer.memberships.get()
    assert api.delete(people(client_a) + f"{viewer.pk}/").status_code == 204
    assert not Membership.objects.filter(pk=viewer.pk).exists()
    admin = client_a_admin.memberships.get()
    last = api.delete(people(client_a) + f"{admin.pk}/")
    assert last.status_code == 409
    assert "last client admin" in last.json()["error"]["message"]
    assert Membership.objects.filter(pk=admin.pk).exists()


def test_client_admin_cannot_remove_the_account_manager(client_a, client_a_admin, account_manager):
    membership = account_manager.memberships.get()
    response = token_client(client_a_admin).delete(people(client_a) + f"{membership.pk}/")
    assert response.status_code == 403
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_deleting_another_clients_membership_through_this_client_is_404(
    client_a, client_a_admin, client_b_admin
):
    membership = client_b_admin.memberships.get()
    response = token_client(client_a_admin).delete(people(client_a) + f"{membership.pk}/")
    assert response.status_code == 404
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_client_people_list_query_count(client_a, client_a_admin, django_assert_max_num_queries):
    for n in range(20):
        make_user(Role.CLIENT_VIEWER, client_a, email=f"q{n}@acme-a.test")
    api = token_client(client_a_admin)
    with django_assert_max_num_queries(14):
        response = api.get(people(client_a))
    assert response.json()["count"] == 21


@pytest.mark.parametrize("who", ["client_b_admin", "staff"])
def test_a_client_admin_gets_the_same_answer_for_addresses_she_may_not_know(
    request, who, client_a, client_b, client_a_admin
):
    # given an address of another client's user or of provider staff, and an unknown address
    known = (
        request.getfixturevalue("client_b_admin")
        if who == "client_b_admin"
        else make_user(Role.SCHEDULER, client_b, email="sched@provider.test")
    )
    api = token_client(client_a_admin)
    # when the client admin invites both
    hidden = api.post(
        people(client_a, "invitations"), {"email": known.email, "role": "client_viewer"}
    )
    unknown = api.post(
        people(client_a, "invitations"), {"email": "fresh@acme-a.test", "role": "client_viewer"}
    )
    # then the answers differ only in the address and the ids
    assert hidden.status_code == unknown.status_code == 201

    def shape(body):
        return {
            k: v for k, v in body.items() if k not in {"id", "email", "created_at", "expires_at"}
        }

    assert shape(hidden.json()) == shape(unknown.json())
    event = AccountEvent.objects.get(action="invitation_sent", email=known.email)
    assert event.user is None  # the audit row does not tie the address to the account either


def test_the_conflict_is_409_conflict_for_provider_staff(provider_admin, client_a_admin):
    response = token_client(provider_admin).post(
        "/api/v1/invitations/",
        {"email": client_a_admin.email, "role": "qa_analyst", "client": "acme-a"},
        format="json",
    )
    assert response.status_code == 409
    assert response.json()["error"] == {
        "code": "conflict",
        "message": "A client user cannot also hold a provider role.",
        "fields": {"role": ["A client user cannot also hold a provider role."]},
    }


def test_inviting_your_own_address_is_refused_over_the_api(client_a, client_a_admin):
    response = token_client(client_a_admin).post(
        people(client_a, "invitations"),
        {"email": client_a_admin.email.upper(), "role": "client_viewer"},
        format="json",
    )
    assert response.status_code == 400
    assert "This is your own address" in response.json()["error"]["fields"]["email"][0]
