"""The path middleware: client routes select the client's schema; unknown clients answer as
clients the caller may not see (404 when signed in, see tests/test_existence.py)."""

from __future__ import annotations

import pytest
from django.db import connection

from tests.conftest import token_client

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("debug", [False, True])
def test_unknown_client_in_the_api_answers_the_error_format(settings, client_b_admin, debug):
    # given any debug setting (Django's technical 404 page must not replace our format), and a
    # signed-in caller (an anonymous one is asked to sign in: tests/test_existence.py)
    settings.DEBUG = debug
    # when
    response = token_client(client_b_admin).get("/api/v1/clients/no-such-client/")
    # then
    assert response.status_code == 404
    assert response.json() == {
        "error": {"code": "not_found", "message": "Not found.", "fields": {}}
    }


@pytest.mark.parametrize("debug", [False, True])
def test_unknown_path_of_an_unknown_client_answers_the_error_format(client, settings, debug):
    settings.DEBUG = debug
    response = client.get("/api/v1/clients/no-such-client/no-such-thing/")
    assert response.status_code == 404
    assert response.json() == {
        "error": {"code": "not_found", "message": "Not found.", "fields": {}}
    }


def test_unknown_client_page_is_the_friendly_404(client, client_b_admin):
    # given a signed-in user (an anonymous visitor goes to the login page, as for any client)
    client.force_login(client_b_admin)
    response = client.get("/c/no-such-client/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_unknown_client_page_asks_an_anonymous_visitor_to_sign_in(client):
    response = client.get("/c/no-such-client/")
    assert response.status_code == 302
    assert response.url == "/accounts/login/?next=/c/no-such-client/"


def test_public_paths_have_no_tenant_and_run_in_public(client, provider_admin):
    # given
    client.force_login(provider_admin)
    # when a provider page is served
    response = client.get("/clients/")
    # then
    assert response.status_code == 200
    assert not hasattr(response.wsgi_request, "tenant")
    assert connection.schema_name == "public"


def test_client_paths_select_the_client_schema(client, client_a, client_a_admin):
    client.force_login(client_a_admin)
    response = client.get(f"/c/{client_a.slug}/")
    assert response.status_code == 200
    assert response.wsgi_request.tenant == client_a
    # and the connection is back in public once the response is out
    assert connection.schema_name == "public"


def test_admin_index_for_provider_admin(client, provider_admin):
    client.force_login(provider_admin)
    response = client.get("/admin/")
    assert response.status_code == 200


def test_client_pages_show_times_in_the_client_zone(client, client_a, client_a_admin):
    # given client A in America/New_York (UTC-5 in November)
    from django.utils import timezone

    client.force_login(client_a_admin)
    # when a client page renders
    response = client.get(f"/c/{client_a.slug}/members/")
    # then its times are New York's, and the zone is reset after the request
    assert response.status_code == 200
    assert response.context["TIME_ZONE"] == "America/New_York"
    assert timezone.get_current_timezone_name() == "UTC"
