"""The daily cycle: the composition root that runs every app's daily step for one ``as_of`` date.

Order matters: disputes first (credit memos the ERP sent are applied to their items, cases
past their SLA escalated), then aging (everything reads the snapshot), then promises against
cash (a broken promise is an event strategies react to), risk scores (a dropped class is another
event), the strategies (actions), credit (a release recommended for holds whose condition is
met, limit reviews opened), the outbox (emails and letters from those actions), the queues
(ranked work from the actions, scores and promises), and last the reporting snapshot (the day's
receivables by account, collector, entity, segment and risk class; the first run rebuilds the
history before it). Every step is idempotent for a date, so a rerun of the same date creates
nothing new. Each step commits on its own: a failure leaves the earlier steps done and the
rerun finishes the rest.
"""

from __future__ import annotations

import datetime as dt
import gc
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any

from django.db import connection, connections

from openar.core.audit import audit_record

# progress(done, total, step): called before each step (done = steps finished) and at the end.
Progress = Callable[[int, int, str], None]

# The keys `openar run-daily --json` prints, in this order (the contract).
JSON_KEYS = (
    "as_of",
    "customers",
    "items_aged",
    "customers_scored",
    "promises_checked",
    "actions_created",
    "queue_items",
    "seconds",
)

STEPS = (
    "disputes", "aging", "promises", "scores", "strategies", "holds", "outbox", "queues",
    "snapshot",
)  # fmt: skip

# The steps in phases; a phase's chains are independent of each other. Aging, and promises then
# scores (the risk model reads promise outcomes; neither reads the snapshot); then the strategies
# (which read all three) beside the review of credit holds (it reads the snapshot); then the
# outbox and the queues (both read only the actions); last the reporting snapshot. On PostgreSQL
# a phase's chains run side by side, each in its own connection, so the database works on both
# cores. Elsewhere, or inside a caller's transaction (whose rows other connections cannot see),
# every step runs one after the other in ``STEPS`` order.
PHASES: tuple[tuple[tuple[str, ...], ...], ...] = (
    (("disputes",),),
    (("aging",), ("promises", "scores")),
    (("strategies",), ("holds",)),
    (("outbox",), ("queues",)),
    (("snapshot",),),
)


def _step_disputes(as_of: dt.date, actor: Any, out: dict[str, Any]) -> None:
    from openar.disputes.services import credit_memos_apply, disputes_escalate

    out["credit_memos_applied"] = credit_memos_apply(as_of=as_of, actor=actor)
    out["disputes_escalated"] = disputes_escalate(as_of=as_of, actor=actor)


def _step_aging(as_of: dt.date, actor: Any, out: dict[str, Any]) -> None:
    from django.db.models import Sum

    from openar.ledger.models import Customer, CustomerAging
    from openar.ledger.services import aging_refresh

    out["customers_aged"] = aging_refresh(as_of=as_of, actor=actor)
    out["items_aged"] = CustomerAging.objects.aggregate(n=Sum("open_items"))["n"] or 0
    out["customers"] = Customer.objects.count()


def _step_promises(as_of: dt.date, actor: Any, out: dict[str, Any]) -> None:
    from openar.activity.plans import plans_check
    from openar.activity.services import promises_check

    out["promises_checked"] = promises_check(as_of=as_of, actor=actor)
    # Payment plans' instalments are judged the same way, in the same step.
    plans_check(as_of=as_of, actor=actor)


def _step_scores(as_of: dt.date, actor: Any, out: dict[str, Any]) -> None:
    from openar.risk.services import scores_refresh

    out["customers_scored"] = scores_refresh(as_of=as_of, actor=actor)


def _step_strategies(as_of: dt.date, actor: Any, out: dict[str, Any]) -> None:
    from openar.strategy.services import strategies_evaluate

    result = strategies_evaluate(as_of=as_of, actor=actor)
    out["actions_created"] = result.actions_created
    out["customers_evaluated"] = result.customers_evaluated


def _step_holds(as_of: dt.date, actor: Any, out: dict[str, Any]) -> None:
    from openar.credit.services import holds_review, limit_reviews_raise

    out["hold_releases_recommended"] = holds_review(as_of=as_of, actor=actor)
    out["limit_reviews_opened"] = limit_reviews_raise(as_of=as_of, actor=actor)


def _step_outbox(as_of: dt.date, actor: Any, out: dict[str, Any]) -> None:
    from openar.comms.services import outbox_queue

    out["messages_queued"] = outbox_queue(as_of=as_of, actor=actor)


def _step_queues(as_of: dt.date, actor: Any, out: dict[str, Any]) -> None:
    from openar.worklist.services import queues_rebuild

    out["queue_items"] = queues_rebuild(as_of=as_of, actor=actor)


