"""The aging report: open items on a date summed by bucket and grouped by customer, collector,
entity or parent group, converted into the reporting currency; and the items behind a row."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import (
    Case,
    DecimalField,
    F,
    IntegerField,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from openar.core.errors import NotFound, ValidationError
from openar.core.money import (
    AMOUNT_DECIMAL_PLACES,
    AMOUNT_MAX_DIGITS,
    ZERO,
    Rate,
    cross_rate,
    quantize,
)
from openar.ledger.choices import AgingGroup
from openar.ledger.domain import (
    Bucket,
    converted_buckets,
    days_past_due,
    make_buckets,
    open_amount_as_of,
    parse_bucket_bounds,
)
from openar.ledger.hierarchy import customer_roots, customer_subtree_ids
from openar.ledger.models import Adjustment, Application, Customer, Document, Entity
from openar.ledger.selectors.rates import latest_rates

UNASSIGNED = "unassigned"


@dataclass(frozen=True)
class AgingFilters:
    entity: str | None = None  # entity code
    collector: str | None = None  # username, or "unassigned"
    segment: str | None = None
    customer_ref: str | None = None
    group_ref: str | None = None  # a customer_ref: that account and everything under it

    def is_empty(self) -> bool:
        return not any(
            (self.entity, self.collector, self.segment, self.customer_ref, self.group_ref)
        )


@dataclass
class AgingRow:
    key: str
    name: str
    total: Decimal
    buckets: dict[str, Decimal]


@dataclass
class UnconvertedLine:
    key: str
    name: str
    currency: str
    total: Decimal
    buckets: dict[str, Decimal]


@dataclass
class AgingReport:
    as_of: dt.date
    currency: str
    by: str
    buckets: list[Bucket]
    rows: list[AgingRow]
    total: Decimal
    totals: dict[str, Decimal]
    unconverted: list[UnconvertedLine] = field(default_factory=list)
    rates: dict[str, Rate] = field(default_factory=dict)

    @property
    def bucket_names(self) -> list[str]:
        return [b.name for b in self.buckets]

    def as_dict(self) -> dict[str, Any]:
        """The stable JSON shape of ``openar report aging --format json`` and the API."""
        cur = self.currency
        exponents = {c: quantize(ZERO, c) for c in {cur, *(u.currency for u in self.unconverted)}}

        def fmt(value: Decimal, currency: str) -> str:
            return f"{value.quantize(exponents[currency], rounding=ROUND_HALF_UP):f}"

        def amounts(values: dict[str, Decimal], currency: str) -> dict[str, str]:
            return {name: fmt(values[name], currency) for name in self.bucket_names}

        return {
            "as_of": self.as_of.isoformat(),
            "currency": cur,
            "buckets": self.bucket_names,
            "rows": [
                {
                    "key": r.key,
                    "name": r.name,
                    "total": fmt(r.total, cur),
                    "buckets": amounts(r.buckets, cur),
                }
                for r in self.rows
            ],
            "totals": {
                "total": fmt(self.total, cur),
                "buckets": amounts(self.totals, cur),
            },
            "unconverted": [
                {
                    "key": u.key,
                    "name": u.name,
                    "currency": u.currency,
                    "total": fmt(u.total, u.currency),
                    "buckets": amounts(u.buckets, u.currency),
                }
                for u in self.unconverted
            ],
        }


def _bucket_case(field_name: str, as_of: dt.date, buckets: list[Bucket]) -> Case:
    whens = []
    for index, bucket in enumerate(buckets[:-1]):
        earliest, _ = bucket.due_date_range(as_of)
        # Buckets are ordered from youngest to oldest, so "due on or after the earliest date of
        # this bucket" is the whole test once younger buckets have been ruled out.
        assert earliest is not None
        whens.append(When(**{f"{field_name}__gte": earliest}, then=Value(index)))
    return Case(*whens, default=Value(len(buckets) - 1), output_field=IntegerField())


def _fetch_rows(qs: QuerySet) -> Iterable[tuple[Any, ...]]:
    """Rows of a values_list queryset. PostgreSQL returns numeric sums as Decimal already, so
    its rows skip Django's per-value converters (a second saved on 100k-customer reports);
    SQLite's REAL sums still need them."""
    if connection.vendor != "postgresql":
        return qs.iterator(chunk_size=10000)
    sql, params = qs.query.sql_with_params()
    with transaction.atomic(), connection.cursor() as cursor:
        # Grouping a million open items sorts or hashes ~50 MB; the default 4 MB spills to disk.
        cursor.execute("SET LOCAL work_mem = '64MB'")
        cursor.execute(sql, params)
        return cursor.fetchall()


