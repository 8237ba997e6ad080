"""Writes for queues and portfolios. Each service is one transaction and records an audit event."""

from __future__ import annotations

import datetime as dt
import json
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from openar.activity.services import contact_record, promise_record
from openar.core.audit import audit_record
from openar.core.bulk import copy_rows
from openar.core.dates import today
from openar.core.errors import Conflict, NotFound, ValidationError
from openar.core.money import AMOUNT_DECIMAL_PLACES, AMOUNT_MAX_DIGITS
from openar.ledger.hierarchy import customer_roots
from openar.ledger.models import Customer, Entity
from openar.strategy.choices import ActionStatus
from openar.strategy.models import Action
from openar.strategy.services import action_close, action_create
from openar.worklist.choices import Slot
from openar.worklist.domain import (
    FACTORS,
    AccountFacts,
    BalancePlan,
    RuleSpec,
    effective_collector,
    first_matching_rule,
    merge_facts,
    rank_items,
    split_capacity,
)
from openar.worklist.models import (
    DEFAULT_DAILY_TARGET,
    Absence,
    CollectorProfile,
    PortfolioRule,
    RankingWeights,
    WorkItem,
)
from openar.worklist.selectors import (
    active_cover,
    balance_preview,
    daily_targets,
    group_members,
    item_facts,
    latest_queue_date,
    open_queue_actions,
    queue_actions,
    ranking_weights,
)

Progress = Callable[[int, int], None]
ANALYZE_ROWS = 10_000
REBUILD_LOCK = 0x4F415251  # advisory lock key serializing queue rebuilds on PostgreSQL
MAX_WEIGHT = 100


# --- queues --------------------------------------------------------------------------------


@transaction.atomic
def queues_rebuild(
    *,
    as_of: dt.date,
    actor: Any,
    collector: Any = None,
    progress: Progress | None = None,
) -> int:
    """Rebuild the work queues from the open call, escalation and custom actions: every queue,
    or only ``collector``'s (after they log a call). Returns the number of items written.

    Set-based: a fixed number of queries whatever the portfolio size; rebuilding the same date
    twice gives the same queues."""
    if connection.vendor == "postgresql":
        # One rebuild at a time: a collector logging a call while the daily cycle rebuilds
        # every queue would otherwise insert the same action's item twice. (SQLite writes
        # one transaction at a time anyway.)
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [REBUILD_LOCK])
    cover = active_cover(as_of)
    if collector is not None:
        target_id = cover.get(collector.pk, collector.pk)  # an absent collector's cover
        owners = {target_id} | {absent for absent, c in cover.items() if c == target_id}
        actions = [
            a for a in open_queue_actions(queue_actions(owners=owners)) if a.owner_id in owners
        ]
        customers: list[int] | None = sorted({a.customer_id for a in actions})
    else:
        target_id = None
        actions = open_queue_actions(queue_actions(), stream=True)
        customers = None
    if progress:
        progress(0, len(actions))
    facts = item_facts(as_of=as_of, actions=actions, customers=customers)
    owner_of = {a.action_id: a.owner_id for a in actions}

    # One item per account and person: the account's actions they own, merged.
    grouped: dict[tuple[int | None, int], list[Any]] = defaultdict(list)
    covering: dict[tuple[int | None, int], int | None] = {}
    for f in facts:
        worker, covered = effective_collector(owner_of[f.action_id], cover)
        if target_id is not None and worker != target_id:
            continue
        grouped[(worker, f.customer_id)].append(f)
        covering[(worker, f.customer_id)] = covered
    per_collector: dict[int | None, list[Any]] = defaultdict(list)
    for (worker, _cid), account_facts in grouped.items():
        per_collector[worker].append(merge_facts(account_facts))

    weights = ranking_weights()
    targets = daily_targets(uid for uid in per_collector if uid is not None)
    ops = connection.ops
    built_at = ops.adapt_datetimefield_value(timezone.now())
    day = _date_adapter()
    rows: list[tuple[Any, ...]] = []
    for worker, worker_facts in per_collector.items():
        ranked = rank_items(worker_facts, as_of=as_of, weights=weights)
        target = targets.get(worker, DEFAULT_DAILY_TARGET) if worker is not None else 0
        today = split_capacity(
            [r.facts.all_kinds for r in ranked], target, [r.facts.small_balance for r in ranked]
        )
        for position, (r, is_today) in enumerate(zip(ranked, today, strict=True), start=1):
            f = r.facts
            rows.append(
                (
                    f.action_id,
                    json.dumps(list(f.action_ids or (f.action_id,))),
                    json.dumps(list(f.all_kinds)),
                    f.customer_id,
                    worker,
                    covering[(worker, f.customer_id)],
                    f.kind,
                    day(as_of),
                    day(f.due_date),
                    r.priority,
                    position,
                    Slot.TODAY.value if is_today and worker is not None else Slot.WAITING.value,
                    ops.adapt_decimalfield_value(
                        f.past_due_amount, AMOUNT_MAX_DIGITS, AMOUNT_DECIMAL_PLACES
                    ),
                    f.currency,
                    f.days_past_due,
                    f.risk_class,
                    json.dumps(r.reasons),
                    json.dumps(r.factors),
                    built_at,
                )
            )

    if target_id is None:
        WorkItem.objects.all().delete()
    else:
        WorkItem.objects.filter(collector_id=target_id).delete()
        # Items holding these actions may sit in another queue (the account changed hands).
        mine = {a.action_id for a in actions}
        stale = [
            pk
            for pk, ids in WorkItem.objects.filter(customer_id__in=customers or []).values_list(
                "pk", "action_ids"
            )
            if mine.intersection(ids or ())
        ]
        if stale:
            WorkItem.objects.filter(pk__in=stale).delete()
    _insert_rows(rows)
    if target_id is None and len(rows) >= ANALYZE_ROWS and connection.vendor == "postgresql":
        # Fresh planner statistics for the one-collector rebuilds that follow (the project's
        # rule after any load of 10,000 rows; autovacuum would get there, later).
        with connection.cursor() as cursor:
            # The looked-up columns only: sampling the JSON columns costs seconds.
            cursor.execute(
                f"ANALYZE {connection.ops.quote_name(WorkItem._meta.db_table)} "
                "(collector_id, action_id, customer_id, slot)"
            )
    if progress:
        progress(len(actions), len(actions))
    audit_record(
        actor=actor,
        action="queues.rebuild",
        object_type="queue",
        object_id=target_id or "all",
        summary=f"{len(rows)} work items as of {as_of}",
    )
    return len(rows)


