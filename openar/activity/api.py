"""Promise and contact-log REST endpoints (a CRM or dialer records promises and calls here)."""

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import Field

from openar.activity.choices import ContactDirection
from openar.activity.models import ContactLog, PaymentPlan, PromiseToPay
from openar.activity.plans import plan_create, plan_list
from openar.activity.selectors import promise_list
from openar.activity.services import contact_record, promise_cancel, promise_record
from openar.core.dates import today
from openar.core.errors import NotFound
from openar.core.money import format_amount
from openar.core.pagination import LimitOffset, Rows
from openar.core.roles import Role, api_check_role
from openar.core.schemas import ERRORS
from openar.ledger.models import Customer, Document

router = Router(tags=["promises and contacts"])
WRITE_ROLES = (Role.COLLECTOR, Role.MANAGER, Role.CREDIT)


def _writer(request: HttpRequest) -> Any:
    return api_check_role(
        request,
        *WRITE_ROLES,
        message="recording promises and contacts needs a collector or manager role",
    )


def _customer(ref: str) -> Customer:
    customer = Customer.objects.filter(customer_ref=ref).first()
    if customer is None:
        raise NotFound(f"no customer {ref!r}", field="customer_ref")
    return customer


class PromiseOut(Schema):
    id: int
    customer_ref: str
    amount: str
    currency: str
    promised_date: dt.date
    taken_on: dt.date
    taken_by: str | None
    status: str
    received_amount: str
    checked_as_of: dt.date | None
    resolved_on: dt.date | None
    documents: list[str]
    note: str


def _promise(p: PromiseToPay) -> dict[str, Any]:
    return {
        "id": p.pk,
        "customer_ref": p.customer.customer_ref,
        "amount": format_amount(p.amount, p.currency),
        "currency": p.currency,
        "promised_date": p.promised_date,
        "taken_on": p.taken_on,
        "taken_by": p.taken_by.username if p.taken_by else None,
        "status": p.status,
        "received_amount": format_amount(p.received_amount, p.currency),
        "checked_as_of": p.checked_as_of,
        "resolved_on": p.resolved_on,
        "documents": [d.document_ref for d in p.documents.all()],
        "note": p.note,
    }


class PromiseFilters(Schema):
    status: str | None = Field(None, description="open, kept, broken or cancelled")
    customer_ref: str | None = None


@router.get("/promises", response={200: list[PromiseOut], **ERRORS}, summary="List promises")
@paginate(LimitOffset)
def promises_list(request: HttpRequest, filters: Query[PromiseFilters]) -> Rows:
    """Promises to pay, latest promised date first."""
    qs = promise_list(status=filters.status or "")
    if filters.customer_ref:
        qs = qs.filter(customer__customer_ref=filters.customer_ref)
    return Rows(qs.prefetch_related("documents"), _promise)


class PromiseIn(Schema):
    customer_ref: str
    amount: str = Field(description="decimal string, e.g. '1250.00'")
    currency: str
    promised_date: dt.date
    taken_on: dt.date | None = Field(None, description="default: today")
    document_refs: list[str] = Field(default_factory=list, description="documents it covers")
    note: str = ""
    channel: str | None = Field(None, description="log the contact that took it (e.g. 'call')")


@router.post("/promises", response={201: PromiseOut, **ERRORS}, summary="Record a promise")
def promises_create(request: HttpRequest, payload: PromiseIn) -> Status[dict[str, Any]]:
    """Record a promise to pay; a bad amount, date or currency is refused naming the field."""
    user = _writer(request)
    customer = _customer(payload.customer_ref)
    docs = list(Document.objects.filter(customer=customer, document_ref__in=payload.document_refs))
    missing = set(payload.document_refs) - {d.document_ref for d in docs}
    if missing:
        raise NotFound(f"no document {sorted(missing)[0]!r} for this customer", field="documents")
    promise = promise_record(
        customer=customer,
        amount=payload.amount,
        currency=payload.currency,
        promised_date=payload.promised_date,
        taken_on=payload.taken_on or today(),
        documents=docs,
        note=payload.note,
        channel=payload.channel,
        actor=user,
    )
    return Status(201, _promise(promise))


@router.post(
    "/promises/{promise_id}/cancel", response={200: PromiseOut, **ERRORS}, summary="Cancel"
)
def promises_cancel(request: HttpRequest, promise_id: int) -> dict[str, Any]:
    """Cancel an open promise."""
    user = _writer(request)
    promise = PromiseToPay.objects.select_related("customer").filter(pk=promise_id).first()
    if promise is None:
        raise NotFound(f"no promise {promise_id}", field="promise_id")
    return _promise(promise_cancel(promise=promise, actor=user))


class ContactIn(Schema):
    customer_ref: str
    channel: str = Field(description="call, email, letter, visit or note")
    outcome: str = Field(description="reached, left_message, no_answer, promise_taken, ...")
    direction: str = ContactDirection.OUTBOUND.value
    note: str = ""
    action_id: int | None = None
    contacted_at: dt.datetime | None = Field(None, description="with a time zone; default now")


