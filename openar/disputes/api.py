"""Disputes REST endpoints: open a case on a customer's items, list and read cases, resolve
them, and their notes and attachments; the credit-memo requests the ERP picks up."""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.http import HttpRequest, HttpResponse
from ninja import File, Query, Router, Schema, Status, UploadedFile
from ninja.pagination import paginate
from pydantic import Field

from openar.core.dates import today
from openar.core.errors import NotFound
from openar.core.money import format_amount
from openar.core.pagination import LimitOffset, Rows
from openar.core.roles import Role, api_check_role
from openar.core.schemas import ERRORS
from openar.disputes.models import CaseAttachment, CaseNote, CreditMemoRequest, DisputeCase
from openar.disputes.selectors import case_detail, case_list, credit_memo_requests
from openar.disputes.services import (
    case_assign,
    case_attachment_add,
    case_info_receive,
    case_info_request,
    case_note_add,
    case_start,
    credit_request_cancel,
    dispute_open,
    dispute_resolve,
)
from openar.ledger.models import Customer, Document

router = Router(tags=["disputes"])
OPENERS = (Role.COLLECTOR, Role.RESEARCH, Role.MANAGER, Role.CASHAPP, Role.CREDIT)
WORKERS = (Role.RESEARCH, Role.MANAGER, Role.COLLECTOR)


def _caller(request: HttpRequest, roles: tuple[str, ...] = OPENERS) -> Any:
    return api_check_role(request, *roles, message="disputes need a collections role")


def _case(case_id: int) -> DisputeCase:
    case = case_detail(case_id)
    if case is None:
        raise NotFound(f"no dispute {case_id}", field="id")
    return case


class ItemIn(Schema):
    entity: str
    document_ref: str
    amount: Decimal = Field(description="disputed amount, at most what the item has open")


class DisputeIn(Schema):
    customer_ref: str
    items: list[ItemIn]
    reason_code: str
    description: str = ""
    contact_name: str = ""
    contact_email: str = ""
    contact_phone: str = ""
    expected_resolution_date: dt.date | None = None


class ItemOut(Schema):
    entity: str
    document_ref: str
    amount: str
    open_amount: str
    due_date: dt.date


class CreditRequestOut(Schema):
    id: int
    request_ref: str
    entity: str
    document_ref: str
    amount: str
    currency: str
    status: str
    requested_at: dt.datetime
    credit_memo: str | None
    applied_on: dt.date | None
    cancelled_at: dt.datetime | None
    cancel_reason: str


class DisputeOut(Schema):
    id: int
    kind: str
    status: str
    owner: str | None
    owner_team: str
    customer_ref: str
    reason_code: str
    description: str
    amount: str
    currency: str
    items: list[ItemOut]
    contact: dict[str, str]
    opened_on: dt.date
    due_on: dt.date = Field(description="the SLA date (opened_on + the reason's SLA days)")
    overdue: bool
    expected_resolution_date: dt.date | None
    waiting_on: str | None
    escalated_to: str | None
    outcome: str | None
    credit_amount: str | None
    resolved_on: dt.date | None
    credit_requests: list[CreditRequestOut]


def _request_out(r: CreditMemoRequest) -> dict[str, Any]:
    return {
        "id": r.pk,
        "request_ref": r.request_ref,
        "entity": r.document.entity.code,
        "document_ref": r.document.document_ref,
        "amount": format_amount(r.amount, r.currency),
        "currency": r.currency,
        "status": r.status,
        "requested_at": r.requested_at,
        "credit_memo": r.credit_memo.document_ref if r.credit_memo_id and r.credit_memo else None,
        "applied_on": r.applied_on,
        "cancelled_at": r.cancelled_at,
        "cancel_reason": r.cancel_reason,
    }


def _out(case: DisputeCase) -> dict[str, Any]:
    cur = case.currency
    as_of = today()
    return {
        "id": case.pk,
        "kind": case.kind,
        "status": case.status,
        "owner": case.owner.get_username() if case.owner else None,
        "owner_team": case.owner_team,
        "customer_ref": case.customer.customer_ref,
        "reason_code": case.reason.code,
        "description": case.description,
        "amount": format_amount(case.amount, cur),
        "currency": cur,
        "items": [
            {
                "entity": i.document.entity.code,
                "document_ref": i.document.document_ref,
                "amount": format_amount(i.amount, cur),
                "open_amount": format_amount(i.document.open_amount, cur),
                "due_date": i.document.due_date,
            }
            for i in case.items.all()
        ],
        "contact": {
            "name": case.contact_name,
            "email": case.contact_email,
            "phone": case.contact_phone,
        },
        "opened_on": case.opened_on,
        "due_on": case.due_on,
        "overdue": case.status in ("open", "research", "waiting") and case.due_on < as_of,
        "expected_resolution_date": case.expected_on,
        "waiting_on": case.waiting_on or None,
        "escalated_to": case.escalated_to.get_username() if case.escalated_to else None,
        "outcome": case.outcome or None,
        "credit_amount": format_amount(case.credit_amount, cur)
        if case.credit_amount is not None
        else None,
        "resolved_on": case.resolved_on,
        "credit_requests": [_request_out(r) for r in case.credit_requests.all()],
    }