def _bucket_q(field_name: str, as_of: dt.date, bucket: Bucket) -> Q:
    earliest, latest = bucket.due_date_range(as_of)
    if bucket.low is None:
        return Q(**{f"{field_name}__gte": as_of})
    q = Q(**{f"{field_name}__lte": latest})
    if earliest is not None:
        q &= Q(**{f"{field_name}__gte": earliest})
    return q


def open_documents_as_of(as_of: dt.date, filters: AgingFilters | None = None) -> QuerySet[Document]:
    """Documents that were open on ``as_of``: issued by then and not cleared by then."""
    qs = Document.objects.filter(document_date__lte=as_of).filter(
        Q(cleared_date__isnull=True) | Q(cleared_date__gt=as_of)
    )
    return _apply_filters(qs, filters, prefix="")


def _apply_filters(qs: QuerySet, filters: AgingFilters | None, prefix: str) -> QuerySet:
    if filters is None:
        return qs
    if filters.entity:
        qs = qs.filter(**{f"{prefix}entity__code": filters.entity})
    if filters.collector:
        if filters.collector == UNASSIGNED:
            qs = qs.filter(**{f"{prefix}customer__collector__isnull": True})
        else:
            qs = qs.filter(**{f"{prefix}customer__collector__username": filters.collector})
    if filters.segment:
        qs = qs.filter(**{f"{prefix}customer__segment": filters.segment})
    if filters.customer_ref:
        qs = qs.filter(**{f"{prefix}customer__customer_ref": filters.customer_ref})
    if filters.group_ref:
        ids = group_member_ids(filters.group_ref)
        qs = qs.filter(**{f"{prefix}customer_id__in": ids})
    return qs


def group_member_ids(customer_ref: str) -> list[int]:
    """The account and every account below it in the hierarchy."""
    try:
        top = Customer.objects.only("id").get(customer_ref=customer_ref)
    except Customer.DoesNotExist:
        raise NotFound(f"no customer {customer_ref!r}", field="group") from None
    return customer_subtree_ids([top.id])


def _amount_field() -> DecimalField:
    return DecimalField(max_digits=AMOUNT_MAX_DIGITS, decimal_places=AMOUNT_DECIMAL_PLACES)


_GROUP_FIELD = {
    AgingGroup.CUSTOMER: "customer_id",
    AgingGroup.GROUP: "customer_id",
    AgingGroup.COLLECTOR: "customer__collector_id",
    AgingGroup.ENTITY: "entity_id",
}


