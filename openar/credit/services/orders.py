"""The ERP's open orders and uninvoiced shipments, imported for exposure: ``openar import
open-orders FILE`` / ``openar import shipments FILE`` (CSV or XLSX, the columns of
``ORDER_COLUMNS``). Each file is the ERP's whole list for the entities it names: an order it no
longer lists was invoiced or cancelled and leaves exposure. The file is read with ingest's
readers and checks; it loads whole or not at all (``partial``: the good rows, every bad one
returned with its line and field)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from openar.core.audit import audit_record
from openar.core.money import quantize
from openar.credit.choices import OrderKind
from openar.credit.models import OpenOrder
from openar.ingest import domain as rows_check
from openar.ingest.readers import FileProblem, open_rows
from openar.ingest.services import ImportResult, RowError
from openar.ledger.models import Customer, Entity

ORDER_COLUMNS = ("entity", "customer_ref", "order_ref", "order_date", "currency", "amount")
REQUIRED = ("customer_ref", "order_ref", "currency", "amount")
KINDS = {"open-orders": OrderKind.ORDER, "shipments": OrderKind.SHIPMENT}


@dataclass
class OrderImport(ImportResult):
    """An import's summary, with the orders the file no longer lists (``closed``)."""

    closed: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {**super().as_dict(), "closed": self.closed}


def _parse(
    source: Iterable[tuple[int, dict[str, str]]],
    *,
    entities: dict[str, Entity],
    customers: dict[str, int],
    default_entity: str | None,
) -> tuple[list[tuple[int, dict[str, Any]]], list[RowError], int]:
    good: list[tuple[int, dict[str, Any]]] = []
    errors: list[RowError] = []
    seen: dict[tuple[str, str], int] = {}
    count = 0
    for line, row in source:
        count += 1
        problems: rows_check.Errors = []
        if row.get("__extra__"):
            problems.append(("row", "has more values than the header has columns"))
        code = rows_check.text(row, "entity", problems, max_len=20) or (default_entity or "")
        entity = entities.get(code)
        if not code:
            problems.append(("entity", "is required (or give --entity)"))
        elif entity is None:
            problems.append(("entity", f"unknown entity {code!r}"))
        ref = rows_check.text(row, "customer_ref", problems, required=True, max_len=40)
        if ref and ref not in customers:
            problems.append(("customer_ref", f"unknown customer {ref!r}"))
        order_ref = rows_check.text(row, "order_ref", problems, required=True, max_len=60)
        order_date = rows_check.date_value(row, "order_date", problems, required=False)
        currency = rows_check.currency_value(row, "currency", problems)
        amount = rows_check.amount_value(row, "amount", currency, problems)
        if amount is not None and amount < 0:
            problems.append(("amount", "must not be negative"))
        if order_ref and code:
            first = seen.setdefault((code, order_ref), line)
            if first != line:
                problems.append(("order_ref", f"{order_ref!r} is already on line {first}"))
        if problems:
            errors.extend(RowError(line, name, message) for name, message in problems)
            continue
        assert entity is not None and currency is not None and amount is not None
        good.append(
            (
                line,
                {
                    "entity_id": entity.pk,
                    "customer_id": customers[ref],
                    "order_ref": order_ref,
                    "order_date": order_date,
                    "currency": currency,
                    "amount": quantize(Decimal(amount), currency),
                },
            )
        )
    return good, errors, count


def orders_import(
    *,
    path: str | Path,
    kind: str,
    actor: Any,
    partial: bool = False,
    dry_run: bool = False,
    entity: str | None = None,
) -> OrderImport:
    """Load a file of open orders (``kind="open-orders"``) or uninvoiced shipments
    (``"shipments"``) in place of what its entities had."""
    order_kind = KINDS[kind]
    result = OrderImport(file=str(path), kind=kind, format="openar", dry_run=dry_run)
    try:
        source = open_rows(Path(path))
        missing = [c for c in REQUIRED if c not in source.header]
        if "entity" not in source.header and not entity:
            missing.insert(0, "entity")
        if missing:
            raise FileProblem(
                f"missing column(s) {', '.join(missing)}: the layout is {','.join(ORDER_COLUMNS)}",
                line=1,
                field=missing[0],
            )
        entities = {e.code: e for e in Entity.objects.all()}
        refs: dict[str, int] = {}
        rows = list(source.rows)
        wanted = {(r.get("customer_ref") or "").strip() for _, r in rows}
        for chunk_start in range(0, len(wanted), 2000):
            chunk = sorted(wanted)[chunk_start : chunk_start + 2000]
            refs.update(
                Customer.objects.filter(customer_ref__in=chunk).values_list("customer_ref", "id")
            )
        good, errors, count = _parse(rows, entities=entities, customers=refs, default_entity=entity)
    except FileProblem as exc:
        result.errors = [RowError(exc.line, exc.field or "file", exc.message)]
        result.status = "rejected"
        return result
    result.rows = count
    result.errors = errors
    result.rejected = len({e.line for e in errors})
    if errors and not partial:
        result.status = "rejected"
        return result
    entity_ids = {values["entity_id"] for _, values in good}
    if entity and entity in entities:
        entity_ids.add(entities[entity].pk)
    with transaction.atomic():
        existing = {
            (o.entity_id, o.order_ref): o
            for o in OpenOrder.objects.select_for_update().filter(
                kind=order_kind, entity_id__in=entity_ids
            )
        }
        now = timezone.now()
        create: list[OpenOrder] = []
        update: list[OpenOrder] = []
        listed = set()
        for _line, values in good:
            key = (values["entity_id"], values["order_ref"])
            listed.add(key)
            row = existing.get(key)
            if row is None:
                create.append(OpenOrder(kind=order_kind, loaded_at=now, **values))
                continue
            changed = any(getattr(row, k) != v for k, v in values.items())
            if changed:
                for k, v in values.items():
                    setattr(row, k, v)
                row.loaded_at = now
                update.append(row)
            else:
                result.unchanged += 1
        gone = [o.pk for key, o in existing.items() if key not in listed]
        result.created, result.updated, result.closed = len(create), len(update), len(gone)
        if dry_run:
            result.status = "previewed"
            transaction.set_rollback(True)
            return result
        OpenOrder.objects.bulk_create(create, batch_size=2000)
        OpenOrder.objects.bulk_update(
            update,
            ["customer_id", "order_date", "currency", "amount", "loaded_at"],
            batch_size=2000,
        )
        OpenOrder.objects.filter(pk__in=gone).delete()
        audit_record(
            actor=actor,
            action=f"credit.import_{order_kind}s",
            object_type="open_orders",
            summary=f"{kind} from {Path(path).name}: {result.created} new, {result.updated} "
            f"changed, {result.unchanged} unchanged, {result.closed} no longer listed, "
            f"{result.rejected} rejected",
            after={
                "file": Path(path).name,
                "created": result.created,
                "updated": result.updated,
                "closed": result.closed,
                "rejected": result.rejected,
            },
        )
    result.status = "partial" if errors else "loaded"
    return result
