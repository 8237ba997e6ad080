"""Limit reviews: the list, asking for one (collector, credit, manager, admin) and deciding one
(credit, manager, admin): keep, reduce, increase or hold.

No ``from __future__ import annotations`` here: ``@paginate`` reads the annotations as objects."""

import datetime as dt
from decimal import Decimal
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
from openar.credit.models import LimitReview
from openar.credit.selectors import review_list
from openar.credit.services import (
    LIMIT_ROLES,
    REVIEW_REQUEST_ROLES,
    limit_review_decide,
    limit_review_request,
)
from openar.ledger.models import Customer


class ReviewOut(Schema):
    id: int
    customer_ref: str
    trigger: str = Field(
        description="periodic, score_dropped, promises_broken, limit_exceeded or manual"
    )
    due_on: dt.date
    status: str = Field(description="open or decided")
    recommended: str = Field(description="keep, reduce, increase or hold")
    recommended_limit: str | None
    currency: str
    reason: str
    facts: dict[str, Any] = Field(description="behaviour, score and exposure when it opened")
    outcome: str | None
    new_limit: str | None
    decided_by: str | None
    decided_at: dt.datetime | None
    note: str


class ReviewFilters(Schema):
    status: Literal["open", "decided"] | None = None
    trigger: str | None = None
    customer: str | None = Field(None, description="customer_ref")


class ReviewIn(Schema):
    customer_ref: str
    note: str = ""


class ReviewDecisionIn(Schema):
    outcome: Literal["keep", "reduce", "increase", "hold"]
    new_limit: Decimal | None = Field(None, description="reduce and increase: the new limit")
    note: str = ""


def review_out(review: LimitReview) -> dict[str, Any]:
    cur = review.currency
    return {
        "id": review.pk,
        "customer_ref": review.customer.customer_ref,
        "trigger": review.trigger,
        "due_on": review.due_on,
        "status": review.status,
        "recommended": review.recommended,
        "recommended_limit": (
            format_amount(review.recommended_limit, cur)
            if review.recommended_limit is not None
            else None
        ),
        "currency": cur,
        "reason": review.reason,
        "facts": review.facts,
        "outcome": review.outcome or None,
        "new_limit": format_amount(review.new_limit.amount, cur) if review.new_limit else None,
        "decided_by": review.decided_by.username if review.decided_by else None,
        "decided_at": review.decided_at,
        "note": review.note,
    }


def _review(review_id: int) -> LimitReview:
    found = review_list().select_related("new_limit").filter(pk=review_id).first()
    if found is None:
        raise NotFound(f"no limit review {review_id}", field="review_id")
    return found


@router.get("/credit/reviews", response={200: list[ReviewOut], **ERRORS})
@paginate(LimitOffset)
def reviews(request: HttpRequest, filters: Query[ReviewFilters]) -> Rows:
    """Limit reviews, oldest due first."""
    qs = review_list(status=filters.status, trigger=filters.trigger, customer=filters.customer)
    return Rows(qs.select_related("new_limit"), review_out)


@router.post("/credit/reviews", response={201: ReviewOut, **ERRORS})
def review_create(request: HttpRequest, payload: ReviewIn) -> Status:
    """Ask for a review of an account's limit now."""
    actor = api_check_role(
        request,
        *REVIEW_REQUEST_ROLES,
        message="only collectors, credit and managers ask for limit reviews",
    )
    customer = Customer.objects.filter(customer_ref=payload.customer_ref).first()
    if customer is None:
        raise NotFound(f"no customer {payload.customer_ref!r}", field="customer_ref")
    review = limit_review_request(
        customer=customer, actor=actor, as_of=dates.today(), note=payload.note
    )
    return Status(201, review_out(_review(review.pk)))


@router.post("/credit/reviews/{review_id}/decide", response={200: ReviewOut, **ERRORS})
def review_decide(
    request: HttpRequest, review_id: int, payload: ReviewDecisionIn
) -> dict[str, Any]:
    """Decide a review: keep, reduce or increase (with ``new_limit``), or hold."""
    actor = api_check_role(
        request, *LIMIT_ROLES, message="only a credit analyst or a manager can decide a review"
    )
    limit_review_decide(
        review=_review(review_id),
        outcome=payload.outcome,
        new_limit=payload.new_limit,
        note=payload.note,
        actor=actor,
        as_of=dates.today(),
    )
    return review_out(_review(review_id))