# The WorkItem columns written by the rebuild, in the order of its row tuples.
_ITEM_COLUMNS = (
    "action_id", "action_ids", "kinds", "customer_id", "collector_id", "covering_for_id", "kind",
    "as_of", "due_date", "priority", "rank", "slot", "past_due_amount", "currency",
    "days_past_due", "risk_class", "reasons", "factors", "built_at",
)  # fmt: skip


def _date_adapter() -> Callable[[dt.date], Any]:
    cache: dict[dt.date, Any] = {}

    def adapt(value: dt.date) -> Any:
        if value not in cache:
            cache[value] = connection.ops.adapt_datefield_value(value)
        return cache[value]

    return adapt


def _insert_rows(rows: list[tuple[Any, ...]]) -> None:
    """Write work-item rows: COPY on PostgreSQL, batched executemany elsewhere. Building model
    instances and letting bulk_create prepare every value costs more than the ranking itself."""
    if not rows:
        return
    if connection.vendor == "postgresql":
        copy_rows(table=WorkItem._meta.db_table, columns=_ITEM_COLUMNS, rows=rows)
        return
    ops = connection.ops
    table = ops.quote_name(WorkItem._meta.db_table)
    columns = ", ".join(ops.quote_name(name) for name in _ITEM_COLUMNS)
    with connection.cursor() as cursor:
        sql = f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * len(_ITEM_COLUMNS))})"
        for start in range(0, len(rows), 5000):
            cursor.executemany(sql, rows[start : start + 5000])


# --- capacity and weights ------------------------------------------------------------------


@transaction.atomic
def collector_profile_set(
    *, user: Any, daily_target: int, actor: Any, active: bool = True
) -> CollectorProfile:
    """Set a collector's daily call target (capacity)."""
    if daily_target < 0 or daily_target > 1000:
        raise ValidationError("a daily target is between 0 and 1000 calls", field="daily_target")
    profile, _ = CollectorProfile.objects.get_or_create(user=user)
    before = {"daily_target": profile.daily_target, "active": profile.active}
    profile.daily_target = daily_target
    profile.active = active
    profile.save()
    audit_record(
        actor=actor,
        action="collector.capacity",
        object_type="user",
        object_id=user.username,
        before=before,
        after={"daily_target": daily_target, "active": active},
    )
    return profile


