"""Benchmark: the whole daily cycle (`openar run-daily`) on the imported portfolio.

Untimed preparation: the default strategies (switched on) and the demo promise and call history,
so promises, events and messages have real work to do. Timed: the first run of the date, then a
rerun of the same date, which must create no action (idempotence at scale).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import time
from pathlib import Path
from typing import Any

# The full result (step times included) is kept here; the summary line shows rows and seconds.
RESULT_FILE = (
    Path(os.environ.get("OPENAR_VAR_DIR", Path(__file__).resolve().parent.parent / "var"))
    / "bench"
    / "daily-result.json"
)


def daily_cycle(*, as_of: dt.date) -> dict[str, Any]:
    from openar.demo.activity import demo_activity
    from openar.jobs.daily import run_daily
    from openar.strategy.models import Strategy
    from openar.strategy.services import strategies_load_defaults

    prep_started = time.perf_counter()
    strategies_load_defaults(actor="benchmark")
    Strategy.objects.update(active=True)
    activity = demo_activity(as_of=as_of, seed=42)
    prep_seconds = time.perf_counter() - prep_started

    started = time.perf_counter()
    first = run_daily(as_of=as_of, actor="benchmark")
    seconds = time.perf_counter() - started

    rerun_started = time.perf_counter()
    again = run_daily(as_of=as_of, actor="benchmark")
    rerun_seconds = time.perf_counter() - rerun_started
    result = {
        "rows": first["customers"],
        "seconds": seconds,
        "items_aged": first["items_aged"],
        "customers_scored": first["customers_scored"],
        "promises_checked": first["promises_checked"],
        "actions_created": first["actions_created"],
        "messages_queued": first["messages_queued"],
        "queue_items": first["queue_items"],
        "step_seconds": first["step_seconds"],
        "rerun_seconds": round(rerun_seconds, 2),
        "rerun_actions_created": again["actions_created"],
        "rerun_messages_queued": again["messages_queued"],
        "rerun_step_seconds": again["step_seconds"],
        "prep_seconds": round(prep_seconds, 2),
        "demo_promises": activity.get("promises", 0),
        "demo_contacts": activity.get("contacts", 0),
    }
    RESULT_FILE.parent.mkdir(parents=True, exist_ok=True)
    RESULT_FILE.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return result
