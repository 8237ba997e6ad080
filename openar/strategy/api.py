"""Strategy REST endpoints: strategies (export shape), import, simulation, actions.

Thin by design: parse, call one selector or service, serialize."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Body, Query, Router, Schema
from ninja.responses import Status
from pydantic import Field

from openar.core.dates import today
from openar.core.errors import NotFound
from openar.core.pagination import DEFAULT_LIMIT, MAX_LIMIT, MAX_OFFSET
from openar.core.roles import Role, api_check_role
from openar.core.schemas import ERRORS
from openar.strategy.models import Strategy
from openar.strategy.selectors import action_list, strategies_export, strategy_simulate
from openar.strategy.services import strategies_import

router = Router(tags=["strategies"])


class IssueOut(Schema):
    field: str
    message: str


class ImportOut(Schema):
    dry_run: bool
    ok: bool
    created: list[str]
    updated: list[str]
    unchanged: list[str]
    errors: list[IssueOut]
    warnings: list[IssueOut]


class ImportErrorOut(Schema):
    code: str
    message: str
    field: str | None = None
    errors: list[IssueOut]
    warnings: list[IssueOut]


@router.get("/strategies", response={200: dict[str, Any], **ERRORS})
def strategies(request: HttpRequest) -> dict[str, Any]:
    """Every strategy with its criteria and steps, in the import file's shape."""
    return strategies_export()


@router.post(
    "/strategies/import",
    response={200: ImportOut, 400: ImportErrorOut, 401: ERRORS[401], 403: ERRORS[403]},
)
def strategies_import_api(
    request: HttpRequest, document: Body[dict[str, Any]], dry_run: bool = False
) -> Status[dict[str, Any]]:
    """Create or replace strategies from a document ``{"version": 1, "strategies": [...]}``
    (collections managers). Any error: nothing changes, 400 with every error."""
    api_check_role(
        request, Role.MANAGER, message="only a collections manager can import strategies"
    )
    report = strategies_import(data=document, actor=request.auth, dry_run=dry_run)  # type: ignore[attr-defined]
    body = report.as_dict()
    if report.ok:
        return Status(200, body)
    first = report.errors[0]
    more = len(report.errors) - 1
    return Status(
        400,
        {
            "code": "invalid",
            "message": first.message + (f" (and {more} more problems)" if more else ""),
            "field": first.field or None,
            "errors": body["errors"],
            "warnings": body["warnings"],
        },
    )


@router.get("/strategies/{code}/simulate", response={200: dict[str, Any], **ERRORS})
def simulate(
    request: HttpRequest, code: str, as_of: dt.date | None = None, limit: int = 100
) -> dict[str, Any]:
    """What the strategy would do on ``as_of`` (default today) if active; writes nothing."""
    strategy = Strategy.objects.filter(code=code).first()
    if strategy is None:
        raise NotFound(f"no strategy {code!r}", field="code")
    limit = max(0, min(limit, MAX_LIMIT))
    return strategy_simulate(strategy=strategy, as_of=as_of or today(), limit=limit).as_dict()


class ActionFilters(Schema):
    status: str | None = Field(None, description="open, done, cancelled or skipped")
    kind: str | None = Field(None, description="email, letter, call, escalation, ...")
    customer: str | None = Field(None, description="customer_ref, or part of the name")
    strategy: str | None = Field(None, description="strategy code")
    date_from: dt.date | None = Field(None, description="cycle date on or after")
    date_to: dt.date | None = Field(None, description="cycle date on or before")
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)
    offset: int = Field(0, ge=0, le=MAX_OFFSET)


class ActionOut(Schema):
    id: int
    customer_ref: str
    strategy: str | None
    step: str | None
    kind: str
    owner_role: str
    assigned_to: str | None
    status: str
    as_of: dt.date
    due_date: dt.date
    days_past_due: int | None
    reason: str


class ActionPageOut(Schema):
    count: int
    results: list[ActionOut]


@router.get("/actions", response={200: ActionPageOut, **ERRORS})
def actions(request: HttpRequest, filters: Query[ActionFilters]) -> dict[str, Any]:
    """Actions the strategies created, newest first."""
    qs = action_list(
        status=filters.status,
        kind=filters.kind,
        customer=filters.customer,
        strategy=filters.strategy,
        date_from=filters.date_from,
        date_to=filters.date_to,
    )
    rows = qs[filters.offset : filters.offset + filters.limit]
    return {
        "count": qs.count(),
        "results": [
            {
                "id": a.pk,
                "customer_ref": a.customer.customer_ref,
                "strategy": a.strategy.code if a.strategy else None,
                "step": a.step.code if a.step else None,
                "kind": a.kind,
                "owner_role": a.owner_role,
                "assigned_to": a.assigned_to.username if a.assigned_to else None,
                "status": a.status,
                "as_of": a.as_of,
                "due_date": a.due_date,
                "days_past_due": a.days_past_due,
                "reason": a.reason,
            }
            for a in rows
        ],
    }
