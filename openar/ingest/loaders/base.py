"""What every loader shares: the load context (entities, the batch), counts, the staged-row
base class and the set-based merge most loaders use."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from openar.ingest import domain
from openar.ingest.bulk import (
    Stage,
    analyze_if_big,
    distinct,
    execute,
    json_cast,
    now_param,
    scalar,
)
from openar.ledger.models import Entity

Errors = domain.Errors


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass
class LoadContext:
    source: str  # "openar" | "sap" | "oracle"
    create_entities: bool
    batch_id: int
    actor: Any = None  # who runs the import, for the services it posts through
    entities: dict[str, tuple[int, str]] = field(default_factory=dict)  # code -> (id, currency)
    entities_created: list[str] = field(default_factory=list)
    collectors_created: list[str] = field(default_factory=list)
    documents_converted: int = 0

    def __post_init__(self) -> None:
        for eid, code, currency in Entity.objects.values_list("id", "code", "currency"):
            self.entities[code] = (eid, currency)
        for eid, name in Entity.objects.values_list("id", "name"):
            # ERP exports sometimes carry the entity's name (an Oracle operating unit).
            code = next(c for c, (i, _) in self.entities.items() if i == eid)
            self.entities.setdefault(name, self.entities[code])

    def entity(
        self, row: dict[str, Any], errors: Errors, currency: str | None
    ) -> tuple[int, str] | None:
        code = domain.text(row, "entity", errors, required=True, max_len=20)
        if not code:
            return None
        found = self.entities.get(code)
        if found is not None:
            return found
        if not self.create_entities:
            errors.append(
                (
                    "entity",
                    f"unknown entity {code!r}: add it with `openar entity add {code} "
                    "--name ... --currency ...` or import with --create-entities",
                )
            )
            return None
        if currency is None:
            errors.append(("entity", f"cannot create entity {code!r} without a valid currency"))
            return None
        entity = Entity.objects.create(code=code, name=code, currency=currency)
        self.entities[code] = (entity.id, currency)
        self.entities_created.append(code)
        return self.entities[code]


def attributes_json(row: dict[str, Any], extra_columns: Sequence[str]) -> str:
    if not extra_columns and not row.get("__attributes__"):
        return "{}"
    attrs: dict[str, Any] = dict(row.get("__attributes__") or {})
    for name in extra_columns:
        value = row.get(name)
        if value not in (None, ""):
            attrs[name] = value
    return json.dumps(attrs, sort_keys=True, ensure_ascii=False)


class Loader:
    kind = ""
    stage_columns: list[tuple[str, str]] = []

    def __init__(self, ctx: LoadContext, extra_columns: Sequence[str]) -> None:
        self.ctx = ctx
        self.extra_columns = list(extra_columns)
        self.stage = Stage(f"openar_stage_{self.kind.replace('-', '_')}", self.stage_columns)
        self.late_errors: list[tuple[int, str, str]] = []  # found after staging (line, field, msg)

    def start(self) -> None:
        self.stage.create()

    def check(self, line: int, row: dict[str, Any], errors: Errors) -> Sequence[Any] | None:
        raise NotImplementedError

    def after_staging(self) -> None:
        """Checks that need the whole file (references resolved in SQL); fills late_errors."""

    def drop_lines(self, lines: set[int]) -> None:
        if lines:
            ordered = sorted(lines)
            for i in range(0, len(ordered), 500):
                chunk = ordered[i : i + 500]
                placeholders = ", ".join(["%s"] * len(chunk))
                execute(f"DELETE FROM {self.stage.name} WHERE line IN ({placeholders})", chunk)
            self.stage.count = scalar(f"SELECT COUNT(*) FROM {self.stage.name}")

    def merge(self) -> Counts:
        raise NotImplementedError

    def after_merge(self, *, actor: Any) -> None:
        """What the merged rows call for in other tables, through their owners' services (in
        the import's transaction: a refused or previewed import does none of it)."""


def generic_merge(
    loader: Loader,
    table: str,
    keys: Sequence[str],
    fields: Sequence[str],
    external_ref: str | None,
    *,
    with_updated_at: bool,
) -> Counts:
    s = loader.stage.name
    loader.stage.index(*keys)
    join = " AND ".join(f"t.{k} = s.{k}" for k in keys)

    def val(c: str) -> str:
        return json_cast(f"s.{c}") if c == "attributes" else f"s.{c}"

    differs = " OR ".join(distinct(f"t.{c}", val(c)) for c in fields)
    total = loader.stage.count
    matched = scalar(f"SELECT COUNT(*) FROM {s} s JOIN {table} t ON {join}")
    changed = scalar(f"SELECT COUNT(*) FROM {s} s JOIN {table} t ON {join} WHERE {differs}")
    now = now_param()
    if changed:
        sets = ", ".join(f"{c} = {val(c)}" for c in fields)
        extra, params = ("", [])
        if with_updated_at:
            extra, params = (", updated_at = %s", [now])
        execute(
            f"UPDATE {table} AS t SET {sets}{extra} FROM {s} s WHERE {join} AND ({differs})", params
        )
    cols = [*keys, *fields]
    insert_cols = [*cols, "source", "created_at"]
    select = [*(val(c) for c in cols), "%s", "%s"]
    params2: list[Any] = [loader.ctx.source, now]
    if external_ref:
        insert_cols.append("external_ref")
        select.append(external_ref)
    if with_updated_at:
        insert_cols.append("updated_at")
        select.append("%s")
        params2.append(now)
    execute(
        f"INSERT INTO {table} ({', '.join(insert_cols)}) SELECT {', '.join(select)} FROM {s} s "
        f"WHERE NOT EXISTS (SELECT 1 FROM {table} t WHERE {join})",
        params2,
    )
    analyze_if_big(table, total - matched + changed)
    return Counts(created=total - matched, updated=changed, unchanged=matched - changed)
