"""Credit REST endpoints: recommendations waiting for a decision, and deciding them (so an ERP
can pick up approved credit holds and placements)."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from openar.core.errors import NotFound
from openar.core.pagination import DEFAULT_LIMIT, MAX_LIMIT
from openar.core.schemas import ERRORS
from openar.credit.models import Recommendation
from openar.credit.selectors import recommendation_list, recommendations_with_action
from openar.credit.services import recommendation_decide

router = Router(tags=["credit"])


class RecommendationFilters(Schema):
    status: str | None = Field(None, description="pending, approved or rejected")
    kind: str | None = Field(None, description="credit_hold or agency")
    customer: str | None = Field(None, description="customer_ref")
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)
    offset: int = Field(0, ge=0)


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
