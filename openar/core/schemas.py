"""The one error shape every API answer uses."""

from __future__ import annotations

from ninja import Schema


class ErrorOut(Schema):
    """Every 4xx answer: a stable machine code, a message for people, the field at fault."""

    code: str
    message: str
    field: str | None = None


# Declared on each operation so the OpenAPI document shows the error shape.
ERRORS: dict[int, type[Schema]] = {
    400: ErrorOut,
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    409: ErrorOut,
}
