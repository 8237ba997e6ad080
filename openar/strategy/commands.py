"""Strategy subcommands: list, import, export, simulate, evaluate, load-defaults."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from openar.core.dates import parse_iso_date, today
from openar.core.errors import UsageError


def register(sub: Any) -> None:
    strategy = sub.add_parser("strategy", help="account treatment strategies")
    ssub = strategy.add_subparsers(dest="strategy_command", metavar="ACTION", required=True)

    p = ssub.add_parser("list", help="list strategies in matching order")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=_list)

    p = ssub.add_parser("import", help="create or replace strategies from a YAML or JSON file")
    p.add_argument("file")
    p.add_argument("--dry-run", action="store_true", help="validate and report, change nothing")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=_import)

    p = ssub.add_parser("export", help="write every strategy as YAML or JSON")
    p.add_argument("--format", choices=["yaml", "json"], default="yaml")
    p.add_argument("--output", help="write to this file instead of standard output")
    p.add_argument("--code", action="append", help="only this strategy (repeatable)")
    p.set_defaults(handler=_export)

    p = ssub.add_parser("simulate", help="what a strategy would do on a date (writes nothing)")
    p.add_argument("code")
    p.add_argument("--as-of", help="YYYY-MM-DD (default: today)")
    p.add_argument("--limit", type=int, default=50, help="actions to list (default 50)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=_simulate)

    p = ssub.add_parser("evaluate", help="run the strategy engine for a date (rerunnable)")
    p.add_argument("--as-of", help="YYYY-MM-DD (default: today)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=_evaluate)

    p = ssub.add_parser("load-defaults", help="load the default strategy set (missing codes only)")
    p.set_defaults(handler=_load_defaults)


def _as_of(args: argparse.Namespace):
    return parse_iso_date(args.as_of, field="as_of") if args.as_of else today()


def _list(args: argparse.Namespace) -> int:
    from openar.strategy.models import Strategy

    rows = [
        {
            "code": s.code,
            "name": s.name,
            "priority": s.priority,
            "is_default": s.is_default,
            "active": s.active,
            "steps": s.steps.count(),
        }
        for s in Strategy.objects.order_by("is_default", "priority", "code")
    ]
    if args.json:
        print(json.dumps(rows, indent=2))
        return 0
    for r in rows:
        flags = ("active" if r["active"] else "inactive") + (" default" if r["is_default"] else "")
        print(f"{r['priority']:>5}  {r['code']:<24} {flags:<16} {r['steps']:>3} steps  {r['name']}")
    return 0


def _import(args: argparse.Namespace) -> int:
    from openar.strategy.services import parse_document, strategies_import

    path = Path(args.file)
    if not path.is_file():
        raise UsageError(f"no such file: {args.file}")
    data, problems = parse_document(path.read_bytes())
    if problems:
        for issue in problems:
            print(f"error: {issue}", file=sys.stderr)
        return 1
    report = strategies_import(data=data, actor="cli", dry_run=args.dry_run)
    if args.json:
        print(json.dumps(report.as_dict(), indent=2))
    else:
        for issue in report.errors:
            print(f"error: {issue}", file=sys.stderr)
        for issue in report.warnings:
            print(f"warning: {issue}", file=sys.stderr)
        if report.ok:
            suffix = " (dry run: nothing written)" if args.dry_run else ""
            print(
                f"{len(report.created)} created, {len(report.updated)} updated, "
                f"{len(report.unchanged)} unchanged{suffix}"
            )
        else:
            print(f"{len(report.errors)} errors: nothing changed", file=sys.stderr)
    return 0 if report.ok else 1


def _export(args: argparse.Namespace) -> int:
    from openar.strategy.selectors import strategies_export
    from openar.strategy.services import dump_document

    text = dump_document(strategies_export(codes=args.code), args.format)
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


def _simulate(args: argparse.Namespace) -> int:
    from openar.core.errors import NotFound
    from openar.strategy.models import Strategy
    from openar.strategy.selectors import strategy_simulate

    strategy = Strategy.objects.filter(code=args.code).first()
    if strategy is None:
        raise NotFound(f"no strategy {args.code!r}", field="code")
    if args.limit < 0:
        raise UsageError("--limit must be 0 or more")
    result = strategy_simulate(strategy=strategy, as_of=_as_of(args), limit=args.limit)
    if args.json:
        print(json.dumps(result.as_dict(), indent=2))
        return 0
    print(
        f"strategy {result.strategy} as of {result.as_of}: {result.customers_matched} of "
        f"{result.customers_evaluated} accounts, {result.new_actions} new actions "
        f"({result.existing_actions} already created)"
    )
    for step, n in sorted(result.by_step.items()):
        print(f"  {step}: {n}")
    if result.skipped:
        print("  skipped: " + ", ".join(f"{k} {v}" for k, v in sorted(result.skipped.items())))
    for a in result.actions:
        mark = " (exists)" if a.exists else ""
        dpd = "" if a.days_past_due is None else f"{a.days_past_due:>5}d "
        print(f"{a.customer_ref:<12} {a.kind:<12} {dpd}{a.step_code}{mark}")
    return 0


def _evaluate(args: argparse.Namespace) -> int:
    from openar.strategy.services import strategies_evaluate

    result = strategies_evaluate(as_of=_as_of(args), actor="cli")
    if args.json:
        print(json.dumps(result.as_dict(), indent=2))
    else:
        print(
            f"{result.actions_created} actions created for {result.customers_evaluated} accounts "
            f"({result.actions_existing} already there) in {result.seconds:.1f} s"
        )
    return 0


def _load_defaults(args: argparse.Namespace) -> int:
    from openar.strategy.services import strategies_load_defaults

    print(f"{strategies_load_defaults(actor='cli')} strategies loaded")
    return 0
