"""Friendly error pages, and the one API error format, for every failure."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from bpo.portal.views import server_error


def test_server_error_page_needs_no_database():
    # given a request whose failure may be the database itself (this test has no database
    # access: pytest-django raises on any query)
    from bpo.accounts.models import User

    request = RequestFactory().get("/clients/")
    request.user = User(pk=1, email="someone@provider.test")  # signed in: nav would query
    # when
    response = server_error(request)
    # then a friendly page, rendered without touching the database
    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()


def test_server_error_in_the_api_is_the_error_format():
    response = server_error(RequestFactory().get("/api/v1/me/"))
    assert response.status_code == 500
    assert b'"code": "server_error"' in response.content


@pytest.mark.django_db
def test_forbidden_page_is_friendly(client, client_a, client_a_viewer):
    # given a viewer, who may not manage people
    client.force_login(client_a_viewer)
    # when
    response = client.get(f"/c/{client_a.slug}/members/invite/")
    # then
    assert response.status_code == 403
    assert "You do not have access" in response.content.decode()
