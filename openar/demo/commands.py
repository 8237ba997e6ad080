"""Demo subcommand: demo-data (the demo portfolio, its users, strategies, history and cash)."""

from __future__ import annotations

import argparse
import json
from typing import Any

from openar.core.dates import parse_iso_date, today
from openar.core.errors import UsageError


def register(sub: Any) -> None:
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
    m = sub.add_parser(
        "demo-mail",
        help="write the day's customer replies into the demo mailbox folder (then: comms fetch)",
    )
    m.add_argument("--as-of", help="YYYY-MM-DD: the day the reminders went out (default: today)")
    m.add_argument("--seed", type=int, default=42)
    m.add_argument("--json", action="store_true")
    m.set_defaults(handler=_demo_mail)


def _as_of(args: argparse.Namespace):
    return parse_iso_date(args.as_of, field="as_of") if args.as_of else today()


def _demo_data(args: argparse.Namespace) -> int:
    from openar.demo.portfolio import demo_data

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


def _demo_mail(args: argparse.Namespace) -> int:
    from openar.demo.mail import demo_mail

    try:
        summary = demo_mail(as_of=_as_of(args), seed=args.seed)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    if args.json:
        print(json.dumps(summary, indent=2))
    else:
        kinds = ", ".join(f"{n} {kind}" for kind, n in sorted(summary["kinds"].items()))
        print(f"{summary['written']} messages written to {summary['folder']} ({kinds})")
    return 0


def _demo_extras(*, as_of, seed: int) -> dict[str, Any]:
    """What the demo needs beyond the ledger: the default strategies, switched on, and a history
    of promises and calls consistent with the portfolio."""
    from openar.demo.activity import demo_activity
    from openar.demo.bank_statements import demo_statements_load
    from openar.demo.disputes import demo_disputes
    from openar.demo.letterheads import demo_letterheads
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
        "disputes": demo_disputes(as_of=as_of, seed=seed),
        "letterheads": demo_letterheads(),
        "strategies_loaded": loaded,
        "activity": activity,
        "cash": cash.get("match", {}),
    }