@router.post("/disputes", response={201: DisputeOut, **ERRORS}, summary="Open a dispute")
def disputes_create(request: HttpRequest, payload: DisputeIn) -> Status[dict[str, Any]]:
    """Open a dispute on one or more of a customer's items (whole or part of each) and route it
    to its owner. An amount above what the item has open, an item already cleared or an unknown
    reason is refused naming the field, and nothing is written."""
    user = _caller(request)
    customer = Customer.objects.filter(customer_ref=payload.customer_ref).first()
    if customer is None:
        raise NotFound(f"no customer {payload.customer_ref!r}", field="customer_ref")
    items = []
    for row, item in enumerate(payload.items):
        doc = Document.objects.filter(
            entity__code=item.entity, document_ref=item.document_ref
        ).first()
        if doc is None:
            raise NotFound(
                f"item {row + 1}: no document {item.entity}/{item.document_ref}",
                field=f"items[{row}].document_ref",
            )
        items.append((doc, item.amount))
    case = dispute_open(
        customer=customer,
        items=items,
        reason_code=payload.reason_code,
        description=payload.description,
        contact_name=payload.contact_name,
        contact_email=payload.contact_email,
        contact_phone=payload.contact_phone,
        expected_on=payload.expected_resolution_date,
        opened_on=today(),
        actor=user,
    )
    return Status(201, _out(_case(case.pk)))


class DisputeFilters(Schema):
    customer_ref: str | None = None
    status: str | None = Field(
        None, description="open, research, waiting, credit_pending, closed, or active"
    )
    owner: str | None = Field(None, description="the owner's username")
    reason_code: str | None = None
    kind: str | None = Field(None, description="dispute or deduction")


@router.get("/disputes", response={200: list[DisputeOut], **ERRORS}, summary="List disputes")
@paginate(LimitOffset)
def disputes_list(request: HttpRequest, filters: Query[DisputeFilters]) -> Rows:
    """Disputes and deductions, newest first."""
    _caller(request)
    qs = case_list(
        customer_ref=filters.customer_ref or "",
        status=filters.status or "",
        owner=filters.owner or "",
        reason_code=filters.reason_code or "",
        kind=filters.kind or "",
    ).prefetch_related("items__document__entity", "credit_requests__document__entity")
    return Rows(qs, _out)


@router.get("/disputes/{case_id}", response={200: DisputeOut, **ERRORS}, summary="One dispute")
def disputes_get(request: HttpRequest, case_id: int) -> dict[str, Any]:
    _caller(request)
    return _out(_case(case_id))


class ResolveIn(Schema):
    outcome: str = Field(description="valid, invalid, partial or write_off")
    credit_amount: Decimal | None = Field(
        None, description="valid: default the disputed amount; partial and write_off: required"
    )
    note: str = ""


@router.post("/disputes/{case_id}/resolve", response={200: DisputeOut, **ERRORS}, summary="Resolve")
def disputes_resolve(request: HttpRequest, case_id: int, payload: ResolveIn) -> dict[str, Any]:
    """Decide a dispute: a credit-memo request (valid, partial), collection resumes (invalid)
    or a write-off within the caller's approval limit; the customer gets a letter."""
    user = _caller(request, (Role.RESEARCH, Role.MANAGER))
    case = dispute_resolve(
        case=_case(case_id),
        outcome=payload.outcome,
        credit_amount=payload.credit_amount,
        note=payload.note,
        on=today(),
        actor=user,
    )
    return _out(_case(case.pk))


class AssignIn(Schema):
    owner_team: str = Field(description="research, billing, sales or logistics")
    owner: str | None = Field(None, description="a username")


@router.post(
    "/disputes/{case_id}/assign", response={200: DisputeOut, **ERRORS}, summary="Route by hand"
)
def disputes_assign(request: HttpRequest, case_id: int, payload: AssignIn) -> dict[str, Any]:
    user = _caller(request, WORKERS)
    owner = None
    if payload.owner:
        owner = get_user_model().objects.filter(username=payload.owner, is_active=True).first()
        if owner is None:
            raise NotFound(f"no user {payload.owner!r}", field="owner")
    case_assign(case=_case(case_id), owner_team=payload.owner_team, owner=owner, actor=user)
    return _out(_case(case_id))


@router.post("/disputes/{case_id}/start", response={200: DisputeOut, **ERRORS}, summary="Start")
def disputes_start(request: HttpRequest, case_id: int) -> dict[str, Any]:
    user = _caller(request, WORKERS)
    case_start(case=_case(case_id), actor=user)
    return _out(_case(case_id))


class InfoRequestIn(Schema):
    party: str = Field(description="sales or customer")
    text: str


@router.post(
    "/disputes/{case_id}/info-request",
    response={200: DisputeOut, **ERRORS},
    summary="Ask sales or the customer; the case waits",
)
def disputes_info_request(
    request: HttpRequest, case_id: int, payload: InfoRequestIn
) -> dict[str, Any]:
    user = _caller(request, WORKERS)
    case_info_request(
        case=_case(case_id), party=payload.party, text=payload.text, on=today(), actor=user
    )
    return _out(_case(case_id))


