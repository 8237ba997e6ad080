"""Strategy engine benchmark: ``strategies_evaluate`` over the whole imported portfolio.

Runs inside one transaction that is rolled back, so it measures a first run for the date (every
action new) whatever ran before it, and leaves the database as it found it."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any


class _Rollback(Exception):
    pass


def strategies(*, as_of: dt.date) -> dict[str, Any]:
    from django.db import transaction

    from openar.credit.models import Recommendation
    from openar.strategy.models import Action, Strategy, StrategyRun
    from openar.strategy.selectors import strategy_simulate
    from openar.strategy.services import strategies_evaluate, strategies_load_defaults

    result: dict[str, Any] = {}
    try:
        with transaction.atomic():
            strategies_load_defaults(actor="bench")
            # Rows of earlier scenarios go (constraints are checked at commit, which never comes).
            for model in (Recommendation, Action, StrategyRun):
                model.objects.all()._raw_delete(model.objects.db)
            started = time.perf_counter()
            first = strategies_evaluate(as_of=as_of, actor="bench")
            seconds = time.perf_counter() - started
            started = time.perf_counter()
            rerun = strategies_evaluate(as_of=as_of, actor="bench")
            rerun_seconds = time.perf_counter() - started
            started = time.perf_counter()
            sim = strategy_simulate(strategy=Strategy.objects.get(code="standard"), as_of=as_of)
            simulate_seconds = time.perf_counter() - started
            result = {
                "rows": first.customers_evaluated,
                "seconds": seconds,
                "actions_created": first.actions_created,
                "recommendations": first.recommendations_created,
                "by_kind": first.by_kind,
                "skipped": first.skipped,
                "rerun_seconds": round(rerun_seconds, 2),
                "rerun_created": rerun.actions_created,
                "simulate_seconds": round(simulate_seconds, 2),
                "simulated_existing": sim.existing_actions,
            }
            raise _Rollback
    except _Rollback:
        pass
    return result
