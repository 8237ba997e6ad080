"""Set-based loading: rows stream into a temporary staging table (COPY on PostgreSQL,
executemany on SQLite), then a few SQL statements count, update and insert. The ORM row by row
cannot load a million documents in a minute; this can, on both databases."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

from django.db import connection

from openar.core.bulk import copy_writer

PG_TYPES = {"int": "bigint", "text": "text", "date": "date", "num": "numeric", "bool": "boolean"}
SQLITE_TYPES = {
    "int": "INTEGER",
    "text": "TEXT",
    "date": "TEXT",
    "num": "NUMERIC",
    "bool": "INTEGER",
}


def is_postgres() -> bool:
    return connection.vendor == "postgresql"


def distinct(a: str, b: str) -> str:
    """Null-safe 'differs' test in the current database's SQL."""
    return f"({a} IS DISTINCT FROM {b})" if is_postgres() else f"({a} IS NOT {b})"


def json_cast(expr: str) -> str:
    return f"CAST({expr} AS jsonb)" if is_postgres() else expr


def now_param() -> dt.datetime:
    from django.utils import timezone

    return timezone.now()


def _register_sqlite_adapters() -> None:
    import sqlite3

    # Dates as ISO text and decimals as text, as Django stores them.
    sqlite3.register_adapter(dt.date, dt.date.isoformat)
    sqlite3.register_adapter(Decimal, str)


_register_sqlite_adapters()


class Stage:
    """A temporary table for one import, dropped when the transaction ends."""

    def __init__(self, name: str, columns: Sequence[tuple[str, str]]) -> None:
        self.name = name
        self.columns = list(columns)
        self.count = 0
        self.indexed: set[tuple[str, ...]] = set()

    def create(self) -> None:
        types = PG_TYPES if is_postgres() else SQLITE_TYPES
        cols = ", ".join(f"{c} {types[t]}" for c, t in self.columns)
        with connection.cursor() as cur:
            cur.execute(f"DROP TABLE IF EXISTS {self.name}")
            if is_postgres():
                cur.execute(f"CREATE TEMP TABLE {self.name} ({cols}) ON COMMIT DROP")
            else:
                cur.execute(f"CREATE TEMP TABLE {self.name} ({cols})")

    def drop(self) -> None:
        with connection.cursor() as cur:
            cur.execute(f"DROP TABLE IF EXISTS {self.name}")

    def index(self, *cols: str) -> None:
        if cols in self.indexed:
            return
        self.indexed.add(cols)
        with connection.cursor() as cur:
            cur.execute(
                f"CREATE INDEX {self.name}_{'_'.join(cols)}_idx ON {self.name} ({', '.join(cols)})"
            )
            if is_postgres():
                cur.execute(f"ANALYZE {self.name}")

    @contextmanager
    def writer(self) -> Iterator[Callable[[Sequence[Any]], None]]:
        names = ", ".join(c for c, _ in self.columns)
        if not self.columns:  # a loader that merges through the ORM stages nothing
            yield lambda row: None
            return
        if is_postgres():
            with copy_writer(
                table=self.name, columns=[c for c, _ in self.columns], queued=True
            ) as copy:

                def write_pg(row: Sequence[Any]) -> None:
                    copy(row)
                    self.count += 1

                yield write_pg
            return
        buffer: list[Sequence[Any]] = []
        marks = ", ".join("?" for _ in self.columns)
        sql = f"INSERT INTO {self.name} ({names}) VALUES ({marks})"
        raw_conn = connection.connection

        def flush() -> None:
            if buffer:
                raw_conn.executemany(sql, buffer)
                buffer.clear()

        def write_sqlite(row: Sequence[Any]) -> None:
            # Decimal, date and bool go through sqlite3 adapters (registered below).
            buffer.append(row)
            self.count += 1
            if len(buffer) >= 5000:
                flush()

        connection.ensure_connection()
        yield write_sqlite
        flush()


def execute(sql: str, params: Sequence[Any] = ()) -> int:
    """Run one statement with Django-style %s placeholders; returns the row count."""
    with connection.cursor() as cur:
        cur.execute(sql, params)
        return cur.rowcount


def scalar(sql: str, params: Sequence[Any] = ()) -> Any:
    with connection.cursor() as cur:
        cur.execute(sql, params)
        row = cur.fetchone()
        return row[0] if row else None


def fetch(sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
    with connection.cursor() as cur:
        cur.execute(sql, params)
        return list(cur.fetchall())


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
