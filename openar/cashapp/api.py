"""Cash application endpoints: import a bank statement, run matching, read the queues, apply a
line. Thin: each parses, calls one service or selector, and serializes.

No ``from __future__ import annotations``: django-ninja's ``@paginate`` reads the operation's
annotations as objects."""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import File, Query, Router, Schema, UploadedFile
from ninja.pagination import paginate
from pydantic import Field

from openar.cashapp.models import StatementLine
from openar.core.errors import NotFound, ValidationError
from openar.core.money import format_amount
from openar.core.pagination import LimitOffset, Rows
from openar.core.roles import Role, api_check_role
from openar.core.schemas import ERRORS, ErrorOut

router = Router(tags=["cash application"])

CASH_ROLES = (Role.CASHAPP, Role.MANAGER, Role.ADMIN)
QUEUES = ("review", "unidentified")


def _user(request: HttpRequest) -> Any:
    return api_check_role(
        request,
        *CASH_ROLES,
        message="cash application needs the cash application, manager or admin role",
    )


@router.post(
    "/cash/statements",
    response={200: dict[str, Any], 409: ErrorOut, **ERRORS},
    summary="Import a bank statement file",
)
def statement_upload(
    request: HttpRequest,
    file: File[UploadedFile],
    format: str = "auto",
    layout: str | None = None,
    accept_unbalanced: bool = False,
) -> dict[str, Any]:
    """As `openar import statement`: credits become receipts; 400 for a file that does not
    parse or balance (unless ``accept_unbalanced``) or is for an account we do not have, 409 for
    a file imported before."""
    from openar.cashapp.services import statement_import

    user = _user(request)
    data = b"".join(file.chunks())
    return statement_import(
        data=data,
        name=file.name or "statement",
        fmt=format,
        layout=layout,
        accept_unbalanced=accept_unbalanced,
        actor=user,
    ).as_dict()


@router.post("/cash/match", response={200: dict[str, Any], **ERRORS}, summary="Match bank lines")
def match(request: HttpRequest, as_of: dt.date) -> dict[str, Any]:
    """As `openar cashapp match --json`."""
    from openar.cashapp.services import lines_match

    return lines_match(as_of=as_of, actor=_user(request)).as_dict()


class ProposalOut(Schema):
    rank: int
    customer_ref: str | None
    confidence: str
    method: str
    explanation: str
    allocations: list[dict[str, Any]]


class LineOut(Schema):
    id: int
    status: str
    booking_date: dt.date | None
    amount: str
    currency: str
    bank_reference: str
    end_to_end_id: str
    counterparty_name: str
    counterparty_account: str
    remittance: str
    customer_ref: str | None
    proposals: list[ProposalOut]


def _line_out(line: StatementLine) -> dict[str, Any]:
    receipt = line.receipt
    return {
        "id": line.pk,
        "status": line.status,
        "booking_date": line.booking_date,
        "amount": format_amount(line.amount, line.currency),
        "currency": line.currency,
        "bank_reference": line.bank_reference,
        "end_to_end_id": line.end_to_end_id,
        "counterparty_name": line.counterparty_name,
        "counterparty_account": line.counterparty_account,
        "remittance": line.remittance,
        "customer_ref": receipt.customer.customer_ref if receipt and receipt.customer else None,
        "proposals": [
            {
                "rank": p.rank,
                "customer_ref": p.customer.customer_ref if p.customer else None,
                "confidence": str(p.confidence),
                "method": p.method,
                "explanation": p.explanation,
                "allocations": p.allocations,
            }
            for p in line.proposals.all()
        ],
    }


class LineFilters(Schema):
    queue: str = Field("review", description="review or unidentified")
    as_of: dt.date | None = Field(None, description="receipts dated on or before it")


@router.get("/cash/lines", response={200: list[LineOut], **ERRORS}, summary="A cash queue")
@paginate(LimitOffset)
def lines(request: HttpRequest, filters: Query[LineFilters]) -> Rows:
    """The review (suggestions waiting) or unidentified queue, oldest first, a page at a time."""
    from openar.cashapp.selectors import review_queue, unidentified_queue

    _user(request)
    queue, as_of = filters.queue, filters.as_of
    if queue not in QUEUES:
        raise ValidationError(f"queue must be one of {', '.join(QUEUES)}", field="queue")
    qs = review_queue(as_of=as_of) if queue == "review" else unidentified_queue(as_of=as_of)
    return Rows(qs.prefetch_related("proposals__customer"), _line_out)


class AllocationIn(Schema):
    document_id: int
    amount: Decimal


class ApplyIn(Schema):
    allocations: list[AllocationIn] = Field(min_length=1)
    customer_ref: str | None = None
    on_account: Decimal | None = None


@router.post(
    "/cash/lines/{int:line_id}/apply",
    response={200: LineOut, 409: ErrorOut, **ERRORS},
    summary="Apply a line by hand",
)
def line_apply(request: HttpRequest, line_id: int, payload: ApplyIn) -> dict[str, Any]:
    """Split a line over documents (mode manual); the rest stays on account."""
    from openar.cashapp.services import line_apply as apply

    user = _user(request)
    if not StatementLine.objects.filter(pk=line_id).exists():
        raise NotFound(f"no statement line {line_id}", field="line_id")
    row = apply(
        line=line_id,
        allocations=[(a.document_id, a.amount) for a in payload.allocations],
        customer=payload.customer_ref,
        on_account=payload.on_account,
        actor=user,
    )
    return _line_out(StatementLine.objects.select_related("receipt__customer").get(pk=row.pk))
