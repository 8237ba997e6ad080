"""API list paging: every list endpoint answers ``{"count", "limit", "offset", "items"}`` and
takes ``limit`` (1 to ``MAX_LIMIT``, default ``DEFAULT_LIMIT``) and ``offset`` (0 to ``MAX_OFFSET``)
query parameters; anything else is a 400 naming the parameter.

Use django-ninja's ``@paginate(LimitOffset)`` on an operation declared with
``response={200: list[RowOut], **ERRORS}`` that returns a queryset (or ``Rows(queryset, row)``
when each object is turned into a dict first): only the page is read, plus one count."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django.http import HttpRequest
from ninja import Field, Schema
from ninja.pagination import PaginationBase

MAX_LIMIT = 500
DEFAULT_LIMIT = 50
# Far beyond any list OpenAR holds, and far inside what a database OFFSET (a signed 64-bit
# integer, with the limit added) can take.
MAX_OFFSET = 1_000_000_000


class Rows:
    """A queryset whose page is turned into rows by ``row`` (one call per object on the page)."""

    def __init__(self, queryset: Any, row: Callable[[Any], Any]) -> None:
        self.queryset = queryset
        self.row = row

    def count(self) -> int:
        return int(self.queryset.count())

    def __getitem__(self, page: slice) -> list[Any]:
        return [self.row(obj) for obj in self.queryset[page]]


class LimitOffset(PaginationBase):
    """The envelope and parameters every OpenAR list has always had."""

    class Input(Schema):
        limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)
        offset: int = Field(0, ge=0, le=MAX_OFFSET)

    class Output(Schema):
        count: int
        limit: int
        offset: int
        items: list[Any]

    def paginate_queryset(
        self, queryset: Any, pagination: Input, request: HttpRequest, **params: Any
    ) -> dict[str, Any]:
        offset, limit = pagination.offset, pagination.limit
        count = (
            queryset.count()
            if hasattr(queryset, "count") and not isinstance(queryset, Sequence)
            else len(queryset)
        )
        return {
            "count": count,
            "limit": limit,
            "offset": offset,
            "items": queryset[offset : offset + limit],
        }
