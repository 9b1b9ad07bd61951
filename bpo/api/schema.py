"""OpenAPI documentation pieces shared by every app's API: the one error format and the
answers most endpoints share (401, 403, 404, 400 with per-field messages)."""

from __future__ import annotations

from drf_spectacular.openapi import AutoSchema
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


NOT_AUTHENTICATED = error_response(
    "No or bad credentials.", "not_authenticated", "Authentication credentials were not provided."
)
NOT_FOUND = error_response(
    "Not found, or not yours to see (another client's objects answer 404, never 403).",
    "not_found",
    "Not found.",
)
FORBIDDEN_DESCRIPTION = "Your role does not allow this."
FORBIDDEN = error_response(
    FORBIDDEN_DESCRIPTION,
    "permission_denied",
    ROLE_REFUSAL,
)

# A list answers 404 for a page past the end, or a `page` that is not a page number.
PAGE_NOT_FOUND = error_response(
    "A page past the end, or a `page` that is not a page number.", "not_found", "Invalid page."
)
CLIENT_PAGE_NOT_FOUND = error_response(
    "Not found, or not yours to see (another client's objects answer 404, never 403); or a "
    "page past the end, or a `page` that is not a page number.",
    "not_found",
    "Not found.",
)

# The path parameter of every endpoint under /api/v1/clients/{client_slug}/.
CLIENT_SLUG = OpenApiParameter(
    "client_slug", OpenApiTypes.STR, OpenApiParameter.PATH, description="The client's slug."
)

# What every signed-in endpoint may answer besides its own results: no or bad credentials, a
# role that does not allow it, and not found (or not yours to see).
REFUSALS = {401: NOT_AUTHENTICATED, 403: FORBIDDEN, 404: NOT_FOUND}


# --- the project's schema class ------------------------------------------------------------------


class ProjectAutoSchema(AutoSchema):
    """``DEFAULT_SCHEMA_CLASS``: the answers every operation of a kind may give are added
    here, so a view's ``extend_schema`` names only what is its own.

    - a client-scoped operation (``bpo.api.base`` client views) takes ``client_slug`` and
      may answer 401, 403 and 404 (``REFUSALS``);
    - a provider operation may answer 401 (unless it is anonymous, ``auth=[]``), 403 when its
      view adds a permission (with that permission's message), and 404 when its path names a
      row;
    - a list that filters answers 400 for a bad filter value (``fields`` names the filter),
      and one that paginates 404 for a page past the end (or a ``page`` that is not a number).

    A view's own answer for a code (``responses={403: ...}``) wins over these.
    """

    def _is_client_scoped(self) -> bool:
        from bpo.api.base import ClientScopedAPIView, ClientScopedViewSet

        return isinstance(self.view, ClientScopedAPIView | ClientScopedViewSet)

    def get_override_parameters(self):
        parameters = super().get_override_parameters()
        if self._is_client_scoped():
            return [CLIENT_SLUG, *parameters]
        return parameters

    def _filters(self) -> list[str]:
        """The query filters of a list (a bad value answers 400); not search or ordering,
        which never refuse."""
        if self.method != "GET":
            return []
        return [
            parameter["name"]
            for parameter in self._get_filter_parameters()
            if parameter.get("in") == "query" and parameter["name"] not in ("search", "ordering")
        ]

    def _paginates(self) -> bool:
        return bool(self._get_pagination_parameters())

    def refusals(self) -> dict:
        """The answers this operation may give besides its own, by status code."""
        answers: dict = {}
        filters = self._filters()
        if filters:
            answers[400] = invalid_response(
                {
                    filters[0]: [
                        "Select a valid choice. That choice is not one of the available choices."
                    ]
                }
            )
        if self._is_client_scoped():
            answers.update(REFUSALS)
            if self._paginates():
                answers[404] = CLIENT_PAGE_NOT_FOUND
            return answers
        if not self.get_auth():
            return answers  # anonymous (the token endpoint's POST)
        answers[401] = NOT_AUTHENTICATED
        added = getattr(self.view, "permission_classes", ())
        if added:
            message = getattr(added[0], "message", None) or ROLE_REFUSAL
            answers[403] = error_response(FORBIDDEN_DESCRIPTION, "permission_denied", message)
        if self._paginates():
            answers[404] = PAGE_NOT_FOUND
        elif "{" in self.path:
            answers[404] = NOT_FOUND
        return answers

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        for code, answer in self.refusals().items():
            if str(code) not in responses:
                responses[str(code)] = self._get_response_for_code(
                    answer, str(code), direction=direction
                )
        return responses
