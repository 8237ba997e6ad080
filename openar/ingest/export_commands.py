"""`openar export KIND --output FILE`: the ledger as files the importer (or an ERP) reads.

`openar export KIND FILE` (a positional file) writes a layout another app registered for that
kind (core.cli_extensions): cash application's `export applications FILE`, one row per
application with the bank line it came from and its mode (auto or manual), see
docs/cash-application.md; credit's `export holds FILE`, every credit hold and release for the
ERP's order block, see docs/erp-exports.md."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from openar.core.cli_extensions import file_exports
from openar.core.errors import UsageError

EXPORT_KINDS = ("customers", "items", "receipts", "applications", "fx-rates")


def register(sub: Any) -> None:
    p = sub.add_parser(
        "export",
        help="write customers, items, receipts, applications, fx-rates or credit holds to CSV",
        description="Items can be written in the OpenAR, SAP FBL5N-style or Oracle layout; "
        "everything else in the OpenAR layout.",
    )
    extra = [kind for kind in file_exports() if kind not in EXPORT_KINDS]
    p.add_argument("kind", choices=[*EXPORT_KINDS, *extra])
    p.add_argument(
        "file", nargs="?", help="; ".join(e.help for e in file_exports().values()) or None
    )
    p.add_argument("--format", choices=["openar", "sap", "oracle"], default="openar")
    p.add_argument("--output", help="CSV file to write (the ledger layouts); - for standard output")
    p.add_argument("--open-only", action="store_true", help="items: only open items")
    p.add_argument("--as-of", help="items: as they stood on YYYY-MM-DD (default: now)")
    p.set_defaults(handler=_export)


def _export(args: argparse.Namespace) -> int:
    from openar.core.dates import parse_iso_date
    from openar.ingest import exports

    if args.file is not None:
        extension = file_exports().get(args.kind)
        if extension is None:
            usage = " or ".join(f"`export {kind} FILE`" for kind in file_exports())
            raise UsageError(f"a positional FILE is for {usage}; use --output")
        if args.output or args.format != "openar":
            raise UsageError(f"give either FILE ({extension.layout}) or --output/--format")
        count = extension.write(args.file)
        print(f"{count} {args.kind} rows written to {args.file}")
        return 0
    if args.kind not in EXPORT_KINDS:
        raise UsageError(f"`export {args.kind}` writes to a FILE: openar export {args.kind} FILE")
    if not args.output:
        raise UsageError("--output FILE is required")
    if args.kind != "items":
        if args.format != "openar":
            raise UsageError(f"{args.kind} can only be exported in the openar format")
        if args.open_only or args.as_of:
            raise UsageError("--open-only and --as-of apply to items only")
    # `--output -` writes the rows to standard output and the count to standard error.
    to_stdout = args.output == "-"
    target = sys.stdout if to_stdout else args.output
    if args.kind == "items":
        as_of = parse_iso_date(args.as_of, field="as_of") if args.as_of else None
        count = exports.export_items(
            fmt=args.format, path=target, as_of=as_of, open_only=args.open_only
        )
    else:
        writers = {
            "customers": exports.export_customers,
            "receipts": exports.export_receipts,
            "applications": exports.export_applications,
            "fx-rates": exports.export_fx_rates,
        }
        count = writers[args.kind](target)
    where = "standard output" if to_stdout else args.output
    print(f"{count} {args.kind} rows written to {where}", file=sys.stderr if to_stdout else None)
    return 0
