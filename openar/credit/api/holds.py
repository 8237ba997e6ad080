"""Credit REST endpoints: recommendations waiting for a decision and deciding them; credit holds
placed and released, and the hold events the ERP's order block reads.

No ``from __future__ import annotations`` here: ``@paginate`` reads the annotations as objects."""

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Query, Schema, Status
from ninja.pagination import paginate
from pydantic import Field

from openar.core.errors import NotFound
from openar.core.pagination import DEFAULT_LIMIT, MAX_LIMIT, MAX_OFFSET, LimitOffset, Rows
from openar.core.roles import api_check_role
from openar.core.schemas import ERRORS
from openar.credit.api import router
from openar.credit.models import CreditHold, HoldEvent, Recommendation
from openar.credit.selectors import (
    hold_events,
    hold_list,
    recommendation_list,
    recommendations_with_action,
)
from openar.credit.services import HOLD_ROLES, hold_place, hold_release, recommendation_decide
from openar.ledger.models import Customer


class RecommendationFilters(Schema):
    status: str | None = Field(None, description="pending, approved or rejected")
    kind: str | None = Field(None, description="credit_hold, credit_release or agency")
    customer: str | None = Field(None, description="customer_ref")
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)
    offset: int = Field(0, ge=0, le=MAX_OFFSET)


class RecommendationOut(Schema):
    id: int
    customer_ref: str
    kind: str
    status: str
    as_of: dt.date
    reason: str
    action_id: int | None
    decided_by: str | None
    decided_at: dt.datetime | None
    note: str


class RecommendationPageOut(Schema):
    count: int
    results: list[RecommendationOut]


class DecisionIn(Schema):
    decision: Literal["approve", "reject"]
    note: str = ""


def _out(rec: Recommendation) -> dict[str, Any]:
    return {
        "id": rec.pk,
        "customer_ref": rec.customer.customer_ref,
        "kind": rec.kind,
        "status": rec.status,
        "as_of": rec.as_of,
        "reason": rec.reason,
        "action_id": rec.action_ref,  # type: ignore[attr-defined]
        "decided_by": rec.decided_by.username if rec.decided_by else None,
        "decided_at": rec.decided_at,
        "note": rec.note,
    }


@router.get("/recommendations", response={200: RecommendationPageOut, **ERRORS})
def recommendations(request: HttpRequest, filters: Query[RecommendationFilters]) -> dict[str, Any]:
    """Credit-hold and agency/write-off recommendations, newest first."""
    qs = recommendation_list(status=filters.status, kind=filters.kind, customer=filters.customer)
    rows = qs[filters.offset : filters.offset + filters.limit]
    return {"count": qs.count(), "results": [_out(r) for r in rows]}


@router.post(
    "/recommendations/{rec_id}/decide",
    response={200: RecommendationOut, 409: ERRORS[400], **ERRORS},
)
def decide(request: HttpRequest, rec_id: int, payload: DecisionIn) -> dict[str, Any]:
    """Approve or reject a pending recommendation (credit analysts and managers)."""
    rec = Recommendation.objects.filter(pk=rec_id).first()
    if rec is None:
        raise NotFound(f"no recommendation {rec_id}", field="rec_id")
    decided = recommendation_decide(
        recommendation=rec,
        approve=payload.decision == "approve",
        actor=request.auth,  # type: ignore[attr-defined]
        note=payload.note,
    )
    return _out(
        recommendations_with_action().select_related("customer", "decided_by").get(pk=decided.pk)
    )


# ---------------------------------------------------------------- holds


class HoldIn(Schema):
    customer_ref: str
    reason: str
    release_condition: Literal["past_due_paid", "balance_paid", "decision"] = "past_due_paid"


class ReleaseIn(Schema):
    reason: str = ""


class HoldOut(Schema):
    id: int
    customer_ref: str
    entity: str
    status: str = Field(description="active or released")
    reason: str
    release_condition: str = Field(description="past_due_paid, balance_paid or decision")
    recommendation_id: int | None
    requested_by: str | None
    placed_by: str | None
    placed_at: dt.datetime
    released_by: str | None
    released_at: dt.datetime | None
    release_reason: str


