"""Reads for disputes: what is disputed per item and per account (kept apart from what is
collectible), case lists and queues, one case with its research, and the credit-memo requests
the ERP export writes. Analytics are in ``analytics.py``."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Q, QuerySet, Sum

from openar.core.money import ZERO, cross_rate
from openar.disputes.choices import ACTIVE_STATUSES, CaseStatus, RequestStatus
from openar.disputes.models import (
    CaseNote,
    CreditMemoRequest,
    DisputeCase,
    DisputeItem,
)
from openar.ledger.models import Application, Customer, Document, Receipt
from openar.ledger.selectors import latest_rates

WORKED = (CaseStatus.OPEN, CaseStatus.RESEARCH, CaseStatus.WAITING)


def disputes_in_collections() -> bool:
    """Configured to keep disputed amounts in dunning and the collectors' priority."""
    return bool(getattr(settings, "OPENAR_DISPUTES_IN_COLLECTIONS", False))


def disputed_by_document(
    *, document_ids: Iterable[int] | None = None, customer_ids: Iterable[int] | None = None
) -> dict[int, Decimal]:
    """Per document: the amount active cases dispute (a case waiting for its credit memo
    disputes only what it asked to credit)."""
    items = DisputeItem.objects.filter(case__status__in=WORKED)
    requests = CreditMemoRequest.objects.filter(
        status=RequestStatus.REQUESTED, case__status=CaseStatus.CREDIT_PENDING
    )
    if document_ids is not None:
        ids = list(document_ids)
        items, requests = items.filter(document_id__in=ids), requests.filter(document_id__in=ids)
    if customer_ids is not None:
        cids = list(customer_ids)
        items = items.filter(case__customer_id__in=cids)
        requests = requests.filter(case__customer_id__in=cids)
    out: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for qs in (items, requests):
        for doc_id, total in (
            qs.values("document_id").annotate(t=Sum("amount")).values_list("document_id", "t")
        ):
            out[doc_id] += Decimal(total)
    return dict(out)


@dataclass(frozen=True)
class DisputedFigures:
    currency: str
    disputed: Decimal  # what active cases dispute on open items
    disputed_past_due: Decimal  # of which past due
    past_due: Decimal
    collectible_past_due: Decimal  # past due less what is disputed


def customer_disputed(
    *, customer: Customer, as_of: dt.date, past_due: Decimal, currency: str | None = None
) -> DisputedFigures:
    """An account's disputed amounts in ``currency`` (default the customer's), at most what each
    item has open, and its collectible past due (``past_due`` less the disputed past-due part)."""
    currency = currency or customer.currency
    disputed = disputed_by_document(customer_ids=[customer.pk])
    total = overdue = ZERO
    if disputed:
        rates = latest_rates(as_of)
        for doc_id, cur, open_amount, due in Document.objects.filter(
            id__in=list(disputed), cleared_date__isnull=True
        ).values_list("id", "currency", "open_amount", "due_date"):
            rate = cross_rate(cur, currency, rates)
            if rate is None:
                continue
            amount = min(disputed[doc_id], max(open_amount, ZERO)) * rate.rate
            total += amount
            if due < as_of:
                overdue += amount
    quant = Decimal("0.01")
    total, overdue = total.quantize(quant), overdue.quantize(quant)
    return DisputedFigures(
        currency=currency,
        disputed=total,
        disputed_past_due=overdue,
        past_due=past_due,
        collectible_past_due=past_due - min(overdue, max(past_due, ZERO)),
    )


def disputed_past_due_by_customer(
    *, as_of: dt.date, currency: str, customer_ids: Iterable[int] | None = None
) -> dict[int, Decimal]:
    """Per customer: the disputed part of past-due open items in ``currency`` (latest rates),
    what the collectors' priority and dunning leave out. Empty when configured to keep them."""
    if disputes_in_collections():
        return {}
    disputed = disputed_by_document(customer_ids=customer_ids)
    if not disputed:
        return {}
    rates = latest_rates(as_of)
    out: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for doc_id, cid, cur, open_amount in Document.objects.filter(
        id__in=list(disputed), cleared_date__isnull=True, due_date__lt=as_of
    ).values_list("id", "customer_id", "currency", "open_amount"):
        rate = cross_rate(cur, currency, rates)
        if rate is not None:
            out[cid] += min(disputed[doc_id], max(open_amount, ZERO)) * rate.rate
    return dict(out)


def disputed_customer_ids(*, as_of: dt.date) -> set[int]:
    """Accounts with an active case opened by ``as_of``."""
    return set(
        DisputeCase.objects.filter(status__in=ACTIVE_STATUSES, opened_on__lte=as_of)
        .values_list("customer_id", flat=True)
        .distinct()
    )


# --------------------------------------------------------------------------- lists


