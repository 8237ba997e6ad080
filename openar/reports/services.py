"""Writes of reporting: the daily snapshot of the receivables and its backfill from history."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Min, Sum
from django.utils import timezone

from openar.core.audit import audit_record
from openar.core.bulk import copy_rows, insert_models
from openar.core.errors import ValidationError
from openar.core.money import ZERO, cross_rate, quantize
from openar.ledger.choices import AgingGroup, DocumentType
from openar.ledger.domain import Bucket, make_buckets, parse_bucket_bounds
from openar.ledger.models import Customer, Document, Receipt
from openar.ledger.selectors import customer_aging_rows, latest_rates
from openar.ledger.selectors.aging import aging_lines
from openar.reports.choices import SnapshotSource
from openar.reports.domain import keeps_customer_rows
from openar.reports.models import (
    BUCKET_COLUMNS,
    MAX_BUCKETS,
    CustomerSnapshot,
    PortfolioSnapshot,
    SnapshotDay,
)
from openar.reports.selectors.disputed import disputed_by_customer
from openar.risk.selectors import previous_classes

# Invoices and debit memos are what "amount invoiced" counts (credit memos reduce the balance,
# not the sales of the period).
SALES_TYPES = (DocumentType.INVOICE, DocumentType.DEBIT_MEMO)


def snapshot_buckets() -> list[Bucket]:
    buckets = make_buckets(parse_bucket_bounds(settings.OPENAR_AGING_BUCKETS))
    if len(buckets) > MAX_BUCKETS:
        raise ValidationError(
            f"snapshots keep at most {MAX_BUCKETS} aging buckets; OPENAR_AGING_BUCKETS makes "
            f"{len(buckets)}",
            field="buckets",
        )
    return buckets


@dataclass
class _Row:
    """Figures being summed for one account or one portfolio combination."""

    balance: Decimal = ZERO
    past_due: Decimal = ZERO
    disputed: Decimal = ZERO
    buckets: list[Decimal] = field(default_factory=list)
    open_items: int = 0
    customers: int = 0
    invoiced: Decimal = ZERO
    collected: Decimal = ZERO


def _day_flows(
    as_of: dt.date,
) -> tuple[dict[tuple[int, str], Decimal], dict[tuple[Any, str], Decimal]]:
    """(invoiced per (customer, currency), received per (customer or ("entity", id), currency))
    on ``as_of``."""
    invoiced = {
        (cid, cur): Decimal(total)
        for cid, cur, total in Document.objects.filter(
            document_date=as_of, document_type__in=SALES_TYPES
        )
        .values_list("customer_id", "currency")
        .annotate(total=Sum("amount"))
        .order_by()
    }
    received: dict[tuple[Any, str], Decimal] = {}
    for cid, entity_id, cur, total in (
        Receipt.objects.filter(receipt_date=as_of)
        .values_list("customer_id", "entity_id", "currency")
        .annotate(total=Sum("amount"))
        .order_by()
    ):
        key = cid if cid is not None else ("entity", entity_id)
        received[(key, cur)] = received.get((key, cur), ZERO) + Decimal(total)
    return invoiced, received


def _customer_rows_write(rows: list[CustomerSnapshot]) -> None:
    if connection.vendor != "postgresql":
        CustomerSnapshot.objects.bulk_create(rows, batch_size=5000)
        return
    columns = (
        "as_of", "customer_id", "collector_id", "risk_class", "days_past_due", "open_items",
        "balance", "past_due", "disputed", *BUCKET_COLUMNS,
    )  # fmt: skip
    copy_rows(
        table=CustomerSnapshot._meta.db_table,
        columns=columns,
        rows=(
            (
                r.as_of, r.customer_id, r.collector_id, r.risk_class, r.days_past_due,
                r.open_items, r.balance, r.past_due, r.disputed,
                *(getattr(r, c) for c in BUCKET_COLUMNS),
            )
            for r in rows
        ),
    )  # fmt: skip


def _bucket_values(values: list[Decimal]) -> dict[str, Decimal | None]:
    return {c: (values[i] if i < len(values) else None) for i, c in enumerate(BUCKET_COLUMNS)}


@transaction.atomic
def snapshot_take(
    *,
    as_of: dt.date,
    actor: Any,
    source: str = SnapshotSource.DAILY,
    latest: dt.date | None = None,
) -> SnapshotDay:
    """Store the receivables as they are on ``as_of`` (replacing that day's snapshot): by account,
    and by entity, collector, segment and risk class, in the reporting currency at the day's
    rates. ``latest`` (default ``as_of``) is the newest day kept: the per-account rows of older
    days are pruned to weekly and then month-end ones."""
    currency = settings.OPENAR_REPORTING_CURRENCY
    buckets = snapshot_buckets()
    n = len(buckets)
    lines = aging_lines(as_of=as_of, by=AgingGroup.CUSTOMER, buckets=buckets, filters=None)
    rates = latest_rates(as_of)
    facts = customer_aging_rows(as_of=as_of)
    disputed = disputed_by_customer(as_of)
    invoiced, received = _day_flows(as_of)
    classes = previous_classes(as_of + dt.timedelta(days=1), None)
    dims = {
        cid: (entity_id, collector_id, segment)
        for cid, entity_id, collector_id, segment in Customer.objects.values_list(
            "id", "entity_id", "collector_id", "segment"
        ).iterator(chunk_size=20000)
    }
    factors: dict[str, Decimal | None] = {}

    def convert(amount: Decimal, cur: str) -> Decimal | None:
        if cur not in factors:
            rate = cross_rate(cur, currency, rates)
            factors[cur] = None if rate is None else rate.rate
        factor = factors[cur]
        if factor is None:
            return None
        return quantize(amount if factor == 1 else amount * factor, currency)

    per_customer: dict[int, _Row] = {}
    for (cid, cur), amounts in lines.items():
        row = per_customer.get(cid)
        if row is None:
            row = per_customer[cid] = _Row(buckets=[ZERO] * n)
        for i, amount in enumerate(amounts):
            value = convert(amount, cur)
            if value is not None:
                row.buckets[i] += value
    for (cid, cur), amount in disputed.items():
        value = convert(amount, cur)
        if value is not None and cid in per_customer:
            per_customer[cid].disputed += value

    day_customers = []
    keep_rows = keeps_customer_rows(as_of, latest or as_of)
    combos: dict[tuple[Any, Any, str, str], _Row] = {}

    def combo_of(cid: int) -> _Row:
        entity_id, collector_id, segment = dims[cid]
        key = (entity_id, collector_id, segment or "", classes.get(cid, ""))
        row = combos.get(key)
        if row is None:
            row = combos[key] = _Row(buckets=[ZERO] * n)
        return row

    for cid, row in per_customer.items():
        row.balance = sum(row.buckets, ZERO)
        row.past_due = row.balance - row.buckets[0]
        fact = facts.get(cid)
        row.open_items = fact["n"] if fact else 0
        if not row.balance and not row.open_items:
            continue
        combo = combo_of(cid)
        combo.customers += 1
        combo.open_items += row.open_items
        combo.balance += row.balance
        combo.past_due += row.past_due
        combo.disputed += row.disputed
        for i, value in enumerate(row.buckets):
            combo.buckets[i] += value
        if keep_rows:
            oldest = fact["oldest"] if fact else None
            day_customers.append(
                CustomerSnapshot(
                    as_of=as_of,
                    customer_id=cid,
                    collector_id=dims[cid][1],
                    risk_class=classes.get(cid, ""),
                    days_past_due=max(0, (as_of - oldest).days) if oldest else 0,
                    open_items=row.open_items,
                    balance=row.balance,
                    past_due=row.past_due,
                    disputed=row.disputed,
                    **_bucket_values(row.buckets),
                )
            )
    for (cid, cur), amount in invoiced.items():
        value = convert(amount, cur)
        if value is not None and cid in dims:
            combo_of(cid).invoiced += value
    for (key, cur), amount in received.items():
        value = convert(amount, cur)
        if value is None:
            continue
        if isinstance(key, tuple):  # unidentified cash: its entity only
            row = combos.setdefault((key[1], None, "", ""), _Row(buckets=[ZERO] * n))
            row.collected += value
        elif key in dims:
            combo_of(key).collected += value

    SnapshotDay.objects.filter(as_of=as_of).delete()
    PortfolioSnapshot.objects.filter(as_of=as_of).delete()
    CustomerSnapshot.objects.filter(as_of=as_of).delete()
    day = SnapshotDay.objects.create(
        as_of=as_of,
        currency=currency,
        buckets=[{"name": b.name, "low": b.low, "high": b.high} for b in buckets],
        source=source,
        customers=sum(r.customers for r in combos.values()),
        balance=sum((r.balance for r in combos.values()), ZERO),
        taken_at=timezone.now(),
    )
    insert_models(
        [
            PortfolioSnapshot(
                as_of=as_of,
                entity_id=entity_id,
                collector_id=collector_id,
                segment=segment,
                risk_class=risk_class,
                customers=row.customers,
                open_items=row.open_items,
                balance=row.balance,
                past_due=row.past_due,
                disputed=row.disputed,
                invoiced=row.invoiced,
                collected=row.collected,
                **_bucket_values(row.buckets),
            )
            for (entity_id, collector_id, segment, risk_class), row in combos.items()
        ]
    )
    _customer_rows_write(day_customers)
    if source == SnapshotSource.DAILY:
        customer_rows_prune(latest=latest or as_of)
    audit_record(
        actor=actor,
        action="snapshot.take",
        object_type="snapshot",
        object_id=as_of.isoformat(),
        summary=f"{day.customers} accounts, {len(combos)} portfolio rows ({source})",
    )
    return day


def customer_rows_prune(*, latest: dt.date) -> int:
    """Drop the per-account rows of the days the retention no longer keeps."""
    days = [
        d
        for d in CustomerSnapshot.objects.filter(as_of__lt=latest)
        .values_list("as_of", flat=True)
        .distinct()
        .order_by()
        if not keeps_customer_rows(d, latest)
    ]
    if not days:
        return 0
    deleted, _ = CustomerSnapshot.objects.filter(as_of__in=days).delete()
    return deleted


def first_history_day() -> dt.date | None:
    """The earliest day the ledger knows of (the oldest document date)."""
    return Document.objects.aggregate(d=Min("document_date"))["d"]


def snapshots_backfill(
    *,
    start: dt.date,
    end: dt.date,
    actor: Any,
    progress: Callable[[int, int, dt.date], None] | None = None,
) -> int:
    """Take the missing snapshots from ``start`` to ``end`` from the ledger's history (open
    items rolled back to each day, the risk class of the day's newest score). Returns how many
    days were taken; days already taken are left as they were."""
    if start > end:
        return 0
    have = set(
        SnapshotDay.objects.filter(as_of__gte=start, as_of__lte=end).values_list("as_of", flat=True)
    )
    days = [
        start + dt.timedelta(days=i)
        for i in range((end - start).days + 1)
        if start + dt.timedelta(days=i) not in have
    ]
    for i, day in enumerate(days):
        if progress:
            progress(i, len(days), day)
        snapshot_take(as_of=day, actor=actor, source=SnapshotSource.BACKFILL, latest=end)
    return len(days)


def backfill_start(as_of: dt.date) -> dt.date | None:
    """The first day the history before ``as_of`` is rebuilt from: ``OPENAR_SNAPSHOT_BACKFILL_DAYS``
    back, from the oldest document at most; None when there is nothing before ``as_of``."""
    first = first_history_day()
    if first is None or first >= as_of:
        return None
    return max(first, as_of - dt.timedelta(days=settings.OPENAR_SNAPSHOT_BACKFILL_DAYS))


def snapshots_daily(*, as_of: dt.date, actor: Any) -> int:
    """The daily cycle's step: today's snapshot. On the first run (no snapshot before
    ``as_of``), the history before it is rebuilt by the task worker
    (``reports.tasks.snapshots_backfill_job``), so the cycle is not held up. Returns the days
    taken now."""
    first_run = not SnapshotDay.objects.filter(as_of__lt=as_of).exists()
    snapshot_take(as_of=as_of, actor=actor)
    if first_run and backfill_start(as_of) is not None:

        def _enqueue() -> None:
            from openar.reports.tasks import snapshots_backfill_job

            snapshots_backfill_job.enqueue(as_of.isoformat())

        transaction.on_commit(_enqueue)
    return 1
