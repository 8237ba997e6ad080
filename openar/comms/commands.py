"""Communications subcommands: comms send (what is due), comms fetch (replies and bounces from
the mailbox), comms statement (one account as PDF or XLSX)."""

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