@transaction.atomic
def ranking_weights_update(*, weights: Mapping[str, int], actor: Any) -> RankingWeights:
    """Set how much each factor counts in a work item's priority (0-100 each, not all 0)."""
    values: dict[str, int] = {}
    for name in FACTORS:
        value = weights.get(name)
        if value is None:
            raise ValidationError(f"missing weight {name!r}", field=name)
        if not isinstance(value, int) or value < 0 or value > MAX_WEIGHT:
            raise ValidationError(f"a weight is a whole number from 0 to {MAX_WEIGHT}", field=name)
        values[name] = value
    if not any(values.values()):
        raise ValidationError("at least one weight must be above 0", field=FACTORS[0])
    row, _ = RankingWeights.objects.get_or_create(key="default")
    before = {name: getattr(row, name) for name in FACTORS}
    for name, value in values.items():
        setattr(row, name, value)
    row.updated_by = actor if getattr(actor, "pk", None) else None
    row.save()
    audit_record(
        actor=actor,
        action="queues.weights",
        object_type="ranking_weights",
        object_id=row.key,
        before=before,
        after=values,
    )
    return row


# --- portfolios ----------------------------------------------------------------------------


Change = tuple[int, int | None, int | None]  # (customer id, collector before, after)


@dataclass
class AssignResult:
    changes: list[Change]  # (customer id, before, after)
    applied: bool

    @property
    def changed(self) -> int:
        return len(self.changes)


def _apply_changes(changes: Iterable[tuple[int, int | None, int | None]]) -> None:
    by_target: dict[int | None, list[int]] = defaultdict(list)
    for cid, _before, after in changes:
        by_target[after].append(cid)
    for target, ids in by_target.items():
        for start in range(0, len(ids), 5000):
            Customer.objects.filter(id__in=ids[start : start + 5000]).update(collector_id=target)


def _previous_collectors(changes: Iterable[Change]) -> dict[str, list[int]]:
    """Each changed account's collector before (user id, "none"): enough to undo the change."""
    by_before: dict[str, list[int]] = defaultdict(list)
    for cid, before, _after in changes:
        by_before[str(before) if before is not None else "none"].append(cid)
    return dict(by_before)


@transaction.atomic
def portfolio_assign(*, customer: Customer, collector: Any, actor: Any) -> AssignResult:
    """Give an account to ``collector`` (None: unassign). The whole group moves with it, so a
    parent and its children stay with one collector."""
    roots = customer_roots()
    root = roots.get(customer.pk, customer.pk)
    members = [cid for cid, r in roots.items() if r == root] or [customer.pk]
    target = collector.pk if collector is not None else None
    current = dict(Customer.objects.filter(id__in=members).values_list("id", "collector_id"))
    changes: list[Change] = [
        (cid, before, target) for cid, before in current.items() if before != target
    ]
    _apply_changes(changes)
    audit_record(
        actor=actor,
        action="portfolio.assign",
        object_type="customer",
        object_id=customer.customer_ref,
        summary=f"{len(changes)} accounts of the group to "
        f"{collector.username if collector else 'nobody'}",
        after={"collector": collector.username if collector else None, "accounts": len(members)},
    )
    return AssignResult(changes=changes, applied=True)


def _rule_specs() -> list[RuleSpec]:
    return [
        RuleSpec(
            rule_id=r.pk,
            collector_id=r.collector_id,
            entity_id=r.entity_id,
            segment=r.segment,
            country=r.country,
            language=r.language,
        )
        for r in PortfolioRule.objects.filter(active=True).order_by("order", "id")
    ]


@transaction.atomic
def portfolio_rules_apply(*, actor: Any, apply: bool = False) -> AssignResult:
    """Assign every account by the portfolio rules (first match wins). The group's top account
    decides for the whole group; accounts no rule matches keep their collector. With
    ``apply=False`` nothing is written (a preview)."""
    rules = _rule_specs()
    if not rules:
        return AssignResult(changes=[], applied=apply)
    roots = customer_roots()
    rows = list(
        Customer.objects.values_list(
            "id", "entity_id", "segment", "country", "language", "collector_id"
        ).iterator(chunk_size=10000)
    )
    accounts = {row[0]: row for row in rows}
    decided: dict[int, int | None] = {}
    changes: list[Change] = []
    for cid, *_rest, current in rows:
        root = roots.get(cid, cid)
        if root not in decided:
            _, entity_id, segment, country, language, _owner = accounts[root]
            rule = first_matching_rule(
                rules, AccountFacts(root, entity_id, segment, country, language)
            )
            decided[root] = rule.collector_id if rule else None
        target = decided[root]
        if target is not None and target != current:
            changes.append((cid, current, target))
    if apply:
        _apply_changes(changes)
        audit_record(
            actor=actor,
            action="portfolio.rules_apply",
            object_type="portfolio",
            object_id="rules",
            summary=f"{len(changes)} accounts reassigned by {len(rules)} rules",
            before={"accounts": _previous_collectors(changes)},
        )
    return AssignResult(changes=changes, applied=apply)