def case_list(
    *,
    queryset: QuerySet[DisputeCase] | None = None,
    customer_ref: str = "",
    status: str = "",
    owner: str = "",
    owner_team: str = "",
    reason_code: str = "",
    kind: str = "",
    q: str = "",
    overdue_on: dt.date | None = None,
    escalated_to: Any = None,
) -> QuerySet[DisputeCase]:
    """Cases with customer, reason and owner joined, newest first. ``status`` ``active`` means
    every status still worked; ``overdue_on`` keeps active cases past their SLA date."""
    qs = (DisputeCase.objects.all() if queryset is None else queryset).select_related(
        "customer", "reason", "owner", "entity", "escalated_to"
    )
    if customer_ref:
        qs = qs.filter(customer__customer_ref=customer_ref)
    if status == "active":
        qs = qs.filter(status__in=ACTIVE_STATUSES)
    elif status:
        qs = qs.filter(status=status)
    if owner:
        qs = qs.filter(owner__username=owner)
    if owner_team:
        qs = qs.filter(owner_team=owner_team)
    if reason_code:
        qs = qs.filter(reason__code=reason_code)
    if kind:
        qs = qs.filter(kind=kind)
    if q:
        qs = qs.filter(
            Q(customer__customer_ref__icontains=q)
            | Q(customer__name__icontains=q)
            | Q(items__document__document_ref__icontains=q)
        ).distinct()
    if overdue_on is not None:
        qs = qs.filter(
            status__in=(CaseStatus.OPEN, CaseStatus.RESEARCH, CaseStatus.WAITING),
            due_on__lt=overdue_on,
        )
    if escalated_to is not None:
        qs = qs.filter(escalated_to=escalated_to)
    return qs.order_by("-opened_on", "-id")


def owner_queue(*, user: Any, teams: Iterable[str] = ()) -> QuerySet[DisputeCase]:
    """What one person works: active cases they own, and their teams' cases nobody owns yet,
    oldest SLA date first."""
    teams = list(teams)
    cond = Q(owner=user)
    if teams:
        cond |= Q(owner__isnull=True, owner_team__in=teams)
    return (
        DisputeCase.objects.filter(cond, status__in=ACTIVE_STATUSES)
        .select_related("customer", "reason", "owner", "entity", "escalated_to")
        .order_by("due_on", "id")
    )


def case_detail(case_id: int) -> DisputeCase | None:
    return (
        DisputeCase.objects.select_related(
            "customer",
            "customer__collector",
            "reason",
            "owner",
            "entity",
            "opened_by",
            "resolved_by",
            "escalated_to",
            "receipt",
        )
        .prefetch_related("items__document__entity", "attachments", "credit_requests__document")
        .filter(pk=case_id)
        .first()
    )


def case_notes(case: DisputeCase) -> QuerySet[CaseNote]:
    return case.notes.select_related("author").order_by("created_at", "id")


@dataclass(frozen=True)
class Research:
    """What research reads beside a case: each item's applications with their receipts and
    remittance, the deduction's receipt, and the customer's earlier cases."""

    applications: list[Application]
    receipts: list[Receipt]
    earlier: list[DisputeCase]


def case_research(case: DisputeCase) -> Research:
    doc_ids = [i.document_id for i in case.items.all()]
    applications = list(
        Application.objects.filter(document_id__in=doc_ids)
        .select_related("receipt", "document")
        .order_by("applied_date", "id")
    )
    receipts = {a.receipt_id: a.receipt for a in applications}
    if case.receipt_id and case.receipt is not None:
        receipts[case.receipt_id] = case.receipt
    earlier = list(
        DisputeCase.objects.filter(customer_id=case.customer_id)
        .exclude(pk=case.pk)
        .select_related("reason")
        .order_by("-opened_on", "-id")[:20]
    )
    return Research(
        applications=applications,
        receipts=sorted(receipts.values(), key=lambda r: (r.receipt_date, r.pk)),
        earlier=earlier,
    )


def open_items_for_dispute(customer: Customer) -> list[tuple[Document, Decimal]]:
    """A customer's open debit items with what is still free to dispute."""
    docs = list(
        Document.objects.filter(customer=customer, cleared_date__isnull=True, open_amount__gt=0)
        .select_related("entity")
        .order_by("due_date", "document_ref")
    )
    disputed = disputed_by_document(document_ids=[d.pk for d in docs])
    return [(d, d.open_amount - disputed.get(d.pk, ZERO)) for d in docs]


def credit_memo_requests(
    *, status: str | None = None, queryset: QuerySet[CreditMemoRequest] | None = None
) -> QuerySet[CreditMemoRequest]:
    """Credit-memo requests with their case, customer, item and entity, oldest first."""
    qs = (CreditMemoRequest.objects.all() if queryset is None else queryset).select_related(
        "case__customer", "case__reason", "document__entity", "credit_memo"
    )
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("requested_at", "id")
