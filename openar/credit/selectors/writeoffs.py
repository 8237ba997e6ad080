"""Reads for write-offs: the list, the approved items the postings export reads, and the
bad-debt reserve by aging bucket and risk class."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Count, QuerySet

from openar.core.money import ZERO, quantize
from openar.credit.choices import WriteOffStatus
from openar.credit.models import WriteOff, WriteOffItem
from openar.ledger.domain import make_buckets, parse_bucket_bounds
from openar.ledger.models import CustomerAging
from openar.risk.selectors import latest_scores


def write_off_list(
    *,
    status: str | None = None,
    customer: str | None = None,
    queryset: QuerySet[WriteOff] | None = None,
) -> QuerySet[WriteOff]:
    """Write-offs, newest first, by status and customer reference."""
    qs = (queryset if queryset is not None else WriteOff.objects.all()).select_related(
        "customer", "decided_by", "requested_by"
    )
    if status:
        qs = qs.filter(status=status)
    if customer:
        qs = qs.filter(customer__customer_ref__iexact=customer)
    return qs.order_by("-requested_at", "-id")


def write_off_counts() -> dict[str, int]:
    rows = WriteOff.objects.values_list("status").annotate(n=Count("id")).order_by()
    return {status: n for status, n in rows}


def approved_write_off_items() -> QuerySet[WriteOffItem]:
    """Items of approved write-offs in the order approved: the journal lines' source."""
    return (
        WriteOffItem.objects.filter(write_off__status=WriteOffStatus.APPROVED)
        .select_related("write_off__customer", "document__entity")
        .order_by("write_off__decided_at", "write_off_id", "id")
    )


UNSCORED = "-"
DEFAULT_RESERVE = {  # percent reserved by risk class, per aging bucket (youngest first)
    "A": [0.5, 1, 5, 15, 30, 50],
    "B": [1, 2, 10, 20, 40, 60],
    "C": [2, 5, 15, 30, 50, 75],
    "D": [5, 10, 25, 50, 75, 90],
    "E": [10, 20, 40, 60, 90, 100],
    UNSCORED: [2, 5, 15, 30, 50, 75],
}


def reserve_percents(buckets: list[str]) -> dict[str, list[Decimal]]:
    """The percentages by class and bucket (``OPENAR_BAD_DEBT_RESERVE``); a class with fewer
    figures than buckets repeats its last."""
    raw = {**DEFAULT_RESERVE, **getattr(settings, "OPENAR_BAD_DEBT_RESERVE", {})}
    out = {}
    for cls, values in raw.items():
        figures = [Decimal(str(v)) for v in values] or [ZERO]
        out[cls] = [figures[min(i, len(figures) - 1)] for i in range(len(buckets))]
    return out


@dataclass
class ReserveRow:
    risk_class: str
    customers: int
    amounts: list[Decimal]
    reserves: list[Decimal]

    @property
    def total(self) -> Decimal:
        return sum(self.amounts, ZERO)

    @property
    def reserve(self) -> Decimal:
        return sum(self.reserves, ZERO)


@dataclass
class ReserveReport:
    as_of: dt.date | None
    currency: str
    buckets: list[str]
    percents: dict[str, list[Decimal]]
    rows: list[ReserveRow]

    @property
    def totals(self) -> list[Decimal]:
        return [sum((r.amounts[i] for r in self.rows), ZERO) for i in range(len(self.buckets))]

    @property
    def reserve_totals(self) -> list[Decimal]:
        return [sum((r.reserves[i] for r in self.rows), ZERO) for i in range(len(self.buckets))]

    @property
    def total(self) -> Decimal:
        return sum(self.totals, ZERO)

    @property
    def reserve(self) -> Decimal:
        return sum(self.reserve_totals, ZERO)

    def as_rows(self) -> list[dict[str, Any]]:
        """One flat row per class and bucket (CSV, JSON)."""
        out = []
        for row in self.rows:
            for i, bucket in enumerate(self.buckets):
                out.append({
                    # "none": not scored yet ("-" would read as a formula in a spreadsheet).
                    "risk_class": "none" if row.risk_class == UNSCORED else row.risk_class,
                    "bucket": bucket,
                    "open_amount": f"{row.amounts[i]:f}",
                    "percent": f"{self.percents[row.risk_class][i]:f}",
                    "reserve": f"{row.reserves[i]:f}", "currency": self.currency,
                })  # fmt: skip
        return out


def bad_debt_reserve() -> ReserveReport:
    """The reserve on the latest aging snapshot: each class's open amounts by bucket (reporting
    currency) times that class's percentage for the bucket."""
    names = [b.name for b in make_buckets(parse_bucket_bounds(settings.OPENAR_AGING_BUCKETS))]
    currency = settings.OPENAR_REPORTING_CURRENCY
    snapshot = list(CustomerAging.objects.values_list("customer_id", "as_of", "buckets"))
    as_of = max((day for _c, day, _b in snapshot), default=None)
    classes = {cid: s.risk_class for cid, s in latest_scores(as_of=as_of).items()} if as_of else {}
    sums: dict[str, list[Decimal]] = defaultdict(lambda: [ZERO] * len(names))
    counts: dict[str, int] = defaultdict(int)
    for cid, _day, buckets in snapshot:
        cls = classes.get(cid, UNSCORED)
        target = sums[cls]
        for i, name in enumerate(names):
            value = (buckets or {}).get(name)
            if value:
                target[i] += Decimal(str(value))
        counts[cls] += 1
    percents = reserve_percents(names)
    rows = []
    for cls in [*"ABCDE", UNSCORED]:
        if cls not in sums:
            continue
        amounts = sums[cls]
        pct = percents.get(cls, percents[UNSCORED])
        rows.append(
            ReserveRow(
                risk_class=cls,
                customers=counts[cls],
                amounts=amounts,
                reserves=[
                    quantize(a * p / 100, currency) for a, p in zip(amounts, pct, strict=True)
                ],
            )
        )
    return ReserveReport(
        as_of=as_of, currency=currency, buckets=names, percents=percents, rows=rows
    )
