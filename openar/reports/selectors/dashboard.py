"""The dashboards' figures, read from the snapshots (trends, aging by week, top accounts) and
from the day's activity (leaderboard, promises, disputes)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Count, Max, Q, Sum

from openar.activity.choices import ContactChannel, PromiseStatus
from openar.activity.models import ContactLog, PromiseToPay
from openar.core.money import ZERO, cross_rate, quantize
from openar.disputes.models import DisputeCase
from openar.ledger.selectors import latest_rates
from openar.reports.models import BUCKET_COLUMNS, CustomerSnapshot, PortfolioSnapshot, SnapshotDay
from openar.reports.selectors.kpis import Scope, snapshot_scope
from openar.worklist.models import DEFAULT_DAILY_TARGET
from openar.worklist.selectors import daily_targets

DSO_DAYS = 90  # the trend's DSO: balance ÷ the 90 days' invoicing before each point x 90


@dataclass
class TrendPoint:
    day: dt.date
    balance: Decimal
    past_due: Decimal
    buckets: list[Decimal]
    dso: Decimal | None


@dataclass
class Trend:
    bucket_names: list[str]
    points: list[TrendPoint] = field(default_factory=list)


def snapshot_days(as_of: dt.date, weeks: int) -> list[dt.date]:
    """The week-ending days of the trend, oldest first, ending on ``as_of``."""
    return [as_of - dt.timedelta(days=7 * i) for i in range(weeks - 1, -1, -1)]


def trend(*, as_of: dt.date, weeks: int, scope: Scope) -> Trend:
    """Balance, past due, aging buckets and DSO of ``scope`` at each week's end, from the
    snapshots (days without one are left out)."""
    days = snapshot_days(as_of, weeks)
    snap = SnapshotDay.objects.filter(as_of__lte=as_of).order_by("-as_of").first()
    names = [b["name"] for b in snap.buckets] if snap else []
    columns = BUCKET_COLUMNS[: len(names)]
    base = snapshot_scope(PortfolioSnapshot.objects.all(), scope)
    rows: dict[dt.date, dict[str, Any]] = {
        r["as_of"]: dict(r)
        for r in base.filter(as_of__in=days)
        .values("as_of")
        .annotate(balance=Sum("balance"), past_due=Sum("past_due"), **{c: Sum(c) for c in columns})
        .order_by()
    }
    invoiced = dict(
        base.filter(as_of__gt=days[0] - dt.timedelta(days=DSO_DAYS), as_of__lte=as_of)
        .values("as_of")
        .annotate(total=Sum("invoiced"))
        .order_by()
        .values_list("as_of", "total")
    )
    first = SnapshotDay.objects.order_by("as_of").values_list("as_of", flat=True).first()
    out = Trend(bucket_names=names)
    for day in days:
        row = rows.get(day)
        if row is None:
            continue
        window = sum(
            (
                Decimal(v or 0)
                for d, v in invoiced.items()
                if day - dt.timedelta(days=DSO_DAYS) < d <= day
            ),
            ZERO,
        )
        balance = Decimal(row["balance"] or 0)
        out.points.append(
            TrendPoint(
                day=day,
                balance=balance,
                past_due=Decimal(row["past_due"] or 0),
                buckets=[Decimal(row[c] or 0) for c in columns],
                # Only where snapshots cover the whole window (not in the history's first days).
                dso=(
                    balance / window * DSO_DAYS
                    if window > 0 and first is not None and first <= day - dt.timedelta(days=89)
                    else None
                ),
            )
        )
    return out


def top_past_due(*, as_of: dt.date, scope: Scope, limit: int = 10) -> list[CustomerSnapshot]:
    """The accounts with the most past due on the newest account snapshot up to ``as_of``."""
    day = CustomerSnapshot.objects.filter(as_of__lte=as_of).aggregate(d=Max("as_of"))["d"]
    if day is None:
        return []
    qs = CustomerSnapshot.objects.filter(as_of=day, past_due__gt=0)
    if scope.entity:
        qs = qs.filter(customer__entity__code=scope.entity)
    if scope.segment:
        qs = qs.filter(customer__segment=scope.segment)
    if scope.collector == "unassigned":
        qs = qs.filter(collector__isnull=True)
    elif scope.collector:
        qs = qs.filter(collector__username=scope.collector)
    return list(
        qs.select_related("customer", "collector").order_by("-past_due", "customer_id")[:limit]
    )


@dataclass
class LeaderRow:
    collector: Any
    accounts: int
    balance: Decimal
    past_due: Decimal
    collected: Decimal
    kept: int
    broken: int
    calls: int
    target: int
    workdays: int

    @property
    def pct_past_due(self) -> Decimal | None:
        return self.past_due / self.balance if self.balance > 0 else None

    @property
    def kept_rate(self) -> Decimal | None:
        resolved = self.kept + self.broken
        return Decimal(self.kept) / resolved if resolved else None

    @property
    def calls_per_day(self) -> Decimal | None:
        return Decimal(self.calls) / self.workdays if self.workdays else None

    @property
    def calls_vs_target(self) -> Decimal | None:
        per_day = self.calls_per_day
        return per_day / self.target if per_day is not None and self.target else None


def leaderboard(*, as_of: dt.date, period_days: int, scope: Scope) -> list[LeaderRow]:
    """Per collector of the scope: portfolio on ``as_of`` (snapshot), cash collected, promises
    kept or broken and calls over the period; best collectors first."""
    from openar.reports.selectors.kpis import weekdays_between

    start = as_of - dt.timedelta(days=period_days)
    base = snapshot_scope(PortfolioSnapshot.objects.filter(collector__isnull=False), scope)
    portfolio: dict[int, dict[str, Any]] = {
        r["collector_id"]: dict(r)
        for r in base.filter(as_of=as_of)
        .values("collector_id")
        .annotate(n=Sum("customers"), balance=Sum("balance"), past_due=Sum("past_due"))
        .order_by()
    }
    collected = dict(
        base.filter(as_of__gt=start, as_of__lte=as_of)
        .values("collector_id")
        .annotate(t=Sum("collected"))
        .order_by()
        .values_list("collector_id", "t")
    )
    ids = sorted(set(portfolio) | {k for k, v in collected.items() if v})
    promises: dict[int, dict[str, Any]] = {
        r["customer__collector_id"]: dict(r)
        for r in PromiseToPay.objects.filter(
            customer__collector_id__in=ids, resolved_on__gt=start, resolved_on__lte=as_of
        )
        .values("customer__collector_id")
        .annotate(
            kept=Count("id", filter=Q(status=PromiseStatus.KEPT)),
            broken=Count("id", filter=Q(status=PromiseStatus.BROKEN)),
        )
        .order_by()
    }
    calls = dict(
        ContactLog.objects.filter(
            user_id__in=ids,
            channel=ContactChannel.CALL,
            contacted_at__date__gt=start,
            contacted_at__date__lte=as_of,
        )
        .values("user_id")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("user_id", "n")
    )
    users = get_user_model().objects.in_bulk(ids)
    targets = daily_targets(ids)
    workdays = weekdays_between(start + dt.timedelta(days=1), as_of)
    rows = [
        LeaderRow(
            collector=users[uid],
            accounts=(portfolio.get(uid) or {}).get("n") or 0,
            balance=Decimal((portfolio.get(uid) or {}).get("balance") or 0),
            past_due=Decimal((portfolio.get(uid) or {}).get("past_due") or 0),
            collected=Decimal(collected.get(uid) or 0),
            kept=(promises.get(uid) or {}).get("kept", 0),
            broken=(promises.get(uid) or {}).get("broken", 0),
            calls=calls.get(uid, 0),
            target=targets.get(uid, DEFAULT_DAILY_TARGET),
            workdays=workdays,
        )
        for uid in ids
        if uid in users
    ]
    rows.sort(key=lambda r: (-r.collected, r.collector.username))
    return rows


def disputes_by_reason(*, as_of: dt.date, scope: Scope) -> list[tuple[str, int, Decimal]]:
    """Open cases on ``as_of`` by reason: (reason label, cases, amount in the reporting
    currency), largest amount first."""
    currency = settings.OPENAR_REPORTING_CURRENCY
    rates = latest_rates(as_of)
    counts: dict[str, int] = defaultdict(int)
    amounts: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for label, cur, n, total in (
        DisputeCase.objects.filter(scope.customer_filter("customer__"), opened_on__lte=as_of)
        .filter(Q(closed_on__isnull=True) | Q(closed_on__gt=as_of))
        .values_list("reason__label", "currency")
        .annotate(n=Count("id"), total=Sum("amount"))
        .order_by()
    ):
        counts[label] += n
        rate = cross_rate(cur, currency, rates)
        if rate is not None:
            amounts[label] += quantize(Decimal(total) * rate.rate, currency)
    return sorted(((label, counts[label], amounts[label]) for label in counts), key=lambda r: -r[2])


def promises_due(*, as_of: dt.date, collector: Any, days: int = 7) -> list[PromiseToPay]:
    """The collector's open promises due by ``as_of`` + ``days`` (overdue ones first)."""
    return list(
        PromiseToPay.objects.filter(
            customer__collector=collector,
            status=PromiseStatus.OPEN,
            promised_date__lte=as_of + dt.timedelta(days=days),
        )
        .select_related("customer")
        .order_by("promised_date", "id")[:20]
    )


def calls_on(*, user: Any, start: dt.date, end: dt.date) -> int:
    """Calls ``user`` logged from ``start`` to ``end`` inclusive."""
    return ContactLog.objects.filter(
        user=user,
        channel=ContactChannel.CALL,
        contacted_at__date__gte=start,
        contacted_at__date__lte=end,
    ).count()
