"""One error family for the whole project.

Services raise ``OpenARError`` (or a subclass); the API turns it into
``{"code", "message", "field"}`` with a 4xx status and the UI shows the message next to the field.
"""

from __future__ import annotations


class OpenARError(Exception):
    status = 400
    default_code = "invalid"

    def __init__(self, message: str, code: str | None = None, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.code = code or self.default_code
        self.field = field

    def as_dict(self) -> dict[str, str | None]:
        return {"code": self.code, "message": self.message, "field": self.field}


class ValidationError(OpenARError):
    default_code = "invalid"


class NotFound(OpenARError):
    status = 404
    default_code = "not_found"


class PermissionDenied(OpenARError):
    status = 403
    default_code = "permission_denied"


class Conflict(OpenARError):
    status = 409
    default_code = "conflict"


class UsageError(Exception):
    """Raised by a command handler when its arguments do not make sense together: the ``openar``
    command prints the usage and exits 2. Not an ``OpenARError``: nothing was attempted."""
