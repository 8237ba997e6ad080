"""Reads for strategies: the definitions, each account's facts on a date (aggregate SQL), the plan
of actions a set of strategies makes, the simulation of one strategy, export, and action lists."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import Case, Count, F, Min, Q, QuerySet, Sum, When

from openar.activity.choices import PlanStatus, PromiseStatus
from openar.activity.models import AccountEvent, PaymentPlan, PromiseToPay
from openar.core.money import ZERO, cross_rate
from openar.disputes.selectors import disputed_customer_ids, disputed_past_due_by_customer
from openar.ledger.models import Customer, Document, Entity
from openar.ledger.selectors import latest_rates
from openar.strategy.domain.definitions import (
    EVENT_LOOKBACK_DAYS,
    EVENT_TRIGGERS,
    SPEC_VERSION,
    StepDef,
    StrategyDef,
)
from openar.strategy.domain.evaluation import (
    AccountFacts,
    DueStep,
    compile_strategy,
    due_steps,
    order_for_matching,
    pick_strategy,
)
from openar.strategy.models import Action, Strategy, StrategyRun

Progress = Callable[[int, int], None]


# --- definitions -------------------------------------------------------------------------------


def strategy_def(strategy: Strategy) -> StrategyDef:
    """The plain definition of a saved strategy (steps in their order)."""
    steps = strategy.steps.all()  # uses a prefetch when there is one; sorted below
    return StrategyDef(
        id=strategy.pk,
        code=strategy.code,
        name=strategy.name,
        description=strategy.description,
        priority=strategy.priority,
        is_default=strategy.is_default,
        active=strategy.active,
        criteria=strategy.criteria or {},
        steps=tuple(
            StepDef(
                id=s.pk,
                code=s.code,
                name=s.name,
                kind=s.kind,
                owner_role=s.owner_role,
                trigger=s.trigger,
                days_from=s.days_from,
                days_to=s.days_to,
                wait_days=s.wait_days,
                conditions=s.conditions or {},
                template=s.template,
            )
            for s in sorted(steps, key=lambda s: (s.order, s.pk))
        ),
    )


def strategy_defs(*, active_only: bool = True) -> list[StrategyDef]:
    qs = Strategy.objects.prefetch_related("steps").order_by("priority", "code")
    if active_only:
        qs = qs.filter(active=True)
    return [strategy_def(s) for s in qs]


def strategies_export(*, codes: Iterable[str] | None = None) -> dict[str, Any]:
    """Every strategy (or those named) as the import document: ``{"version", "strategies"}``."""
    defs = strategy_defs(active_only=False)
    if codes is not None:
        wanted = set(codes)
        defs = [d for d in defs if d.code in wanted]
    return {"version": SPEC_VERSION, "strategies": [d.as_dict() for d in defs]}


# --- account facts -----------------------------------------------------------------------------


def _needs(strategies: Iterable[StrategyDef]) -> tuple[bool, bool]:
    risk = attributes = False
    for strategy in strategies:
        if strategy.is_default:
            continue
        risk = risk or bool(strategy.criteria.get("risk_class"))
        attributes = attributes or bool(strategy.criteria.get("attributes"))
    return risk, attributes


def event_window(as_of: dt.date) -> tuple[dt.date, dt.date]:
    """Events on these dates (inclusive) trigger event steps: since the previous run, at most
    ``EVENT_LOOKBACK_DAYS`` back, and just the run date on the first run."""
    previous = (
        StrategyRun.objects.filter(as_of__lt=as_of).order_by("-as_of").values_list("as_of").first()
    )
    earliest = as_of - dt.timedelta(days=EVENT_LOOKBACK_DAYS - 1)
    start = max(previous[0] + dt.timedelta(days=1), earliest) if previous else as_of
    return start, as_of


def _fetch(qs: QuerySet) -> Any:
    """Rows of a values_list query; on PostgreSQL straight from the driver (its dates and
    decimals are already Python objects, Django's per-row converters cost seconds at 100k)."""
    if connection.vendor == "postgresql":
        sql, params = qs.query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            yield from cursor.fetchall()
        return
    yield from qs.iterator(chunk_size=10000)


def _balances(as_of: dt.date, currency: str) -> dict[int, list[Any]]:
    """Per customer: [balance in ``currency``, oldest open debit due date, has disputed item]."""
    open_now = Case(When(cleared_date__isnull=True, then=F("open_amount")), default=F("amount"))
    rows = (
        Document.objects.filter(document_date__lte=as_of)
        .filter(Q(cleared_date__isnull=True) | Q(cleared_date__gt=as_of))
        .exclude(cleared_date__isnull=True, open_amount=0)
        .values_list("customer_id", "currency")
        .annotate(
            balance=Sum(open_now),
            # The oldest debit still owed (a paid-down invoice left open at zero is not).
            oldest=Min(
                "due_date",
                filter=Q(amount__gt=0) & (Q(cleared_date__isnull=False) | Q(open_amount__gt=0)),
            ),
            disputed=Count("id", filter=Q(disputed=True)),
        )
        .order_by()
    )
    rates = latest_rates(as_of)
    facts: dict[int, list[Any]] = {}
    converters: dict[str, Decimal | None] = {}
    for cid, cur, balance, oldest, disputed in _fetch(rows):
        if cur not in converters:
            rate = cross_rate(cur, currency, rates)
            converters[cur] = rate.rate if rate is not None else None
        rate_value = converters[cur]
        amount = Decimal(balance or 0) * rate_value if rate_value is not None else ZERO
        entry = facts.get(cid)
        if entry is None:
            facts[cid] = [amount, oldest, bool(disputed)]
        else:
            entry[0] += amount
            if oldest is not None and (entry[1] is None or oldest < entry[1]):
                entry[1] = oldest
            entry[2] = entry[2] or bool(disputed)
    return facts


def account_facts(
    *, as_of: dt.date, strategies: Iterable[StrategyDef] | None = None
) -> tuple[dict[int, AccountFacts], tuple[dt.date, dt.date]]:
    """What the engine needs about every account with open items or a recent event on ``as_of``.

    Balances are in the reporting currency (documents' open amounts, converted at the latest
    rates) less their disputed past-due part; ``disputed`` is an open disputed item or an open
    dispute or deduction case."""
    strategies = list(strategies) if strategies is not None else strategy_defs()
    need_risk, need_attributes = _needs(strategies)
    currency = settings.OPENAR_REPORTING_CURRENCY
    balances = _balances(as_of, currency)
    window = event_window(as_of)
    events: dict[int, dict[str, tuple[int, dt.date]]] = {}
    for event_id, cid, kind, occurred in (
        AccountEvent.objects.filter(
            kind__in=EVENT_TRIGGERS, occurred_on__gte=window[0], occurred_on__lte=window[1]
        )
        .order_by("occurred_on", "id")
        .values_list("id", "customer_id", "kind", "occurred_on")
    ):
        events.setdefault(cid, {}).setdefault(kind, (event_id, occurred))
    promised = set(
        PromiseToPay.objects.filter(status=PromiseStatus.OPEN, promised_date__gte=as_of)
        .values_list("customer_id", flat=True)
        .distinct()
    )
    planned = set(
        PaymentPlan.objects.filter(status=PlanStatus.CURRENT, taken_on__lte=as_of)
        .values_list("customer_id", flat=True)
        .distinct()
    )
    # Open dispute and deduction cases: the account counts as disputed, and what is disputed
    # past due is left out of the balance dunning works from (unless configured to keep it).
    deducted = disputed_customer_ids(as_of=as_of)
    disputed_due = disputed_past_due_by_customer(as_of=as_of, currency=currency)
    scores: dict[int, Any] = {}
    if need_risk:
        from openar.risk.selectors import latest_scores

        scores = latest_scores(as_of=as_of)
    entities = dict(Entity.objects.values_list("id", "code"))
    wanted = set(balances) | set(events)
    fields = ["id", "entity_id", "segment", "country", "language", "collector_id"]
    if need_attributes:
        fields.append("attributes")
    facts: dict[int, AccountFacts] = {}
    for row in Customer.objects.values_list(*fields).order_by().iterator(chunk_size=10000):
        cid = row[0]
        if cid not in wanted:
            continue
        balance, oldest, disputed = balances.get(cid, (ZERO, None, False))
        balance -= disputed_due.get(cid, ZERO)
        snapshot = scores.get(cid)
        facts[cid] = AccountFacts(
            customer_id=cid,
            entity=entities.get(row[1], ""),
            segment=row[2],
            country=row[3],
            language=row[4],
            attributes=(row[6] or {}) if need_attributes else {},
            risk_class=snapshot.risk_class if snapshot is not None else None,
            balance=balance,
            oldest_due=oldest,
            disputed=disputed or cid in deducted,
            promise_active=cid in promised,
            plan_active=cid in planned,
            events=events.get(cid, {}),
            collector_id=row[5],
        )
    return facts, window


# --- planning ----------------------------------------------------------------------------------


@dataclass
class Plan:
    """The actions a set of strategies calls for on ``as_of`` (before looking at what exists)."""

    as_of: dt.date
    due: list[tuple[DueStep, AccountFacts]] = field(default_factory=list)
    customers_evaluated: int = 0
    customers_matched: Counter[str] = field(default_factory=Counter)
    unmatched: int = 0
    skipped: dict[str, int] = field(default_factory=dict)
    event_window: tuple[dt.date, dt.date] | None = None
    # Accounts with a positive balance and an item past due on ``as_of``: open past-due work for
    # any other account has nothing left to chase.
    owing: set[int] = field(default_factory=set)


def plan_actions(
    *,
    as_of: dt.date,
    strategies: list[StrategyDef],
    only: str | None = None,
    progress: Progress | None = None,
) -> Plan:
    """Match every account to its strategy and list the steps due; ``only`` keeps the plan of one
    strategy code (the simulation)."""
    ordered = order_for_matching(strategies)
    facts, window = account_facts(as_of=as_of, strategies=ordered)
    compiled = {s.code: compile_strategy(s) for s in ordered}
    plan = Plan(as_of=as_of, event_window=window)
    total = len(facts)
    plan.customers_evaluated = total
    for done, account in enumerate(facts.values(), start=1):
        if account.balance > 0 and account.oldest_due is not None and account.oldest_due < as_of:
            plan.owing.add(account.customer_id)
        strategy = pick_strategy(ordered, account)
        if strategy is None:
            plan.unmatched += 1
        else:
            plan.customers_matched[strategy.code] += 1
            if only is None or strategy.code == only:
                for due in due_steps(compiled[strategy.code], account, as_of, plan.skipped):
                    plan.due.append((due, account))
        if progress is not None and done % 10000 == 0:
            progress(done, total)
    if progress is not None:
        progress(total, total)
    return plan


def existing_keys(keys: list[str], chunk: int = 5000) -> set[str]:
    """The dedupe keys among ``keys`` that actions already have."""
    if not keys:
        return set()
    if connection.vendor == "postgresql":
        # One array parameter instead of thousands of placeholders.
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT dedupe_key FROM strategy_action WHERE dedupe_key = ANY(%s)", [keys]
            )
            return {row[0] for row in cursor.fetchall()}
    found: set[str] = set()
    for start in range(0, len(keys), chunk):
        found.update(
            Action.objects.filter(dedupe_key__in=keys[start : start + chunk]).values_list(
                "dedupe_key", flat=True
            )
        )
    return found


