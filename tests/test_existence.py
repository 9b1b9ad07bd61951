"""Whether a client exists does not show to someone who may not see it.

For every caller who may not see client A (anonymous, a session or a token of another client's
user, staff not assigned to A, a bad token), every client path (a page, a page with an object
id, an API list, an API detail, an unknown path below the client, page and API) and every
method, the answer for A and the answer for a slug that does not exist are the same: status,
body and every header and cookie, byte for byte. The only differences allowed are the slug
itself (it is in the path, so also in a login ``next`` link), the clock readings (the ``Date``
header, a cookie's ``expires``; its ``max-age`` is compared) and the random values of a CSRF
token (masked anew on every render).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from django.test import Client as BrowserClient
from rest_framework.test import APIClient

from bpo.accounts.roles import Role
from tests.conftest import make_user, token_client

pytestmark = pytest.mark.django_db

# As long as the real slug ("acme-a"), so that lengths and Content-Length compare as they are.
MISSING_SLUG = "zzzz-z"
SLUG_MARK = "<slug>"
IGNORED_HEADERS = {"date"}
CSRF_VALUE = re.compile(
    rb'(name="csrfmiddlewaretoken" value="|"X-CSRFToken": ")[A-Za-z0-9]+(")',
)

# {slug} is the client; {member} a real membership id of client A (the missing slug gets the
# same number).
PATHS = {
    "page": "/c/{slug}/members/",
    "page with an object": "/c/{slug}/members/{member}/remove/",
    "unknown page": "/c/{slug}/no-such-page/",
    "api list": "/api/v1/clients/{slug}/memberships/",
    "api detail": "/api/v1/clients/{slug}/memberships/{member}/",
    "unknown api path": "/api/v1/clients/{slug}/no-such-thing/",
    "unknown api path without a slash": "/api/v1/clients/{slug}/memberships/{member}",
}
METHODS = ("get", "head", "post", "put", "patch", "delete", "options")


@dataclass(frozen=True)
class Answer:
    status: int
    headers: tuple[tuple[str, str], ...]
    cookies: tuple[tuple[str, str], ...]
    body: bytes


def _answer(response, slug: str) -> Answer:
    """The response with the slug replaced by a mark and random CSRF values blanked."""

    def text(value: str) -> str:
        return value.replace(slug, SLUG_MARK)

    headers = tuple(
        sorted(
            (name.lower(), text(value))
            for name, value in response.headers.items()
            if name.lower() not in IGNORED_HEADERS
        )
    )
    cookies = []
    for name, morsel in sorted(response.cookies.items()):
        # The CSRF cookie's value is random: compare its presence and attributes.
        value = "<random>" if name == "csrftoken" else text(morsel.value)
        attributes = ";".join(
            f"{key}={morsel[key]}"
            for key in sorted(morsel)
            if morsel[key] and key != "expires"  # a clock reading, like Date (max-age is kept)
        )
        cookies.append((name, f"{value}|{attributes}"))
    body = CSRF_VALUE.sub(rb"\1<random>\2", response.content).replace(
        slug.encode(), SLUG_MARK.encode()
    )
    return Answer(response.status_code, headers, tuple(cookies), body)


def _caller(kind: str, client_b_admin, staff_of_b):
    """A fresh client (no cookies yet) for one kind of outsider of client A."""
    if kind == "anonymous":
        return BrowserClient()
    if kind == "anonymous api client":
        return APIClient()
    if kind == "session of another client's admin":
        browser = BrowserClient()
        browser.force_login(client_b_admin)
        return browser
    if kind == "session of staff of another client":
        browser = BrowserClient()
        browser.force_login(staff_of_b)
        return browser
    if kind == "token of another client's admin":
        return token_client(client_b_admin)
    if kind == "bad token":
        api = APIClient()
        api.credentials(HTTP_AUTHORIZATION="Token " + "0" * 40)
        return api
    raise AssertionError(kind)


CALLERS = (
    "anonymous",
    "anonymous api client",
    "session of another client's admin",
    "session of staff of another client",
    "token of another client's admin",
    "bad token",
)


def _call(caller, method: str, path: str):
    if isinstance(caller, APIClient) and method not in {"get", "head", "options"}:
        return getattr(caller, method)(path, {"role": "client_admin"}, format="json")
    return getattr(caller, method)(path)


@pytest.mark.parametrize("path_name", PATHS, ids=str)
@pytest.mark.parametrize("kind", CALLERS, ids=str)
def test_a_client_you_may_not_see_answers_as_one_that_does_not_exist(
    kind, path_name, client_a, client_b, client_b_admin, client_a_admin
):
    # given client A, which this caller may not see, and a slug no client has
    from tenants.models import Client

    assert not Client.objects.filter(slug=MISSING_SLUG).exists()
    assert len(MISSING_SLUG) == len(client_a.slug)
    member = str(client_a_admin.memberships.get().pk)
    staff_of_b = make_user(Role.ACCOUNT_MANAGER, client_b, email="am-b@provider.test")
    template = PATHS[path_name]
    for method in METHODS:
        # when the caller asks for A's path and for the missing slug's, from a fresh start each
        real = _call(
            _caller(kind, client_b_admin, staff_of_b),
            method,
            template.format(slug=client_a.slug, member=member),
        )
        missing = _call(
            _caller(kind, client_b_admin, staff_of_b),
            method,
            template.format(slug=MISSING_SLUG, member=member),
        )
        # then the two answers are the same, byte for byte
        label = f"{kind} {method.upper()} {template}"
        assert real.status_code < 500, f"{label} -> {real.status_code}"
        assert _answer(real, client_a.slug) == _answer(missing, MISSING_SLUG), label
        assert client_a.name.encode() not in real.content, f"{label} names the client"


def test_anonymous_callers_are_asked_to_sign_in_for_any_client(client, api_client, client_a):
    for slug in (client_a.slug, MISSING_SLUG):
        # pages: the login page
        response = client.get(f"/c/{slug}/members/")
        assert response.status_code == 302
        assert response.url == f"/accounts/login/?next=/c/{slug}/members/"
        # API: 401 with the scheme to use
        response = api_client.get(f"/api/v1/clients/{slug}/memberships/")
        assert response.status_code == 401
        assert response.headers["WWW-Authenticate"] == "Token"
        assert response.json()["error"]["code"] == "not_authenticated"


def test_outsiders_get_the_branded_404_for_any_client(client, client_a, client_b_admin):
    client.force_login(client_b_admin)
    for slug in (client_a.slug, MISSING_SLUG):
        # pages: the portal's own 404 page
        response = client.get(f"/c/{slug}/members/")
        assert response.status_code == 404
        assert "Page not found" in response.content.decode()
        assert "No such client" not in response.content.decode()
        # API: the error format
        response = token_client(client_b_admin).get(f"/api/v1/clients/{slug}/memberships/")
        assert response.status_code == 404
        assert response.json() == {
            "error": {"code": "not_found", "message": "Not found.", "fields": {}}
        }


def test_an_unknown_path_below_any_client_is_404_for_everyone(client, client_a):
    for slug in (client_a.slug, MISSING_SLUG):
        assert client.get(f"/c/{slug}/no-such-page/").status_code == 404
        response = client.get(f"/api/v1/clients/{slug}/no-such-thing/")
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"
