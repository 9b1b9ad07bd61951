"""Closed by default on the page side: ``client_page`` has no default right, so a page that
forgets to declare one is refused when it is defined, and every client page names a real one."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpResponse

from bpo.accounts.decorators import client_page
from bpo.accounts.roles import Action
from tests.test_isolation import CLIENT_PAGES


def _view(request):
    return HttpResponse("served")


def test_a_page_declared_without_a_right_is_refused_when_defined():
    # given a page guarded with no right at all
    # when it is defined / then it is refused
    with pytest.raises(TypeError):
        client_page()(_view)  # type: ignore[call-arg]


def test_a_page_decorated_bare_is_refused_when_defined():
    # given ``@client_page`` on the view itself (the view would be taken for the right)
    # when / then
    with pytest.raises(ImproperlyConfigured, match="needs the page's right"):
        client_page(_view)


@pytest.mark.parametrize("right", [None, "", "view-everything", "VIEW_CLIENT"])
def test_a_page_declared_with_something_that_is_no_right_is_refused(right):
    with pytest.raises(ImproperlyConfigured, match=r"one of bpo\.accounts\.roles\.Action"):
        client_page(right)


def test_a_page_with_a_right_is_defined_and_carries_it():
    # when
    guarded = client_page(Action.MANAGE_CATALOG)(_view)
    # then
    assert guarded.client_action == Action.MANAGE_CATALOG


def test_every_client_page_names_one_of_the_rights():
    offenders = [
        f"{route} ({route.name})"
        for route in CLIENT_PAGES
        if getattr(route.callback, "client_action", None) not in Action.values
    ]
    assert not offenders, "Client pages without a valid right: " + ", ".join(offenders)
