"""Reads of risk scores for other apps (strategies, queues, the customer page)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from openar.risk.models import CustomerScore


@dataclass(frozen=True)
class ScoreSnapshot:
    customer_id: int
    as_of: dt.date
    score: int
    risk_class: str
    previous_class: str | None  # the class of the score before this one, if any
    engine: str
    reasons: list[dict[str, Any]]


def latest_scores(
    *, as_of: dt.date, customer_ids: Iterable[int] | None = None
) -> dict[int, ScoreSnapshot]:
    """Each customer's newest score on or before ``as_of`` with the class it had before."""
    qs = CustomerScore.objects.filter(as_of__lte=as_of)
    if customer_ids is not None:
        qs = qs.filter(customer_id__in=list(customer_ids))
    newest: dict[int, ScoreSnapshot] = {}
    # Two newest rows per customer are enough; ordering by customer then date keeps it one pass.
    rows = qs.order_by("customer_id", "-as_of").values_list(
        "customer_id", "as_of", "score", "risk_class", "engine", "reasons"
    )
    seen: dict[int, int] = {}
    for customer_id, day, score, risk_class, engine, reasons in rows.iterator(chunk_size=5000):
        count = seen.get(customer_id, 0)
        if count == 0:
            newest[customer_id] = ScoreSnapshot(
                customer_id, day, score, risk_class, None, engine, reasons
            )
        elif count == 1:
            snap = newest[customer_id]
            newest[customer_id] = ScoreSnapshot(
                snap.customer_id, snap.as_of, snap.score, snap.risk_class, risk_class,
                snap.engine, snap.reasons,
            )  # fmt: skip
        seen[customer_id] = count + 1
    return newest
