"""Bulk writes: COPY plain rows into a table (PostgreSQL), and staging tables that set-based
services fill and then join in a few SQL statements (both databases).

For the daily jobs that write 100k rows at a time (aging snapshots, scores, predictions, work
items, staged actions) and the imports' staging tables, where Django preparing every value of
``bulk_create`` costs more than the work itself. Values go out as psycopg adapts them: JSON
columns take a ``json.dumps`` string."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.db.models import JSONField


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


def insert_models(
    objs: Sequence[Any], *, ignore_conflicts: bool = False, batch_size: int = 1000
) -> None:
    """``bulk_create`` for many rows of one model (rendered messages, audit events): on
    PostgreSQL the rows go by COPY instead of an INSERT whose every value psycopg quotes in
    Python. Columns are prepared as ``bulk_create`` prepares them (``pre_save`` for
    ``auto_now_add``, ``get_db_prep_save``). Without ``ignore_conflicts`` each object gets its
    primary key, taken from the table's sequence in the order given, as ``bulk_create`` sets
    them; with it, rows a unique constraint already holds are skipped and no key is set."""
    if not objs:
        return
    model = type(objs[0])
    if not is_postgres():
        model.objects.bulk_create(objs, batch_size=batch_size, ignore_conflicts=ignore_conflicts)
        return
    pk = model._meta.pk
    fields = [f for f in model._meta.concrete_fields if f is not pk]
    table = model._meta.db_table
    if not ignore_conflicts:
        for obj, key in zip(objs, _next_keys(table, pk.column, len(objs)), strict=True):
            setattr(obj, pk.attname, key)
        fields = [pk, *fields]
    columns = [f.column for f in fields]
    rows = ([f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields] for obj in objs)
    if not ignore_conflicts:
        copy_rows(table=table, columns=columns, rows=rows)
        for obj in objs:
            obj._state.adding = False
            obj._state.db = connection.alias
        return
    _copy_skipping_conflicts(table=table, columns=columns, rows=rows)


def insert_rows(
    model: type[Any],
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    ignore_conflicts: bool = False,
    batch_size: int = 1000,
) -> list[int]:
    """Insert plain rows of ``model`` (values in ``columns`` order, fields by attname), every
    other column taking its field's default (``auto_now_add``: now), without a model instance
    per row: a daily job writing tens of thousands of rows spends more on building and preparing
    instances than on the insert. COPY on PostgreSQL, ``bulk_create`` elsewhere. Returns the new
    primary keys in the order of ``rows``; with ``ignore_conflicts`` rows a unique constraint
    already holds are skipped and no keys come back."""
    if not rows:
        return []
    if not is_postgres():
        objs = [model(**dict(zip(columns, row, strict=True))) for row in rows]
        model.objects.bulk_create(objs, batch_size=batch_size, ignore_conflicts=ignore_conflicts)
        return [] if ignore_conflicts else [obj.pk for obj in objs]
    keys: list[int] = []
    if not ignore_conflicts:
        pk = model._meta.pk
        keys = _next_keys(model._meta.db_table, pk.column, len(rows))
        columns = [pk.attname, *columns]
        rows = [(key, *row) for key, row in zip(keys, rows, strict=True)]
    by_attname = {f.attname: f for f in model._meta.concrete_fields}
    fields = [by_attname[name] for name in columns]
    blank = model()
    rest = [
        f for f in model._meta.concrete_fields if f.attname not in columns and not f.primary_key
    ]
    constants = tuple(f.get_db_prep_save(f.pre_save(blank, True), connection) for f in rest)
    json_at = [i for i, f in enumerate(fields) if isinstance(f, JSONField)]

    def prepared() -> Iterator[Sequence[Any]]:
        # JSON columns go out as a json.dumps string (copy_rows); the rest as psycopg adapts them.
        for row in rows:
            if json_at:
                row = list(row)
                for i in json_at:
                    row[i] = None if row[i] is None else json.dumps(row[i])
            yield (*row, *constants)

    names = [f.column for f in (*fields, *rest)]
    table = model._meta.db_table
    if not ignore_conflicts:
        copy_rows(table=table, columns=names, rows=prepared())
        return keys
    _copy_skipping_conflicts(table=table, columns=names, rows=prepared())
    return []


def _next_keys(table: str, column: str, count: int) -> list[int]:
    """``count`` keys from the table's sequence, in increasing order (as inserts would take)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [table, column, count],
        )
        return sorted(key for (key,) in cursor.fetchall())


def _copy_skipping_conflicts(
    *, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]
) -> None:
    # Straight into the table when no row conflicts (the usual case: callers leave out what is
    # there already); when one does, the batch goes again through a temporary table, so rows a
    # unique constraint already holds are skipped.
    from psycopg.errors import UniqueViolation

    rows = list(rows)
    try:
        with transaction.atomic():
            copy_rows(table=table, columns=columns, rows=rows)
        return
    except UniqueViolation:
        pass
    quote = connection.ops.quote_name
    stage = f"{table}_insert_stage"
    names = ", ".join(quote(c) for c in columns)
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {stage}")
        cursor.execute(
            f"CREATE TEMP TABLE {stage} AS SELECT {names} FROM {quote(table)} WITH NO DATA"
        )
        copy_rows(table=stage, columns=columns, rows=rows)
        cursor.execute(
            f"INSERT INTO {quote(table)} ({names}) SELECT {names} FROM {stage} "
            "ON CONFLICT DO NOTHING"
        )
        cursor.execute(f"DROP TABLE {stage}")


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


def fetch_values(qs: Any) -> list[tuple[Any, ...]]:
    """The rows of a ``values_list`` queryset. On PostgreSQL straight from the driver: its dates
    and decimals are Python objects already, and Django's row-by-row iteration costs seconds
    over the 100k rows of a daily step; elsewhere Django's converters are needed."""
    if not is_postgres():
        return list(qs)
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


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