def aging_lines(
    *,
    as_of: dt.date,
    by: str,
    buckets: list[Bucket],
    filters: AgingFilters | None,
    customer_ids: tuple[int, ...] | None = None,
) -> dict[tuple[Any, str], list[Decimal]]:
    """Open amounts as of ``as_of`` summed by (group id, currency) into bucket lists;
    ``customer_ids``: of those accounts only."""
    group_field = _GROUP_FIELD[AgingGroup(by)]
    n = len(buckets)
    lines: dict[tuple[Any, str], list[Decimal]] = defaultdict(lambda: [ZERO] * n)

    base = Case(
        When(cleared_date__isnull=True, then=F("open_amount")),
        default=F("amount"),
        output_field=DecimalField(
            max_digits=AMOUNT_MAX_DIGITS, decimal_places=AMOUNT_DECIMAL_PLACES
        ),
    )
    # One row per (group, currency) with a conditional sum per bucket: a 100k-customer
    # portfolio comes back as ~100k rows rather than one per (customer, currency, bucket).
    sums = {
        f"b{i}": Sum(base, filter=_bucket_q("due_date", as_of, b)) for i, b in enumerate(buckets)
    }
    scoped = open_documents_as_of(as_of, filters)
    if customer_ids is not None:
        scoped = scoped.filter(customer_id__in=customer_ids)
    grouped = scoped.values_list(group_field, "currency").annotate(**sums).order_by()
    for row in _fetch_rows(grouped):
        amounts = row[2:]
        if any(amounts):
            lines[(row[0], row[1])] = [ZERO if a is None else Decimal(a) for a in amounts]

    # Roll back cash applied after as_of (still-open documents) and take off cash applied by
    # as_of on documents cleared later: those rows are few for any recent as_of.
    adjust = Case(
        When(document__cleared_date__isnull=True, then=F("amount")),
        default=-F("amount"),
        output_field=DecimalField(
            max_digits=AMOUNT_MAX_DIGITS, decimal_places=AMOUNT_DECIMAL_PLACES
        ),
    )
    apps = Application.objects.filter(document__document_date__lte=as_of).filter(
        Q(document__cleared_date__isnull=True, applied_date__gt=as_of)
        | Q(document__cleared_date__gt=as_of, applied_date__lte=as_of)
    )
    apps = _apply_filters(apps, filters, prefix="document__")
    if customer_ids is not None:
        apps = apps.filter(document__customer_id__in=customer_ids)
    # Adjustments (amounts written off, credit memos netted) roll back the same way.
    adjustments = Adjustment.objects.filter(document__document_date__lte=as_of).filter(
        Q(document__cleared_date__isnull=True, adjusted_date__gt=as_of)
        | Q(document__cleared_date__gt=as_of, adjusted_date__lte=as_of)
    )
    adjustments = _apply_filters(adjustments, filters, prefix="document__")
    if customer_ids is not None:
        adjustments = adjustments.filter(document__customer_id__in=customer_ids)
    for qs in (apps, adjustments):
        for row in (
            qs.annotate(bucket=_bucket_case("document__due_date", as_of, buckets), adj=adjust)
            .values(f"document__{group_field}", "document__currency", "bucket")
            .annotate(total=Sum("adj"))
            .order_by()
        ):
            if row["total"]:
                key = (row[f"document__{group_field}"], row["document__currency"])
                lines[key][row["bucket"]] += Decimal(row["total"])
    return lines


# Up to this many accounts are named in the query; more read the whole portfolio in one pass.
OPEN_BALANCES_BY_ID = 2000


def open_balances(*, as_of: dt.date, customer_ids: Iterable[int]) -> dict[int, dict[str, Decimal]]:
    """What each account had open on ``as_of``, by document currency (the same roll-back of
    later cash as the aging report): the open-AR part of credit exposure."""
    ids = tuple(sorted(set(customer_ids)))
    out: dict[int, dict[str, Decimal]] = {cid: {} for cid in ids}
    if not ids:
        return out
    buckets = make_buckets(parse_bucket_bounds(settings.OPENAR_AGING_BUCKETS))
    # Many accounts: the whole portfolio in one pass (no IN list of that many ids).
    lines = aging_lines(
        as_of=as_of,
        by=AgingGroup.CUSTOMER,
        buckets=buckets,
        filters=None,
        customer_ids=ids if len(ids) <= OPEN_BALANCES_BY_ID else None,
    )
    for (cid, currency), amounts in lines.items():
        total = sum(amounts, ZERO)
        if total and cid in out:
            out[cid][currency] = total
    return out


