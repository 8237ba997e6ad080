"""Pure credit rules, no ORM and no I/O: which limit is in force on a date, and what is left
of it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

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
