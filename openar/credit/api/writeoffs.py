"""Write-offs: ask for one (collector, credit, manager, admin), approve or reject it (someone
else, within their approval limit), the list, and the journal lines the ERP posts.

No ``from __future__ import annotations`` here: ``@paginate`` reads the annotations as objects."""

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Query, Schema, Status
from ninja.pagination import paginate
from pydantic import Field

from openar.core import dates
from openar.core.errors import NotFound
from openar.core.money import format_amount
from openar.core.pagination import LimitOffset, Rows
from openar.core.roles import api_check_role
from openar.core.schemas import ERRORS
from openar.credit.api import router
from openar.credit.models import WriteOff
from openar.credit.selectors import write_off_list
from openar.credit.services import (
    WRITE_OFF_REQUEST_ROLES,
    approver_role,
    write_off_decide,
    write_off_request,
)
from openar.ledger.models import Customer


class WriteOffItemIn(Schema):
    entity: str
    document_ref: str
    amount: str = Field(description="in the item's currency, at most what it has open")


class WriteOffIn(Schema):
    customer_ref: str
    items: list[WriteOffItemIn]
    reason: str


class DecisionNoteIn(Schema):
    note: str = ""


class WriteOffItemOut(Schema):
    entity: str
    document_ref: str
    amount: str


class WriteOffOut(Schema):
    id: int
    customer_ref: str
    status: str = Field(description="pending, approved or rejected")
    source: str = Field(description="person or strategy")
    currency: str
    amount: str
    reporting_amount: str
    reporting_currency: str
    approver: str = Field(description="the least role whose approval limit covers it")
    items: list[WriteOffItemOut]
    reason: str
    requested_by: str
    requested_at: dt.datetime
    decided_by: str | None
    decided_at: dt.datetime | None
    posted_on: dt.date | None
    note: str


class WriteOffFilters(Schema):
    status: Literal["pending", "approved", "rejected"] | None = None
    customer: str | None = Field(None, description="customer_ref")


def write_off_out(w: WriteOff) -> dict[str, Any]:
    return {
        "id": w.pk,
        "customer_ref": w.customer.customer_ref,
        "status": w.status,
        "source": w.source,
        "currency": w.currency,
        "amount": format_amount(w.amount, w.currency),
        "reporting_amount": format_amount(w.reporting_amount, w.reporting_currency),
        "reporting_currency": w.reporting_currency,
        "approver": approver_role(w.reporting_amount),
        "items": [
            {
                "entity": i.document.entity.code,
                "document_ref": i.document.document_ref,
                "amount": format_amount(i.amount, w.currency),
            }
            for i in w.items.all()
        ],
        "reason": w.reason,
        "requested_by": w.requested_by_label,
        "requested_at": w.requested_at,
        "decided_by": w.decided_by.username if w.decided_by else None,
        "decided_at": w.decided_at,
        "posted_on": w.posted_on,
        "note": w.note,
    }


def _with_items(qs: Any) -> Any:
    return qs.prefetch_related("items__document__entity")


def _write_off(write_off_id: int) -> WriteOff:
    found = _with_items(write_off_list()).filter(pk=write_off_id).first()
    if found is None:
        raise NotFound(f"no write-off {write_off_id}", field="write_off_id")
    return found


@router.get("/credit/write-offs", response={200: list[WriteOffOut], **ERRORS})
@paginate(LimitOffset)
def write_offs(request: HttpRequest, filters: Query[WriteOffFilters]) -> Rows:
    """Write-offs, newest first."""
    qs = write_off_list(status=filters.status, customer=filters.customer)
    return Rows(_with_items(qs), write_off_out)


@router.post("/credit/write-offs", response={201: WriteOffOut, **ERRORS})
def write_off_create(request: HttpRequest, payload: WriteOffIn) -> Status:
    """Ask for items of one customer to be written off, with a reason."""
    actor = api_check_role(
        request,
        *WRITE_OFF_REQUEST_ROLES,
        message="only collectors, credit and managers ask for write-offs",
    )
    customer = Customer.objects.filter(customer_ref=payload.customer_ref).first()
    if customer is None:
        raise NotFound(f"no customer {payload.customer_ref!r}", field="customer_ref")
    w = write_off_request(
        customer=customer,
        items=[item.dict() for item in payload.items],
        reason=payload.reason,
        actor=actor,
        as_of=dates.today(),
    )
    return Status(201, write_off_out(_write_off(w.pk)))


def _decide(request: HttpRequest, write_off_id: int, approve: bool, note: str) -> dict[str, Any]:
    actor = api_check_role(
        request, *WRITE_OFF_REQUEST_ROLES, message="only collectors, credit and managers decide"
    )
    write_off_decide(
        write_off=_write_off(write_off_id), approve=approve, actor=actor,
        as_of=dates.today(), note=note,
    )  # fmt: skip
    return write_off_out(_write_off(write_off_id))


@router.post("/credit/write-offs/{write_off_id}/approve", response={200: WriteOffOut, **ERRORS})
def write_off_approve(
    request: HttpRequest, write_off_id: int, payload: DecisionNoteIn | None = None
) -> dict[str, Any]:
    """Approve: the items' open amounts fall and the journal lines go to the ERP. Not one's
    own request; within one's approval limit."""
    return _decide(request, write_off_id, True, payload.note if payload else "")


@router.post("/credit/write-offs/{write_off_id}/reject", response={200: WriteOffOut, **ERRORS})
def write_off_reject(
    request: HttpRequest, write_off_id: int, payload: DecisionNoteIn | None = None
) -> dict[str, Any]:
    """Reject: nothing changes on the items."""
    return _decide(request, write_off_id, False, payload.note if payload else "")