class HoldFilters(Schema):
    status: Literal["active", "released"] | None = None
    customer: str | None = Field(None, description="customer_ref")


class HoldEventOut(Schema):
    id: int = Field(description="increasing: poll with after=<the last id read>")
    entity: str
    customer_ref: str
    action: str = Field(description="hold or release")
    reason: str
    decided_by: str
    decided_at: dt.datetime


class HoldEventFilters(Schema):
    after: int | None = Field(None, description="only events with a higher id")


def _username(user: Any) -> str | None:
    return user.username if user is not None else None


def _hold_out(hold: CreditHold) -> dict[str, Any]:
    return {
        "id": hold.pk,
        "customer_ref": hold.customer.customer_ref,
        "entity": hold.customer.entity.code,
        "status": hold.status,
        "reason": hold.reason,
        "release_condition": hold.release_condition,
        "recommendation_id": hold.recommendation_id,
        "requested_by": _username(hold.requested_by),
        "placed_by": _username(hold.placed_by),
        "placed_at": hold.placed_at,
        "released_by": _username(hold.released_by),
        "released_at": hold.released_at,
        "release_reason": hold.release_reason,
    }


def _hold(hold_id: int) -> CreditHold:
    hold = hold_list().select_related("customer__entity", "requested_by").filter(pk=hold_id).first()
    if hold is None:
        raise NotFound(f"no credit hold {hold_id}", field="hold_id")
    return hold


@router.get("/credit/holds", response={200: list[HoldOut], **ERRORS})
@paginate(LimitOffset)
def holds(request: HttpRequest, filters: Query[HoldFilters]) -> Rows:
    """Credit holds, newest first: active ones block the customer's new orders."""
    qs = hold_list(status=filters.status, customer=filters.customer).select_related(
        "customer__entity", "requested_by"
    )
    return Rows(qs, _hold_out)


@router.post("/credit/holds", response={201: HoldOut, **ERRORS})
def hold_create(request: HttpRequest, payload: HoldIn) -> Status:
    """Put a customer on credit hold (credit analysts, managers, administrators)."""
    actor = api_check_role(
        request,
        *HOLD_ROLES,
        message="only a credit analyst or a manager can put a customer on hold",
    )
    customer = Customer.objects.filter(customer_ref=payload.customer_ref).first()
    if customer is None:
        raise NotFound(f"no customer {payload.customer_ref!r}", field="customer_ref")
    hold = hold_place(
        customer=customer,
        reason=payload.reason,
        release_condition=payload.release_condition,
        actor=actor,
    )
    return Status(201, _hold_out(_hold(hold.pk)))


@router.post("/credit/holds/{hold_id}/release", response={200: HoldOut, **ERRORS})
def hold_release_endpoint(
    request: HttpRequest, hold_id: int, payload: ReleaseIn | None = None
) -> dict[str, Any]:
    """Release a credit hold (credit analysts, managers, administrators)."""
    actor = api_check_role(
        request, *HOLD_ROLES, message="only a credit analyst or a manager can release a hold"
    )
    hold = _hold(hold_id)
    hold_release(hold=hold, actor=actor, reason=payload.reason if payload else "")
    return _hold_out(_hold(hold_id))


@router.get("/credit/hold-events", response={200: list[HoldEventOut], **ERRORS})
@paginate(LimitOffset)
def hold_event_feed(request: HttpRequest, filters: Query[HoldEventFilters]) -> Rows:
    """Holds and releases in the order decided: the ERP's order block, the same rows as
    `openar export holds FILE`."""
    return Rows(hold_events(after=filters.after), _event_out)


def _event_out(event: HoldEvent) -> dict[str, Any]:
    return {
        "id": event.pk,
        "entity": event.customer.entity.code,
        "customer_ref": event.customer.customer_ref,
        "action": event.action,
        "reason": event.reason,
        "decided_by": event.decided_by,
        "decided_at": event.decided_at,
    }
