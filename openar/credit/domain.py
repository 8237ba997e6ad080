"""Pure credit rules, no ORM and no I/O: which limit is in force on a date, what is left of it,
and what a limit review recommends from collection behaviour."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from openar.core.money import ZERO, Rate, cross_rate, quantize


@dataclass(frozen=True)
class LimitRow:
    """One limit decision as the rules read it (ordered by ``seq``: the order it was set)."""

    seq: int
    amount: Decimal
    currency: str
    kind: str  # "permanent" | "temporary"
    starts_on: dt.date
    ends_on: dt.date | None


def limit_in_force(rows: Sequence[LimitRow], as_of: dt.date) -> LimitRow | None:
    """The decision in force on ``as_of``: the latest one set among the permanent limits begun
    by then and the temporary limits covering the date. A later decision replaces an earlier
    one; a temporary limit ending gives the latest permanent limit back."""
    best: LimitRow | None = None
    for row in rows:
        if row.starts_on > as_of:
            continue
        if row.kind == "temporary" and (row.ends_on is None or row.ends_on < as_of):
            continue
        if best is None or row.seq > best.seq:
            best = row
    return best


def permanent_in_force(rows: Sequence[LimitRow], as_of: dt.date) -> LimitRow | None:
    """The permanent limit a temporary one gives way to when it ends."""
    return limit_in_force([r for r in rows if r.kind != "temporary"], as_of)


def convert(
    sums: Mapping[str, Decimal], currency: str, rates: Mapping[tuple[str, str], Rate]
) -> tuple[Decimal, dict[str, Decimal]]:
    """Amounts by currency as one amount in ``currency`` (each currency's sum converted and
    rounded once), and what had no rate, by currency (never dropped)."""
    total = quantize(ZERO, currency)
    unconverted: dict[str, Decimal] = {}
    for cur, amount in sorted(sums.items()):
        if not amount:
            continue
        rate = cross_rate(cur, currency, rates)
        if rate is None:
            unconverted[cur] = unconverted.get(cur, ZERO) + amount
            continue
        total += quantize(amount * rate.rate, currency)
    return total, unconverted


def available_credit(limit: Decimal | None, exposure: Decimal) -> Decimal | None:
    """What is left of ``limit`` (None: no limit, nothing to say); below zero when over."""
    if limit is None:
        return None
    return limit - exposure


# ------------------------------------------------------------------------------ limit reviews


@dataclass(frozen=True)
class Behaviour:
    """What a limit review reads of an account: collection behaviour, score and exposure."""

    currency: str
    limit: Decimal | None
    exposure: Decimal
    days_past_due: int  # of the oldest open item
    avg_days_late: Decimal | None  # of the items paid in the last year (None: none paid)
    paid_items: int
    promises_kept: int
    promises_broken: int
    risk_class: str | None = None
    previous_class: str | None = None
    score: int | None = None


@dataclass(frozen=True)
class ReviewRules:
    """The thresholds of the recommendation (settings can change them)."""

    broken_promises: int = 2  # this many broken in the window: reduce
    late_days: int = 30  # paying this late on average: reduce
    hold_days_past_due: int = 60  # over the limit with an item this old: hold
    reduce_share: Decimal = Decimal("0.75")  # a reduction keeps this share of the limit
    increase_share: Decimal = Decimal("1.25")
    high_use: Decimal = Decimal("0.80")  # using this share of the limit: room to increase
    good_late_days: int = 5
    round_to: Decimal = Decimal(100)


RISKY_CLASSES = ("D", "E")
SAFE_CLASSES = ("A", "B")


def _round_down(value: Decimal, step: Decimal) -> Decimal:
    return (value / step).to_integral_value(rounding="ROUND_FLOOR") * step


def review_recommendation(
    b: Behaviour, rules: ReviewRules = ReviewRules()
) -> tuple[str, Decimal | None, list[dict[str, Any]]]:
    """(outcome, proposed limit, reason parts) from collection behaviour: hold an account over
    its limit with old past-due items; reduce on broken promises, a drop into a risky class or
    late payment; increase for a safe, punctual account using most of its limit; else keep."""
    parts: list[dict[str, Any]] = []
    if b.limit is None:
        return "keep", None, [{"code": "review_no_limit", "params": {}}]
    over = b.exposure - b.limit
    if over > 0 and b.days_past_due > rules.hold_days_past_due:
        parts.append({"code": "review_over_limit", "params": {
            "amount": str(over), "currency": b.currency}})  # fmt: skip
        parts.append({"code": "review_days_past_due", "params": {"days": b.days_past_due}})
        return "hold", None, parts
    if b.promises_broken >= rules.broken_promises:
        parts.append({"code": "review_promises_broken", "params": {"count": b.promises_broken}})
    if b.risk_class in RISKY_CLASSES and b.previous_class and b.previous_class < b.risk_class:
        parts.append({"code": "review_class_dropped", "params": {
            "before": b.previous_class, "after": b.risk_class}})  # fmt: skip
    if b.avg_days_late is not None and b.avg_days_late >= rules.late_days:
        parts.append({"code": "review_pays_late", "params": {"days": int(b.avg_days_late)}})
    if over > 0:
        parts.append({"code": "review_over_limit", "params": {
            "amount": str(over), "currency": b.currency}})  # fmt: skip
    if parts and not (over > 0 and len(parts) == 1):
        proposed = _round_down(b.limit * rules.reduce_share, rules.round_to)
        return "reduce", proposed, parts
    use = b.exposure / b.limit if b.limit else Decimal(0)
    if (
        not parts
        and b.risk_class in SAFE_CLASSES
        and b.promises_broken == 0
        and (b.avg_days_late is None or b.avg_days_late <= rules.good_late_days)
        and use >= rules.high_use
    ):
        proposed = _round_down(b.limit * rules.increase_share, rules.round_to)
        return (
            "increase",
            proposed,
            [
                {"code": "review_high_use", "params": {"percent": int(use * 100)}},
                {"code": "review_good_payer", "params": {}},
            ],
        )
    return "keep", None, parts or [{"code": "review_steady", "params": {}}]
