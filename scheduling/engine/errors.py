"""The one error type the pure engine raises for bad input."""


class EngineInputError(ValueError):
    """Input that the engine refuses, naming the field so a form or API can show it there.

    It subclasses ``ValueError`` so plain callers can catch it as one; the Django side maps it
    to a field error (form), a 400 response (API) or a ``CommandError`` (management command).
    """

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message
