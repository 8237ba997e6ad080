"""Pure queue logic: priority ranking, capacity, cover, portfolio rules and balancing.

No ORM and no I/O: the services feed these functions plain values and write what they return."""

from __future__ import annotations

import datetime as dt
import heapq
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

FACTORS = ("past_due", "risk", "days_past_due", "promise", "urgency", "last_contact")

DEFAULT_WEIGHTS: dict[str, int] = {
    "past_due": 30,
    "risk": 20,
    "days_past_due": 20,
    "promise": 15,
    "urgency": 10,
    "last_contact": 5,
}

# The amount at which the past-due factor saturates (reporting currency): the log scale lets a
# $500 account and a $50,000 account differ without the largest accounts taking every slot.
AMOUNT_SATURATION = Decimal(1_000_000)
DPD_SATURATION = 180
CONTACT_SATURATION = 30  # days without contact after which the factor is 1
PROMISE_BROKEN_WINDOW = 14  # a broken promise counts for this many days
PROMISE_DUE_WINDOW = 2  # a promise falling due within this many days counts
KIND_URGENCY = {"escalation": 0.8, "call": 0.5, "custom": 0.4}
CALL_KINDS = frozenset({"call"})


@dataclass(frozen=True)
class ItemFacts:
    """What is known about one open action when the queue is built."""

    action_id: int
    customer_id: int
    kind: str
    due_date: dt.date
    past_due_amount: Decimal  # reporting currency
    currency: str
    days_past_due: int
    risk_score: int | None = None  # 0..1000, higher = safer
    risk_class: str = ""
    promise_broken_on: dt.date | None = None  # most recent broken promise
    promise_due_on: dt.date | None = None  # earliest open promise date
    promise_amount: Decimal | None = None
    promise_currency: str = ""
    last_contact_on: dt.date | None = None
    task: str = ""  # a task made by hand or by an email: what it is about, in its own words
    task_parts: list[dict[str, Any]] = field(default_factory=list)  # the same as reason codes
    # Set when the account's open actions are merged into one item (``merge_facts``): each
    # task as the params of its reason ({"text", "parts"}).
    tasks: tuple[dict[str, Any], ...] = ()
    kinds: tuple[str, ...] = ()
    action_ids: tuple[int, ...] = ()
    # Collectible past due at or under the small-balance threshold: never in Today.
    small_balance: bool = False

    @property
    def all_kinds(self) -> tuple[str, ...]:
        return self.kinds or (self.kind,)

    @property
    def all_tasks(self) -> tuple[dict[str, Any], ...]:
        if self.tasks or not self.task:
            return self.tasks
        task: dict[str, Any] = {"text": self.task}
        if self.task_parts:
            task["parts"] = self.task_parts
        return (task,)


@dataclass(frozen=True)
class Ranked:
    facts: ItemFacts
    priority: int
    factors: dict[str, float]
    reasons: list[dict[str, Any]]


def normalize_weights(weights: Mapping[str, int | float] | None) -> dict[str, float]:
    """Weights as shares summing to 1 (the defaults when every weight is 0)."""
    raw = {name: float((weights or {}).get(name, 0) or 0) for name in FACTORS}
    if any(v < 0 for v in raw.values()):
        raise ValueError("weights cannot be negative")
    total = sum(raw.values())
    if total <= 0:
        raw = {name: float(DEFAULT_WEIGHTS[name]) for name in FACTORS}
        total = sum(raw.values())
    return {name: value / total for name, value in raw.items()}


def item_factors(facts: ItemFacts, as_of: dt.date) -> dict[str, float]:
    """Each factor of ``facts`` on a 0..1 scale (1 = call this one first)."""
    amount = max(facts.past_due_amount, Decimal(0))
    past_due = min(1.0, math.log10(1 + float(amount)) / math.log10(1 + float(AMOUNT_SATURATION)))
    risk = 0.5 if facts.risk_score is None else 1 - min(max(facts.risk_score, 0), 1000) / 1000
    dpd = min(max(facts.days_past_due, 0), DPD_SATURATION) / DPD_SATURATION

    promise = 0.0
    if facts.promise_broken_on is not None:
        age = (as_of - facts.promise_broken_on).days
        if 0 <= age <= PROMISE_BROKEN_WINDOW:
            promise = 1.0 - 0.5 * age / PROMISE_BROKEN_WINDOW
    if facts.promise_due_on is not None:
        until = (facts.promise_due_on - as_of).days
        if until <= 0:
            promise = max(promise, 0.8)  # due today (or overdue and not yet checked)
        elif until <= PROMISE_DUE_WINDOW:
            promise = max(promise, 0.5)

    urgency = KIND_URGENCY.get(facts.kind, 0.4)
    overdue = (as_of - facts.due_date).days
    if overdue > 0:
        urgency = min(1.0, urgency + 0.05 * overdue)
    elif overdue < 0:
        urgency = max(0.0, urgency + 0.1 * overdue)

    if facts.last_contact_on is None:
        contact = 1.0
    else:
        days = max(0, (as_of - facts.last_contact_on).days)
        contact = min(days, CONTACT_SATURATION) / CONTACT_SATURATION
    return {
        "past_due": past_due,
        "risk": risk,
        "days_past_due": dpd,
        "promise": promise,
        "urgency": urgency,
        "last_contact": contact,
    }


