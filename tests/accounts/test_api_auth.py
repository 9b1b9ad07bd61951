"""POST/DELETE /api/v1/auth/token/ and GET /api/v1/me/."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.authtoken.models import Token

from bpo.accounts.models import FailedLogin
from tests.conftest import make_user, token_client
from tests.factories import DEMO_TEST_PASSWORD

pytestmark = pytest.mark.django_db
TOKEN_URL = "/api/v1/auth/token/"


def test_right_credentials_give_a_token_that_opens_the_api(api_client, client_a_admin):
    response = api_client.post(
        TOKEN_URL, {"email": client_a_admin.email, "password": DEMO_TEST_PASSWORD}, format="json"
    )
    assert response.status_code == 200
    token = response.json()["token"]
    assert Token.objects.get(user=client_a_admin).key == token
    assert response.json()["user"]["email"] == client_a_admin.email
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert api_client.get("/api/v1/me/").status_code == 200


def test_a_second_request_returns_the_same_token(api_client, client_a_admin):
    body = {"email": client_a_admin.email, "password": DEMO_TEST_PASSWORD}
    first = api_client.post(TOKEN_URL, body, format="json").json()["token"]
    assert api_client.post(TOKEN_URL, body, format="json").json()["token"] == first


def test_bad_credentials_are_400_in_the_error_format(api_client, client_a_admin):
    response = api_client.post(
        TOKEN_URL, {"email": client_a_admin.email, "password": "nope"}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {
        "error": {
            "code": "invalid_credentials",
            "message": "The e-mail address and password do not match an account.",
            "fields": {
                "non_field_errors": ["The e-mail address and password do not match an account."]
            },
        }
    }
    assert not Token.objects.filter(user=client_a_admin).exists()


def test_missing_fields_are_named(api_client):
    response = api_client.post(TOKEN_URL, {"email": "not-an-email"}, format="json")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert set(error["fields"]) == {"email", "password"}


def test_token_requests_are_throttled_like_the_login_page(
    api_client, client, client_a_admin, settings
):
    settings.LOGIN_FAILURE_LIMIT = 3
    settings.LOGIN_FAILURE_WINDOW_SECONDS = 300
    # given two failures on the login page and one on the API
    for _ in range(2):
        client.post("/accounts/login/", {"username": client_a_admin.email, "password": "x"})
    api_client.post(TOKEN_URL, {"email": client_a_admin.email, "password": "x"}, format="json")
    # when the right password comes
    body = {"email": client_a_admin.email, "password": DEMO_TEST_PASSWORD}
    response = api_client.post(TOKEN_URL, body, format="json")
    # then it is refused until the window passes
    assert response.status_code == 429
    assert response.json()["error"]["code"] == "throttled"
    assert 0 < int(response["Retry-After"]) <= 300
    assert not Token.objects.filter(user=client_a_admin).exists()
    FailedLogin.objects.update(attempted_at=timezone.now() - timedelta(seconds=301))
    assert api_client.post(TOKEN_URL, body, format="json").status_code == 200


def test_a_disabled_user_gets_no_token(api_client, client_a):
    user = make_user("qa_analyst", client_a)
    user.is_active = False
    user.save(update_fields=["is_active"])
    response = api_client.post(
        TOKEN_URL, {"email": user.email, "password": DEMO_TEST_PASSWORD}, format="json"
    )
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "account_disabled"
    assert not Token.objects.filter(user=user).exists()


def test_a_user_of_a_suspended_client_gets_no_token(api_client, client_a, client_a_admin):
    client_a.status = "suspended"
    client_a.save(update_fields=["status"])
    response = api_client.post(
        TOKEN_URL, {"email": client_a_admin.email, "password": DEMO_TEST_PASSWORD}, format="json"
    )
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "account_locked"
    assert not Token.objects.filter(user=client_a_admin).exists()


def test_an_existing_token_of_a_suspended_clients_user_opens_nothing(client_a, client_a_admin):
    api = token_client(client_a_admin)
    client_a.status = "suspended"
    client_a.save(update_fields=["status"])
    assert api.get(f"/api/v1/clients/{client_a.slug}/memberships/").status_code == 404


def test_staff_of_a_suspended_client_still_get_a_token(api_client, client_a, account_manager):
    client_a.status = "suspended"
    client_a.save(update_fields=["status"])
    response = api_client.post(
        TOKEN_URL, {"email": account_manager.email, "password": DEMO_TEST_PASSWORD}, format="json"
    )
    assert response.status_code == 200


def test_delete_logs_the_token_out(client_a_admin):
    api = token_client(client_a_admin)
    assert api.delete(TOKEN_URL).status_code == 204
    assert not Token.objects.filter(user=client_a_admin).exists()
    response = api.get("/api/v1/me/")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "authentication_failed"


def test_delete_needs_authentication(api_client):
    response = api_client.delete(TOKEN_URL)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_me_for_an_account_manager(account_manager, client_a, client_b):
    response = token_client(account_manager).get("/api/v1/me/")
    assert response.status_code == 200
    body = response.json()
    assert body["email"] == account_manager.email
    assert body["is_provider_staff"] is True and body["is_provider_admin"] is False
    assert [m["role"] for m in body["memberships"]] == ["account_manager"]
    assert [c["slug"] for c in body["clients"]] == [client_a.slug]
    assert body["clients"][0]["roles"] == ["account_manager"]
    assert body["clients"][0]["portal_url"] == f"/c/{client_a.slug}/"
    assert body["clients"][0]["api_url"] == f"/api/v1/clients/{client_a.slug}/"


def test_me_for_a_client_admin_lists_only_its_client(client_a_admin, client_a):
    body = token_client(client_a_admin).get("/api/v1/me/").json()
    assert [c["slug"] for c in body["clients"]] == [client_a.slug]
    assert body["is_provider_staff"] is False


def test_me_for_a_provider_admin_lists_every_client(provider_admin, client_a, client_b):
    body = token_client(provider_admin).get("/api/v1/me/").json()
    assert {client_a.slug, client_b.slug} <= {c["slug"] for c in body["clients"]}
    assert body["memberships"] == [
        {
            "id": provider_admin.memberships.get().pk,
            "role": "provider_admin",
            "role_label": "Provider admin",
            "client": None,
        }
    ]


def test_me_needs_authentication(api_client):
    response = api_client.get("/api/v1/me/")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


def test_session_authentication_works_too(client, client_a_admin):
    client.force_login(client_a_admin)
    assert client.get("/api/v1/me/").json()["email"] == client_a_admin.email
