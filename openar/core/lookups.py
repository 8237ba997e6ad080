"""``field__any_of=[...]``: ``IN`` for long lists of ids or codes.

On PostgreSQL the list goes as one array parameter (``field = ANY(%s)``): a thousand values
written as a thousand placeholders cost more to build, quote and parse than the query takes to
run, and every list length is a new query text for the driver to parse again. Elsewhere it is
the ordinary ``IN (...)``. Registered on every field (on a foreign key, for ids) in
``CoreConfig.ready``."""

from __future__ import annotations

from typing import Any

from django.db.models import Field, ForeignObject
from django.db.models.lookups import In


class AnyOf(In):
    lookup_name = "any_of"

    def as_postgresql(self, compiler: Any, connection: Any) -> tuple[str, tuple[Any, ...]]:
        if self.rhs_is_direct_value():
            lhs, lhs_params = self.process_lhs(compiler, connection)
            values = [value for value in self.rhs if value is not None]
            return f"{lhs} = ANY(%s)", (*lhs_params, values)
        return super().as_sql(compiler, connection)


def register() -> None:
    Field.register_lookup(AnyOf)
    ForeignObject.register_lookup(AnyOf)  # foreign keys keep lookups of their own: ids only
