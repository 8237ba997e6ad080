"""Pure aging and FX arithmetic: no ORM, no I/O."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from itertools import pairwise

from openar.core.errors import ValidationError
from openar.core.money import ZERO, quantize

DEFAULT_BUCKET_BOUNDS = (30, 60, 90, 120)


@dataclass(frozen=True, slots=True)
class Bucket:
    """Days past due from ``low`` to ``high`` inclusive; ``low is None`` is 'current' (not yet due,
    or due on the as-of date) and ``high is None`` is open-ended."""

    name: str
    low: int | None
    high: int | None

    def contains(self, days_past_due: int) -> bool:
        if self.low is None:
            return days_past_due <= 0
        return days_past_due >= self.low and (self.high is None or days_past_due <= self.high)

    def due_date_range(self, as_of: dt.date) -> tuple[dt.date | None, dt.date | None]:
        """(earliest, latest) due dates in this bucket on ``as_of``; None means unbounded."""
        if self.low is None:
            return as_of, None
        latest = as_of - dt.timedelta(days=self.low)
        earliest = None if self.high is None else as_of - dt.timedelta(days=self.high)
        return earliest, latest


def parse_bucket_bounds(text: str | Iterable[int] | None) -> tuple[int, ...]:
    """'30,60,90,120' -> (30, 60, 90, 120); bounds must be positive and strictly increasing."""
    if text is None:
        return DEFAULT_BUCKET_BOUNDS
    if isinstance(text, str):
        parts = [p.strip() for p in text.split(",") if p.strip()]
        try:
            bounds = tuple(int(p) for p in parts)
        except ValueError:
            raise ValidationError(
                f"buckets {text!r} must be whole numbers of days, e.g. 30,60,90,120",
                code="invalid_buckets",
                field="buckets",
            ) from None
    else:
        bounds = tuple(int(b) for b in text)
    if not bounds or bounds[0] < 1 or any(b >= c for b, c in pairwise(bounds)):
        raise ValidationError(
            "buckets must be positive day counts in increasing order, e.g. 30,60,90,120",
            code="invalid_buckets",
            field="buckets",
        )
    return bounds


def make_buckets(bounds: Iterable[int] = DEFAULT_BUCKET_BOUNDS) -> list[Bucket]:
    bounds = tuple(bounds)
    buckets = [Bucket("current", None, None)]
    low = 1
    for high in bounds:
        buckets.append(Bucket(f"{low}-{high}", low, high))
        low = high + 1
    buckets.append(Bucket(f"{bounds[-1]}+", bounds[-1] + 1, None))
    return buckets


def days_past_due(due_date: dt.date, as_of: dt.date) -> int:
    return (as_of - due_date).days


def bucket_index(due_date: dt.date, as_of: dt.date, buckets: list[Bucket]) -> int:
    dpd = days_past_due(due_date, as_of)
    for i, bucket in enumerate(buckets):
        if bucket.contains(dpd):
            return i
    raise AssertionError("buckets cover every day count")  # pragma: no cover


def open_amount_as_of(
    *,
    amount: Decimal,
    open_amount: Decimal,
    cleared_date: dt.date | None,
    applied_through_as_of: Decimal,
    applied_after_as_of: Decimal,
    as_of: dt.date,
) -> Decimal:
    """The document's open amount on ``as_of`` given what is known now.

    A document cleared on or before ``as_of`` was not open. One cleared later was open for its
    amount less what was applied by then. One still open was open for today's open amount plus
    whatever was applied after ``as_of`` (rolling later cash back)."""
    if cleared_date is not None and cleared_date <= as_of:
        return ZERO
    if cleared_date is not None:
        return amount - applied_through_as_of
    return open_amount + applied_after_as_of


def converted_total(
    sums: Mapping[str, Decimal], factors: Mapping[str, Decimal], currency: str
) -> Decimal:
    """Amounts in several currencies as one amount in ``currency``: each currency's exact sum is
    converted and rounded once, then the results are added. Any set of documents gets the same
    figure however it was grouped on the way (a total never depends on the rows it is shown
    with). ``factors`` holds the rate of every currency in ``sums``."""
    total = quantize(ZERO, currency)
    for cur, amount in sums.items():
        if amount:
            factor = factors[cur]
            total += quantize(amount if factor == 1 else amount * factor, currency)
    return total


def converted_buckets(
    sums: Mapping[str, list[Decimal]],
    factors: Mapping[str, Decimal],
    names: list[str],
    currency: str,
) -> tuple[dict[str, Decimal], Decimal]:
    """Bucket amounts and their total in ``currency`` from exact per-currency bucket sums, each
    figure as ``converted_total`` makes it."""
    if len(sums) == 1:  # most rows: one currency, one rate
        ((cur, amounts),) = sums.items()
        factor = factors[cur]
        converted = {
            n: quantize(a if factor == 1 else a * factor, currency)
            for n, a in zip(names, amounts, strict=True)
        }
        whole = sum(amounts, ZERO)
        return converted, quantize(whole if factor == 1 else whole * factor, currency)
    converted = {
        n: converted_total({cur: a[i] for cur, a in sums.items()}, factors, currency)
        for i, n in enumerate(names)
    }
    whole_sums = {cur: sum(a, ZERO) for cur, a in sums.items()}
    return converted, converted_total(whole_sums, factors, currency)
