"""Ledger REST endpoints: customers, items (documents) and the aging report.

Thin by design: parse the query, call one selector, serialize with the Out schemas below.
Amounts are decimal strings with exactly the currency's decimals."""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.pagination import paginate
from pydantic import Field

from openar.core.customer_flags import flag_value
from openar.core.dates import today
from openar.core.errors import NotFound
from openar.core.figures import customer_figures
from openar.core.money import format_amount
from openar.core.pagination import LimitOffset, Rows
from openar.core.schemas import ERRORS
from openar.ledger.models import Customer, Document
from openar.ledger.selectors import AgingFilters, aging_report, customer_list, customer_summary

router = Router(tags=["ledger"])


def _amount(value: Decimal | None, currency: str) -> str | None:
    return None if value is None else format_amount(value, currency)


# ---------------------------------------------------------------- customers


class CustomerFilters(Schema):
    search: str | None = Field(None, description="part of the customer_ref or name")
    collector: str | None = Field(None, description="a username, or 'unassigned'")
    entity: str | None = Field(None, description="entity (company code)")
    segment: str | None = None
    min_balance: Decimal | None = Field(None, description="in the reporting currency")
    max_balance: Decimal | None = None
    min_days_past_due: int | None = None


class CustomerRowOut(Schema):
    customer_ref: str
    name: str
    entity: str
    currency: str
    parent_ref: str | None
    collector: str | None
    segment: str
    credit_limit: str | None = Field(description="in the customer currency")
    aging_as_of: dt.date | None = Field(
        description="date of the aging snapshot; null when the account had no open items then"
    )
    aging_currency: str = Field(description="currency of balance and past_due (reporting)")
    balance: str
    past_due: str
    days_past_due: int = Field(description="days past due of the oldest open item")
    open_items: int
    on_hold: bool = Field(description="on credit hold: new orders blocked (set by credit)")


def _customer_row(customer: Customer) -> dict[str, Any]:
    try:
        snap = customer.aging
    except Customer.aging.RelatedObjectDoesNotExist:
        snap = None
    reporting = snap.currency if snap else settings.OPENAR_REPORTING_CURRENCY
    return {
        "customer_ref": customer.customer_ref,
        "name": customer.name,
        "entity": customer.entity.code,
        "currency": customer.currency,
        "parent_ref": customer.parent.customer_ref if customer.parent else None,
        "collector": customer.collector.username if customer.collector else None,
        "segment": customer.segment,
        "credit_limit": _amount(customer.credit_limit, customer.currency),
        "aging_as_of": snap.as_of if snap else None,
        "aging_currency": reporting,
        "balance": format_amount(snap.balance if snap else Decimal(0), reporting),
        "past_due": format_amount(snap.past_due if snap else Decimal(0), reporting),
        "days_past_due": snap.days_past_due if snap else 0,
        "open_items": snap.open_items if snap else 0,
        "on_hold": flag_value(customer, "on_hold"),
    }


@router.get("/customers", response={200: list[CustomerRowOut], **ERRORS}, summary="List customers")
@paginate(LimitOffset)
def customers(request: HttpRequest, filters: Query[CustomerFilters]) -> Rows:
    """Customers with balance and days past due from the latest aging snapshot
    (refreshed by `openar run-daily`)."""
    qs = customer_list(
        search=filters.search,
        collector=filters.collector,
        entity=filters.entity,
        segment=filters.segment,
        min_balance=filters.min_balance,
        max_balance=filters.max_balance,
        min_days_past_due=filters.min_days_past_due,
    )
    return Rows(qs.order_by("customer_ref"), _customer_row)


class BucketAmountOut(Schema):
    currency: str
    total: str
    buckets: dict[str, str]


class CustomerDetailOut(Schema):
    customer_ref: str
    name: str
    entity: str
    currency: str
    parent_ref: str | None
    children: list[str]
    collector: str | None
    segment: str
    payment_terms_days: int
    language: str
    country: str
    email: str
    phone: str
    attributes: dict[str, Any]
    as_of: dt.date
    balance: str = Field(description="open balance on as_of, in the customer currency")
    past_due: str
    disputed: str = Field(description="open amounts in dispute, customer currency")
    collectible_past_due: str = Field(description="past due less its disputed part")
    credit_limit: str | None
    available_credit: str | None
    unapplied_cash: str
    buckets: list[str] = Field(description="aging bucket names, youngest first")
    aging: dict[str, str] = Field(description="open amount per bucket, customer currency")
    unconverted: list[BucketAmountOut] = Field(
        description="open items in currencies with no rate to the customer currency"
    )
    open_items: int
    on_hold: bool = Field(description="on credit hold: new orders blocked (set by credit)")


