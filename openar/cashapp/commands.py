"""`openar statement parse FILE`: read a bank statement file and print it, importing nothing.
`openar cashapp account add|list` (our bank accounts), `openar cashapp match` (apply bank lines to
open items) and `import_statement` behind `openar import statement FILE`.

Exit status: 0 done, 1 the file was refused (the reason, with its position, on stderr),
2 usage error. The ``--json`` outputs are contracts for scripts: see docs/bank-statements.md and
docs/cash-application.md."""

from __future__ import annotations

import argparse
import json
import sys
import zipfile
from pathlib import Path
from typing import Any

from openar.cashapp.domain import Statement, StatementError
from openar.cashapp.parsers import formats, parse_file
from openar.core.errors import UsageError


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
        description="Parse a statement file and print it, with a warning for each statement "
        "whose balances do not add up. Exit status: 0 parsed (warnings or not), "
        "1 refused (reason on stderr), 2 usage.",
    )
    p.add_argument("file")
    p.add_argument("--format", choices=["auto", *formats()], default="auto")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument("--layout", metavar="CODE", help="saved CSV/XLSX layout (implies csv)")
    p.set_defaults(handler=_parse)
    register_cashapp(sub)


def _parse(args: argparse.Namespace) -> int:
    path = Path(args.file)
    if not path.is_file():
        raise UsageError(f"no such file: {args.file}")
    try:
        try:
            layout = None
            if getattr(args, "layout", None):
                from openar.cashapp.layouts import layout_get

                layout = layout_get(args.layout)
            statements = parse_file(path, fmt=args.format, layout=layout)
        except zipfile.BadZipFile as exc:
            raise StatementError(f"{path.name}: damaged zip archive: {exc}") from None
    except StatementError as exc:
        print(f"openar: error: {exc.message}", file=sys.stderr)
        if args.json:
            print(json.dumps({"file": args.file, "error": exc.as_dict()}, ensure_ascii=False))
        return 1
    warnings = [w.as_dict() for s in statements for w in s.warnings]
    if args.json:
        payload = {
            "file": args.file,
            "statements": [s.as_dict() for s in statements],
            "warnings": warnings,
        }
        print(json.dumps(payload, indent=2, ensure_ascii=False))
    else:
        _print_table(args.file, statements)
        for warning in warnings:
            print(f"warning: {warning['message']} at {warning['position']}")
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
        for balance in data["balances"][1:]:  # a multi-currency account's other currencies
            print(
                f"  {balance['currency']}  opening {balance['opening_balance'] or '-'}  "
                f"closing {balance['closing_balance'] or '-'}"
            )
        if not statement.lines:
            continue
        print(
            f"  {'booked':<10} {'value':<10} {'amount':>18} {'reference':<24} "
            f"{'counterparty':<28} remittance"
        )
        for line in data["lines"]:
            reference = line["end_to_end_id"] or line["bank_reference"]
            print(
                f"  {line['booking_date'] or '-':<10} {line['value_date'] or '-':<10} "
                f"{line['amount'] + ' ' + line['currency']:>18} {reference[:24]:<24} "
                f"{line['counterparty_name'][:28]:<28} "
                f"{(line['remittance'] or line['creditor_reference'])[:60]}"
            )


