"""Credit limits and exposure: the account's exposure, limit in force and available credit
(``GET /api/credit/customers/{ref}/exposure``), its limit history, and setting a limit
(``POST /api/credit/limits``, credit, manager or admin).

No ``from __future__ import annotations`` here: ``@paginate`` reads the annotations as objects."""

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Schema, Status
from ninja.pagination import paginate
from pydantic import Field

from openar.core import dates
from openar.core.errors import NotFound
from openar.core.money import format_amount
from openar.core.pagination import LimitOffset, Rows
from openar.core.roles import api_check_role
from openar.core.schemas import ERRORS
from openar.credit.api import router
from openar.credit.models import CreditLimit
from openar.credit.selectors import CustomerExposure, Exposure, customer_exposure, limit_history
from openar.credit.services import LIMIT_ROLES, credit_limit_set
from openar.ledger.models import Customer


class ExposurePartsOut(Schema):
    currency: str
    open_ar: str = Field(description="open items on as_of")
    open_orders: str = Field(description="imported open orders")
    uninvoiced_shipments: str = Field(description="imported shipments not invoiced yet")
    exposure: str = Field(description="open_ar + open_orders + uninvoiced_shipments")
    unconverted: dict[str, str] = Field(description="left out for want of a rate, by currency")


class GroupLimitOut(Schema):
    group_ref: str = Field(description="the account the group limit is set on")
    members: int
    credit_limit: str
    currency: str
    exposure: ExposurePartsOut
    available_credit: str


class ExposureOut(Schema):
    customer_ref: str
    as_of: dt.date
    currency: str
    credit_limit: str | None
    limit_kind: str | None = Field(description="permanent, temporary or erp (customer master)")
    limit_ends_on: dt.date | None
    open_ar: str
    open_orders: str
    uninvoiced_shipments: str
    exposure: str
    available_credit: str | None = Field(
        description="the least left under the account's own limit and every group limit"
    )
    over_limit: bool
    unconverted: dict[str, str]
    group_limits: list[GroupLimitOut]


class LimitIn(Schema):
    customer_ref: str
    amount: Decimal
    currency: str
    reason: str
    scope: Literal["customer", "group"] = "customer"
    ends_on: dt.date | None = Field(None, description="a temporary limit's last day")


class LimitOut(Schema):
    id: int
    customer_ref: str
    scope: str
    kind: str = Field(description="permanent or temporary")
    amount: str
    currency: str
    previous_amount: str | None
    starts_on: dt.date
    ends_on: dt.date | None
    reason: str
    set_by: str
    set_at: dt.datetime


def _parts(x: Exposure) -> dict[str, Any]:
    cur = x.currency
    return {
        "currency": cur,
        "open_ar": format_amount(x.open_ar, cur),
        "open_orders": format_amount(x.open_orders, cur),
        "uninvoiced_shipments": format_amount(x.shipments, cur),
        "exposure": format_amount(x.total, cur),
        "unconverted": {c: format_amount(a, c) for c, a in x.unconverted.items()},
    }


def exposure_out(x: CustomerExposure) -> dict[str, Any]:
    cur = x.currency
    parts = _parts(x.exposure)
    return {
        "customer_ref": x.customer_ref,
        "as_of": x.as_of,
        "currency": cur,
        "credit_limit": format_amount(x.limit.amount, cur) if x.limit else None,
        "limit_kind": x.limit.kind if x.limit else None,
        "limit_ends_on": x.limit.ends_on if x.limit else None,
        "open_ar": parts["open_ar"],
        "open_orders": parts["open_orders"],
        "uninvoiced_shipments": parts["uninvoiced_shipments"],
        "exposure": parts["exposure"],
        "available_credit": (
            format_amount(x.available_credit, cur) if x.available_credit is not None else None
        ),
        "over_limit": x.over_limit,
        "unconverted": parts["unconverted"],
        "group_limits": [
            {
                "group_ref": g.head_ref,
                "members": g.members,
                "credit_limit": format_amount(g.limit.amount, g.limit.currency),
                "currency": g.limit.currency,
                "exposure": _parts(g.exposure),
                "available_credit": format_amount(g.available, g.limit.currency),
            }
            for g in x.groups
        ],
    }


def _limit_out(row: CreditLimit) -> dict[str, Any]:
    return {
        "id": row.pk,
        "customer_ref": row.customer.customer_ref,
        "scope": row.scope,
        "kind": row.kind,
        "amount": format_amount(row.amount, row.currency),
        "currency": row.currency,
        "previous_amount": (
            format_amount(row.previous_amount, row.currency)
            if row.previous_amount is not None
            else None
        ),
        "starts_on": row.starts_on,
        "ends_on": row.ends_on,
        "reason": row.reason,
        "set_by": row.set_by_label,
        "set_at": row.set_at,
    }


def _customer(customer_ref: str) -> Customer:
    customer = Customer.objects.filter(customer_ref=customer_ref).first()
    if customer is None:
        raise NotFound(f"no customer {customer_ref!r}", field="customer_ref")
    return customer


@router.get("/credit/customers/{customer_ref}/exposure", response={200: ExposureOut, **ERRORS})
def exposure(
    request: HttpRequest, customer_ref: str, as_of: dt.date | None = None
) -> dict[str, Any]:
    """The account's exposure (open AR, open orders, uninvoiced shipments), the limit in force
    and the credit available on ``as_of`` (default today), with the group limits it shares."""
    customer = _customer(customer_ref)
    return exposure_out(customer_exposure(customer, as_of=as_of or dates.today()))


@router.get("/credit/customers/{customer_ref}/limits", response={200: list[LimitOut], **ERRORS})
@paginate(LimitOffset)
def limits(request: HttpRequest, customer_ref: str) -> Rows:
    """The account's limit history, newest first: who set each limit, when and why."""
    customer = _customer(customer_ref)
    return Rows(limit_history(customer=customer).select_related("customer"), _limit_out)


@router.post("/credit/limits", response={201: LimitOut, **ERRORS})
def limit_create(request: HttpRequest, payload: LimitIn) -> Status:
    """Set an account's or a group's credit limit from today (credit analysts, managers,
    administrators); with ``ends_on``, a temporary limit."""
    actor = api_check_role(
        request, *LIMIT_ROLES, message="only a credit analyst or a manager can set a credit limit"
    )
    customer = _customer(payload.customer_ref)
    row = credit_limit_set(
        customer=customer,
        amount=payload.amount,
        currency=payload.currency,
        reason=payload.reason,
        scope=payload.scope,
        ends_on=payload.ends_on,
        actor=actor,
        as_of=dates.today(),
    )
    return Status(201, _limit_out(CreditLimit.objects.select_related("customer").get(pk=row.pk)))