def priority_of(factors: Mapping[str, float], shares: Mapping[str, float]) -> int:
    """The weighted sum of the factors on a 0..1000 scale."""
    total = 0.0
    for name in FACTORS:
        total += shares[name] * factors[name]
    return round(1000 * total)


def merge_facts(actions: Sequence[ItemFacts]) -> ItemFacts:
    """One account's open actions for one person as a single item: the most urgent kind leads
    (escalation, then call, then custom; then the earliest due), every task's words are kept
    and the earliest due date counts."""
    if not actions:
        raise ValueError("nothing to merge")
    ordered = sorted(
        actions, key=lambda f: (-KIND_URGENCY.get(f.kind, 0.4), f.due_date, f.action_id)
    )
    lead = ordered[0]
    by_text: dict[str, dict[str, Any]] = {}
    for f in ordered:
        for t in f.all_tasks:
            by_text.setdefault(str(t.get("text", "")), t)
    tasks = tuple(t for text, t in by_text.items() if text)
    kinds = tuple(dict.fromkeys(k for f in ordered for k in f.all_kinds))
    return replace(
        lead,
        due_date=min(f.due_date for f in ordered),
        task="",
        task_parts=[],
        tasks=tasks,
        kinds=kinds,
        action_ids=tuple(f.action_id for f in ordered),
    )


def item_reasons(facts: ItemFacts, as_of: dt.date) -> list[dict[str, Any]]:
    """Why this item is in the queue, as data (rendered by ``worklist.reasons``)."""
    reasons: list[dict[str, Any]] = []
    if facts.small_balance:
        reasons.append(
            {
                "code": "small_balance",
                "params": {"amount": str(facts.past_due_amount), "currency": facts.currency},
            }
        )
    for task in facts.all_tasks:
        reasons.append({"code": "task", "params": dict(task)})
    if facts.past_due_amount > 0:
        reasons.append(
            {
                "code": "past_due",
                "params": {
                    "amount": str(facts.past_due_amount),
                    "currency": facts.currency,
                    "days": facts.days_past_due,
                },
            }
        )
    if facts.risk_class:
        reasons.append({"code": "risk", "params": {"class": facts.risk_class}})
    broken_ago = None
    if facts.promise_broken_on is not None:
        broken_ago = (as_of - facts.promise_broken_on).days
    if broken_ago is not None and 0 <= broken_ago <= PROMISE_BROKEN_WINDOW:
        reasons.append({"code": "promise_broken", "params": {"days_ago": broken_ago}})
    elif facts.promise_due_on is not None and (facts.promise_due_on - as_of).days <= (
        PROMISE_DUE_WINDOW
    ):
        params: dict[str, Any] = {"in_days": (facts.promise_due_on - as_of).days}
        if facts.promise_amount is not None:
            params |= {"amount": str(facts.promise_amount), "currency": facts.promise_currency}
        reasons.append({"code": "promise_due", "params": params})
    if "escalation" in facts.all_kinds:
        reasons.append({"code": "escalation", "params": {}})
    overdue = (as_of - facts.due_date).days
    if overdue > 0:
        reasons.append({"code": "task_overdue", "params": {"days": overdue}})
    if facts.last_contact_on is None:
        reasons.append({"code": "never_contacted", "params": {}})
    else:
        days = (as_of - facts.last_contact_on).days
        reasons.append({"code": "last_contact", "params": {"days_ago": max(days, 0)}})
    return reasons


def rank_items(
    items: Iterable[ItemFacts], *, as_of: dt.date, weights: Mapping[str, int | float] | None = None
) -> list[Ranked]:
    """Items with their priority, highest first; ties go to the larger past-due amount, then the
    older item, then the action id (so the order is always the same)."""
    shares = normalize_weights(weights)
    ranked = []
    for facts in items:
        factors = item_factors(facts, as_of)
        ranked.append(
            Ranked(
                facts=facts,
                priority=priority_of(factors, shares),
                factors={k: int(v * 1000 + 0.5) for k, v in factors.items()},
                reasons=item_reasons(facts, as_of),
            )
        )
    ranked.sort(
        key=lambda r: (
            -r.priority,
            -r.facts.past_due_amount,
            -r.facts.days_past_due,
            r.facts.action_id,
        )
    )
    return ranked


