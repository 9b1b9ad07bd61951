"""The API bases cannot be weakened: a subclass that tries is refused when it is defined, a
client-scoped view serves only the actions it declares a right for, and a plain DRF view that
forgets the bases serves nobody (``DEFAULT_PERMISSION_CLASSES``)."""

from __future__ import annotations

from collections.abc import Mapping

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.urls import path
from rest_framework import mixins, permissions
from rest_framework.authentication import BasicAuthentication
from rest_framework.response import Response
from rest_framework.views import APIView

from bpo.accounts.roles import Action
from bpo.api import base as api_base
from tests.conftest import make_user, token_client
from tests.test_isolation import CLIENT_API_ROUTES

BASES = [
    api_base.ProviderAPIView,
    api_base.ProviderViewSet,
    api_base.ClientScopedAPIView,
    api_base.ClientScopedViewSet,
]


def _allow(*args, **kwargs):
    return [permissions.AllowAny()]


WEAKENINGS = {
    "get_permissions": {"get_permissions": _allow},
    "get_authenticators": {"get_authenticators": lambda self: [BasicAuthentication()]},
    "authentication_classes": {"authentication_classes": (BasicAuthentication,)},
    "permission_classes": {"permission_classes": (permissions.AllowAny,)},
    "permission_classes not a permission": {"permission_classes": (object,)},
    "fixed_permissions": {"fixed_permissions": lambda self: ()},
    "check_permissions": {"check_permissions": lambda self, request: None},
    "required_action": {"required_action": lambda self, request: Action.VIEW_CLIENT},
}


@pytest.mark.parametrize("base", BASES, ids=lambda b: b.__name__)
@pytest.mark.parametrize("weakening", WEAKENINGS, ids=str)
def test_a_weakening_subclass_is_refused_at_definition(base, weakening):
    with pytest.raises(ImproperlyConfigured, match=r"bpo\.api\.base|narrow"):
        type("Weakened", (base,), {"__module__": __name__, **WEAKENINGS[weakening]})


@pytest.mark.parametrize("base", [api_base.ProviderViewSet, api_base.ClientScopedViewSet])
@pytest.mark.parametrize("hook", ["get_queryset", "get_object"])
def test_a_viewset_uses_the_selector_hooks_not_get_queryset_or_get_object(base, hook):
    with pytest.raises(ImproperlyConfigured, match="select_row"):
        type("Unfiltered", (base,), {"__module__": __name__, hook: lambda self: None})


def test_only_the_token_endpoint_replaces_the_fixed_permissions():
    from bpo.accounts.apis import AuthTokenAPI

    assert f"{AuthTokenAPI.__module__}.{AuthTokenAPI.__qualname__}" == api_base.TOKEN_ENDPOINT
    assert "fixed_permissions" in vars(AuthTokenAPI)
    with pytest.raises(ImproperlyConfigured):  # the same name elsewhere is no exception
        type("AuthTokenAPI", (api_base.ProviderAPIView,), {"fixed_permissions": _allow})


def test_narrowing_permission_classes_are_allowed():
    view = type(
        "Narrowed",
        (api_base.ProviderAPIView,),
        {"__module__": __name__, "permission_classes": (permissions.IsAdminUser,)},
    )
    assert [type(p) for p in view().get_permissions()] == [
        permissions.IsAuthenticated,
        permissions.IsAdminUser,
    ]


# --- closed by default ----------------------------------------------------------------------------


def _get(self, request, client_slug):
    return Response({})


def test_a_client_api_view_declaring_no_right_is_refused():
    with pytest.raises(ImproperlyConfigured, match="no right for 'GET'"):
        type("NoRights", (api_base.ClientScopedAPIView,), {"__module__": __name__, "get": _get})


def test_a_client_viewset_declaring_no_right_for_an_action_is_refused():
    with pytest.raises(ImproperlyConfigured, match="no right for 'retrieve'"):
        type(
            "HalfDeclared",
            (mixins.ListModelMixin, mixins.RetrieveModelMixin, api_base.ClientScopedViewSet),
            {"__module__": __name__, "action_rights": {"list": Action.VIEW_CLIENT}},
        )


def test_a_right_for_one_method_of_a_two_method_action_is_not_enough():
    from rest_framework.decorators import action

    @action(detail=False, methods=["get", "post"])
    def things(self, request, client_slug):
        return Response({})

    with pytest.raises(ImproperlyConfigured, match="'things' \\(POST\\)"):
        type(
            "OneMethod",
            (api_base.ClientScopedViewSet,),
            {
                "__module__": __name__,
                "things": things,
                "action_rights": {"things": {"GET": Action.VIEW_CLIENT}},
            },
        )


@pytest.mark.parametrize(
    "rights", [{"GET": "no_such_right"}, {"GET": Action.VIEW_CLIENT, "DELETE": Action.VIEW_CLIENT}]
)
def test_unknown_rights_and_rights_for_unrouted_methods_are_refused(rights):
    with pytest.raises(ImproperlyConfigured):
        type(
            "Wrong",
            (api_base.ClientScopedAPIView,),
            {"__module__": __name__, "get": _get, "action_rights": rights},
        )


def test_every_client_route_declares_a_right_for_every_action_it_routes():
    checked = 0
    for route in CLIENT_API_ROUTES:
        view_class = route.callback.cls  # type: ignore[attr-defined]
        assert issubclass(view_class, api_base._ClientScoped), route
        rights = view_class.action_rights
        actions = getattr(route.callback, "actions", None)
        if actions:  # a viewset: method -> action
            # HEAD takes GET's right, as ``required_action`` reads it.
            routed = [
                ("GET" if method == "head" else method.upper(), name)
                for method, name in actions.items()
            ]
        else:
            routed = [
                (method.upper(), method.upper())
                for method in view_class.http_method_names
                if method not in ("head", "options") and hasattr(view_class, method)
            ]
        assert routed, route
        for method, key in routed:
            right = rights.get(key)
            if isinstance(right, Mapping):
                right = right.get(method)
            assert right in Action.values, f"{route} {method} ({key}) has no right"
            checked += 1
    assert checked > 40


def test_an_undeclared_method_is_refused_at_request_time(client_a, client_a_admin):
    # OPTIONS is routed by every DRF view but declared by none: the client's own admin gets 403.
    api = token_client(client_a_admin)
    base = f"/api/v1/clients/{client_a.slug}"
    assert api.get(f"{base}/service-lines/").status_code == 200
    assert api.options(f"{base}/service-lines/").status_code == 403
    assert api.options(f"{base}/").status_code == 403


# --- a plain DRF view -----------------------------------------------------------------------------


class PlainAPIView(APIView):
    def get(self, request):
        return Response({"secret": True})


urlpatterns = [path("plain/", PlainAPIView.as_view())]


@pytest.mark.urls(__name__)
def test_a_plain_drf_view_refuses_a_signed_in_user(client_a):
    user = make_user("client_admin", client_a, email="plain@acme-a.test")
    response = token_client(user).get("/plain/")
    assert response.status_code == 403
    assert "secret" not in response.content.decode()
