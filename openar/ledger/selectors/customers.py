"""Reads of customer accounts: the account page summary, unapplied cash, the customer list and
the per-customer figures of the aging snapshot."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import (
    Count,
    Min,
    Q,
    QuerySet,
    Sum,
)
from django.db.models.functions import Coalesce

from openar.core.customer_flags import customer_flag_annotations
from openar.core.errors import NotFound
from openar.ledger.choices import AgingGroup
from openar.ledger.models import Application, Customer, Receipt
from openar.ledger.selectors.aging import (
    UNASSIGNED,
    AgingFilters,
    AgingReport,
    OpenItem,
    UnconvertedLine,
    aging_report,
    open_documents_as_of,
    open_items_as_of,
)


@dataclass
class CustomerSummary:
    customer: Customer
    as_of: dt.date
    currency: str  # the customer's currency: balance and credit are shown in it
    balance: Decimal
    past_due: Decimal
    credit_limit: Decimal | None
    available_credit: Decimal | None
    aging: AgingReport
    items: list[OpenItem]
    unconverted: list[UnconvertedLine]
    unapplied_cash: Decimal


def customer_summary(*, customer_ref: str, as_of: dt.date) -> CustomerSummary:
    """Header, aging and open items of one account in its own currency."""
    try:
        customer = (
            Customer.objects.select_related("entity", "parent", "collector")
            .annotate(**customer_flag_annotations())
            .get(customer_ref=customer_ref)
        )
    except Customer.DoesNotExist:
        raise NotFound(f"no customer {customer_ref!r}", field="customer_ref") from None
    filters = AgingFilters(customer_ref=customer_ref)
    aging = aging_report(
        as_of=as_of, by=AgingGroup.CUSTOMER, currency=customer.currency, filters=filters
    )
    balance = aging.total
    past_due = balance - aging.totals[aging.bucket_names[0]]
    available = None
    if customer.credit_limit is not None:
        available = customer.credit_limit - balance
    unapplied = customer_unapplied_cash(customer, as_of)
    return CustomerSummary(
        customer=customer,
        as_of=as_of,
        currency=customer.currency,
        balance=balance,
        past_due=past_due,
        credit_limit=customer.credit_limit,
        available_credit=available,
        aging=aging,
        items=open_items_as_of(as_of=as_of, filters=filters),
        unconverted=aging.unconverted,
        unapplied_cash=unapplied,
    )


def customer_unapplied_cash(customer: Customer, as_of: dt.date) -> Decimal:
    """Cash received from the customer by ``as_of`` and not applied by then (customer currency
    receipts only; others are shown on the receipts tab)."""
    return unapplied_cash([customer.pk], as_of)[customer.pk].get(customer.currency, Decimal(0))


def unapplied_cash(customer_ids: list[int], as_of: dt.date) -> dict[int, dict[str, Decimal]]:
    """Per customer and receipt currency: cash received by ``as_of`` less what of it was applied
    by then. Two grouped queries for any number of customers."""
    out: dict[int, dict[str, Decimal]] = {cid: {} for cid in customer_ids}
    received = (
        Receipt.objects.filter(customer_id__any_of=customer_ids, receipt_date__lte=as_of)
        .values_list("customer_id", "currency")
        .annotate(total=Coalesce(Sum("amount"), Decimal(0)))
        .order_by()
    )
    for cid, currency, total in received:
        out[cid][currency] = Decimal(total)
    applied = (
        Application.objects.filter(
            receipt__customer_id__any_of=customer_ids,
            receipt__receipt_date__lte=as_of,
            applied_date__lte=as_of,
        )
        .values_list("receipt__customer_id", "receipt__currency")
        # What each application took from the receipt, in its currency (another currency's
        # document names it in receipt_amount).
        .annotate(total=Coalesce(Sum(Coalesce("receipt_amount", "amount")), Decimal(0)))
        .order_by()
    )
    for cid, currency, total in applied:
        out[cid][currency] = out[cid].get(currency, Decimal(0)) - Decimal(total)
    return out


def customer_list(
    *,
    queryset: QuerySet[Customer] | None = None,
    search: str | None = None,
    collector: str | None = None,
    entity: str | None = None,
    segment: str | None = None,
    min_balance: Decimal | None = None,
    max_balance: Decimal | None = None,
    min_days_past_due: int | None = None,
) -> QuerySet[Customer]:
    """Customers with their latest aging snapshot (balance, past due, days past due) and the
    flags other apps set (``flag_on_hold``...); ``queryset`` narrows the start (default: every
    customer)."""
    qs = (Customer.objects.all() if queryset is None else queryset).select_related(
        "entity", "collector", "aging", "parent"
    )
    if search:
        qs = qs.filter(Q(customer_ref__icontains=search) | Q(name__icontains=search))
    if collector:
        if collector == UNASSIGNED:
            qs = qs.filter(collector__isnull=True)
        else:
            qs = qs.filter(collector__username=collector)
    if entity:
        qs = qs.filter(entity__code=entity)
    if segment:
        qs = qs.filter(segment=segment)
    if min_balance is not None:
        qs = qs.filter(aging__balance__gte=min_balance)
    if max_balance is not None:
        qs = qs.filter(aging__balance__lte=max_balance)
    if min_days_past_due is not None:
        qs = qs.filter(aging__days_past_due__gte=min_days_past_due)
    return qs.annotate(**customer_flag_annotations())


def customer_aging_rows(*, as_of: dt.date) -> dict[int, Any]:
    """Per-customer figures for the aging snapshot: open item count and the due date of the
    oldest open past-due debit with a positive open amount (days past due count from it: an old
    unapplied credit memo does not make an account 700 days past due)."""
    past_due_debit = (
        Q(amount__gt=0, due_date__lt=as_of)
        # Open on ``as_of``: cleared later (it was open in full) or still open above zero.
        & (Q(cleared_date__isnull=False) | Q(open_amount__gt=0))
    )
    rows = (
        open_documents_as_of(as_of)
        .exclude(cleared_date__isnull=True, open_amount=0)
        .values("customer_id")
        .annotate(n=Count("id"), oldest=Min("due_date", filter=past_due_debit))
        .order_by()
    )
    return {r["customer_id"]: r for r in rows}


def customer_children(*, customer: Customer, as_of: dt.date, limit: int = 200) -> list[Any]:
    """The accounts directly below ``customer`` with their aging snapshot (balance and past
    due in the reporting currency), for the account page's roll-up (one query)."""
    return list(
        customer.children.order_by("customer_ref").values(
            "customer_ref", "name", "aging__balance", "aging__past_due", "aging__currency"
        )[:limit]
    )


def customer_time_zone(customer: Customer) -> str:
    """The customer's time zone (``attributes["time_zone"]``, an IANA name), or ""."""
    value = (customer.attributes or {}).get("time_zone", "")
    return value if isinstance(value, str) else ""
