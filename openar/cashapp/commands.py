"""`openar statement parse FILE`: read a bank statement file and print it, importing nothing.

Exit status: 0 parsed, 1 the file was refused (the reason, with its position, on stderr),
2 usage error. The ``--json`` output is a contract for scripts: see docs/bank-statements.md."""

from __future__ import annotations

import argparse
import json
import sys
import zipfile
from pathlib import Path
from typing import Any

from openar.cashapp.domain import Statement, StatementError
from openar.cashapp.parsers import formats, parse_file
from openar.cli import UsageError


def register(sub: Any) -> None:
    statement = sub.add_parser(
        "statement",
        help="bank statement files (camt, BAI2, MT940, OFX)",
        description="Bank statement files.",
    )
    actions = statement.add_subparsers(dest="statement_command", metavar="ACTION", required=True)
    p = actions.add_parser(
        "parse",
        help="parse a statement file and print it (nothing is imported)",
        description="Parse a statement file and print it. Exit status: 0 parsed, "
        "1 refused (reason on stderr), 2 usage.",
    )
    p.add_argument("file")
    p.add_argument("--format", choices=["auto", *formats()], default="auto")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(handler=_parse)


def _parse(args: argparse.Namespace) -> int:
    path = Path(args.file)
    if not path.is_file():
        raise UsageError(f"no such file: {args.file}")
    try:
        try:
            statements = parse_file(path, fmt=args.format)
        except zipfile.BadZipFile as exc:
            raise StatementError(f"{path.name}: damaged zip archive: {exc}") from None
    except StatementError as exc:
        print(f"openar: error: {exc.message}", file=sys.stderr)
        if args.json:
            print(json.dumps({"file": args.file, "error": exc.as_dict()}, ensure_ascii=False))
        return 1
    if args.json:
        payload = {"file": args.file, "statements": [s.as_dict() for s in statements]}
        print(json.dumps(payload, indent=2, ensure_ascii=False))
    else:
        _print_table(args.file, statements)
    return 0


def _print_table(file: str, statements: list[Statement]) -> None:
    print(f"{file}: {len(statements)} statement(s)")
    for statement in statements:
        data = statement.as_dict()
        print()
        print(
            f"{data['format']} {data['statement_id']}  account {data['account']}  "
            f"{data['currency']}  opening {data['opening_balance'] or '-'} "
            f"({data['opening_date'] or '-'})  closing {data['closing_balance'] or '-'} "
            f"({data['closing_date'] or '-'})  lines {len(statement.lines)}"
        )
        if not statement.lines:
            continue
        print(
            f"  {'booked':<10} {'value':<10} {'amount':>14} {'reference':<24} "
            f"{'counterparty':<28} remittance"
        )
        for line in data["lines"]:
            reference = line["end_to_end_id"] or line["bank_reference"]
            print(
                f"  {line['booking_date'] or '-':<10} {line['value_date'] or '-':<10} "
                f"{line['amount']:>14} {reference[:24]:<24} "
                f"{line['counterparty_name'][:28]:<28} "
                f"{(line['remittance'] or line['creditor_reference'])[:60]}"
            )
