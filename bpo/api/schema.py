"""OpenAPI documentation pieces shared by every app's API: the one error format and the
answers most endpoints share (401, 403, 404, 400 with per-field messages)."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse
from rest_framework import serializers

from bpo.accounts.permissions import ROLE_REFUSAL
from bpo.api.errors import error_body


class ErrorDetailSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="A stable word: invalid, not_found, conflict, ...")
    message = serializers.CharField()
    # (a declared field; DRF keeps ``Serializer.fields`` intact)
    fields = serializers.DictField(  # type: ignore[assignment]
        child=serializers.ListField(child=serializers.CharField()),
        help_text="Each input at fault and its messages.",
    )


class ErrorSerializer(serializers.Serializer):
    """``{"error": {"code", "message", "fields"}}``: every failure of the API (documentation)."""

    error = ErrorDetailSerializer()


def error_response(description: str, code: str, message: str, fields: dict | None = None):
    return OpenApiResponse(
        response=ErrorSerializer,
        description=description,
        examples=[OpenApiExample(code, value=error_body(code, message, fields), status_codes=[])],
    )


def invalid_response(fields: dict):
    first = next(iter(fields))
    return error_response(
        "Bad input; `fields` says which and why.", "invalid", f"Invalid input: {first}", fields
    )


def page_of(example: dict) -> dict:
    """A paginated list's body around one example item."""
    return {"count": 1, "next": None, "previous": None, "results": [example]}


NOT_AUTHENTICATED = error_response(
    "No or bad credentials.", "not_authenticated", "Authentication credentials were not provided."
)
NOT_FOUND = error_response(
    "Not found, or not yours to see (another client's objects answer 404, never 403).",
    "not_found",
    "Not found.",
)
FORBIDDEN = error_response(
    "Your role does not allow this.",
    "permission_denied",
    ROLE_REFUSAL,
)

# The path parameter of every endpoint under /api/v1/clients/{client_slug}/.
CLIENT_SLUG = OpenApiParameter(
    "client_slug", OpenApiTypes.STR, OpenApiParameter.PATH, description="The client's slug."
)

# What every signed-in endpoint may answer besides its own results: no or bad credentials, a
# role that does not allow it, and not found (or not yours to see).
REFUSALS = {401: NOT_AUTHENTICATED, 403: FORBIDDEN, 404: NOT_FOUND}