def _group_names(by: str, ids: Iterable[Any]) -> dict[Any, tuple[str, str]]:
    ids = set(ids)
    if by in (AgingGroup.CUSTOMER, AgingGroup.GROUP):
        customers = Customer.objects.all()
        if len(ids) <= 1000:  # a long IN list costs more than reading every name
            customers = customers.filter(id__in=ids)
        return {
            cid: (ref, name)
            for cid, ref, name in customers.values_list("id", "customer_ref", "name").iterator(
                chunk_size=10000
            )
        }
    if by == AgingGroup.ENTITY:
        return {
            eid: (code, name)
            for eid, code, name in Entity.objects.filter(id__in=ids).values_list(
                "id", "code", "name"
            )
        }
    names: dict[Any, tuple[str, str]] = {None: (UNASSIGNED, "Unassigned")}
    for uid, username, first, last in (
        get_user_model()
        .objects.filter(id__in=ids - {None})
        .values_list("id", "username", "first_name", "last_name")
    ):
        names[uid] = (username, f"{first} {last}".strip() or username)
    return names


def aging_report(
    *,
    as_of: dt.date,
    by: str = AgingGroup.CUSTOMER,
    bucket_bounds: str | Iterable[int] | None = None,
    currency: str | None = None,
    filters: AgingFilters | None = None,
) -> AgingReport:
    """Aging of open items on ``as_of`` grouped ``by`` customer, collector, entity or parent group,
    converted to the reporting currency at the latest rate on or before ``as_of``.

    Amounts with no usable rate are listed in ``unconverted`` in their own currency, never
    dropped. Every figure converts the exact sum of its documents in each currency and rounds
    once per currency: the totals are the same by every grouping, and a row or a column may
    differ by cents of rounding from the sum of its parts."""
    if by not in AgingGroup.values:
        raise ValidationError(
            f"cannot group aging by {by!r}; use one of {', '.join(AgingGroup.values)}",
            field="by",
        )
    currency = (currency or settings.OPENAR_REPORTING_CURRENCY).upper()
    quantize(ZERO, currency)  # refuses an unknown reporting currency
    bounds = parse_bucket_bounds(
        bucket_bounds if bucket_bounds is not None else settings.OPENAR_AGING_BUCKETS
    )
    buckets = make_buckets(bounds)
    names = [b.name for b in buckets]
    lines = aging_lines(as_of=as_of, by=by, buckets=buckets, filters=filters)

    if by == AgingGroup.GROUP:
        roots = customer_roots()
        regrouped: dict[tuple[Any, str], list[Decimal]] = defaultdict(lambda: [ZERO] * len(names))
        for (cid, cur), amounts in lines.items():
            target = regrouped[(roots.get(cid, cid), cur)]
            for i, value in enumerate(amounts):
                target[i] += value
        lines = regrouped

    rates = latest_rates(as_of)
    used: dict[str, Rate] = {}
    label = _group_names(by, {gid for gid, _ in lines})
    unconverted: list[UnconvertedLine] = []
    currency_rates = {cur: cross_rate(cur, currency, rates) for cur in {c for _, c in lines}}
    # Exact document-currency sums: per group and currency, and per currency over every group.
    # Each figure converts them and rounds once per currency (converted_buckets), so the totals
    # come from the documents, not from the rows, and are the same whatever the grouping.
    by_group: dict[Any, dict[str, list[Decimal]]] = {}
    by_currency: dict[str, list[Decimal]] = {}
    for (gid, cur), amounts in lines.items():
        rate = currency_rates[cur]
        if rate is None:
            key, name = label[gid]
            unconverted.append(
                UnconvertedLine(
                    key=key,
                    name=name,
                    currency=cur,
                    total=sum(amounts, ZERO),
                    buckets=dict(zip(names, amounts, strict=True)),
                )
            )
            continue
        used[cur] = rate
        by_group.setdefault(gid, {})[cur] = amounts
        overall = by_currency.get(cur)
        if overall is None:
            by_currency[cur] = list(amounts)
        else:
            for i, value in enumerate(amounts):
                overall[i] += value
    factors = {cur: rate.rate for cur, rate in used.items()}

    ordered = []
    for gid, sums in by_group.items():
        row_buckets, row_total = converted_buckets(sums, factors, names, currency)
        if row_total or any(row_buckets.values()):
            key, name = label[gid]
            ordered.append(AgingRow(key=key, name=name, total=row_total, buckets=row_buckets))
    ordered.sort(key=lambda r: r.key)
    unconverted.sort(key=lambda u: (u.key, u.currency))
    totals, total = converted_buckets(by_currency, factors, names, currency)
    return AgingReport(
        as_of=as_of,
        currency=currency,
        by=str(by),
        buckets=buckets,
        rows=ordered,
        total=total,
        totals=totals,
        unconverted=unconverted,
        rates=used,
    )


