"""Set-based loading: rows stream into a temporary staging table (COPY on PostgreSQL,
executemany on SQLite), then a few SQL statements count, update and insert. The ORM row by row
cannot load a million documents in a minute; this can, on both databases. The staging table and
the statement helpers are core's (``core.bulk``); what only imports need is here."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from openar.core.bulk import Stage, execute, fetch, is_postgres, scalar

__all__ = [
    "Stage",
    "analyze_if_big",
    "distinct",
    "duplicate_lines",
    "execute",
    "fetch",
    "foreign_keys_checked_once",
    "is_postgres",
    "json_cast",
    "now_param",
    "scalar",
]


def distinct(a: str, b: str) -> str:
    """Null-safe 'differs' test in the current database's SQL."""
    return f"({a} IS DISTINCT FROM {b})" if is_postgres() else f"({a} IS NOT {b})"


def json_cast(expr: str) -> str:
    return f"CAST({expr} AS jsonb)" if is_postgres() else expr


def now_param() -> dt.datetime:
    from django.utils import timezone

    return timezone.now()


def duplicate_lines(stage: Stage, keys: Sequence[str]) -> list[tuple[int, int]]:
    """(line, first line) for every staged row whose key already appeared earlier in the file;
    found in SQL so a file of any size needs no key set in memory."""
    stage.index(*keys)
    on = " AND ".join(f"s2.{k} = s.{k}" for k in keys)
    return [
        (int(line), int(first))
        for line, first in fetch(
            f"SELECT s.line, MIN(s2.line) FROM {stage.name} s JOIN {stage.name} s2 "
            f"ON {on} AND s2.line < s.line GROUP BY s.line"
        )
    ]


def analyze_if_big(table: str, changed_rows: int) -> None:
    """Refresh PostgreSQL's planner statistics after a large load, so the next report does
    not plan for the table as it was (autovacuum would get there, but later)."""
    if is_postgres() and changed_rows >= 10000:
        execute(f"ANALYZE {table}")


# Above this many new rows, PostgreSQL loads without checking foreign keys row by row: each
# checked row queues a trigger event and a lookup (about 40% of a million-row load). The
# constraints are dropped inside the import transaction and re-added, which validates every row
# in one join. PostgreSQL's manual recommends this for bulk loads; the price is an exclusive lock
# on the table until the import commits, acceptable for a bulk load and avoided for daily deltas.
BULK_FK_THRESHOLD = 100_000


@contextmanager
def foreign_keys_checked_once(table: str, new_rows: int) -> Iterator[None]:
    if not is_postgres() or new_rows < BULK_FK_THRESHOLD:
        yield
        return
    constraints = fetch(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid = %s::regclass AND contype = 'f'",
        [table],
    )
    # Checks still pending in this transaction must run before their tables can be altered.
    execute("SET CONSTRAINTS ALL IMMEDIATE")
    for name, _ in constraints:
        execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    yield
    for name, definition in constraints:
        execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
    execute("SET CONSTRAINTS ALL DEFERRED")
