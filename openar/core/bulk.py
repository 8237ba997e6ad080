"""Bulk writes on PostgreSQL: COPY plain rows into a table.

For the daily jobs that write 100k rows at a time (aging snapshots, scores, predictions, work
items, staged actions) and the imports' staging tables, where Django preparing every value of
``bulk_create`` costs more than the work itself. Values go out as psycopg adapts them: JSON
columns take a ``json.dumps`` string."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from django.db import connection


@contextmanager
def copy_writer(
    *, table: str, columns: Sequence[str], queued: bool = False
) -> Iterator[Callable[[Sequence[Any]], None]]:
    """Yield a function that COPYs one row (a tuple in ``columns`` order) into ``table``, on the
    default connection and inside its transaction. ``queued`` sends from a background thread, so
    parsing the next rows overlaps with the server storing the previous ones (for file imports).
    PostgreSQL only: callers keep their own path for other databases."""
    quote = connection.ops.quote_name
    names = ", ".join(quote(name) for name in columns)
    with connection.cursor() as cursor:
        raw = cursor.cursor  # the psycopg cursor under Django's wrapper
        writer = None
        if queued:
            from psycopg.copy import QueuedLibpqWriter

            writer = QueuedLibpqWriter(raw)
        with raw.copy(f"COPY {quote(table)} ({names}) FROM STDIN", writer=writer) as copy:
            yield copy.write_row


def copy_rows(*, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """COPY ``rows`` (tuples in ``columns`` order) into ``table``."""
    with copy_writer(table=table, columns=columns) as write:
        for row in rows:
            write(row)