def recent_event_actions(*, as_of: dt.date, plan: Plan) -> set[tuple[int, int]]:
    """(step id, customer id) pairs whose event step fired within its wait before ``as_of``."""
    waits = {
        d.step.id: d.step.wait_days for d, _ in plan.due if d.event is not None and d.step.wait_days
    }
    if not waits:
        return set()
    since = as_of - dt.timedelta(days=max(waits.values()))
    customers = {f.customer_id for d, f in plan.due if d.step.id in waits}
    recent: set[tuple[int, int]] = set()
    rows = Action.objects.filter(
        step_id__in=list(waits), as_of__gte=since, as_of__lt=as_of
    ).values_list("step_id", "customer_id", "as_of")
    for step_id, cid, day in rows:
        if cid in customers and (as_of - day).days < waits[step_id]:
            recent.add((step_id, cid))
    return recent


# --- simulation --------------------------------------------------------------------------------


@dataclass(frozen=True)
class SimulatedAction:
    customer_id: int
    customer_ref: str
    customer_name: str
    step_code: str
    step_name: str
    kind: str
    owner_role: str
    days_past_due: int | None
    reason: str
    exists: bool  # already created by an earlier run (the engine would not create it again)

    def as_dict(self) -> dict[str, Any]:
        return {
            "customer_ref": self.customer_ref,
            "customer_name": self.customer_name,
            "step": self.step_code,
            "kind": self.kind,
            "owner_role": self.owner_role,
            "days_past_due": self.days_past_due,
            "reason": self.reason,
            "exists": self.exists,
        }


