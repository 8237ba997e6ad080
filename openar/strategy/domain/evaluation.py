"""Evaluating strategies on one account: which strategy it gets, which steps are due, which are
skipped and why, and the reason stored on an action (plain words, and codes with values)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from openar.strategy.choices import StepTrigger
from openar.strategy.domain.definitions import (
    LIST_CRITERIA,
    SKIP_BALANCE,
    SKIP_DISPUTED,
    SKIP_PLAN,
    SKIP_PROMISE,
    StepDef,
    StrategyDef,
    effective_windows,
)


@dataclass(frozen=True, slots=True)
class AccountFacts:
    """What the engine knows about one account on the run date (plain values from aggregates)."""

    customer_id: int
    entity: str
    segment: str
    country: str
    language: str
    attributes: Mapping[str, Any]
    risk_class: str | None
    balance: Decimal  # open balance in the reporting currency
    oldest_due: dt.date | None  # due date of the oldest open debit item
    disputed: bool
    promise_active: bool
    plan_active: bool = False
    collector_id: int | None = None
    # trigger -> (event id, occurred_on) of the first such event in the run's window
    events: Mapping[str, tuple[int, dt.date]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class DueStep:
    step: StepDef
    strategy: StrategyDef
    dedupe_key: str
    days_past_due: int | None
    event: tuple[int, dt.date] | None


def criteria_match(criteria: Mapping[str, Any], facts: AccountFacts) -> bool:
    for key in LIST_CRITERIA:
        wanted = criteria.get(key)
        if wanted and getattr(facts, key) not in wanted:
            return False
    low, high = criteria.get("balance_min"), criteria.get("balance_max")
    if low is not None and facts.balance < Decimal(low):
        return False
    if high is not None and facts.balance > Decimal(high):
        return False
    for name, wanted in (criteria.get("attributes") or {}).items():
        value = facts.attributes.get(name)
        value = "" if value is None else str(value)
        if isinstance(wanted, list):
            if value not in wanted:
                return False
        elif value != wanted:
            return False
    return True


def pick_strategy(strategies: Sequence[StrategyDef], facts: AccountFacts) -> StrategyDef | None:
    """First match by priority wins; the default (tried last) takes the rest.

    ``strategies`` must already be sorted: non-defaults by (priority, code), then the default."""
    for strategy in strategies:
        if strategy.is_default or criteria_match(strategy.criteria, facts):
            return strategy
    return None


def order_for_matching(strategies: Iterable[StrategyDef]) -> list[StrategyDef]:
    ordered = sorted(strategies, key=lambda s: (s.is_default, s.priority, s.code))
    defaults = [s for s in ordered if s.is_default]
    return [s for s in ordered if not s.is_default] + defaults[:1]


def skip_reason(step: StepDef, facts: AccountFacts) -> str | None:
    conditions = step.conditions
    if conditions.get("skip_if_disputed") and facts.disputed:
        return SKIP_DISPUTED
    if conditions.get("skip_if_promise") and facts.promise_active:
        return SKIP_PROMISE
    # A current payment plan pauses dunning: every days-past-due step, and any step that asks.
    if facts.plan_active and (
        conditions.get("skip_if_payment_plan") or step.trigger == StepTrigger.DAYS_PAST_DUE
    ):
        return SKIP_PLAN
    under = conditions.get("skip_if_balance_under")
    if under is not None and facts.balance < Decimal(under):
        return SKIP_BALANCE
    return None


@dataclass(frozen=True)
class CompiledStrategy:
    """A strategy ready for the per-account loop: days-past-due steps with their windows, and
    event steps."""

    strategy: StrategyDef
    dpd: tuple[tuple[int, int | None, StepDef], ...]
    events: tuple[StepDef, ...]


def compile_strategy(strategy: StrategyDef) -> CompiledStrategy:
    windows = effective_windows(strategy.steps)
    return CompiledStrategy(
        strategy=strategy,
        dpd=tuple((*windows[s.code], s) for s in strategy.steps if s.code in windows),
        events=tuple(s for s in strategy.steps if s.trigger != StepTrigger.DAYS_PAST_DUE),
    )


def due_steps(
    compiled: CompiledStrategy, facts: AccountFacts, as_of: dt.date, skipped: dict[str, int]
) -> list[DueStep]:
    """The steps due for this account on ``as_of``; counts skipped steps in ``skipped``.

    Days-past-due steps fire once per episode (the oldest item's due date) and again every
    ``wait_days`` while the account stays in the step's window; event steps fire once per event."""
    due: list[DueStep] = []
    cid = facts.customer_id
    oldest = facts.oldest_due
    dpd = (as_of - oldest).days if oldest is not None else None
    if dpd is not None and oldest is not None and facts.balance > 0:
        episode = ""
        for start, end, step in compiled.dpd:
            if dpd < start or (end is not None and dpd > end):
                continue
            reason = skip_reason(step, facts) if step.conditions else None
            if reason is not None:
                skipped[reason] = skipped.get(reason, 0) + 1
                continue
            period = (dpd - start) // step.wait_days if step.wait_days else 0
            episode = episode or oldest.strftime("%Y%m%d")
            key = f"s{step.id}:c{cid}:d{episode}:p{period}"
            due.append(DueStep(step, compiled.strategy, key, dpd, None))
    if facts.events:
        for step in compiled.events:
            found = facts.events.get(step.trigger)
            if found is None:
                continue
            reason = skip_reason(step, facts) if step.conditions else None
            if reason is not None:
                skipped[reason] = skipped.get(reason, 0) + 1
                continue
            key = f"s{step.id}:c{cid}:e{found[0]}"
            due.append(DueStep(step, compiled.strategy, key, dpd, found))
    return due


def describe(due: DueStep, facts: AccountFacts, currency: str, trigger_labels: Mapping[str, str]):
    """The plain-words reason stored on the action."""
    parts = []
    if due.event is not None:
        parts.append(f"{trigger_labels.get(due.step.trigger, due.step.trigger)} on {due.event[1]}")
    if due.days_past_due is not None:
        if due.days_past_due >= 0:
            parts.append(f"oldest item {due.days_past_due} days past due")
        else:
            parts.append(f"oldest item due in {-due.days_past_due} days")
    parts.append(f"balance {facts.balance:,.2f} {currency}")
    if facts.risk_class:
        parts.append(f"risk {facts.risk_class}")
    return f"{due.strategy.name} / {due.step.name}: " + ", ".join(parts)


def describe_parts(due: DueStep, facts: AccountFacts, currency: str) -> list[dict[str, Any]]:
    """The same reason as codes and values (``core.reasons``), shown in the reader's language;
    in the default language it reads exactly as ``describe``."""
    parts: list[dict[str, Any]] = [
        {"code": "strategy_step", "params": {"strategy": due.strategy.name, "step": due.step.name}}
    ]
    if due.event is not None:
        parts.append(
            {"code": "event", "params": {"trigger": due.step.trigger, "date": str(due.event[1])}}
        )
    if due.days_past_due is not None:
        if due.days_past_due >= 0:
            parts.append({"code": "days_past_due", "params": {"days": due.days_past_due}})
        else:
            parts.append({"code": "due_in", "params": {"days": -due.days_past_due}})
    parts.append(
        {"code": "balance", "params": {"amount": f"{facts.balance:.2f}", "currency": currency}}
    )
    if facts.risk_class:
        parts.append({"code": "risk_class", "params": {"risk_class": facts.risk_class}})
    return parts
