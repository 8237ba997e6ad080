"""Job subcommand: run-daily (the daily cycle for a date, recorded as a job run)."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from openar.core.dates import parse_iso_date, today


def register(sub: Any) -> None:
    p = sub.add_parser("run-daily", help="the daily cycle for a date (rerunnable)")
    p.add_argument("--as-of", help="YYYY-MM-DD (default: today)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=_run_daily)


def _as_of(args: argparse.Namespace):
    return parse_iso_date(args.as_of, field="as_of") if args.as_of else today()


def _run_daily(args: argparse.Namespace) -> int:
    from openar.core.models import JobRun
    from openar.jobs.daily import json_summary
    from openar.jobs.tasks import DAILY, daily_job_execute

    progress = _progress_bar if sys.stderr.isatty() and not args.json else None
    # Recorded as a job run too, so the job page lists command-line and scheduled runs.
    job = JobRun.objects.create(kind=DAILY, as_of=_as_of(args))
    result = daily_job_execute(job, progress=progress)
    if args.json:
        print(json.dumps(json_summary(result), indent=2))
        return 0
    rows = [
        ("as of", result["as_of"]),
        ("customers", result["customers"]),
        ("customers with open items", result["customers_aged"]),
        ("items aged", result["items_aged"]),
        ("promises checked", result["promises_checked"]),
        ("customers scored", result["customers_scored"]),
        ("actions created", result["actions_created"]),
        ("messages queued", result["messages_queued"]),
        ("queue items", result["queue_items"]),
        ("seconds", result["seconds"]),
    ]
    width = max(len(label) for label, _ in rows)
    for label, value in rows:
        print(f"{label:<{width}}  {value:>12}")
    return 0


def _progress_bar(done: int, total: int, step: str) -> None:
    width = 30
    filled = width * done // total if total else width
    bar = "#" * filled + "-" * (width - filled)
    end = "\n" if done >= total else ""
    print(f"\r[{bar}] {done}/{total} {step:<12}", end=end, file=sys.stderr, flush=True)