@dataclass
class Simulation:
    strategy: str
    as_of: dt.date
    customers_evaluated: int
    customers_matched: int
    new_actions: int
    existing_actions: int
    by_step: dict[str, int]
    by_kind: dict[str, int]
    skipped: dict[str, int]
    actions: list[SimulatedAction]  # at most ``limit``, oldest debt first
    truncated: bool

    def as_dict(self) -> dict[str, Any]:
        return {
            "strategy": self.strategy,
            "as_of": self.as_of.isoformat(),
            "customers_evaluated": self.customers_evaluated,
            "customers_matched": self.customers_matched,
            "new_actions": self.new_actions,
            "existing_actions": self.existing_actions,
            "by_step": self.by_step,
            "by_kind": self.by_kind,
            "skipped": self.skipped,
            "actions": [a.as_dict() for a in self.actions],
            "truncated": self.truncated,
        }


def strategy_simulate(*, strategy: Strategy, as_of: dt.date, limit: int = 500) -> Simulation:
    """What ``strategy`` would do on ``as_of`` if it were active (alongside the active ones, at its
    priority): the actions it would create, per step and kind. Writes nothing."""
    from openar.core.reasons import reason_text
    from openar.strategy.domain.evaluation import describe_parts

    target = strategy_def(strategy)
    others = [s for s in strategy_defs() if s.code != target.code]
    if target.is_default:
        others = [s for s in others if not s.is_default]
    plan = plan_actions(as_of=as_of, strategies=[*others, target], only=target.code)
    keys = [d.dedupe_key for d, _ in plan.due]
    existing = existing_keys(keys)
    currency = settings.OPENAR_REPORTING_CURRENCY
    ordered = sorted(
        plan.due,
        key=lambda pair: (
            -(pair[0].days_past_due or -9999),
            pair[1].customer_id,
            pair[0].step.code,
        ),
    )
    shown = ordered[:limit]
    names = dict(
        (cid, (ref, name))
        for cid, ref, name in Customer.objects.filter(
            id__in=[f.customer_id for _, f in shown]
        ).values_list("id", "customer_ref", "name")
    )
    actions = [
        SimulatedAction(
            customer_id=f.customer_id,
            customer_ref=names.get(f.customer_id, ("", ""))[0],
            customer_name=names.get(f.customer_id, ("", ""))[1],
            step_code=d.step.code,
            step_name=d.step.name,
            kind=d.step.kind,
            owner_role=d.step.owner_role,
            days_past_due=d.days_past_due,
            reason=reason_text(describe_parts(d, f, currency)),
            exists=d.dedupe_key in existing,
        )
        for d, f in shown
    ]
    by_step = Counter(d.step.code for d, _ in plan.due if d.dedupe_key not in existing)
    by_kind = Counter(d.step.kind for d, _ in plan.due if d.dedupe_key not in existing)
    return Simulation(
        strategy=target.code,
        as_of=as_of,
        customers_evaluated=plan.customers_evaluated,
        customers_matched=plan.customers_matched.get(target.code, 0),
        new_actions=len(keys) - len(existing),
        existing_actions=len(existing),
        by_step=dict(by_step),
        by_kind=dict(by_kind),
        skipped=dict(plan.skipped),
        actions=actions,
        truncated=len(ordered) > limit,
    )


