"""Every API failure answers ``{"error": {"code", "message", "fields"}}``.

``fields`` maps an input name to a list of messages (``non_field_errors`` for the whole body;
an item of a nested list is named by its index, ``tiers.1.phone``);
``code`` is a stable machine-readable word (``invalid``, ``not_authenticated``,
``permission_denied``, ``not_found``, ``throttled``, ``conflict``, ``method_not_allowed``...).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from bpo.errors import ConflictError, DomainError, NotFoundError, PermissionDeniedError


def _flatten(detail) -> dict[str, list[str]]:
    if isinstance(detail, dict):
        fields: dict[str, list[str]] = {}
        for key, value in detail.items():
            if isinstance(value, dict):
                for sub_key, sub_value in _flatten(value).items():
                    fields[f"{key}.{sub_key}"] = sub_value
            elif isinstance(value, list):
                messages: list[str] = []
                for index, item in enumerate(value):
                    if isinstance(item, dict):
                        for sub_key, sub_value in _flatten(item).items():
                            fields[f"{key}.{index}.{sub_key}"] = sub_value
                    else:
                        messages.append(str(item))
                if messages:
                    fields[key] = messages
            else:
                fields[key] = [str(value)]
        return fields
    if isinstance(detail, list):
        return {"non_field_errors": [str(item) for item in detail]}
    return {}


def error_body(code: str, message: str, fields: dict | None = None) -> dict:
    return {"error": {"code": code, "message": message, "fields": fields or {}}}


def exception_handler(exc, context):
    if isinstance(exc, DomainError):
        http_status: int = status.HTTP_400_BAD_REQUEST
        if isinstance(exc, NotFoundError):
            http_status = status.HTTP_404_NOT_FOUND
        elif isinstance(exc, ConflictError):
            http_status = status.HTTP_409_CONFLICT
        elif isinstance(exc, PermissionDeniedError):
            http_status = status.HTTP_403_FORBIDDEN
        return Response(error_body(exc.code, exc.message, exc.fields), status=http_status)
    if isinstance(exc, DjangoValidationError):
        fields = exc.message_dict if hasattr(exc, "error_dict") else {}
        exc = exceptions.ValidationError(fields or exc.messages)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()

    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        fields = _flatten(exc.detail)
        first = next(iter(fields.values()), ["Invalid input."])[0]
        message = (
            first
            if list(fields) == ["non_field_errors"]
            else "Invalid input: " + ", ".join(sorted(fields))
        )
        response.data = error_body("invalid", message, fields)
    else:
        detail = exc.detail if isinstance(exc, exceptions.APIException) else str(exc)
        code = exc.get_codes() if isinstance(exc, exceptions.APIException) else "error"
        if not isinstance(code, str):
            code = "error"
        response.data = error_body(code, str(detail))
    return response


def json_error_response(code: str, message: str, http_status: int) -> JsonResponse:
    """For failures raised before DRF runs (unknown client in the path, server errors)."""
    return JsonResponse(error_body(code, message), status=http_status)
