"""Pure rules for promises to pay: when a promise is kept, broken, or still open."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from openar.activity.choices import PromiseStatus
from openar.core.money import ZERO


@dataclass(frozen=True)
class PromiseOutcome:
    status: str  # PromiseStatus value: open, kept or broken
    received: Decimal  # cash counted towards the promise up to the as-of date
    resolved_on: dt.date | None  # the day it became kept (cash date) or broken (day after grace)


def promise_deadline(promised_date: dt.date, grace_days: int) -> dt.date:
    """The last day cash still counts for the promise."""
    return promised_date + dt.timedelta(days=grace_days)


def promise_outcome(
    *,
    amount: Decimal,
    taken_on: dt.date,
    promised_date: dt.date,
    as_of: dt.date,
    grace_days: int,
    payments: Iterable[tuple[dt.date, Decimal]],
    documents_cleared_on: dt.date | None = None,
) -> PromiseOutcome:
    """Judge one promise as of ``as_of``.

    ``payments`` are (date, amount) of the customer's cash in the promise currency; only cash
    dated from ``taken_on`` to the deadline (promised date + grace) and not after ``as_of`` counts.
    The promise is kept on the day the running total reaches the amount, or on the day the last
    promised document cleared (``documents_cleared_on``) inside the window; broken the day after
    the deadline when neither happened; otherwise still open."""
    deadline = promise_deadline(promised_date, grace_days)
    window_end = min(deadline, as_of)
    received = ZERO
    kept_on: dt.date | None = None
    for day, value in sorted(payments):
        if day < taken_on or day > window_end:
            continue
        received += value
        if kept_on is None and received >= amount:
            kept_on = day
    if (
        documents_cleared_on is not None
        and taken_on <= documents_cleared_on <= window_end
        and (kept_on is None or documents_cleared_on < kept_on)
    ):
        kept_on = documents_cleared_on
    if kept_on is not None:
        return PromiseOutcome(PromiseStatus.KEPT.value, received, kept_on)
    if as_of > deadline:
        return PromiseOutcome(PromiseStatus.BROKEN.value, received, deadline + dt.timedelta(days=1))
    return PromiseOutcome(PromiseStatus.OPEN.value, received, None)


@dataclass(frozen=True)
class InstalmentOutcome:
    status: str  # InstalmentStatus value
    received: Decimal  # cash counted towards this instalment
    resolved_on: dt.date | None


def instalment_outcomes(
    *,
    instalments: list[tuple[dt.date, Decimal]],
    taken_on: dt.date,
    as_of: dt.date,
    grace_days: int,
    tolerance: Decimal,
    payments: Iterable[tuple[dt.date, Decimal]],
) -> list[InstalmentOutcome]:
    """Judge each instalment (due date, amount, in order) like a promise: cash from ``taken_on``
    on fills the instalments in order; one whose deadline (due date + grace) has passed is kept
    when filled (short by at most ``tolerance``), partly kept when some cash came, broken when
    none did; earlier instalments fill first."""
    cash = sorted((day, value) for day, value in payments if taken_on <= day <= as_of)
    outcomes = []
    pool = list(cash)
    carry = ZERO  # cash beyond the previous instalments
    for due_date, amount in instalments:
        deadline = promise_deadline(due_date, grace_days)
        received = carry
        filled_on: dt.date | None = None
        if received >= amount:
            filled_on = taken_on
        while pool and received < amount and pool[0][0] <= min(deadline, as_of):
            day, value = pool.pop(0)
            received += value
            if received >= amount - tolerance and filled_on is None:
                filled_on = day
        carry = max(received - amount, ZERO)
        counted = min(received, amount)
        if filled_on is not None or counted >= amount - tolerance:
            outcomes.append(InstalmentOutcome("kept", counted, filled_on or due_date))
        elif as_of > deadline:
            status = "partly_kept" if counted > 0 else "broken"
            outcomes.append(InstalmentOutcome(status, counted, deadline + dt.timedelta(days=1)))
        else:
            outcomes.append(InstalmentOutcome("open", counted, None))
    return outcomes