# --- actions -----------------------------------------------------------------------------------


def action_list(
    *,
    status: str | None = None,
    kind: str | None = None,
    customer: str | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    strategy: str | None = None,
    queryset: QuerySet[Action] | None = None,
) -> QuerySet[Action]:
    """Actions, newest first, narrowed by status, kind, customer (ref or name), cycle dates
    and strategy (``queryset`` narrows an already built list)."""
    base = queryset if queryset is not None else Action.objects.all()
    qs = base.select_related("customer", "strategy", "step", "assigned_to")
    if status:
        qs = qs.filter(status=status)
    if kind:
        qs = qs.filter(kind=kind)
    if customer:
        qs = qs.filter(
            Q(customer__customer_ref__iexact=customer) | Q(customer__name__icontains=customer)
        )
    if date_from:
        qs = qs.filter(as_of__gte=date_from)
    if date_to:
        qs = qs.filter(as_of__lte=date_to)
    if strategy:
        qs = qs.filter(strategy__code=strategy)
    return qs.order_by("-as_of", "-id")


def last_run() -> StrategyRun | None:
    return StrategyRun.objects.order_by("-as_of").first()


def strategy_list(
    *, queryset: QuerySet[Strategy] | None = None, search: str = "", active: bool | None = None
) -> QuerySet[Strategy]:
    """Strategies in the order they are tried (the default last), with their step count: by code
    or name, active or not."""
    strategies = (queryset if queryset is not None else Strategy.objects.all()).annotate(
        step_count=Count("steps")
    )
    if search:
        strategies = strategies.filter(Q(code__icontains=search) | Q(name__icontains=search))
    if active is not None:
        strategies = strategies.filter(active=active)
    return strategies.order_by("is_default", "priority", "code")
