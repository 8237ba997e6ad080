"""Small builders for strategy tests: a strategy through the real service, accounts with items."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from openar.strategy.models import Strategy
from openar.strategy.services import strategy_save
from tests.factories import BASE_DATE, CustomerFactory, DocumentFactory

AS_OF = BASE_DATE


def step(code: str, kind: str = "call", days_from: int | None = None, **extra: Any) -> dict:
    data: dict[str, Any] = {"code": code, "name": code.title(), "kind": kind,
                            "owner_role": extra.pop("owner_role", "collector")}  # fmt: skip
    if days_from is not None:
        data["days_from"] = days_from
    if kind in ("email", "letter"):
        data.setdefault("template", "notice")
    data.update(extra)
    return data


def make_strategy(
    code: str,
    steps: list[dict],
    *,
    criteria: dict | None = None,
    priority: int = 100,
    is_default: bool = False,
    active: bool = True,
) -> Strategy:
    strategy, _ = strategy_save(
        data={
            "code": code,
            "name": code.title(),
            "priority": priority,
            "is_default": is_default,
            "active": active,
            "criteria": criteria or {},
            "steps": steps,
        },
        actor="test",
    )
    return strategy


def account(
    *,
    days_past_due: int,
    amount: str = "1000.00",
    as_of: dt.date = AS_OF,
    disputed: bool = False,
    **customer: Any,
):
    """A customer whose one open invoice is ``days_past_due`` days past due on ``as_of``."""
    cust = CustomerFactory(**customer)
    due = as_of - dt.timedelta(days=days_past_due)
    DocumentFactory(
        customer=cust,
        document_date=min(due, as_of) - dt.timedelta(days=30),
        due_date=due,
        amount=Decimal(amount),
        disputed=disputed,
    )
    return cust