@transaction.atomic
def portfolio_rule_add(
    *,
    collector: Any,
    actor: Any,
    order: int = 100,
    entity: str = "",
    segment: str = "",
    country: str = "",
    language: str = "",
) -> PortfolioRule:
    """Add a portfolio rule; at least one criterion is needed (a rule for everyone is what
    balancing is for)."""
    entity_obj = None
    if entity:
        entity_obj = Entity.objects.filter(code=entity).first()
        if entity_obj is None:
            raise NotFound(f"no entity {entity!r}", field="entity")
    if not any((entity, segment.strip(), country.strip(), language.strip())):
        raise ValidationError(
            "a rule needs at least one of entity, segment, country, language", field="segment"
        )
    if country and len(country.strip()) != 2:
        raise ValidationError("a country is a two-letter code", field="country")
    rule = PortfolioRule.objects.create(
        order=order,
        entity=entity_obj,
        segment=segment.strip(),
        country=country.strip().upper(),
        language=language.strip().lower(),
        collector=collector,
    )
    audit_record(
        actor=actor,
        action="portfolio.rule_add",
        object_type="portfolio_rule",
        object_id=rule.pk,
        after={
            "order": order,
            "entity": entity,
            "segment": rule.segment,
            "country": rule.country,
            "language": rule.language,
            "collector": collector.username,
        },
    )
    return rule


@transaction.atomic
def portfolio_rule_delete(*, rule: PortfolioRule, actor: Any) -> None:
    rule_id = rule.pk
    rule.delete()
    audit_record(
        actor=actor, action="portfolio.rule_delete", object_type="portfolio_rule", object_id=rule_id
    )


@dataclass
class BalanceResult:
    plan: BalancePlan
    changes: list[Change]
    applied: bool


@transaction.atomic
def portfolio_balance(
    *,
    as_of: dt.date,
    collectors: list[Any],
    actor: Any,
    entity: str | None = None,
    apply: bool = False,
) -> BalanceResult:
    """Split the portfolios of ``collectors`` (and unassigned accounts) so each carries a
    similar number of accounts, past-due amount and expected calls; groups stay whole.
    Without ``apply`` this is a preview and writes nothing."""
    if len(collectors) < 1:
        raise ValidationError("balancing needs at least one collector", field="collectors")
    plan = balance_preview(as_of=as_of, collectors=collectors, entity=entity)
    members = group_members(plan.assignment)
    current = dict(Customer.objects.values_list("id", "collector_id").iterator(chunk_size=10000))
    changes: list[Change] = []
    for root, target in plan.assignment.items():
        for cid in members.get(root, [root]):
            before = current.get(cid)
            if before != target:
                changes.append((cid, before, target))
    if apply:
        _apply_changes(changes)
        audit_record(
            actor=actor,
            action="portfolio.balance",
            object_type="portfolio",
            object_id=entity or "all",
            summary=f"{len(changes)} accounts moved between {len(collectors)} collectors",
            before={
                "loads": {str(k): v.as_dict() for k, v in plan.before.items()},
                "accounts": _previous_collectors(changes),
            },
            after={
                "collectors": [c.username for c in collectors],
                "loads": {str(k): v.as_dict() for k, v in plan.after.items()},
            },
        )
    return BalanceResult(plan=plan, changes=changes, applied=apply)


# --- absence cover -------------------------------------------------------------------------


