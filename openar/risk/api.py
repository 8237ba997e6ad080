"""Risk REST endpoints: a customer's score with reasons (and its history), customers by class."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Max
from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from openar.core.dates import today
from openar.core.errors import NotFound, ValidationError
from openar.core.money import format_amount
from openar.core.pagination import DEFAULT_LIMIT, MAX_LIMIT, MAX_OFFSET
from openar.core.schemas import ERRORS
from openar.risk.models import CustomerScore
from openar.risk.reasons import reason_text
from openar.risk.selectors import customer_by_ref, customer_score_history

router = Router(tags=["risk"])


class ReasonOut(Schema):
    code: str = Field(description="stable reason code, e.g. late_avg, past_due_limit")
    params: dict[str, Any]
    weight: float = Field(description="effect on risk (positive: riskier)")
    text: str = Field(description="the reason in plain words, in the requested language")


class ScoreOut(Schema):
    customer_ref: str
    name: str
    as_of: dt.date
    score: int = Field(description="0-1000, higher is safer")
    risk_class: str = Field(description="A (safest) .. E")
    engine: str = Field(description="scorecard or model")
    model_version: str
    reasons: list[ReasonOut]
    currency: str
    expected_7d_amount: str
    expected_30d_amount: str


class ScorePointOut(Schema):
    as_of: dt.date
    score: int
    risk_class: str


class ScoreDetailOut(ScoreOut):
    history: list[ScorePointOut]


class ScorePageOut(Schema):
    as_of: dt.date | None = Field(description="the scoring day listed")
    count: int
    limit: int
    offset: int
    items: list[ScoreOut]


def _language(value: str | None) -> str:
    if value and value not in ("en", "es"):
        raise ValidationError("language must be en or es", field="language")
    return value or "en"


def _score_out(s: CustomerScore, customer_ref: str, name: str, language: str) -> dict[str, Any]:
    return {
        "customer_ref": customer_ref,
        "name": name,
        "as_of": s.as_of,
        "score": s.score,
        "risk_class": s.risk_class,
        "engine": s.engine,
        "model_version": s.model_version,
        "reasons": [
            {
                "code": r.get("code", ""),
                "params": r.get("params") or {},
                "weight": float(r.get("weight") or 0),
                "text": reason_text(r, language=language),
            }
            for r in s.reasons
        ],
        "currency": s.currency,
        "expected_7d_amount": format_amount(s.expected_7d_amount, s.currency),
        "expected_30d_amount": format_amount(s.expected_30d_amount, s.currency),
    }


@router.get(
    "/risk/scores/{customer_ref}",
    response={200: ScoreDetailOut, **ERRORS},
    summary="A customer's risk score",
)
def customer_score(
    request: HttpRequest,
    customer_ref: str,
    as_of: dt.date | None = None,
    language: str | None = Query(None, description="en or es"),
) -> dict[str, Any]:
    """The newest score on or before ``as_of`` with its top reasons, and the score history."""
    lang = _language(language)
    customer = customer_by_ref(customer_ref)
    history = customer_score_history(customer_id=customer.id, as_of=as_of or today())
    if not history:
        raise NotFound(f"customer {customer_ref!r} has no score yet", field="customer_ref")
    out = _score_out(history[-1], customer.customer_ref, customer.name, lang)
    out["history"] = [
        {"as_of": s.as_of, "score": s.score, "risk_class": s.risk_class} for s in history
    ]
    return out


class ScoreFilters(Schema):
    risk_class: str | None = Field(None, description="A, B, C, D or E")
    as_of: dt.date | None = Field(None, description="default: the newest scoring day")
    entity: str | None = None
    language: str | None = Field(None, description="en or es")
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)
    offset: int = Field(0, ge=0, le=MAX_OFFSET)


@router.get("/risk/scores", response={200: ScorePageOut, **ERRORS}, summary="Scores by class")
def scores(request: HttpRequest, filters: Query[ScoreFilters]) -> dict[str, Any]:
    """Scores of one scoring day, riskiest first, optionally of one class or entity."""
    lang = _language(filters.language)
    qs = CustomerScore.objects.all()
    if filters.risk_class:
        cls = filters.risk_class.upper()
        if cls not in ("A", "B", "C", "D", "E"):
            raise ValidationError("risk_class must be A, B, C, D or E", field="risk_class")
        qs = qs.filter(risk_class=cls)
    if filters.entity:
        qs = qs.filter(customer__entity__code=filters.entity)
    day = filters.as_of
    if day is None:
        day = CustomerScore.objects.aggregate(d=Max("as_of"))["d"]
    if day is None:
        return {"as_of": None, "count": 0, "limit": filters.limit, "offset": filters.offset,
                "items": []}  # fmt: skip
    qs = qs.filter(as_of=day)
    count = qs.count()
    rows = qs.select_related("customer").order_by("score", "customer__customer_ref")[
        filters.offset : filters.offset + filters.limit
    ]
    return {
        "as_of": day,
        "count": count,
        "limit": filters.limit,
        "offset": filters.offset,
        "items": [_score_out(s, s.customer.customer_ref, s.customer.name, lang) for s in rows],
    }