def _step_snapshot(as_of: dt.date, actor: Any, out: dict[str, Any]) -> None:
    from openar.reports.services import snapshots_daily

    out["snapshot_days"] = snapshots_daily(as_of=as_of, actor=actor)


_RUNNERS: dict[str, Callable[[dt.date, Any, dict[str, Any]], None]] = {
    "disputes": _step_disputes,
    "aging": _step_aging,
    "promises": _step_promises,
    "scores": _step_scores,
    "strategies": _step_strategies,
    "holds": _step_holds,
    "outbox": _step_outbox,
    "queues": _step_queues,
    "snapshot": _step_snapshot,
}


# The steps build hundreds of thousands of rows, facts and messages that live until the step
# ends; at the default threshold (700 allocations) the cyclic collector rescans them thousands of
# times, a quarter of the strategy step's time. Young cycles are still collected.
_GC_THRESHOLD = (100_000, 50, 100)
_gc_lock = threading.Lock()
_gc_users = 0
_gc_saved: tuple[int, ...] = ()


@contextmanager
def _fewer_collections() -> Iterator[None]:
    global _gc_users, _gc_saved
    with _gc_lock:
        if _gc_users == 0:
            _gc_saved = gc.get_threshold()
            gc.set_threshold(*_GC_THRESHOLD)
        _gc_users += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_users -= 1
            if _gc_users == 0:
                gc.set_threshold(*_gc_saved)


def run_daily(
    *,
    as_of: dt.date,
    actor: Any,
    progress: Progress | None = None,
    parallel: bool | None = None,
) -> dict[str, Any]:
    """Run the daily cycle for ``as_of``; returns the figures of ``JSON_KEYS`` plus
    ``messages_queued``, ``customers_aged`` and per-step ``step_seconds``.

    ``parallel`` (default: on PostgreSQL outside a transaction) runs the chains of each of
    ``PHASES`` side by side."""
    started = time.perf_counter()
    out: dict[str, Any] = {
        "as_of": as_of.isoformat(),
        "customers": 0,
        "items_aged": 0,
        "customers_scored": 0,
        "promises_checked": 0,
        "actions_created": 0,
        "queue_items": 0,
        "messages_queued": 0,
        "hold_releases_recommended": 0,
        "limit_reviews_opened": 0,
        "customers_aged": 0,
        "credit_memos_applied": 0,
        "disputes_escalated": 0,
        "snapshot_days": 0,
        "step_seconds": {},
    }
    total = len(STEPS)
    done = 0
    lock = threading.Lock()

    def run_step(name: str) -> None:
        nonlocal done
        if progress:
            with lock:
                progress(done, total, name)
        step_started = time.perf_counter()
        _RUNNERS[name](as_of, actor, out)
        with lock:
            out["step_seconds"][name] = round(time.perf_counter() - step_started, 3)
            done += 1

    if parallel is None:
        parallel = connection.vendor == "postgresql" and not connection.in_atomic_block
    with _fewer_collections():
        if parallel:
            for chains in PHASES:
                if len(chains) == 1:
                    for name in chains[0]:
                        run_step(name)
                else:
                    _run_chains(chains, run_step)
        else:
            for name in STEPS:
                run_step(name)
    out["seconds"] = round(time.perf_counter() - started, 2)
    if progress:
        progress(total, total, "done")
    audit_record(
        actor=actor,
        action="daily.run",
        object_type="daily",
        object_id=as_of.isoformat(),
        summary=(
            f"{out['customers_aged']} customers aged, {out['promises_checked']} promises checked, "
            f"{out['customers_scored']} scored, {out['actions_created']} actions, "
            f"{out['messages_queued']} messages, {out['queue_items']} queue items "
            f"in {out['seconds']} s"
        ),
        after={k: out[k] for k in JSON_KEYS},
    )
    return out


def _run_chains(chains: Sequence[Sequence[str]], run_step: Callable[[str], None]) -> None:
    """Run each chain's steps in order, the chains side by side; re-raise the first failure."""

    def run_chain(chain: Sequence[str]) -> None:
        try:
            for name in chain:
                run_step(name)
        finally:
            connections.close_all()  # this thread's connections

    with ThreadPoolExecutor(max_workers=len(chains), thread_name_prefix="daily") as pool:
        futures = [pool.submit(run_chain, chain) for chain in chains]
        for future in futures:
            future.result()


def json_summary(result: dict[str, Any]) -> dict[str, Any]:
    """Exactly the keys of the ``run-daily --json`` contract."""
    return {key: result[key] for key in JSON_KEYS}