@transaction.atomic
def absence_record(
    *,
    collector: Any,
    cover: Any,
    start_date: dt.date,
    end_date: dt.date,
    actor: Any,
    note: str = "",
) -> Absence:
    """``cover`` works ``collector``'s queue from ``start_date`` to ``end_date`` (inclusive)."""
    if end_date < start_date:
        raise ValidationError("the absence ends before it starts", field="end_date")
    if cover.pk == collector.pk:
        raise ValidationError("a collector cannot cover their own absence", field="cover")
    overlap = Absence.objects.filter(
        collector=collector, start_date__lte=end_date, end_date__gte=start_date
    ).first()
    if overlap is not None:
        raise Conflict(
            f"{collector.username} is already away {overlap.start_date}..{overlap.end_date}",
            field="start_date",
        )
    absence = Absence.objects.create(
        collector=collector,
        cover=cover,
        start_date=start_date,
        end_date=end_date,
        note=note.strip(),
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    audit_record(
        actor=actor,
        action="absence.record",
        object_type="user",
        object_id=collector.username,
        after={
            "cover": cover.username,
            "start_date": start_date.isoformat(),
            "end_date": end_date.isoformat(),
        },
    )
    return absence


@transaction.atomic
def absence_cancel(*, absence: Absence, actor: Any) -> None:
    summary = f"{absence.collector} {absence.start_date}..{absence.end_date}"
    absence_id = absence.pk
    absence.delete()
    audit_record(
        actor=actor,
        action="absence.cancel",
        object_type="absence",
        object_id=absence_id,
        summary=summary,
    )


# --- working the queue ---------------------------------------------------------------------

CLOSE_OUTCOMES = {"done": ActionStatus.DONE, "not_needed": ActionStatus.CANCELLED}
_deferred = threading.local()


@contextmanager
def queue_refresh_deferred() -> Iterator[set[int]]:
    """Within the block, work on an account only notes it; its queue items are refreshed once
    at the end (a call that records a promise and a contact rebuilds the queue once, not twice)."""
    outer = getattr(_deferred, "customers", None)
    if outer is not None:
        yield outer
        return
    _deferred.customers = set()
    try:
        yield _deferred.customers
        customers = set(_deferred.customers)
    finally:
        _deferred.customers = None
    for customer_id in sorted(customers):
        queue_refresh_account(customer_id=customer_id, actor="queue")


def _workers_of(customer_id: int, as_of: dt.date) -> set[int]:
    """Who has the account in their queue now, or owns one of its open actions."""
    workers = set(
        WorkItem.objects.filter(customer_id=customer_id, collector__isnull=False).values_list(
            "collector_id", flat=True
        )
    )
    cover = active_cover(as_of)
    for a in open_queue_actions(queue_actions().filter(customer_id=customer_id)):
        worker, _ = effective_collector(a.owner_id, cover)
        if worker is not None:
            workers.add(worker)
    return workers


def queue_refresh_account(*, customer_id: int, actor: Any, as_of: dt.date | None = None) -> int:
    """Bring the account's queue items up to date at once (after a promise, a call, a plan or
    a dispute on it): the queue of everyone who works it is re-ranked. Returns the number of
    queues rebuilt."""
    pending = getattr(_deferred, "customers", None)
    if pending is not None:
        pending.add(customer_id)
        return 0
    day = as_of or latest_queue_date()
    if day is None:
        return 0  # no queue built yet: nothing to bring up to date
    users = get_user_model().objects.filter(pk__in=_workers_of(customer_id, day))
    for user in users:
        queues_rebuild(as_of=day, actor=actor, collector=user)
    return len(users)


def account_worked(*, customer: Any, kind: str, actor: Any, **details: Any) -> None:
    """The ``account_worked`` hook: a call logged on the account closes its open call tasks
    with the call's outcome (the call was made); then the account's queue items are refreshed
    (a promise or a plan holds its calls back, a dispute lowers what is collectible)."""
    if kind == "contact" and details.get("channel") == "call" and details.get("user") is not None:
        outcome = str(details.get("outcome", ""))
        note = str(details.get("note", "")).strip()
        for action in Action.objects.filter(
            customer_id=customer.pk, status=ActionStatus.OPEN, kind="call"
        ).exclude(pk=details.get("action_id") or 0):
            action_close(
                action=action,
                status=ActionStatus.DONE,
                outcome=f"{outcome}: {note}" if note else outcome,
                actor=actor,
                completed_by=details["user"],
            )
    queue_refresh_account(customer_id=customer.pk, actor=actor)


def _item_actions(item: WorkItem, seen: Iterable[int] | None) -> list[Action]:
    """The item's actions, locked; ``seen`` (the ids the person saw on the page) must all be
    still open, else someone else worked the account meanwhile and nothing is written."""
    ids = list(item.action_ids or [item.action_id])
    wanted = [int(i) for i in seen] if seen else ids
    actions = list(
        Action.objects.select_for_update()
        .select_related("customer")
        .filter(pk__in=wanted)
        .order_by("pk")
    )
    closed = [a for a in actions if a.status != ActionStatus.OPEN]
    if closed or not actions:
        who = next((a.completed_by for a in closed if a.completed_by is not None), None)
        raise Conflict(
            _("%(name)s already worked this account; the queue shows what is left.")
            % {"name": who.get_full_name() or who.get_username()}
            if who is not None
            else _("This task is already closed; the queue shows what is left."),
            field="outcome",
        )
    return actions


@dataclass
class LoggedCall:
    contact: Any
    queue_items: int
    seconds: float
    promise: Any = None


@transaction.atomic
def work_item_log_call(
    *,
    item: WorkItem,
    user: Any,
    outcome: str,
    as_of: dt.date,
    actor: Any,
    note: str = "",
    promise_amount: Decimal | str | None = None,
    promise_date: dt.date | None = None,
    taken_on: dt.date | None = None,
    seen: Iterable[int] | None = None,
) -> LoggedCall:
    """Log the call made for a queue item (the activity contact log), with the promise to pay
    it obtained if any, close its call tasks (every task when it has no call), and re-rank the
    collector's queue once."""
    started = time.perf_counter()
    actions = _item_actions(item, seen)
    calls = [a for a in actions if a.kind == "call"] or actions
    customer = actions[0].customer
    promise = None
    text = outcome if not note.strip() else f"{outcome}: {note.strip()}"
    with queue_refresh_deferred():
        for action in calls:
            action_close(
                action=action,
                status=ActionStatus.DONE,
                outcome=text,
                actor=actor,
                completed_by=user,
            )
        if outcome == "promise_taken":
            if promise_amount in (None, "") or promise_date is None:
                raise ValidationError(
                    _("A promise needs an amount and a date."), field="promise_amount"
                )
            promise = promise_record(
                customer=customer,
                amount=promise_amount,
                currency=customer.currency,
                promised_date=promise_date,
                taken_on=taken_on or today(),
                actor=user if getattr(user, "pk", None) else actor,
                note=note,
                strict=True,
            )
        contact = contact_record(
            customer=customer,
            user=user,
            channel="call",
            outcome=outcome,
            note=note,
            action_id=calls[0].pk,
            promise=promise,
            actor=actor,
        )
    worker = item.collector or user
    n = WorkItem.objects.filter(collector=worker).count()
    return LoggedCall(
        contact=contact, queue_items=n, seconds=time.perf_counter() - started, promise=promise
    )


@transaction.atomic
def work_item_close(
    *,
    item: WorkItem,
    user: Any,
    outcome: str,
    actor: Any,
    note: str = "",
    seen: Iterable[int] | None = None,
) -> list[Action]:
    """Close every action of a queue item with an outcome: ``done`` (the work was done) or
    ``not_needed`` (cancelled: nothing to do after all), with the person's note; the account
    leaves their queue unless other work arrives."""
    status = CLOSE_OUTCOMES.get(outcome)
    if status is None:
        raise ValidationError(_("Choose how the task ended: done or not needed."), field="outcome")
    actions = _item_actions(item, seen)
    text = outcome if not note.strip() else f"{outcome}: {note.strip()}"
    closed = [
        action_close(action=a, status=status, outcome=text, actor=actor, completed_by=user)
        for a in actions
    ]
    queue_refresh_account(customer_id=item.customer_id, actor=actor)
    return closed


def plan_broken(
    *, customer_id: int, plan: Any, seq: int, due_date: dt.date, as_of: dt.date, actor: Any
) -> None:
    """The ``plan_broken`` hook: a follow-up call for the account's collector, due on the day
    the broken instalment was found, once per instalment."""
    day = max(due_date, as_of)
    action_create(
        customer_id=customer_id,
        kind="call",
        reason=_("Payment plan %(plan)s: instalment %(seq)s of %(date)s not paid")
        % {"plan": plan.pk, "seq": seq, "date": due_date.isoformat()},
        as_of=day,
        due_date=day,
        dedupe_key=f"plan-broken:{plan.pk}:{seq}",
        actor=actor,
    )
    queue_refresh_account(customer_id=customer_id, actor=actor)