# --------------------------------------------------------------------------- openar cashapp
def register_cashapp(sub: Any) -> None:
    cash = sub.add_parser(
        "cashapp",
        help="cash application: bank accounts and matching",
        description="Cash application: our bank accounts, and matching bank lines to invoices.",
    )
    actions = cash.add_subparsers(dest="cashapp_command", metavar="ACTION", required=True)
    account = actions.add_parser("account", help="our own bank accounts")
    acc = account.add_subparsers(dest="account_command", metavar="ACTION", required=True)
    add = acc.add_parser("add", help="register a bank account (statements for it can be imported)")
    add.add_argument("account_number", help="IBAN or account number as the bank writes it")
    add.add_argument("--entity", required=True, help="entity code that owns the account")
    add.add_argument("--currency", required=True, help="the account's main currency")
    add.add_argument("--name", default="")
    add.add_argument("--bank", default="", help="bank name")
    add.add_argument("--bic", default="")
    add.add_argument(
        "--currencies",
        default="",
        metavar="CCY,CCY",
        help="a multi-currency account: the other currencies it holds (e.g. SEK,EUR)",
    )
    add.add_argument(
        "--accept-unbalanced",
        action="store_true",
        help="import this account's statements even when their balances do not add up",
    )
    add.set_defaults(handler=_account_add)
    change = acc.add_parser(
        "set",
        help="change a bank account's currencies or its unbalanced-statement setting",
        description="Change a registered bank account. Exit status: 0 done, 1 refused, 2 usage.",
    )
    change.add_argument("account_number")
    change.add_argument(
        "--currencies", metavar="CCY,CCY", help="the other currencies it holds ('' for none)"
    )
    unbalanced = change.add_mutually_exclusive_group()
    unbalanced.add_argument("--accept-unbalanced", dest="accept_unbalanced", action="store_true")
    unbalanced.add_argument("--refuse-unbalanced", dest="accept_unbalanced", action="store_false")
    change.set_defaults(handler=_account_set, accept_unbalanced=None)
    listing = acc.add_parser("list", help="list registered bank accounts")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(handler=_account_list)
    match = actions.add_parser(
        "match",
        help="match every unapplied bank line dated up to --as-of",
        description="Match unapplied bank lines: apply the confident ones, queue the rest.",
    )
    match.add_argument("--as-of", help="YYYY-MM-DD (default: today)")
    match.add_argument("--threshold", help="confidence needed to apply automatically (0..1)")
    match.add_argument("--json", action="store_true", help="print the summary as one JSON object")
    match.add_argument(
        "--no-refresh", action="store_true", help="skip refreshing the aging snapshot afterwards"
    )
    match.set_defaults(handler=_match)
    from openar.cashapp import layout_commands  # cash-review: saved CSV/XLSX layouts

    layout_commands.register(actions)


def _currency_list(text: str) -> list[str]:
    return [c.strip().upper() for c in text.replace(";", ",").split(",") if c.strip()]


def _account_add(args: argparse.Namespace) -> int:
    from openar.cashapp.services import bank_account_add

    account = bank_account_add(
        entity=args.entity,
        account_number=args.account_number,
        name=args.name,
        currency=args.currency,
        bank_name=args.bank,
        bic=args.bic,
        currencies=_currency_list(args.currencies),
        accept_unbalanced=args.accept_unbalanced,
        actor="cli",
    )
    currencies = ", ".join(account.allowed_currencies)
    print(f"bank account {account.account_number} ({currencies}) added to {args.entity}")
    return 0


def _account_set(args: argparse.Namespace) -> int:
    from openar.cashapp.services import bank_account_update
    from openar.core.errors import OpenARError

    if args.currencies is None and args.accept_unbalanced is None:
        raise UsageError("nothing to change: give --currencies and/or --accept-unbalanced")
    try:
        account = bank_account_update(
            account=args.account_number,
            currencies=None if args.currencies is None else _currency_list(args.currencies),
            accept_unbalanced=args.accept_unbalanced,
            actor="cli",
        )
    except OpenARError as exc:
        print(f"openar: error: {exc.message}", file=sys.stderr)
        return 1
    state = "accepted" if account.accept_unbalanced else "refused"
    print(
        f"bank account {account.account_number}: currencies "
        f"{', '.join(account.allowed_currencies)}; unbalanced statements {state}"
    )
    return 0


def _account_list(args: argparse.Namespace) -> int:
    from openar.cashapp.models import BankAccount

    rows: list[dict[str, Any]] = [
        {
            "account": a.account_number,
            "entity": a.entity.code,
            "currency": a.currency,
            "name": a.name,
            "bank": a.bank_name,
            "active": a.active,
            "currencies": a.allowed_currencies,
            "accept_unbalanced": a.accept_unbalanced,
        }
        for a in BankAccount.objects.select_related("entity").order_by("account_number")
    ]
    if args.json:
        print(json.dumps(rows, indent=2))
    else:
        for r in rows:
            state = "" if r["active"] else " (inactive)"
            others = ",".join(r["currencies"][1:])
            others = f" (+{others})" if others else ""
            flag = " [accepts unbalanced]" if r["accept_unbalanced"] else ""
            print(
                f"{r['account']:<34} {r['entity']:<6} {r['currency']}{others} "
                f"{r['name']}{state}{flag}"
            )
    return 0


