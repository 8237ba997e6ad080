"""Queue REST endpoints: a collector's queue and the productivity report (read-only).

Thin by design: parse, call one selector, serialize. Amounts are decimal strings with the
currency's decimals; reasons come as data with their text in the asked language."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils import translation
from ninja import Query, Router, Schema
from pydantic import Field

from openar.core.dates import today
from openar.core.errors import ValidationError
from openar.core.money import format_amount
from openar.core.schemas import ERRORS
from openar.worklist.reasons import reason_text
from openar.worklist.selectors import productivity, queue_for_collector, user_by_username

router = Router(tags=["queues"])


class ReasonOut(Schema):
    code: str
    params: dict[str, Any]
    text: str


class WorkItemOut(Schema):
    rank: int
    slot: str = Field(description="today or waiting")
    priority: int = Field(description="0..1000, higher first")
    customer_ref: str
    customer: str
    kind: str = Field(description="the most urgent task's kind: call, escalation or custom")
    kinds: list[str] = Field(description="every kind of task merged in this account's item")
    due_date: dt.date
    past_due: str = Field(description="in the reporting currency")
    currency: str
    days_past_due: int
    risk_class: str
    covering_for: str | None = Field(description="the absent collector this item is covered for")
    reasons: list[ReasonOut]


class QueueOut(Schema):
    collector: str
    as_of: dt.date | None
    daily_target: int
    today: int
    waiting: int
    items: list[WorkItemOut]


def _language(value: str | None) -> str:
    if value and value not in ("en", "es"):
        raise ValidationError("language must be en or es", field="language")
    return value or "en"


@router.get("/queues/{collector}", response={200: QueueOut, **ERRORS}, summary="A queue")
def queue(
    request: HttpRequest,
    collector: str,
    language: str | None = Query(None, description="en or es"),
) -> dict[str, Any]:
    """A collector's queue: today's items in priority order, then the waiting ones."""
    lang = _language(language)
    user = user_by_username(collector)
    q = queue_for_collector(collector=user, as_of=today())
    with translation.override(lang):
        items = [
            {
                "rank": i.rank,
                "slot": i.slot,
                "priority": i.priority,
                "customer_ref": i.customer.customer_ref,
                "customer": i.customer.name,
                "kind": i.kind,
                "kinds": i.kinds or [i.kind],
                "due_date": i.due_date,
                "past_due": format_amount(i.past_due_amount, i.currency),
                "currency": i.currency,
                "days_past_due": i.days_past_due,
                "risk_class": i.risk_class,
                "covering_for": i.covering_for.username if i.covering_for else None,
                "reasons": [
                    {
                        "code": r.get("code", ""),
                        "params": r.get("params") or {},
                        "text": reason_text(r),
                    }
                    for r in i.reasons
                ],
            }
            for i in [*q.today, *q.waiting]
        ]
    return {
        "collector": user.username,
        "as_of": q.as_of,
        "daily_target": q.daily_target,
        "today": len(q.today),
        "waiting": len(q.waiting),
        "items": items,
    }


class ProductivityRowOut(Schema):
    collector: str
    date: dt.date
    daily_target: int
    calls: int
    calls_vs_target: float
    accounts_touched: int
    promises: int
    promised_amount: str
    collected_amount: str
    currency: str = Field(description="the reporting currency")


class ProductivityOut(Schema):
    date: dt.date
    rows: list[ProductivityRowOut]


@router.get("/productivity", response={200: ProductivityOut, **ERRORS}, summary="Productivity")
def productivity_report(request: HttpRequest, date: dt.date | None = None) -> dict[str, Any]:
    """Per collector for one day (default today): calls vs target, accounts touched, promises
    taken and their amount, cash collected from their portfolio."""
    day = date or today()
    return {"date": day, "rows": [r.as_dict() for r in productivity(day=day)]}
