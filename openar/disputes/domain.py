"""Pure rules of disputes: routing a case to its owner, the SLA clock, and what an outcome
credits. No ORM, no I/O."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

# The team a case goes to when no rule matches.
DEFAULT_TEAM = "research"


@dataclass(frozen=True)
class RuleDef:
    id: int
    priority: int
    reason: str | None  # a reason code, None for any
    entity_id: int | None
    customer_id: int | None
    min_amount: Decimal | None
    max_amount: Decimal | None
    owner_team: str
    owner_id: int | None


@dataclass(frozen=True)
class CaseFacts:
    reason: str
    entity_id: int
    customer_id: int
    amount: Decimal


@dataclass(frozen=True)
class Route:
    owner_team: str
    owner_id: int | None
    rule_id: int | None


def rule_matches(rule: RuleDef, case: CaseFacts) -> bool:
    """Every condition the rule sets holds for the case (amounts inclusive at both ends)."""
    return (
        (rule.reason is None or rule.reason == case.reason)
        and (rule.entity_id is None or rule.entity_id == case.entity_id)
        and (rule.customer_id is None or rule.customer_id == case.customer_id)
        and (rule.min_amount is None or case.amount >= rule.min_amount)
        and (rule.max_amount is None or case.amount <= rule.max_amount)
    )


def route(rules: Iterable[RuleDef], case: CaseFacts) -> Route:
    """The owner of a new case: the first matching rule by priority (then id), else research."""
    for rule in sorted(rules, key=lambda r: (r.priority, r.id)):
        if rule_matches(rule, case):
            return Route(rule.owner_team, rule.owner_id, rule.id)
    return Route(DEFAULT_TEAM, None, None)


def due_on(opened_on: dt.date, sla_days: int) -> dt.date:
    return opened_on + dt.timedelta(days=sla_days)


def days_overdue(due: dt.date, as_of: dt.date) -> int:
    """Days past the SLA date; 0 while within it."""
    return max((as_of - due).days, 0)


def age_band(opened_on: dt.date, as_of: dt.date) -> str:
    """The age bucket an open case falls in on the analytics page."""
    days = (as_of - opened_on).days
    if days <= 30:
        return "0-30"
    if days <= 60:
        return "31-60"
    if days <= 90:
        return "61-90"
    return "90+"


AGE_BANDS = ("0-30", "31-60", "61-90", "90+")


def resolution_credit(outcome: str, disputed: Decimal, credit_amount: Decimal | None) -> Decimal:
    """What an outcome credits (or writes off): all of it when valid, nothing when invalid, the
    amount given when partial or written off. Raises ValueError naming what is wrong."""
    if outcome == "invalid":
        if credit_amount:
            raise ValueError("an invalid case credits nothing")
        return Decimal(0)
    if outcome == "valid":
        amount = disputed if credit_amount is None else credit_amount
    else:
        if credit_amount is None:
            raise ValueError("give the amount to credit")
        amount = credit_amount
    if amount <= 0:
        raise ValueError("the amount to credit must be positive")
    if amount > disputed:
        raise ValueError("the amount to credit is more than the disputed amount")
    if outcome == "partial" and amount == disputed:
        raise ValueError("a partial credit is less than the disputed amount")
    return amount


def spread(total: Decimal, parts: list[Decimal]) -> list[Decimal]:
    """``total`` spread over ``parts`` in their order, each taking at most its own amount."""
    out = []
    left = total
    for part in parts:
        take = min(part, left)
        out.append(take)
        left -= take
    return out