@router.get(
    "/customers/{customer_ref}",
    response={200: CustomerDetailOut, **ERRORS},
    summary="One customer with its aging",
)
def customer_detail(
    request: HttpRequest, customer_ref: str, as_of: dt.date | None = None
) -> dict[str, Any]:
    """Balance, past due, credit and aging buckets of one account on ``as_of`` (default today),
    in the customer's own currency."""
    summary = customer_summary(customer_ref=customer_ref, as_of=as_of or today())
    customer, cur = summary.customer, summary.currency
    figures = customer_figures(customer, summary.as_of, cur, summary.past_due)
    return {
        "customer_ref": customer.customer_ref,
        "name": customer.name,
        "entity": customer.entity.code,
        "currency": cur,
        "parent_ref": customer.parent.customer_ref if customer.parent else None,
        "children": list(
            customer.children.order_by("customer_ref").values_list("customer_ref", flat=True)
        ),
        "collector": customer.collector.username if customer.collector else None,
        "segment": customer.segment,
        "payment_terms_days": customer.payment_terms_days,
        "language": customer.language,
        "country": customer.country,
        "email": customer.email,
        "phone": customer.phone,
        "attributes": customer.attributes,
        "as_of": summary.as_of,
        "balance": format_amount(summary.balance, cur),
        "past_due": format_amount(summary.past_due, cur),
        "disputed": format_amount(figures.get("disputed", Decimal(0)), cur),
        "collectible_past_due": format_amount(
            figures.get("collectible_past_due", summary.past_due), cur
        ),
        "credit_limit": _amount(summary.credit_limit, cur),
        "available_credit": _amount(summary.available_credit, cur),
        "unapplied_cash": format_amount(summary.unapplied_cash, cur),
        "buckets": summary.aging.bucket_names,
        "aging": {n: format_amount(v, cur) for n, v in summary.aging.totals.items()},
        "unconverted": [
            {
                "currency": u.currency,
                "total": format_amount(u.total, u.currency),
                "buckets": {n: format_amount(v, u.currency) for n, v in u.buckets.items()},
            }
            for u in summary.unconverted
        ],
        "open_items": len(summary.items),
        "on_hold": flag_value(customer, "on_hold"),
    }


# ---------------------------------------------------------------- items


class ItemFilters(Schema):
    customer_ref: str | None = None
    entity: str | None = None
    open: bool | None = Field(
        None, description="true: open items only; false: cleared items only; omitted: both"
    )
    due_before: dt.date | None = Field(None, description="only items due before this date")


class ItemOut(Schema):
    entity: str
    document_ref: str
    customer_ref: str
    document_type: str
    document_date: dt.date
    due_date: dt.date
    currency: str
    amount: str
    open_amount: str
    cleared_date: dt.date | None
    reference: str
    po_number: str
    disputed: bool


class ApplicationOut(Schema):
    receipt_ref: str
    amount: str
    applied_date: dt.date


class ChangeOut(Schema):
    field: str
    before: str
    after: str
    changed_at: dt.datetime


class ItemDetailOut(ItemOut):
    customer_name: str
    functional_currency: str
    functional_amount: str | None
    functional_open_amount: str | None
    fx_rate: str | None
    fx_rate_date: dt.date | None
    attributes: dict[str, Any]
    source: str
    applications: list[ApplicationOut]
    changes: list[ChangeOut]


def _item_row(doc: Document) -> dict[str, Any]:
    return {
        "entity": doc.entity.code,
        "document_ref": doc.document_ref,
        "customer_ref": doc.customer.customer_ref,
        "document_type": doc.document_type,
        "document_date": doc.document_date,
        "due_date": doc.due_date,
        "currency": doc.currency,
        "amount": format_amount(doc.amount, doc.currency),
        "open_amount": format_amount(doc.open_amount, doc.currency),
        "cleared_date": doc.cleared_date,
        "reference": doc.reference,
        "po_number": doc.po_number,
        "disputed": doc.disputed,
    }