def split_capacity(
    kinds: Sequence[str | Sequence[str]],
    daily_target: int,
    small: Sequence[bool] | None = None,
) -> list[bool]:
    """For items already in priority order, whether each is 'today': the first ``daily_target``
    with a call are; items with an escalation or a custom task always are (they are few and
    not only calls); an item whose balance is too small to chase (``small``) never is."""
    calls = 0
    today = []
    for i, kind in enumerate(kinds):
        if small is not None and small[i]:
            today.append(False)
            continue
        item_kinds = (kind,) if isinstance(kind, str) else tuple(kind)
        if CALL_KINDS.intersection(item_kinds):
            calls += 1
            # An escalation or a task on the account comes today even beyond the calls.
            today.append(calls <= daily_target or not CALL_KINDS.issuperset(item_kinds))
        else:
            today.append(True)
    return today


def small_balance_limit(
    thresholds: Mapping[str, Decimal], currency: str, default: Decimal
) -> Decimal:
    """The small-balance threshold for ``currency`` (``default`` when it has none)."""
    return thresholds.get(currency, default)


@dataclass(frozen=True)
class AbsenceSpan:
    collector_id: int
    cover_id: int
    start_date: dt.date
    end_date: dt.date


def cover_map(absences: Iterable[AbsenceSpan], as_of: dt.date) -> dict[int, int]:
    """Who works whose queue on ``as_of``: absent collector -> cover. A cover who is away too
    hands on to their own cover (chains are followed, cycles stop at the last present person)."""
    direct = {a.collector_id: a.cover_id for a in absences if a.start_date <= as_of <= a.end_date}
    resolved: dict[int, int] = {}
    for collector in direct:
        seen = {collector}
        target = direct[collector]
        while target in direct and direct[target] not in seen:
            seen.add(target)
            target = direct[target]
        resolved[collector] = target
    return resolved


def effective_collector(
    owner_id: int | None, cover: Mapping[int, int]
) -> tuple[int | None, int | None]:
    """(who works the item, whom they cover for or None)."""
    if owner_id is None:
        return None, None
    target = cover.get(owner_id)
    if target is None or target == owner_id:
        return owner_id, None
    return target, owner_id


# --- portfolio rules --------------------------------------------------------------------------


@dataclass(frozen=True)
class RuleSpec:
    rule_id: int
    collector_id: int
    entity_id: int | None = None
    segment: str = ""
    country: str = ""
    language: str = ""


@dataclass(frozen=True)
class AccountFacts:
    customer_id: int
    entity_id: int
    segment: str = ""
    country: str = ""
    language: str = ""


def rule_matches(rule: RuleSpec, account: AccountFacts) -> bool:
    if rule.entity_id is not None and rule.entity_id != account.entity_id:
        return False
    for name in ("segment", "country", "language"):
        wanted = getattr(rule, name)
        if wanted and wanted.lower() != (getattr(account, name) or "").lower():
            return False
    return True


def first_matching_rule(rules: Sequence[RuleSpec], account: AccountFacts) -> RuleSpec | None:
    return next((rule for rule in rules if rule_matches(rule, account)), None)


# --- balancing --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Unit:
    """A group of accounts that must stay with one collector (a parent and everything below it,
    or a single account): its size on every measure and its current collector."""

    key: int  # the group's top customer id
    accounts: int
    past_due: Decimal
    calls: int
    owner_id: int | None = None


@dataclass
class Load:
    accounts: int = 0
    past_due: Decimal = Decimal(0)
    calls: int = 0
    units: list[int] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"accounts": self.accounts, "past_due": str(self.past_due), "calls": self.calls}


@dataclass
class BalancePlan:
    assignment: dict[int, int]  # unit key -> collector id
    before: dict[int, Load]
    after: dict[int, Load]
    moved_units: int
    moved_accounts: int

    def spread(self, measure: str, *, after: bool = True) -> float:
        """Largest load over the mean on ``measure`` (1.0 = perfectly even)."""
        loads = self.after if after else self.before
        return load_spread([getattr(load, measure) for load in loads.values()])


def load_spread(values: Sequence[int | Decimal]) -> float:
    nums = [float(v) for v in values]
    if not nums:
        return 1.0
    mean = sum(nums) / len(nums)
    return max(nums) / mean if mean else 1.0


