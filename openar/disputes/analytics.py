"""Dispute analytics: open cases by reason, age and owner; cycle time; root causes by reason,
product line, sales rep and customer; recovered against credited. Amounts in the reporting
currency at the latest rates."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from statistics import median
from typing import Any

from django.conf import settings

from openar.core.money import ZERO, cross_rate
from openar.disputes.choices import ACTIVE_STATUSES, CaseStatus, Outcome
from openar.disputes.domain import AGE_BANDS, age_band
from openar.disputes.models import DisputeCase
from openar.ledger.selectors import latest_rates


@dataclass
class Group:
    key: str
    label: str
    count: int = 0
    amount: Decimal = ZERO
    share: int = 0  # percent of the largest group's amount, for the bar


@dataclass
class Analytics:
    as_of: dt.date
    currency: str
    open_by_reason: list[Group] = field(default_factory=list)
    open_by_age: list[Group] = field(default_factory=list)
    open_by_owner: list[Group] = field(default_factory=list)
    cycle_days_avg: Decimal | None = None
    cycle_days_median: Decimal | None = None
    cycle_by_reason: list[tuple[str, int, Decimal]] = field(default_factory=list)
    causes: dict[str, list[Group]] = field(default_factory=dict)
    disputed: Decimal = ZERO
    credited: Decimal = ZERO
    recovered: Decimal = ZERO
    resolved: int = 0


def _grouped(
    cases: Iterable[Any], key: Callable[[Any], tuple[str, str]], amount: Callable[[Any], Decimal]
) -> list[Group]:
    groups: dict[str, Group] = {}
    for case in cases:
        k, label = key(case)
        g = groups.setdefault(k, Group(k, label))
        g.count += 1
        g.amount += amount(case)
    rows = sorted(groups.values(), key=lambda g: (-g.amount, g.label))
    top = max((g.amount for g in rows), default=ZERO)
    for g in rows:
        g.amount = g.amount.quantize(Decimal("0.01"))
        g.share = int(g.amount * 100 / top) if top else 0
    return rows


def dispute_analytics(
    *, as_of: dt.date, since: dt.date, reason_label: Callable[[Any], str], unassigned: str
) -> Analytics:
    """Every figure of the analytics page for cases opened from ``since`` (root causes,
    cycle time, recovered against credited) and open on ``as_of`` (by reason, age, owner)."""
    currency = settings.OPENAR_REPORTING_CURRENCY
    rates = latest_rates(as_of)
    factors: dict[str, Decimal] = {}

    def converted(case: Any, value: Decimal | None = None) -> Decimal:
        if case.currency not in factors:
            rate = cross_rate(case.currency, currency, rates)
            factors[case.currency] = rate.rate if rate is not None else ZERO
        return (case.amount if value is None else value) * factors[case.currency]

    out = Analytics(as_of=as_of, currency=currency)
    active = list(
        DisputeCase.objects.filter(status__in=ACTIVE_STATUSES, opened_on__lte=as_of).select_related(
            "reason", "owner"
        )
    )
    out.open_by_reason = _grouped(
        active, lambda c: (c.reason.code, reason_label(c.reason)), converted
    )
    bands = _grouped(active, lambda c: (age_band(c.opened_on, as_of), ""), converted)
    by_band = {g.key: g for g in bands}
    out.open_by_age = [by_band.get(b, Group(b, b)) for b in AGE_BANDS]
    for g in out.open_by_age:
        g.label = g.key

    def owner(c: Any) -> tuple[str, str]:
        team = str(c.get_owner_team_display())
        if c.owner is None:
            return f"team:{c.owner_team}", f"{team} ({unassigned})"
        return f"user:{c.owner_id}", f"{c.owner.get_full_name() or c.owner.get_username()} · {team}"

    out.open_by_owner = _grouped(active, owner, converted)
    recent = list(
        DisputeCase.objects.filter(opened_on__gte=since, opened_on__lte=as_of)
        .select_related("reason", "customer")
        .prefetch_related("items__document")
    )

    def first_doc_attr(name: str, fallback: str) -> Callable[[Any], tuple[str, str]]:
        def key(c: Any) -> tuple[str, str]:
            for item in c.items.all():
                value = (item.document.attributes or {}).get(name)
                if value:
                    return str(value), str(value)
            value = (c.customer.attributes or {}).get(name)
            return (str(value), str(value)) if value else ("", fallback)

        return key

    out.causes = {
        "reason": _grouped(recent, lambda c: (c.reason.code, reason_label(c.reason)), converted),
        "product_line": _grouped(recent, first_doc_attr("product_line", unassigned), converted),
        "sales_rep": _grouped(recent, first_doc_attr("sales_rep", unassigned), converted),
        "customer": _grouped(
            recent,
            lambda c: (c.customer.customer_ref, f"{c.customer.customer_ref} {c.customer.name}"),
            converted,
        )[:10],
    }
    closed = [
        (c, (c.closed_on - c.opened_on).days)
        for c in recent
        if c.status == CaseStatus.CLOSED and c.closed_on is not None
    ]
    days = [Decimal(n) for _, n in closed]
    if days:
        out.cycle_days_avg = (sum(days, Decimal(0)) / len(days)).quantize(Decimal("0.1"))
        out.cycle_days_median = Decimal(str(median(days))).quantize(Decimal("0.1"))
    per_reason: dict[str, list[int]] = defaultdict(list)
    labels: dict[str, str] = {}
    for c, n in closed:
        per_reason[c.reason.code].append(n)
        labels[c.reason.code] = reason_label(c.reason)
    out.cycle_by_reason = sorted(
        (
            (labels[k], len(v), (Decimal(sum(v)) / len(v)).quantize(Decimal("0.1")))
            for k, v in per_reason.items()
        ),
        key=lambda row: -row[2],
    )
    decided = [c for c in recent if c.outcome]
    out.resolved = len(decided)
    for c in decided:
        credit = c.credit_amount or ZERO
        out.disputed += converted(c)
        out.credited += converted(c, credit)
        if c.outcome in (Outcome.INVALID, Outcome.PARTIAL):
            out.recovered += converted(c, c.amount - credit)
    q = Decimal("0.01")
    out.disputed, out.credited, out.recovered = (
        out.disputed.quantize(q), out.credited.quantize(q), out.recovered.quantize(q),
    )  # fmt: skip
    return out
