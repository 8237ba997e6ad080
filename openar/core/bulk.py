"""Bulk writes on PostgreSQL: COPY plain rows into a table.

For the daily jobs that write 100k rows at a time (aging snapshots, scores, predictions, work
items, staged actions), where Django preparing every value of ``bulk_create`` costs more than the
work itself. Values go out as psycopg adapts them: JSON columns take a ``json.dumps`` string."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection


def copy_rows(*, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """COPY ``rows`` (tuples in ``columns`` order) into ``table``, on the default connection and
    inside its transaction. PostgreSQL only: callers keep their own path for other databases."""
    quote = connection.ops.quote_name
    names = ", ".join(quote(name) for name in columns)
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {quote(table)} ({names}) FROM STDIN") as copy,
    ):
        for row in rows:
            copy.write_row(row)