class TextIn(Schema):
    text: str


@router.post(
    "/disputes/{case_id}/info-received",
    response={200: DisputeOut, **ERRORS},
    summary="The answer came in; research resumes",
)
def disputes_info_received(request: HttpRequest, case_id: int, payload: TextIn) -> dict[str, Any]:
    user = _caller(request, WORKERS)
    case_info_receive(case=_case(case_id), text=payload.text, actor=user)
    return _out(_case(case_id))


class NoteOut(Schema):
    id: int
    kind: str
    text: str
    author: str
    created_at: dt.datetime


def _note(n: CaseNote) -> dict[str, Any]:
    return {
        "id": n.pk,
        "kind": n.kind,
        "text": n.display_text,
        "author": n.author_label,
        "created_at": n.created_at,
    }


@router.get("/disputes/{case_id}/notes", response={200: list[NoteOut], **ERRORS}, summary="Notes")
@paginate(LimitOffset)
def disputes_notes(request: HttpRequest, case_id: int) -> Rows:
    _caller(request)
    return Rows(_case(case_id).notes.order_by("created_at", "id"), _note)


@router.post("/disputes/{case_id}/notes", response={201: NoteOut, **ERRORS}, summary="Add a note")
def disputes_note_add(
    request: HttpRequest, case_id: int, payload: TextIn
) -> Status[dict[str, Any]]:
    user = _caller(request)
    return Status(201, _note(case_note_add(case=_case(case_id), text=payload.text, actor=user)))


class AttachmentOut(Schema):
    id: int
    filename: str
    content_type: str
    size: int
    uploaded_at: dt.datetime


def _attachment(a: CaseAttachment) -> dict[str, Any]:
    return {
        "id": a.pk,
        "filename": a.filename,
        "content_type": a.content_type,
        "size": a.size,
        "uploaded_at": a.uploaded_at,
    }


@router.get(
    "/disputes/{case_id}/attachments",
    response={200: list[AttachmentOut], **ERRORS},
    summary="Attachments",
)
@paginate(LimitOffset)
def disputes_attachments(request: HttpRequest, case_id: int) -> Rows:
    _caller(request)
    return Rows(
        _case(case_id).attachments.defer("content").order_by("uploaded_at", "id"), _attachment
    )


@router.post(
    "/disputes/{case_id}/attachments",
    response={201: AttachmentOut, **ERRORS},
    summary="Attach a file (size limit, allowed types)",
)
def disputes_attachment_add(
    request: HttpRequest, case_id: int, file: File[UploadedFile]
) -> Status[dict[str, Any]]:
    user = _caller(request)
    case = _case(case_id)
    from openar.disputes.services.cases import attachment_max_bytes

    content = file.read(attachment_max_bytes() + 1)
    attachment = case_attachment_add(
        case=case, filename=file.name or "", content=content, actor=user
    )
    return Status(201, _attachment(attachment))


@router.get(
    "/disputes/{case_id}/attachments/{attachment_id}",
    response={200: None, **ERRORS},
    summary="Download an attachment",
)
def disputes_attachment_get(request: HttpRequest, case_id: int, attachment_id: int) -> HttpResponse:
    _caller(request)
    attachment = CaseAttachment.objects.filter(pk=attachment_id, case_id=case_id).first()
    if attachment is None:
        raise NotFound(f"no attachment {attachment_id} on dispute {case_id}", field="attachment_id")
    response = HttpResponse(bytes(attachment.content), content_type=attachment.content_type)
    response["Content-Disposition"] = f'attachment; filename="{attachment.filename}"'
    return response


class CreditRequestFilters(Schema):
    status: str | None = Field(None, description="requested, applied or cancelled")


@router.get(
    "/credit-memo-requests",
    response={200: list[CreditRequestOut], **ERRORS},
    summary="Credit-memo requests for the ERP",
)
@paginate(LimitOffset)
def credit_requests_list(request: HttpRequest, filters: Query[CreditRequestFilters]) -> Rows:
    _caller(request)
    return Rows(credit_memo_requests(status=filters.status or None), _request_out)


class CancelIn(Schema):
    reason: str = Field(description="why the request is withdrawn (kept in the audit and the case)")


@router.post(
    "/credit-memo-requests/{request_id}/cancel",
    response={200: CreditRequestOut, **ERRORS},
    summary="Cancel a credit-memo request",
)
def credit_requests_cancel(
    request: HttpRequest, request_id: int, payload: CancelIn
) -> dict[str, Any]:
    """Withdraw a request still waiting for its credit memo: it leaves the ERP export; its case
    goes back to research when nothing else is credited."""
    user = _caller(request, (Role.RESEARCH, Role.MANAGER))
    found = credit_memo_requests().filter(pk=request_id).first()
    if found is None:
        raise NotFound(f"no credit-memo request {request_id}", field="request_id")
    cancelled = credit_request_cancel(request=found, reason=payload.reason, actor=user, on=today())
    return _request_out(credit_memo_requests().get(pk=cancelled.pk))