def _documents(filters: ItemFilters) -> QuerySet[Document]:
    # A read the ledger selectors do not offer yet (current state, not as-of); kept here until
    # a `document_list` selector exists.
    qs = Document.objects.select_related("entity", "customer")
    if filters.customer_ref:
        qs = qs.filter(customer__customer_ref=filters.customer_ref)
    if filters.entity:
        qs = qs.filter(entity__code=filters.entity)
    is_open = Q(cleared_date__isnull=True) & ~Q(open_amount=0)
    if filters.open is True:
        qs = qs.filter(is_open)
    elif filters.open is False:
        qs = qs.exclude(is_open)
    if filters.due_before:
        qs = qs.filter(due_date__lt=filters.due_before)
    return qs.order_by("due_date", "document_ref", "id")


@router.get("/items", response={200: list[ItemOut], **ERRORS}, summary="List items")
@paginate(LimitOffset)
def items(request: HttpRequest, filters: Query[ItemFilters]) -> Rows:
    """Receivable documents (invoices, credit memos, debit memos, down payments) as they are now,
    oldest due date first."""
    return Rows(_documents(filters), _item_row)


@router.get(
    "/items/{entity}/{path:document_ref}",
    response={200: ItemDetailOut, **ERRORS},
    summary="One item with its applications and change history",
)
def item_detail(request: HttpRequest, entity: str, document_ref: str) -> dict[str, Any]:
    """One document by entity code and document number."""
    try:
        doc = Document.objects.select_related("entity", "customer").get(
            entity__code=entity, document_ref=document_ref
        )
    except Document.DoesNotExist:
        raise NotFound(
            f"no item {document_ref!r} in entity {entity!r}", field="document_ref"
        ) from None
    fcur = doc.functional_currency
    return {
        **_item_row(doc),
        "customer_name": doc.customer.name,
        "functional_currency": fcur,
        "functional_amount": _amount(doc.functional_amount, fcur),
        "functional_open_amount": _amount(doc.functional_open_amount, fcur),
        "fx_rate": None if doc.fx_rate is None else f"{doc.fx_rate.normalize():f}",
        "fx_rate_date": doc.fx_rate_date,
        "attributes": doc.attributes,
        "source": doc.source,
        "applications": [
            {
                "receipt_ref": app.receipt.receipt_ref,
                "amount": format_amount(app.amount, doc.currency),
                "applied_date": app.applied_date,
            }
            for app in doc.applications.select_related("receipt").order_by("applied_date", "id")
        ],
        "changes": [
            {"field": c.field, "before": c.before, "after": c.after, "changed_at": c.changed_at}
            for c in doc.changes.order_by("changed_at", "id")
        ],
    }


# ---------------------------------------------------------------- aging


class AgingParams(Schema):
    as_of: dt.date | None = Field(None, description="default: today")
    by: str = Field("customer", description="customer, collector, entity or group")
    buckets: str | None = Field(None, description="bucket upper bounds in days, e.g. 30,60,90")
    currency: str | None = Field(None, description="reporting currency (default: the setting)")
    entity: str | None = None
    collector: str | None = Field(None, description="a username, or 'unassigned'")
    segment: str | None = None
    customer_ref: str | None = None
    group: str | None = Field(None, description="a customer_ref: that account and its children")


class AgingRowOut(Schema):
    key: str
    name: str
    total: str
    buckets: dict[str, str]


class AgingTotalsOut(Schema):
    total: str
    buckets: dict[str, str]


class AgingUnconvertedOut(AgingRowOut):
    currency: str


class AgingOut(Schema):
    as_of: dt.date
    currency: str
    buckets: list[str]
    rows: list[AgingRowOut]
    totals: AgingTotalsOut
    unconverted: list[AgingUnconvertedOut]


@router.get("/aging", response={200: AgingOut, **ERRORS}, summary="Aging report")
def aging(request: HttpRequest, params: Query[AgingParams]) -> dict[str, Any]:
    """Open items on ``as_of`` by bucket, grouped and converted to the reporting currency; the same
    JSON as `openar report aging --format json`."""
    report = aging_report(
        as_of=params.as_of or today(),
        by=params.by,
        bucket_bounds=params.buckets,
        currency=params.currency,
        filters=AgingFilters(
            entity=params.entity,
            collector=params.collector,
            segment=params.segment,
            customer_ref=params.customer_ref,
            group_ref=params.group,
        ),
    )
    return report.as_dict()
