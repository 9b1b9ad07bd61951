"""The login throttle per account and per client address, and which address is the client's."""

from __future__ import annotations

import pytest
from django.test import RequestFactory
from django.urls import reverse

from bpo.accounts.client_address import client_ip
from bpo.accounts.models import FailedLogin
from tests.factories import DEMO_TEST_PASSWORD

pytestmark = pytest.mark.django_db
LOGIN = reverse("accounts:login")
TOKEN_URL = "/api/v1/auth/token/"
PROXY = "10.0.0.5"
ATTACKER = "203.0.113.9"
COLLEAGUE = "198.51.100.7"


def _login(client, email, password, *, remote=PROXY, forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return client.post(LOGIN, {"username": email, "password": password}, **extra)


def _flood(client, *, remote=PROXY, forwarded=None, count=8):
    for n in range(count):  # LIMIT (2) x 4 failures on accounts that do not exist
        _login(client, f"nobody{n}@example.test", "wrong", remote=remote, forwarded=forwarded)


@pytest.fixture
def behind_a_proxy(settings):
    settings.LOGIN_FAILURE_LIMIT = 2
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]


def test_a_flood_behind_the_proxy_locks_out_no_one_else(client, provider_admin, behind_a_proxy):
    # given one address behind the trusted proxy failing on many accounts
    _flood(client, forwarded=ATTACKER)
    assert set(FailedLogin.objects.values_list("ip_address", flat=True)) == {ATTACKER}
    # when a colleague with no failures signs in through the same proxy
    response = _login(client, provider_admin.email, DEMO_TEST_PASSWORD, forwarded=COLLEAGUE)
    # then she is in
    assert response.status_code == 302


def test_a_correct_password_from_the_flooding_address_waits_too(
    client, provider_admin, behind_a_proxy
):
    _flood(client, forwarded=ATTACKER)
    response = _login(client, provider_admin.email, DEMO_TEST_PASSWORD, forwarded=ATTACKER)
    assert "Too many failed attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_api_token_follows_the_same_rule(api_client, provider_admin, behind_a_proxy):
    for n in range(8):
        api_client.post(
            TOKEN_URL,
            {"email": f"nobody{n}@example.test", "password": "wrong"},
            format="json",
            REMOTE_ADDR=PROXY,
            HTTP_X_FORWARDED_FOR=ATTACKER,
        )
    body = {"email": provider_admin.email, "password": DEMO_TEST_PASSWORD}
    flooding = api_client.post(
        TOKEN_URL, body, format="json", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=ATTACKER
    )
    assert flooding.status_code == 429 and int(flooding["Retry-After"]) > 0
    other = api_client.post(
        TOKEN_URL, body, format="json", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=COLLEAGUE
    )
    assert other.status_code == 200


def test_a_forged_forwarded_header_from_an_untrusted_address_is_ignored(
    client, provider_admin, settings
):
    # given no trusted proxy: the connection's address is the client's
    settings.LOGIN_FAILURE_LIMIT = 2
    settings.TRUSTED_PROXIES = []
    for n in range(8):
        _login(client, f"n{n}@example.test", "wrong", remote=ATTACKER, forwarded=f"192.0.2.{n}")
    # then a new forged address does not lift the address's throttle
    again = _login(
        client, provider_admin.email, DEMO_TEST_PASSWORD, remote=ATTACKER, forwarded=COLLEAGUE
    )
    assert "Too many failed attempts" in again.content.decode()
    # and another connection is not held back
    assert (
        _login(client, provider_admin.email, DEMO_TEST_PASSWORD, remote=COLLEAGUE).status_code
        == 302
    )


def test_the_proxy_itself_never_stands_for_every_user(client, provider_admin, behind_a_proxy):
    # given failures through the trusted proxy that carry no client address
    _flood(client, forwarded=None)
    # then they are counted per account only: a clean account still signs in
    assert _login(client, provider_admin.email, DEMO_TEST_PASSWORD).status_code == 302


def test_the_account_throttle_holds_from_every_address(client, provider_admin, behind_a_proxy):
    for n in range(2):
        _login(client, provider_admin.email, "wrong", forwarded=f"192.0.2.{n}")
    response = _login(client, provider_admin.email, DEMO_TEST_PASSWORD, forwarded=COLLEAGUE)
    assert "Too many failed attempts" in response.content.decode()


@pytest.mark.parametrize(
    ("trusted", "remote", "forwarded", "expected"),
    [
        ([], "203.0.113.9", "1.2.3.4", "203.0.113.9"),
        (["10.0.0.0/8"], "203.0.113.9", "1.2.3.4", "203.0.113.9"),
        (["10.0.0.0/8"], "10.0.0.5", "1.2.3.4", "1.2.3.4"),
        (["10.0.0.0/8"], "10.0.0.5", "6.6.6.6, 1.2.3.4, 10.0.0.7", "1.2.3.4"),
        (["10.0.0.0/8", "2001:db8::/32"], "2001:db8::1", " 1.2.3.4 ", "1.2.3.4"),
        (["10.0.0.5"], "10.0.0.5", "", None),
        (["10.0.0.5"], "10.0.0.5", "not-an-address", None),
        (["10.0.0.0/8"], "10.0.0.5", "10.0.0.9", "10.0.0.9"),
    ],
)
def test_client_ip(settings, trusted, remote, forwarded, expected):
    settings.TRUSTED_PROXIES = trusted
    request = RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected
