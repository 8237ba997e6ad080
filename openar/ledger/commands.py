"""Ledger subcommands: entity, report aging, run-daily, demo-data."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from openar.core.dates import parse_iso_date, today
from openar.core.errors import UsageError


def register(sub: Any) -> None:
    entity = sub.add_parser("entity", help="legal entities (company codes)")
    entity_sub = entity.add_subparsers(dest="entity_command", metavar="ACTION", required=True)
    p = entity_sub.add_parser("add", help="add an entity")
    p.add_argument("code")
    p.add_argument("--name", required=True)
    p.add_argument("--currency", required=True, help="functional currency (ISO 4217)")
    p.set_defaults(handler=_entity_add)
    p = entity_sub.add_parser("list", help="list entities")
    p.set_defaults(handler=_entity_list)

    report = sub.add_parser("report", help="reports")
    report_sub = report.add_subparsers(dest="report_command", metavar="REPORT", required=True)
    p = report_sub.add_parser("aging", help="aging of open items as of a date")
    p.add_argument("--as-of", help="YYYY-MM-DD (default: today)")
    p.add_argument("--by", choices=["customer", "collector", "entity", "group"], default="customer")
    p.add_argument("--format", choices=["table", "csv", "xlsx", "json"], default="table")
    p.add_argument("--output", help="write to this file instead of standard output")
    p.add_argument("--buckets", help="bucket upper bounds in days, e.g. 30,60,90,120")
    p.add_argument("--currency", help="reporting currency (default: the OPENAR setting)")
    p.add_argument("--entity", help="only this entity")
    p.add_argument("--collector", help="only this collector (username)")
    p.add_argument("--segment", help="only this segment")
    p.set_defaults(handler=_report_aging)

    p = sub.add_parser("run-daily", help="the daily cycle for a date (rerunnable)")
    p.add_argument("--as-of", help="YYYY-MM-DD (default: today)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=_run_daily)

    p = sub.add_parser("demo-data", help="generate and load a realistic demo portfolio")
    p.add_argument("--customers", type=int, default=1800)
    p.add_argument("--collectors", type=int, default=None, help="default: one per 600 customers")
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--as-of", help="YYYY-MM-DD: the portfolio's 'today' (default: today)")
    p.add_argument("--output-dir", help="keep the generated CSV files here")
    p.add_argument("--no-load", action="store_true", help="only write the files")
    p.add_argument("--reset", action="store_true", help="delete existing ledger data first")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=_demo_data)


def _as_of(args: argparse.Namespace):
    return parse_iso_date(args.as_of, field="as_of") if args.as_of else today()


def _entity_add(args: argparse.Namespace) -> int:
    from openar.ledger.services import entity_add

    entity = entity_add(code=args.code, name=args.name, currency=args.currency, actor="cli")
    print(f"entity {entity.code} added ({entity.currency})")
    return 0


def _entity_list(args: argparse.Namespace) -> int:
    from openar.ledger.models import Entity

    for entity in Entity.objects.order_by("code"):
        print(f"{entity.code}\t{entity.currency}\t{entity.name}")
    return 0


def _report_aging(args: argparse.Namespace) -> int:
    from openar.ledger.aging_export import aging_to_csv, aging_to_table, aging_to_xlsx
    from openar.ledger.selectors import AgingFilters, aging_report

    if args.format == "xlsx" and not args.output:
        raise UsageError("--format xlsx needs --output FILE")
    report = aging_report(
        as_of=_as_of(args),
        by=args.by,
        bucket_bounds=args.buckets,
        currency=args.currency,
        filters=AgingFilters(entity=args.entity, collector=args.collector, segment=args.segment),
    )
    if args.format == "xlsx":
        aging_to_xlsx(report, args.output)
        return 0
    out = open(args.output, "w", encoding="utf-8", newline="") if args.output else sys.stdout  # noqa: SIM115
    try:
        if args.format == "json":
            json.dump(report.as_dict(), out, indent=2)
            out.write("\n")
        elif args.format == "csv":
            aging_to_csv(report, out)
        else:
            out.write(aging_to_table(report))
    finally:
        if args.output:
            out.close()
    return 0


def _run_daily(args: argparse.Namespace) -> int:
    from openar.core.models import JobRun
    from openar.daily import json_summary
    from openar.tasks import DAILY, daily_job_execute

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


def _demo_data(args: argparse.Namespace) -> int:
    from openar.ledger.demo import demo_data

    if args.customers < 1:
        raise UsageError("--customers must be at least 1")
    if args.reset and not args.no_load:
        # Cash application rows protect the receipts and documents under them.
        from openar.cashapp.services import cashapp_data_reset

        cashapp_data_reset(actor="demo-data")
    summary = demo_data(
        customers=args.customers,
        collectors=args.collectors,
        seed=args.seed,
        as_of=_as_of(args),
        output_dir=args.output_dir,
        load=not args.no_load,
        reset=args.reset,
    )
    if not args.no_load:
        summary.update(_demo_extras(as_of=_as_of(args), seed=args.seed))
    if args.json:
        print(json.dumps(summary, indent=2, default=str))
    else:
        for key, value in summary.items():
            print(f"{key}: {value}")
    return 0


def _demo_extras(*, as_of, seed: int) -> dict[str, Any]:
    """What the demo needs beyond the ledger: the default strategies, switched on, and a history
    of promises and calls consistent with the portfolio."""
    from openar.activity.demo import demo_activity
    from openar.demo.bank_statements import demo_statements_load
    from openar.strategy.models import Strategy
    from openar.strategy.services import (
        DEFAULTS_FILE,
        parse_document,
        strategies_load_defaults,
        strategy_set_active,
    )

    loaded = strategies_load_defaults(actor="demo-data")
    defaults, _ = parse_document(DEFAULTS_FILE.read_text(encoding="utf-8"))
    codes = [s["code"] for s in defaults["strategies"]]
    for strategy in Strategy.objects.filter(code__in=codes, active=False):
        strategy_set_active(strategy=strategy, active=True, actor="demo-data")
    activity = demo_activity(as_of=as_of, seed=seed)
    # A bank statement of payments against the portfolio, imported and matched, so the cash
    # review screen has lines to work.
    cash = demo_statements_load(as_of=as_of, actor="demo-data")
    return {
        "strategies_loaded": loaded,
        "activity": activity,
        "cash": cash.get("match", {}),
    }
