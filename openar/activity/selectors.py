"""Reads for promises and the contact log."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.db.models.functions import Coalesce

from openar.activity.choices import PromiseStatus
from openar.activity.models import ContactAttachment, ContactLog, PromiseToPay

_ZERO = Decimal(0)


def promise_list(
    *,
    status: str = "",
    collector: Any = None,
    q: str = "",
    due_by: dt.date | None = None,
    queryset: QuerySet[PromiseToPay] | None = None,
) -> QuerySet[PromiseToPay]:
    """Promises, newest promised date first, filtered by status, the customer's collector, a
    customer ref or name, and (open ones) promised on or before ``due_by``; ``queryset``
    narrows an already built list (the list page's)."""
    qs = (queryset if queryset is not None else PromiseToPay.objects).select_related(
        "customer", "taken_by"
    )
    if status:
        qs = qs.filter(status=status)
    if collector is not None:
        qs = qs.filter(customer__collector=collector)
    if q.strip():
        term = q.strip()
        qs = qs.filter(Q(customer__customer_ref__iexact=term) | Q(customer__name__icontains=term))
    if due_by is not None:
        qs = qs.filter(promised_date__lte=due_by)
    return qs.order_by("-promised_date", "-id")


@dataclass(frozen=True)
class PromiseStats:
    open: int
    kept: int
    broken: int
    due_within_week: int
    kept_rate: float | None  # kept / (kept + broken), resolved in the last 90 days


def promise_stats(*, as_of: dt.date, collector: Any = None) -> PromiseStats:
    qs = PromiseToPay.objects.all()
    if collector is not None:
        qs = qs.filter(customer__collector=collector)
    since = as_of - dt.timedelta(days=90)
    row = qs.aggregate(
        open=Count("id", filter=Q(status=PromiseStatus.OPEN)),
        kept=Count("id", filter=Q(status=PromiseStatus.KEPT, resolved_on__gte=since)),
        broken=Count("id", filter=Q(status=PromiseStatus.BROKEN, resolved_on__gte=since)),
        due=Count(
            "id",
            filter=Q(
                status=PromiseStatus.OPEN,
                promised_date__lte=as_of + dt.timedelta(days=7),
            ),
        ),
    )
    resolved = row["kept"] + row["broken"]
    return PromiseStats(
        open=row["open"],
        kept=row["kept"],
        broken=row["broken"],
        due_within_week=row["due"],
        kept_rate=row["kept"] / resolved if resolved else None,
    )


def customer_promises(*, customer: Any, limit: int = 10) -> list[PromiseToPay]:
    """The customer's open promises first, then the most recent others."""
    qs = PromiseToPay.objects.filter(customer=customer).select_related("taken_by")
    open_ = list(qs.filter(status=PromiseStatus.OPEN).order_by("promised_date", "id"))
    rest = list(qs.exclude(status=PromiseStatus.OPEN).order_by("-promised_date", "-id")[:limit])
    return open_ + rest[: max(0, limit - len(open_))]


def customer_contacts(*, customer: Any, limit: int = 10) -> list[ContactLog]:
    """The latest contacts, with the names (not the content) of their attachments."""
    files = ContactAttachment.objects.defer("content").order_by("id")
    return list(
        ContactLog.objects.filter(customer=customer)
        .select_related("user")
        .prefetch_related(Prefetch("attachments", queryset=files))
        .order_by("-contacted_at", "-id")[:limit]
    )


def open_promised_amount(*, customer: Any) -> dict[str, Decimal]:
    """Open promised amount per currency for one customer."""
    rows = (
        PromiseToPay.objects.filter(customer=customer, status=PromiseStatus.OPEN)
        .values("currency")
        .annotate(total=Coalesce(Sum("amount"), _ZERO))
    )
    return {r["currency"]: r["total"] for r in rows}