@dataclass
class OpenItem:
    document: Document
    open_amount: Decimal
    days_past_due: int
    bucket: str


def open_items_as_of(
    *,
    as_of: dt.date,
    filters: AgingFilters | None = None,
    bucket: str | None = None,
    bucket_bounds: str | Iterable[int] | None = None,
    limit: int | None = None,
) -> list[OpenItem]:
    """The documents behind an aging row (drill-down), with their open amount on ``as_of``."""
    bounds = parse_bucket_bounds(
        bucket_bounds if bucket_bounds is not None else settings.OPENAR_AGING_BUCKETS
    )
    buckets = make_buckets(bounds)
    qs = open_documents_as_of(as_of, filters).select_related("entity", "customer")
    if bucket:
        matches = [b for b in buckets if b.name == bucket]
        if not matches:
            raise ValidationError(f"no aging bucket {bucket!r}", field="bucket")
        earliest, latest = matches[0].due_date_range(as_of)
        if matches[0].low is None:
            qs = qs.filter(due_date__gte=as_of)
        else:
            if earliest is not None:
                qs = qs.filter(due_date__gte=earliest)
            qs = qs.filter(due_date__lte=latest)
    qs = qs.order_by("due_date", "document_ref")
    if limit:
        qs = qs[:limit]
    docs = list(qs)
    applied = _applied_split([d.id for d in docs], as_of)
    items = []
    for doc in docs:
        through, after = applied.get(doc.id, (ZERO, ZERO))
        amount = open_amount_as_of(
            amount=doc.amount,
            open_amount=doc.open_amount,
            cleared_date=doc.cleared_date,
            applied_through_as_of=through,
            applied_after_as_of=after,
            as_of=as_of,
        )
        if not amount:
            continue
        dpd = days_past_due(doc.due_date, as_of)
        name = next(b.name for b in buckets if b.contains(dpd))
        items.append(OpenItem(document=doc, open_amount=amount, days_past_due=dpd, bucket=name))
    return items


def _applied_split(document_ids: list[int], as_of: dt.date) -> dict[int, tuple[Decimal, Decimal]]:
    if not document_ids:
        return {}
    rows = (
        Application.objects.filter(document_id__in=document_ids)
        .values("document_id")
        .annotate(
            through=Coalesce(Sum("amount", filter=Q(applied_date__lte=as_of)), Decimal(0)),
            after=Coalesce(Sum("amount", filter=Q(applied_date__gt=as_of)), Decimal(0)),
        )
        .order_by()
    )
    out = {r["document_id"]: (Decimal(r["through"]), Decimal(r["after"])) for r in rows}
    for r in (
        Adjustment.objects.filter(document_id__in=document_ids)
        .values("document_id")
        .annotate(
            through=Coalesce(Sum("amount", filter=Q(adjusted_date__lte=as_of)), Decimal(0)),
            after=Coalesce(Sum("amount", filter=Q(adjusted_date__gt=as_of)), Decimal(0)),
        )
        .order_by()
    ):
        through, after = out.get(r["document_id"], (ZERO, ZERO))
        out[r["document_id"]] = (through + Decimal(r["through"]), after + Decimal(r["after"]))
    return out
