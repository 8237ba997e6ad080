"""Reads for limit reviews: the list, and the facts a review shows (payment behaviour, score
and reasons, exposure) for any number of accounts in a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet

from openar.activity.models import PromiseToPay
from openar.credit.domain import Behaviour
from openar.credit.models import LimitReview
from openar.credit.selectors.exposure import CustomerExposure, customer_exposures
from openar.ledger.models import CustomerAging, Document
from openar.risk.selectors import latest_scores

BEHAVIOUR_DAYS = 365  # payment behaviour over the last year
PROMISE_DAYS = 90


def review_list(
    *,
    status: str | None = None,
    trigger: str | None = None,
    customer: str | None = None,
    queryset: QuerySet[LimitReview] | None = None,
) -> QuerySet[LimitReview]:
    """Limit reviews, oldest due first, by status, trigger and customer reference."""
    qs = (queryset if queryset is not None else LimitReview.objects.all()).select_related(
        "customer", "decided_by"
    )
    if status:
        qs = qs.filter(status=status)
    if trigger:
        qs = qs.filter(trigger=trigger)
    if customer:
        qs = qs.filter(customer__customer_ref__iexact=customer)
    return qs.order_by("due_on", "id")


def review_counts() -> dict[str, int]:
    rows = LimitReview.objects.values_list("status").annotate(n=Count("id")).order_by()
    return {status: n for status, n in rows}


def _days_late(customer_ids: list[int], as_of: dt.date) -> dict[int, tuple[Decimal, int]]:
    since = as_of - dt.timedelta(days=BEHAVIOUR_DAYS)
    totals: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for cid, due, cleared in Document.objects.filter(
        customer_id__in=customer_ids,
        document_type="invoice",
        cleared_date__gt=since,
        cleared_date__lte=as_of,
    ).values_list("customer_id", "due_date", "cleared_date"):
        if cleared is None:
            continue
        total = totals[cid]
        total[0] += max((cleared - due).days, 0)
        total[1] += 1
    return {
        cid: ((Decimal(days) / n).quantize(Decimal("0.1")), n)
        for cid, (days, n) in totals.items()
        if n
    }


def _promises(customer_ids: list[int], as_of: dt.date) -> dict[int, tuple[int, int]]:
    since = as_of - dt.timedelta(days=PROMISE_DAYS)
    rows = (
        PromiseToPay.objects.filter(
            customer_id__in=customer_ids, promised_date__gt=since, promised_date__lte=as_of
        )
        .values("customer_id")
        .annotate(
            kept=Count("id", filter=Q(status="kept")), broken=Count("id", filter=Q(status="broken"))
        )
        .order_by()
    )
    return {r["customer_id"]: (r["kept"], r["broken"]) for r in rows}


def review_facts(
    customers: Iterable[Any], *, as_of: dt.date
) -> dict[int, tuple[Behaviour, CustomerExposure, dict[str, Any]]]:
    """Per account: the behaviour a review's recommendation reads, its exposure, and the facts
    stored on the review (JSON values) for the reviewer."""
    exposures = customer_exposures(customers, as_of=as_of)
    ids = list(exposures)
    aging = dict(
        CustomerAging.objects.filter(customer_id__in=ids).values_list(
            "customer_id", "days_past_due"
        )
    )
    late = _days_late(ids, as_of)
    promises = _promises(ids, as_of)
    scores = latest_scores(as_of=as_of, customer_ids=ids)
    out: dict[int, tuple[Behaviour, CustomerExposure, dict[str, Any]]] = {}
    for cid, x in exposures.items():
        avg, paid = late.get(cid, (None, 0))
        kept, broken = promises.get(cid, (0, 0))
        score = scores.get(cid)
        behaviour = Behaviour(
            currency=x.currency,
            limit=x.credit_limit,
            exposure=x.exposure.total,
            days_past_due=max(aging.get(cid, 0), 0),
            avg_days_late=avg,
            paid_items=paid,
            promises_kept=kept,
            promises_broken=broken,
            risk_class=score.risk_class if score else None,
            previous_class=score.previous_class if score else None,
            score=score.score if score else None,
        )
        facts = {
            "currency": x.currency,
            "credit_limit": str(x.credit_limit) if x.credit_limit is not None else None,
            "limit_kind": x.limit.kind if x.limit else None,
            "open_ar": str(x.exposure.open_ar),
            "open_orders": str(x.exposure.open_orders),
            "shipments": str(x.exposure.shipments),
            "exposure": str(x.exposure.total),
            "available_credit": (
                str(x.available_credit) if x.available_credit is not None else None
            ),
            "days_past_due": behaviour.days_past_due,
            "avg_days_late": str(avg) if avg is not None else None,
            "paid_items": paid,
            "promises_kept": kept,
            "promises_broken": broken,
            "score": behaviour.score,
            "risk_class": behaviour.risk_class,
            "previous_class": behaviour.previous_class,
            "score_reasons": list(score.reasons) if score else [],
        }
        out[cid] = (behaviour, x, facts)
    return out
