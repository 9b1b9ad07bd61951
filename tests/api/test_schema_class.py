"""The project's schema class (``bpo.api.schema.ProjectAutoSchema``) documents the answers
every operation of a kind may give, so an endpoint gets them without writing anything: the
client slug and 401/403/404 on each client operation, 401 on each signed-in provider
operation, 400 for a bad filter value and 404 for a page past the end on each list."""

from __future__ import annotations

import pytest
from django.urls import path
from drf_spectacular.generators import SchemaGenerator
from rest_framework import mixins
from rest_framework.response import Response

from bpo.accounts.models import Membership
from bpo.accounts.roles import Action
from bpo.api.base import ClientScopedAPIView, ClientScopedViewSet
from bpo.api.schema import ProjectAutoSchema

CLIENT_PREFIX = "/api/v1/clients/{client_slug}/"
METHODS = {"get", "post", "put", "patch", "delete"}


def _operations(schema: dict):
    for route, item in schema["paths"].items():
        for method, operation in item.items():
            if method in METHODS:
                yield route, method, operation


SCHEMA = SchemaGenerator().get_schema(request=None, public=True)
CLIENT_OPERATIONS = {
    f"{method.upper()} {route}": operation
    for route, method, operation in _operations(SCHEMA)
    if route.startswith(CLIENT_PREFIX)
}
PROVIDER_OPERATIONS = {
    f"{method.upper()} {route}": operation
    for route, method, operation in _operations(SCHEMA)
    if not route.startswith(CLIENT_PREFIX)
}


def _refusals_and_slug(operation: dict) -> tuple[set[str], dict | None]:
    slug = next((p for p in operation.get("parameters", []) if p["name"] == "client_slug"), None)
    return {"401", "403", "404"} - set(operation["responses"]), slug


def test_the_schema_class_is_the_default():
    from django.conf import settings

    assert settings.REST_FRAMEWORK["DEFAULT_SCHEMA_CLASS"] == "bpo.api.schema.ProjectAutoSchema"
    assert len(CLIENT_OPERATIONS) >= 50


@pytest.mark.parametrize("name", sorted(CLIENT_OPERATIONS))
def test_every_client_operation_documents_the_slug_and_the_refusals(name):
    # given an operation of the generated schema under /api/v1/clients/{client_slug}/
    operation = CLIENT_OPERATIONS[name]
    # when its parameters and answers are read
    missing, slug = _refusals_and_slug(operation)
    # then it documents 401, 403 and 404 with the one error body, and the slug
    assert not missing, f"{name}: {sorted(missing)} undocumented"
    for code in ("401", "403", "404"):
        body = operation["responses"][code]["content"]["application/json"]["schema"]
        assert body == {"$ref": "#/components/schemas/Error"}, f"{name} {code}"
    assert slug is not None and slug["in"] == "path" and slug["required"] is True
    assert slug["description"] == "The client's slug."


@pytest.mark.parametrize("name", sorted(PROVIDER_OPERATIONS))
def test_every_signed_in_provider_operation_documents_401(name):
    operation = PROVIDER_OPERATIONS[name]
    anonymous = {} in operation.get("security", [{}]) or not operation.get("security")
    if name == "POST /api/v1/auth/token/":
        assert anonymous
        return
    assert "401" in operation["responses"], name
    if "{" in name:
        assert "404" in operation["responses"], name


def test_the_staff_permission_documents_its_own_refusal():
    responses = PROVIDER_OPERATIONS["GET /api/v1/invitations/"]["responses"]
    example = next(iter(responses["403"]["content"]["application/json"]["examples"].values()))
    assert example["value"]["error"]["message"] == "Only provider admins manage staff invitations."


# --- a new endpoint gets them without writing anything --------------------------------------------


class _ProbeView(ClientScopedAPIView):
    action_rights = {"GET": Action.VIEW_CLIENT}

    def get(self, request, client_slug: str):
        return Response({})


class _ProbeViewSet(mixins.ListModelMixin, ClientScopedViewSet):
    action_rights = {"list": Action.VIEW_MEMBERS}
    model = Membership
    filterset_fields = ["role"]

    def get_serializer_class(self):
        from bpo.accounts.serializers import MembershipSerializer

        return MembershipSerializer


def _probe_schema() -> dict:
    patterns = [
        path("api/v1/clients/<slug:client_slug>/probe/", _ProbeView.as_view()),
        path("api/v1/clients/<slug:client_slug>/probes/", _ProbeViewSet.as_view({"get": "list"})),
    ]
    return SchemaGenerator(patterns=patterns).get_schema(request=None, public=True)


def test_a_new_client_endpoint_gets_the_slug_and_the_refusals_without_writing_anything():
    # given two endpoints that declare nothing for the documentation
    assert isinstance(_ProbeView().schema, ProjectAutoSchema)
    # when the schema is generated
    schema = _probe_schema()
    # then each documents the slug and 401/403/404
    for route in ("/api/v1/clients/{client_slug}/probe/", "/api/v1/clients/{client_slug}/probes/"):
        missing, slug = _refusals_and_slug(schema["paths"][route]["get"])
        assert not missing and slug is not None, route


def test_a_new_list_gets_the_bad_filter_and_page_past_the_end_answers():
    schema = _probe_schema()
    responses = schema["paths"]["/api/v1/clients/{client_slug}/probes/"]["get"]["responses"]
    assert "400" in responses
    assert "page" in responses["404"]["description"].lower()
    single = schema["paths"]["/api/v1/clients/{client_slug}/probe/"]["get"]["responses"]
    assert "400" not in single
