"""Communications subcommands: comms send (what is due), comms fetch (replies and bounces from
the mailbox), comms statement (one account as PDF or XLSX), comms statement-run (the statements
of many accounts)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from openar.core.dates import parse_iso_date, today
from openar.core.errors import NotFound, UsageError


def register(sub: Any) -> None:
    comms = sub.add_parser("comms", help="send dunning emails and letters, write statements")
    comms_sub = comms.add_subparsers(dest="comms_command", metavar="ACTION", required=True)
    p = comms_sub.add_parser("send", help="send the queued emails and letters that are due")
    p.add_argument("--as-of", help="YYYY-MM-DD: messages queued up to this cycle (default: today)")
    p.add_argument("--limit", type=int, default=None, help="at most this many customers")
    p.add_argument(
        "--ignore-window",
        action="store_true",
        help="send outside quiet days and the send window (the frequency cap still holds)",
    )
    p.add_argument("--dry-run", action="store_true", help="count what would go; send nothing")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=_send)

    p = comms_sub.add_parser(
        "fetch", help="read new replies and bounces from the mailbox (OPENAR_IMAP_URL)"
    )
    p.add_argument("--limit", type=int, default=None, help="at most this many messages")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=_fetch)

    p = comms_sub.add_parser("statement", help="one customer's statement of account")
    p.add_argument("customer_ref")
    p.add_argument("--as-of", help="YYYY-MM-DD (default: today)")
    p.add_argument("--format", choices=["pdf", "xlsx"], required=True)
    p.add_argument("--output", required=True, help="file to write")
    p.set_defaults(handler=_statement)

    p = comms_sub.add_parser(
        "statement-run",
        help="prepare (and with --send, send) the statements of many customers",
        description=(
            "Prepare the statement of account of every customer with open items in the scope; "
            "the run then waits for review on the Statements page. With --send it goes out "
            "at once: by email with the PDF attached, or as a printed letter."
        ),
    )
    p.add_argument("--as-of", help="YYYY-MM-DD: the statement date (default: today)")
    scope = p.add_mutually_exclusive_group()
    scope.add_argument("--entity", help="only this entity's customers (entity code)")
    scope.add_argument("--collector", help="only this collector's portfolio (user name)")
    scope.add_argument("--region", help="only customers in these countries (MX,CR)")
    p.add_argument("--send", action="store_true", help="send right away, without review")
    p.add_argument("--workers", type=int, default=None, help="PDF processes (default: 2)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=_statement_run)


def _as_of(args: argparse.Namespace):
    return parse_iso_date(args.as_of, field="as_of") if args.as_of else today()


def _send(args: argparse.Namespace) -> int:
    from openar.comms.services import outbox_send

    if args.limit is not None and args.limit < 1:
        raise UsageError("--limit must be at least 1")
    result = outbox_send(
        as_of=_as_of(args),
        actor="comms-send",
        limit=args.limit,
        ignore_window=args.ignore_window,
        dry_run=args.dry_run,
    )
    if args.json:
        print(json.dumps(result.as_json()))
    else:
        if args.dry_run:
            print("dry run: nothing was sent")
        for key, value in result.as_json().items():
            print(f"{key:<9} {value:>8}")
        for pk, ref, outcome, why in result.details[:200]:
            print(f"  message {pk} ({ref}): {outcome}: {why}", file=sys.stderr)
    return 0 if result.ok else 1


def _fetch(args: argparse.Namespace) -> int:
    from openar.comms.services.inbound import MailboxError, inbound_fetch

    if args.limit is not None and args.limit < 1:
        raise UsageError("--limit must be at least 1")
    try:
        result = inbound_fetch(actor="comms-fetch", limit=args.limit)
    except MailboxError as exc:
        print(f"openar comms fetch: {exc}", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(result.as_json()))
    else:
        for key, value in result.as_json().items():
            print(f"{key:<9} {value:>8}")
        for uid, why in result.details[:200]:
            print(f"  message {uid}: {why}", file=sys.stderr)
    return 0


def _statement(args: argparse.Namespace) -> int:
    from openar.comms.services import statement_pdf
    from openar.comms.statements import statement_xlsx
    from openar.ledger.models import Customer

    try:
        customer = Customer.objects.get(customer_ref=args.customer_ref)
    except Customer.DoesNotExist:
        raise NotFound(f"no customer {args.customer_ref!r}", field="customer_ref") from None
    as_of = _as_of(args)
    if args.format == "pdf":
        content = statement_pdf(customer=customer, as_of=as_of)
    else:
        content = statement_xlsx(customer=customer, as_of=as_of)
    Path(args.output).write_bytes(content)
    print(f"{args.output}: statement of {customer.customer_ref} on {as_of} ({len(content)} bytes)")
    return 0


def _statement_run(args: argparse.Namespace) -> int:
    from openar.comms.choices import RunScope
    from openar.comms.services.statement_runs import (
        REPORT_KEYS,
        statement_run_prepare,
        statement_run_report,
        statement_run_send,
        statement_run_send_start,
        statement_run_start,
    )

    if args.workers is not None and args.workers < 1:
        raise UsageError("--workers must be at least 1")
    scope: str = RunScope.ALL
    value = ""
    for name in ("entity", "collector", "region"):
        if getattr(args, name):
            scope, value = name, getattr(args, name)
    run = statement_run_start(
        as_of=_as_of(args), scope=scope, scope_value=value, actor="comms-statement-run",
        background=False,
    )  # fmt: skip
    statement_run_prepare(run=run, workers=args.workers)
    if args.send:
        statement_run_send_start(run=run, actor="comms-statement-run", background=False)
        run.refresh_from_db()
        report = statement_run_send(run=run, actor="comms-statement-run")
    else:
        report = statement_run_report(run)
        report["statements"] = report.pop("statements") + _ready(run)
    run.refresh_from_db()
    out = {"run": run.pk, "status": run.status} | {key: report[key] for key in REPORT_KEYS}
    if args.json:
        print(json.dumps(out))
    else:
        for key, shown in out.items():
            print(f"{key:<10} {shown:>8}")
        for problem in report["problems"][:200]:
            print(
                f"  {problem['customer']}: {problem['status']}: {problem['reason']}",
                file=sys.stderr,
            )
    return 1 if report["failed"] or report["deferred"] else 0


def _ready(run) -> int:
    from openar.comms.choices import LineStatus
    from openar.comms.models import StatementRunLine

    return StatementRunLine.objects.filter(run=run, status=LineStatus.READY).count()
