"""The KPIs of docs/reports.md for one as-of date, one period and a scope (entity, collector,
segment), with the inputs that make them.

Balances on a day come from that day's snapshot when it was taken (exactly as they were), else
from the ledger rolled back to the day; both are in the reporting currency at that day's rates.
Flows over the period (invoiced, collected, promised, written off) are summed by currency and
converted at the as-of date's rates, so DSO's two terms share one rate."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Count, F, Q, QuerySet, Sum

from openar.activity.choices import ContactChannel, PromiseStatus
from openar.activity.models import ContactLog, PromiseToPay
from openar.core.money import ZERO, Rate, cross_rate, format_amount, quantize
from openar.credit.models import CreditHold
from openar.disputes.choices import Outcome
from openar.disputes.models import DisputeCase
from openar.ledger.choices import AgingGroup
from openar.ledger.models import Application, Customer, Document, Receipt
from openar.ledger.selectors import UNASSIGNED, AgingFilters, latest_rates
from openar.ledger.selectors.aging import aging_lines
from openar.reports import domain
from openar.reports.models import BUCKET_COLUMNS, PortfolioSnapshot, SnapshotDay
from openar.reports.selectors.disputed import disputed_by_customer
from openar.worklist.models import DEFAULT_DAILY_TARGET
from openar.worklist.selectors import daily_targets

SALES_TYPES = ("invoice", "debit_memo")
OVER_DAYS = 90  # "over 90 days past due"


@dataclass(frozen=True)
class Scope:
    """Which accounts a report covers; empty fields cover everything."""

    entity: str | None = None  # entity code
    collector: str | None = None  # username, or "unassigned"
    segment: str | None = None

    def is_empty(self) -> bool:
        return not (self.entity or self.collector or self.segment)

    def customer_filter(self, prefix: str = "") -> Q:
        q = Q()
        if self.entity:
            q &= Q(**{f"{prefix}entity__code": self.entity})
        if self.collector == UNASSIGNED:
            q &= Q(**{f"{prefix}collector__isnull": True})
        elif self.collector:
            q &= Q(**{f"{prefix}collector__username": self.collector})
        if self.segment:
            q &= Q(**{f"{prefix}segment": self.segment})
        return q

    def as_dict(self) -> dict[str, str | None]:
        return {"entity": self.entity, "collector": self.collector, "segment": self.segment}


@dataclass
class Balances:
    """Receivables on one day in the reporting currency."""

    day: dt.date
    source: str  # "snapshot" or "ledger"
    total: Decimal = ZERO
    current: Decimal = ZERO
    past_due: Decimal = ZERO
    over_90: Decimal = ZERO
    disputed: Decimal = ZERO
    buckets: dict[str, Decimal] = field(default_factory=dict)
    unconverted: dict[str, Decimal] = field(default_factory=dict)


def snapshot_scope(qs: QuerySet[PortfolioSnapshot], scope: Scope) -> QuerySet[PortfolioSnapshot]:
    if scope.entity:
        qs = qs.filter(entity__code=scope.entity)
    if scope.collector == UNASSIGNED:
        qs = qs.filter(collector__isnull=True)
    elif scope.collector:
        qs = qs.filter(collector__username=scope.collector)
    if scope.segment:
        qs = qs.filter(segment=scope.segment)
    return qs


def balances_on(day: dt.date, scope: Scope) -> Balances:
    """The receivables of ``scope`` on ``day``: from its snapshot if one was taken, else from
    the ledger as of that day."""
    snap = SnapshotDay.objects.filter(as_of=day).first()
    if snap is not None:
        sums = snapshot_scope(PortfolioSnapshot.objects.filter(as_of=day), scope).aggregate(
            total=Sum("balance"),
            past_due=Sum("past_due"),
            disputed=Sum("disputed"),
            **{c: Sum(c) for c in BUCKET_COLUMNS[: len(snap.buckets)]},
        )
        out = Balances(day=day, source="snapshot")
        out.total = Decimal(sums["total"] or 0)
        out.past_due = Decimal(sums["past_due"] or 0)
        out.current = out.total - out.past_due
        out.disputed = Decimal(sums["disputed"] or 0)
        for column, bucket in zip(BUCKET_COLUMNS, snap.buckets, strict=False):
            value = Decimal(sums[column] or 0)
            out.buckets[bucket["name"]] = value
            if bucket["low"] is not None and bucket["low"] > OVER_DAYS:
                out.over_90 += value
        return out
    return _ledger_balances(day, scope)


def _ledger_balances(day: dt.date, scope: Scope) -> Balances:
    from openar.reports.services import snapshot_buckets

    currency = settings.OPENAR_REPORTING_CURRENCY
    buckets = snapshot_buckets()
    filters = AgingFilters(entity=scope.entity, collector=scope.collector, segment=scope.segment)
    lines = aging_lines(as_of=day, by=AgingGroup.ENTITY, buckets=buckets, filters=filters)
    rates = latest_rates(day)
    out = Balances(day=day, source="ledger", buckets={b.name: ZERO for b in buckets})
    per_currency: dict[str, list[Decimal]] = {}
    for (_, cur), amounts in lines.items():
        target = per_currency.setdefault(cur, [ZERO] * len(buckets))
        for i, value in enumerate(amounts):
            target[i] += value
    for cur, amounts in per_currency.items():
        rate = cross_rate(cur, currency, rates)
        if rate is None:
            out.unconverted[cur] = sum(amounts, ZERO)
            continue
        for bucket, value in zip(buckets, amounts, strict=True):
            out.buckets[bucket.name] += quantize(value * rate.rate, currency)
    for bucket in buckets:
        value = out.buckets[bucket.name]
        out.total += value
        if bucket.low is None:
            out.current += value
        elif bucket.low > OVER_DAYS:
            out.over_90 += value
    out.past_due = out.total - out.current
    customer_ids = _scope_customer_ids(scope)
    for (cid, cur), amount in disputed_by_customer(day).items():
        if customer_ids is not None and cid not in customer_ids:
            continue
        rate = cross_rate(cur, currency, rates)
        if rate is not None:
            out.disputed += quantize(amount * rate.rate, currency)
    return out


def _scope_customer_ids(scope: Scope) -> set[int] | None:
    if scope.is_empty():
        return None
    return set(Customer.objects.filter(scope.customer_filter()).values_list("id", flat=True))


class Converter:
    """Sums by currency into the reporting currency at one day's rates; remembers the rates
    used and what had none."""

    def __init__(self, day: dt.date) -> None:
        self.currency = settings.OPENAR_REPORTING_CURRENCY
        self.rates_book = latest_rates(day)
        self.used: dict[str, Rate] = {}
        self.unconverted: dict[str, Decimal] = defaultdict(lambda: ZERO)

    def total(self, amounts: Iterable[tuple[str, Any]]) -> Decimal:
        total = quantize(ZERO, self.currency)
        for cur, amount in amounts:
            if not amount:
                continue
            rate = cross_rate(cur, self.currency, self.rates_book)
            if rate is None:
                self.unconverted[cur] += Decimal(amount)
                continue
            if cur != self.currency:
                self.used[cur] = rate
            total += quantize(Decimal(amount) * rate.rate, self.currency)
        return total


def _by_currency(qs: QuerySet[Any], currency_field: str, amount: Any) -> list[tuple[str, Any]]:
    return list(
        qs.values_list(currency_field)
        .annotate(total=Sum(amount))
        .order_by()
        .values_list(currency_field, "total")
    )


def weekdays_between(start: dt.date, end: dt.date) -> int:
    """Monday-to-Friday days from ``start`` to ``end`` inclusive."""
    days = 0
    day = start
    while day <= end:
        if day.weekday() < 5:
            days += 1
        day += dt.timedelta(days=1)
    return days


def kpis(*, as_of: dt.date, period_days: int = 90, scope: Scope | None = None) -> dict[str, Any]:
    """Every KPI of docs/reports.md on ``as_of`` over the ``period_days`` ending that day:
    amounts as decimal strings in the reporting currency, fractions from 0 to 1, days to one
    decimal; ``None`` where a figure has no meaning (no sales, nothing resolved)."""
    scope = scope or Scope()
    start = as_of - dt.timedelta(days=period_days)  # the period is (start, as_of]
    conv = Converter(as_of)
    currency = conv.currency
    in_scope = scope.customer_filter("customer__")

    end = balances_on(as_of, scope)
    begin = balances_on(start, scope)

    docs = Document.objects.filter(document_type__in=SALES_TYPES).filter(in_scope)
    periods = domain.countback_periods(as_of)
    daily_sales = defaultdict(list)
    for day, cur, total in (
        docs.filter(document_date__gt=periods[-1][0], document_date__lte=as_of)
        .values_list("document_date", "currency")
        .annotate(total=Sum("amount"))
        .order_by()
    ):
        daily_sales[day].append((cur, total))
    sales_rows = [row for day, rows in daily_sales.items() if start < day <= as_of for row in rows]
    sales = conv.total(_merge(sales_rows).items())
    monthly = []
    for p_start, p_end in periods:
        rows = [row for day, rows in daily_sales.items() if p_start < day <= p_end for row in rows]
        monthly.append(((p_end - p_start).days, conv.total(_merge(rows).items())))

    dso_simple = domain.dso_simple(end.total, sales, period_days)
    best = domain.dso_simple(end.current, sales, period_days)
    add = dso_simple - best if dso_simple is not None and best is not None else None
    dso_countback = domain.dso_countback(end.total, monthly)
    cei = domain.cei(begin=begin.total, sales=sales, end_total=end.total, end_current=end.current)

    promises = PromiseToPay.objects.filter(in_scope, resolved_on__gt=start, resolved_on__lte=as_of)
    counts = promises.aggregate(
        kept=Count("id", filter=Q(status=PromiseStatus.KEPT)),
        broken=Count("id", filter=Q(status=PromiseStatus.BROKEN)),
    )
    broken_amount = conv.total(
        _by_currency(
            promises.filter(status=PromiseStatus.BROKEN),
            "currency",
            F("amount") - F("received_amount"),
        )
    )
    resolved = counts["kept"] + counts["broken"]

    cases = DisputeCase.objects.filter(in_scope)
    closed = [
        (opened, resolved)
        for opened, resolved in cases.filter(
            resolved_on__gt=start, resolved_on__lte=as_of
        ).values_list("opened_on", "resolved_on")
        if resolved is not None
    ]
    cycle = Decimal(sum((r - o).days for o, r in closed)) / len(closed) if closed else None
    open_cases = (
        cases.filter(opened_on__lte=as_of)
        .filter(Q(closed_on__isnull=True) | Q(closed_on__gt=as_of))
        .count()
    )
    written_off = conv.total(
        _by_currency(
            cases.filter(outcome=Outcome.WRITE_OFF, resolved_on__gt=start, resolved_on__lte=as_of),
            "currency",
            "credit_amount",
        )
    )

    receipts = Receipt.objects.filter(receipt_date__lte=as_of)
    applications = Application.objects.filter(
        applied_date__lte=as_of, receipt__receipt_date__lte=as_of
    )
    if not scope.is_empty():
        receipts = receipts.filter(in_scope)
        applications = applications.filter(scope.customer_filter("receipt__customer__"))
    collected = conv.total(
        _by_currency(receipts.filter(receipt_date__gt=start), "currency", "amount")
    )
    received_total = _merge(_by_currency(receipts, "currency", "amount"))
    applied_total = _merge(
        _by_currency(applications, "receipt__currency", _applied_receipt_amount())
    )
    unapplied = conv.total(
        (cur, amount - applied_total.get(cur, ZERO)) for cur, amount in received_total.items()
    )
    target = begin.total + sales - end.current

    holds = (
        CreditHold.objects.filter(in_scope, placed_at__date__lte=as_of)
        .filter(Q(released_at__isnull=True) | Q(released_at__date__gt=as_of))
        .values("customer_id")
        .distinct()
        .count()
    )

    collector_ids = _collector_ids(scope)
    calls = ContactLog.objects.filter(
        channel=ContactChannel.CALL,
        user_id__in=collector_ids,
        contacted_at__date__gt=start,
        contacted_at__date__lte=as_of,
    ).count()
    workdays = weekdays_between(start + dt.timedelta(days=1), as_of)
    targets = daily_targets(collector_ids)
    target_per_day = (
        Decimal(sum(targets.get(uid, DEFAULT_DAILY_TARGET) for uid in collector_ids))
        / len(collector_ids)
        if collector_ids
        else None
    )
    per_day = (
        Decimal(calls) / (len(collector_ids) * workdays) if collector_ids and workdays else None
    )

    def money(value: Decimal) -> str:
        return format_amount(value, currency)

    def frac(value: Decimal | None) -> float | None:
        return domain.rounded(value, 4)

    def days(value: Decimal | None) -> float | None:
        return domain.rounded(value, 1)

    return {
        "as_of": as_of.isoformat(),
        "period_days": period_days,
        "period_start": (start + dt.timedelta(days=1)).isoformat(),
        "currency": currency,
        "filters": scope.as_dict(),
        "dso_countback": days(dso_countback),
        "dso_simple": days(dso_simple),
        "best_possible_dso": days(best),
        "add": days(add),
        "cei": frac(cei),
        "pct_current": frac(domain.fraction(end.current, end.total)),
        "pct_past_due": frac(domain.fraction(end.past_due, end.total)),
        "pct_over_90": frac(domain.fraction(end.over_90, end.total)),
        "promise_kept_rate": frac(Decimal(counts["kept"]) / resolved if resolved else None),
        "promises_kept": counts["kept"],
        "promises_broken": counts["broken"],
        "broken_promise_amount": money(broken_amount),
        "dispute_cycle_days": days(cycle),
        "disputes_resolved": len(closed),
        "disputes_open": open_cases,
        "disputed_amount": money(end.disputed),
        "cash_collected": money(collected),
        "collections_target": money(target),
        "collections_vs_target": frac(domain.fraction(collected, target)),
        "unapplied_cash": money(unapplied),
        "bad_debt_written_off": money(written_off),
        "accounts_on_hold": holds,
        "collectors": len(collector_ids),
        "calls": calls,
        "calls_per_collector_day": days(per_day),
        "calls_target_per_day": days(target_per_day),
        "calls_vs_target": frac(
            per_day / target_per_day if per_day is not None and target_per_day else None
        ),
        "inputs": {
            "receivables": money(end.total),
            "receivables_current": money(end.current),
            "receivables_past_due": money(end.past_due),
            "receivables_over_90": money(end.over_90),
            "receivables_source": end.source,
            "receivables_begin": money(begin.total),
            "receivables_begin_date": start.isoformat(),
            "receivables_begin_source": begin.source,
            "buckets": {name: money(v) for name, v in end.buckets.items()},
            "sales": money(sales),
            "countback_months": [{"days": d, "sales": money(s)} for d, s in monthly[:12]],
            "weekdays": workdays,
            "rates": {
                cur: {"rate": f"{rate.rate:f}", "date": rate.date.isoformat()}
                for cur, rate in sorted(conv.used.items())
            },
            "unconverted": {
                cur: f"{amount:f}"
                for cur, amount in sorted({**end.unconverted, **conv.unconverted}.items())
                if amount
            },
        },
    }


def _merge(rows: Iterable[tuple[str, Any]]) -> dict[str, Decimal]:
    out: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for cur, amount in rows:
        out[cur] += Decimal(amount or 0)
    return dict(out)


def _applied_receipt_amount() -> Any:
    from django.db.models.functions import Coalesce

    # What each application took from its receipt, in the receipt's currency.
    return Coalesce("receipt_amount", "amount")


def _collector_ids(scope: Scope) -> list[int]:
    """The collectors a scope's calls count for: the one named, else those who hold accounts
    in the scope."""
    if scope.collector == UNASSIGNED:
        return []
    if scope.collector:
        return list(
            get_user_model().objects.filter(username=scope.collector).values_list("id", flat=True)
        )
    return sorted(
        {
            cid
            for cid in Customer.objects.filter(scope.customer_filter(), collector__isnull=False)
            .order_by()
            .values_list("collector_id", flat=True)
            .distinct()
            if cid is not None
        }
    )