def _match(args: argparse.Namespace) -> int:
    from decimal import Decimal, InvalidOperation

    from openar.cashapp.services import lines_match
    from openar.core.dates import parse_iso_date, today

    as_of = parse_iso_date(args.as_of, field="as_of") if args.as_of else today()
    threshold = None
    if args.threshold:
        try:
            threshold = Decimal(args.threshold)
        except InvalidOperation:
            raise UsageError(f"--threshold {args.threshold!r} is not a number") from None
        if not 0 <= threshold <= 1:
            raise UsageError("--threshold must be between 0 and 1")
    summary = lines_match(as_of=as_of, actor="cli", threshold=threshold)
    if summary.applications and not args.no_refresh:
        # Open amounts changed: the customer list reads the aging snapshot (as imports do).
        from openar.ledger.services import aging_refresh

        aging_refresh(as_of=as_of, actor="cli")
    data = summary.as_dict()
    if args.json:
        print(json.dumps(data, indent=2))
        return 0
    amounts = data["amounts"]

    def money(values: dict[str, str]) -> str:
        return ", ".join(f"{v} {c}" for c, v in values.items()) or "-"

    print(f"cash matching as of {data['as_of']} (threshold {data['threshold']})")
    print(f"  lines                  {data['lines']}")
    print(f"  applied automatically  {data['auto_applied']}  {money(amounts['auto_applied'])}")
    print(f"  suggested for review   {data['review']}  {money(amounts['review'])}")
    print(f"  unidentified           {data['unidentified']}  {money(amounts['unidentified'])}")
    print(f"  left on account        {money(amounts['on_account'])}")
    print(f"  deductions opened      {data['deductions']}")
    if data["skipped"]:
        print(f"  dated after as-of      {data['skipped']} (not matched)")
    print(f"  auto-match rate        {data['auto_rate'] * 100:.1f}%  ({data['seconds']} s)")
    return 0


def import_statement(args: argparse.Namespace) -> int:
    """`openar import statement FILE`: called by the import command for the statement kind."""
    from openar.cashapp.services import statement_import
    from openar.core.errors import OpenARError

    path = Path(args.file)
    if not path.is_file():
        raise UsageError(f"no such file: {args.file}")
    fmt = args.format or "auto"
    if fmt not in ("auto", "csv", *formats()):
        raise UsageError(
            f"--format {fmt} is not a statement format (auto, {', '.join(formats())}, csv)"
        )
    try:
        summary = statement_import(
            path=path,
            fmt=fmt,
            layout=args.layout,
            accept_unbalanced=getattr(args, "accept_unbalanced", False),
            actor="cli",
        )
    except OpenARError as exc:
        if args.json:
            print(json.dumps({"file": args.file, "status": "rejected", "error": exc.as_dict()}))
        print(f"openar: error: {exc.message}", file=sys.stderr)
        return 1
    data = summary.as_dict()
    data["file"] = args.file
    if args.json:
        print(json.dumps(data, indent=2))
        return 0
    credits = ", ".join(f"{v} {c}" for c, v in data["credit_totals"].items()) or "-"
    debits = ", ".join(f"{v} {c}" for c, v in data["debit_totals"].items()) or "-"
    print(
        f"{args.file}: imported. statements {data['statements']}, lines {data['lines']}, "
        f"receipts {data['receipts_created']} ({credits}), debits {data['debits']} ({debits})"
    )
    if data["bounced"]:
        print(f"  {data['bounced']} debit(s) return earlier payments (payment_bounced recorded)")
    for warning in data["warnings"]:
        print(f"  warning: {warning['message']} (imported as the bank sent it)")
    print("  next: openar cashapp match")
    return 0