class ContactOut(Schema):
    id: int
    customer_ref: str
    user: str | None
    channel: str
    direction: str
    outcome: str
    contacted_at: dt.datetime
    note: str
    action_id: int | None


def _contact(c: ContactLog, customer: Customer) -> dict[str, Any]:
    return {
        "id": c.pk,
        "customer_ref": customer.customer_ref,
        "user": c.user.username if c.user else None,
        "channel": c.channel,
        "direction": c.direction,
        "outcome": c.outcome,
        "contacted_at": c.contacted_at,
        "note": c.note,
        "action_id": c.action_id,
    }


@router.post("/contacts", response={201: ContactOut, **ERRORS}, summary="Log a contact")
def contacts_create(request: HttpRequest, payload: ContactIn) -> Status[dict[str, Any]]:
    """Log a call (with its outcome), email, letter, visit or note for a customer."""
    user = _writer(request)
    customer = _customer(payload.customer_ref)
    contact = contact_record(
        customer=customer,
        user=user,
        channel=payload.channel,
        outcome=payload.outcome,
        direction=payload.direction,
        note=payload.note,
        action_id=payload.action_id,
        contacted_at=payload.contacted_at,
        actor=user,
    )
    return Status(201, _contact(contact, customer))


@router.get(
    "/customers/{customer_ref}/contacts",
    response={200: list[ContactOut], **ERRORS},
    summary="A customer's contacts",
)
@paginate(LimitOffset)
def contacts_list(request: HttpRequest, customer_ref: str) -> Rows:
    """The customer's contact log, latest first, a page at a time."""
    customer = _customer(customer_ref)
    rows = ContactLog.objects.filter(customer=customer).select_related("user")
    return Rows(rows.order_by("-contacted_at", "-id"), lambda c: _contact(c, customer))


# --- payment plans -------------------------------------------------------------------------


class PlanItemIn(Schema):
    entity: str = Field(description="entity code of the document")
    document_ref: str


class InstalmentIn(Schema):
    due_date: dt.date
    amount: str = Field(description="decimal string")


class PlanIn(Schema):
    customer_ref: str
    items: list[PlanItemIn] = Field(description="the open items the plan covers")
    instalments: list[InstalmentIn] = Field(
        description="they add up to the items' open amount plus the fee"
    )
    note: str = ""
    fee: str = Field("0", description="interest or fee added to the plan (decimal string)")
    taken_on: dt.date | None = Field(None, description="default: today")


class InstalmentOut(Schema):
    seq: int
    due_date: dt.date
    amount: str
    received_amount: str
    status: str = Field(description="open, kept, partly_kept or broken")


class PlanOut(Schema):
    id: int
    customer_ref: str
    currency: str
    status: str = Field(description="current, completed, broken or cancelled")
    covered_amount: str
    fee: str
    taken_on: dt.date
    taken_by: str | None
    items: list[str]
    instalments: list[InstalmentOut]
    note: str


def _plan(p: PaymentPlan) -> dict[str, Any]:
    return {
        "id": p.pk,
        "customer_ref": p.customer.customer_ref,
        "currency": p.currency,
        "status": p.status,
        "covered_amount": format_amount(p.covered_amount, p.currency),
        "fee": format_amount(p.fee_amount, p.currency),
        "taken_on": p.taken_on,
        "taken_by": p.taken_by.username if p.taken_by else None,
        "items": sorted(d.document_ref for d in p.documents.all()),
        "instalments": [
            {
                "seq": i.seq,
                "due_date": i.due_date,
                "amount": format_amount(i.amount, p.currency),
                "received_amount": format_amount(i.received_amount, p.currency),
                "status": i.status,
            }
            for i in p.instalments.all()
        ],
        "note": p.note,
    }


@router.post("/plans", response={201: PlanOut, **ERRORS}, summary="Make a payment plan")
def plans_create(request: HttpRequest, payload: PlanIn) -> Status[dict[str, Any]]:
    """Split the open amount of the chosen items (plus any fee) into instalments; instalments
    that do not add up are refused with ``field`` ``instalments`` and nothing is written."""
    user = _writer(request)
    customer = _customer(payload.customer_ref)
    docs = []
    for item in payload.items:
        doc = Document.objects.filter(
            customer=customer, entity__code=item.entity, document_ref=item.document_ref
        ).first()
        if doc is None:
            raise NotFound(
                f"no document {item.document_ref!r} of entity {item.entity!r} for this customer",
                field="items",
            )
        docs.append(doc)
    plan = plan_create(
        customer=customer,
        documents=docs,
        instalments=[{"due_date": i.due_date, "amount": i.amount} for i in payload.instalments],
        taken_on=payload.taken_on or today(),
        fee=payload.fee,
        note=payload.note,
        actor=user,
    )
    return Status(201, _plan(plan_list().get(pk=plan.pk)))


class PlanFilters(Schema):
    customer_ref: str | None = None


@router.get("/plans", response={200: list[PlanOut], **ERRORS}, summary="List payment plans")
@paginate(LimitOffset)
def plans_list(request: HttpRequest, filters: Query[PlanFilters]) -> Rows:
    """Payment plans, newest first, with their items and instalments."""
    return Rows(plan_list(customer_ref=filters.customer_ref), _plan)
