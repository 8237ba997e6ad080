"""Work-queue benchmarks on the imported portfolio (run by ``python -m benchmarks``):

- ``worklist_all``: rebuild every collector's queue from the open actions;
- ``worklist_one``: a collector logs a call on their top item, then their queue is rebuilt
  (the figure the issue sets at 200 ms), measured for several collectors.

Setup (untimed) refreshes the aging snapshot and creates the actions: through the strategy
engine when it is installed, else representative call and escalation actions by days past due.
"""

from __future__ import annotations

import datetime as dt
import statistics
import time
from typing import Any

ONE_COLLECTOR_RUNS = 7


def _ensure_actions(as_of: dt.date) -> dict[str, Any]:
    from openar.ledger.models import CustomerAging
    from openar.ledger.services import aging_refresh
    from openar.strategy.models import Action

    info: dict[str, Any] = {}
    if not CustomerAging.objects.filter(as_of=as_of).exists():
        started = time.perf_counter()
        info["aged"] = aging_refresh(as_of=as_of, actor="bench")
        info["aging_seconds"] = round(time.perf_counter() - started, 2)
    if Action.objects.filter(status="open").exists():
        info["actions_source"] = "existing"
        _analyze()
        return info
    started = time.perf_counter()
    try:
        from openar.strategy import services as strategy_services

        evaluate = strategy_services.strategies_evaluate
        load_defaults = strategy_services.strategies_load_defaults
    except (ImportError, AttributeError):
        info["actions_source"] = "generated"
        info["actions"] = _generate_actions(as_of)
    else:
        load_defaults(actor="bench")
        result = evaluate(as_of=as_of, actor="bench")
        info["actions_source"] = "strategy engine"
        info["actions"] = result.actions_created
    info["actions_seconds"] = round(time.perf_counter() - started, 2)
    _analyze()
    return info


def _analyze() -> None:
    """Planner statistics for the freshly loaded tables. The benchmark server runs with
    autovacuum off, so without this PostgreSQL plans a 100k-row action table as empty and scans
    it for every one-collector rebuild; in production autovacuum keeps them fresh."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for table in (
            "ledger_customer", "ledger_customeraging", "strategy_action", "risk_customerscore",
            "activity_contactlog", "activity_promisetopay", "activity_accountevent",
        ):  # fmt: skip
            cursor.execute(f"ANALYZE {table}")


def _generate_actions(as_of: dt.date) -> int:
    """One call per account 15+ days past due; an escalation too for a third of those 61+."""
    from openar.ledger.models import CustomerAging
    from openar.strategy.models import Action

    rows = []
    for cid, dpd in CustomerAging.objects.filter(past_due__gt=0).values_list(
        "customer_id", "days_past_due"
    ):
        if dpd >= 15:
            rows.append(
                Action(
                    customer_id=cid,
                    kind="call",
                    owner_role="collector",
                    as_of=as_of,
                    due_date=as_of - dt.timedelta(days=cid % 4),
                    days_past_due=dpd,
                    reason="bench: call",
                    dedupe_key=f"bench:call:{cid}:{as_of}",
                )
            )
        if dpd >= 61 and cid % 3 == 0:
            rows.append(
                Action(
                    customer_id=cid,
                    kind="escalation",
                    owner_role="manager",
                    as_of=as_of,
                    due_date=as_of,
                    days_past_due=dpd,
                    reason="bench: escalation",
                    dedupe_key=f"bench:escalation:{cid}:{as_of}",
                )
            )
    Action.objects.bulk_create(rows, batch_size=5000, ignore_conflicts=True)
    return len(rows)


def rebuild_all(*, as_of: dt.date) -> dict[str, Any]:
    """Timed: rebuild every queue (after an untimed first build, so it measures a rerun)."""
    from openar.worklist.models import WorkItem
    from openar.worklist.services import queues_rebuild

    info = _ensure_actions(as_of)
    started = time.perf_counter()
    first = queues_rebuild(as_of=as_of, actor="bench")
    first_seconds = time.perf_counter() - started
    started = time.perf_counter()
    n = queues_rebuild(as_of=as_of, actor="bench")
    seconds = time.perf_counter() - started
    collectors = WorkItem.objects.values("collector_id").distinct().count()
    return {
        "rows": n,
        "seconds": seconds,
        "first_build_seconds": round(first_seconds, 3),
        "same_result": first == n,
        "collectors": collectors,
        **info,
    }


def rebuild_one(*, as_of: dt.date) -> dict[str, Any]:
    """Timed: for several collectors, log a call on the top item and rebuild that queue.

    ``seconds`` is the slowest rebuild; the median and the whole log-a-call round trip (contact
    log + closing the action + rebuild) are reported too."""
    from django.contrib.auth import get_user_model
    from django.db.models import Count

    from openar.worklist.models import WorkItem
    from openar.worklist.services import queues_rebuild, work_item_log_call

    info = _ensure_actions(as_of)
    if not WorkItem.objects.exists():
        queues_rebuild(as_of=as_of, actor="bench")
    sizes = list(
        WorkItem.objects.filter(collector__isnull=False)
        .values("collector_id")
        .annotate(n=Count("id"))
        .order_by("-n", "collector_id")
        .values_list("collector_id", "n")
    )
    # The largest queues, and some from the middle: the slowest case is the one that counts.
    picked = sizes[:4] + sizes[len(sizes) // 2 : len(sizes) // 2 + ONE_COLLECTOR_RUNS - 4]
    users = get_user_model().objects.in_bulk([uid for uid, _ in picked])
    rebuilds, round_trips, items = [], [], []
    for uid, _size in picked:
        user = users[uid]
        queues_rebuild(as_of=as_of, actor="bench", collector=user)  # warm: caches, connection
        top = WorkItem.objects.filter(collector=user).order_by("rank").first()
        if top is None:
            continue
        started = time.perf_counter()
        logged = work_item_log_call(
            item=top, user=user, outcome="no_answer", as_of=as_of, actor="bench"
        )
        round_trips.append(time.perf_counter() - started)
        started = time.perf_counter()
        n = queues_rebuild(as_of=as_of, actor="bench", collector=user)
        rebuilds.append(time.perf_counter() - started)
        items.append(n)
        assert n == logged.queue_items
    return {
        "rows": sum(items),
        "seconds": max(rebuilds),
        "median_seconds": round(statistics.median(rebuilds), 4),
        "log_call_round_trip_max_seconds": round(max(round_trips), 4),
        "collectors_measured": len(rebuilds),
        "queue_sizes": items,
        **info,
    }
