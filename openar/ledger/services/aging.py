"""The aging snapshot: every customer's open balance by bucket in the reporting currency."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from openar.core.audit import audit_record
from openar.core.bulk import copy_rows
from openar.core.money import ZERO, cross_rate, format_amount, quantize
from openar.ledger.choices import AgingGroup
from openar.ledger.domain import make_buckets, parse_bucket_bounds
from openar.ledger.models import CustomerAging
from openar.ledger.selectors.aging import aging_lines
from openar.ledger.selectors.customers import customer_aging_rows
from openar.ledger.selectors.rates import latest_rates

_AGING_COLUMNS = (
    "customer_id", "as_of", "currency", "balance", "past_due", "buckets", "days_past_due",
    "open_items", "unconverted", "computed_at",
)  # fmt: skip


def _snapshots_write(snapshots: list[CustomerAging]) -> None:
    """Insert the snapshot rows: COPY on PostgreSQL (100k rows in about a second, where the
    ORM's bulk INSERT spends most of its time building parameters), bulk_create elsewhere."""
    if connection.vendor != "postgresql":
        CustomerAging.objects.bulk_create(snapshots, batch_size=5000)
        return
    copy_rows(
        table=CustomerAging._meta.db_table,
        columns=_AGING_COLUMNS,
        rows=(
            (
                row.customer_id, row.as_of, row.currency, row.balance, row.past_due,
                json.dumps(row.buckets), row.days_past_due, row.open_items,
                json.dumps(row.unconverted), row.computed_at,
            )
            for row in snapshots
        ),
    )  # fmt: skip


@transaction.atomic
def aging_refresh(*, as_of: dt.date, actor: Any) -> int:
    """Recompute every customer's aging snapshot in the reporting currency for ``as_of``.

    Returns the number of customers with an open balance."""
    currency = settings.OPENAR_REPORTING_CURRENCY
    buckets = make_buckets(parse_bucket_bounds(settings.OPENAR_AGING_BUCKETS))
    names = [b.name for b in buckets]
    lines = aging_lines(as_of=as_of, by=AgingGroup.CUSTOMER, buckets=buckets, filters=None)
    rates = latest_rates(as_of)
    facts = customer_aging_rows(as_of=as_of)
    now = timezone.now()

    per_customer: dict[int, dict[str, Any]] = {}
    for (cid, cur), amounts in lines.items():
        entry = per_customer.setdefault(
            cid, {"buckets": dict.fromkeys(names, ZERO), "unconverted": {}}
        )
        rate = cross_rate(cur, currency, rates)
        if rate is None:
            entry["unconverted"][cur] = format_amount(sum(amounts, ZERO), cur)
            continue
        for name, value in zip(names, amounts, strict=True):
            entry["buckets"][name] += quantize(value * rate.rate, currency)

    snapshots = []
    for cid, entry in per_customer.items():
        bucket_values: dict[str, Decimal] = entry["buckets"]
        balance = sum(bucket_values.values(), ZERO)
        fact = facts.get(cid)
        oldest = fact["oldest"] if fact else None
        snapshots.append(
            CustomerAging(
                customer_id=cid,
                as_of=as_of,
                currency=currency,
                balance=balance,
                past_due=balance - bucket_values[names[0]],
                buckets={n: format_amount(v, currency) for n, v in bucket_values.items()},
                days_past_due=max(0, (as_of - oldest).days) if oldest else 0,
                open_items=fact["n"] if fact else 0,
                unconverted=entry["unconverted"],
                computed_at=now,
            )
        )
    CustomerAging.objects.all().delete()
    _snapshots_write(snapshots)
    audit_record(
        actor=actor,
        action="aging.refresh",
        object_type="aging",
        object_id=as_of.isoformat(),
        summary=f"{len(snapshots)} customers with open items as of {as_of}",
    )
    return len(snapshots)
