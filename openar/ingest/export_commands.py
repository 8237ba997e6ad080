"""`openar export KIND --output FILE`: the ledger as files the importer (or an ERP) reads.

`openar export applications FILE` (a positional file) writes the cash-application layout instead:
one row per application with the bank line it came from and its mode (auto or manual), see
docs/cash-application.md."""

from __future__ import annotations

import argparse
from typing import Any

from openar.core.errors import UsageError

EXPORT_KINDS = ("customers", "items", "receipts", "applications", "fx-rates")


def register(sub: Any) -> None:
    p = sub.add_parser(
        "export",
        help="write customers, items, receipts, applications or fx-rates to a CSV file",
        description="Items can be written in the OpenAR, SAP FBL5N-style or Oracle layout; "
        "everything else in the OpenAR layout.",
    )
    p.add_argument("kind", choices=EXPORT_KINDS)
    p.add_argument(
        "file",
        nargs="?",
        help="applications only: write the cash-application layout "
        "(bank_reference,receipt_ref,customer_ref,document_ref,amount,mode) to FILE",
    )
    p.add_argument("--format", choices=["openar", "sap", "oracle"], default="openar")
    p.add_argument("--output", help="CSV file to write (the ledger layouts)")
    p.add_argument("--open-only", action="store_true", help="items: only open items")
    p.add_argument("--as-of", help="items: as they stood on YYYY-MM-DD (default: now)")
    p.set_defaults(handler=_export)


def _export(args: argparse.Namespace) -> int:
    from openar.core.dates import parse_iso_date
    from openar.ingest import exports

    if args.file is not None:
        if args.kind != "applications":
            raise UsageError("a positional FILE is for `export applications FILE`; use --output")
        if args.output or args.format != "openar":
            raise UsageError("give either FILE (cash-application layout) or --output/--format")
        from openar.cashapp.exports import export_cash_applications

        count = export_cash_applications(args.file)
        print(f"{count} applications rows written to {args.file}")
        return 0
    if not args.output:
        raise UsageError("--output FILE is required")
    if args.kind != "items":
        if args.format != "openar":
            raise UsageError(f"{args.kind} can only be exported in the openar format")
        if args.open_only or args.as_of:
            raise UsageError("--open-only and --as-of apply to items only")
    if args.kind == "items":
        as_of = parse_iso_date(args.as_of, field="as_of") if args.as_of else None
        count = exports.export_items(
            fmt=args.format, path=args.output, as_of=as_of, open_only=args.open_only
        )
    else:
        writers = {
            "customers": exports.export_customers,
            "receipts": exports.export_receipts,
            "applications": exports.export_applications,
            "fx-rates": exports.export_fx_rates,
        }
        count = writers[args.kind](args.output)
    print(f"{count} {args.kind} rows written to {args.output}")
    return 0