MEASURES = ("accounts", "past_due", "calls")
BALANCE_CANDIDATES = 8  # the lightest collectors a leftover unit is weighed against


def _loads_of(units: Iterable[Unit], assignment: Mapping[int, int | None]) -> dict[int, Load]:
    loads: dict[int, Load] = {}
    for unit in units:
        owner = assignment.get(unit.key)
        if owner is None:
            continue
        load = loads.setdefault(owner, Load())
        load.accounts += unit.accounts
        load.past_due += unit.past_due
        load.calls += unit.calls
        load.units.append(unit.key)
    return loads


def _scatter(key: int) -> int:
    """A fixed shuffle of ids (Knuth's multiplicative hash): the same order on every run."""
    return (key * 2654435761) % 4294967296


def balance_portfolios(
    units: Sequence[Unit],
    collector_ids: Sequence[int],
    *,
    weights: Mapping[str, float] | None = None,
    tolerance: float = 0.03,
) -> BalancePlan:
    """Split ``units`` over ``collector_ids`` so every collector carries a similar share of
    accounts, past-due amount and expected calls, moving as few accounts as it can.

    First every collector keeps their own units while each measure stays within ``tolerance``
    of an even share, taking them in a fixed pseudo-random order so what they keep has the mix
    of their whole portfolio (largest first would keep the account-heavy groups and leave the
    past-due ones to others); then the units left over go, largest first, to the collector
    whose heaviest (normalised) measure stays lowest after taking them."""
    if not collector_ids:
        raise ValueError("balancing needs at least one collector")
    collectors = list(dict.fromkeys(collector_ids))
    shares = {m: float((weights or {}).get(m, 1.0)) for m in MEASURES}
    n = len(collectors)
    totals = {
        "accounts": sum(u.accounts for u in units),
        "past_due": float(sum((u.past_due for u in units), Decimal(0))),
        "calls": sum(u.calls for u in units),
    }
    targets = {m: (totals[m] / n) or 1.0 for m in MEASURES}
    active = [m for m in MEASURES if totals[m] and shares[m] > 0] or ["accounts"]

    # Each unit as a vector of its weighted shares of an even load: 1.0 = one collector's part.
    scale = [shares[m] / targets[m] for m in active]
    vectors = {
        u.key: [float(getattr(u, m)) * f for m, f in zip(active, scale, strict=True)] for u in units
    }
    limits = [shares[m] * (1 + tolerance) for m in active]
    state = {c: [0.0] * len(active) for c in collectors}
    assignment: dict[int, int] = {}

    def take(collector: int, unit: Unit) -> None:
        assignment[unit.key] = collector
        load = state[collector]
        for i, value in enumerate(vectors[unit.key]):
            load[i] += value

    def cost(collector: int, unit: Unit) -> float:
        load = state[collector]
        after = [a + b for a, b in zip(load, vectors[unit.key], strict=True)]
        return max(after) + 1e-9 * sum(load)

    def fits(collector: int, unit: Unit) -> bool:
        load = state[collector]
        return all(
            a + b <= limit for a, b, limit in zip(load, vectors[unit.key], limits, strict=True)
        )

    left = []
    for unit in sorted(units, key=lambda u: (_scatter(u.key), u.key)):
        owner = unit.owner_id
        if owner is not None and owner in state and fits(owner, unit):
            take(owner, unit)
        else:
            left.append(unit)

    # The least loaded collectors sit at the top of a heap; the unit goes to whichever of the
    # few lightest costs least once it is added (checking every collector for every unit is
    # quadratic: minutes for 100k unassigned accounts).
    heap = [(max(state[c]), i, c) for i, c in enumerate(collectors)]
    heapq.heapify(heap)
    for unit in sorted(left, key=lambda u: (-sum(vectors[u.key]), u.key)):
        candidates = [heapq.heappop(heap) for _ in range(min(BALANCE_CANDIDATES, len(heap)))]
        best = min(candidates, key=lambda entry: (cost(entry[2], unit), entry[1]))
        take(best[2], unit)
        for entry in candidates:
            if entry is best:
                entry = (max(state[best[2]]), best[1], best[2])
            heapq.heappush(heap, entry)

    before = _loads_of(units, {u.key: u.owner_id for u in units})
    after = _loads_of(units, assignment)
    for c in collectors:
        after.setdefault(c, Load())
        before.setdefault(c, Load())
    moved = [u for u in units if assignment[u.key] != u.owner_id]
    return BalancePlan(
        assignment=assignment,
        before=before,
        after=after,
        moved_units=len(moved),
        moved_accounts=sum(u.accounts for u in moved),
    )
