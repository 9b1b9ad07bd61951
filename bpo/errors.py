"""One domain error type. Services raise it; the API handler and forms present it."""

from __future__ import annotations


class DomainError(Exception):
    """A request the business rules refuse.

    ``field`` names the input at fault (or ``row`` the import row); ``fields`` may carry
    several messages at once as ``{field: [messages]}``.
    """

    code = "invalid"

    def __init__(
        self,
        message: str,
        *,
        field: str | None = None,
        fields: dict[str, list[str]] | None = None,
        code: str | None = None,
        row: int | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.row = row
        self.fields = dict(fields or {})
        if field and field not in self.fields:
            self.fields[field] = [message]
        if code:
            self.code = code


class NotFoundError(DomainError):
    code = "not_found"


class ConflictError(DomainError):
    code = "conflict"


class PermissionDeniedError(DomainError):
    """The user may see the object but their role does not allow this change (HTTP 403)."""

    code = "permission_denied"
